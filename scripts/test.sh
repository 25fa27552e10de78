#!/usr/bin/env bash
# Builds logbridge and runs every test suite with CTest. This is the README's test command
# and exactly what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure -j "$jobs"
