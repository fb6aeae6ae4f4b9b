# Labforge api and worker in one image; the container's command picks the
# process: `api` or `worker --queues ...` (see docker-compose.yml).
# labforge-admin runs maintenance tasks in it, such as
# `docker compose exec api labforge-admin rotate-secrets`.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
# No separate `go mod download` layer: go.mod also lists the Temporal server
# and FerretDB for the dev stack, which these two binaries never link, and
# the cache mounts keep modules and build results between builds anyway.
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w" -o /out/labforge-api ./cmd/api && \
    go build -ldflags="-s -w" -o /out/labforge-worker ./cmd/worker && \
    go build -ldflags="-s -w" -o /out/labforge-admin ./cmd/labforge-admin

FROM debian:bookworm-slim
# ca-certificates for Proxmox, OIDC and SMTP over TLS; curl for health checks.
RUN apt-get update && \
    apt-get install -y --no-install-recommends ca-certificates curl && \
    rm -rf /var/lib/apt/lists/* && \
    useradd --system --uid 10001 --user-group --home-dir /nonexistent --shell /usr/sbin/nologin labforge
COPY --from=build /out/labforge-api /out/labforge-worker /out/labforge-admin /usr/local/bin/
# `command: api` and `command: worker` run the matching binary.
RUN ln -s labforge-api /usr/local/bin/api && ln -s labforge-worker /usr/local/bin/worker
USER 10001:10001
EXPOSE 8080 9090
CMD ["api"]
