#!/usr/bin/env bash
# The one test command (npm test; .ci/run runs exactly this): installs the external clients the
# conformance suite drives (curl with HTTP/3, ngtcp2's gtlsclient, h3load, Chromium, nghttp2, wrk,
# Caddy, Node 24), builds, lints, and runs every test file under the machine's node, then under Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
bash scripts/install-clients.sh
npm run --silent build
npm run --silent lint
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
# One file at a time: several files start servers and external clients, and the machine has 2 cores.
node --test --test-concurrency=1 --test-timeout=300000 "${files[@]}"
# Then all of it again under Node 24, the container image's runtime (install-clients.sh installs it):
# the tests start their servers with the node that runs them, and Node 24 changed behaviour the server
# depends on (Http2SecureServer.close() closing every session) that a run on Node 20 alone did not show.
node24=$(node --input-type=module -e "import { clients } from './dist/test/support/clients.js'; process.stdout.write(clients().node24)")
echo "# the same tests under $("$node24" --version)"
exec "$node24" --test --test-concurrency=1 --test-timeout=300000 "${files[@]}"
