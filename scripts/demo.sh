#!/usr/bin/env bash
# Starts a local vote service (PGlite in a temp folder), builds the production extension pointed
# at it, and opens it in Chromium on a local page of sample images. With no display it runs
# headless and writes screenshots to demo-output/. The service stops when the demo ends.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
ensure_node_modules
ensure_chromium
node --import tsx scripts/demo.ts "$@"
