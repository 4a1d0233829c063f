"""Independent h5py summary of third-party NWB files (issue 18), for RecordingsTests.ThirdPartyFixtureTests.

Usage: recordings_thirdparty_check.py FILE... -> JSON list, one object per file:
  kind: "nwb1" (a /nwb_version dataset or an nwb_version attribute 1.x), "not_nwb" (no NWB attribute or group),
        or "nwb2";
  units_tables: paths of groups whose neurodata_type is Units; units_path: /units, else the only one;
  unit_counts: spikes per unit of that table (region-reference indices resolved with h5py);
  signals: {name: shape} of every group whose neurodata_type is ElectricalSeries.
"""
import json
import sys

import h5py
import numpy as np


def text(v):
    if isinstance(v, np.ndarray):
        v = v.flat[0] if v.size else ""
    return v.decode() if isinstance(v, bytes) else str(v)


def summarise(path):
    out = {"file": path, "kind": "nwb2", "units_tables": [], "units_path": None, "unit_counts": [], "signals": {}}
    with h5py.File(path, "r") as f:
        version = text(f.attrs["nwb_version"]) if "nwb_version" in f.attrs else None
        if "nwb_version" in f and isinstance(f["nwb_version"], h5py.Dataset):
            out["kind"] = "nwb1"
        elif version is not None and (version.startswith("1.") or version.startswith("NWB-1")):
            out["kind"] = "nwb1"
        elif version is None and "neurodata_type" not in f.attrs and not any(
                g in f for g in ("acquisition", "general", "units", "intervals", "processing")):
            out["kind"] = "not_nwb"
        found = []

        def visit(name, obj):
            if isinstance(obj, h5py.Group) and "neurodata_type" in obj.attrs:
                t = text(obj.attrs["neurodata_type"])
                if t == "Units":
                    out["units_tables"].append("/" + name)
                elif t == "ElectricalSeries" and "data" in obj:
                    found.append((obj.name.split("/")[-1], list(obj["data"].shape)))
        f.visititems(visit)
        out["signals"] = {n: s for n, s in found}
        if "units" in f:
            out["units_path"] = "/units"
        elif len(out["units_tables"]) == 1:
            out["units_path"] = out["units_tables"][0]
        if out["units_path"]:
            u = f[out["units_path"]]
            st = u["spike_times"] if "spike_times" in u else None
            if st is not None and "spike_times_index" in u:
                idx = u["spike_times_index"]
                if h5py.check_dtype(ref=idx.dtype) is h5py.RegionReference:
                    out["unit_counts"] = [int(st[r].shape[0]) for r in idx[()]]
                else:
                    ends = idx[()].astype(np.int64)
                    out["unit_counts"] = [int(c) for c in np.diff(np.r_[0, ends])]
            elif st is not None:
                out["unit_counts"] = [int(st.shape[0])]
            out["units"] = int(len(u["id"])) if "id" in u else len(out["unit_counts"])
    return out


if __name__ == "__main__":
    print(json.dumps([summarise(p) for p in sys.argv[1:]]))
