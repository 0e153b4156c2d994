# shellcheck shell=bash
# bench-lib.sh: the build kinds, code layouts and statistics of the
# real-program benchmarks (bench-sqlite.sh; bench-lua.sh uses the layouts;
# sourced after integ-lib.sh, not run).
#
# The build kinds (BENCHMARKS.md, "Method"):
#   plain      gcc -O2
#   retpoline  gcc -O2 -mindirect-branch=thunk-extern -mindirect-branch-register,
#              linked with runtime/src/thunks.S (the kernel's thunk, in user space)
#   optpoline  the same flags through `optpoline cc gcc`: promoted sites, the
#              runtime linked in, learning and patching at run time (default
#              OPTPOLINE settings)
#   static     the same through `optpoline cc gcc --optpoline-profile=P`, P
#              learned from the optpoline build on the benchmark's own
#              workload; run with OPTPOLINE=off (no patching at all)
#
# Timing: user+sys CPU seconds of the benchmark process (GNU time), which
# includes the runtime's promoter thread and does not count the time the
# process waits for a CPU on a loaded machine. Runs are interleaved (round
# r runs every kind, in an order rotated by r) so that drift hits every
# kind alike; the statistic is the median per kind.

bench_kinds_all="plain retpoline optpoline static"

# bench_has_profiles: whether the optpoline binary can export profiles
# (the static kind needs `optpoline profile export`).
bench_has_profiles() {
  [[ $("$integ_root/bin/optpoline" profile --help 2>&1) == *export* ]]
}

# bench_cflags KIND: the compiler flags of a build kind.
bench_cflags() {
  case $1 in
  plain) echo "-O2" ;;
  retpoline | optpoline | static) echo "-O2 $(integ_thunk_flags gcc)" ;;
  *) integ_die "unknown build kind '$1' (want one of: $bench_kinds_all)" ;;
  esac
}

# bench_cc KIND [PROFILE]: the compiler command of a build kind.
bench_cc() {
  case $1 in
  plain | retpoline) echo gcc ;;
  optpoline) echo "$integ_root/bin/optpoline cc gcc" ;;
  static) echo "$integ_root/bin/optpoline cc gcc --optpoline-profile=$2" ;;
  esac
}

# bench_env KIND: the environment a kind's program runs with.
bench_env() {
  case $1 in
  static) echo "OPTPOLINE=off" ;;
  *) echo "" ;;
  esac
}

# bench_pads DIR N: assemble DIR/pad0.o … DIR/pad(N-1).o, where padL.o
# holds 16·L bytes of text. Linked first, padL.o shifts all of a program's
# code by that much (16-byte steps: the next object's .text is 16-aligned,
# so an 8-byte pad lands where a 16-byte one does). The benchmarks link
# every kind once per pad and spread their runs over the layouts
# (BENCHMARKS.md, "Code layout").
bench_pads() {
  local dir=$1 n=$2 l
  for ((l = 0; l < n; l++)); do
    { printf '\t.text\n'
      ((l == 0)) || printf '\t.skip %d, 0x90\n' $((16 * l))
      printf '\t.section .note.GNU-stack,"",@progbits\n'; } >"$dir/pad$l.s"
    as -o "$dir/pad$l.o" "$dir/pad$l.s" || integ_die "as rejects $dir/pad$l.s"
  done
}

# bench_cpu OUT CMD...: run CMD (stdout to OUT) and print its user+sys CPU
# seconds.
bench_cpu() {
  local out=$1 tf
  shift
  tf=$(mktemp)
  if ! /usr/bin/time -o "$tf" -f "%U %S" "$@" >"$out" 2>&1; then
    tail -n 20 "$out" >&2
    rm -f "$tf"
    integ_die "failed: $*"
  fi
  awk '{ printf "%.3f", $1 + $2 }' "$tf"
  rm -f "$tf"
}

# bench_summarize BENCH JSON ROWS: ROWS is a file of "case kind seconds"
# lines. Prints per case the median (and the minimum) of each kind and the
# share of the retpoline overhead each optpoline kind recovers,
# (ret − k) / (ret − plain), from the medians (and from the minima: on a
# loaded machine noise only ever adds time), and writes JSON.
bench_summarize() {
  local bench=$1 json=$2 rows=$3
  sort -k1,1 -k2,2 -k3,3g "$rows" | awk -v bench="$bench" -v json="$json" \
    -v date="$(date -u +%FT%TZ)" -v cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
    -v gcc="$(gcc -dumpfullversion)" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
    function median(c, k,   n) { n = cnt[c, k]; return n % 2 ? v[c, k, (n + 1) / 2] : (v[c, k, n / 2] + v[c, k, n / 2 + 1]) / 2 }
    # rec(t, label): print and return the JSON of the recovered shares for times t[].
    function rec(t, label,   i, k, r, out) {
      out = ""
      for (i = 1; i <= nk; i++) {
        k = kinds[i]
        if (k != "optpoline" && k != "static") continue
        if (("retpoline" in t) && ("plain" in t) && t["retpoline"] > t["plain"]) {
          r = (t["retpoline"] - t[k]) / (t["retpoline"] - t["plain"])
          printf "  %s %.0f%%", k, 100 * r
          out = out sprintf(", \"recovered%s_%s\": %.4f", label, k, r)
        }
      }
      printf "\n"
      return out
    }
    { c = $1; k = $2; cnt[c, k]++; v[c, k, cnt[c, k]] = $3
      if (!(c in seen)) { seen[c] = 1; cases[++nc] = c }
      if (!(k in kseen)) { kseen[k] = 1 } }
    END {
      nk = 0; split("plain retpoline optpoline static", order, " ")
      for (i = 1; i <= 4; i++) if (order[i] in kseen) kinds[++nk] = order[i]
      printf "%-18s", "case"; for (i = 1; i <= nk; i++) printf " %11s", kinds[i]; printf "   recovered (ret-k)/(ret-plain)\n"
      printf "{\n  \"bench\": \"%s\",\n  \"date\": \"%s\",\n  \"cpu\": \"%s\",\n  \"gcc\": \"%s\",\n  \"loadavg_end\": %s,\n  \"unit\": \"cpu_seconds\",\n  \"statistic\": \"median (min_*: minimum)\",\n  \"cases\": [\n", bench, date, cpu, gcc, load > json
      for (j = 1; j <= nc; j++) {
        c = cases[j]
        printf "%-18s", c " median"
        for (i = 1; i <= nk; i++) { m[kinds[i]] = median(c, kinds[i]); printf " %10.3fs", m[kinds[i]] }
        jm = rec(m, "")
        printf "%-18s", c " min"
        for (i = 1; i <= nk; i++) { lo[kinds[i]] = v[c, kinds[i], 1]; printf " %10.3fs", lo[kinds[i]] }
        jl = rec(lo, "_min")
        printf "    {\"case\": \"%s\"", c > json
        for (i = 1; i <= nk; i++) printf ", \"%s\": %.4f", kinds[i], m[kinds[i]] > json
        for (i = 1; i <= nk; i++) printf ", \"min_%s\": %.4f", kinds[i], lo[kinds[i]] > json
        if ("plain" in m && m["plain"] > 0) printf ", \"retpoline_vs_plain\": %.4f", m["retpoline"] / m["plain"] > json
        printf "%s%s, \"runs\": %d}%s\n", jm, jl, cnt[c, kinds[1]], j < nc ? "," : "" > json
        delete m; delete lo
      }
      printf "  ]\n}\n" > json
    }'
}
