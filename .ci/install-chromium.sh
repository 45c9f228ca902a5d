#!/usr/bin/env bash
# Installs Debian's chromium for the browser test of internal/serve
# (TestBrowser, driven by chromedp). Does nothing when chromium is on PATH.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
	exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
command -v chromium
