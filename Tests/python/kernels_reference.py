#!/usr/bin/env python3
"""Independent references for the SymmetryEdge balance kernels (METHODS §2-3.7).

Usage: kernels_reference.py MODE IN.json OUT.json
  MODE = scales : IN has {"units_e": [[t...]...], "units_i": [...], "epochs": [[start, stop]...],
                          "scales": [s...], "max_lag": L, "grid": G}
         Binning with the METHODS §2 edge rule in NumPy (per unit, per epoch; Elephant's correlation_coefficient
         on Elephant's own BinnedSpikeTrain as a cross-check), measures with NumPy/SciPy (sample sd/Var, ddof=1):
         ks_2samp, type-7 quantiles + least squares, pearsonr, PCA via eigh, np.correlate, trapezoid Gini.
         Also Elephant's correlation_coefficient on the pooled E/I trains (single-epoch inputs only).
  MODE = glcm   : IN has {"levels_e": [[l...] per scale], "levels_i": [...], "epoch_bins": [n...],
                          "levels": L, "offsets": [d...]}; co-occurrence via skimage graycomatrix/graycoprops,
                          converted to MATLAB conventions (energy = ASM, homogeneity = sum p/(1+|i-j|)).
  MODE = quantiles: IN has {"values": [...], "levels": L}; thresholds by np.quantile (linear) at l/L.
"""
import json
import math
import sys

import numpy as np


def scale_seconds(s):
    return math.exp(0.3 * (s - 1)) / 1000.0


def rule_index(q):
    """METHODS §2 edge rule (revised 2026-12): floor(q), or floor(q) + 1 when (floor(q) + 1) - q <= 1e-8."""
    k = np.floor(q)
    return (k + ((k + 1) - q <= 1e-8)).astype(np.int64)


def binned_counts(units, epochs, dt):
    """Pooled counts per bin, epochs binned separately (partial last bin dropped) and concatenated, with the
    METHODS §2 edge rule in NumPy (q = (t - t0)/dt in double; K by the same rule on stop)."""
    out = []
    for (a, b) in epochs:
        k = int(rule_index(np.array([(b - a) / dt]))[0]) if b > a else 0
        if k <= 0:
            continue
        c = np.zeros(k)
        for u in units:
            t = np.asarray(u, dtype=float)
            t = t[(t >= a) & (t < b)]
            idx = rule_index((t - a) / dt)
            idx = idx[(idx >= 0) & (idx < k)]
            np.add.at(c, idx, 1)
        out.append(c)
    return np.concatenate(out) if out else np.zeros(0)


def measures(ce, ci, ne, ni, dt_ms, max_lag, grid):
    from scipy import stats
    r = {}
    k = len(ce)
    se, si = ce.sum(), ci.sum()
    eh, ih = ce / se, ci / si
    r["ks_d"] = float(stats.ks_2samp(eh, ih).statistic)
    p = np.arange(1, 100) / 100.0
    qe, qi = np.quantile(eh, p), np.quantile(ih, p)
    if np.var(qe) > 0:
        fit = np.polyfit(qe, qi, 1)
        r["qq_slope"], r["qq_intercept"] = float(fit[0]), float(fit[1])
        if np.var(qi) > 0:
            r["qq_r2"] = float(np.corrcoef(qe, qi)[0, 1] ** 2)
    r["pearson_r"] = float(stats.pearsonr(ce, ci)[0])
    cov = np.cov(np.vstack([eh, ih]), bias=True)
    w, v = np.linalg.eigh(cov)
    major = v[:, 1]
    ang = math.degrees(math.atan2(major[1], major[0]))
    while ang <= -90:
        ang += 180
    while ang > 90:
        ang -= 180
    r["pca_angle_deg"] = ang
    r["pca_anisotropy"] = float(w[0] / w[1])
    r["orthogonal_width"] = float(np.std((eh - ih) / math.sqrt(2), ddof=1))
    lo = min(eh.min(), ih.min())
    hi = max(eh.max(), ih.max())
    width = (hi - lo) / grid
    ge = np.clip(np.floor((eh - lo) / width).astype(int), 0, grid - 1)
    gi = np.clip(np.floor((ih - lo) / width).astype(int), 0, grid - 1)
    m = np.zeros((grid, grid))
    np.add.at(m, (ge, gi), 1)
    r["pair_asymmetry"] = float(np.linalg.norm(m - m.T) / np.linalg.norm(m + m.T))
    f = eh - ih
    c = np.concatenate([[0.0], np.cumsum(np.sort(f))])
    r["collapse_depth"] = float(-c.min() / (k * np.std(f, ddof=1)))
    r["collapse_argmin"] = float(np.argmin(c) / k)
    x = np.arange(k + 1) / k
    trap = getattr(np, "trapezoid", None) or np.trapz
    for name, cc in (("partition_gini_e", ce), ("partition_gini_i", ci)):
        y = np.concatenate([[0.0], np.cumsum(np.sort(cc))]) / cc.sum()
        r[name] = float(1 - 2 * trap(y, x))
    xc = ce - ce.mean()
    yc = ci - ci.mean()
    lag = min(max_lag, k - 1)
    # 'valid' correlation of I zero-padded by `lag` against E: out[m] = sum_n yc[n + m - lag] xc[n], i.e. lag m - lag
    padded = np.concatenate([np.zeros(lag), yc, np.zeros(lag)])
    rho = np.correlate(padded, xc, mode="valid") / (k * xc.std() * yc.std())
    best, best_lag = rho[lag], 0
    for d in range(1, lag + 1):
        for l in (-d, d):
            if rho[l + lag] > best:
                best, best_lag = rho[l + lag], l
    r["xcorr_peak"] = float(best)
    r["xcorr_peak_lag_ms"] = float(best_lag * dt_ms)
    r["fluctuation_variance"] = float(np.var((ce / ne - ci / ni) / (dt_ms / 1000.0), ddof=1))
    return r


