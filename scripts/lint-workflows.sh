#!/usr/bin/env bash
# Lints the GitHub Actions workflows and the shell scripts:
#  - actionlint (pinned below), built once with `go install` from the Go module proxy into
#    .tools/actionlint-<version>/ (idempotent: an existing binary is reused);
#  - shellcheck from .venv/shellcheck (requirements/shellcheck.txt), over scripts/*.sh, .ci/run and,
#    through actionlint, every `run:` block.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION=v1.7.12
bin=".tools/actionlint-$ACTIONLINT_VERSION/actionlint"

if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null 2>&1 ||
    { echo "lint-workflows: Go is needed to install actionlint $ACTIONLINT_VERSION (https://go.dev/doc/install)" >&2; exit 1; }
  echo "lint-workflows: installing actionlint $ACTIONLINT_VERSION into $(dirname "$bin")" >&2
  GOBIN="$PWD/$(dirname "$bin")" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi

bash scripts/setup-python.sh shellcheck requirements/shellcheck.txt
shellcheck=".venv/shellcheck/bin/shellcheck"

"$shellcheck" scripts/*.sh .ci/run
# -pyflakes=: no Python in the workflows.
"$bin" -shellcheck="$shellcheck" -pyflakes= .github/workflows/*.yml
echo "lint-workflows: actionlint $ACTIONLINT_VERSION and shellcheck found no problems"
