#!/usr/bin/env bash
# Lints the OpenAPI document api/openapi.json with Redocly CLI, at the version
# pinned in tools/npm/package-lock.json (installed by scripts/npm-tools.sh).
# Rules: api/redocly.yaml. Prints one line when the document is clean, and
# everything the linter found when it is not (exit 1).
set -euo pipefail
cd "$(dirname "$0")/.."

tools=tools/npm
scripts/npm-tools.sh

# No usage telemetry, no update check: the linter needs no network.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1
if ! out=$("$tools/node_modules/.bin/redocly" lint --format=stylish --config api/redocly.yaml api/openapi.json 2>&1); then
  # Drop the CLI's boxed banners (e.g. a Node.js deprecation notice).
  echo "$out" | grep -v '[╔║╚]' >&2
  echo "lint-openapi: api/openapi.json has problems (rules: api/redocly.yaml)" >&2
  exit 1
fi
echo "lint-openapi: api/openapi.json is valid OpenAPI 3.1 ($(echo "$out" | grep -o 'validated in [0-9.]*m\?s' || true))"
