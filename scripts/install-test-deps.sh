#!/usr/bin/env bash
# Install what the test suite needs beyond Python packages, when it is missing:
#   - Virtuoso 7 (Debian's virtuoso-opensource-7-bin: virtuoso-t and isql-vt), for the
#     query-parity and push tests against a third SPARQL engine;
#   - Chromium and its ChromeDriver (Debian's chromium, chromium-driver), which the browser
#     tests (tests/report/test_browser.py) drive through Selenium; Selenium's and
#     Playwright's own browser downloads are not used.
# Called by scripts/test.sh; as root or with sudo, like Java in scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/apt-install.sh
. scripts/apt-install.sh

if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
  echo "setup: Virtuoso not found; installing virtuoso-opensource-7-bin" >&2
  apt_install virtuoso-opensource-7-bin
fi
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "setup: chromium or chromedriver not found; installing chromium chromium-driver" >&2
  apt_install chromium chromium-driver
fi
version=$(virtuoso-t -? 2>&1 | grep -m1 -i 'version' || true)  # virtuoso-t -? exits non-zero
echo "setup: test tools ready (Virtuoso ${version:-installed})" >&2
