#!/usr/bin/env bash
# The whole test suite: formatting, vet, and every test with the race detector,
# against SQLite and a real PostgreSQL (each test binary that needs one starts a
# throwaway cluster unless TEST_DATABASE_URL is set). Fails if any test was
# skipped: a skipped test proves nothing.
#
# The deployment validations (deploy/..., `make deploy-check`) build Helm and
# kubeconform from source, the slowest part of a run with a cold build cache;
# they run in the background from the start, beside everything else, and
# their output follows the rest. Set HOTEL_DEPLOY_CHECK=0 to leave them out
# of a quick local loop (`make test` and CI always run them).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

deploy_pid=
if [ "${HOTEL_DEPLOY_CHECK:-1}" != 0 ]; then
  deploy_log=$(mktemp -t hotel-deploy-check-XXXXXX.log)
  set -m  # its own process group, so that all of it can be stopped
  scripts/deploy-check.sh >"$deploy_log" 2>&1 &
  deploy_pid=$!
  set +m
  # Stop the background validations if this script fails first.
  trap 'kill -- "-$deploy_pid" 2>/dev/null || true; rm -f "$deploy_log"' EXIT
fi

unformatted=$("$(go env GOROOT)/bin/gofmt" -l .)  # the pinned toolchain's gofmt
if [ -n "$unformatted" ]; then
  echo "not gofmt-clean:"; echo "$unformatted"; exit 1
fi
# Everything but deploy/... (deploy-check vets and tests that).
mapfile -t pkgs < <(go list ./... | grep -v '/deploy/')
# -race: vet compiles the packages it needs as the race-enabled tests below
# do, so the build cache serves those tests instead of a second build.
go vet -race "${pkgs[@]}"
scripts/lint-openapi.sh

if [ -z "${TEST_DATABASE_URL:-}" ] && ! command -v initdb >/dev/null 2>&1 \
   && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL server binaries not found; install them with: apt-get install -y postgresql" >&2
  echo "(or point TEST_DATABASE_URL at a server that allows CREATE DATABASE)" >&2
  exit 1
fi

scripts/prometheus.sh  # installs Prometheus if missing (the observability test runs it); promtool checks config, rules, rule tests
scripts/gotest.sh -race "${pkgs[@]}"

if [ -n "$deploy_pid" ]; then
  echo "deploy-check (started in the background):"
  status=0
  wait "$deploy_pid" || status=$?
  cat "$deploy_log"
  [ "$status" = 0 ] || exit "$status"
fi
FUZZTIME="${FUZZTIME:-2s}" scripts/fuzz.sh  # every fuzz target, briefly (the seeds ran above)
