#!/usr/bin/env bash
# debsrc.sh: fetch and unpack a Debian source package, without touching the
# system's apt configuration.
#
#   scripts/debsrc.sh PKG...      print the unpacked tree of each PKG, one a line
#   . scripts/debsrc.sh; debsrc_path PKG    the same, as a function
#
# apt-get runs with a private configuration in a temporary directory: its own
# sources (deb-src entries for the mirrors and suites of the system's deb
# entries, read from /etc/apt/sources.list.d/debian.sources), its own state,
# lists and cache directories, set with -o options. `apt-get update` and
# `apt-get source --download-only` use that configuration only;
# `dpkg-source -x` unpacks. /etc/apt and /var/lib/apt are never written.
#
# The tree is cached under ${XDG_CACHE_HOME:-$HOME/.cache}/optpoline/src/
# PKG-VERSION (VERSION without the epoch). A later run finds it there and goes
# to the network only with DEBSRC_REFRESH=1 (then a newer version lands next
# to the old one). Debian patches (debian/patches) are applied by dpkg-source,
# as for a Debian build.
#
# Environment: DEBSRC_SOURCES (default /etc/apt/sources.list.d/debian.sources)
# is the deb822 file whose deb entries are mirrored; DEBSRC_REFRESH=1 ignores
# the cache.
set -euo pipefail

debsrc_die() { echo "debsrc: $*" >&2; exit 1; }

debsrc_cache() { echo "${XDG_CACHE_HOME:-$HOME/.cache}/optpoline/src"; }

# debsrc_need_tools: dpkg-source (dpkg-dev) and apt-get must be there; as
# root, install dpkg-dev when it is missing.
debsrc_need_tools() {
  command -v apt-get >/dev/null || debsrc_die "apt-get is missing (this needs Debian or a derivative)"
  command -v dpkg-source >/dev/null && return 0
  if [[ $(id -u) -ne 0 ]]; then
    debsrc_die "dpkg-source is missing; install it with: sudo apt-get install dpkg-dev"
  fi
  echo "debsrc: installing dpkg-dev" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null ||
    debsrc_die "apt-get install dpkg-dev failed (try apt-get update first)"
}

# debsrc_sources FILE: print a deb822 sources file with a deb-src stanza for
# every deb stanza of FILE (same URIs, suites, components, Signed-By).
# Without FILE, Debian bookworm's default mirrors.
debsrc_sources() {
  local f=$1
  if [[ ! -r $f ]]; then
    echo "debsrc: $f not found; using deb.debian.org bookworm" >&2
    cat <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    return
  fi
  # Stanzas are separated by blank lines; keep the fields apt needs, drop
  # comments (the snapshot note) and stanzas that are not deb or disabled.
  awk '
    function flush() {
      if (types ~ /(^|[ \t])deb([ \t]|$)/ && uris != "" && enabled !~ /^[ \t]*no/) {
        printf "%sTypes: deb-src\nURIs:%s\nSuites:%s\n", (n++ ? "\n" : ""), uris, suites
        if (comps != "") printf "Components:%s\n", comps
        if (signed != "") printf "Signed-By:%s\n", signed
      }
      types = uris = suites = comps = signed = enabled = ""
    }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { flush(); next }
    { key = tolower($0); sub(/:.*/, "", key); val = $0; sub(/^[^:]*:/, "", val) }
    key == "types" { types = val } key == "uris" { uris = val } key == "suites" { suites = val }
    key == "components" { comps = val } key == "signed-by" { signed = val } key == "enabled" { enabled = tolower(val) }
    END { flush() }
  ' "$f"
}

# debsrc_cached PKG: the newest complete cached tree of PKG, if any.
debsrc_cached() {
  local pkg=$1 d best=
  for d in "$(debsrc_cache)/$pkg"-*/; do
    [[ -f $d/.debsrc ]] || continue
    # "PKG-VERSION/": keep only trees of exactly this package (lua5.4-… not lua5.4-dev-…)
    [[ $(sed -n 's/^package=//p' "$d/.debsrc") == "$pkg" ]] || continue
    if [[ -z $best ]] || dpkg --compare-versions "$(sed -n 's/^version=//p' "$d/.debsrc")" gt "$(sed -n 's/^version=//p' "$best/.debsrc")"; then
      best=${d%/}
    fi
  done
  [[ -n $best ]] && echo "$best"
}

