#!/usr/bin/env bash
# bench-build.sh: how much the compiler wrapper adds to a full build.
#
#   scripts/bench-build.sh
#
# Builds zlib and Lua 5.4 from their Debian source packages (cached by
# scripts/debsrc.sh) with CFLAGS=-O2, each in a fresh directory, through
# their own build systems (zlib: configure + make; Lua: libtool configure +
# make linux, as integration.sh does), once with
#
#   A: CC=gcc                         (BENCH_CC_PLAIN)
#   B: CC="BIN cc gcc"                (OPTPOLINE_CC; BIN: bin/optpoline, built with go build)
#
# interleaved, BENCH_PAIRS rounds (default 3): in each round every package is
# built A then B, and the next round B then A, so that a drift in machine
# load hits both alike. One untimed zlib build of each goes first (warm
# caches). A build is timed from configure to the end of make (Lua's
# autoreconf runs once, before, as it does not depend on the compiler), wall
# clock and user+sys CPU of the whole process tree (GNU time). It prints per
# package the median of each, the ratio B/A, a verdict against the goal
# (the wrapper adds at most 5%: ratio <= 1.05), and writes
# bench-results/build.json.
#
# B's outputs are checked for an optpoline_sites section, so that a wrapper
# that silently passed through does not look fast.
#
# Environment: BENCH_PAIRS (default 3), BENCH_PACKAGES (default "zlib lua"),
# BENCH_CC_PLAIN (default gcc), OPTPOLINE_CC, INTEG_JOBS (make -j, default 2).
set -euo pipefail
export LC_ALL=C

# shellcheck disable=SC2034 # read by integ-lib.sh
integ_prog=bench-build
# shellcheck source=scripts/integ-lib.sh
. "$(dirname "$0")/integ-lib.sh"

