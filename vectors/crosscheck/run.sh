#!/usr/bin/env bash
# Cross-check Wellspring's eddsa-rdfc-2022 proofs with Digital Bazaar's
# verifier (pinned in package-lock.json).
#
#   ./run.sh               manifest mode if ../manifest.json exists, else --official
#   ./run.sh --official    the two official 1EdTech signed vectors (OB 3.0, CLR 2.0):
#                          each must verify as-is and fail once `name` is changed
#   ./run.sh --manifest    manifest mode (fails if ../manifest.json is missing)
# Further arguments are passed on to verify.mjs (e.g. --verbose, --vc-api).
# Environment: SPEC_DIR (default /work/shared/spec, else ../../../shared/spec),
#              KEYS (default ../keys/keys.json), CONTEXTS (default
#              ../../harness/verify/contexts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1; then
    echo "run.sh: node is not installed" >&2
    exit 2
fi

# install the pinned packages when node_modules is missing or older than the lock
if [[ ! -f node_modules/.package-lock.json ]] ||
   [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund
fi

CONTEXTS="${CONTEXTS:-../../harness/verify/contexts}"
KEYS="${KEYS:-../keys/keys.json}"

mode=""
case "${1:-}" in
    --official) mode=official; shift ;;
    --manifest) mode=manifest; shift ;;
esac
if [[ -z "$mode" ]]; then
    if [[ -f ../manifest.json ]]; then mode=manifest; else mode=official; fi
fi

if [[ "$mode" == manifest ]]; then
    if [[ ! -f ../manifest.json ]]; then
        echo "run.sh: ../manifest.json not found" >&2
        exit 2
    fi
    keyargs=()
    if [[ -f "$KEYS" ]]; then
        keyargs=(--keys "$KEYS")
    else
        echo "run.sh: warning: $KEYS not found; only did:key verification methods resolve" >&2
    fi
    exec node verify.mjs --manifest ../manifest.json --root .. \
        --contexts "$CONTEXTS" "${keyargs[@]}" "$@"
fi

spec="${SPEC_DIR:-}"
if [[ -z "$spec" ]]; then
    for candidate in /work/shared/spec ../../../shared/spec; do
        if [[ -d "$candidate" ]]; then spec="$candidate"; break; fi
    done
fi
if [[ -z "$spec" || ! -d "$spec" ]]; then
    echo "run.sh: spec directory not found (set SPEC_DIR)" >&2
    exit 2
fi
exec node verify.mjs --self-test --contexts "$CONTEXTS" --keys official-keys.json "$@" \
    "$spec/ob30/test-vectors/ldp-eddsa-rdfc-2022-signed.json" \
    "$spec/clr20/test-vectors/ldp-eddsa-rdfc-2022-signed.json"
