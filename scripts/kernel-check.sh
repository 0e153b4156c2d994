#!/usr/bin/env bash
# kernel-check.sh [--plain] [WORKDIR]: prove kernel mode on a real kernel.
#
# Builds Linux 6.1 (Debian's linux-source-6.1) for x86-64 from tinyconfig
# plus a serial console, initramfs, ELF binaries, retpolines with return
# thunks and the ORC unwinder, with make CC="optpoline cc gcc", in an
# out-of-tree directory, then fails unless
#
#   1. the build is clean: no objtool warning from the run Kbuild does after
#      every object (--orc --retpoline --rethunk --static-call --uaccess),
#      no orphan section from ld (kernel mode writes only sections the
#      kernel's linker script keeps; see abi.KernelTableSection);
#   2. vmlinux carries the site table (.rodata1) and every entry checks
#      against the code: a kernel site outside .init.text, .noinstr.text,
#      .entry.text and .exit.text whose misses end in the compiler's
#      __x86_indirect_thunk_REG (cmd/verifybin -kernel);
#   3. the marked-up assembly of every object (--optpoline-keep-asm) is a
#      fixed point of the markup: marking it up again promotes nothing, so
#      every call and tail jump through a thunk outside inline asm and the
#      skipped sections became a site (the skipped ones are counted by
#      reason);
#   4. "optpoline check --kernel" finds nothing in that assembly;
#   5. the bzImage boots in qemu (TCG) with an initramfs whose /init prints
#      a known line and ends the machine, with the default retpolines and
#      with spectre_v2=retpoline,lfence and spectre_v2=off, the two modes in
#      which the kernel rewrites every thunk branch objtool listed at boot.
#      /init restarts (tinyconfig has no ACPI, so a power-off only halts);
#      qemu -no-reboot exits when the guest resets. Each boot is bounded by
#      a 120 s timeout (a few seconds are enough under TCG).
#
# With --plain it also builds the same configuration without the wrapper
# and reports the text growth (twice the time: not run in CI).
#
# The unpacked source is cached in ${XDG_CACHE_HOME:-~/.cache}/optpoline/
# kernel-6.1; WORKDIR (default ${TMPDIR:-/tmp}/optpoline-kernel) holds the
# build trees and logs, rebuilt from scratch on every run. As root, missing
# Debian packages are installed; otherwise the script names them and fails.
set -euo pipefail

plain=false
if [[ ${1:-} == --plain ]]; then
  plain=true
  shift
fi
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-${TMPDIR:-/tmp}/optpoline-kernel}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/optpoline/kernel-6.1
jobs=$(nproc)
start=$SECONDS
say() { echo "kernel-check: $*" >&2; }
die() { say "FAIL: $*"; exit 1; }

# Debian packages: the kernel build (gcc, make, flex, bison, bc, libelf-dev
# for objtool, libssl-dev, xz-utils to unpack, cpio), the boot (qemu).
need=()
for p in linux-source-6.1 gcc make binutils flex bison bc libelf-dev libssl-dev xz-utils cpio qemu-system-x86; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${need[*]}"
    say "install them with: sudo apt-get install -y ${need[*]}"
    exit 1
  fi
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The source, unpacked once per package version.
tarball=$(dpkg -L linux-source-6.1 | grep '/linux-source-6\.1\.tar\.xz$' | head -n1)
[ -f "$tarball" ] || die "no linux-source-6.1 tarball in the package"
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
mkdir -p "$cache"
src=$cache/linux-source-6.1
(
  flock 9
  if [ "$(cat "$cache/stamp" 2>/dev/null)" != "$version" ] || [ ! -f "$src/Makefile" ]; then
    say "unpacking linux-source-6.1 $version into $cache"
    rm -rf "$src" "$cache/stamp"
    tar -xJf "$tarball" -C "$cache"
    echo "$version" >"$cache/stamp"
  fi
) 9>"$cache/.lock"

cd "$root"
go build -o bin/optpoline ./cmd/optpoline
go build -o bin/verifybin ./cmd/verifybin
opt=$root/bin/optpoline

