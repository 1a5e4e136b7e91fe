#!/usr/bin/env bash
# Everything a fresh clone needs before it can run: npm packages, the Temporal and SeaweedFS
# binaries, native TensorFlow for tfjs-node, and the compiled TypeScript. Safe to re-run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "swnas: Node.js 20 or newer is required (found $(node --version))" >&2
  exit 1
fi

# npm packages. Install scripts stay off: tfjs-node's would download libtensorflow from a
# host that is unreachable here; infra/install-tensorflow.sh builds it from PyPI's wheel.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]
then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

bash infra/install-tools.sh
bash infra/install-tensorflow.sh

npx tsc -p tsconfig.json
