#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "gridbot: the browser tests need Chromium: run 'sudo apt-get install chromium' once" >&2
  exit 1
fi
