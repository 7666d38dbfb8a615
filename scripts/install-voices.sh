#!/usr/bin/env bash
# Install extra speech engines and voices from Debian's packages:
#
#   bash scripts/install-voices.sh NAME...     NAME: festival flite rhvoice pico mbrola (or all)
#
# festival and flite are in Debian main. rhvoice, pico and mbrola's voices are in the
# contrib and non-free components, which this script enables only when one of them is
# asked for, in a sources file of its own (SOURCES below; remove it to undo), built from
# the mirror your system already uses. It says what it changed. Safe to run twice.
set -euo pipefail

SOURCES=/etc/apt/sources.list.d/audiocoach-voices.sources

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# packages_for NAME -> "COMPONENTS|PACKAGES"
packages_for() {
  case "$1" in
    festival) echo "|festival festvox-us-slt-hts" ;;
    flite) echo "|flite" ;;
    rhvoice) echo "non-free|rhvoice rhvoice-english" ;;
    pico) echo "non-free|libttspico-utils" ;;
    mbrola) echo "contrib non-free|mbrola mbrola-us1 mbrola-us2 mbrola-us3 mbrola-en1" ;;
    *) return 1 ;;
  esac
}

# The first Debian (non-security) source already configured: "URI|SUITES|SIGNED_BY".
current_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    [ "$f" = "$SOURCES" ] && continue
    awk -v RS= '/Components:[^\n]*main/ && !/security/ {
        uri=""; suites=""; key="";
        n = split($0, lines, "\n");
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", lines[i]); uri = lines[i] }
          if (lines[i] ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", lines[i]); suites = lines[i] }
          if (lines[i] ~ /^Signed-By:/) { sub(/^Signed-By:[ \t]*/, "", lines[i]); key = lines[i] }
        }
        if (uri != "" && suites != "") { print uri "|" suites "|" key; exit }
      }' "$f" && return 0
  done | head -n1 | grep . && return 0
  if [ -f /etc/apt/sources.list ]; then
    awk '$1 == "deb" && $0 !~ /security/ && / main/ {
        i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        print $i "|" $(i + 1) "|"; exit
      }' /etc/apt/sources.list | grep . && return 0
  fi
  return 1
}

enable_components() {
  local components="$1" mirror uri suites key have=""
  if [ -f "$SOURCES" ]; then
    have="$(sed -n 's/^Components: *//p' "$SOURCES")"
    # Keep what an earlier run enabled.
    components="$(tr ' ' '\n' <<<"$components $have" | grep . | sort -u | tr '\n' ' ' | sed 's/ $//')"
    if [ "$have" = "$components" ]; then
      say "$SOURCES already enables $components"
      return 0
    fi
  fi
  mirror="$(current_mirror)" || die "found no Debian source in /etc/apt to copy; add the $components components by hand"
  IFS='|' read -r uri suites key <<<"$mirror"
  {
    echo "# Written by audiocoach's scripts/install-voices.sh: Debian's $components components,"
    echo "# for speech voices that are not in main. Delete this file to undo."
    echo "Types: deb"
    echo "URIs: $uri"
    echo "Suites: $suites"
    echo "Components: $components"
    [ -n "$key" ] && echo "Signed-By: $key"
  } >"$SOURCES"
  say "changed: wrote $SOURCES, enabling Debian's $components components ($uri, $suites)"
  apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || die "apt-get update failed after writing $SOURCES"
}

main() {
  [ $# -ge 1 ] || usage
  [ "$(id -u)" -eq 0 ] || exec sudo bash "$0" "$@"
  command -v apt-get >/dev/null 2>&1 || die "no apt-get here: install the voices with your package manager"
  local names=("$@") name spec components="" packages=() want
  [ "${names[0]}" = all ] && names=(festival flite rhvoice pico mbrola)
  for name in "${names[@]}"; do
    spec="$(packages_for "$name")" || die "unknown voice set '$name' (valid: festival flite rhvoice pico mbrola all)"
    [ -n "${spec%%|*}" ] && components="$components ${spec%%|*}"
    read -r -a want <<<"${spec#*|}"
    packages+=("${want[@]}")
  done
  if [ -n "$components" ]; then
    # contrib before non-free, each once.
    components="$(tr ' ' '\n' <<<"$components" | grep . | sort -u | tr '\n' ' ' | sed 's/ $//')"
    enable_components "$components"
  fi
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "already installed: ${packages[*]}"
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  say "installing: ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null ||
    { apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null &&
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null; } ||
    die "apt-get could not install ${missing[*]}"
  say "changed: installed ${missing[*]}"
  say "list the voices with: audiocoach voices --engine ENGINE"
}

main "$@"
