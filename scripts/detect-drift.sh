#!/usr/bin/env bash
# Plans one synthesized stack against its deployed state and reports drift, for the scheduled
# drift workflow (and by hand). Run `npm start` first; needs AWS credentials and terraform >= 1.10.
#
#   bash scripts/detect-drift.sh <stack> [plan-file]
#
# Exit status: 0 no changes, 2 drift (the plan has changes; its text is in plan-file), 1 error.
set -euo pipefail
cd "$(dirname "$0")/.."

stack="${1:?usage: scripts/detect-drift.sh <stack> [plan-file]}"
out="${2:-drift-$stack.txt}"
dir="cdktf.out/stacks/$stack"
[[ -d "$dir" ]] || { echo "detect-drift: $dir not found; run npm start first" >&2; exit 1; }

terraform -chdir="$dir" init -input=false -no-color >&2
# -lock=false: reading state for a report must never block (or be blocked by) a deploy.
status=0
terraform -chdir="$dir" plan -detailed-exitcode -input=false -lock=false -no-color >"$out" 2>&1 || status=$?
case "$status" in
  0) echo "detect-drift: $stack matches its code" >&2 ;;
  2) echo "detect-drift: $stack has drifted (plan in $out)" >&2 ;;
  *) echo "detect-drift: planning $stack failed (exit $status, output in $out)" >&2; status=1 ;;
esac
exit "$status"
