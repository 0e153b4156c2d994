#!/usr/bin/env bash
# deps.sh [integration|bench|kernel]: make sure the tools optpoline's tests,
# demo and benchmarks run are installed ("integration": also those of the
# integration scripts; "kernel": those of kernel-check.sh). As root it
# installs what is missing from Debian; otherwise it says exactly what is
# missing and how to install it, and fails.
set -euo pipefail

# command -> Debian package
declare -A pkg=(
  [gcc]=gcc [g++]=g++ [clang]=clang [clang++]=clang [as]=binutils [ld]=binutils
  [objdump]=binutils [readelf]=binutils [make]=make [/usr/bin/time]=time
  [ccache]=ccache [distcc]=distcc [gdb]=gdb
)

# `scripts/deps.sh integration`: also what scripts/integration.sh,
# bench-build.sh and realcode-asm.sh need (Debian source packages, Lua's
# libtool build).
declare -A integ=(
  [dpkg-source]=dpkg-dev [libtoolize]=libtool [autoreconf]=autoconf [automake]=automake
  [readelf]=binutils [cmp]=diffutils
)
if [[ ${1:-} == integration || ${1:-} == bench ]]; then
  for cmd in "${!integ[@]}"; do pkg[$cmd]=${integ[$cmd]}; done
fi
# `scripts/deps.sh bench`: also what `make bench` needs beyond that (SQLite's
# amalgamation is made with tclsh; the plot is drawn with gnuplot).
if [[ ${1:-} == bench ]]; then
  pkg[tclsh]=tcl
  pkg[gnuplot]=gnuplot-nox
fi

# `scripts/deps.sh kernel`: also what scripts/kernel-check.sh runs to build
# Linux 6.1 and boot it (it checks libelf-dev, libssl-dev and
# linux-source-6.1 itself: they install no command).
declare -A kernel=(
  [flex]=flex [bison]=bison [bc]=bc [cpio]=cpio [xz]=xz-utils
  [qemu-system-x86_64]=qemu-system-x86 [size]=binutils [flock]=util-linux
)
if [[ ${1:-} == kernel ]]; then
  for cmd in "${!kernel[@]}"; do pkg[$cmd]=${kernel[$cmd]}; done
fi

missing=()
for cmd in "${!pkg[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${pkg[$cmd]}")
done
# clang's coverage runtime (the wrapper's tests link clang --coverage
# programs) is a file, not a command, in libclang-rt-N-dev, which clang
# only recommends.
if command -v clang >/dev/null 2>&1; then
  rtdir=$(dirname "$(clang -rtlib=compiler-rt -print-libgcc-file-name)")
  if [[ ! -e $rtdir/libclang_rt.profile-x86_64.a ]]; then
    major=$(clang -dumpversion | cut -d. -f1)
    missing+=("libclang-rt-$major-dev")
  fi
fi
if ! command -v go >/dev/null 2>&1; then
  echo "deps: Go is not installed (need Go 1.26 or newer: https://go.dev/dl/)" >&2
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0

# unique, sorted
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing Debian packages: ${missing[*]}" >&2
  echo "deps: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
