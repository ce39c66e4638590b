#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through playwright-core (browsers cannot be
# downloaded here). Installs it when missing; needs root or passwordless sudo.
set -euo pipefail
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
# Japanese text in screenshots needs a CJK font.
if [ -x "$chromium_path" ] && fc-list :lang=ja 2>/dev/null | grep -q .; then
  exit 0
fi
echo "Installing Debian's chromium and a Japanese font for the browser tests..."
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo -n"; fi
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
test -x "$chromium_path"
