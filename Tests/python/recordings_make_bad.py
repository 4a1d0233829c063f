"""Builds deliberately broken copies of an NWB file with h5py for the reader's validation tests.

Usage: recordings_make_bad.py SOURCE.nwb OUTDIR -> prints JSON {case: {"path": ..., ...expected facts}}.
The source must have /units (ragged spike_times) and /intervals/sleep_states with >= 2 rows.
"""
import json
import os
import shutil
import sys

import h5py
import numpy as np

src, outdir = sys.argv[1], sys.argv[2]
cases = {}


def copy(name):
    p = os.path.join(outdir, name + ".nwb")
    shutil.copyfile(src, p)
    os.chmod(p, 0o644)
    return p


def replace(f, path, values):
    attrs = dict(f[path].attrs)
    del f[path]
    f.create_dataset(path, data=values)
    for k, v in attrs.items():
        f[path].attrs[k] = v


with h5py.File(src, "r") as f:
    st = f["units/spike_times"][()]
    idx = f["units/spike_times_index"][()].astype(np.int64)
    ids = f["units/id"][()]
    starts = f["intervals/sleep_states/start_time"][()]
    stops = f["intervals/sleep_states/stop_time"][()]

# NaN / Inf in unit row 2
for bad, name in ((np.nan, "nan_spike"), (np.inf, "inf_spike")):
    p = copy(name)
    with h5py.File(p, "r+") as f:
        v = st.copy()
        v[idx[1] + 3] = bad
        replace(f, "units/spike_times", v)
    cases[name] = {"path": p, "unit_id": int(ids[2]), "row": 2}

# unsorted trains in unit rows 0 and 4
p = copy("unsorted")
with h5py.File(p, "r+") as f:
    v = st.copy()
    v[[0, 1]] = v[[1, 0]]
    a = idx[3]
    v[a:idx[4]] = v[a:idx[4]][::-1]
    replace(f, "units/spike_times", v)
cases["unsorted"] = {"path": p, "unit_ids": [int(ids[0]), int(ids[4])]}

# spikes outside every epoch: shorten the last state epoch
p = copy("outside")
cut = float(stops[-1]) - 100.0
with h5py.File(p, "r+") as f:
    s = stops.copy()
    s[-1] = cut
    replace(f, "intervals/sleep_states/stop_time", s)
inside = np.zeros(len(st), dtype=bool)
for a, b in zip(starts, np.r_[stops[:-1], cut]):
    inside |= (st >= a) & (st < b)
cases["outside"] = {"path": p, "count": int((~inside).sum()), "total": int(len(st))}

# overlapping epochs of different states
p = copy("overlap")
with h5py.File(p, "r+") as f:
    s = stops.copy()
    s[0] = starts[1] + 50.0
    replace(f, "intervals/sleep_states/stop_time", s)
cases["overlap"] = {"path": p}

# negative duration in row 1
p = copy("negative")
with h5py.File(p, "r+") as f:
    s = stops.copy()
    s[1] = starts[1] - 10.0
    replace(f, "intervals/sleep_states/stop_time", s)
cases["negative"] = {"path": p, "row": 1}

# no /units at all
p = copy("no_units")
with h5py.File(p, "r+") as f:
    del f["units"]
cases["no_units"] = {"path": p}

# index stored as signed int64 / int32 / uint64 (writers differ)
for dt in ("int64", "int32", "uint64"):
    p = copy("index_" + dt)
    with h5py.File(p, "r+") as f:
        target = f["units/spike_times_index"].attrs["target"]
        replace(f, "units/spike_times_index", idx.astype(dt))
    cases["index_" + dt] = {"path": p, "counts": [int(c) for c in np.diff(np.r_[0, idx])]}

# an empty unit: move all of unit row 1's spikes away (index repeats)
p = copy("empty_unit")
with h5py.File(p, "r+") as f:
    keep = np.r_[st[:idx[0]], st[idx[1]:]]
    ni = idx.copy()
    ni[1:] -= idx[1] - idx[0]
    replace(f, "units/spike_times", keep)
    replace(f, "units/spike_times_index", ni.astype(np.uint32))
cases["empty_unit"] = {"path": p, "unit_id": int(ids[1])}

# the same spike times in gzip chunks (with and without byte-shuffle, a partial last chunk): the reader's
# parallel inflate path must give exactly the stored values
for name, shuffle, chunk in (("gzip_chunks", False, 1000), ("gzip_shuffle", True, 999)):
    p = copy(name)
    with h5py.File(p, "r+") as f:
        attrs = dict(f["units/spike_times"].attrs)
        del f["units/spike_times"]
        ds = f["units"].create_dataset("spike_times", data=st, chunks=(chunk,), compression="gzip", shuffle=shuffle)
        for k, v in attrs.items():
            ds.attrs[k] = v
        f["units/spike_times_index"].attrs["target"] = ds.ref
    cases[name] = {"path": p, "chunks": int(-(-len(st) // chunk))}

# > 1 Mi spikes, contiguous and gzip-chunked (the reader's direct pread and parallel inflate paths)
big = np.concatenate([st + 1300.0 * k for k in range(13)])          # 13 x 98,794 = 1,284,322 spikes
big_idx = np.cumsum(np.diff(np.r_[0, idx]) * 13)                     # unit u gets 13 copies of its train
order = np.concatenate([np.concatenate([np.arange(idx[u - 1] if u else 0, idx[u]) + k * len(st) for k in range(13)])
                        for u in range(len(idx))])
big = big[order]
for name, compression in (("big_contiguous", None), ("big_gzip", "gzip")):
    p = copy(name)
    with h5py.File(p, "r+") as f:
        attrs = dict(f["units/spike_times"].attrs)
        del f["units/spike_times"]
        ds = f["units"].create_dataset("spike_times", data=big, compression=compression,
                                       chunks=(20000,) if compression else None)
        for k, v in attrs.items():
            ds.attrs[k] = v
        replace(f, "units/spike_times_index", big_idx.astype(np.uint32))
        f["units/spike_times_index"].attrs["target"] = ds.ref
    cases[name] = {"path": p, "count": int(len(big)), "sum": repr(float(big.sum())), "last": repr(float(big[-1])),
                   "counts": [int(c) for c in np.diff(np.r_[0, big_idx])]}

print(json.dumps(cases))
