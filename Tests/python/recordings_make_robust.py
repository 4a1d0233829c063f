"""Builds small NWB-like HDF5 files from scratch with h5py for the issue-18 robustness tests (no shared data).

Usage: recordings_make_robust.py OUTDIR -> prints JSON {case: {"path": ..., ...expected facts}}.
Every file has 4 units (2 E, 2 I by `cell_type`) firing regularly over [0, 100) s unless the case says otherwise.
"""
import json
import os
import sys

import h5py
import numpy as np

outdir = sys.argv[1]
cases = {}
RNG = np.random.default_rng(18)


def trains(n_units=4, rate=20.0, span=100.0):
    out = [np.sort(RNG.uniform(0.0, span, int(rate * span))) for _ in range(n_units)]
    return out


def vlen_str(g, name, values):
    g.create_dataset(name, data=np.array(values, dtype=object), dtype=h5py.string_dtype())


def write_units(f, path, spikes, labels, index_dtype="int64", times_dtype="float64"):
    g = f.create_group(path)
    g.attrs["neurodata_type"] = "Units"
    g.attrs["namespace"] = "core"
    g.attrs["colnames"] = np.array(["spike_times", "cell_type"], dtype=object)
    g.create_dataset("id", data=np.arange(len(spikes), dtype=np.int64))
    flat = np.concatenate(spikes) if spikes else np.zeros(0)
    g.create_dataset("spike_times", data=flat.astype(times_dtype))
    g.create_dataset("spike_times_index", data=np.cumsum([len(s) for s in spikes]).astype(index_dtype))
    vlen_str(g, "cell_type", labels)
    return g


def write_intervals(f, name, rows, column="state"):
    g = f.require_group("intervals").create_group(name)
    g.attrs["neurodata_type"] = "TimeIntervals"
    g.create_dataset("id", data=np.arange(len(rows), dtype=np.int64))
    g.create_dataset("start_time", data=np.array([r[0] for r in rows], dtype=float))
    g.create_dataset("stop_time", data=np.array([r[1] for r in rows], dtype=float))
    vlen_str(g, column, [r[2] for r in rows])


def write_tags(f, rows):
    """/intervals/epochs with ragged tags (one tag per row)."""
    g = f.require_group("intervals").create_group("epochs")
    g.attrs["neurodata_type"] = "TimeIntervals"
    g.create_dataset("id", data=np.arange(len(rows), dtype=np.int64))
    g.create_dataset("start_time", data=np.array([r[0] for r in rows], dtype=float))
    g.create_dataset("stop_time", data=np.array([r[1] for r in rows], dtype=float))
    vlen_str(g, "tags", [r[2] for r in rows])
    g.create_dataset("tags_index", data=np.arange(1, len(rows) + 1, dtype=np.int64))


def nwb(name, version="2.7.0"):
    p = os.path.join(outdir, name + ".nwb")
    f = h5py.File(p, "w")
    if version is not None:
        f.attrs["nwb_version"] = version
        f.attrs["neurodata_type"] = "NWBFile"
        f.attrs["namespace"] = "core"
    f.create_group("acquisition")
    f.create_group("general")
    return p, f


LABELS = ["E", "E", "I", "I"]
base = trains()

# 1. overlapping epochs of one state, and the same file with them merged
for name, rows in (("overlap_same", [(0, 40, "wake"), (30, 70, "wake"), (70, 100, "nrem_deep")]),
                   ("overlap_merged", [(0, 70, "wake"), (70, 100, "nrem_deep")])):
    p, f = nwb(name)
    write_units(f, "units", base, LABELS)
    write_intervals(f, "sleep_states", rows)
    f.close()
    cases[name] = {"path": p, "wake_s": 70.0}

# 2. a zero-length epoch of its own state
p, f = nwb("zero_length")
write_units(f, "units", base, LABELS)
write_intervals(f, "sleep_states", [(0, 70, "wake"), (70, 70, "rem"), (70, 100, "nrem_deep")])
f.close()
cases["zero_length"] = {"path": p, "row": 1}

