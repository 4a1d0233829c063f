#!/usr/bin/env python3
"""Independent references for the unit classifier (METHODS §1), used by Tests/ClassificationTests.

Subcommands (all print JSON on stdout):
  spline N_POINTS SEED FACTOR      scipy CubicSpline(bc_type="natural") upsampling of a random signal
  waveform FILE.json               trough-to-peak / half-width of waveforms given as {"fs":..., "waveforms":[[...]]}
  trainstats FILE.json             firing rate, ISI CV, burst index, ACG peak of trains {"duration":..., "trains":[[...]]}
  realfeatures                     features of every real a1/a2 unit (h5py), for calibration/validation tables
"""
import json
import sys

import numpy as np
from scipy.interpolate import CubicSpline


def upsample(y, factor):
    x = np.arange(len(y), dtype=float)
    cs = CubicSpline(x, y, bc_type="natural")
    return cs(np.arange(factor * (len(y) - 1) + 1) / factor)


def waveform_features(w, fs, factor=10):
    """Same definitions as Sources/Classification/WaveformFeatures.swift, written independently."""
    w = np.asarray(w, dtype=float)
    u = upsample(w, factor)
    dt_ms = 1000.0 / (fs * factor)
    it = int(np.argmin(u))
    n_base = max(1, (it // factor) // 4)
    base = float(np.mean(w[:n_base]))
    if it == len(u) - 1:
        return None
    ip = it + 1 + int(np.argmax(u[it + 1:]))
    ttp = (ip - it) * dt_ms
    depth = base - u[it]
    height = float(np.max(u)) - base
    level = base - depth / 2
    hw = None
    if depth > 0:
        left = np.nonzero(u[:it] >= level)[0]
        right = np.nonzero(u[it + 1:] >= level)[0]
        if len(left) and len(right):
            j = left[-1]  # u[j] >= level, u[j+1] < level
            xl = j + (u[j] - level) / (u[j] - u[j + 1])
            k = it + 1 + right[0]  # u[k] >= level, u[k-1] < level
            xr = (k - 1) + (level - u[k - 1]) / (u[k] - u[k - 1])
            hw = (xr - xl) * dt_ms
    return {"ttp": ttp, "hw": hw, "depth": depth, "height": height, "baseline": base}


def train_stats(t, duration, burst=0.006, win=0.05, binw=0.001):
    t = np.asarray(t, dtype=float)
    out = {"rate": len(t) / duration if duration > 0 else 0.0, "cv": None, "burst": None, "acg": None}
    if len(t) >= 2:
        isi = np.diff(t)
        out["burst"] = float(np.mean(isi < burst))
        if len(t) >= 3:
            out["cv"] = float(np.std(isi, ddof=1) / np.mean(isi))
        parts, k = [], 1
        while k < len(t):
            dk = t[k:] - t[:-k]
            if not np.any(dk < win):
                break
            parts.append(dk[(dk > 0) & (dk < win)])
            k += 1
        d = np.concatenate(parts) if parts else np.zeros(0)
        if len(d):
            nb = int(round(win / binw))
            c = np.bincount(np.minimum((d / binw).astype(int), nb - 1), minlength=nb)
            out["acg"] = (int(np.argmax(c)) + 0.5) * binw * 1000
    return out


def real_features():
    import glob
    import os
    import h5py
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.path.join(here, "..", "..", "..", "shared", "data")
    rows = []
    for f in sorted(glob.glob(os.path.join(data, "a1_*", "*.nwb")) + glob.glob(os.path.join(data, "a2_*", "*.nwb"))):
        with h5py.File(f, "r") as h:
            u = h["units"]
            wf = u["waveform_mean"][()]
            fs = u["waveform_sampling_rate_hz"][()]
            ids = u["id"][()]
            def col(name):
                if name in u:
                    v = u[name][()]
                    return [x.decode() if isinstance(x, bytes) else x for x in v]
                return [None] * len(ids)
            gl, pt, ttp_ce = col("gt_label"), col("cellexplorer_putative_type"), col("trough_to_peak_ms")
            for i in range(len(ids)):
                feat = waveform_features(wf[i], fs[i])
                rows.append({"file": os.path.basename(f), "id": int(ids[i]), "gt_label": gl[i], "putative": pt[i],
                             "ttp_cellexplorer": None if ttp_ce[i] is None else float(ttp_ce[i]), **(feat or {})})
    return rows


def main():
    cmd = sys.argv[1]
    if cmd == "spline":
        n, seed, factor = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        y = np.random.default_rng(seed).normal(size=n)
        print(json.dumps({"y": y.tolist(), "up": upsample(y, factor).tolist()}))
    elif cmd == "waveform":
        spec = json.load(open(sys.argv[2]))
        print(json.dumps([waveform_features(w, spec["fs"]) for w in spec["waveforms"]]))
    elif cmd == "trainstats":
        spec = json.load(open(sys.argv[2]))
        print(json.dumps([train_stats(t, spec["duration"]) for t in spec["trains"]]))
    elif cmd == "realfeatures":
        print(json.dumps(real_features()))
    else:
        raise SystemExit("unknown subcommand " + cmd)


if __name__ == "__main__":
    main()
