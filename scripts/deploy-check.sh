#!/usr/bin/env bash
# The deployment validations alone (deploy/deploytest: Dockerfile, Compose,
# Helm + kubeconform, Argo CD). `make test` runs this in the background,
# beside the rest of the suite. No race detector: the package is test code
# only, and without -race its standard library build is the one the Helm
# and kubeconform builds share.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
go vet ./deploy/...
exec scripts/gotest.sh ./deploy/...
