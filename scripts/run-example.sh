#!/usr/bin/env bash
# The main job on the shipped example patents: install, build the graph, print a claim tree.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh cluster
.venv/bin/cephkg build examples/patents
.venv/bin/cephkg claims 002_90b12462b97cb7e0
