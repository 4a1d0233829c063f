#!/usr/bin/env python3
"""Synthetic NWB inputs for the classification benchmark (Benchmarks/classification/run.sh).

make_synthetic.py OUT.nwb N_UNITS DURATION_S SEED
  N_UNITS units, 20 % fast-spiking (narrow waveform, 10 Hz) and 80 % regular-spiking (broad, 2 Hz) Poisson trains
  over DURATION_S seconds; one in ten RS units drives another unit (+2 ms, transmission probability 0.05), and
  FS unit id 1 drives ten RS units (+2 ms, 0.05): an FS unit with excitatory outputs, which the check must flag.
  Waveforms: 48 samples at 30 kHz, volts, column waveform_sampling_rate_hz.
"""
import sys
from datetime import datetime, timezone

import numpy as np
from pynwb import NWBFile, NWBHDF5IO


def waveform(rng, fs_cell):
    t = np.arange(48) / 30000.0
    t0 = 0.0008
    tsd = (0.00007 + 0.00001 * rng.random()) if fs_cell else (0.00013 + 0.00002 * rng.random())
    delay = (0.00025 + 0.00005 * rng.random()) if fs_cell else (0.00065 + 0.0001 * rng.random())
    psd, ratio = (0.00012, 0.5) if fs_cell else (0.0003, 0.25)
    depth = 60e-6 + 80e-6 * rng.random()
    return (-depth * np.exp(-(t - t0) ** 2 / (2 * tsd ** 2))
            + ratio * depth * np.exp(-(t - t0 - delay) ** 2 / (2 * psd ** 2))
            + 1e-6 * rng.standard_normal(48))


def main():
    out, n, dur, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    rng = np.random.default_rng(seed)
    is_fs = np.arange(n) < n // 5
    trains = []
    for u in range(n):
        rate = 10.0 if is_fs[u] else 2.0
        k = rng.poisson(rate * dur)
        trains.append(np.sort(rng.uniform(0, dur, k)))
    for u in range(n // 5, n, 10):
        post = (u + 7) % n
        pre = trains[u]
        sel = pre[rng.random(len(pre)) < 0.05] + 0.0018 + 0.0004 * rng.random()
        trains[post] = np.sort(np.concatenate([trains[post], sel[sel < dur]]))
    for post in range(n // 2, n // 2 + 10):
        pre = trains[0]
        sel = pre[rng.random(len(pre)) < 0.05] + 0.0018 + 0.0004 * rng.random()
        trains[post] = np.sort(np.concatenate([trains[post], sel[sel < dur]]))
    nwb = NWBFile(session_description="classification benchmark (synthetic)", identifier=f"bench-{n}-{seed}",
                  session_start_time=datetime(2000, 1, 1, tzinfo=timezone.utc))
    nwb.add_unit_column("waveform_sampling_rate_hz", "Hz")
    for u in range(n):
        nwb.add_unit(id=u + 1, spike_times=trains[u], waveform_mean=waveform(rng, is_fs[u]),
                     waveform_sampling_rate_hz=30000.0)
    with NWBHDF5IO(out, "w") as io:
        io.write(nwb)
    print(f"{out}: {n} units, {sum(len(t) for t in trains)} spikes, {dur} s")


if __name__ == "__main__":
    main()
