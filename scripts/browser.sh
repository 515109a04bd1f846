#!/usr/bin/env bash
# Makes sure Debian's Chromium and its chromedriver are installed (the packages chromium and chromium-driver;
# either may be there without the other): the browser tests (JUnit, with Selenium) and the MCP client suite's
# OAuth test drive it headless. Installs them with apt-get when one is missing; fails loudly when it cannot.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "browser: installing Chromium and its driver (apt-get install chromium chromium-driver)" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y chromium chromium-driver >&2 || { apt-get update >&2 && apt-get install -y chromium chromium-driver >&2; }
  else
    sudo apt-get install -y chromium chromium-driver >&2
  fi
fi
for tool in chromium chromedriver; do
  command -v "$tool" >/dev/null 2>&1 || { echo "browser: $tool is required and could not be installed" >&2; exit 1; }
done
