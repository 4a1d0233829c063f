#!/usr/bin/env python3
"""Python reference for `lfp-bench spatial`: pairwise spike-count correlations of 200 Poisson units over 8 h
at 10, 100 and 1000 ms bins, NumPy float64 (OpenBLAS matmul), chunked over bins like the Swift kernel
(the dense 200 x 2.88 M count matrix at 10 ms would need 4.6 GB). Generation time is excluded."""
import argparse
import time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--units", type=int, default=200)
ap.add_argument("--hours", type=float, default=8)
ap.add_argument("--rate", type=float, default=5)
a = ap.parse_args()
dur = a.hours * 3600
rng = np.random.default_rng(42)
t0 = time.time()
trains = [np.sort(rng.uniform(0, dur, rng.poisson(a.rate * dur))) for _ in range(a.units)]
print(f"spatial reference: {a.units} units, {a.hours} h, {sum(len(t) for t in trains)} spikes "
      f"(generated in {time.time() - t0:.1f} s)")
total = totalc = 0.0
for ms in (10, 100, 1000):
    s = time.time()
    sc = time.process_time()
    w = ms / 1000
    k = int(np.floor(dur / w))
    chunk = 8192
    g = np.zeros((a.units, a.units))
    sums = np.zeros(a.units)
    idx = [np.floor(t / w).astype(np.int64) for t in trains]
    for b0 in range(0, k, chunk):
        cb = min(chunk, k - b0)
        x = np.zeros((a.units, cb))
        for u, b in enumerate(idx):
            lo, hi = np.searchsorted(b, [b0, b0 + cb])
            np.add.at(x[u], b[lo:hi] - b0, 1)
        g += x @ x.T
        sums += x.sum(axis=1)
    cov = (g - np.outer(sums, sums) / k) / (k - 1)
    sd = np.sqrt(np.diag(cov))
    r = cov / np.outer(sd, sd)
    el = time.time() - s
    ec = time.process_time() - sc
    total += el
    totalc += ec
    iu = np.triu_indices(a.units, 1)
    print(f"  bin {ms} ms: wall {el:.2f} s, CPU {ec:.2f} s (mean r {r[iu].mean():.5f})")
print(f"  total wall {total:.2f} s, CPU {totalc:.2f} s")
