#!/usr/bin/env bash
# Generates the drivers' query code with sqlc (internal/store/sqlc.yaml), or
# with `diff` fails if the generated code is stale.
#
#   scripts/sqlc.sh generate     # as `make generate` runs it
#   scripts/sqlc.sh diff         # as `make lint` runs it
#
# sqlc (pinned) is built once into ~/.cache/hotel-tools without cgo: its
# PostgreSQL parser then runs as WebAssembly, so no C toolchain is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

version=v1.31.1
bin="${HOTEL_TOOLS:-$HOME/.cache/hotel-tools}/sqlc-$version"
if [ ! -x "$bin" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  CGO_ENABLED=0 GOBIN="$tmp" go install "github.com/sqlc-dev/sqlc/cmd/sqlc@$version"
  mkdir -p "$(dirname "$bin")"
  mv "$tmp/sqlc" "$bin"
fi
cd internal/store
"$bin" "${1:-generate}"
