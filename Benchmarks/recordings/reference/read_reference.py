"""Reads all spike trains of an NWB file with h5py (flat array + index, the fast path) or pynwb (per-unit
arrays, the usual API) and prints best-of-N wall time, throughput and this process's peak RSS.

Usage: read_reference.py h5py|pynwb FILE [REPEATS]
"""
import resource
import sys
import time
import warnings

import numpy as np

mode, path = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
warnings.simplefilter("ignore")
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
best, n, units = float("inf"), 0, 0
for _ in range(repeats):
    t0 = time.perf_counter()
    if mode == "h5py":
        import h5py
        with h5py.File(path, "r") as f:
            st = f["units/spike_times"][()]
            idx = f["units/spike_times_index"][()].astype(np.uint64)
        n, units = len(st), len(idx)
    else:
        from pynwb import NWBHDF5IO
        with NWBHDF5IO(path, "r") as io:
            nwb = io.read()
            trains = nwb.units["spike_times"][:]
            n, units = sum(len(t) for t in trains), len(trains)
    dt = time.perf_counter() - t0
    best = min(best, dt)
    st = trains = None
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(f"{mode:<9} read  units={units} spikes={n}  best {best:.3f} s  {n * 8 / best / 1e6:.0f} MB/s  "
      f"peak RSS {peak / 1e6:.0f} MB ({peak / (n * 8):.2f}x spike data; baseline {baseline / 1e6:.0f} MB)")
