"""Independent check of files written by NWBWriter: pynwb reads them (no validation errors checked separately
with pynwb-validate). Prints a JSON summary of what pynwb sees.

Usage: recordings_pynwb_check.py FILE [CLASS_COLUMN]
"""
import json
import sys
import warnings

import numpy as np
from pynwb import NWBHDF5IO

path = sys.argv[1]
class_col = sys.argv[2] if len(sys.argv) > 2 else "cell_class"
warnings.simplefilter("ignore")
with NWBHDF5IO(path, "r") as io:
    nwb = io.read()
    out = {"subject": nwb.subject.subject_id if nwb.subject is not None else None,
           "session": nwb.session_id, "units": 0, "spike_counts": [], "spike_sums": [], "classes": [],
           "ids": [], "electrodes": 0, "intervals": {}, "signals": {}, "waveform_shape": None, "extra": {}}
    if nwb.units is not None:
        u = nwb.units
        out["units"] = len(u)
        out["ids"] = [int(i) for i in u.id[:]]
        for i in range(len(u)):
            st = np.asarray(u["spike_times"][i])
            out["spike_counts"].append(int(len(st)))
            out["spike_sums"].append(repr(float(np.sum(st))))
        if class_col in u.colnames:
            out["classes"] = [str(x) for x in u[class_col][:]]
        if "waveform_mean" in u.colnames:
            out["waveform_shape"] = list(np.asarray(u["waveform_mean"].data).shape)
            out["waveform_rate"] = float(u["waveform_mean"].data.attrs["sampling_rate"]) if hasattr(u["waveform_mean"].data, "attrs") else None
        if "electrodes" in u.colnames:
            out["unit_electrode_ids"] = [[int(x) for x in u["electrodes"][i].index] for i in range(len(u))]
        for c in u.colnames:
            if c not in ("spike_times", "electrodes", "waveform_mean", class_col):
                out["extra"][c] = [x if isinstance(x, str) else float(x) for x in u[c][:]]
    if nwb.electrodes is not None:
        out["electrodes"] = len(nwb.electrodes)
    for name, t in nwb.intervals.items():
        df = t.to_dataframe()
        col = "state" if "state" in df.columns else "tags"
        out["intervals"][name] = [[float(a), float(b), (s if isinstance(s, str) else list(s))]
                                  for a, b, s in zip(df["start_time"], df["stop_time"], df[col])]
    series = dict(nwb.acquisition)
    if "ecephys" in nwb.processing:
        for iface in nwb.processing["ecephys"].data_interfaces.values():
            for n, es in getattr(iface, "electrical_series", {}).items():
                series["LFP/" + n] = es
    for n, es in series.items():
        data = np.asarray(es.data[:])
        volts = es.get_data_in_units() if hasattr(es, "get_data_in_units") else data * es.conversion
        out["signals"][n] = {"shape": list(data.shape), "rate": es.rate,
                             "volts_sum": repr(float(np.sum(np.asarray(volts, dtype=np.float64)))),
                             "electrodes": [int(x) for x in es.electrodes.data[:]]}
print(json.dumps(out))
