#!/usr/bin/env bash
# Fuzz the scenario loader and the telemetry CSV reader with libFuzzer for SECONDS in total
# (default 60; half each, the scenario loader first).
#   scripts/fuzz.sh [SECONDS]
# Configures and builds the `fuzz` CMake preset (clang++-14, ASan + UBSan, build/fuzz), seeds
# corpora from scenarios/ and tests/broken/ (scenario) and tests/data/telemetry/ (CSV), and exits
# non-zero when libFuzzer finds a crash, a leak, a timeout (> 10 s per input) or an
# out-of-memory (> 2 GB) in either target. Reproducers are written to build/fuzz/findings/;
# replay one with build/fuzz/adapters/scenario_fuzz <file> (or telemetry_csv_fuzz).
set -euo pipefail

duration="${1:-60}"
if ! [[ "$duration" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [SECONDS]" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target scenario_fuzz telemetry_csv_fuzz -j "${LABTWIN_JOBS:-2}"

# Split the budget (libFuzzer reads 0 as "no limit": each gets at least 1 s).
first=$((duration / 2))
second=$((duration - first))
((first >= 1)) || first=1
((second >= 1)) || second=1

corpus=build/fuzz/scenario_corpus
findings=build/fuzz/findings
mkdir -p "$corpus" "$findings"
# Seeds: every scenario and broken case (names prefixed by origin so none overwrite another).
for f in scenarios/*.yaml tests/broken/*.yaml tests/broken/inc/*.yaml; do
  [[ -f "$f" ]] || continue
  cp "$f" "$corpus/seed_$(echo "$f" | tr '/' '_')"
done

status=0
build/fuzz/adapters/scenario_fuzz "$corpus" \
  -dict=adapters/fuzz/scenario.dict \
  -max_total_time="$first" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -artifact_prefix="$findings/" -print_final_stats=1 || status=$?

csv_corpus=build/fuzz/telemetry_corpus
mkdir -p "$csv_corpus"
for f in tests/data/telemetry/*.csv; do
  [[ -f "$f" ]] || continue
  cp "$f" "$csv_corpus/seed_$(basename "$f")"
done
build/fuzz/adapters/telemetry_csv_fuzz "$csv_corpus" \
  -dict=adapters/fuzz/telemetry.dict \
  -max_total_time="$second" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -artifact_prefix="$findings/telemetry_" -print_final_stats=1 || status=$?
exit "$status"
