#!/usr/bin/env bash
# Fuzz the scenario loader, the telemetry CSV reader and the DTN contact-plan importers with
# libFuzzer for SECONDS in total (default 60; a third each, in that order).
#   scripts/fuzz.sh [SECONDS]
# Configures and builds the `fuzz` CMake preset (clang++-14, ASan + UBSan, build/fuzz), seeds
# corpora from scenarios/ and tests/broken/ (scenario), tests/data/telemetry/ (CSV) and
# scenarios/plans/ plus the small shared HDTN plans (contact plans), and exits non-zero when
# libFuzzer finds a crash, a leak, a timeout (> 10 s per input) or an out-of-memory (> 2 GB) in
# any target. Reproducers are written to build/fuzz/findings/<target>_*; replay one with
# build/fuzz/adapters/scenario_fuzz <file> (or telemetry_csv_fuzz, contact_plan_fuzz).
set -euo pipefail

duration="${1:-60}"
if ! [[ "$duration" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [SECONDS]" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target scenario_fuzz telemetry_csv_fuzz contact_plan_fuzz \
  -j "${LABTWIN_JOBS:-2}"

# Split the budget (libFuzzer reads 0 as "no limit": each gets at least 1 s).
third=$((duration / 3))
last=$((duration - 2 * third))
((third >= 1)) || third=1
((last >= 1)) || last=1

findings=build/fuzz/findings
mkdir -p "$findings"
status=0

# fuzz TARGET DICT SECONDS SEED... : seeds a corpus build/fuzz/TARGET_corpus (names prefixed by
# origin so none overwrite another), then runs the target on it; a finding sets `status`.
fuzz() {
  local target="$1" dict="$2" seconds="$3"
  shift 3
  local corpus="build/fuzz/${target}_corpus"
  mkdir -p "$corpus"
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    cp "$f" "$corpus/seed_$(echo "$f" | tr '/' '_')"
  done
  "build/fuzz/adapters/$target" "$corpus" -dict="adapters/fuzz/$dict" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -artifact_prefix="$findings/${target}_" -print_final_stats=1 || status=$?
}

shared_dtn="$root/../shared/data/dtn"
fuzz scenario_fuzz scenario.dict "$third" scenarios/*.yaml tests/broken/*.yaml tests/broken/inc/*.yaml
fuzz telemetry_csv_fuzz telemetry.dict "$third" tests/data/telemetry/*.csv
fuzz contact_plan_fuzz contact_plan.dict "$last" scenarios/plans/* \
  "$shared_dtn"/hdtn-cgrTutorial.json "$shared_dtn"/hdtn-Ion_4nodes_long.json \
  "$shared_dtn"/hdtn-contactPlan_RoutingTest.json
exit "$status"
