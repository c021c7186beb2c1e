# The two set-up commands are `make run` and `make test`; see README.md.
GO       ?= go
# The toolchain (see scripts/toolchain.sh): fetched through the module proxy.
export GOTOOLCHAIN := $(or $(HOTEL_GOTOOLCHAIN),go1.27.3)
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
GOLANGCI := github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
TEST_TIMEOUT ?= 20m

.PHONY: run build test lint generate fmt clean deploy-check vulncheck secret-scan image

## run: serve everything on 127.0.0.1:8080 with the embedded SQLite database
run:
	$(GO) run ./cmd/hotel serve

## build: a static binary in bin/hotel
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/hotel ./cmd/hotel

## test: the whole suite, race detector on, SQLite and a throwaway PostgreSQL; deploy-check runs beside it
test:
	scripts/test.sh

## lint: golangci-lint (pinned) with .golangci.yml; the generated queries are fresh (sqlc diff); actionlint and the secret scan (scripts/lint-deploy.sh); govulncheck offline
lint:
	$(GO) run $(GOLANGCI) run ./...
	scripts/sqlc.sh diff
	scripts/lint-deploy.sh
	scripts/govulncheck.sh

## generate: the drivers' query code from internal/store/*/queries/*.sql (sqlc, pinned; see internal/store/sqlc.yaml)
generate:
	scripts/sqlc.sh generate

## deploy-check: the deployment validations alone (Dockerfile, Compose, Helm + kubeconform, Argo CD)
deploy-check:
	scripts/deploy-check.sh

## vulncheck: govulncheck offline, database built from golang.org/x/vulndb (scripts/govulncheck.sh)
vulncheck:
	scripts/govulncheck.sh

## secret-scan: gitleaks over the files git would commit
secret-scan:
	scripts/secret-scan.sh

## image: the container image hotel:dev (needs Docker)
image:
	docker build -t hotel:dev --build-arg VERSION=$(VERSION) .

fmt:
	gofmt -w .

clean:
	rm -rf bin data
