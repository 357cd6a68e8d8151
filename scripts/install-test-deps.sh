#!/usr/bin/env bash
# Install what the test suite needs beyond Python packages, when it is missing:
#   - Virtuoso 7 (Debian's virtuoso-opensource-7-bin: virtuoso-t and isql-vt), for the
#     query-parity and push tests against a third SPARQL engine.
# Called by scripts/test.sh; as root or with sudo, like Java in scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/apt-install.sh
. scripts/apt-install.sh

if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
  echo "setup: Virtuoso not found; installing virtuoso-opensource-7-bin" >&2
  apt_install virtuoso-opensource-7-bin
fi
version=$(virtuoso-t -? 2>&1 | grep -m1 -i 'version' || true)  # virtuoso-t -? exits non-zero
echo "setup: test tools ready (Virtuoso ${version:-installed})" >&2
