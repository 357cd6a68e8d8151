#!/usr/bin/env bash
# apt_install PACKAGE...: install Debian packages with apt-get, as root or through sudo.
# Sourced by scripts/setup.sh and scripts/install-test-deps.sh.
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup: installing $* needs root; install it (apt-get install $*) and rerun" >&2; return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: apt-get not found; install $* with your system's package manager and rerun" >&2; return 1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
