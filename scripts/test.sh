#!/usr/bin/env bash
# The test command: set up everything the suite needs on a fresh machine, then run it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
bash scripts/system-deps.sh
.venv/bin/ruff check src tests bench
.venv/bin/python -m pytest -q "$@"