# KERNEL_CHECK_REUSE=1 keeps a finished build of WORKDIR and only checks
# it again (for working on the checks; not for CI).
reuse=false
if [ "${KERNEL_CHECK_REUSE:-}" = 1 ] && [ -f "$work/opt/vmlinux" ]; then
  reuse=true
else
  rm -rf "$work"
  mkdir -p "$work"
fi

# configure DIR: tinyconfig plus what the check needs, in DIR.
configure() {
  local o=$1
  make -s -C "$src" O="$o" tinyconfig >/dev/null
  "$src/scripts/config" --file "$o/.config" \
    -e 64BIT -e PRINTK -e TTY -e SERIAL_8250 -e SERIAL_8250_CONSOLE \
    -e BLK_DEV_INITRD -e BINFMT_ELF -e PROC_FS -e SYSFS \
    -e CPU_MITIGATIONS -e RETPOLINE -e RETHUNK \
    -e UNWINDER_ORC -d UNWINDER_FRAME_POINTER -d UNWINDER_GUESS
  make -s -C "$src" O="$o" olddefconfig >/dev/null
  for sym in 64BIT PRINTK SERIAL_8250_CONSOLE BLK_DEV_INITRD BINFMT_ELF RETPOLINE RETHUNK UNWINDER_ORC OBJTOOL PROC_FS SYSFS LD_ORPHAN_WARN; do
    grep -q "^CONFIG_$sym=y" "$o/.config" || die "CONFIG_$sym is not set after olddefconfig"
  done
}

# build DIR LOG [MAKE ARGS]: bzImage in DIR, all output in LOG.
build() {
  local o=$1 log=$2
  shift 2
  local t=$SECONDS
  if ! make -C "$src" O="$o" -j"$jobs" "$@" bzImage >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "kernel build failed (log: $log)"
  fi
  say "built $o/arch/x86/boot/bzImage in $((SECONDS - t)) s"
}

obj=$work/opt
if ! $reuse; then
  configure "$obj"
  say "building Linux $version (tinyconfig + retpolines, ORC) with CC=\"optpoline cc gcc\", -j$jobs"
  OPTPOLINE_FLAGS=--optpoline-keep-asm build "$obj" "$work/build.log" CC="$opt cc gcc"
fi

# 1. A clean build: objtool and ld warnings, and any note of the wrapper.
if grep -E 'warning: objtool:|orphan section|^optpoline' "$work/build.log" >"$work/warnings.txt"; then
  head -n 40 "$work/warnings.txt" >&2
  die "$(wc -l <"$work/warnings.txt") objtool/ld/wrapper warnings in the build (log: $work/build.log)"
fi
objtool_runs=$(find "$obj" -name '*.o.cmd' -exec grep -l 'tools/objtool/objtool ' {} + | wc -l)
[ "$objtool_runs" -gt 100 ] || die "objtool ran on only $objtool_runs objects: is CONFIG_OBJTOOL in effect?"
say "objtool: 0 warnings on $objtool_runs objects; ld: no orphan sections"

# 2. The table in vmlinux, against the code.
vmlinux=$obj/vmlinux
readelf -SW "$vmlinux" | grep ' \.rodata1 ' >/dev/null || die "vmlinux has no .rodata1 (the site table)"
if ! bin/verifybin -kernel "$vmlinux" >"$work/verify.txt"; then
  head -n 40 "$work/verify.txt" >&2
  die "vmlinux's site table does not check against its code"
fi
head -n 1 "$work/verify.txt" >&2
sites=$(sed -n 's/.*: \([0-9]*\) sites in .*/\1/p' "$work/verify.txt" | head -n1)
[ "${sites:-0}" -gt 0 ] || die "no promoted sites in vmlinux"

