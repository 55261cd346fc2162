#!/usr/bin/env bash
# Sets up, builds (Release, -Werror) and runs the whole test suite; ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
[[ -f build/release/build.ninja ]] || cmake --preset release >/dev/null
cmake --build --preset release
exec ctest --preset release -j "$(nproc)" "$@"
