#!/usr/bin/env bash
# The whole suite: type check, lint, unit, the vote service on both databases, production builds
# (Chrome and Firefox MV3), end to end in Chromium and Firefox, and smoke runs of the benches.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
set -e
ensure_node_modules
ensure_chromium
ensure_firefox
set +e

reports=test-artifacts/reports
rm -rf "$reports" && mkdir -p "$reports"
failed_steps=()

step() {
  local name=$1
  shift
  echo
  echo "━━ $name"
  if ! "$@"; then failed_steps+=("$name"); fi
}

step "type check" npx tsc --noEmit -p .
step "lint and format" npx biome check .
step "unit tests" npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$reports/unit.json"
step "vote service (PGlite and PostgreSQL)" npx vitest run --project server --reporter=default --reporter=json --outputFile.json="$reports/server.json"
step "integration (transformers.js on onnxruntime-node)" npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$reports/integration.json"
step "build (chrome-mv3)" npx wxt build
step "build (firefox-mv3)" npx wxt build -b firefox --mv3
step "end to end" env GLIMPSE_E2E_SKIP_BUILD=1 npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json="$reports/e2e.json"
# The bench harness on the tiny model, so it cannot rot; its figures mean nothing (npm run bench).
step "bench harness smoke (tiny model)" node --import tsx bench/run.ts --smoke
step "bench harness smoke in Firefox (tiny model)" node --import tsx bench/run.ts --smoke --browser firefox
# The vote service's load bench, one short step per database; its figures mean nothing (npm run bench:votes).
step "vote bench smoke (PGlite and PostgreSQL)" node --import tsx bench/votes.ts --smoke

node scripts/lib/summarize-tests.mjs "$reports" "${#failed_steps[@]}" "${failed_steps[@]}"