def mode_scales(inp):
    out = {"scales": {}}
    epochs = inp["epochs"]
    for s in inp["scales"]:
        dt = scale_seconds(s)
        ce = binned_counts(inp["units_e"], epochs, dt)
        ci = binned_counts(inp["units_i"], epochs, dt)
        res = measures(ce, ci, len(inp["units_e"]), len(inp["units_i"]), dt * 1000.0, inp["max_lag"], inp["grid"])
        res["counts_e"] = ce.astype(int).tolist()
        res["counts_i"] = ci.astype(int).tolist()
        if len(epochs) == 1:
            import quantities as pq
            import neo
            from elephant.conversion import BinnedSpikeTrain
            from elephant.spike_train_correlation import correlation_coefficient
            a, b = epochs[0]
            k = len(ce)
            t_stop = a + k * dt
            pooled = []
            for units in (inp["units_e"], inp["units_i"]):
                t = np.sort(np.concatenate([np.asarray(u, dtype=float) for u in units]))
                t = t[(t >= a) & (t < t_stop)]
                pooled.append(neo.SpikeTrain(t * pq.s, t_start=a * pq.s, t_stop=t_stop * pq.s))
            bst = BinnedSpikeTrain(pooled, bin_size=dt * pq.s, t_start=a * pq.s, t_stop=t_stop * pq.s)
            # Cast to float first (REFERENCE-PITFALLS: Elephant's integer sums overflow only in CCH; corrcoef is fine)
            res["elephant_corrcoef"] = float(correlation_coefficient(bst)[0, 1])
        out["scales"][str(s)] = res
    return out


def mode_glcm(inp):
    from skimage.feature import graycomatrix, graycoprops
    le, li = inp["levels_e"], inp["levels_i"]
    L = inp["levels"]
    pad = L  # an extra level marks padding and invalid cells; its row/column is discarded
    gap = max(inp["offsets"]) + 1
    cols = []
    for n in inp["epoch_bins"]:
        cols.append(n)
    width = sum(cols) + gap * len(cols)
    img = np.full((3 * len(le), width), pad, dtype=np.uint8)
    for s in range(len(le)):
        pos = 0
        src = 0
        for n in cols:
            for m in range(n):
                a, b = le[s][src + m], li[s][src + m]
                img[3 * s, pos + m] = a if a >= 0 else pad
                img[3 * s + 1, pos + m] = b if b >= 0 else pad
            pos += n + gap
            src += n
    out = {}
    for d in inp["offsets"]:
        # offset (row +1, col +d): pairs (E level at (s, m), I level at (s, m + d))
        angle = math.atan2(1, d)
        dist = math.hypot(1, d)
        P = graycomatrix(img, distances=[dist], angles=[angle], levels=L + 1, symmetric=False, normed=False)
        counts = P[:L, :L, 0, 0].astype(float)
        total = counts.sum()
        p = counts / total
        sub = p[:, :, None, None]
        i, j = np.ogrid[0:L, 0:L]
        res = {
            "contrast": float(graycoprops(sub, "contrast")[0, 0]),
            "dissimilarity": float(graycoprops(sub, "dissimilarity")[0, 0]),
            # skimage: energy = sqrt(ASM); MATLAB energy = ASM
            "energy": float(graycoprops(sub, "energy")[0, 0] ** 2),
            # skimage homogeneity uses (i-j)^2; MATLAB uses |i-j|
            "homogeneity": float((p / (1.0 + np.abs(i - j))).sum()),
            "entropy": float(-(p[p > 0] * np.log(p[p > 0])).sum()),
            "correlation": float(graycoprops(sub, "correlation")[0, 0]),
            "counts": counts.astype(int).ravel().tolist(),
        }
        out[str(d)] = res
    return out


def mode_quantiles(inp):
    v = np.asarray(inp["values"], dtype=float)
    L = inp["levels"]
    t = np.quantile(v, np.arange(1, L) / L)
    return {"thresholds": t.tolist(), "levels": np.searchsorted(t, v, side="right").tolist()}


def main():
    mode, src, dst = sys.argv[1:4]
    with open(src) as fh:
        inp = json.load(fh)
    out = {"scales": mode_scales, "glcm": mode_glcm, "quantiles": mode_quantiles}[mode](inp)
    with open(dst, "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    main()
