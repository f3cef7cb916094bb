#!/usr/bin/env bash
# `npm test`: everything CI checks, from a clean clone.
#  1. project-local Python tools, pinned (moto server for integration tests, checkov for the policy gate)
#  2. type-check (the app command itself never type-checks, so this is where types are enforced)
#  3. lint (typescript-eslint, type-aware) and formatting (prettier --check); `npm run format` fixes most
#  4. jest, all three projects: unit (constructs, stacks, handlers, data path, tooling),
#     security (checkov gate, IAM matrix, hostile input, memory bounds), integration (emulator)
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

bash scripts/setup-python.sh
npx tsc --noEmit -p .
npx eslint .
npx prettier --check .
mkdir -p .build
status=0
npx jest --ci --json --outputFile=.build/jest-results.json "$@" || status=$?
# A plain closing line that any CI reader understands.
node -e '
  const r = require("./.build/jest-results.json");
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit "$status"
