#!/usr/bin/env bash
# Classification benchmark (METHODS §1): classify 1,000 units with 1-hour trains, and the connection check on 200
# units with 1-hour trains and 1,000 jitters, on synthetic NWB input; then the Python reference on the same files.
# Figures go to BENCHMARKS.md by hand. Env: SYMEDGE_BIN, SYMEDGE_PYTHON, BENCH_DIR (inputs are cached there).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${SYMEDGE_BIN:-.build/release/symedge}
PY=${SYMEDGE_PYTHON:-.venv/bin/python}
OUT=${BENCH_DIR:-/tmp/symedge-bench-classification}
mkdir -p "$OUT"
[ -s "$OUT/units1000_1h.nwb" ] || "$PY" Benchmarks/classification/make_synthetic.py "$OUT/units1000_1h.nwb" 1000 3600 1
[ -s "$OUT/units200_1h.nwb" ] || "$PY" Benchmarks/classification/make_synthetic.py "$OUT/units200_1h.nwb" 200 3600 2
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "-- symedge classify, 1000 units x 1 h (read NWB + features + k-means 100 restarts)"
/usr/bin/time -f "%e s wall, %U s user, %M KB max RSS" "$BIN" classify "$OUT/units1000_1h.nwb" > "$OUT/classify1000.txt"
grep -E "^summary|^centroids" "$OUT/classify1000.txt"
echo "-- symedge classify --connections, 200 units x 1 h, 1000 jitters"
/usr/bin/time -f "%e s wall, %U s user, %M KB max RSS" "$BIN" classify "$OUT/units200_1h.nwb" --connections --jitters 1000 \
  > "$OUT/connections200.txt"
grep -E "^summary|^connections:" "$OUT/connections200.txt"
echo "-- Python reference (numpy/scipy) on the same files"
"$PY" Benchmarks/classification/reference_timing.py "$OUT/units1000_1h.nwb" "$OUT/units200_1h.nwb"
