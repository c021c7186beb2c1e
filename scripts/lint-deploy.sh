#!/usr/bin/env bash
# Lints the deployment files that `make test` does not already validate
# (deploy/deploytest validates the Dockerfile, Compose, Helm and Argo CD):
#   - .github/workflows/*.yml with actionlint (pinned, built by `go run`);
#   - the secret scan of the tree (scripts/secret-scan.sh).
# Needs only Go and the Go module proxy; the first run builds the tools.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

ACTIONLINT=github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

echo "actionlint: .github/workflows"
# shellcheck and pyflakes integrations off: the result must not depend on
# what else happens to be installed.
go run "$ACTIONLINT" -no-color -shellcheck= -pyflakes= .github/workflows/*.yml

scripts/secret-scan.sh
