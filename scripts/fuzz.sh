#!/usr/bin/env bash
# Fuzz the scenario loader with libFuzzer for SECONDS (default 60).
#   scripts/fuzz.sh [SECONDS]
# Configures and builds the `fuzz` CMake preset (clang++-14, ASan + UBSan, build/fuzz), seeds a
# corpus from scenarios/ and tests/broken/, and exits non-zero when libFuzzer finds a crash,
# a leak, a timeout (> 10 s per input) or an out-of-memory (> 2 GB). Reproducers are written to
# build/fuzz/findings/; replay one with build/fuzz/adapters/scenario_fuzz <file>.
set -euo pipefail

duration="${1:-60}"
if ! [[ "$duration" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [SECONDS]" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target scenario_fuzz -j "${LABTWIN_JOBS:-2}"

corpus=build/fuzz/scenario_corpus
findings=build/fuzz/findings
mkdir -p "$corpus" "$findings"
# Seeds: every scenario and broken case (names prefixed by origin so none overwrite another).
for f in scenarios/*.yaml tests/broken/*.yaml tests/broken/inc/*.yaml; do
  [[ -f "$f" ]] || continue
  cp "$f" "$corpus/seed_$(echo "$f" | tr '/' '_')"
done

exec build/fuzz/adapters/scenario_fuzz "$corpus" \
  -dict=adapters/fuzz/scenario.dict \
  -max_total_time="$duration" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -artifact_prefix="$findings/" -print_final_stats=1
