# rws-edge container image: HTTP/1.1 (7878/tcp), HTTP/2 + HTTP/1.1 over TLS (7443/tcp) and HTTP/3 over
# QUIC (7443/udp). Kubernetes manifests: deploy/k8s/; how it all fits: docs/kubernetes.md.
# test/deploy/image.test.ts rebuilds the final stage's file tree from this file without Docker and runs it.
#
#   docker build -t rws-edge .
#   docker run --rm -p 7878:7878 -p 7443:7443/tcp -p 7443:7443/udp \
#     -v "$PWD/tls:/etc/rws/tls:ro" rws-edge        # tls/ holds tls.crt and tls.key
#
# Both stages are pinned to linux/amd64: the QUIC binding (@matrixai/quic-linux-x64, Cloudflare quiche)
# ships a prebuilt x86-64 glibc library only, and npm refuses to install it on another CPU.

# ---- build: full toolchain, dev dependencies, TypeScript compile ----
FROM --platform=linux/amd64 node:24-bookworm AS build
WORKDIR /app
# Dependencies first so this layer is cached until the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY public ./public
# Only src/ is in the context (.dockerignore), so tsc emits dist/src only; a type error fails the build.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: distroless Node.js 24, no shell, no package manager, non-root ----
FROM --platform=linux/amd64 gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
# packageRoot (src/core/package-root.ts) is the folder holding package.json, so the bundled site
# resolves to /app/public. No certs-dev/: the TLS pair comes from a mounted Secret.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/public ./public
# cert-manager and `kubectl create secret tls` both name the Secret's keys tls.crt and tls.key. With no
# file mounted there the server exits 2 naming the variable, instead of falling back to a dev pair.
ENV NODE_ENV=production \
    RWS_CONFIG_LOG_FORMAT=json \
    RWS_CONFIG_TLS_CERT_FILE=/etc/rws/tls/tls.crt \
    RWS_CONFIG_TLS_KEY_FILE=/etc/rws/tls/tls.key
EXPOSE 7878/tcp 7443/tcp 7443/udp
# 65532 is distroless's "nonroot"; numeric so that runAsNonRoot can be verified without /etc/passwd.
USER 65532:65532
# The distroless image's entrypoint is node itself: node gets SIGTERM directly (PID 1), and main.ts
# turns it into the drain sequence.
# --max-semi-space-size=16: under a memory limit node sizes V8's young generation from the limit, and
# at the Deployment's 512Mi that is 1 MiB semi-spaces (2 MiB new space) where an unconstrained process
# gets 16 (Node 20) or 32 MiB (Node 24). With every allocation of a request landing in a 1 MiB nursery,
# rws on Node 24 served 7-19 % fewer HTTP/1.1 and 13-21 % fewer HTTP/2 requests per second of CPU
# (bench/RESULTS.md, "the young generation under the pod's memory limit"). 16 MiB semi-spaces add at
# most ~45 MiB of heap.
CMD ["--max-semi-space-size=16", "dist/src/main.js"]
