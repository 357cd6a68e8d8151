#!/usr/bin/env bash
# Install the test dependencies and run every check: lint (ruff), types (mypy, strict),
# the import contracts of the pipeline's layers (import-linter), then the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check src tests scripts benchmarks
.venv/bin/mypy
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
