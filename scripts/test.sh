#!/usr/bin/env bash
# `npm test`: everything CI checks, from a clean clone.
#  0. Node as pinned in .nvmrc (see below)
#  1. project-local Python tools, pinned (moto server for integration tests, checkov for the policy gate,
#     schemathesis for the API fuzz run)
#  2. type-check (the app command itself never type-checks, so this is where types are enforced)
#  3. lint (typescript-eslint, type-aware) and formatting (prettier --check); `npm run format` fixes most;
#     actionlint over .github/workflows and shellcheck over the scripts (scripts/lint-workflows.sh)
#  4. the API document (api/openapi.yaml) under Redocly's lint rules (redocly.yaml)
#  5. jest, all three projects: unit (constructs, stacks, handlers, data path, tooling),
#     security (checkov gate, IAM matrix, hostile input, memory bounds, API fuzzing), integration (emulator)
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

# Node: the Lambda runtime's major, installed by `npm ci` from the npm registry (the node-<os>-<cpu>
# optional dependency, version in .nvmrc), ahead of whatever node the system has.
export PATH="$PWD/node_modules/.bin:$PATH"
echo "node $(node --version) ($(command -v node))"
pinned=$(tr -d '[:space:]v' < .nvmrc)
if [ "$(node -p 'process.versions.node.split(".")[0]')" != "${pinned%%.*}" ]; then
  echo "npm test runs on Node ${pinned%%.*} (.nvmrc: $pinned), the Lambda runtime's major. npm ci installs it" >&2
  echo "on linux-x64, linux-arm64 and macOS x64; elsewhere install it yourself (e.g. nvm install)." >&2
  exit 1
fi

bash scripts/setup-python.sh
npx tsc --noEmit -p .
npx eslint .
npx prettier --check .
bash scripts/lint-workflows.sh
# No telemetry, no update check: the lint must not depend on the network.
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx redocly lint --format=stylish
mkdir -p .build
status=0
npx jest --ci --json --outputFile=.build/jest-results.json "$@" || status=$?
# A plain closing line that any CI reader understands.
# shellcheck disable=SC2016 # the single-quoted program is JavaScript: its ${...} are JS template literals
node -e '
  const r = require("./.build/jest-results.json");
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit "$status"
