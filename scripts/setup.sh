#!/usr/bin/env bash
# Makes sure nats-server is installed: the tests and the embedded mode run it as a child process.
#
# Looks where the package does (src/server/find-binary.ts): NATS_SERVER_BIN, PATH, /usr/sbin, /usr/local/bin,
# /opt/homebrew/bin. If it is nowhere, installs it where that can be done unattended (root with apt-get, or brew);
# otherwise exits 1 with the exact command to run. Idempotent: prints one line when it is already there.
#
# `--with-browser` (what `npm test` runs first) then makes sure of a Chromium too, with scripts/setup-browser.sh: the
# browser test needs one, `npm start` does not.
set -euo pipefail

case "${1-}" in
  '') ;;
  --with-browser)
    "$BASH" "${BASH_SOURCE[0]}"
    exec "$BASH" "$(dirname "${BASH_SOURCE[0]}")/setup-browser.sh"
    ;;
  *)
    echo "usage: bash scripts/setup.sh [--with-browser]" >&2
    exit 2
    ;;
esac

# The usual places after PATH; NATS_SETUP_SEARCH_DIRS (space-separated) replaces them, for the script's own tests.
SEARCH_DIRS="${NATS_SETUP_SEARCH_DIRS-/usr/sbin /usr/local/bin /opt/homebrew/bin}"
APT_CMD="apt-get update && apt-get install -y nats-server"

find_nats_server() {
  if [ -n "${NATS_SERVER_BIN:-}" ]; then
    # An explicit choice must work; installing another copy would not change what the package runs.
    if [ -f "$NATS_SERVER_BIN" ] && [ -x "$NATS_SERVER_BIN" ]; then
      printf '%s\n' "$NATS_SERVER_BIN"
      return 0
    fi
    return 2
  fi
  local found dir
  if found="$(command -v nats-server 2>/dev/null)" && [ -x "$found" ]; then
    printf '%s\n' "$found"
    return 0
  fi
  for dir in $SEARCH_DIRS; do
    if [ -f "$dir/nats-server" ] && [ -x "$dir/nats-server" ]; then
      printf '%s\n' "$dir/nats-server"
      return 0
    fi
  done
  return 1
}

report() {
  printf 'nats-server: %s (%s)\n' "$1" "$("$1" --version 2>&1 | head -n 1)"
}

status=0
bin="$(find_nats_server)" || status=$?
if [ "$status" = 0 ]; then
  report "$bin"
  exit 0
elif [ "$status" = 2 ]; then
  printf 'NATS_SERVER_BIN=%s is not an executable file. Fix or unset it, then run this again.\n' "$NATS_SERVER_BIN" >&2
  exit 1
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "nats-server not found; installing the Debian package (apt-get install -y nats-server)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
elif command -v brew >/dev/null 2>&1; then
  echo "nats-server not found; installing it with Homebrew (brew install nats-server)..."
  brew install nats-server
else
  {
    echo "nats-server is not installed, and it cannot be installed unattended here (not root, no Homebrew)."
    echo "Install it with one of:"
    if command -v apt-get >/dev/null 2>&1; then
      echo "  sudo sh -c '$APT_CMD'"
    fi
    echo "  brew install nats-server                     (macOS)"
    echo "  or download it from https://github.com/nats-io/nats-server/releases and set NATS_SERVER_BIN=/path/to/nats-server"
    echo "Then run this again (npm run setup)."
  } >&2
  exit 1
fi

if bin="$(find_nats_server)"; then
  report "$bin"
else
  echo "The installation finished but nats-server is still not found in PATH or $SEARCH_DIRS." >&2
  exit 1
fi
