#!/usr/bin/env bash
# Install the test dependencies and run every check: lint (ruff), types (mypy, strict),
# the import contracts of the pipeline's layers (import-linter), then the whole test suite.
# CEPHKG_NO_SKIP=1: a test that would skip (a missing server, tool or library) fails instead,
# since everything it needs was installed just above; a skipped test tests nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash scripts/install-test-deps.sh
.venv/bin/ruff check src tests scripts benchmarks
.venv/bin/mypy
.venv/bin/lint-imports
export CEPHKG_NO_SKIP=1
exec .venv/bin/python -m pytest "$@"
