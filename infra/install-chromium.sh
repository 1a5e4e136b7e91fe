#!/usr/bin/env bash
# Debian's Chromium for the browser checks of the Temporal UI and the search report.
# Playwright's own browser download cannot reach its host here, so the tests drive this one.
set -euo pipefail

if [ -x "${SWNAS_CHROMIUM:-/usr/bin/chromium}" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "swnas: the browser tests need Chromium: install Debian's 'chromium' package" \
    "or set SWNAS_CHROMIUM to a Chromium binary" >&2
  exit 1
fi
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
