# shellcheck shell=bash
# integ-lib.sh: shared by integration.sh, bench-build.sh and realcode-asm.sh
# (sourced, not run). Builds zlib and Lua 5.4 from their Debian source
# packages with a given CC and CFLAGS, each in a fresh directory, through
# their own build systems: zlib's configure + make, and Lua's Debian build
# (src/Makefile's linux target through libtool, as debian/rules does, but
# without readline and with our CFLAGS instead of dpkg-buildflags).
#
# Callers set `set -euo pipefail` and define nothing; everything here is
# prefixed integ_.

integ_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/debsrc.sh
. "$integ_root/scripts/debsrc.sh"

integ_prog=${integ_prog:-integ}
integ_jobs=${INTEG_JOBS:-2}

# integ_thunk_flags CC: the flags that route indirect branches through
# external __x86_indirect_thunk_REG symbols: gcc's thunk-extern, or clang's
# -mretpoline-external-thunk (which uses __x86_indirect_thunk_r11 only).
integ_thunk_flags() {
  case ${1##* } in
  clang*) echo "-mretpoline-external-thunk" ;;
  *) echo "-mindirect-branch=thunk-extern -mindirect-branch-register" ;;
  esac
}

integ_die() { echo "$integ_prog: $*" >&2; exit 1; }
integ_log() { echo "$integ_prog: $*" >&2; }

# integ_src NAME: Debian source package of a code base.
integ_src() {
  case $1 in
  zlib) echo zlib ;;
  lua) echo lua5.4 ;;
  *) integ_die "unknown code base '$1' (want zlib or lua)" ;;
  esac
}

# integ_deps: the Debian packages the builds need (scripts/deps.sh
# integration installs them as root, or says how).
integ_deps() {
  "$integ_root/scripts/deps.sh" integration || integ_die "missing tools (see above)"
}

# integ_default_cc: build bin/optpoline and print the wrapper command line.
integ_default_cc() {
  command -v go >/dev/null || integ_die "go is missing (needed to build bin/optpoline; or set OPTPOLINE_CC)"
  (cd "$integ_root" && go build -o bin/optpoline ./cmd/optpoline) || integ_die "go build ./cmd/optpoline failed"
  echo "$integ_root/bin/optpoline cc gcc"
}

# integ_is_wrapper CC: whether CC goes through optpoline cc.
integ_is_wrapper() { [[ " $1 " == *optpoline*" cc "* ]]; }

# integ_cxx CC: the C++ compiler that goes with CC (Lua's Debian build also
# compiles every file as C++ for liblua5.4-c++): OPTPOLINE_CXX, or CC with
# its last word gcc → g++, clang → clang++, cc → c++.
integ_cxx() {
  if [[ -n ${OPTPOLINE_CXX:-} ]]; then
    echo "$OPTPOLINE_CXX"
    return
  fi
  local cc=$1 last=${1##* } head=
  [[ $cc == *" "* ]] && head="${cc% *} "
  case $last in
  gcc | gcc-[0-9]*) echo "${head}g++${last#gcc}" ;;
  clang | clang-[0-9]*) echo "${head}clang++${last#clang}" ;;
  cc) echo "${head}c++" ;;
  *) integ_die "cannot tell the C++ compiler for CC='$cc'; set OPTPOLINE_CXX" ;;
  esac
}

# integ_probe_cc CC DIR: compile and link a small program with CC, so that a
# broken or missing compiler (or wrapper) fails here, clearly.
integ_probe_cc() {
  local cc=$1 d=$2
  mkdir -p "$d"
  printf 'int (*volatile fp)(int);\nstatic int inc(int x) { return x + 1; }\nint main(void) { fp = inc; return fp(41) != 42; }\n' >"$d/probe.c"
  # shellcheck disable=SC2086 # CC is a command line
  if ! (cd "$d" && $cc -O2 -c probe.c -o probe.o && $cc probe.o -o probe && ./probe) >"$d/probe.log" 2>&1; then
    cat "$d/probe.log" >&2
    integ_die "CC='$cc' cannot build a trivial program (log above). Set OPTPOLINE_CC (e.g. OPTPOLINE_CC=gcc) to use another compiler."
  fi
}

