#!/usr/bin/env bash
# The whole test suite: formatting, vet, and every test with the race detector,
# against SQLite and a real PostgreSQL (each test binary that needs one starts a
# throwaway cluster unless TEST_DATABASE_URL is set). Fails if any test was
# skipped: a skipped test proves nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

unformatted=$("$(go env GOROOT)/bin/gofmt" -l .)  # the pinned toolchain's gofmt
if [ -n "$unformatted" ]; then
  echo "not gofmt-clean:"; echo "$unformatted"; exit 1
fi
go vet ./...
scripts/lint-openapi.sh

if [ -z "${TEST_DATABASE_URL:-}" ] && ! command -v initdb >/dev/null 2>&1 \
   && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL server binaries not found; install them with: apt-get install -y postgresql" >&2
  echo "(or point TEST_DATABASE_URL at a server that allows CREATE DATABASE)" >&2
  exit 1
fi

scripts/prometheus.sh  # installs Prometheus if missing (the observability test runs it); promtool checks config, rules, rule tests
report=$(mktemp -t hotel-test-XXXXXX.json)
trap 'rm -f "$report"' EXIT
go tool gotestsum --format "${GOTESTSUM_FORMAT:-pkgname}" --jsonfile "$report" -- \
  -race -count=1 -timeout "${TEST_TIMEOUT:-20m}" ./...

skipped=$(grep -E '"Action":"skip","Package":"[^"]*","Test":' "$report" || true)
if [ -n "$skipped" ]; then
  echo "tests were skipped; every test must run:" >&2
  echo "$skipped" | sed -E 's/.*"Package":"([^"]*)","Test":"([^"]*)".*/  \1 \2/' >&2
  exit 1
fi
echo "all tests ran, none skipped"
FUZZTIME="${FUZZTIME:-2s}" scripts/fuzz.sh  # every fuzz target, briefly (the seeds ran above)
