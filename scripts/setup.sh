#!/usr/bin/env bash
# Install everything cephkg needs on a fresh Debian/Ubuntu machine:
#   - a Java runtime (OPSIN resolves names, HermiT reasons) when `java` is missing,
#   - a virtual environment in .venv with cephkg and its dependencies (editable).
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

# shellcheck source=scripts/apt-install.sh
. scripts/apt-install.sh

if ! command -v java >/dev/null 2>&1; then
  echo "setup: java not found; installing default-jre-headless" >&2
  apt_install default-jre-headless
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: cephkg needs Python 3.11 or newer ($("$python" --version 2>&1) found)" >&2; exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ -n "$extras" ]; then spec=".[$extras]"; else spec="."; fi
.venv/bin/python -m pip install -q -e "$spec"
echo "setup: ready ($(.venv/bin/python --version), $(java -version 2>&1 | head -n 1))" >&2
