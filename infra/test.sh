#!/usr/bin/env bash
# The test command (`npm test`): set-up, a private stack on free ports with its own data
# folder, the whole suite against it, and the stack stopped again whatever the outcome.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash infra/setup.sh
bash infra/install-test-packages.sh
npm run --silent lint

data=$(mktemp -d "${TMPDIR:-/tmp}/swnas-test.XXXXXX")
export SWNAS_DATA_DIR="$data" SWNAS_CACHE_DIR="$data/cache"
# The pinned AWS SDK supports Node 20; its notice about later releases only clutters the log.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
cleanup() {
  node bin/swnas.js stack down >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT

node bin/swnas.js stack up --free-ports
eval "$(node bin/swnas.js stack env)"

shopt -s nullglob
files=(dist/test/unit/*.test.js dist/test/integration/*.test.js dist/test/replay/*.test.js)
tap="$data/results.tap"
status=0
# One file at a time: the durability tests kill and restart workers of the shared stack.
node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" "${files[@]}" || status=$?

# One closing line that any CI reader understands.
passed=$(awk '/^# pass /{print $3}' "$tap")
failed=$(awk '/^# fail /{print $3}' "$tap")
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
