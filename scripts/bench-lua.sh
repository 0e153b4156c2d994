#!/usr/bin/env bash
# bench-lua.sh: how much of the retpoline overhead optpoline gives back on
# an interpreter: Lua 5.4 from its Debian source package, built several
# ways, running the scripts in scripts/lua-bench/.
#
#   scripts/bench-lua.sh [KIND...]
#
# KIND (default: plain retpoline optpoline-funnel optpoline-learned optpoline-profile plain-thread):
#
#   plain              gcc -O2
#   retpoline          gcc -O2 -mindirect-branch=thunk-extern -mindirect-branch-register,
#                      linked with runtime/src/thunks.S
#   optpoline          the retpoline flags through `optpoline cc gcc` (defaults:
#                      call sites learned by the runtime, dispatch jumps --dispatch=auto)
#   optpoline-funnel   the same with --optpoline-dispatch=funnel
#   optpoline-learned  the same with --optpoline-dispatch=learned
#   plain-funnel       no retpolines, through `optpoline cc --optpoline-dispatch=funnel gcc`
#                      (is a funnel worth it where jmp *%REG is predicted? the default says no)
#   optpoline-profile  profile-guided: a training build (--optpoline-dispatch=learned) runs every
#                      script once under OPTPOLINE=profile=DIR (the benchmark's own inputs, so
#                      this is the best case of a profile), then the retpoline flags through
#                      `optpoline cc --optpoline-profile=DIR --optpoline-dispatch=funnel gcc`:
#                      call sites promoted statically, funnels ordered hot-first
#   plain-thread       plain, linked with scripts/idle-thread.c: one idle thread started by a
#                      constructor, as the runtime starts its promoter. glibc's malloc takes its
#                      locking paths once a second thread exists, so plain-thread − plain is what
#                      the promoter thread alone costs (no optpoline code in the program)
#
# (A new kind is one more case in build_flags; issue 8's profile-guided
# "static" build goes there.) Every kind compiles Lua's sources (lua.c and
# the library, as upstream's Makefile does: -std=gnu99 -O2 -DLUA_COMPAT_5_3
# -DLUA_USE_LINUX, linked -Wl,-E -lm -ldl) in a fresh directory.
#
# Each kind is linked BENCH_LAYOUTS times (default 5) with 0, 16, 32, …
# bytes of padding in front of its text (bench-lib.sh: bench_pads), and
# round r runs layout r mod BENCH_LAYOUTS of every kind: code layout alone
# can move a run by 2× on this machine (BENCHMARKS.md, "Code layout").
#
# Then BENCH_ROUNDS rounds (default 5, plus one warm-up round that is not
# counted): in each round every script runs once under every kind, the
# order of kinds rotated from round to round so that a drift in machine
# load hits all alike. A run's time is its CPU time (user + sys, GNU time).
# Every run's output must equal the plain build's. It prints per script
# the median of each kind, its ratio to plain and, for every kind other
# than plain and retpoline, the recovered share of the retpoline overhead,
# (t_retpoline - t_kind) / (t_retpoline - t_plain), side by side; and
# writes bench-results/lua.json.
#
# Environment: BENCH_ROUNDS, BENCH_LAYOUTS, BENCH_SCRIPTS (default "fannkuch closures
# binarytrees oop strings"), BENCH_ARGS_<script> (the script's size
# argument), OPTPOLINE_CC (default: BIN cc gcc, BIN = bin/optpoline built
# here), INTEG_JOBS (parallel compiles, default 2), BENCH_KEEP=1 keeps the
# build directories.
set -euo pipefail
export LC_ALL=C

# shellcheck disable=SC2034 # read by integ-lib.sh
integ_prog=bench-lua
# shellcheck source=scripts/integ-lib.sh
. "$(dirname "$0")/integ-lib.sh"
# shellcheck source=scripts/bench-lib.sh
. "$integ_root/scripts/bench-lib.sh"

