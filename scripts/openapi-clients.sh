#!/usr/bin/env bash
# Third-party clients of api/openapi.json compile and work: generates a Go
# client with ogen and one with oapi-codegen (tools/clients, pinned by its
# go.mod's tool directives), TypeScript types with openapi-typescript (pinned
# in tools/npm/package-lock.json) compiled by tsc --strict with openapi-fetch,
# then runs tools/clients' test, which starts the hotel binary on a fresh
# SQLite file and calls it through each client. The generated code is not
# committed: every run generates it from the document as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
scripts/npm-tools.sh

spec=$PWD/api/openapi.json
work=$(mktemp -d -t hotel-clients-XXXXXX)
trap 'rm -rf "$work"' EXIT

# TypeScript. Properties with a default stay optional in request bodies
# (openapi-typescript makes them required unless told otherwise).
(
  cd tools/npm
  ./node_modules/.bin/openapi-typescript "$spec" --default-non-nullable false -o clients/schema.d.ts >"$work/ts.log" 2>&1 \
    || { cat "$work/ts.log" >&2; echo "openapi-clients: openapi-typescript refused the document" >&2; exit 1; }
  rm -rf clients/out
  ./node_modules/.bin/tsc -p clients || { echo "openapi-clients: the TypeScript client does not compile" >&2; exit 1; }
)

# Go. ogen: the client only (no server, no OpenTelemetry). Its warnings
# about header-name case and unchecked problem status are expected.
(
  cd tools/clients
  go tool ogen --config ogen.yml --target ogenclient --package ogenclient --clean "$spec" >"$work/ogen.log" 2>&1 \
    || { grep -v WARN "$work/ogen.log" >&2; echo "openapi-clients: ogen refused the document" >&2; exit 1; }
  mkdir -p oapiclient
  go tool oapi-codegen -generate types,client -package oapiclient -o oapiclient/client.gen.go "$spec" \
    || { echo "openapi-clients: oapi-codegen refused the document" >&2; exit 1; }
  go vet ./...
)

go build -o "$work/hotel" ./cmd/hotel
(
  cd tools/clients
  HOTEL_CLIENTS_BIN="$work/hotel" HOTEL_CLIENTS_TS="$PWD/../npm/clients/out/usage.mjs" \
    go test -count=1 ${GOTESTFLAGS:-} .
)
echo "openapi-clients: ogen, oapi-codegen and openapi-typescript clients compile and work"
