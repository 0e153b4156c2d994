#!/usr/bin/env bash
# bench-check.sh: how fast `optpoline check` validates real compiler output,
# against what objtool needs for the same file: `as` to make the object,
# then `objtool --orc --dry-run` on it.
#
#   scripts/bench-check.sh [FILE.s...]
#
# Inputs: the two large gcc files from `corpuslist -big` (22 MB with -g,
# 10 MB with -fcf-protection) and the 2 largest corpus files GNU as
# accepts; or the FILEs given. Per input, BENCH_RUNS times (default 5), in
# turn:
#
#   optpoline check -e FILE
#   as --64 FILE -o X.o
#   objtool --orc --dry-run X.o           (Linux 6.1, scripts/objtool-peer.sh)
#
# It prints per file the median wall and CPU seconds of each, the ratios
# check/as and check/(as+objtool) on CPU time (the machine is shared and
# noisy: CPU time is steadier than wall time, and all three are measured
# side by side), and writes bench-results/check.json. Goal: check faster
# than assembling the file (ratio < 1).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

runs=${BENCH_RUNS:-5}
die() { echo "bench-check: $*" >&2; exit 1; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS=$runs: want a positive integer"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing: apt-get install time"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "bench-check: building bin/optpoline and objtool 6.1" >&2
go build -o bin/optpoline ./cmd/optpoline
go build -o "$work/corpuslist" ./internal/corpus/corpuslist
objtool=$(scripts/objtool-peer.sh | sed -n 's/^objtool=//p')
[[ -x $objtool ]] || die "scripts/objtool-peer.sh gave no objtool"

files=()
if (($# > 0)); then
  files=("$@")
else
  mapfile -t files < <("$work/corpuslist" -big "$work/big.s"; "$work/corpuslist" -n 2 -gas)
fi
((${#files[@]} > 0)) || die "no inputs"

raw=$work/raw # lines: index tool wall cpu
: >"$raw"
measure() { # index tool command...
  local i=$1 tool=$2
  shift 2
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null 2>"$work/err" || true
  read -r wall user sys <"$work/time"
  echo "$i $tool $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" >>"$raw"
}
for i in "${!files[@]}"; do
  f=${files[$i]}
  [[ -f $f ]] || die "$f: no such file"
  as --64 "$f" -o "$work/x.o" || die "as rejects $f"
  echo "bench-check: $(basename "$f"): $(($(stat -c %s "$f") / 1000)) kB, $runs runs" >&2
  for ((r = 0; r < runs; r++)); do
    measure "$i" check bin/optpoline check -e "$f"
    measure "$i" as as --64 "$f" -o "$work/x.o"
    measure "$i" objtool "$objtool" --orc --dry-run "$work/x.o"
  done
done

mkdir -p bench-results
for i in "${!files[@]}"; do printf '%d\t%s\n' "$i" "${files[$i]}"; done >"$work/meta"
awk -v json=bench-results/check.json -v runs="$runs" -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" '
function median(key,   n, i, j, t) {
  n = cnt[key]
  for (i = 1; i <= n; i++) a[i] = val[key, i]
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
FNR == NR { path[$1] = $2; n = $1 + 1; next }
{ k = $1 SUBSEP $2; cnt[k "w"]++; val[k "w", cnt[k "w"]] = $3; cnt[k "c"]++; val[k "c", cnt[k "c"]] = $4 }
END {
  printf "%-28s %9s %9s %9s %9s %11s\n", "file (median of " runs ")", "check s", "as s", "objtool s", "check/as", "check/as+ot"
  printf "{\n  \"date\": \"%s\", \"runs\": %d, \"statistic\": \"median CPU seconds (user+sys)\",\n  \"files\": [\n", date, runs > json
  for (i = 0; i < n; i++) {
    c = median(i SUBSEP "check" "c"); s = median(i SUBSEP "as" "c"); o = median(i SUBSEP "objtool" "c")
    name = path[i]; sub(/.*\//, "", name)
    r1 = s > 0 ? c / s : 0; r2 = s + o > 0 ? c / (s + o) : 0
    printf "%-28s %9.2f %9.2f %9.2f %9.2f %11.2f\n", name, c, s, o, r1, r2
    printf "    {\"file\": \"%s\", \"check_cpu_s\": %.2f, \"as_cpu_s\": %.2f, \"objtool_cpu_s\": %.2f, \"check_over_as\": %.3f, \"check_over_as_objtool\": %.3f}%s\n", path[i], c, s, o, r1, r2, i < n - 1 ? "," : "" > json
  }
  printf "  ]\n}\n" > json
}' "$work/meta" "$raw"
echo "bench-check: wrote bench-results/check.json" >&2
