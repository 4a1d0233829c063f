#!/usr/bin/env bash
# Simulator benchmark (issue 6): neuron-updates per second, and the default demo cohort
# (4 subjects × 2 sessions × 600 s, all regimes, 2000 neurons) end to end with NWB writing.
# Usage: bash Benchmarks/simulation/run.sh [symedge binary]   (default .build/release/symedge)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${1:-${SYMEDGE_BIN:-.build/release/symedge}}"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/symedge-simbench.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT

echo "== one session, one thread, 120 s, no LFP (neuron-updates per second of one core)"
/usr/bin/time -f "wall %e s, user %U s, max RSS %M kB" \
  "$BIN" simulate --subjects 1 --sessions 1 --duration 120 --seed 1 --threads 1 --no-lfp --out "$OUT/one" \
  2>&1 >/dev/null | grep -E "neuron-updates|wall"

echo "== demo cohort: 4 subjects x 2 sessions x 600 s, all regimes, 2000 neurons, LFP, NWB written"
/usr/bin/time -f "wall %e s, user %U s, max RSS %M kB" \
  "$BIN" simulate --subjects 4 --sessions 2 --duration 600 --seed 1 --out "$OUT/demo" \
  2>&1 >/dev/null | grep -E "neuron-updates|wall"
du -sh "$OUT/demo"
