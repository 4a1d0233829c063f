#!/usr/bin/env bash
# Issue-4 kernel benchmark: the 8-hour, 200-unit (~52 M spikes) workload in Swift, then the Elephant + NumPy
# reference on a shorter generated recording written by the same program (see BENCHMARKS.md for the figures).
#   HOURS=8 REF_HOURS=0.25 bash Benchmarks/kernels/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
HOURS=${HOURS:-8}
REF_HOURS=${REF_HOURS:-0.25}
ARCH=${ARCH:-x86-64-v3}
swift build -c release ${ARCH:+-Xcc -march=$ARCH} --product kernels-bench >/dev/null
BIN=$(swift build -c release ${ARCH:+-Xcc -march=$ARCH} --show-bin-path)/kernels-bench
PY=${SYMEDGE_PYTHON:-.venv/bin/python}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "== Swift, ${HOURS} h"
"$BIN" --hours "$HOURS" --surrogates 1
echo "== side by side, ${REF_HOURS} h (same generated input)"
"$BIN" --hours "$REF_HOURS" --surrogates 0 --write "$TMP/rec.bin"
"$PY" Benchmarks/reference/elephant_reference.py "$TMP/rec.bin"