pairs=${BENCH_PAIRS:-3}
read -r -a pkgs <<<"${BENCH_PACKAGES:-zlib lua}"
[[ $pairs =~ ^[1-9][0-9]*$ ]] || integ_die "BENCH_PAIRS=$pairs: want a positive integer"
((${#pkgs[@]} > 0)) || integ_die "BENCH_PACKAGES is empty"
for p in "${pkgs[@]}"; do integ_src "$p" >/dev/null; done
[[ -x /usr/bin/time ]] || integ_die "/usr/bin/time (GNU time) is missing; install it with: sudo apt-get install time"
[[ -n ${EPOCHREALTIME:-} ]] || integ_die "bash 5 or later is needed (for \$EPOCHREALTIME)"

integ_deps
cc_a=${BENCH_CC_PLAIN:-gcc}
cc_b=${OPTPOLINE_CC:-}
[[ -n $cc_b ]] || cc_b=$(integ_default_cc)
wrapper=0
integ_is_wrapper "$cc_b" && wrapper=1
((wrapper)) || integ_log "warning: B (CC='$cc_b') does not go through optpoline cc; the ratio measures nothing"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
integ_probe_cc "$cc_a" "$work/probe-a"
integ_probe_cc "$cc_b" "$work/probe-b"

declare -A src tmpl
for p in "${pkgs[@]}"; do
  src[$p]=$(debsrc_path "$(integ_src "$p")")
  [[ $p == lua ]] && tmpl[$p]=$(integ_lua_libtool "${src[$p]}" "$work")
done

lib=$integ_root/scripts/integ-lib.sh
raw=$work/raw # lines: pkg variant round wall_s cpu_s

# build PKG VARIANT ROUND: one timed build in a fresh directory. The build
# runs in a child bash under GNU time, which reports the CPU time of the
# whole tree (make, compilers, the wrapper).
build() {
  local p=$1 v=$2 r=$3 cc dir log t0 t1
  cc=$cc_a
  [[ $v == B ]] && cc=$cc_b
  dir=$work/$p-$v
  log=$work/$p-$v.log
  : >"$log"
  rm -rf "$dir"
  local args=("${src[$p]}" "$dir" "$cc" -O2 "" "$log")
  [[ $p == lua ]] && args+=("${tmpl[$p]}")
  t0=$EPOCHREALTIME
  # shellcheck disable=SC2016 # the child expands them
  /usr/bin/time -f '%e %U %S' -o "$work/time" bash -c '
    set -euo pipefail
    integ_prog=bench-build
    . "$1"
    shift
    integ_build_'"$p"' "$@"' _ "$lib" "${args[@]}" || integ_die "$p $v: build failed (log: $log)"
  t1=$EPOCHREALTIME
  if [[ $v == B && $wrapper == 1 ]]; then
    local f outs b
    outs=$(integ_"$p"_outputs "$dir")
    for f in $outs; do
      b=$(integ_sites "$f")
      ((b > 0)) || integ_die "$p: the wrapper build has no optpoline_sites section in $(basename "$f")"
    done
  fi
  if [[ $r != warmup ]]; then
    read -r _ user sys <"$work/time"
    awk -v p="$p" -v v="$v" -v r="$r" -v t0="$t0" -v t1="$t1" -v u="$user" -v s="$sys" \
      'BEGIN { printf "%s %s %s %.3f %.2f\n", p, v, r, t1 - t0, u + s }' >>"$raw"
    integ_log "round $r: $p $v $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')s CPU"
  fi
  rm -rf "$dir"
}

: >"$raw"
load_start=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
integ_log "A: CC='$cc_a'  B: CC='$cc_b'; ${pairs} pairs of ${pkgs[*]}; warm-up"
build zlib A warmup
build zlib B warmup
for ((r = 1; r <= pairs; r++)); do
  for p in "${pkgs[@]}"; do
    if ((r % 2)); then
      build "$p" A "$r"
      build "$p" B "$r"
    else
      build "$p" B "$r"
      build "$p" A "$r"
    fi
  done
done
load_end=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)

mkdir -p "$integ_root/bench-results"
json=$integ_root/bench-results/build.json
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
awk -v json="$json" -v cc_a="$cc_a" -v cc_b="$cc_b" -v pairs="$pairs" -v goal=1.05 -v cpu="$cpu" \
  -v ncpu="$(nproc)" -v jobs="$integ_jobs" -v load_start="$load_start" -v load_end="$load_end" \
  -v gcc_version="$(gcc --version | head -n 1)" -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  -v zlib_version="${src[zlib]:+$(sed -n 's/^version=//p' "${src[zlib]}/.debsrc" 2>/dev/null)}" \
  -v lua_version="${src[lua]:+$(sed -n 's/^version=//p' "${src[lua]}/.debsrc" 2>/dev/null)}" '
function median(key,   n, i, j, t, v) {
  n = cnt[key]
  for (i = 1; i <= n; i++) v[i] = val[key, i]
  for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
  return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function list(key,   i, s) { s = ""; for (i = 1; i <= cnt[key]; i++) s = s (i > 1 ? ", " : "") val[key, i]; return "[" s "]" }
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function add(key, x) { val[key, ++cnt[key]] = x }
{
  if (!($1 in seen)) { seen[$1] = 1; order[++np] = $1 }
  add($1 SUBSEP $2 SUBSEP "wall", $4); add($1 SUBSEP $2 SUBSEP "cpu", $5)
  w[$1, $2, $3] = $4; c[$1, $2, $3] = $5; rounds[$1, $3] = 1
}
# pairratios(P): the per-round ratios B/A of package P into key P,"pw" and
# P,"pc" (a pair shares the machine state, so its ratio is less noisy than
# the ratio of the medians).
function pairratios(p,   r) {
  for (r = 1; (p, r) in rounds; r++) {
    if (w[p, "A", r] > 0) add(p SUBSEP "pw", w[p, "B", r] / w[p, "A", r])
    if (c[p, "A", r] > 0) add(p SUBSEP "pc", c[p, "B", r] / c[p, "A", r])
  }
}
END {
  printf "%-6s %10s %10s %8s %8s   %10s %10s %8s %8s\n", "pkg", "A wall s", "B wall s", "B/A", "pair", "A CPU s", "B CPU s", "B/A", "pair"
  pj = ""
  for (i = 1; i <= np; i++) {
    p = order[i]
    aw = median(p SUBSEP "A" SUBSEP "wall"); bw = median(p SUBSEP "B" SUBSEP "wall")
    ac = median(p SUBSEP "A" SUBSEP "cpu"); bc = median(p SUBSEP "B" SUBSEP "cpu")
    rw = aw > 0 ? bw / aw : 0; rc = ac > 0 ? bc / ac : 0
    pairratios(p); pw = median(p SUBSEP "pw"); pc = median(p SUBSEP "pc")
    taw += aw; tbw += bw; tac += ac; tbc += bc
    printf "%-6s %10.2f %10.2f %8.3f %8.3f   %10.2f %10.2f %8.3f %8.3f\n", p, aw, bw, rw, pw, ac, bc, rc, pc
    ver = p == "zlib" ? zlib_version : p == "lua" ? lua_version : ""
    pj = pj (i > 1 ? ",\n" : "") sprintf("    {\"name\": %s, \"version\": %s, \"plain_wall_s\": %s, \"wrapper_wall_s\": %s, \"plain_cpu_s\": %s, \"wrapper_cpu_s\": %s,\n     \"plain_wall_median_s\": %.3f, \"wrapper_wall_median_s\": %.3f, \"wall_ratio\": %.4f, \"plain_cpu_median_s\": %.2f, \"wrapper_cpu_median_s\": %.2f, \"cpu_ratio\": %.4f, \"pair_wall_ratio_median\": %.4f, \"pair_cpu_ratio_median\": %.4f, \"pass\": %s}",
      jstr(p), jstr(ver), list(p SUBSEP "A" SUBSEP "wall"), list(p SUBSEP "B" SUBSEP "wall"), list(p SUBSEP "A" SUBSEP "cpu"), list(p SUBSEP "B" SUBSEP "cpu"),
      aw, bw, rw, ac, bc, rc, pw, pc, rw <= goal ? "true" : "false")
    if (rw > goal) miss = miss " " p
  }
  trw = taw > 0 ? tbw / taw : 0; trc = tac > 0 ? tbc / tac : 0
  printf "%-6s %10.2f %10.2f %8.3f %8s   %10.2f %10.2f %8.3f\n", "total", taw, tbw, trw, "", tac, tbc, trc
  print ""
  printf "A: CC=%s   B: CC=%s   (CFLAGS=-O2, make -j%d)\n", cc_a, cc_b, jobs
  printf "Medians of %d builds each, A and B interleaved (A B, then B A, ...), one fresh directory per build,\n", pairs
  printf "configure + make. B/A = ratio of the medians; pair = median of the per-round ratios B/A. CPU = user+sys\n"
  printf "of the whole process tree. Load average (1 min) at start %s, at end %s,\n", load_start, load_end
  printf "on %d CPUs.\n", ncpu
  if (load_start + 0 > ncpu / 2 || load_end + 0 > ncpu / 2)
    printf "The machine is busy: wall-clock times are inflated and noisy; the CPU-time ratio is steadier.\n"
  printf "\ngoal wrapper adds <= %d%% (wall B/A per package): %s", (goal - 1) * 100 + 0.5, miss == "" ? "PASS" : "MISS (" substr(miss, 2) ")"
  printf "   wall total %.3f, CPU total %.3f\n", trw, trc

  printf "{\n  \"date\": %s,\n  \"cpu\": %s,\n  \"ncpu\": %d,\n  \"make_jobs\": %d,\n  \"gcc\": %s,\n  \"plain_cc\": %s,\n  \"wrapper_cc\": %s,\n  \"cflags\": \"-O2\",\n  \"pairs\": %d,\n  \"loadavg_start\": %s,\n  \"loadavg_end\": %s,\n", jstr(date), jstr(cpu), ncpu, jobs, jstr(gcc_version), jstr(cc_a), jstr(cc_b), pairs, load_start + 0, load_end + 0 > json
  printf "  \"packages\": [\n%s\n  ],\n", pj > json
  printf "  \"total\": {\"plain_wall_s\": %.3f, \"wrapper_wall_s\": %.3f, \"wall_ratio\": %.4f, \"plain_cpu_s\": %.2f, \"wrapper_cpu_s\": %.2f, \"cpu_ratio\": %.4f},\n", taw, tbw, trw, tac, tbc, trc > json
  printf "  \"goal\": {\"want_wall_ratio_at_most\": %.2f, \"pass\": %s}\n}\n", goal, miss == "" ? "true" : "false" > json
}' "$raw"
echo "wrote ${json#"$integ_root"/}"
