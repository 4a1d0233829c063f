#!/usr/bin/env bash
# Recordings benchmark: read ~50 M spike times from a gzip NWB file with symedge's reader, h5py and pynwb,
# side by side; then the same from an uncompressed twin to separate decompression from the reader.
# Generates the inputs once (kept in $BENCH_DIR, default /tmp/symedge-bench-recordings; ~0.8 GB).
# Usage: Benchmarks/recordings/run.sh [N_SPIKES]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-50000000}
DIR=${BENCH_DIR:-/tmp/symedge-bench-recordings}
PY=${SYMEDGE_PYTHON:-.venv/bin/python}
SCRATCH=${SCRATCH:-.build}
swift build -c release -Xcc -march=x86-64-v3 --scratch-path "$SCRATCH" --product recordings-bench >/dev/null
BIN="$SCRATCH/release/recordings-bench"
if [ ! -f "$DIR/big_gzip.nwb" ] || [ ! -f "$DIR/.n_$N" ]; then
  rm -f "$DIR"/.n_*
  "$PY" Benchmarks/recordings/reference/make_big.py "$DIR" "$N"
  touch "$DIR/.n_$N"
fi
ls -l "$DIR"/big_*.nwb
for f in big_gzip.nwb big_plain.nwb; do
  echo "-- $f"
  sync; cat "$DIR/$f" > /dev/null   # warm page cache: measure decoding, not the disk
  "$BIN" "$DIR/$f" 3
  "$PY" Benchmarks/recordings/reference/read_reference.py h5py "$DIR/$f" 3
  "$PY" Benchmarks/recordings/reference/read_reference.py pynwb "$DIR/$f" 3
done
# The decompression ceiling: zlib inflate of the compressed chunks alone, one core.
"$PY" - "$DIR/big_gzip.nwb" <<'PYEOF'
import sys, time, zlib, h5py
with h5py.File(sys.argv[1], "r") as f:
    ds = f["units/spike_times"]
    chunks = [ds.id.read_direct_chunk(ds.id.get_chunk_info(i).chunk_offset)[1] for i in range(ds.id.get_num_chunks())]
t0 = time.perf_counter()
raw = sum(len(zlib.decompress(c)) for c in chunks)
dt = time.perf_counter() - t0
comp = sum(len(c) for c in chunks)
print(f"zlib      inflate {comp / 1e6:.0f} MB -> {raw / 1e6:.0f} MB  {dt:.3f} s  {raw / dt / 1e6:.0f} MB/s (ratio {raw / comp:.2f})")
PYEOF
