#!/usr/bin/env bash
# integration.sh: build real code bases from their Debian source packages
# through optpoline's compiler wrapper and run their own tests.
#
#   scripts/integration.sh [NAME...]      NAME: zlib, lua (default: both)
#
# Each code base is built twice, each time in a fresh directory, with
#
#   CC="${OPTPOLINE_CC:-BIN cc gcc}"   (BIN: this repo's bin/optpoline, built with go build)
#
# once with CFLAGS -O2 ("plain") and once with -O2 -mindirect-branch=
# thunk-extern -mindirect-branch-register ("thunk"; -mretpoline-external-thunk
# when CC's last word is clang, e.g. OPTPOLINE_CC="bin/optpoline cc clang"). The thunk build links
# runtime/src/thunks.S, the runtime's __x86_indirect_thunk_REG (weak), so
# that the build also links when CC is a plain compiler (the wrapper links
# the whole runtime anyway). Then it runs the code base's tests:
#
#   zlib  `make test`: example and minigzip, linked statically and shared.
#   lua   the smoke suite testdata/lua/*.lua (Debian's tarball has no test
#         suite); each script's output must equal its .expected file.
#
# When CC goes through `optpoline cc`, every library and program of a build
# must carry an optpoline_sites section (both code bases make indirect
# calls, so the wrapper must have marked up sites).
#
# It prints one summary line per build (name, flags, build time, test result,
# sites) and exits non-zero on any failure. The sources are fetched once
# with scripts/debsrc.sh and cached (~/.cache/optpoline/src).
#
# Environment: OPTPOLINE_CC (e.g. OPTPOLINE_CC=gcc to check the scripts
# without the wrapper), OPTPOLINE_CXX (Lua's C++ build; default: CC with
# gcc → g++), INTEG_JOBS (make -j, default 2), INTEG_KEEP=1 keeps the build
# directories, INTEG_UPDATE_EXPECTED=1 rewrites testdata/lua/*.expected.
set -euo pipefail
export LC_ALL=C

# shellcheck disable=SC2034 # read by integ-lib.sh
integ_prog=integration
# shellcheck source=scripts/integ-lib.sh
. "$(dirname "$0")/integ-lib.sh"

names=("$@")
((${#names[@]} > 0)) || names=(zlib lua)
for n in "${names[@]}"; do integ_src "$n" >/dev/null; done

integ_deps
cc=${OPTPOLINE_CC:-}
[[ -n $cc ]] || cc=$(integ_default_cc)
wrapper=0
integ_is_wrapper "$cc" && wrapper=1

work=$(mktemp -d "${TMPDIR:-/tmp}/integration.XXXXXX")
if [[ ${INTEG_KEEP:-0} == 1 ]]; then
  trap 'echo "integration: build directories kept in $work" >&2' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi

integ_log "CC='$cc' (wrapper: $([[ $wrapper == 1 ]] && echo yes || echo no)); work in $work"
integ_probe_cc "$cc" "$work/probe"
thunks=$(integ_thunks "$work")

summary=()
for name in "${names[@]}"; do
  src=$(debsrc_path "$(integ_src "$name")")
  version=$(sed -n 's/^version=//p' "$src/.debsrc")
  [[ $name == lua ]] && tmpl=$(integ_lua_libtool "$src" "$work")
  for variant in plain thunk; do
    cflags=-O2 ldflags=
    if [[ $variant == thunk ]]; then
      cflags="-O2 $(integ_thunk_flags "$cc")"
      ldflags=$thunks
    fi
    dir=$work/$name-$variant
    log=$work/$name-$variant.log
    : >"$log"
    integ_log "$name $version $variant: building in $dir (log: $log)"
    t0=$(integ_now)
    case $name in
    zlib) integ_build_zlib "$src" "$dir" "$cc" "$cflags" "$ldflags" "$log" ;;
    lua) integ_build_lua "$src" "$dir" "$cc" "$cflags" "$ldflags" "$log" "$tmpl" ;;
    esac
    t1=$(integ_now)
    case $name in
    zlib)
      integ_test_zlib "$dir" "$log"
      result="make test PASS"
      outputs=$(integ_zlib_outputs "$dir")
      ;;
    lua)
      integ_test_lua "$dir" "$log"
      result="smoke $integ_lua_scripts/$integ_lua_scripts PASS"
      outputs=$(integ_lua_outputs "$dir")
      ;;
    esac
    t2=$(integ_now)
    # Sites: bytes of optpoline_sites per output file.
    sites=() missing=()
    for f in $outputs; do
      [[ -f $f ]] || integ_die "$name $variant: expected output $f is missing"
      b=$(integ_sites "$f")
      sites+=("$(basename "$f")=$b")
      ((b > 0)) || missing+=("$(basename "$f")")
    done
    if [[ $wrapper == 1 ]]; then
      if ((${#missing[@]} > 0)); then
        integ_die "$name $variant: built through optpoline cc, but no optpoline_sites section in: ${missing[*]}"
      fi
      sitemsg="optpoline_sites bytes: ${sites[*]}"
    else
      sitemsg="no wrapper (optpoline_sites not checked)"
    fi
    line=$(printf '%-5s %-16s %-6s %-58s build %6ss  test %5ss  %s  %s' "$name" "$version" "$variant" "CFLAGS='$cflags'" \
      "$(integ_elapsed "$t0" "$t1")" "$(integ_elapsed "$t1" "$t2")" "$result" "$sitemsg")
    echo "$line"
    summary+=("$line")
  done
done

echo
echo "integration: CC='$cc': all ${#summary[@]} builds passed"
