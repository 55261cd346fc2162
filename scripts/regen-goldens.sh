#!/usr/bin/env bash
# Re-pins the golden fingerprint in every scenario's expect: block after an intended change of
# behaviour. Review the diff: a fingerprint that moved without a reason is a regression.
#   scripts/regen-goldens.sh [build/release/labtwin]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/release/labtwin}"
for s in scenarios/*.yaml; do
  # (the run may fail its current expectations: that is why we are here)
  fp=$({ "$bin" run "$s" --format json || true; } | sed -n 's/^  "fingerprint": "\([0-9a-f]*\)".*/\1/p')
  [[ "$fp" =~ ^[0-9a-f]{16}$ ]] || { echo "$s: no fingerprint (does it run?)" >&2; exit 2; }
  if grep -q '^  fingerprint: ' "$s"; then
    sed -i "s/^  fingerprint: .*/  fingerprint: \"$fp\"/" "$s"
  else
    sed -i "s/^expect:$/expect:\n  fingerprint: \"$fp\"/" "$s"
  fi
  echo "$s: $fp"
done
