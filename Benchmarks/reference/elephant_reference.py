#!/usr/bin/env python3
"""Elephant + NumPy reference timing for the issue-4 benchmark (METHODS §2, §3.2, §3.6).

Reads the recording written by `kernels-bench --write FILE` and, at each of the 32 scales, does what the Swift
kernels do for binning, correlation and cross-correlation, composed from the reference libraries:
  - Elephant `BinnedSpikeTrain` of all units (t_start 0, whole bins only), pooled E and I counts;
  - `np.corrcoef` of the pooled E and I series (Pearson r);
  - normalised cross-correlation for lags -20..20 bins with `np.correlate` (direct, O(K·L)).
Prints the time per stage and the total, CPU seconds (time.process_time) and wall seconds.

Usage: elephant_reference.py FILE [--scales 32]
"""
import math
import sys
import time

import numpy as np


def load(path):
    raw = open(path, "rb").read()
    n = int(np.frombuffer(raw, dtype="<u8", count=1)[0])
    duration = float(np.frombuffer(raw, dtype="<f8", count=1, offset=8)[0])
    pos = 16
    cls = np.frombuffer(raw, dtype="u1", count=n, offset=pos); pos += n
    off = np.frombuffer(raw, dtype="<i8", count=n + 1, offset=pos); pos += 8 * (n + 1)
    times = np.frombuffer(raw, dtype="<f8", count=int(off[-1]), offset=pos)
    return duration, cls, off, times


def main():
    path = sys.argv[1]
    scales = int(sys.argv[sys.argv.index("--scales") + 1]) if "--scales" in sys.argv else 32
    import quantities as pq
    import neo
    from elephant.conversion import BinnedSpikeTrain

    t_cpu, t_wall = time.process_time(), time.perf_counter()
    duration, cls, off, times = load(path)
    trains = [neo.SpikeTrain(times[off[u]:off[u + 1]] * pq.s, t_start=0 * pq.s, t_stop=duration * pq.s)
              for u in range(len(cls))]
    e_rows = np.where(cls == 1)[0]
    i_rows = np.where(cls == 2)[0]
    print(f"reference: {duration / 3600:.3f} h, {len(cls)} units, {len(times)} spikes; "
          f"load + neo objects {time.process_time() - t_cpu:.2f} s CPU")
    tb = tc = tx = 0.0
    t0w = time.perf_counter()
    checks = []
    for s in range(1, scales + 1):
        dt = math.exp(0.3 * (s - 1)) / 1000.0
        k = int(math.floor(duration / dt))
        while (k + 1) * dt <= duration:
            k += 1
        while k > 0 and k * dt > duration:
            k -= 1
        t_stop = k * dt
        a = time.process_time()
        clipped = [st.time_slice(0 * pq.s, t_stop * pq.s) for st in trains]
        bst = BinnedSpikeTrain(clipped, bin_size=dt * pq.s, t_start=0 * pq.s, t_stop=t_stop * pq.s)
        m = bst.sparse_matrix
        ce = np.asarray(m[e_rows].sum(axis=0), dtype=float).ravel()
        ci = np.asarray(m[i_rows].sum(axis=0), dtype=float).ravel()
        b = time.process_time()
        r = np.corrcoef(ce, ci)[0, 1]
        c = time.process_time()
        lag = min(20, k - 1)
        xc, yc = ce - ce.mean(), ci - ci.mean()
        padded = np.concatenate([np.zeros(lag), yc, np.zeros(lag)])
        rho = np.correlate(padded, xc, mode="valid") / (k * xc.std() * yc.std())
        d = time.process_time()
        tb += b - a; tc += c - b; tx += d - c
        checks.append((s, r, int(np.argmax(rho)) - lag))
    total = tb + tc + tx
    print(f"reference binning (Elephant BinnedSpikeTrain, 32 scales): {tb:.2f} s CPU")
    print(f"reference correlation (np.corrcoef): {tc:.3f} s CPU")
    print(f"reference cross-correlation (np.correlate, 41 lags): {tx:.2f} s CPU")
    print(f"reference total: {total:.2f} s CPU ({time.perf_counter() - t0w:.2f} s wall); "
          f"linear extrapolation to 8 h: {total * 8 * 3600 / duration:.1f} s CPU")
    print("check pearson_r@1 %.6f  @20 %.6f" % (checks[0][1], checks[min(19, len(checks) - 1)][1]))


if __name__ == "__main__":
    main()
