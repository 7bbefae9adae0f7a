#!/usr/bin/env bash
# DEVELOPMENT ONLY. Generates the self-signed ECDSA P-256 certificate rws-edge uses when no
# RWS_CONFIG_TLS_CERT_FILE/RWS_CONFIG_TLS_KEY_FILE is set, for localhost, 127.0.0.1 and ::1, and prints
# its SPKI hash for Chromium's --ignore-certificate-errors-spki-list. Never use this pair in production.
set -euo pipefail
cd "$(dirname "$0")"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -keyout key.pem -out cert.pem -subj '/CN=localhost/O=rws-edge development certificate' \
  -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1' \
  -addext 'basicConstraints=critical,CA:FALSE' \
  -addext 'keyUsage=critical,digitalSignature' \
  -addext 'extendedKeyUsage=serverAuth' 2>/dev/null
chmod 644 key.pem cert.pem
spki=$(openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
echo "$spki" > spki.txt
echo "SPKI sha256 (for --ignore-certificate-errors-spki-list): $spki"
