# Shared by scripts/test.sh and scripts/demo.sh: install what a fresh machine lacks.
# shellcheck shell=bash

# onnxruntime-node's postinstall would fetch CUDA binaries; .npmrc says the same.
export ONNXRUNTIME_NODE_INSTALL=skip

ensure_node_modules() {
  local stamp=node_modules/.glimpse-lock
  local want
  want=$(sha1sum package-lock.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  echo "› Installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
}

chromium_on_machine() {
  local candidate
  for candidate in "${CHROMIUM_PATH:-}" "${CHROME_PATH:-}" /usr/lib/chromium/chromium /usr/bin/chromium \
    /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable \
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then return 0; fi
  done
  return 1
}

# Uses the machine's Chrome/Chromium; on Debian-like machines without one, installs Debian's.
# Playwright never downloads a browser here.
ensure_chromium() {
  if chromium_on_machine; then return; fi
  if ! command -v apt-get >/dev/null; then
    echo "No Chrome or Chromium found. Install one, or set CHROMIUM_PATH to its binary." >&2
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "› Installing Debian's chromium (apt-get)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

firefox_on_machine() {
  local candidate
  for candidate in "${FIREFOX_PATH:-}" /usr/bin/firefox-esr /usr/lib/firefox-esr/firefox-esr /usr/bin/firefox; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then return 0; fi
  done
  return 1
}

# The Firefox e2e drives the machine's Firefox over WebDriver BiDi; on Debian-like machines
# without one, installs Debian's firefox-esr. Never downloads a browser build from elsewhere.
ensure_firefox() {
  if firefox_on_machine; then return; fi
  if ! command -v apt-get >/dev/null; then
    echo "No Firefox found. Install one, or set FIREFOX_PATH to its binary." >&2
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "› Installing Debian's firefox-esr (apt-get)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq firefox-esr >/dev/null
}
