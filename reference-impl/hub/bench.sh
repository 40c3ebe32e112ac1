#!/usr/bin/env bash
# Throughput and latency of getCredentials (GET /ims/ob/v3p0/credentials, a valid token, the
# demo learner's two credentials) on loopback, release build, with wrk.
#   reference-impl/hub/bench.sh [DURATION] [CONNECTIONS] [THREADS]
# Target: >= 5,000 req/s, p99 < 20 ms, zero errors (2 cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20s}
CONNS=${2:-32}
THREADS=${3:-2}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install -y wrk)" >&2; exit 2; }
cargo build --release -p wellspring-hub --example bench_server
DIR=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
target/release/examples/bench_server "$DIR/hub.sqlite" > "$DIR/info" &
PID=$!
for _ in $(seq 1 300); do [ -s "$DIR/info" ] && break; sleep 0.1; done
read -r BASE TOKEN < "$DIR/info"
URL="$BASE/ims/ob/v3p0/credentials"
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL" || { echo "the hub does not answer $URL" >&2; exit 1; }
echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency $URL"
wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$URL"
