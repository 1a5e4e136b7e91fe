#!/usr/bin/env bash
# Builds the native addon of @tensorflow/tfjs-node against libtensorflow taken from the
# pinned PyPI wheel, because the package's own install script downloads libtensorflow from
# a host that this project cannot reach. Idempotent: a stamp file makes a second run a no-op.
#
# Usage: bash infra/install-tensorflow.sh
# Needs: python3 with pip, node, g++, make, nm, flock. Caches under ${XDG_CACHE_HOME:-~/.cache}/swnas.
set -euo pipefail

# Pinned inputs. The wheel is only a carrier for libtensorflow_cc.so.2 (which exports the
# TF_*/TFE_* C API) and the C headers; its Python tag does not matter to the addon.
TF_VERSION=2.18.1
TF_WHEEL_PACKAGE=tensorflow-cpu
TF_WHEEL_FILE=tensorflow_cpu-2.18.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
TF_WHEEL_SHA256=810c75d7149d2da0cb2092187817b0dcabb80728ca9f9cf3a61f3f42fadd1298
TFJS_NODE_VERSION=4.22.0

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/swnas"
WHEEL_DIR="$CACHE_DIR/wheels"
LIBTF_DIR="$CACHE_DIR/libtensorflow-$TF_VERSION-cpu"
PKG_DIR="$ROOT_DIR/node_modules/@tensorflow/tfjs-node"
DEPS_DIR="$PKG_DIR/deps"
STAMP_FILE="$DEPS_DIR/swnas-install.stamp"
STAMP="$TF_WHEEL_PACKAGE==$TF_VERSION sha256=$TF_WHEEL_SHA256 tfjs-node=$TFJS_NODE_VERSION"

# Header folders the two C API headers pull in (c_api.h -> tf_tstring.h -> ctstring.h, etc.).
HEADER_PREFIXES=(
  tensorflow/include/tensorflow/c/
  tensorflow/include/tensorflow/core/platform/ctstring
  tensorflow/include/tsl/platform/ctstring
  tensorflow/include/xla/tsl/c/
)

log() { echo "install-tensorflow: $*" >&2; }
fail() {
  log "ERROR: $*"
  exit 1
}

check_tools() {
  local tool
  for tool in python3 node g++ make nm flock sha256sum; do
    command -v "$tool" >/dev/null || fail "'$tool' not found; install it (see the machine doc)"
  done
  [[ -f "$PKG_DIR/package.json" ]] ||
    fail "$PKG_DIR missing; run 'npm install --ignore-scripts' in $ROOT_DIR first"

  local installed
  installed=$(node -p "require('$PKG_DIR/package.json').version")
  [[ "$installed" == "$TFJS_NODE_VERSION" ]] ||
    fail "@tensorflow/tfjs-node is $installed, this script pins $TFJS_NODE_VERSION; update TFJS_NODE_VERSION after checking the C API it needs"
}

# Prints the path tfjs-node loads its addon from (lib/napi-v<N>/tfjs_binding.node).
addon_path() {
  (cd "$ROOT_DIR" && node -p \
    "require('@mapbox/node-pre-gyp').find(require.resolve('@tensorflow/tfjs-node/package.json'))")
}

wheel_is_valid() {
  [[ -f "$WHEEL_DIR/$TF_WHEEL_FILE" ]] &&
    echo "$TF_WHEEL_SHA256  $WHEEL_DIR/$TF_WHEEL_FILE" | sha256sum --check --status
}

fetch_wheel() {
  if wheel_is_valid; then return; fi

  mkdir -p "$WHEEL_DIR"
  local requirements="$WHEEL_DIR/.requirements-$TF_VERSION.txt"
  local pip_log="$WHEEL_DIR/.pip-download-$TF_VERSION.log"
  echo "$TF_WHEEL_PACKAGE==$TF_VERSION --hash=sha256:$TF_WHEEL_SHA256" >"$requirements"

  log "downloading $TF_WHEEL_PACKAGE==$TF_VERSION from PyPI (~230 MB)"
  # The platform/python flags pin the exact file whatever the local Python version is.
  if ! python3 -m pip download --no-deps --require-hashes --only-binary=:all: \
    --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp --abi cp311 \
    --dest "$WHEEL_DIR" -r "$requirements" >"$pip_log" 2>&1; then
    fail "PyPI unreachable or pip failed (log: $pip_log); download $TF_WHEEL_FILE (sha256 $TF_WHEEL_SHA256) by hand into $WHEEL_DIR and rerun"
  fi
  wheel_is_valid || fail "$WHEEL_DIR/$TF_WHEEL_FILE is missing or has the wrong sha256 after download"
}

