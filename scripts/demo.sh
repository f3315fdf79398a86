#!/usr/bin/env bash
# Builds the production extension and opens it in Chromium on a local page of sample images.
# With no display it runs headless and writes screenshots to demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
ensure_node_modules
ensure_chromium
npx wxt build
node --import tsx scripts/demo.ts "$@"
