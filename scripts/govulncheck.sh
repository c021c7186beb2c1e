#!/usr/bin/env bash
# govulncheck, offline: the vulnerability database is built from the
# golang.org/x/vulndb module (its data/osv holds every report as OSV JSON;
# its cmd/indexdb writes the v1 database layout — index/db.json,
# index/modules.json, index/vulns.json, ID/<id>.json — that
# `govulncheck -db file:///DIR` reads). Nothing but the Go module proxy.
#
# The standard library checked is that of the Go toolchain that runs
# govulncheck: VULNCHECK_TOOLCHAIN (default go1.27.3, the approved newer
# toolchain, fetched through the Go module proxy; go1.26.8 — the project's —
# has known standard-library vulnerabilities in this database). Set
# VULNCHECK_TOOLCHAIN=local to check the Go installed here.
#
#   scripts/govulncheck.sh               # ./... with go1.27.3's standard library
#   VULNCHECK_TOOLCHAIN=local scripts/govulncheck.sh
#   scripts/govulncheck.sh -show verbose ./cmd/hotel
set -euo pipefail
cd "$(dirname "$0")/.."

VULN=golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB_MOD=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018
TOOLCHAIN=${VULNCHECK_TOOLCHAIN:-go1.27.3}

# The database is built once per vulndb version, in the user cache.
cache=${XDG_CACHE_HOME:-$HOME/.cache}/hotel-vulndb/${VULNDB_MOD#*@}
if [ ! -f "$cache/index/db.json" ]; then
  echo "govulncheck: building the vulnerability database from $VULNDB_MOD"
  src=$(cd /tmp && go mod download -json "$VULNDB_MOD" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src/data/osv" ] || { echo "no data/osv in $VULNDB_MOD" >&2; exit 1; }
  mkdir -p "${cache%/*}"
  tmp=$(mktemp -d "${cache%/*}/tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd /tmp && go run "golang.org/x/vulndb/cmd/indexdb@${VULNDB_MOD#*@}" -vulns "$src/data/osv" -out "$tmp/db")
  rm -rf "$cache"
  mv "$tmp/db" "$cache"
  rm -rf "$tmp"
fi

[ $# -gt 0 ] || set -- ./...
echo "govulncheck: $(GOTOOLCHAIN=$TOOLCHAIN go env GOVERSION) standard library, database $VULNDB_MOD ($(ls "$cache/ID" | grep -c '\.json$') reports)"
GOTOOLCHAIN=$TOOLCHAIN go run "$VULN" -db "file://$cache" "$@"