# integ_thunks WORK: assemble the stand-in __x86_indirect_thunk_REG
# definitions (runtime/src/thunks.S, the runtime's own) and print the object's path.
integ_thunks() {
  local o=$1/retpoline-thunks.o
  [[ -f $o ]] || gcc -c "$integ_root/runtime/src/thunks.S" -o "$o" || integ_die "gcc rejects runtime/src/thunks.S"
  echo "$o"
}

# integ_run LOG CMD...: run CMD with its output in LOG; on failure show the
# end of LOG and the command, and fail.
integ_run() {
  local log=$1
  shift
  if ! "$@" >>"$log" 2>&1; then
    echo "---- last lines of $log:" >&2
    tail -n 40 "$log" >&2
    echo "----" >&2
    integ_die "failed: $* (full log: $log)"
  fi
}

# integ_fresh SRC DIR: a fresh copy of the source tree in DIR.
integ_fresh() {
  rm -rf "$2"
  mkdir -p "$2"
  cp -a "$1/." "$2/"
}

# integ_build_zlib SRC DIR CC CFLAGS LDFLAGS LOG: configure and make zlib
# (static and shared library, example and minigzip) in a fresh DIR.
integ_build_zlib() {
  local src=$1 dir=$2 cc=$3 cflags=$4 ldflags=$5 log=$6
  integ_fresh "$src" "$dir"
  (
    cd "$dir" || exit 1
    integ_run "$log" env CC="$cc" CFLAGS="$cflags" LDFLAGS="$ldflags" ./configure
    grep -q 'Building shared library' "$log" || integ_die "zlib: configure found no shared library support with CC='$cc' (log: $log)"
    integ_run "$log" make -j"$integ_jobs" all
  )
}

# integ_test_zlib DIR LOG: zlib's own `make test` (example and minigzip,
# static and shared).
integ_test_zlib() {
  local dir=$1 log=$2
  (cd "$dir" && integ_run "$log" make test)
  grep -q '\*\*\* zlib test OK \*\*\*' "$log" || integ_die "zlib: make test did not report the static test OK (log: $log)"
  grep -q '\*\*\* zlib shared test OK \*\*\*' "$log" || integ_die "zlib: make test did not report the shared test OK (log: $log)"
}

# integ_zlib_outputs DIR: the built files to look for optpoline_sites in.
integ_zlib_outputs() {
  local d=$1
  local so
  so=$(find "$d" -maxdepth 1 -name 'libz.so.*.*.*' -print -quit)
  echo "$d/libz.a ${so:-$d/libz.so} $d/minigzip $d/example"
}

# integ_lua_libtool SRC WORK: Debian's debian/libtool directory, autoreconf'ed
# once per run (it does not depend on the compiler; ./configure, which does,
# runs in every build). Prints the template directory.
integ_lua_libtool() {
  local src=$1 t=$2/lua-libtool
  if [[ ! -x $t/configure ]]; then
    rm -rf "$t"
    mkdir -p "$t"
    cp "$src/debian/configure.ac" "$t/"
    (cd "$t" && integ_run "$2/lua-libtool.log" env LIBTOOLIZE='libtoolize -i' autoreconf -f -i)
  fi
  echo "$t"
}

