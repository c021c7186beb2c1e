# syntax=docker/dockerfile:1
#
# One static `hotel` binary in a minimal, non-root image. Every service runs
# from this image; HOTEL_TARGET (or `serve --target=…`) picks which:
#
#   docker build -t hotel:dev --build-arg VERSION=$(git describe --tags --always --dirty) .
#   docker run --rm -p 8080:8080 hotel:dev                       # all-in-one, SQLite in /data
#   docker run --rm -e HOTEL_TARGET=inventory -e DATABASE_URL=… hotel:dev
#   docker run --rm hotel:dev migrate up                         # any subcommand
#
# Validated by deploy/deploytest (go test ./deploy/...).

ARG GO_VERSION=1.27.3

# ---- build -----------------------------------------------------------------
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
# Dependencies first: this layer is reused until go.mod or go.sum changes.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
# The same flags as `make build`: static, reproducible paths, version stamped.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/hotel ./cmd/hotel \
 && mkdir -p /out/data

# ---- runtime ---------------------------------------------------------------
# distroless static: no shell, no package manager, CA certificates and tzdata
# included; runs as uid/gid 65532 (nonroot).
FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="hotel" \
      org.opencontainers.image.description="Hotel inventory and booking platform: inventory, booking, gateway and scheduler in one binary" \
      org.opencontainers.image.source="https://github.com/hotelplatform/hotel" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/hotel /hotel
# Writable home of the SQLite file when DATABASE_URL is empty (all-in-one).
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV HOTEL_TARGET=all \
    HOTEL_ADDR=0.0.0.0:8080 \
    HOTEL_DATA_DIR=/data \
    LOG_FORMAT=json
# 8080: the service (public only on the gateway); 9090: the admin listener
# (/metrics) when HOTEL_ADMIN_ADDR=0.0.0.0:9090.
EXPOSE 8080 9090
# `hotel healthcheck`: GET http://127.0.0.1:<port of HOTEL_ADDR>/healthz,
# exit 0 on 200, 1 otherwise (no shell or curl in this image).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["/hotel", "healthcheck"]
ENTRYPOINT ["/hotel"]
CMD ["serve"]
