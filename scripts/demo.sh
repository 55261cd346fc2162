#!/usr/bin/env bash
# Sets up, builds (Release) and runs the demo scenario, printing its KPI table.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
[[ -f build/release/build.ninja ]] || cmake --preset release >/dev/null
cmake --build --preset release --target labtwin
exec build/release/labtwin run scenarios/biobank-freezer-failure.yaml "$@"
