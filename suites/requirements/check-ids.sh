#!/usr/bin/env bash
# Checks the requirement tables (ob30.tsv, clr20.tsv, case10.tsv, case11.tsv):
#   - every check id named in a `checks` column exists in harness/ or suites/ Rust source,
#     either as a quoted string literal ("ob3.proof.present") or declared by a row
#     `NAME: "suffix", ...` of a `paired_checks! { role "provider"; ... }` table (which gives
#     ob3.provider.suffix and clr2.provider.suffix); `wellspring checks --coverage`'s unit test
#     checks the same against the checks the binary really declares;
#   - the format: exact header, five tab-separated columns, id prefix of the file, ids unique
#     across the three files, a known level, `checks` either `-` or a comma-separated list.
# Prints rows per file and how many mandatory rows have a check, then exits 1 (listing the
# problems) if anything is wrong, 0 otherwise. Needs only bash, grep, sed, awk, sort.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

files=(ob30.tsv clr20.tsv case10.tsv case11.tsv)
prefixes=(ob30.req. clr20.req. case10.req. case11.req.)
header=$'id\tlevel\tclause\trequirement\tchecks'
problems=()

# --- ids declared by the suites' paired_checks! tables -------------------------------------------------
macro_ids="$(mktemp)"
trap 'rm -f "$macro_ids"' EXIT
while IFS= read -r f; do
    # the role of this file's table: `paired_checks! { role "provider"; ...`
    role="$(grep -oE '^[[:space:]]*role "[a-z-]+";' "$f" | head -1 | sed -E 's/.*"([^"]*)".*/\1/')"
    [ -n "$role" ] || continue
    # the table rows: `    NAME: "suffix", ...`
    mapfile -t sfx < <(grep -oE '^[[:space:]]*[A-Z][A-Z0-9_]*: *"[a-z0-9][a-z0-9-]*",' "$f" \
        | sed -E 's/^[^"]*"([^"]*)".*/\1/' | sort -u)
    for p in "ob3.$role." "clr2.$role."; do
        for s in "${sfx[@]}"; do
            printf '%s%s\n' "$p" "$s" >>"$macro_ids"
        done
    done
done < <(grep -rlE 'paired_checks! \{' suites --include='*.rs')

# --- ids declared by versioned_checks! tables: `v10 "case.provider" => V10;` names a prefix -------------
while IFS= read -r f; do
    mapfile -t pre < <(grep -oE '^[[:space:]]*[a-z0-9_]+ "[a-z0-9.]+" => [A-Z0-9_]+;' "$f" \
        | sed -E 's/^[^"]*"([^"]*)".*/\1/')
    mapfile -t sfx < <(grep -oE '^[[:space:]]*[A-Z][A-Z0-9_]*: *"[a-z0-9][a-z0-9-]*",' "$f" \
        | sed -E 's/^[^"]*"([^"]*)".*/\1/' | sort -u)
    for p in "${pre[@]}"; do
        for s in "${sfx[@]}"; do
            printf '%s.%s\n' "$p" "$s" >>"$macro_ids"
        done
    done
done < <(grep -rlE 'versioned_checks! \{' suites --include='*.rs')

known() {
    local id="$1"
    grep -qxF -- "$id" "$macro_ids" && return 0
    grep -rqF --include='*.rs' -- "\"$id\"" harness suites && return 0
    return 1
}

# --- the tables -----------------------------------------------------------------------------
declare -A seen_req=()
declare -A checked=()
for i in "${!files[@]}"; do
    f="suites/requirements/${files[$i]}"
    pre="${prefixes[$i]}"
    if [ ! -f "$f" ]; then
        problems+=("$f: missing")
        continue
    fi
    first="$(head -n 1 "$f")"
    if [ "$first" != "$header" ]; then
        problems+=("$f:1: header is not: id<TAB>level<TAB>clause<TAB>requirement<TAB>checks")
    fi
    n=0 rows=0 mand=0 mand_checked=0 should=0
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        [ "$n" -eq 1 ] && continue
        case "$line" in '#'* | '') continue ;; esac
        rows=$((rows + 1))
        IFS=$'\t' read -r -a col <<<"$line"
        if [ "${#col[@]}" -ne 5 ]; then
            problems+=("$f:$n: ${#col[@]} columns, 5 expected")
            continue
        fi
        id="${col[0]}" level="${col[1]}" clause="${col[2]}" req="${col[3]}" checks="${col[4]}"
        [[ "$id" == "$pre"* ]] || problems+=("$f:$n: id $id does not start with $pre")
        [[ "$id" =~ ^[a-z0-9]+\.req\.[a-z0-9][a-z0-9-]*$ ]] || problems+=("$f:$n: malformed id $id")
        if [ -n "${seen_req[$id]:-}" ]; then
            problems+=("$f:$n: id $id already used at ${seen_req[$id]}")
        else
            seen_req[$id]="$f:$n"
        fi
        [[ "$clause" =~ ^https?://[^[:space:]]+$ ]] || problems+=("$f:$n: clause is not a URL: $clause")
        [ -n "$req" ] || problems+=("$f:$n: empty requirement")
        case "$level" in
            MUST | 'MUST NOT' | REQUIRED | SHALL | 'SHALL NOT') mand=$((mand + 1)) ;;
            SHOULD) should=$((should + 1)) ;;
            *) problems+=("$f:$n: unknown level '$level'") ;;
        esac
        if [ "$checks" = "-" ]; then
            continue
        fi
        if ! [[ "$checks" =~ ^[a-z0-9][a-z0-9.-]*(,[a-z0-9][a-z0-9.-]*)*$ ]]; then
            problems+=("$f:$n: checks must be '-' or ids separated by commas (no spaces): $checks")
            continue
        fi
        case "$level" in MUST | 'MUST NOT' | REQUIRED | SHALL | 'SHALL NOT') mand_checked=$((mand_checked + 1)) ;; esac
        IFS=',' read -r -a ids <<<"$checks"
        for c in "${ids[@]}"; do
            if [ -z "${checked[$c]:-}" ]; then
                if known "$c"; then checked[$c]=yes; else checked[$c]="no:$f:$n"; fi
            fi
            if [[ "${checked[$c]}" == no:* ]]; then
                problems+=("$f:$n: unknown check id $c")
            fi
        done
    done <"$f"
    printf '%-34s %3d rows: %3d mandatory (%3d with a check, %3d without), %2d SHOULD\n' \
        "$f" "$rows" "$mand" "$mand_checked" "$((mand - mand_checked))" "$should"
done

if [ "${#problems[@]}" -gt 0 ]; then
    printf '\n%d problem(s):\n' "${#problems[@]}" >&2
    printf '  %s\n' "${problems[@]}" >&2
    exit 1
fi
echo "every check id exists in harness/ or suites/ source (${#checked[@]} distinct ids)"
