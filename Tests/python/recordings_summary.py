"""Independent reference for the NWB reader tests: summarises NWB files with h5py (not pynwb, not our code).

Usage: recordings_summary.py FILE... -> JSON list, one object per file:
  units, spikes, first/last spike time, per-unit counts, rows of every /intervals table, ElectricalSeries shapes.
"""
import json
import sys

import h5py
import numpy as np


def summarise(path):
    out = {"file": path, "units": 0, "spikes": 0, "first": None, "last": None, "unit_counts": [],
           "intervals": {}, "signals": {}}
    with h5py.File(path, "r") as f:
        if "units" in f:
            u = f["units"]
            n = len(u["id"]) if "id" in u else 0
            out["units"] = int(n)
            if "spike_times" in u:
                st = u["spike_times"][()]
                idx = u["spike_times_index"][()].astype(np.int64) if "spike_times_index" in u else np.array([len(st)])
                out["spikes"] = int(len(st))
                counts = np.diff(np.concatenate([[0], idx]))
                out["unit_counts"] = [int(c) for c in counts]
                if len(st):
                    # per-unit sorted first/last, then global min/max
                    # repr strings: exact round trip (JSON number parsers may round)
                    out["first"] = repr(float(np.min(st)))
                    out["last"] = repr(float(np.max(st)))
        if "intervals" in f and "epochs" in f["intervals"] and "tags" in f["intervals/epochs"]:
            out["epoch_rows_with_tags"] = int((np.diff(np.r_[0, f["intervals/epochs/tags_index"][()].astype(np.int64)]) > 0).sum())
        if "intervals" in f:
            for name, g in f["intervals"].items():
                if isinstance(g, h5py.Group) and "start_time" in g:
                    out["intervals"][name] = int(len(g["start_time"]))
                    if "state" in g and name != "epochs":
                        out["state_rows"] = out.get("state_rows", 0) + int(len(g["start_time"]))
        for parent in ("acquisition", "processing/ecephys", "processing/ecephys/LFP"):
            if parent not in f:
                continue
            for name, g in f[parent].items():
                if isinstance(g, h5py.Group) and g.attrs.get("neurodata_type") == "ElectricalSeries":
                    d = g["data"]
                    rate = g["starting_time"].attrs.get("rate") if "starting_time" in g else None
                    out["signals"][name] = {"shape": list(d.shape), "rate": float(rate) if rate is not None else None,
                                            "conversion": float(d.attrs.get("conversion", 1.0)),
                                            "row10": [float(x) for x in np.atleast_1d(d[min(10, d.shape[0] - 1)])]}
    return out


if __name__ == "__main__":
    print(json.dumps([summarise(p) for p in sys.argv[1:]]))