# integ_build_lua SRC DIR CC CFLAGS LDFLAGS LOG LIBTOOLTEMPLATE: Lua as
# debian/rules builds it (libtool configured for CC and its C++ twin, then
# `make linux` with LIBTOOL, CC='CC -std=gnu99', CXX), in a fresh DIR. The
# results: src/lua5.4 and src/luac5.4 (linked statically with liblua), and
# src/.libs/liblua5.4.so, liblua5.4-c++.so, and their .a.
integ_build_lua() {
  local src=$1 dir=$2 cc=$3 cflags=$4 ldflags=$5 log=$6 tmpl=$7 cxx
  cxx=$(integ_cxx "$cc")
  integ_fresh "$src" "$dir"
  (
    cd "$dir" || exit 1
    mkdir -p debian/libtool
    cp -a "$tmpl/." debian/libtool/
    (cd debian/libtool && integ_run "$log" ./configure CC="$cc" CXX="$cxx")
    local multiarch
    multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
    # As debian/rules' override_dh_auto_configure: luaconf.h includes it.
    printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' \
      "$multiarch" >src/lua5.4-deb-multiarch.h
    local vars=(LIBTOOL="$dir/debian/libtool/libtool" CC="$cc -std=gnu99" CXX="$cxx"
      MYCFLAGS="$cflags" MYCXXFLAGS="$cflags" MYLDFLAGS="$ldflags" DEB_HOST_MULTIARCH="$multiarch")
    # src/Makefile's rule for the two libraries has two targets, so a
    # parallel make runs its recipe (which links both) twice at once, and the
    # two libtool runs delete each other's files. So: compile in parallel
    # (ALL=o: every object), then link with one job.
    integ_run "$log" make -j"$integ_jobs" linux ALL=o "${vars[@]}"
    integ_run "$log" make -j1 linux "${vars[@]}"
    [[ -x src/lua5.4 && -x src/luac5.4 ]] || integ_die "lua: make succeeded but src/lua5.4 or src/luac5.4 is missing (log: $log)"
  )
}

# integ_test_lua DIR LOG: the smoke suite testdata/lua/*.lua with the built
# src/lua5.4; each script's standard output must equal its .expected file.
# With INTEG_UPDATE_EXPECTED=1 the .expected files are rewritten instead
# (do that with a plain gcc build only, and review the result).
integ_test_lua() {
  local dir=$1 log=$2 lua=$1/src/lua5.4 f exp out fails=0 n=0
  out=$(mktemp "${TMPDIR:-/tmp}/integ-lua.XXXXXX")
  "$lua" -v >>"$log" 2>&1 || integ_die "lua: $lua -v fails"
  for f in "$integ_root"/testdata/lua/*.lua; do
    n=$((n + 1))
    exp=${f%.lua}.expected
    if ! (cd "$integ_root/testdata/lua" && "$lua" "$(basename "$f")") >"$out" 2>>"$log"; then
      echo "lua: $(basename "$f") failed (exit status $?); see $log" >>"$log"
      echo "$integ_prog: lua: $(basename "$f") failed; see $log" >&2
      fails=$((fails + 1))
      continue
    fi
    if [[ ${INTEG_UPDATE_EXPECTED:-0} == 1 ]]; then
      cp "$out" "$exp"
      echo "$integ_prog: wrote ${exp#"$integ_root"/}" >&2
    elif ! diff -u "$exp" "$out" >>"$log" 2>&1; then
      echo "$integ_prog: lua: $(basename "$f"): output differs from $(basename "$exp") (diff in $log)" >&2
      fails=$((fails + 1))
    else
      echo "lua: $(basename "$f") ok" >>"$log"
    fi
  done
  rm -f "$out"
  ((n > 0)) || integ_die "no testdata/lua/*.lua scripts"
  ((fails == 0)) || integ_die "lua: $fails of $n smoke scripts failed"
  # shellcheck disable=SC2034 # read by the caller
  integ_lua_scripts=$n
}

integ_lua_outputs() {
  local d=$1/src
  echo "$d/lua5.4 $d/luac5.4 $d/.libs/liblua5.4.so $d/.libs/liblua5.4-c++.so $d/.libs/liblua5.4.a"
}

# integ_sites FILE: size in bytes of FILE's optpoline_sites section (summed
# over the members of an archive), or 0.
integ_sites() {
  readelf -S -W "$1" 2>/dev/null | awk '
    function hex(h,   v, i) { v = 0; h = tolower(h); for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1; return v }
    { for (i = 1; i <= NF; i++) if ($i == "optpoline_sites") s += hex($(i + 4)) }
    END { print s + 0 }'
}

# integ_now: seconds since the epoch, microseconds.
integ_now() { echo "${EPOCHREALTIME/,/.}"; }
integ_elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
