#!/usr/bin/env bash
# Set up (when needed), then lint and run the whole test suite. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
# The slowest tests are named at the end, to keep the quick loop (`-m "not slow"`) honest.
.venv/bin/python -m pytest --durations=25 "$@"
