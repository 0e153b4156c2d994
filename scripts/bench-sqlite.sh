#!/usr/bin/env bash
# bench-sqlite.sh: SQLite's speedtest1 against its amalgamation, built the
# benchmark's four ways (scripts/bench-lib.sh: plain, retpoline, optpoline,
# static), timed side by side in one run.
#
#   scripts/bench-sqlite.sh
#
# The source is Debian's sqlite3 source package (scripts/debsrc.sh, cached);
# its configure + `make sqlite3.c` (tclsh) writes the amalgamation, cached
# next to it. speedtest1.c (the package's test/) and sqlite3.c are built
# with -O2 per kind in a fresh directory, and run with --memdb (no disk I/O)
# on the test sets main, orm, cte and fp at --size BENCH_SQLITE_SIZE. The
# static kind's profile is learned from the optpoline build running the
# same test sets once (OPTPOLINE=profile=DIR: sampling only, so promoted
# targets are not under-counted), then exported with
# `optpoline profile export`; it is left out when this optpoline has no
# profiles yet.
#
# Code layout: each kind is compiled once and linked BENCH_LAYOUTS times
# with 0, 16, 32, … bytes of padding in front of all of its text, and run
# r uses layout r mod BENCH_LAYOUTS for every kind. The padding matters:
# on this AMD EPYC VM the retpoline build's orm set takes 0.21 s or 0.45 s
# depending on where an x87 loop in sqlite3_str_vappendf lands (8 or 16
# bytes of padding: slow; 0, 24, 32: fast), with the same instructions
# executed (callgrind). A single link per kind turns that lottery into a
# fake 2× win or loss for whichever kind draws the slow layout.
#
# Every kind must print the same test lines (timings stripped) as plain, and
# the optpoline and static builds must carry an optpoline_sites table.
# Prints per test set the median CPU time of each kind and the share of the
# retpoline overhead recovered, and writes bench-results/sqlite.json.
#
# Environment: BENCH_RUNS (default 8), BENCH_LAYOUTS (default 8),
# BENCH_SQLITE_SIZE (default 30), BENCH_KINDS (default: all four),
# BENCH_KEEP=DIR keeps the builds there.
set -euo pipefail
export LC_ALL=C

# shellcheck disable=SC2034 # read by integ-lib.sh
integ_prog="bench-sqlite"
# shellcheck source=scripts/integ-lib.sh
. "$(dirname "$0")/integ-lib.sh"
# shellcheck source=scripts/bench-lib.sh
. "$integ_root/scripts/bench-lib.sh"

runs=${BENCH_RUNS:-8}
layouts=${BENCH_LAYOUTS:-8}
size=${BENCH_SQLITE_SIZE:-30}
[[ $runs =~ ^[1-9][0-9]*$ ]] || integ_die "BENCH_RUNS=$runs: want a positive integer"
[[ $size =~ ^[1-9][0-9]*$ ]] || integ_die "BENCH_SQLITE_SIZE=$size: want a positive integer"
[[ $layouts =~ ^[1-9][0-9]*$ ]] || integ_die "BENCH_LAYOUTS=$layouts: want a positive integer"
sets=(main orm cte fp)
[[ -x /usr/bin/time ]] || integ_die "/usr/bin/time (GNU time) is missing; install it with: sudo apt-get install time"
command -v tclsh >/dev/null || integ_die "tclsh is missing (SQLite's amalgamation is made with it); install it with: sudo apt-get install tcl"

integ_default_cc >/dev/null
read -r -a kinds <<<"${BENCH_KINDS:-$bench_kinds_all}"
if [[ " ${kinds[*]} " == *" static "* ]] && ! bench_has_profiles; then
  integ_log "this optpoline cannot export profiles yet: the static kind is left out"
  read -r -a kinds <<<"${kinds[*]/static/}"
fi

src=$(debsrc_path sqlite3)
amalg="$src.amalgamation"
if [[ ! -f $amalg/sqlite3.c ]]; then
  integ_log "making the amalgamation (once) in $amalg"
  tmp=$(mktemp -d "$(dirname "$src")/amalg.XXXXXX")
  (cd "$tmp" && "$src/configure" >configure.log 2>&1 && make sqlite3.c >make.log 2>&1) ||
    integ_die "making sqlite3.c failed (logs in $tmp)"
  mkdir -p "$amalg"
  cp "$tmp/sqlite3.c" "$tmp/sqlite3.h" "$amalg/"
  rm -rf "$tmp"
