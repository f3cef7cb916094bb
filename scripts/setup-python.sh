#!/usr/bin/env bash
# Creates project-local Python virtual environments from pinned requirement files.
#
#   bash scripts/setup-python.sh                               # every requirements/*.txt -> .venv/<basename>
#   bash scripts/setup-python.sh emulator requirements/emulator.txt
#
# Idempotent and fast when nothing changed: a stamp file in the venv holds the sha256 of the
# requirements file plus the interpreter version, and a matching stamp skips pip entirely.
# Set PYTHON to choose the interpreter (default: python3). Progress goes to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
STAMP_NAME=".requirements.sha256"

fail() {
  printf 'setup-python: %s\n' "$1" >&2
  exit 1
}

# Names what to install, because a bare "command not found" does not tell a user what to do.
check_python() {
  command -v "$PYTHON" >/dev/null 2>&1 ||
    fail "'$PYTHON' not found. Install Python 3.9 or newer with venv and pip (Debian/Ubuntu: apt-get install python3 python3-venv python3-pip; macOS: brew install python), or set PYTHON=/path/to/python3."
  "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' ||
    fail "$("$PYTHON" --version 2>&1) is too old: Python 3.9 or newer is required."
  "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1 ||
    fail "the 'venv' module (with ensurepip) is missing for $("$PYTHON" --version 2>&1). Install it (Debian/Ubuntu: apt-get install python3-venv)."
}

# sha256 of the requirements file and the interpreter version: a new Python rebuilds the venv.
stamp_of() {
  "$PYTHON" - "$1" <<'PY'
import hashlib, sys
with open(sys.argv[1], 'rb') as f:
    digest = hashlib.sha256(f.read()).hexdigest()
print(f"{digest} python-{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}")
PY
}

setup_one() {
  local name="$1" requirements="$2"
  [[ "$name" =~ ^[a-z0-9][a-z0-9_-]*$ ]] || fail "invalid venv name '$name' (lower-case letters, digits, '-' and '_')."
  [[ -f "$requirements" ]] || fail "requirements file '$requirements' not found."
  local venv="$ROOT/.venv/$name"
  local wanted
  wanted="$(stamp_of "$requirements")"
  if [[ -x "$venv/bin/python" && -f "$venv/$STAMP_NAME" && "$(cat "$venv/$STAMP_NAME")" == "$wanted" ]] &&
    "$venv/bin/python" -c '' >/dev/null 2>&1; then
    printf 'setup-python: .venv/%s is up to date\n' "$name" >&2
    return 0
  fi

  printf 'setup-python: creating .venv/%s from %s\n' "$name" "${requirements#"$ROOT"/}" >&2
  mkdir -p "$ROOT/.venv"
  # --clear: a half-built venv from an interrupted run must not survive.
  "$PYTHON" -m venv --clear "$venv" ||
    fail "could not create .venv/$name. Install the venv module (Debian/Ubuntu: apt-get install python3-venv)."
  "$venv/bin/python" -m pip --version >/dev/null 2>&1 ||
    fail "pip is missing in .venv/$name. Install pip for $("$PYTHON" --version 2>&1) (Debian/Ubuntu: apt-get install python3-pip python3-venv)."
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet -r "$requirements" ||
    fail "pip could not install $requirements into .venv/$name (is the Python package index reachable?)."
  # Written last: only a complete install is ever considered up to date.
  printf '%s\n' "$wanted" >"$venv/$STAMP_NAME"
  printf 'setup-python: .venv/%s ready\n' "$name" >&2
}

main() {
  check_python
  if [[ $# -eq 0 ]]; then
    local found=0 file
    for file in "$ROOT"/requirements/*.txt; do
      [[ -f "$file" ]] || continue
      found=1
      setup_one "$(basename "$file" .txt)" "$file"
    done
    [[ $found -eq 1 ]] || fail "no requirements/*.txt files found."
  elif [[ $# -eq 2 ]]; then
    local requirements="$2"
    [[ "$requirements" = /* ]] || requirements="$PWD/$requirements"
    setup_one "$1" "$requirements"
  else
    fail "usage: bash scripts/setup-python.sh [<name> <requirements-file>]"
  fi
}

# Serialise concurrent setups (the integration suite and `npm run local` may both ask at once).
mkdir -p "$ROOT/.venv"
if command -v flock >/dev/null 2>&1 && [[ -z "${SETUP_PYTHON_LOCKED:-}" ]]; then
  exec 9>"$ROOT/.venv/.setup.lock"
  flock 9
  export SETUP_PYTHON_LOCKED=1
fi
main "$@"
