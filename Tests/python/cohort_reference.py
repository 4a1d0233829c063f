"""Independent reference for CohortStatistics: percentile bootstrap CI of a mean with NumPy.

Input: a JSON file {"values": [...], "idx": [[...], ...]} holding the values and the resample indices the
Swift code drew. Output: mean, sample sd (ddof=1), and the 2.5 / 97.5 percentiles (NumPy's default linear
method, i.e. type 7) of the resample means, one per line.
"""
import json
import sys

import numpy as np

with open(sys.argv[1]) as f:
    d = json.load(f)
v = np.asarray(d["values"], dtype=np.float64)
idx = np.asarray(d["idx"], dtype=np.int64)
means = v[idx].mean(axis=1)
lo, hi = np.percentile(means, [2.5, 97.5])
for x in (v.mean(), v.std(ddof=1), lo, hi):
    print(repr(float(x)))