# Unpacks the two shared libraries and the C headers into a versioned cache folder.
extract_libtensorflow() {
  if [[ -f "$LIBTF_DIR/.complete" ]]; then return; fi

  log "extracting libtensorflow $TF_VERSION into $LIBTF_DIR"
  local staging="$LIBTF_DIR.partial"
  rm -rf "$staging" "$LIBTF_DIR"
  mkdir -p "$staging"
  python3 - "$WHEEL_DIR/$TF_WHEEL_FILE" "$staging" "${HEADER_PREFIXES[@]}" <<'PY'
import shutil, sys, zipfile
from pathlib import Path

wheel, out, prefixes = sys.argv[1], Path(sys.argv[2]), tuple(sys.argv[3:])
libs = {'tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'}
with zipfile.ZipFile(wheel) as zf:
    for info in zf.infolist():
        if info.is_dir():
            continue
        if info.filename in libs:
            target = out / 'lib' / Path(info.filename).name
        elif info.filename.startswith(prefixes) and info.filename.endswith('.h'):
            target = out / 'include' / info.filename.removeprefix('tensorflow/include/')
        else:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(target, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
PY
  touch "$staging/.complete"
  mv "$staging" "$LIBTF_DIR"
}

# The binding calls these C API functions; each must be a defined dynamic symbol.
verify_c_api() {
  local needed exported missing
  needed=$(grep -ohE '\bTFE?_[A-Za-z0-9]+\(' "$PKG_DIR"/binding/*.cc "$PKG_DIR"/binding/*.h |
    tr -d '(' | grep -vE '^TFE?_Auto' | sort -u)
  exported=$(nm -D --defined-only "$LIBTF_DIR/lib/libtensorflow_cc.so.2" |
    awk '{ sub(/@.*/, "", $3); print $3 }' | sort -u)
  missing=$(comm -23 <(echo "$needed") <(echo "$exported") | tr '\n' ' ')
  [[ -z "$missing" ]] ||
    fail "libtensorflow_cc.so.2 of $TF_WHEEL_PACKAGE==$TF_VERSION does not export the C API symbols: $missing"
  log "C API check passed ($(echo "$needed" | wc -l) symbols, e.g. TF_Version, TFE_Execute)"
}

# Hard links save ~680 MB when the cache and node_modules share a file system.
link_or_copy() {
  ln -f "$1" "$2" 2>/dev/null || cp -f "$1" "$2"
}

install_deps() {
  rm -rf "$DEPS_DIR"
  mkdir -p "$DEPS_DIR/lib" "$DEPS_DIR/include"

  link_or_copy "$LIBTF_DIR/lib/libtensorflow_cc.so.2" "$DEPS_DIR/lib/libtensorflow_cc.so.2"
  link_or_copy "$LIBTF_DIR/lib/libtensorflow_framework.so.2" \
    "$DEPS_DIR/lib/libtensorflow_framework.so.2"

  # binding.gyp links -ltensorflow; the addon then records the soname libtensorflow_cc.so.2.
  ln -sfn libtensorflow_cc.so.2 "$DEPS_DIR/lib/libtensorflow.so.2"
  ln -sfn libtensorflow.so.2 "$DEPS_DIR/lib/libtensorflow.so"
  ln -sfn libtensorflow_framework.so.2 "$DEPS_DIR/lib/libtensorflow_framework.so"
  cp -R "$LIBTF_DIR/include/." "$DEPS_DIR/include/"
}

build_addon() {
  local addon="$1"
  local module_dir napi_version
  module_dir=$(dirname "$addon")
  napi_version=${module_dir##*napi-v}

  log "building tfjs_binding.node (N-API $napi_version) with node-gyp"
  rm -f "$addon"
  (cd "$PKG_DIR" && "$ROOT_DIR/node_modules/.bin/node-gyp" rebuild --nodedir=/usr \
    --module_name=tfjs_binding --module_path="$module_dir" \
    --napi_build_version="$napi_version" --loglevel=warn) >&2 ||
    fail "node-gyp build failed (see above); it needs g++, make, python3 and node headers in /usr/include/node"
  [[ -f "$addon" ]] || fail "node-gyp finished but $addon was not produced"
}

smoke_test() {
  (cd "$ROOT_DIR" && TF_CPP_MIN_LOG_LEVEL=2 node -e "
    const tf = require('@tensorflow/tfjs-node');
    if (tf.getBackend() !== 'tensorflow') throw new Error('backend is ' + tf.getBackend());
    const sum = tf.tidy(() => tf.add(tf.ones([2, 2]), tf.ones([2, 2])).sum().dataSync()[0]);
    if (sum !== 8) throw new Error('1+1 over 2x2 summed to ' + sum);
    console.log('native backend ok: TensorFlow ' + tf.backend().binding.TF_Version +
      ', tfjs-node ' + tf.version['tfjs-node']);
  ") || fail "the built addon does not load; rerun after 'rm -rf $DEPS_DIR'"
}

main() {
  check_tools
  local addon
  addon=$(addon_path)

  # Two runs at once (CI beside a developer shell) would unpack over each other.
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR/.install-tensorflow.lock"
  flock 9

  if [[ -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$STAMP" && -f "$addon" &&
    -f "$DEPS_DIR/lib/libtensorflow_cc.so.2" ]]; then
    log "already built against $TF_WHEEL_PACKAGE==$TF_VERSION; nothing to do"
  else
    fetch_wheel
    extract_libtensorflow
    verify_c_api
    install_deps
    build_addon "$addon"
    echo "$STAMP" >"$STAMP_FILE"
  fi

  smoke_test
}

main "$@"
