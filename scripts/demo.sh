#!/usr/bin/env bash
# The main job on the built-in demo data, as `make demo` runs it:
#   1. simulate the demo cohort (4 subjects x 2 sessions x 10 min, every regime) into demo-data/
#   2. sweep Jobs/demo.yaml over MPI ranks into demo-out/sweep (resumes finished shards)
#   3. write the HTML report and print its path
# Usage: scripts/demo.sh [BIN] [OUT] [NP]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/symedge}
out=${2:-demo-out}
np=${3:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

"$bin" version
mpirun -np "$np" "$bin" mpi-check

sim_args=(--subjects 4 --sessions 2 --duration 600 --seed 1)
stamp="demo-data/.simulated"
# The cohort depends only on the simulator and the NWB writer: re-simulate when their sources change.
sim_key="${sim_args[*]} $(cat Sources/Simulation/*.swift Sources/Recordings/NWBWriter.swift \
  Sources/Recordings/HDF5Writer.swift | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sim_key" ]; then
  echo "== simulating the demo cohort: ${sim_args[*]}"
  rm -rf demo-data
  "$bin" simulate "${sim_args[@]}" --out demo-data
  echo "$sim_key" > "$stamp"
else
  echo "== demo cohort already simulated in demo-data/ (same parameters and simulator sources)"
fi

echo "== planning and sweeping Jobs/demo.yaml on $np MPI ranks"
"$bin" plan Jobs/demo.yaml | tail -n 4
mpirun -np "$np" "$bin" sweep Jobs/demo.yaml --out "$out/sweep"
"$bin" status "$out/sweep"

echo "== report"
"$bin" report "$out/sweep"
echo "demo report: $(cd "$out/sweep" && pwd)/report.html"
