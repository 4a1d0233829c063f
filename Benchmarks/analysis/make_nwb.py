"""Writes a recording made by `kernels-bench --write FILE` as an NWB file (pynwb layout, gzip level 4 spike
times, a `cell_class` column with excitatory/inhibitory) with three states in alternating 10-minute epochs
(wake, nrem, rem), the shape of the issue-15 test recording.

Usage: make_nwb.py REC.bin OUT.nwb
"""
import datetime
import sys

import h5py
import numpy as np
from pynwb import NWBFile, NWBHDF5IO

src, out = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    n = int(np.frombuffer(f.read(8), "<u8")[0])
    duration = float(np.frombuffer(f.read(8), "<f8")[0])
    cls = np.frombuffer(f.read(n), "u1")
    offsets = np.frombuffer(f.read(8 * (n + 1)), "<i8")
    times = np.frombuffer(f.read(8 * int(offsets[-1])), "<f8")

nwb = NWBFile(session_description="issue-15 benchmark", identifier="bench15",
              session_start_time=datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc))
nwb.subject = None
nwb.add_unit_column("cell_class", "excitatory or inhibitory")
for u in range(n):
    nwb.add_unit(spike_times=[0.0], cell_class="excitatory" if cls[u] == 1 else "inhibitory")
states = ["wake", "nrem", "rem"]
t, n_epochs = 0.0, 0
while t < duration:
    stop = min(duration, t + 600.0)
    nwb.add_epoch(start_time=t, stop_time=stop, tags=[states[n_epochs % 3]])
    t, n_epochs = stop, n_epochs + 1
with NWBHDF5IO(out, "w") as io:
    io.write(nwb, cache_spec=False)
# Replace the placeholder spike times with the real ones (gzip 4, h5py's automatic chunks).
with h5py.File(out, "r+") as f:
    u = f["units"]
    keep = {k: dict(u[k].attrs) for k in ("spike_times", "spike_times_index")}
    for k in keep:
        del u[k]
    st = u.create_dataset("spike_times", data=times, chunks=True, compression="gzip", compression_opts=4)
    ix = u.create_dataset("spike_times_index", data=offsets[1:].astype(np.uint64))
    for k, ds in (("spike_times", st), ("spike_times_index", ix)):
        for a, v in keep[k].items():
            if a != "target":
                ds.attrs[a] = v
    ix.attrs["target"] = st.ref
print(f"{out}: {len(times)} spikes, {n} units, {duration / 3600:.2f} h, {n_epochs} epochs of {', '.join(states)}")
