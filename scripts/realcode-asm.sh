#!/usr/bin/env bash
# realcode-asm.sh: the assembly gcc and clang write for real code bases, for
# the validator and markup tests.
#
#   scripts/realcode-asm.sh OUTDIR
#
# Compiles every .c of zlib and Lua 5.4 (Debian source packages, fetched and
# cached by scripts/debsrc.sh) separately with `gcc -O2 -S` and `clang -O2 -S`
# and each project's own flags and defines:
#
#   zlib  -O2 -D_LARGEFILE64_SOURCE=1 -DHAVE_HIDDEN -I.   (what its configure
#         picks here; zconf.h as configure leaves it), the library and
#         test/example.c, test/minigzip.c
#   lua   -std=gnu99 -O2 -DLUA_COMPAT_5_3 -DLUA_USE_LINUX  (src/Makefile's
#         linux target), every src/*.c including lua.c and luac.c
#
# into OUTDIR/{gcc,clang}/{zlib,lua}/NAME.s (one file per source per
# compiler). REALCODE_FLAGS adds flags to every compile (e.g.
# "-mindirect-branch=thunk-extern -mindirect-branch-register" for gcc only
# makes no sense for clang: see REALCODE_GCC_FLAGS / REALCODE_CLANG_FLAGS).
#
# Then, unless REALCODE_MARKUP=0, it checks each file with this repo's
# bin/optpoline (built with go build): `optpoline check` must find nothing
# in the file and in its marked-up copy, `optpoline markup` must succeed, its
# output goes to OUTDIR/markup/{gcc,clang}/{zlib,lua}/NAME.s, and both the
# original and the marked-up file must assemble without a message (gcc's with
# GNU as; clang's with clang's integrated assembler, because clang writes
# .addrsig, which GNU as rejects; -fno-addrsig in REALCODE_CLANG_FLAGS makes
# clang's output GNU as-clean, and then both are checked). It prints the
# number of files and sites per compiler and code base, and exits non-zero
# on any failure.
set -euo pipefail
export LC_ALL=C

# shellcheck disable=SC2034 # read by integ-lib.sh
integ_prog=realcode-asm
# shellcheck source=scripts/integ-lib.sh
. "$(dirname "$0")/integ-lib.sh"

