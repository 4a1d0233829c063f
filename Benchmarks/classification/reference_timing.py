#!/usr/bin/env python3
"""Python reference timings for Benchmarks/classification/run.sh (same definitions, straightforward numpy/scipy).

reference_timing.py UNITS1000.nwb UNITS200.nwb [N_PAIRS]
  1. waveform features (scipy natural CubicSpline x10) + spike-train features + k-means (100 restarts) for all units;
  2. the connection check with 1000 jitters for N_PAIRS (default 20) random directed pairs, the textbook way (jitter
     the whole target train, histogram the lags with searchsorted), extrapolated to all 200*199 directed pairs.
"""
import sys
import time

import h5py
import numpy as np
from scipy.interpolate import CubicSpline


def load(path):
    with h5py.File(path, "r") as h:
        u = h["units"]
        st, idx = u["spike_times"][()], u["spike_times_index"][()]
        wf = u["waveform_mean"][()]
        fs = u["waveform_sampling_rate_hz"][()]
    trains = np.split(st, idx[:-1])
    return trains, wf, fs


def features(w, fs):
    u = CubicSpline(np.arange(len(w)), w, bc_type="natural")(np.arange(10 * (len(w) - 1) + 1) / 10)
    it = int(np.argmin(u))
    ip = it + 1 + int(np.argmax(u[it + 1:]))
    base = np.mean(w[:max(1, (it // 10) // 4)])
    level = base - (base - u[it]) / 2
    left = np.nonzero(u[:it] >= level)[0][-1]
    right = it + 1 + np.nonzero(u[it + 1:] >= level)[0][0]
    return (ip - it) * 100 / fs, (right - left) * 100 / fs


def kmeans(X, restarts=100, seed=0):
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(restarts):
        c = X[rng.choice(len(X), 2, replace=False)]
        for _ in range(300):
            a = np.argmin(((X[:, None] - c[None]) ** 2).sum(-1), 1)
            nc = np.array([X[a == k].mean(0) if np.any(a == k) else c[k] for k in range(2)])
            if np.allclose(nc, c):
                break
            c = nc
        inertia = ((X - c[a]) ** 2).sum()
        if best is None or inertia < best[0]:
            best = (inertia, c, a)
    return best


def train_stats(t, duration):
    isi = np.diff(t)
    cv = np.std(isi, ddof=1) / np.mean(isi)
    burst = np.mean(isi < 0.006)
    parts, k = [], 1
    while k < len(t):
        dk = t[k:] - t[:-k]
        if not np.any(dk < 0.05):
            break
        parts.append(dk[dk < 0.05])
        k += 1
    acg = np.bincount((np.concatenate(parts) / 0.001).astype(int), minlength=50) if parts else None
    return len(t) / duration, cv, burst, acg


def ccg_window(pre, post, lo=0.001, hi=0.006, binw=0.0005):
    """Counts of post − pre lags in [lo, hi) in bins of binw, vectorised over the pre spikes."""
    nb = int(round((hi - lo) / binw))
    a = np.searchsorted(post, pre + lo)
    b = np.searchsorted(post, pre + hi)
    c = np.zeros(nb, dtype=np.int64)
    m = 0
    while True:
        sel = (b - a) > m
        if not np.any(sel):
            break
        lags = post[a[sel] + m] - pre[sel]
        c += np.bincount(np.minimum(((lags - lo) / binw).astype(int), nb - 1), minlength=nb)
        m += 1
    return c


def main():
    f1000, f200 = sys.argv[1], sys.argv[2]
    npairs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    trains, wf, fs = load(f1000)
    t0 = time.perf_counter()
    X = np.array([features(w, r) for w, r in zip(wf, fs)])
    dur = max(t[-1] for t in trains if len(t)) - min(t[0] for t in trains if len(t))
    stats = [train_stats(t, dur) for t in trains]
    Z = (X - X.mean(0)) / X.std(0, ddof=1)
    kmeans(Z)
    t1 = time.perf_counter()
    print(f"python: classify {len(trains)} units (features + spike-train stats + k-means x100): {t1 - t0:.1f} s")

    trains, _, _ = load(f200)
    rng = np.random.default_rng(1)
    n = len(trains)
    t0 = time.perf_counter()
    for _ in range(npairs):
        i, j = rng.choice(n, 2, replace=False)
        pre, post = trains[i], trains[j]
        ccg_window(pre, post)
        sur = np.empty((1000, 10))
        for s in range(1000):
            jit = np.sort(post + rng.uniform(-0.005, 0.005, len(post)))
            sur[s] = ccg_window(pre, jit)
        np.quantile(sur, [0.005, 0.995], axis=0)
    dt = (time.perf_counter() - t0) / npairs
    print(f"python: connection check {dt:.2f} s per directed pair x 1000 jitters ({npairs} pairs timed); "
          f"extrapolated to {n * (n - 1)} directed pairs: {dt * n * (n - 1) / 3600:.1f} h on one core")


if __name__ == "__main__":
    main()
