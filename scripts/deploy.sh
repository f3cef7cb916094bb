#!/usr/bin/env bash
# Deploys one environment in dependency order: global-<env> first (table, replica, keys), then
# its regional stacks in the order the app declares them (primary region, then DR), one at a
# time, stopping at the first failure. The bootstrap stack is never deployed here.
#
#   bash scripts/deploy.sh <env>              # needs AWS credentials and terraform >= 1.10
#   bash scripts/deploy.sh <env> --dry-run    # synthesizes and prints the deploy commands only
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

env="${1:?usage: scripts/deploy.sh <env> [--dry-run]}"
outdir="${CDKTF_OUTDIR:-cdktf.out}"
dry_run=false
[[ "${2:-}" == "--dry-run" ]] && dry_run=true

# One environment only (into $CDKTF_OUTDIR, default cdktf.out); a bad configuration value stops
# here with a message naming the key.
CDKTF_OUTDIR="$outdir" PIPELINE_ENV="$env" npm start --silent >&2

# The primary region is the region of the global stack's default provider: its regional stack goes first.
# shellcheck disable=SC2016 # the single-quoted program is JavaScript: its ${...} are JS template literals
mapfile -t stacks < <(ENV_NAME="$env" OUTDIR="$outdir" node -e '
  const { readFileSync } = require("node:fs");
  const { join } = require("node:path");
  const env = process.env.ENV_NAME;
  const outdir = process.env.OUTDIR;
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  const stack = (name) => JSON.parse(readFileSync(join(outdir, manifest.stacks[name].synthesizedStackPath), "utf8"));
  const primary = stack(`global-${env}`).provider.aws.find((p) => !p.alias).region;
  const regional = Object.keys(manifest.stacks).filter((n) => n.startsWith(`regional-${env}-`));
  const first = (n) => (n === `regional-${env}-${primary}` ? 0 : 1);
  for (const name of [`global-${env}`, ...regional.sort((a, b) => first(a) - first(b))]) console.log(name);
')

for stack in "${stacks[@]}"; do
  # Each regional stack depends on global-<env>, deployed just before.
  cmd=(npx cdktf deploy "$stack" --output "$outdir" --auto-approve --skip-synth --ignore-missing-stack-dependencies)
  if $dry_run; then
    echo "${cmd[*]}"
  else
    echo "deploy: $stack" >&2
    "${cmd[@]}"
  fi
done
