#!/usr/bin/env bash
# Builds logbridge and runs the main job on the embedded default: the DingTalk sandbox with a
# generated organization, the connector against it over loopback HTTP, and SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
exec build/connector/logbridge demo "$@"