rounds=${BENCH_ROUNDS:-5}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || integ_die "BENCH_ROUNDS=$rounds: want a positive integer"
read -r -a scripts <<<"${BENCH_SCRIPTS:-fannkuch closures binarytrees oop strings}"
kinds=("$@")
((${#kinds[@]} > 0)) || kinds=(plain retpoline optpoline-funnel optpoline-learned optpoline-profile plain-thread)
[[ -x /usr/bin/time ]] || integ_die "/usr/bin/time (GNU time) is missing; install it with: sudo apt-get install time"

declare -A size=([fannkuch]=9 [closures]=400 [binarytrees]=13 [oop]=300000 [strings]=300)
benchdir=$integ_root/scripts/lua-bench
for s in "${scripts[@]}"; do
  [[ -f $benchdir/$s.lua ]] || integ_die "no script $benchdir/$s.lua"
  v=BENCH_ARGS_$s
  [[ -n ${!v:-} ]] && size[$s]=${!v}
done

rpx="-mindirect-branch=thunk-extern -mindirect-branch-register"
wrap=${OPTPOLINE_CC:-}
[[ -n $wrap ]] || wrap=$(integ_default_cc)
wrap_head=${wrap% *} # "BIN cc" of "BIN cc gcc"

# build_flags KIND: prints "CC|CFLAGS|LIBS" for a kind.
build_flags() {
  case $1 in
  plain) echo "gcc||" ;;
  retpoline) echo "gcc|$rpx|THUNKS" ;;
  optpoline) echo "$wrap|$rpx|" ;;
  optpoline-funnel) echo "$wrap_head --optpoline-dispatch=funnel gcc|$rpx|" ;;
  optpoline-learned) echo "$wrap_head --optpoline-dispatch=learned gcc|$rpx|" ;;
  plain-funnel) echo "$wrap_head --optpoline-dispatch=funnel gcc||" ;;
  optpoline-profile) echo "$wrap_head --optpoline-profile=${work:-}/profile --optpoline-dispatch=funnel gcc|$rpx|" ;;
  plain-thread) echo "gcc||THREAD" ;;
  *) integ_die "unknown kind '$1' (want plain, retpoline, optpoline, optpoline-funnel, optpoline-learned, optpoline-profile, plain-funnel or plain-thread)" ;;
  esac
}
for k in "${kinds[@]}"; do build_flags "$k" >/dev/null; done
have() { local k; for k in "${kinds[@]}"; do [[ $k == "$1" ]] && return 0; done; return 1; }
have plain && have retpoline || integ_die "the kinds must include plain and retpoline (the recovered share needs both)"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-lua.XXXXXX")
if [[ ${BENCH_KEEP:-0} == 1 ]]; then
  trap 'echo "bench-lua: build directories kept in $work" >&2' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
src=$(debsrc_path lua5.4)
version=$(sed -n 's/^version=//p' "$src/.debsrc")
thunks=$(integ_thunks "$work")
layouts=${BENCH_LAYOUTS:-5}
[[ $layouts =~ ^[1-9][0-9]*$ ]] || integ_die "BENCH_LAYOUTS=$layouts: want a positive integer"
bench_pads "$work" "$layouts"

# build KIND: compile Lua in $work/KIND and link it once per layout L as
# lua.L; prints the interpreters' common prefix ($work/KIND/lua).
build() {
  local kind=$1 cc cflags libs d log
  IFS='|' read -r cc cflags libs <<<"$(build_flags "$kind")"
  [[ $libs == THUNKS ]] && libs=$thunks
  if [[ $libs == THREAD ]]; then
    gcc -O2 -c "$integ_root/scripts/idle-thread.c" -o "$work/idle-thread.o" >>"$work/$kind.log" 2>&1 ||
      integ_die "$kind: gcc rejects scripts/idle-thread.c (log: $work/$kind.log)"
    libs="$work/idle-thread.o -lpthread"
  fi
  d=$work/$kind
  log=$work/$kind.log
  mkdir -p "$d"
  cp "$src"/src/*.c "$src"/src/*.h "$d/"
  printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "x86_64-linux-gnu"\n#endif\n' >"$d/lua5.4-deb-multiarch.h"
  local objs=()
  for f in "$d"/*.c; do
    case ${f##*/} in luac.c) continue ;; esac
    objs+=("${f%.c}.o")
  done
  # shellcheck disable=SC2086 # CC and CFLAGS are command lines
  (cd "$d" && printf '%s\n' "${objs[@]}" | xargs -P "$integ_jobs" -I{} sh -c \
    'o={}; exec '"$cc"' -std=gnu99 -O2 -Wall -Wextra -DLUA_COMPAT_5_3 -DLUA_USE_LINUX '"$cflags"' -c "${o%.o}.c" -o "$o"') >"$log" 2>&1 ||
    { tail -n 30 "$log" >&2; integ_die "$kind: compiling Lua failed (log: $log)"; }
  local l
  for ((l = 0; l < layouts; l++)); do
    # shellcheck disable=SC2086
    (cd "$d" && $cc -std=gnu99 -O2 $cflags -o "lua.$l" "$work/pad$l.o" "${objs[@]}" $libs -Wl,-E -lm -ldl) >>"$log" 2>&1 ||
      { tail -n 30 "$log" >&2; integ_die "$kind: linking Lua failed (log: $log)"; }
  done
  echo "$d/lua"
}

