#!/usr/bin/env bash
# Runs go test through gotestsum with the flags and packages given, and
# fails if any test was skipped: a skipped test proves nothing.
#
#   scripts/gotest.sh -race ./internal/...     # as scripts/test.sh runs the suite
#
# TEST_TIMEOUT (default 20m) bounds each test binary; GOTESTSUM_FORMAT
# (default pkgname) is gotestsum's output format.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

report=$(mktemp -t hotel-test-XXXXXX.json)
trap 'rm -f "$report"' EXIT
go tool gotestsum --format "${GOTESTSUM_FORMAT:-pkgname}" --jsonfile "$report" -- \
  -count=1 -timeout "${TEST_TIMEOUT:-20m}" "$@"

skipped=$(grep -E '"Action":"skip","Package":"[^"]*","Test":' "$report" || true)
if [ -n "$skipped" ]; then
  echo "tests were skipped; every test must run:" >&2
  echo "$skipped" | sed -E 's/.*"Package":"([^"]*)","Test":"([^"]*)".*/  \1 \2/' >&2
  exit 1
fi
echo "all tests ran, none skipped"
