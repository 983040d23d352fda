# hpa-ts controller image. Build (and push) with whatever OCI builder you have — docker, podman or
# buildah: `HPA_TS_IMAGE=<registry>/hpa-ts:0.1.0 npm run image [-- --push]` (docs/deploy.md).
# Checked without an engine: test/deploy/dockerfile.test.ts (dockerfilelint + our own rules) and
# test/deploy/dockerfile-steps.test.ts (runs the COPY and RUN steps of both stages in a clean folder,
# then the entrypoint).
#
# Base: node:24.22.3-bookworm-slim in both stages — Node 24, the current LTS (Node 20 reached end of
# life in April 2026), the release .ci/run also tests on (.ci/node24.sh), pinned by tag (pin by
# digest too, `node:24.22.3-bookworm-slim@sha256:…`, when you build with network access). Slim
# rather than distroless: the tag pins the Node patch release (distroless's nodejs24 tag moves),
# and it carries Debian's tini.

# ---- build: dev dependencies, TypeScript → dist/ -------------------------------------------
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the "prepare" script would compile before the sources are copied.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY algorithms ./algorithms
COPY transport ./transport
COPY metrics-clients ./metrics-clients
COPY controller ./controller
COPY simulator ./simulator
COPY app ./app
RUN npm run build

# ---- runtime: production dependencies + compiled JavaScript only ---------------------------
FROM node:24.22.3-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="hpa-ts" \
      org.opencontainers.image.description="The Kubernetes HorizontalPodAutoscaler controller in TypeScript" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.source="https://github.com/hpa-ts/hpa-ts"
# tini as PID 1: forwards SIGTERM to node (which then finishes in-flight reconciles and releases
# the leader lease) and gives node default signal handling even before its own handlers are
# installed (a PID 1 ignores signals it has no handler for).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; no install scripts (none is needed at run time).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
# Files stay owned by root and read-only to the process; it writes nothing to disk
# (readOnlyRootFilesystem in the Deployment). 1000 is the node user of the base image.
USER 1000:1000
EXPOSE 8080
# bin/container-entrypoint.sh derives --max-old-space-size from the container's memory limit
# (max(64, min(limit × 3/4, limit − 128)) MiB; docs/deploy.md), then execs node on the CLI.
ENTRYPOINT ["/usr/bin/tini", "--", "/app/bin/container-entrypoint.sh"]
CMD ["run"]
