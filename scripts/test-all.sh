#!/usr/bin/env bash
# The whole test suite: type-check, lint, unit, integration (PGlite and PostgreSQL), build, a short soak of two
# instances under injected faults, end-to-end in Chromium.
# Run after `npm install`. Starts PostgreSQL/Redis when they are down and installs Chromium when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "services"
bash scripts/ensure-services.sh

step "typecheck"
npm run --silent typecheck

step "lint"
npm run --silent lint

step "unit tests"
npx vitest run --project unit

step "integration tests (PGlite and PostgreSQL)"
npx vitest run --project integration

step "build"
npm run --silent build

step "soak (two instances, injected faults, accounting; about 80 s)"
npm run --silent soak -- --short

step "end-to-end tests (Chromium)"
npx playwright test
