#!/usr/bin/env bash
# The test command: set up everything the suite needs on a fresh machine, then run it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
if [ -x scripts/system-deps.sh ]; then
    bash scripts/system-deps.sh
fi
.venv/bin/ruff check src tests bench
.venv/bin/python -m pytest -q "$@"