fi

if [[ -n ${BENCH_KEEP:-} ]]; then
  work=$BENCH_KEEP
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/bench-sqlite.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
thunks=$(integ_thunks "$work")

bench_pads "$work" "$layouts"

# build KIND [PROFILE]: speedtest1 of a kind, in $work/KIND: speedtest1.L
# for every layout L.
build() {
  local k=$1 d=$work/$1 cc flags extra=()
  cc=$(bench_cc "$k" "${2:-}")
  flags=$(bench_cflags "$k")
  [[ $k == retpoline ]] && extra=("$thunks")
  rm -rf "$d" && mkdir -p "$d"
  integ_log "building $k: $cc $flags"
  # shellcheck disable=SC2086 # cc and flags are word lists
  integ_run "$d/build.log" $cc $flags -I"$amalg" -c -o "$d/speedtest1.o" "$src/test/speedtest1.c"
  # shellcheck disable=SC2086
  integ_run "$d/build.log" $cc $flags -I"$amalg" -c -o "$d/sqlite3.o" "$amalg/sqlite3.c"
  for ((l = 0; l < layouts; l++)); do
    # shellcheck disable=SC2086
    integ_run "$d/build.log" $cc $flags -o "$d/speedtest1.$l" "$work/pad$l.o" \
      "$d/speedtest1.o" "$d/sqlite3.o" "${extra[@]}" -lpthread -lm -ldl
  done
  if [[ $k == optpoline || $k == static ]]; then
    [[ $(readelf -S "$d/speedtest1.0") == *optpoline_sites* ]] || integ_die "$k: no optpoline_sites in speedtest1"
  fi
}

# strip: speedtest1's output without its timings.
strip() { sed -E 's/[0-9]+\.[0-9]+s$//' "$1"; }

for k in "${kinds[@]}"; do
  [[ $k == static ]] || build "$k"
done
if [[ " ${kinds[*]} " == *" static "* ]]; then
  [[ -x $work/optpoline/speedtest1.0 ]] || build optpoline
  prof=$work/profile.d
  rm -rf "$prof" && mkdir -p "$prof"
  integ_log "learning the static profile from the optpoline build"
  for s in "${sets[@]}"; do
    OPTPOLINE=profile=$prof "$work/optpoline/speedtest1.0" --memdb --size "$size" --testset "$s" >/dev/null 2>&1 ||
      integ_die "the profiling run of test set $s failed"
  done
  integ_run "$work/profile.log" "$integ_root/bin/optpoline" profile export -o "$work/sqlite.prof" "$prof"
  build static "$work/sqlite.prof"
fi

rows=$work/rows
: >"$rows"
nk=${#kinds[@]}
for ((r = 0; r < runs; r++)); do
  l=$((r % layouts))
  integ_log "round $((r + 1))/$runs (layout $l)"
  for s in "${sets[@]}"; do
    for ((i = 0; i < nk; i++)); do
      k=${kinds[$(((i + r) % nk))]}
      env=$(bench_env "$k")
      # shellcheck disable=SC2086 # env is empty or one VAR=value
      t=$(bench_cpu "$work/$k/out.$s" env $env "$work/$k/speedtest1.$l" --memdb --size "$size" --testset "$s")
      echo "$s $k $t" >>"$rows"
      if [[ $k != plain && -f $work/plain/out.$s ]] && ! cmp -s <(strip "$work/plain/out.$s") <(strip "$work/$k/out.$s"); then
        diff <(strip "$work/plain/out.$s") <(strip "$work/$k/out.$s") | head -n 20 >&2
        integ_die "$k: test set $s prints other results than plain"
      fi
    done
  done
done

mkdir -p "$integ_root/bench-results"
json=$integ_root/bench-results/sqlite.json
echo "speedtest1 --memdb --size $size, CPU seconds (user+sys), median of $runs interleaved runs over $layouts code layouts:"
bench_summarize sqlite "$json" "$rows"
echo "wrote ${json#"$integ_root"/}"
