#!/usr/bin/env bash
# Installs what the tests need and the machine may lack: Debian's Chromium for the end-to-end tests.
# Idempotent: does nothing when it is already there.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    echo "Installing chromium (end-to-end tests drive it through Playwright)..."
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq chromium >/dev/null
fi
command -v python3 >/dev/null || { echo "python3 is required to summarise test results"; exit 1; }
