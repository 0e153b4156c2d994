#!/usr/bin/env bash
# bench-parse.sh: how fast optpoline parses and prints real compiler output,
# against GNU as assembling the same files.
#
#   scripts/bench-parse.sh [FILE.s...]
#
# Inputs: the two large gcc files from `corpuslist -big` (about 22 MB with
# -g and 10 MB with -fcf-protection=full) and the 8 largest corpus files GNU
# as accepts; or the FILEs given. For every input it runs, alternately and
# BENCH_RUNS times (default 5),
#
#   as FILE -o /dev/null
#   bin/optpoline markup --promote=none FILE -o OUT
#
# under /usr/bin/time, after checking once that OUT is byte-identical to
# FILE. It prints per file the median wall time and MB/s of each, the ratio
# (as time / optpoline time), optpoline's max RSS and RSS/input, a total line
# (sums of the medians), a verdict per goal (>= 20x as; max RSS <= 3x the
# input, judged on the largest file), and writes bench-results/parse.json.
#
# Environment: BENCH_RUNS (default 5), BENCH_BIG=0 skips the large generated
# files, BENCH_CORPUS (default 2) is how many of the largest test-corpus
# files to add. Those are under 1.1 MB, so process start-up (~20 ms for
# either tool) dominates them; the large generated files carry the verdict.
set -euo pipefail
export LC_ALL=C # '.' as the decimal point in $EPOCHREALTIME, sort and awk

cd "$(dirname "$0")/.."

runs=${BENCH_RUNS:-5}
ncorpus=${BENCH_CORPUS:-2}
speed_goal=20 # optpoline at least this many times faster than as
rss_goal=3    # optpoline max RSS at most this many times the input

die() { echo "bench-parse: $*" >&2; exit 1; }

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS=$runs: want a positive integer"
[[ $ncorpus =~ ^[0-9]+$ ]] || die "BENCH_CORPUS=$ncorpus: want a number"
if [[ ! -x /usr/bin/time ]]; then
  die "/usr/bin/time (GNU time) is missing; install it with: sudo apt-get install time"
fi
command -v as >/dev/null || die "as (GNU as) is missing; install it with: sudo apt-get install binutils"
command -v go >/dev/null || die "go is missing"
[[ -n ${EPOCHREALTIME:-} ]] || die "bash 5 or later is needed (for \$EPOCHREALTIME)"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-parse.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "bench-parse: building bin/optpoline and corpuslist" >&2
go build -o bin/optpoline ./cmd/optpoline
go build -o "$work/corpuslist" ./internal/corpus/corpuslist