# train: the optpoline-profile kind's profile, from a learned-dispatch
# build running every script once with OPTPOLINE=profile=$work/profile.
train() {
  local t s
  integ_log "building Lua $version: optpoline-learned (training build for optpoline-profile)"
  t=$(build optpoline-learned)
  mkdir -p "$work/profile"
  for s in "${scripts[@]}"; do
    (cd "$benchdir" && OPTPOLINE=profile=$work/profile "$t.0" "$s.lua" "${size[$s]}") >/dev/null ||
      integ_die "training: $s.lua failed"
  done
}

declare -A lua
for k in "${kinds[@]}"; do
  [[ $k == optpoline-profile ]] && train
  integ_log "building Lua $version: $k"
  lua[$k]=$(build "$k")
  if [[ $k == optpoline* ]] && (($(integ_sites "${lua[$k]}.0") == 0)); then
    integ_die "$k: no optpoline_sites section in ${lua[$k]}.0: the wrapper did not mark up"
  fi
done

# run KIND SCRIPT LAYOUT: one timed run; prints CPU seconds. The output
# must be the plain build's.
raw=$work/raw # lines: script kind round cpu_s
run() {
  local k=$1 s=$2 out=$work/out.$1.$2 t
  (cd "$benchdir" && /usr/bin/time -f '%U %S' -o "$work/time" "${lua[$k]}.$3" "$s.lua" "${size[$s]}" >"$out" 2>"$work/err") ||
    { cat "$work/err" >&2; integ_die "$k: $s.lua failed"; }
  if [[ -f $work/want.$s ]]; then
    cmp -s "$work/want.$s" "$out" || { diff "$work/want.$s" "$out" >&2; integ_die "$k: $s.lua printed something else than plain"; }
  fi
  t=$(tail -n 1 "$work/time")
  awk -v u="${t% *}" -v s="${t#* }" 'BEGIN { printf "%.3f", u + s }'
}
for s in "${scripts[@]}"; do
  (cd "$benchdir" && "${lua[plain]}.0" "$s.lua" "${size[$s]}") >"$work/want.$s" ||
    integ_die "plain: $s.lua failed"
done

n=${#kinds[@]}
for ((r = 0; r <= rounds; r++)); do
  integ_log "round $r of $rounds$([[ $r == 0 ]] && echo " (warm-up, not counted)")"
  for s in "${scripts[@]}"; do
    for ((j = 0; j < n; j++)); do
      k=${kinds[$(((j + r) % n))]}
      t=$(run "$k" "$s" $((r % layouts)))
      ((r > 0)) && echo "$s $k $r $t" >>"$raw"
    done
  done
done

mkdir -p "$integ_root/bench-results"
json=$integ_root/bench-results/lua.json
awk -v kinds="${kinds[*]}" -v scripts="${scripts[*]}" -v version="$version" -v rounds="$rounds" -v json="$json" '
  function median(key,   n, i, j, t, a) {
    n = split(times[key], a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { times[$1 " " $2] = times[$1 " " $2] (times[$1 " " $2] == "" ? "" : " ") $4 }
  END {
    nk = split(kinds, K, " "); ns = split(scripts, S, " ")
    printf "Lua %s, CPU s (median of %d), ratio to plain, recovered = (t_retpoline - t) / (t_retpoline - t_plain)\n", version, rounds
    printf "%-12s", "script"
    for (k = 1; k <= nk; k++) printf " %19s", K[k]
    for (k = 1; k <= nk; k++) if (K[k] != "plain" && K[k] != "retpoline") { l = K[k]; sub(/^optpoline-/, "", l); printf " %19s", "recovered " l }
    printf "\n"
    printf "{\n  \"lua\": \"%s\",\n  \"rounds\": %d,\n  \"metric\": \"cpu_s_median\",\n  \"scripts\": {\n", version, rounds > json
    for (i = 1; i <= ns; i++) {
      s = S[i]; tp = median(s " plain"); tr = median(s " retpoline")
      printf "%-12s", s
      for (k = 1; k <= nk; k++) { t = median(s " " K[k]); printf " %8.3fs (%5.2fx)", t, t / tp }
      printf "    \"%s\": {", s >> json
      for (k = 1; k <= nk; k++) printf "%s\"%s\": %.3f", (k > 1 ? ", " : ""), K[k], median(s " " K[k]) >> json
      for (k = 1; k <= nk; k++) {
        if (K[k] == "plain" || K[k] == "retpoline") continue
        t = median(s " " K[k])
        rec = tr - tp > 0 ? (tr - t) / (tr - tp) : 0
        printf " %18.0f%%", 100 * rec
        printf ", \"recovered_%s\": %.3f", K[k], rec >> json
      }
      printf "}%s\n", (i < ns ? "," : "") >> json
      printf "\n"
    }
    printf "  }\n}\n" >> json
  }' "$raw"
integ_log "wrote ${json#"$integ_root"/}"
