#!/usr/bin/env bash
# System packages some tests use. Each is optional: a test whose tool is missing skips with the reason.
#  - chromium: the report test opens the HTML report headless and checks every image loads.
set -u
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "note: could not install chromium; the report browser test will skip"
  else
    echo "note: chromium not installed and not root; the report browser test will skip"
  fi
fi
exit 0
