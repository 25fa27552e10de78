#!/usr/bin/env bash
# Installs the dependencies (when run as root), configures and builds logbridge into build/.
# Usage: scripts/build.sh [extra cmake configure arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
jobs=$(nproc 2>/dev/null || echo 2)
cmake --build build -j "$jobs"
