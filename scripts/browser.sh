#!/usr/bin/env bash
# Sets up the console's browser test (cmd/hotel/console_browser_test.go):
# Debian's chromium when /usr/bin/chromium is missing, and the pinned
# playwright-core and axe-core (tests/browser/package-lock.json) with
# `npm ci` when tests/browser/node_modules did not come from that lock
# file. Idempotent: does nothing when both are in place. Run by
# scripts/test.sh and by the test itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "browser: /usr/bin/chromium is missing; install it with: apt-get install -y chromium (Debian)" >&2
    exit 1
  fi
  echo "browser: installing Debian's chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "browser: npm not found; install Node.js (20 or later) and npm" >&2
  exit 1
fi
dir=tests/browser
stamp=$dir/node_modules/.installed-from-lock
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if ! out=$(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error 2>&1); then
    echo "browser: npm ci in $dir failed:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
fi
