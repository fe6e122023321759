#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline), and
# their screenshots need fonts for Chinese and for colour emoji: without them Chromium draws ☒ boxes.
set -euo pipefail
has_font() {  # a fontconfig pattern, e.g. ':charset=4e2d' (a font with 中)
  command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list "$1" family)" ]
}
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
has_font ':charset=4e2d' || missing+=(fonts-noto-cjk)
has_font ':charset=2705:color=True' || missing+=(fonts-noto-color-emoji)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "gridbot: the browser tests need ${missing[*]}: run 'sudo apt-get install ${missing[*]}' once" >&2
  exit 1
fi