# 3. and 4. The kept assembly: a fixed point of the markup, and clean.
find "$obj" -name '*.opt.s' | sort >"$work/asm.list"
nasm=$(wc -l <"$work/asm.list")
[ "$nasm" -gt 100 ] || die "only $nasm marked-up .s files kept"
xargs -a "$work/asm.list" "$opt" markup --mode=kernel --stats \
  2>"$work/remark.txt" >/dev/null || die "markup of the kept assembly failed (see $work/remark.txt)"
again=$(grep -E '^[^ ]+: [0-9]+ sites' "$work/remark.txt" | grep -v ': 0 sites' || true)
if [ -n "$again" ]; then
  echo "$again" | head -n 20 >&2
  die "marking up the kernel's marked-up assembly promotes more sites: some thunk branches were missed"
fi
say "markup again over $nasm files: 0 sites; left alone: $(grep -o 'skipped in [^:]*: .*' "$work/remark.txt" | sed 's/skipped in [^:]*: //; s/section \([^ ]*\) is skipped/section \1/' | sort | uniq -c | sort -rn | awk '{n=$1; $1=""; sub(/^ /, ""); printf "%s%s x%d", sep, $0, n; sep="; "}')"
if ! xargs -a "$work/asm.list" "$opt" check --kernel >"$work/check.txt" 2>&1; then
  head -n 40 "$work/check.txt" >&2
  die "optpoline check --kernel: $(grep -c ': warning: \|: error: ' "$work/check.txt") findings in the kernel's assembly (all: $work/check.txt)"
fi
say "optpoline check --kernel: 0 findings in $nasm files"

# 5. Boot: /init prints a line and restarts; qemu -no-reboot exits then.
initdir=$work/initramfs
mkdir -p "$initdir"
gcc -static -nostdlib -fno-pie -no-pie -fno-stack-protector -O2 -o "$initdir/init" testdata/kernel/init.c
cat >"$initdir/list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
file /init $initdir/init 0755 0 0
EOF
"$obj/usr/gen_init_cpio" "$initdir/list" >"$initdir/initramfs.cpio"
line="optpoline-kernel-check: init is running on the optpoline kernel"
for mode in "" spectre_v2=retpoline,lfence spectre_v2=off; do
  out=$work/boot${mode:+-${mode%%,*}}.log
  out=${out//=/-}
  t=$SECONDS
  rc=0
  timeout 120 qemu-system-x86_64 -accel tcg -m 256M -nographic -no-reboot \
    -kernel "$obj/arch/x86/boot/bzImage" -initrd "$initdir/initramfs.cpio" \
    -append "console=ttyS0 panic=-1 $mode" </dev/null >"$out" 2>&1 || rc=$?
  grep -q "^$line" "$out" || { tail -n 30 "$out" >&2; die "boot ${mode:-(default)}: /init's line did not appear (qemu status $rc, log $out)"; }
  grep -q 'reboot: Restarting system' "$out" || { tail -n 30 "$out" >&2; die "boot ${mode:-(default)}: /init did not restart the machine (qemu status $rc, log $out)"; }
  [ $rc -eq 0 ] || die "boot ${mode:-(default)}: qemu exited with status $rc (log $out)"
  say "boot ${mode:-(default retpolines)}: /init ran and restarted the machine in $((SECONDS - t)) s ($(awk '/Spectre V2 : (Mitigation|Vulnerable|off)/ {sub(/\r$/, ""); print; found=1; exit} END {if (!found) print "no Spectre V2 line"}' "$out"))"
done

text=$(size -A "$vmlinux" | awk '$1 == ".text" {print $2}')
say "vmlinux: $sites promoted sites, .text $text bytes"
if $plain; then
  configure "$work/plain"
  build "$work/plain" "$work/build-plain.log" CC=gcc
  ptext=$(size -A "$work/plain/vmlinux" | awk '$1 == ".text" {print $2}')
  say "plain vmlinux: .text $ptext bytes; growth $((text - ptext)) bytes ($(awk -v a="$text" -v b="$ptext" 'BEGIN{printf "%.2f%%", 100*(a-b)/b}'))"
fi
say "PASS in $((SECONDS - start)) s"
