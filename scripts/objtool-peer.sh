#!/usr/bin/env bash
# objtool-peer.sh [DIR]: build the Linux 6.1 objtool twice from Debian's
# linux-source-6.1, as the differential peer of objtoolcheck
# (see /work/shared/design/objtool-peer.md):
#
#   objtool       stock
#   objtool-user  plus the user-space noreturn functions (exit, abort,
#                 __assert_fail, ...) in check.c's global_noreturns, so that
#                 ordinary gcc/clang output does not warn at every exit() call
#
# DIR defaults to ${XDG_CACHE_HOME:-~/.cache}/optpoline/objtool-6.1. Only
# linux-source-6.1/tools is extracted. As root, missing Debian packages are
# installed; otherwise the script names them and fails. On success it prints
#
#   objtool=/abs/path
#   objtool-user=/abs/path
#
# and is fast when both binaries are already built for the installed source.
set -euo pipefail

dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/optpoline/objtool-6.1}

# Added to global_noreturns for objtool-user: glibc, libgcc and C++ runtime
# functions declared noreturn.
user_noreturns=(
  _Exit _exit __assert_fail __assert_perror_fail __chk_fail __cxa_rethrow
  __cxa_throw __fortify_fail __libc_fatal __longjmp_chk _Unwind_Resume abort
  err errx exit longjmp pthread_exit quick_exit siglongjmp thrd_exit verr verrx
)

# Debian packages: the build needs gcc, make, libelf-dev (with zlib1g-dev)
# and xz-utils; the tests also run as and addr2line from binutils.
need=()
for p in linux-source-6.1 libelf-dev xz-utils make gcc binutils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "objtool-peer: missing Debian packages: ${need[*]}" >&2
    echo "objtool-peer: install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "objtool-peer: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

tarball=$(dpkg -L linux-source-6.1 | grep '/linux-source-6\.1\.tar\.xz$' | head -n1)
[ -f "$tarball" ] || { echo "objtool-peer: no linux-source-6.1 tarball in the package" >&2; exit 1; }
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key="$version $(printf '%s\n' "${user_noreturns[@]}" "$(gcc -dumpfullversion)" | sha256sum | cut -c1-16)"

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
stock=$dir/bin/objtool
user=$dir/bin/objtool-user

# Serialize concurrent runs (parallel go test processes).
exec 9>"$dir/.lock"
flock 9

if [ "$(cat "$dir/stamp" 2>/dev/null)" != "$key" ] || [ ! -x "$stock" ] || [ ! -x "$user" ]; then
  echo "objtool-peer: building objtool 6.1 ($version) in $dir" >&2
  rm -rf "$dir/linux-source-6.1" "$dir/bin" "$dir/stamp"
  tar -xJf "$tarball" -C "$dir" linux-source-6.1/tools
  src=$dir/linux-source-6.1/tools/objtool
  log=$dir/build.log
  make -C "$src" -j2 >"$log" 2>&1 || { tail -n 30 "$log" >&2; exit 1; }
  mkdir -p "$dir/bin"
  cp "$src/objtool" "$stock"

  # The noreturn patch: insert the names at the top of the array. Exactly
  # one declaration must match, or this objtool is not the one we know.
  decl='static const char \* const global_noreturns\[\] = {'
  n=$(grep -c "$decl" "$src/check.c" || true)
  [ "$n" = 1 ] || { echo "objtool-peer: global_noreturns not found once in check.c ($n)" >&2; exit 1; }
  lines=$(printf '\\\n\t\t"%s",' "${user_noreturns[@]}")
  sed -i "/$decl/a$lines" "$src/check.c"
  for f in "${user_noreturns[@]}"; do
    grep -q "^		\"$f\",$" "$src/check.c" || { echo "objtool-peer: patch did not add $f" >&2; exit 1; }
  done
  make -C "$src" -j2 >>"$log" 2>&1 || { tail -n 30 "$log" >&2; exit 1; }
  cp "$src/objtool" "$user"
  echo "$key" >"$dir/stamp"
fi

echo "objtool=$stock"
echo "objtool-user=$user"