(($# == 1)) || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)

integ_deps
for c in gcc clang as; do command -v "$c" >/dev/null || integ_die "$c is missing (scripts/deps.sh installs it)"; done
markup=${REALCODE_MARKUP:-1}
opt=
if [[ $markup != 0 ]]; then
  command -v go >/dev/null || integ_die "go is missing (needed to build bin/optpoline; or REALCODE_MARKUP=0)"
  (cd "$integ_root" && go build -o bin/optpoline ./cmd/optpoline) || integ_die "go build ./cmd/optpoline failed"
  opt=$integ_root/bin/optpoline
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/realcode-asm.XXXXXX")
trap 'rm -rf "$work"' EXIT

# prepare NAME: a configured copy of the source tree in $work/NAME; sets
# srcs (paths relative to it) and flags.
prepare() {
  local name=$1 src
  src=$(debsrc_path "$(integ_src "$name")")
  integ_fresh "$src" "$work/$name"
  case $name in
  zlib)
    # configure writes zconf.h (unistd.h, stdarg.h) and picks the defines.
    (cd "$work/zlib" && integ_run "$work/zlib-configure.log" env CC=gcc CFLAGS=-O2 ./configure)
    flags="-O2 $(sed -n 's/^CFLAGS=-O2 *//p' "$work/zlib/Makefile") -I."
    [[ $flags == *-D_LARGEFILE64_SOURCE* ]] || integ_die "zlib: unexpected CFLAGS in the configured Makefile: $flags"
    srcs=()
    local f
    for f in "$work"/zlib/*.c "$work"/zlib/test/example.c "$work"/zlib/test/minigzip.c; do srcs+=("${f#"$work"/zlib/}"); done
    ;;
  lua)
    printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' \
      "$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)" >"$work/lua/src/lua5.4-deb-multiarch.h"
    flags="-std=gnu99 -O2 -Wall -Wextra -DLUA_COMPAT_5_3 -DLUA_USE_LINUX"
    srcs=()
    local f
    for f in "$work"/lua/src/*.c; do srcs+=("${f#"$work"/lua/}"); done
    ;;
  esac
}

# assemble CC FILE: assemble FILE as CC's output would be: GNU as for gcc;
# clang's integrated assembler for clang (clang writes .addrsig, which GNU
# as 2.40 rejects). Messages go to $work/as.log.
assemble() {
  case $1 in
  gcc) as "$2" -o "$work/o.o" 2>"$work/as.log" ;;
  clang)
    clang -c -x assembler "$2" -o "$work/o.o" 2>"$work/as.log" || return
    grep -q '^[[:space:]]*\.addrsig' "$2" || as "$2" -o "$work/o.o" 2>>"$work/as.log"
    ;;
  esac
}
asm_name() { if [[ $1 == gcc ]]; then echo as; else echo "clang -c (integrated assembler)"; fi; }

total_files=0 total_sites=0
for name in zlib lua; do
  prepare "$name"
  integ_log "$name: ${#srcs[@]} sources, flags: $flags"
  for cc in gcc clang; do
    extra=${REALCODE_FLAGS:-}
    [[ $cc == gcc ]] && extra+=" ${REALCODE_GCC_FLAGS:-}"
    [[ $cc == clang ]] && extra+=" ${REALCODE_CLANG_FLAGS:-}"
    dst=$out/$cc/$name
    rm -rf "$dst"
    mkdir -p "$dst"
    n=0 sites=0 bytes=0
    for s in "${srcs[@]}"; do
      base=$(basename "${s%.c}")
      [[ ! -e $dst/$base.s ]] || integ_die "$name: two sources named $base.c"
      # shellcheck disable=SC2086 # flags are word lists
      (cd "$work/$name" && $cc $flags $extra -S "$s" -o "$dst/$base.s") 2>"$work/cc.log" || {
        cat "$work/cc.log" >&2
        integ_die "$cc failed on $name/$s"
      }
      assemble "$cc" "$dst/$base.s" || { cat "$work/as.log" >&2; integ_die "$(asm_name "$cc") rejects $dst/$base.s"; }
      bytes=$((bytes + $(stat -c %s "$dst/$base.s")))
      if [[ -n $opt ]]; then
        mdst=$out/markup/$cc/$name
        mkdir -p "$mdst"
        "$opt" markup --stats -o "$mdst/$base.s" "$dst/$base.s" 2>"$work/markup.log" || {
          cat "$work/markup.log" >&2
          integ_die "optpoline markup failed on $dst/$base.s"
        }
        k=$(sed -n 's/^.*: \([0-9][0-9]*\) sites\{0,1\}[ ,].*/\1/p' "$work/markup.log" | head -n 1)
        [[ -n $k ]] || { cat "$work/markup.log" >&2; integ_die "cannot read the site count from optpoline markup --stats"; }
        sites=$((sites + k))
        assemble "$cc" "$mdst/$base.s" || {
          cat "$work/as.log" >&2
          integ_die "$(asm_name "$cc") rejects the marked-up $mdst/$base.s (from $dst/$base.s)"
        }
        # The assembler must not warn about the marked-up file either.
        [[ ! -s $work/as.log ]] || { cat "$work/as.log" >&2; integ_die "$(asm_name "$cc") warns about the marked-up $mdst/$base.s"; }
        # The validator finds nothing in real compiler output, before or
        # after markup (issue 5: no false positives).
        "$opt" check -e "$dst/$base.s" "$mdst/$base.s" >"$work/check.log" 2>&1 || {
          cat "$work/check.log" >&2
          integ_die "optpoline check reports findings in $dst/$base.s or its marked-up copy"
        }
      fi
      n=$((n + 1))
    done
    total_files=$((total_files + n))
    total_sites=$((total_sites + sites))
    if [[ -n $opt ]]; then
      line=$(printf '%-6s %-5s %3d files %7d kB  markup OK, %4d sites, marked-up files assemble, check clean before and after' "$cc" "$name" "$n" $((bytes / 1000)) "$sites")
    else
      line=$(printf '%-6s %-5s %3d files %7d kB  (markup not checked)' "$cc" "$name" "$n" $((bytes / 1000)))
    fi
    echo "$line"
  done
done
echo "realcode-asm: $total_files .s files in $out/{gcc,clang}/{zlib,lua}$([[ -n $opt ]] && echo "; marked up in $out/markup/…, $total_sites sites")"
