#!/usr/bin/env bash
# Regenerates the sample reports in reports/samples/ and their screenshots:
#   certify/  `wellspring certify` (OB 3.0 service-provider-write) against the reference hub,
#             with a signed conformance claim (a throwaway did:key);
#   matrix/   `wellspring matrix` over the reference hub, verifier and vectors issuer;
#   *.png     each report.html / matrix.html in headless Chromium at 1366×900 and 390×844
#             (the first screen a reader sees), through ChromeDriver's viewport emulation.
# `wellspring verify` has no HTML report, so there is none to shoot.
# Every server listens on loopback only, on free ports, and is stopped at the end.
# Needs: cargo, chromium and chromedriver (Debian: chromium chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/reports/samples
export CARGO_INCREMENTAL=0
cargo build -q -p wellspring
cargo build -q -p wellspring-testkit --example shoot
WS=$ROOT/target/debug/wellspring
SHOOT=$ROOT/target/debug/examples/shoot
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }

HUB_PORT=$(free_port)
VER_PORT=$(free_port)
"$WS" hub serve --demo --db "$TMP/hub.sqlite" --listen "127.0.0.1:$HUB_PORT" >"$TMP/hub.log" 2>&1 &
PIDS+=($!)
"$WS" verifier serve --online --allow-private-network --listen "127.0.0.1:$VER_PORT" >"$TMP/verifier.log" 2>&1 &
PIDS+=($!)
HUB=http://127.0.0.1:$HUB_PORT
wait_up "$HUB/"
wait_up "http://127.0.0.1:$VER_PORT/"

# certify: a real run against the reference hub; exit 1 (a failed check) still writes the report
rm -rf "$OUT/certify"
# (run from reports/samples so the recorded command line names the report folder as "certify")
(cd "$OUT" && "$WS" certify --standard ob30 --role service-provider-write --target "$HUB" \
  --login learner@example.org:wellspring-demo --allow-private-network --report certify \
  --sign "$TMP/vendor.jwk") || true
test -f "$OUT/certify/report.html"

# matrix: the reference hub, verifier and vectors issuer, through copies of their registry files
mkdir -p "$TMP/reg"
for f in wellspring-hub wellspring-verifier; do cp "reports/registry/$f.toml" "$TMP/reg/"; done
sed "s#\.\./\.\./vectors#$ROOT/vectors#g" reports/registry/wellspring-vectors-issuer.toml >"$TMP/reg/wellspring-vectors-issuer.toml"
rm -rf "$OUT/matrix"
WELLSPRING_HUB_URL=$HUB WELLSPRING_HUB_LOGIN=learner@example.org:wellspring-demo \
WELLSPRING_VERIFIER_URL=http://127.0.0.1:$VER_PORT/credentials/verify \
  "$WS" matrix --allow-private-network --registry "$TMP/reg" --report "$TMP/matrix" || true
mkdir -p "$OUT/matrix"
cp "$TMP/matrix/matrix.html" "$OUT/matrix/"   # not committed (large): see .gitignore

for size in 1366x900 390x844; do
  w=${size%x*}; h=${size#*x}
  "$SHOOT" "$w" "$h" \
    "file://$OUT/certify/report.html" "$OUT/certify-$w.png" \
    "file://$OUT/matrix/matrix.html" "$OUT/matrix-$w.png"
done
ls -l "$OUT"
