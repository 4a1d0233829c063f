"""Writes the recordings benchmark input: an NWB file (pynwb layout, no cached spec) with N_UNITS units and
about N_SPIKES spike times in one gzip-compressed float64 `spike_times` dataset, plus an uncompressed twin.

Usage: make_big.py OUT_DIR [N_SPIKES] [N_UNITS]   (defaults 50_000_000 spikes, 1000 units; seed 1)
Spike trains: Poisson, rates log-uniform 0.5-50 Hz, scaled so the total is N_SPIKES over one session.
"""
import datetime
import os
import sys

import h5py
import numpy as np
from pynwb import NWBFile, NWBHDF5IO

out = sys.argv[1]
n_spikes = int(float(sys.argv[2])) if len(sys.argv) > 2 else 50_000_000
n_units = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(1)
rates = np.exp(rng.uniform(np.log(0.5), np.log(50), n_units))
counts = np.maximum(1, np.round(rates / rates.sum() * n_spikes)).astype(np.int64)
duration = counts.max() / rates.max()

for name, compression in (("big_gzip.nwb", "gzip"), ("big_plain.nwb", None)):
    rng = np.random.default_rng(2)  # the same spike times in both files
    path = os.path.join(out, name)
    nwb = NWBFile(session_description="recordings benchmark", identifier="bench",
                  session_start_time=datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc))
    nwb.add_unit(spike_times=[0.0])  # placeholder row; replaced below with h5py
    with NWBHDF5IO(path, "w") as io:
        io.write(nwb, cache_spec=False)
    with h5py.File(path, "r+") as f:
        u = f["units"]
        keep = {k: dict(u[k].attrs) for k in ("spike_times", "spike_times_index", "id")}
        for k in keep:
            del u[k]
        st = u.create_dataset("spike_times", shape=(int(counts.sum()),), dtype="f8", chunks=True if compression else None,
                              compression=compression, compression_opts=4 if compression else None)
        pos = 0
        for c in counts:  # one unit at a time keeps generation memory small
            t = np.sort(rng.uniform(0, duration, int(c)))
            st[pos:pos + c] = t
            pos += c
        ix = u.create_dataset("spike_times_index", data=np.cumsum(counts).astype(np.uint32))
        idd = u.create_dataset("id", data=np.arange(n_units, dtype=np.int64))
        for k, ds in (("spike_times", st), ("spike_times_index", ix), ("id", idd)):
            for a, v in keep[k].items():
                if a != "target":
                    ds.attrs[a] = v
        ix.attrs["target"] = st.ref
    print(f"{path}: {counts.sum()} spikes, {n_units} units, {os.path.getsize(path) / 1e6:.1f} MB on disk")