# 3. overlapping stimulus epochs in /intervals/epochs, states in a table with another column name;
#    and two state tables that overlap each other
p, f = nwb("trial_epochs")
write_units(f, "units", base, LABELS)
write_tags(f, [(0, 10, "stim_a"), (5, 15, "stim_b"), (20, 30, "stim_a")])
write_intervals(f, "hypnogram", [(0, 50, "wake"), (50, 100, "nrem_deep")], column="stage")
f.close()
cases["trial_epochs"] = {"path": p, "table": "hypnogram", "column": "stage"}
#    trial epochs beside a state table (ignored with a warning naming their labels); and /intervals/epochs whose
#    overlapping labels are all brain states (still an error)
p, f = nwb("trial_and_states")
write_units(f, "units", base, LABELS)
write_tags(f, [(0, 10, "stim_a"), (5, 15, "stim_b")])
write_intervals(f, "sleep_states", [(0, 50, "wake"), (50, 100, "nrem_deep")])
f.close()
cases["trial_and_states"] = {"path": p}
p, f = nwb("epochs_states_overlap")
write_units(f, "units", base, LABELS)
write_tags(f, [(0, 60, "wake"), (50, 100, "rem")])
f.close()
cases["epochs_states_overlap"] = {"path": p}
p, f = nwb("two_state_tables")
write_units(f, "units", base, LABELS)
write_intervals(f, "scored_a", [(0, 50, "wake"), (50, 100, "nrem_deep")])
write_intervals(f, "scored_b", [(0, 60, "wake"), (60, 100, "nrem_deep")])
f.close()
cases["two_state_tables"] = {"path": p}

# 7. nothing to analyse
for name, spikes, labels in (("no_units", [], []),
                             ("no_spikes", [np.zeros(0)] * 4, LABELS),
                             ("no_i", base, ["E"] * 4),
                             ("no_e", base, ["I"] * 4)):
    p, f = nwb(name)
    write_units(f, "units", spikes, labels)
    write_intervals(f, "sleep_states", [(0, 100, "wake")])
    f.close()
    cases[name] = {"path": p}

# 8. integer spike times (milliseconds)
p, f = nwb("int_spikes")
write_units(f, "units", [np.round(s * 1000) for s in base], LABELS, times_dtype="int32")
f.close()
cases["int_spikes"] = {"path": p, "spikes": int(sum(len(s) for s in base))}

# 4. NWB 2.0b region-reference index (as MatNWB 2018 wrote it)
p, f = nwb("region_index", version="2.0b")
g = write_units(f, "units", base, LABELS)
ends = np.cumsum([len(s) for s in base])
starts = np.r_[0, ends[:-1]]
del g["spike_times_index"]
st = g["spike_times"]
refs = g.create_dataset("spike_times_index", (len(base),), dtype=h5py.regionref_dtype)
for u, (a, b) in enumerate(zip(starts, ends)):
    refs[u] = st.regionref[int(a):int(b)]
f.close()
cases["region_index"] = {"path": p, "counts": [int(len(s)) for s in base]}

# 5. NWB 1.x and plain HDF5
p, f = nwb("nwb1", version=None)
f.create_dataset("nwb_version", data="NWB-1.0.6", dtype=h5py.string_dtype())
f.close()
cases["nwb1"] = {"path": p}
p = os.path.join(outdir, "plain.nwb")
with h5py.File(p, "w") as f:
    f.create_dataset("x", data=np.arange(3))
cases["plain"] = {"path": p}

# 6. a Units table elsewhere, two Units tables, an ElectricalSeries inside an LFP container
p, f = nwb("units_elsewhere")
write_units(f, "acquisition/UnitsTest", base, LABELS)
lfp = f["acquisition"].create_group("LFP")
lfp.attrs["neurodata_type"] = "LFP"
for k in (1, 2):
    es = lfp.create_group("es%d" % k)
    es.attrs["neurodata_type"] = "ElectricalSeries"
    es.create_dataset("data", data=np.arange(20 * k, dtype=float).reshape(10, 2 * k))
    es.create_dataset("starting_time", data=0.0).attrs["rate"] = 100.0
f.close()
cases["units_elsewhere"] = {"path": p, "units_path": "/acquisition/UnitsTest", "spikes": int(sum(len(s) for s in base)),
                            "signals": {"es1": [10, 2], "es2": [10, 4]}}
p, f = nwb("two_units")
write_units(f, "acquisition/A", base, LABELS)
write_units(f, "processing/B", base[:2], LABELS[:2])
f.close()
cases["two_units"] = {"path": p, "spikes_b": int(len(base[0]) + len(base[1]))}

# 8. a long sparse recording: 48 h, 4,107 spikes of 3 E and 3 I units, no epochs (issue 18 item 8: memory must
#    follow the spikes, not the 172.8 million 1-ms bins)
span = 48 * 3600.0
counts = [685, 685, 685, 684, 684, 684]
sparse = [np.sort(RNG.uniform(1.0, span - 1.0, n)) for n in counts]
p, f = nwb("sparse_long")
write_units(f, "units", sparse, ["E", "E", "E", "I", "I", "I"])
f.close()
cases["sparse_long"] = {"path": p, "spikes": int(sum(counts)), "hours": 48}

print(json.dumps(cases))
