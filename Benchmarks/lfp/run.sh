#!/usr/bin/env bash
# METHODS §6–9 benchmarks: Swift (lfp-bench, release, AVX2) beside the Python references, same sizes.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${SYMEDGE_PYTHON:-.venv/bin/python}
swift build -c release -Xcc -march=x86-64-v3 --product lfp-bench >/dev/null
BIN=$(swift build -c release -Xcc -march=x86-64-v3 --show-bin-path)/lfp-bench
echo "## spatial correlations: 200 units x 8 h at 10/100/1000 ms"
"$BIN" spatial --units 200 --hours 8
"$PY" Benchmarks/lfp/reference/spatial_reference.py --units 200 --hours 8
echo "## aperiodic fits: 96 channels x 1 h at 1 kHz"
"$BIN" aperiodic --channels 96 --hours 1
"$PY" Benchmarks/lfp/reference/aperiodic_reference.py --channels 96 --hours 1
