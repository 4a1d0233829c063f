#!/usr/bin/env python3
"""Python reference for `lfp-bench aperiodic`: per channel, scipy.signal.welch (2 s Hann, 50 %) then the
30-50 Hz OLS fit (numpy.polyfit) and fooof 1.1.1 fixed mode over 1-40 Hz, for 96 channels x 1 h at 1 kHz.
Signal generation (an AR(1) + 10 Hz sine, scipy.signal.lfilter) is excluded from the timings."""
import argparse
import time
import warnings

import numpy as np
from scipy.signal import lfilter, welch

warnings.filterwarnings("ignore")
from fooof import FOOOF  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--channels", type=int, default=96)
ap.add_argument("--hours", type=float, default=1)
ap.add_argument("--fs", type=float, default=1000)
a = ap.parse_args()
n = int(a.hours * 3600 * a.fs)
rng = np.random.default_rng(7)
tw = tf = tg = cw = cf = 0.0
chis = []
sine = 3 * np.sin(2 * np.pi * 10 * np.arange(n) / a.fs)
for c in range(a.channels):
    g = time.time()
    phi = 0.9 + 0.0009 * c
    x = lfilter([1.0], [1.0, -phi], rng.standard_normal(n)) + sine
    tg += time.time() - g
    s = time.time()
    cs = time.process_time()
    f, p = welch(x, fs=a.fs, window="hann", nperseg=int(2 * a.fs), noverlap=int(a.fs))
    m = time.time()
    cm = time.process_time()
    band = (f >= 30) & (f <= 50)
    chi = -np.polyfit(np.log10(f[band]), np.log10(p[band]), 1)[0]
    fm = FOOOF(aperiodic_mode="fixed", verbose=False)
    fm.fit(f, p, [1, 40])
    e = time.time()
    ce = time.process_time()
    cw += cm - cs
    cf += ce - cm
    tw += m - s
    tf += e - m
    chis.append(chi)
print(f"aperiodic reference: {a.channels} channels x {a.hours} h at {a.fs} Hz (signal generation {tg:.1f} s, excluded)")
print(f"  wall: Welch {tw:.2f} s, fits (30-50 Hz polyfit + 1-40 Hz fooof fixed) {tf:.3f} s, total {tw + tf:.2f} s")
print(f"  CPU:  Welch {cw:.2f} s, fits {cf:.3f} s, total {cw + cf:.2f} s")
print(f"  mean chi(30-50) {np.mean(chis):.3f}")
