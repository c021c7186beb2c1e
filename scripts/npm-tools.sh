#!/usr/bin/env bash
# Installs the Node.js tools of the test suite — the OpenAPI linter, the
# TypeScript client generator and compiler — at the versions pinned in
# tools/npm/package-lock.json, with `npm ci` into tools/npm/node_modules (which
# git ignores). Does nothing while the installed tree came from this lock file.
# Sourced or run by the scripts that use the tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tools=tools/npm
if ! command -v npm >/dev/null 2>&1; then
  echo "npm-tools: npm not found; install Node.js (20.19 or later) and npm" >&2
  exit 1
fi
stamp=$tools/node_modules/.installed-from-lock
want=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if ! out=$(cd "$tools" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error 2>&1); then
    echo "npm-tools: npm ci in $tools failed:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
fi