# debsrc_path PKG: print the unpacked source tree of PKG, fetching it first
# if it is not cached.
debsrc_path() {
  local pkg=$1
  [[ $pkg =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || debsrc_die "$pkg: not a Debian source package name"
  local hit
  if [[ ${DEBSRC_REFRESH:-0} != 1 ]] && hit=$(debsrc_cached "$pkg"); then
    echo "$hit"
    return
  fi
  debsrc_need_tools
  local cache tmp
  cache=$(debsrc_cache)
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.fetch-$pkg.XXXXXX")
  # A subshell, so that the EXIT trap removing the temporary directory is
  # its own and a caller's trap is left alone.
  (
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/etc/sources.list.d" "$tmp/etc/preferences.d" "$tmp/state/lists/partial" \
      "$tmp/cache/archives/partial" "$tmp/dl"
    debsrc_sources "${DEBSRC_SOURCES:-/etc/apt/sources.list.d/debian.sources}" >"$tmp/etc/sources.list.d/debsrc.sources"
    grep -q '^Types: deb-src' "$tmp/etc/sources.list.d/debsrc.sources" ||
      debsrc_die "no deb entries in ${DEBSRC_SOURCES:-/etc/apt/sources.list.d/debian.sources} to mirror"
    local apt=(
      -o "Dir::Etc::SourceList=$tmp/etc/sources.list"
      -o "Dir::Etc::SourceParts=$tmp/etc/sources.list.d"
      -o "Dir::Etc::Preferences=$tmp/etc/preferences"
      -o "Dir::Etc::PreferencesParts=$tmp/etc/preferences.d"
      -o "Dir::State=$tmp/state"
      -o "Dir::State::Lists=$tmp/state/lists"
      -o "Dir::State::extended_states=$tmp/state/extended_states"
      -o "Dir::Cache=$tmp/cache"
      -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
      -o "APT::Get::List-Cleanup=false"
    )
    # apt drops privileges to _apt for downloads; that user cannot enter a
    # mktemp directory. The directory is private and short-lived, so download
    # as ourselves.
    [[ $(id -u) -eq 0 ]] && apt+=(-o "APT::Sandbox::User=root")
    echo "debsrc: $pkg: apt-get update (private configuration in $tmp)" >&2
    apt-get "${apt[@]}" -qq update >"$tmp/update.log" 2>&1 || {
      cat "$tmp/update.log" >&2
      debsrc_die "$pkg: apt-get update failed"
    }
    echo "debsrc: $pkg: apt-get source --download-only" >&2
    (cd "$tmp/dl" && apt-get "${apt[@]}" -qq source --download-only "$pkg") >"$tmp/source.log" 2>&1 || {
      cat "$tmp/source.log" >&2
      debsrc_die "$pkg: apt-get source failed"
    }
    local dsc version dir
    dsc=$(find "$tmp/dl" -maxdepth 1 -name "${pkg}_*.dsc" | head -n 1)
    [[ -n $dsc ]] || debsrc_die "$pkg: apt-get source left no .dsc in $tmp/dl"
    version=$(sed -n 's/^Version: *//p' "$dsc" | head -n 1)
    [[ -n $version ]] || debsrc_die "$dsc: no Version field"
    dir=$cache/$pkg-${version#*:}
    if [[ -f $dir/.debsrc ]]; then
      echo "debsrc: $pkg $version is already cached" >&2
    else
      echo "debsrc: $pkg: dpkg-source -x $(basename "$dsc")" >&2
      dpkg-source -q -x "$dsc" "$tmp/tree" >"$tmp/unpack.log" 2>&1 || {
        cat "$tmp/unpack.log" >&2
        debsrc_die "$pkg: dpkg-source -x failed"
      }
      printf 'package=%s\nversion=%s\ndsc=%s\nfetched=%s\n' "$pkg" "$version" "$(basename "$dsc")" \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$tmp/tree/.debsrc"
      rm -rf "$dir"
      mv "$tmp/tree" "$dir" # the stamp makes it complete: a half-moved tree has none
      echo "debsrc: $pkg $version unpacked in $dir" >&2
    fi
  ) || exit 1
  debsrc_cached "$pkg" || debsrc_die "$pkg: fetched, but no tree in $cache"
}

# Run as a script: print the tree of each PKG.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  (($# > 0)) || { echo "usage: $0 PKG..." >&2; exit 2; }
  for p in "$@"; do
    debsrc_path "$p"
  done
fi
