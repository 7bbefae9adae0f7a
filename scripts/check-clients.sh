#!/usr/bin/env bash
# Smoke check of the installed clients (scripts/install-clients.sh) against Debian's Caddy,
# not against rws-edge: proves each client speaks HTTP/3 or HTTP/2 on this machine, so a failing
# conformance test can be told apart from a broken client. Diagnostics only; not part of `npm test`.
# The command lines here are the ones documented in test/support/CLIENTS.md.
#
#   usage: bash scripts/check-clients.sh          (a few seconds; only 127.0.0.1 is contacted)
set -uo pipefail

TOOLS=${RWS_TOOLS_DIR:-$HOME/.cache/rws-edge-tools}
JSON="$TOOLS/clients.json"
[ -f "$JSON" ] || { echo "check-clients: $JSON missing: run bash scripts/install-clients.sh" >&2; exit 1; }
# clients.json is written one "name": "path" pair per line by install-clients.sh
client() { sed -n "s/^ *\"$1\": \"\(.*\)\",\{0,1\}$/\1/p" "$JSON"; }
CURL=$(client curl) GTLS=$(client gtlsclient) H3LOAD=$(client h3load) CHROMIUM=$(client chromium)
H2LOAD=$(client h2load) NGHTTP=$(client nghttp) WRK=$(client wrk) CADDY=$(client caddy)
OPENSSL=$(client openssl)

work=$(mktemp -d)
caddy_pid=""
cleanup() {
  [ -n "$caddy_pid" ] && kill "$caddy_pid" 2>/dev/null && wait "$caddy_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A high port free for both TCP (h1/h2) and UDP (h3).
pick_port() {
  local port
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    ss -Htuln 2>/dev/null | grep -q ":$port " || { echo "$port"; return; }
  done
  echo "$port"
}
PORT=$(pick_port)
ORIGIN="https://127.0.0.1:$PORT"

# Throwaway ECDSA P-256 certificate for localhost / 127.0.0.1 / ::1.
"$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>"$work/openssl.log" ||
  { cat "$work/openssl.log" >&2; exit 1; }
# Chromium trusts the self-signed leaf through the base64 SHA-256 of its SubjectPublicKeyInfo.
SPKI=$("$OPENSSL" x509 -in "$work/cert.pem" -noout -pubkey | "$OPENSSL" pkey -pubin -outform der |
  "$OPENSSL" dgst -sha256 -binary | base64)

mkdir -p "$work/site"
MARK="rws-client-check-$RANDOM"
echo "$MARK" >"$work/site/index.txt"
cat >"$work/site/page.html" <<'EOF'
<!doctype html><html><head><meta charset="utf-8"><title>proto</title></head><body><p id="proto">pending</p>
<script>document.getElementById('proto').textContent = 'proto=' + performance.getEntriesByType('navigation')[0].nextHopProtocol;</script>
</body></html>
EOF
# Caddy 2.6 serves h1, h2 and h3 by default; admin API off, no :80 redirect listener, no trust store.
cat >"$work/Caddyfile" <<EOF
{
	admin off
	auto_https disable_redirects
	skip_install_trust
}
https://127.0.0.1:$PORT, https://localhost:$PORT {
	bind 127.0.0.1
	tls $work/cert.pem $work/key.pem
	root * $work/site
	file_server
}
EOF
XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" \
  "$CADDY" run --config "$work/Caddyfile" --adapter caddyfile >"$work/caddy.log" 2>&1 &
caddy_pid=$!
for _ in $(seq 50); do
  "$CURL" -sk -o /dev/null "$ORIGIN/index.txt" && break
  sleep 0.1
done
"$CURL" -sk -o /dev/null "$ORIGIN/index.txt" || { echo "check-clients: caddy did not start:" >&2; tail "$work/caddy.log" >&2; exit 1; }

echo "client checks against caddy $("$CADDY" version | cut -d' ' -f1) on $ORIGIN:"
passed=0 failed=0
# check NAME PATTERN... -- COMMAND...: runs COMMAND (stdout+stderr), then requires every
# extended-regex PATTERN to match its output, and a PATTERN written '!REGEX' not to match.
check() {
  local name=$1 patterns=() out="$work/$1.out" t0 ms p ok=1
  shift
  while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
  shift
  t0=$(date +%s%N)
  timeout 30 "$@" >"$out" 2>&1 </dev/null
  ms=$((($(date +%s%N) - t0) / 1000000))
  for p in "${patterns[@]}"; do
    if [ "${p:0:1}" = "!" ]; then
      ! grep -Eq -- "${p:1}" "$out" || { ok=0; echo "  unexpected: ${p:1}"; }
    else
      grep -Eq -- "$p" "$out" || { ok=0; echo "  missing: $p"; }
    fi
  done
  if [ "$ok" -eq 1 ]; then
    passed=$((passed + 1)); printf 'ok    %-18s %5d ms\n' "$name" "$ms"
  else
    failed=$((failed + 1)); printf 'FAIL  %-18s %5d ms; output:\n' "$name" "$ms"; grep -v 'ERROR:dbus' "$out" | tail -n 20 | sed 's/^/  | /'
  fi
}

check curl-h3 '^HTTP/3 200' "^$MARK\$" -- "$CURL" --http3-only -k -sS -i "$ORIGIN/index.txt"
check curl-h2 '^HTTP/2 200' "^$MARK\$" -- "$CURL" --http2 -k -sS -i "$ORIGIN/index.txt"
mkdir -p "$work/gtls"
# gtlsclient exits 0 whatever happens: the verdict is in its log and the downloaded file.
# shellcheck disable=SC2016 # the sh -c script expands its own positional parameters
check gtlsclient 'Negotiated ALPN is h3' 'http: stream 0x0 \[:status: 200\]' "^$MARK\$" -- \
  sh -c '"$1" --no-quic-dump --no-http-dump --exit-on-all-streams-close --handshake-timeout=5s \
    --download="$2" 127.0.0.1 "$3" "$4/index.txt"; cat "$2/index.txt"' _ "$GTLS" "$work/gtls" "$PORT" "$ORIGIN"
check h3load-one '^HTTP/3.0 200 OK' "^$MARK\$" -- "$H3LOAD" -k -v -url "$ORIGIN/index.txt"
check h3load-load '^h3load: 200 ok, 0 failed, 0 non-2xx' -- "$H3LOAD" -k -c 1 -m 4 -n 200 -url "$ORIGIN/index.txt"
check h2load 'Application protocol: h2' 'requests: 200 total, 200 started, 200 done, 200 succeeded, 0 failed' -- \
  "$H2LOAD" -n 200 -c 2 -m 10 "$ORIGIN/index.txt"
check nghttp 'recv \(stream_id=[0-9]+\) :status: 200' "^$MARK\$" -- "$NGHTTP" -v "$ORIGIN/index.txt"
check wrk '[0-9]+ requests in' '!Non-2xx|Socket errors' -- "$WRK" -t1 -c2 -d1s "$ORIGIN/index.txt"
check openssl 'ALPN protocol: h2' -- "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -servername localhost -alpn h2
check chromium-h3 '<p id="proto">proto=h3</p>' -- "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$work/chromium" \
  --origin-to-force-quic-on="127.0.0.1:$PORT" --ignore-certificate-errors-spki-list="$SPKI" \
  --dump-dom "$ORIGIN/page.html"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
