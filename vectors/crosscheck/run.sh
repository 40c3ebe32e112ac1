#!/usr/bin/env bash
# Cross-check Wellspring's eddsa-rdfc-2022 proofs with Digital Bazaar's
# verifier (pinned in package-lock.json).
#
#   ./run.sh               manifest mode if ../manifest.json exists, else --official
#   ./run.sh --official    the two official 1EdTech signed vectors (OB 3.0, CLR 2.0):
#                          each must verify as-is and fail once `name` is changed
#   ./run.sh --manifest    manifest mode (fails if ../manifest.json is missing)
#   ./run.sh --dbz-signed  the other direction: sign.mjs signs OB 3.0 / CLR 2.0
#                          credentials with Digital Bazaar's issuer (fixed seed,
#                          did:key, fixed `created`) and OUR verifier
#                          (WELLSPRING, default ../../target/debug/wellspring)
#                          must accept each one and reject its `.tampered`
#                          copy with ob3.proof.eddsa-rdfc-2022 failing
#   ./run.sh --rdfc-random [COUNT [SEED]]
#                          differential RDFC-1.0: rdfc.mjs writes COUNT (400)
#                          random blank-node graphs (self-loops, repeated
#                          statements, lists, a blank named graph) and
#                          rdf-canonize's canonical N-Quads of each; OUR
#                          `wellspring vectors canonicalize` must give the
#                          same bytes for every one (WELLSPRING as above)
#   ./run.sh --tordf-random [COUNT [SEED]]
#                          differential JSON-LD to RDF: tordf.mjs writes COUNT
#                          (300) random documents (coercions, @json, language
#                          and index maps, lists, numbers of every size, control
#                          characters) and jsonld.js's canonical N-Quads of
#                          each; `wellspring vectors canonicalize` must agree
# Further arguments are passed on to verify.mjs (e.g. --verbose, --vc-api).
# Environment: SPEC_DIR (default /work/shared/spec, else ../../../shared/spec),
#              KEYS (default ../keys/keys.json), CONTEXTS (default
#              ../../harness/verify/contexts), WELLSPRING (--dbz-signed).
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
    --dbz-signed) mode=dbz-signed; shift ;;
    --rdfc-random) mode=rdfc-random; shift ;;
    --tordf-random) mode=tordf-random; shift ;;
esac
if [[ -z "$mode" ]]; then
    if [[ -f ../manifest.json ]]; then mode=manifest; else mode=official; fi
fi

if [[ "$mode" == rdfc-random || "$mode" == tordf-random ]]; then
    WELLSPRING="${WELLSPRING:-../../target/debug/wellspring}"
    if [[ ! -x "$WELLSPRING" ]]; then
        echo "run.sh: wellspring binary not found at $WELLSPRING (set WELLSPRING)" >&2
        exit 2
    fi
    if [[ "$mode" == rdfc-random ]]; then
        generator=rdfc.mjs; what="RDFC-1.0 against rdf-canonize"; things="graphs"; dflt=400
    else
        generator=tordf.mjs; what="JSON-LD to canonical RDF against jsonld.js"; things="documents"; dflt=300
    fi
    count="${1:-$dflt}"
    seed="${2:-1}"
    outdir="$(mktemp -d "${TMPDIR:-/tmp}/wellspring-$mode.XXXXXX")"
    trap 'rm -rf "$outdir"' EXIT
    node "$generator" --out "$outdir" --count "$count" --seed "$seed" >/dev/null
    passed=0
    failed=0
    for doc in "$outdir"/*.json; do
        expected="${doc%.json}.nq"
        if "$WELLSPRING" vectors canonicalize "$doc" >"$doc.ours" 2>"$doc.err" &&
           cmp -s "$expected" "$doc.ours"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "DISAGREE $(basename "$doc"): $(head -c 200 "$doc.err")"
            cat "$doc"; echo
            diff "$expected" "$doc.ours" | head -20 || true
        fi
    done
    echo "$what, $count random $things (seed $seed): $passed passed, $failed failed"
    [[ $failed -eq 0 ]] && exit 0 || exit 1
fi

if [[ "$mode" == dbz-signed ]]; then
    WELLSPRING="${WELLSPRING:-../../target/debug/wellspring}"
    if [[ ! -x "$WELLSPRING" ]]; then
        echo "run.sh: wellspring binary not found at $WELLSPRING" >&2
        echo "run.sh: build it with: (cd ../.. && cargo build -p wellspring)" >&2
        echo "run.sh: or point WELLSPRING at an existing binary" >&2
        exit 2
    fi
    outdir="$(mktemp -d "${TMPDIR:-/tmp}/wellspring-dbz-signed.XXXXXX")"
    trap 'rm -rf "$outdir"' EXIT
    node sign.mjs --contexts "$CONTEXTS" --out "$outdir" "$@" >/dev/null

    passed=0
    failed=0
    rows=()
    problems=()
    for file in "$outdir"/*.json; do
        name="$(basename "$file")"
        if [[ "$name" == *.tampered.json ]]; then expect=1; else expect=0; fi
        report="$outdir/.report.$name"
        rc=0
        "$WELLSPRING" verify --now 2026-01-01T00:00:00Z --format json "$file" \
            >"$report" 2>"$report.err" || rc=$?
        # verdict of the proof check, read from inputs[0].checks[]
        proof="$(node -e '
            const fs = require("node:fs");
            let v = "no-json";
            try {
              const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
              const c = (r.inputs?.[0]?.checks ?? [])
                .find(c => c.id === "ob3.proof.eddsa-rdfc-2022");
              v = c ? c.verdict : "absent";
            } catch {}
            console.log(v);' "$report")"
        # other failing checks, for the table
        others="$(node -e '
            const fs = require("node:fs");
            try {
              const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
              console.log((r.inputs?.[0]?.checks ?? [])
                .filter(c => c.verdict === "fail" &&
                             c.id !== "ob3.proof.eddsa-rdfc-2022")
                .map(c => c.id).join(","));
            } catch { console.log(""); }' "$report")"
        if [[ $expect -eq 0 ]]; then
            [[ $rc -eq 0 ]] && ok=1 || ok=0
        else
            [[ $rc -eq 1 && "$proof" == fail ]] && ok=1 || ok=0
        fi
        if [[ $ok -eq 1 ]]; then
            passed=$((passed + 1)); verdict=ok
        else
            failed=$((failed + 1)); verdict=DISAGREE
            stderr_text="$(head -c 300 "$report.err" | tr '\n' ' ')"
            problems+=("$name: exit $rc, proof check: $proof${others:+, also failing: $others}${stderr_text:+, stderr: $stderr_text}")
        fi
        rows+=("$name|exit $expect|exit $rc|$proof|$verdict")
    done
    {
        echo "file|expected|got|proof check|"
        echo "----|--------|---|-----------|"
        printf '%s\n' "${rows[@]}"
    } | if command -v column >/dev/null 2>&1; then column -t -s '|'; else tr '|' '\t'; fi
    if [[ ${#problems[@]} -gt 0 ]]; then
        echo
        echo "disagreements:"
        printf '  %s\n' "${problems[@]}"
    fi
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]] && exit 0 || exit 1
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
