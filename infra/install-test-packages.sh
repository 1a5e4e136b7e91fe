#!/usr/bin/env bash
# Debian packages the test suite uses: Chromium for the browser checks of the Temporal UI
# (Playwright's own browser download cannot reach its host here) and Fashion-MNIST for the
# import test on real data.
set -euo pipefail

missing=()
[ -x "${SWNAS_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || missing+=(dataset-fashion-mnist)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "swnas: the tests need Debian's ${missing[*]}: install them (apt-get install" \
    "${missing[*]}), or set SWNAS_CHROMIUM to a Chromium binary" >&2
  exit 1
fi
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
  >/dev/null