# Inputs: parallel arrays of paths and short labels.
files=()
labels=()
if (($# > 0)); then
  for f in "$@"; do
    [[ -f $f ]] || die "$f: no such file"
    files+=("$f")
    labels+=("$(basename "$f")")
  done
else
  if [[ ${BENCH_BIG:-1} != 0 ]]; then
    echo "bench-parse: generating the large files (the first run compiles for a minute or more; then cached)" >&2
    list=$("$work/corpuslist" -big "$work/big.s") # not <(...): set -e must see a failure
    while IFS= read -r f; do
      files+=("$f")
      labels+=("$(basename "$f")")
    done <<<"$list"
  fi
  if ((ncorpus > 0)); then
    echo "bench-parse: building the corpus (cached after the first run)" >&2
    list=$("$work/corpuslist" -n "$ncorpus" -gas)
    while IFS= read -r f; do
      [[ -n $f ]] || continue
      files+=("$f")
      labels+=("$(basename "$(dirname "$f")")/$(basename "$f")")
    done <<<"$list"
  fi
fi
((${#files[@]} > 0)) || die "no inputs"

opt=bin/optpoline
out=$work/out.s
raw=$work/raw # lines: index tool wall_s rss_kb cpu_s

# One timed run of a tool on file index i. GNU time gives the max RSS and
# the CPU time; the wall time comes from $EPOCHREALTIME (microseconds; %e
# has only centiseconds, too coarse for the small corpus files).
measure() {
  local i=$1 tool=$2 f=${files[$1]} t0 t1
  t0=$EPOCHREALTIME
  case $tool in
  as) /usr/bin/time -f '%e %M %U %S' -o "$work/time" as "$f" -o /dev/null ;;
  opt) /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$opt" markup --promote=none "$f" -o "$out" ;;
  esac
  t1=$EPOCHREALTIME
  read -r _ rss user sys <"$work/time"
  awk -v i="$i" -v tool="$tool" -v t0="$t0" -v t1="$t1" -v rss="$rss" -v u="$user" -v s="$sys" \
    'BEGIN { printf "%d %s %.6f %d %.2f\n", i, tool, t1 - t0, rss, u + s }' >>"$raw"
}

: >"$raw"
load_start=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
sizes=()
for i in "${!files[@]}"; do
  f=${files[$i]}
  sizes+=("$(stat -c %s "$f")")
  # Correctness first: a benchmark of a wrong result is worthless.
  "$opt" markup --promote=none "$f" -o "$out" || die "${labels[$i]}: optpoline markup failed on $f"
  cmp -s "$f" "$out" || die "${labels[$i]}: optpoline's output differs from the input $f (cmp $f OUT)"
  as "$f" -o /dev/null || die "${labels[$i]}: as rejects $f"
  echo "bench-parse: ${labels[$i]}: $((sizes[i] / 1000)) kB, output identical; $runs runs" >&2
  for ((r = 0; r < runs; r++)); do
    measure "$i" as
    measure "$i" opt
  done
done

load_end=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)

# Report. awk gets "index size label path" lines (tab-separated), then
# the raw measurements.
meta=$work/meta
: >"$meta"
for i in "${!files[@]}"; do
  printf '%d\t%d\t%s\t%s\n' "$i" "${sizes[$i]}" "${labels[$i]}" "${files[$i]}" >>"$meta"
done

mkdir -p bench-results
json=bench-results/parse.json
as_version=$(as --version | head -n 1)
go_version=$(go env GOVERSION)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)

awk -v runs="$runs" -v speed_goal="$speed_goal" -v rss_goal="$rss_goal" -v json="$json" \
  -v as_version="$as_version" -v go_version="$go_version" -v cpu="$cpu" -v ncpu="$(nproc)" \
  -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v load_start="$load_start" -v load_end="$load_end" '
function median(key,   n, i, j, t, v) {
  n = cnt[key]
  for (i = 1; i <= n; i++) v[i] = val[key, i]
  for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
  return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function add(key, x) { val[key, ++cnt[key]] = x }
function mbps(bytes, s) { return s > 0 ? bytes / 1e6 / s : 0 }
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
FNR == NR { split($0, m, "\t"); size[m[1]] = m[2]; label[m[1]] = m[3]; path[m[1]] = m[4]; nfiles++; next }
{
  add($1 SUBSEP $2 SUBSEP "wall", $3); add($1 SUBSEP $2 SUBSEP "cpu", $5)
  if ($4 > maxrss[$1, $2]) maxrss[$1, $2] = $4
}
END {
  hdr = sprintf("%-34s %8s %8s %8s %8s %9s %7s %7s %8s %7s", "file", "MB", "as s", "as MB/s", "opt s", "opt MB/s", "x as", "cpu x", "RSS MB", "RSS/in")
  print hdr
  gsub(/./, "-", hdr); print hdr
  big = -1
  files_json = ""
  for (i = 0; i < nfiles; i++) {
    aw = median(i SUBSEP "as" SUBSEP "wall"); ow = median(i SUBSEP "opt" SUBSEP "wall")
    ac = median(i SUBSEP "as" SUBSEP "cpu"); oc = median(i SUBSEP "opt" SUBSEP "cpu")
    rss = maxrss[i, "opt"] * 1024; rin = rss / size[i]
    ratio = ow > 0 ? aw / ow : 0
    cratio = oc > 0 ? ac / oc : 0
    printf "%-34s %8.2f %8.3f %8.1f %8.3f %9.1f %7.1f %7s %8.1f %7.2f\n", label[i], size[i] / 1e6, aw, mbps(size[i], aw), ow, mbps(size[i], ow), ratio, (ac > 0 && oc > 0 ? sprintf("%.1f", cratio) : "-"), rss / 1e6, rin
    tb += size[i]; taw += aw; tow += ow; tac += ac; toc += oc
    if (big < 0 || size[i] > size[big]) { big = i; bigrin = rin; bigrss = rss }
    files_json = files_json (i ? ",\n" : "") sprintf("    {\"name\": %s, \"path\": %s, \"bytes\": %d, \"as_median_s\": %.6f, \"as_mb_s\": %.2f, \"as_max_rss_kb\": %d, \"as_cpu_median_s\": %.2f, \"optpoline_median_s\": %.6f, \"optpoline_mb_s\": %.2f, \"optpoline_max_rss_kb\": %d, \"optpoline_cpu_median_s\": %.2f, \"ratio\": %.2f, \"rss_over_input\": %.3f}", jstr(label[i]), jstr(path[i]), size[i], aw, mbps(size[i], aw), maxrss[i, "as"], ac, ow, mbps(size[i], ow), maxrss[i, "opt"], oc, ratio, rin)
  }
  print hdr
  tratio = tow > 0 ? taw / tow : 0
  tcratio = toc > 0 ? tac / toc : 0
  printf "%-34s %8.2f %8.3f %8.1f %8.3f %9.1f %7.1f %7s\n", sprintf("TOTAL (%d files, sums of medians)", nfiles), tb / 1e6, taw, mbps(tb, taw), tow, mbps(tb, tow), tratio, (toc > 0 ? sprintf("%.1f", tcratio) : "-")
  print ""
  printf "Times are medians of %d runs each, as and optpoline alternating; wall clock per process (file read, parse,\n", runs
  printf "CheckOperands, print to a file). \"x as\" = as time / optpoline time; \"cpu x\" is the same for user+sys CPU\n"
  printf "time (centiseconds, \"-\" when too small), which a busy machine disturbs less. MB = 10^6 bytes.\n"
  printf "RSS is optpoline'"'"'s max RSS; the goal is judged on the largest file only, because on small files the Go\n"
  printf "runtime'"'"'s fixed ~5 MB dominates.\n"
  printf "Load average (1 min) at start %s, at end %s, on %d CPUs.\n", load_start, load_end, ncpu
  if (load_start + 0 > ncpu / 2 || load_end + 0 > ncpu / 2)
    printf "The machine is busy: wall-clock times are inflated and noisy; the CPU-time ratio (cpu x) is steadier.\n"
  printf "\n"
  speed_ok = tratio >= speed_goal
  rss_ok = bigrin <= rss_goal
  printf "goal speed >= %dx as (total):             %-4s  %.1fx  (%.1f MB/s vs as %.1f MB/s; CPU time %.1fx)\n", speed_goal, speed_ok ? "PASS" : "MISS", tratio, mbps(tb, tow), mbps(tb, taw), tcratio
  printf "goal RSS <= %dx input (largest file):     %-4s  %.2fx  (%.1f MB for %s, %.1f MB)\n", rss_goal, rss_ok ? "PASS" : "MISS", bigrin, bigrss / 1e6, label[big], size[big] / 1e6

  printf "{\n  \"date\": %s,\n  \"go\": %s,\n  \"as\": %s,\n  \"cpu\": %s,\n  \"ncpu\": %d,\n  \"runs\": %d,\n  \"loadavg_start\": %s,\n  \"loadavg_end\": %s,\n", jstr(date), jstr(go_version), jstr(as_version), jstr(cpu), ncpu, runs, load_start + 0, load_end + 0 > json
  printf "  \"files\": [\n%s\n  ],\n", files_json > json
  printf "  \"total\": {\"files\": %d, \"bytes\": %d, \"as_s\": %.6f, \"as_mb_s\": %.2f, \"optpoline_s\": %.6f, \"optpoline_mb_s\": %.2f, \"ratio\": %.2f, \"cpu_ratio\": %.2f},\n", nfiles, tb, taw, mbps(tb, taw), tow, mbps(tb, tow), tratio, tcratio > json
  printf "  \"goals\": {\n    \"speed\": {\"want_ratio_at_least\": %d, \"ratio\": %.2f, \"pass\": %s},\n", speed_goal, tratio, speed_ok ? "true" : "false" > json
  printf "    \"rss\": {\"want_rss_over_input_at_most\": %d, \"file\": %s, \"rss_over_input\": %.3f, \"pass\": %s}\n  }\n}\n", rss_goal, jstr(label[big]), bigrin, rss_ok ? "true" : "false" > json
}' "$meta" "$raw"
echo "wrote $json"
