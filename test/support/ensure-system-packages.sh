#!/usr/bin/env bash
# Installs the Debian packages the integration and end-to-end tests use (real Redis, the real
# Alertmanager binary, promtool (Debian's prometheus) for the example alerting rules, headless Chromium,
# busybox for config/examples/send-alert.sh without bash, as on Alpine) when they are missing.
# Tests never skip without them: when this cannot install (no root, no sudo), it stops with one line
# saying what to install.
set -euo pipefail
declare -A bin_of=([redis-server]=redis-server [prometheus-alertmanager]=prometheus-alertmanager [prometheus]=promtool [chromium]=chromium [busybox]=busybox)
missing=()
for pkg in "${!bin_of[@]}"; do
  command -v "${bin_of[$pkg]}" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "alertcord tests need Debian packages: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages for the tests: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
