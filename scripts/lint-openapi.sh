#!/usr/bin/env bash
# Lints the OpenAPI document api/openapi.json with Redocly CLI, at the version
# pinned in tools/npm/package-lock.json (installed with `npm ci` into
# tools/npm/node_modules, which git ignores; skipped while the lock file is
# unchanged). Rules: api/redocly.yaml. Prints one line when the document is
# clean, and everything the linter found when it is not (exit 1).
set -euo pipefail
cd "$(dirname "$0")/.."

tools=tools/npm
if ! command -v npm >/dev/null 2>&1; then
  echo "lint-openapi: npm not found; install Node.js (20.19 or later) and npm" >&2
  exit 1
fi

# Install the pinned linter unless the installed tree came from this lock file.
stamp=$tools/node_modules/.installed-from-lock
want=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
if [ ! -x "$tools/node_modules/.bin/redocly" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if ! out=$(cd "$tools" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error 2>&1); then
    echo "lint-openapi: npm ci in $tools failed:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
fi

# No usage telemetry, no update check: the linter needs no network.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1
if ! out=$("$tools/node_modules/.bin/redocly" lint --format=stylish --config api/redocly.yaml api/openapi.json 2>&1); then
  # Drop the CLI's boxed banners (e.g. a Node.js deprecation notice).
  echo "$out" | grep -v '[╔║╚]' >&2
  echo "lint-openapi: api/openapi.json has problems (rules: api/redocly.yaml)" >&2
  exit 1
fi
echo "lint-openapi: api/openapi.json is valid OpenAPI 3.1 ($(echo "$out" | grep -o 'validated in [0-9.]*m\?s' || true))"
