#!/usr/bin/env bash
# Makes sure a Chromium or Chrome is installed for the browser test of the docs page (playwright-core drives the
# system browser; Playwright's own browser download is never used). `npm test` runs this first, through
# `bash scripts/setup.sh --with-browser`; `npm start` does not need a browser.
#
# This file is the one definition of how the browser is found; tests/helpers/browser.ts asks it (`--find`).
# Looks at CHROMIUM_BIN, then PATH (chromium, chromium-browser, google-chrome, google-chrome-stable), then the usual
# install places (Debian/Ubuntu, Homebrew, the macOS apps). If none is there, installs Debian's package where that can
# be done unattended (root with apt-get); otherwise exits 1 with the exact command to run.
#
#   bash scripts/setup-browser.sh          find or install, then print one line: "chromium: <path> (<version>)"
#   bash scripts/setup-browser.sh --find   print the path of the browser, or exit 1 saying how to install one
set -euo pipefail

NAMES="chromium chromium-browser google-chrome google-chrome-stable"
# Full paths, colon-separated (the macOS ones contain spaces). BROWSER_SETUP_SEARCH_PATHS replaces them, for the
# script's own tests.
DEFAULT_PATHS="/usr/bin/chromium:/usr/bin/chromium-browser:/snap/bin/chromium:/opt/homebrew/bin/chromium"
DEFAULT_PATHS+=":/usr/local/bin/chromium:/Applications/Chromium.app/Contents/MacOS/Chromium"
DEFAULT_PATHS+=":/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
DEFAULT_PATHS+=":${HOME:-/nonexistent}/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
SEARCH_PATHS="${BROWSER_SETUP_SEARCH_PATHS-$DEFAULT_PATHS}"
APT_CMD="apt-get update && apt-get install -y chromium"

find_browser() {
  if [ -n "${CHROMIUM_BIN:-}" ]; then
    # An explicit choice must work; installing another browser would not change what the test runs.
    if [ -f "$CHROMIUM_BIN" ] && [ -x "$CHROMIUM_BIN" ]; then
      printf '%s\n' "$CHROMIUM_BIN"
      return 0
    fi
    return 2
  fi
  local name found file
  for name in $NAMES; do
    if found="$(command -v "$name" 2>/dev/null)" && [ -f "$found" ] && [ -x "$found" ]; then
      printf '%s\n' "$found"
      return 0
    fi
  done
  local IFS=:
  for file in $SEARCH_PATHS; do
    if [ -f "$file" ] && [ -x "$file" ]; then
      printf '%s\n' "$file"
      return 0
    fi
  done
  return 1
}

# The one command that installs a browser here, for a user who runs it by hand.
install_command() {
  if command -v apt-get >/dev/null 2>&1; then
    echo "sudo sh -c '$APT_CMD'"
  elif [[ "${OSTYPE:-}" == darwin* ]]; then
    echo "brew install --cask google-chrome"
  else
    echo "install Chromium or Chrome with your package manager"
  fi
}

explain_missing() {
  {
    echo "No Chromium or Chrome found (looked at CHROMIUM_BIN, PATH and the usual install places)."
    echo "Install one with:"
    echo "  $(install_command)"
    echo "or point CHROMIUM_BIN at an installed Chromium/Chrome executable. Then run the tests again (npm test)."
  } >&2
}

report() {
  printf 'chromium: %s (%s)\n' "$1" "$("$1" --version 2>/dev/null | head -n 1)"
}

find_only=0
case "${1-}" in
  '') ;;
  --find) find_only=1 ;;
  *)
    echo "usage: bash scripts/setup-browser.sh [--find]" >&2
    exit 2
    ;;
esac

status=0
bin="$(find_browser)" || status=$?
if [ "$status" = 0 ]; then
  if [ "$find_only" = 1 ]; then printf '%s\n' "$bin"; else report "$bin"; fi
  exit 0
elif [ "$status" = 2 ]; then
  echo "CHROMIUM_BIN=$CHROMIUM_BIN is not an executable file. Fix or unset it, then run this again." >&2
  exit 1
fi

if [ "$find_only" = 1 ] || [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  explain_missing
  exit 1
fi

echo "chromium not found; installing the Debian package (apt-get install -y chromium)..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

if bin="$(find_browser)"; then
  report "$bin"
else
  echo "The installation finished but chromium is still not found in PATH or the usual install places." >&2
  exit 1
fi
