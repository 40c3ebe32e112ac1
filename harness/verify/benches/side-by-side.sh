#!/usr/bin/env bash
# Side-by-side throughput: `wellspring verify` against Digital Bazaar's verifier (Node, installed
# from npm by vectors/crosscheck/run.sh's pinned lock) on the same eddsa-rdfc-2022 credential,
# in the same run. Prints both rates and their ratio.
#
#   bash harness/verify/benches/side-by-side.sh [FILE] [COUNT]
#
# FILE (default vectors/valid/ob-minimal.eddsa.json) is copied COUNT times (default 10000)
# into a temporary directory; `wellspring verify --jobs J --format jsonl DIR` verifies them all
# in one process (J = 1 and J = every core), every check on; bench.mjs verifies the same
# credential COUNT/5 times in one Node process (one thread, as Node runs it).
# Environment: WELLSPRING (default target/release/wellspring, built here when missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
file="${1:-vectors/valid/ob-minimal.eddsa.json}"
count="${2:-10000}"
bin="${WELLSPRING:-target/release/wellspring}"
if [[ ! -x "$bin" ]]; then
    cargo build --release --locked -p wellspring
fi
cores="$(nproc)"
work="$(mktemp -d "${TMPDIR:-/tmp}/wellspring-side-by-side.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
for ((i = 0; i < count; i++)); do cp "$file" "$work/in/$i.json"; done
now="2026-01-01T00:00:00Z"

rate() { # jobs -> verifications per second (all must pass)
    local start end
    start=$(date +%s.%N)
    "$bin" verify --now "$now" --jobs "$1" --format jsonl "$work/in" >"$work/out.jsonl" 2>"$work/err" || {
        echo "side-by-side: wellspring did not pass every input (see below)" >&2
        tail -3 "$work/err" >&2
        exit 1
    }
    end=$(date +%s.%N)
    [[ "$(wc -l <"$work/out.jsonl")" -eq "$count" ]] || { echo "side-by-side: missing results" >&2; exit 1; }
    awk -v n="$count" -v a="$start" -v b="$end" 'BEGIN { print n / (b - a) }'
}
one=$(rate 1)
all=$(rate "$cores")

(cd vectors/crosscheck &&
    { [[ -f node_modules/.package-lock.json ]] || npm ci --no-audit --no-fund >/dev/null; })
node_count=$((count / 5))
node_json=$(cd vectors/crosscheck && node bench.mjs --count "$node_count" "$root/$file")
node_rate=$(echo "$node_json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).perSecond))')

printf 'credential: %s (%s copies)\n' "$file" "$count"
printf 'wellspring verify --jobs 1:        %8.0f verifications/s\n' "$one"
printf 'wellspring verify --jobs %-2s        %8.0f verifications/s\n' "$cores:" "$all"
printf 'digitalbazaar (node, 1 thread):    %8.0f verifications/s\n' "$node_rate"
printf 'ratio, --jobs 1 / node:            %8.1fx\n' "$(awk -v a="$one" -v b="$node_rate" 'BEGIN { print a / b }')"
printf 'ratio, --jobs %-2s / node:           %8.1fx\n' "$cores" "$(awk -v a="$all" -v b="$node_rate" 'BEGIN { print a / b }')"
