#!/usr/bin/env bash
# Distributed sweep benchmark (issue 7): parallel efficiency 1 -> 2 ranks, coordinator overhead, bytes per shard.
#
#   bash Benchmarks/sweep/run.sh                  # uses .build/release/symedge (or $SYMEDGE_BIN)
#   SURROGATES=16 DATA=demo-data bash Benchmarks/sweep/run.sh
#
# It simulates the demo cohort if DATA is missing, writes a job with SURROGATES surrogates per kind, runs the
# same sweep with `mpirun -np 1` and `-np 2` into fresh folders, checks that the tables are byte-identical,
# and prints wall times and the figures from each run's manifest.json (lastRun).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${SYMEDGE_BIN:-$PWD/.build/release/symedge}
DATA=${DATA:-demo-data}
SURROGATES=${SURROGATES:-16}
PER_SHARD=${PER_SHARD:-8}
WORK=${WORK:-$(mktemp -d /tmp/symedge-sweep-bench.XXXXXX)}
mkdir -p "$WORK"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

if [ ! -d "$DATA" ]; then
  "$BIN" simulate --subjects 4 --sessions 2 --duration 600 --seed 1 --out "$DATA"
fi
DATA_ABS=$(cd "$DATA" && pwd)
cat > "$WORK/job.yaml" <<YAML
name: sweep-bench
inputs:
  folder: $DATA_ABS
states: all
scales: 32
surrogates: $SURROGATES
surrogate_kinds: [isi_permutation, circular_shift]
surrogates_per_shard: $PER_SHARD
seed: 20230619
output: out
YAML
"$BIN" plan "$WORK/job.yaml" | tail -4

for np in 1 2; do
  rm -rf "$WORK/out-np$np"
  start=$(date +%s.%N)
  mpirun -np "$np" "$BIN" sweep "$WORK/job.yaml" --out "$WORK/out-np$np" --progress-interval 60 \
    > "$WORK/np$np.log" 2>&1
  end=$(date +%s.%N)
  echo "np=$np wall_incl_launch_s=$(echo "$end - $start" | bc)"
  grep '^sweep:' "$WORK/np$np.log" | tail -1
done

for f in $(cd "$WORK/out-np1/tables" && find . -name '*.csv' | sort); do
  cmp -s "$WORK/out-np1/tables/$f" "$WORK/out-np2/tables/$f" || { echo "TABLES DIFFER: $f"; exit 1; }
done
echo "tables byte-identical for np=1 and np=2"

python3 - "$WORK" <<'PY'
import json, sys, os
w = sys.argv[1]
runs = {np: json.load(open(os.path.join(w, f"out-np{np}", "manifest.json")))["lastRun"] for np in (1, 2)}
t1, t2 = runs[1]["wallSeconds"], runs[2]["wallSeconds"]
for np, r in runs.items():
    print(f"np={np}: shards={r['planned']} wall={r['wallSeconds']:.2f}s compute(sum)={r['computeSeconds']:.2f}s "
          f"coordinator_busy={r['coordinatorBusySeconds']:.3f}s ({100*r['coordinatorBusySeconds']/r['wallSeconds']:.2f}% of wall) "
          f"bytes/shard={r['resultBytes']/max(1,r['succeeded']):.0f}"
          + (f" writer={r['writerSeconds']:.3f}s wall {r.get('writerCPUSeconds', 0):.3f}s CPU "
             f"({100*r['writerSeconds']/r['wallSeconds']:.2f}% of wall, on its own thread)" if 'writerSeconds' in r else ""))
print(f"speed-up 1->2 ranks: {t1/t2:.3f}  parallel efficiency: {100*t1/(2*t2):.1f}%")
PY
echo "work folder: $WORK"
