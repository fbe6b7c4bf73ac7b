#!/usr/bin/env bash
# Set up (when needed), then ingest the bundled sample reports into ./warehouse.duckdb and
# export the contract views to ./export. Prints the ingest summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/scorecards ingest samples/reports --warehouse warehouse.duckdb
.venv/bin/scorecards export --warehouse warehouse.duckdb --out export
