#!/usr/bin/env bash
# The main job (`npm start`): set-up, the local stack, Fashion-MNIST in S3, a training and a
# control worker, and one stage-wise search watched to the end. The stack stays up so that
# the search can be browsed in the Temporal UI; `npx swnas stack down` stops it.
#
# The default budget is small (a training-set limit and few epochs) so that the search
# finishes in about ten minutes on 2 CPU cores. Scale it with the SWNAS_MAIN_* variables or
# pass any `swnas search start` flags after `npm start --`, e.g. `npm start -- --epochs 30`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash infra/setup.sh
node bin/swnas.js stack up
eval "$(node bin/swnas.js stack env)"

# 1. The data set from Debian's package, imported once (a second import changes nothing).
if ! dpkg -s dataset-fashion-mnist >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi
node bin/swnas.js dataset import fashion-mnist

# 2. Workers in the background, stopped when this script ends.
logs="${SWNAS_DATA_DIR:-$root/.data}/logs"
mkdir -p "$logs"
node bin/swnas.js worker --queue control >>"$logs/control-worker.log" 2>&1 &
control_pid=$!
# Training yields the cores to the control worker and the stack, which stay responsive.
nice -n 10 node bin/swnas.js worker --queue train >>"$logs/train-worker.log" 2>&1 &
train_pid=$!
stop_workers() {
  kill -TERM "$control_pid" "$train_pid" 2>/dev/null || true
  wait "$control_pid" "$train_pid" 2>/dev/null || true
}
trap stop_workers EXIT
echo "workers running; logs in $logs"

# 3. The search, watched until it finishes.
search_id="main-$(date +%Y%m%d-%H%M%S)"
node bin/swnas.js search start --id "$search_id" --dataset fashion-mnist \
  --train-limit "${SWNAS_MAIN_TRAIN_LIMIT:-6000}" \
  --epochs "${SWNAS_MAIN_EPOCHS:-3}" \
  --iterations "${SWNAS_MAIN_ITERATIONS:-3}" \
  --feature-samples "${SWNAS_MAIN_FEATURE_SAMPLES:-1000}" \
  --watch "$@"
# --watch ends with the result tables; the link leads to the search in the Temporal UI.
echo "Temporal UI: $SWNAS_UI_URL/namespaces/$TEMPORAL_NAMESPACE/workflows/$search_id"
