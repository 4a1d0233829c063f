#!/usr/bin/env bash
# The main job on the built-in demo data. Replaced step by step as the analysis lands.
set -euo pipefail
bin=${1:-.build/release/symedge}
out=${2:-demo-out}
np=${3:-2}
"$bin" version
mpirun --allow-run-as-root --oversubscribe -np "$np" "$bin" mpi-check
