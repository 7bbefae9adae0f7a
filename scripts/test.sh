#!/usr/bin/env bash
# The one test command (npm test; .ci/run runs exactly this): installs the external clients the
# conformance suite drives (curl with HTTP/3, ngtcp2's gtlsclient, h3load, Chromium, nghttp2, wrk,
# Caddy), builds, lints, and runs every test file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
bash scripts/install-clients.sh
npm run --silent build
npm run --silent lint
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
# One file at a time: several files start servers and external clients, and the machine has 2 cores.
exec node --test --test-concurrency=1 --test-timeout=300000 "${files[@]}"
