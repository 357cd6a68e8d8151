#!/usr/bin/env bash
# Install everything cephkg needs on a fresh Debian/Ubuntu machine:
#   - a Java runtime (OPSIN resolves names, HermiT reasons) when `java` is missing,
#   - a virtual environment in .venv with cephkg and its dependencies (editable).
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

# apt_install WHAT PACKAGE…: install Debian packages with root or sudo, or say what to install.
apt_updated=""
apt_install() {
  local what="$1"; shift
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "setup: cannot install $what without root; install $* and rerun" >&2; exit 1
  fi
  if [ -z "$apt_updated" ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if ! command -v java >/dev/null 2>&1; then
  echo "setup: java not found; installing default-jre-headless" >&2
  apt_install Java default-jre-headless
fi

# The browser tests (tests/report/test_browser.py) drive Debian's Chromium through its
# ChromeDriver; Selenium's and Playwright's own browser downloads are not used.
case ",$extras," in
  *,test,*)
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
      echo "setup: chromium or chromedriver not found; installing chromium chromium-driver" >&2
      apt_install Chromium chromium chromium-driver
    fi
    ;;
esac

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
