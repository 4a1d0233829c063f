#!/usr/bin/env python3
"""Independent re-computation of the real-data aperiodic exponents in docs/lfp-validation.md with
scipy.signal.welch + numpy.polyfit (30-50 Hz) + fooof 1.1.1 fixed mode (1-40 Hz), reading the NWB files with h5py.
Usage: lfp_validation_check.py [DATA_DIR]  (default ../shared/data relative to the repository)."""
import os
import sys
import warnings

import h5py
import numpy as np
from scipy.signal import welch

warnings.filterwarnings("ignore")
from fooof import FOOOF  # noqa: E402

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data")


def chis(x, fs, nper):
    f, p = welch(x, fs=fs, window="hann", nperseg=nper, noverlap=nper // 2)
    m = (f >= 30) & (f <= 50) & (p > 0)
    narrow = -np.polyfit(np.log10(f[m]), np.log10(p[m]), 1)[0]
    fm = FOOOF(aperiodic_mode="fixed", verbose=False)
    fm.fit(f, p, [1, 40])
    return narrow, fm.aperiodic_params_[1]


print("| data | n | χ 30–50 Hz mean ± sd (Python) | χ 1–40 Hz mean ± sd (Python) |")
print("|---|---|---|---|")
for s in "ZONFS":
    with h5py.File(os.path.join(data, "b1_bonn_epilepsy_eeg", f"bonn_set_{s}.nwb"), "r") as h:
        d = h["acquisition/EEG/data"]
        x = d[:, 0].astype(float) * d.attrs.get("conversion", 1.0)
        fs = float(h["acquisition/EEG/starting_time"].attrs["rate"])
    vals = np.array([chis(x[k * 4097:(k + 1) * 4097], fs, int(round(2 * fs))) for k in range(100)])
    print(f"| Bonn {s} | 100 | {vals[:, 0].mean():.3f} ± {vals[:, 0].std(ddof=1):.3f} | "
          f"{vals[:, 1].mean():.3f} ± {vals[:, 1].std(ddof=1):.3f} |")
for name in ["yasa_resting_EO_wake_200Hz.nwb", "yasa_N2_spindles_15s_200Hz.nwb", "yasa_N3_30s_100Hz.nwb"]:
    with h5py.File(os.path.join(data, "c2_yasa_sleep_eeg_snippets", name), "r") as h:
        d = h["acquisition/EEG/data"]
        x = d[:].astype(float) * d.attrs.get("conversion", 1.0)
        fs = float(h["acquisition/EEG/starting_time"].attrs["rate"])
    for c in range(x.shape[1]):
        n, w = chis(x[:, c], fs, int(round(2 * fs)))
        print(f"| {name} ch{c} | 1 | {n:.3f} | {w:.3f} |")
