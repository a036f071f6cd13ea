#!/usr/bin/env bash
# Create .venv and install accords into it. Safe to run again.
#   bash scripts/bootstrap.sh          # accords itself (what the main job needs)
#   bash scripts/bootstrap.sh dev      # plus the test and development tools (what CI needs)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "dev" ]; then
    .venv/bin/python -m pip install --quiet -e '.[dev]'
else
    .venv/bin/python -m pip install --quiet -e .
fi
