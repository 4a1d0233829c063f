#!/usr/bin/env python3
"""Independent NumPy/SciPy reference of the revised METHODS §2-4 and §3.7 (issue #14).

Written from ../shared/spec/METHODS.md (items "revised 2026-12; normative"), not from the Swift code. It reads the
same plain-text recording folder that `symedge analyze` reads (spikes.csv, units.csv, states.csv) and computes, per
state, every per-scale measure of §3.1-3.6, the §4 order parameters and the §3.7 glcm_* features.

Usage:
  revised_reference.py fixture NAME DIR            write a test recording (NAME: edges | short) into DIR
  revised_reference.py analyze DIR OUT.json [--scales N] [--variant KEY=VALUE ...]
  revised_reference.py counts DIR OUT.json         pooled E and I counts per state and scale, by the §2 rule
                                                   and by the old edge-double rule

Variants reproduce the rules before the 2026-12 revision, so that a test can check it would fail on the old code:
  edge=old          compare times with edge doubles t0 + k*dt (no 1e-8 tolerance); K likewise
  ddof=0            population sd/Var (divisor K) in orthogonal_width, V_s, collapse_depth and the glcm z-scores
  spread=old        collapse spread averaged over every scale with a curve (not 10-32)
  spread_median=fine  median curve over scales 10-32 only (the default takes it over every scale with a depth)
  theta=all         theta_bar over every scale (not 10-32)
  resample=centre   glcm resampling by bin centres (the rule before 2026-12) instead of overlap weights
  resample=float    diagnostic: overlap weights applied to the z-scores in plain doubles (ties not kept exact)
  glcm_pairs=epoch  co-occurrence pairs stay inside one epoch (default: like every lagged measure of METHODS §2,
                    the offsets run across the joins of a state's concatenated epochs without masking)
  glcm=skip         leave out §3.7 (faster, for variants that only change §3.1-3.6 or §4)

Conventions (METHODS §2): Δt_s = exp(0.3 (s-1)) ms, in seconds exp(0.3 (s-1))/1000 (libm exp, as math.exp);
q = (t - t0)/Δt in double, k = floor(q), k + 1 if (k + 1) - q <= 1e-8; K of an epoch by the same rule on stop;
spikes of an epoch are those with start <= t < stop; each epoch binned from its own start; partial last bin
dropped; epochs of a state concatenated.
"""
import csv
import json
import math
import os
import sys

import numpy as np

TOL_EDGE = 1e-8
MEASURES = ["ks_d", "qq_slope", "qq_intercept", "qq_r2", "pearson_r", "pca_angle_deg", "pca_anisotropy",
            "orthogonal_width", "pair_asymmetry", "collapse_depth", "collapse_argmin", "partition_gini_e",
            "partition_gini_i", "xcorr_peak", "xcorr_peak_lag_ms", "fluctuation_variance"]
ORDER = ["variance_beta", "variance_beta_se", "collapse_spread", "r_bar", "theta_bar_deg", "width_scale20",
         "asymmetry_mean", "xcorr_lag_scale10_ms"]
FEATURES = ["contrast", "dissimilarity", "homogeneity", "energy", "entropy", "correlation"]


# ---------------------------------------------------------------------------------------------------------------
# §2 binning


def scale_ms(s):
    return math.exp(0.3 * (s - 1))


def scale_seconds(s):
    return math.exp(0.3 * (s - 1)) / 1000.0


def bin_index(t, t0, dt, variant):
    """Bin index of times t (array) on the grid from t0 with width dt."""
    t = np.asarray(t, dtype=float)
    if variant.get("edge") == "old":
        q = np.floor((t - t0) / dt)
        k = q.astype(np.int64)
        # exact with respect to the edge doubles t0 + k*dt
        while True:
            lo = t < t0 + k.astype(float) * dt
            hi = t >= t0 + (k + 1).astype(float) * dt
            if not lo.any() and not hi.any():
                return k
            k = k - lo + hi
    q = (t - t0) / dt
    k = np.floor(q)
    k = np.where((k + 1.0) - q <= TOL_EDGE, k + 1.0, k)
    return k.astype(np.int64)


def whole_bins(t0, stop, dt, variant):
    """K: number of whole bins of [t0, stop) (partial last bin dropped)."""
    if not stop > t0:
        return 0
    if variant.get("edge") == "old":
        k = int(math.floor((stop - t0) / dt))
        while t0 + (k + 1) * dt <= stop:
            k += 1
        while k > 0 and t0 + k * dt > stop:
            k -= 1
        return k
    return int(bin_index(np.array([stop]), t0, dt, variant)[0])


def epoch_counts(times, a, b, dt, variant):
    """Counts of one pooled (any order) time array in the whole bins of epoch [a, b)."""
    k = whole_bins(a, b, dt, variant)
    t = np.asarray(times, dtype=float)
    t = t[(t >= a) & (t < b)]
    j = bin_index(t, a, dt, variant)
    j = j[(j >= 0) & (j < k)]
    return np.bincount(j, minlength=k).astype(np.int64)[:k] if k > 0 else np.zeros(0, dtype=np.int64)


def state_counts(times, epochs, dt, variant):
    parts = [epoch_counts(times, a, b, dt, variant) for (a, b) in epochs]
    per = [len(p) for p in parts]
    return (np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)), per


# ---------------------------------------------------------------------------------------------------------------
# §3.1-3.6


def sd(x, ddof):
    x = np.asarray(x, dtype=float)
    return float(np.sqrt(((x - x.mean()) ** 2).sum() / (len(x) - ddof)))


def type7(sorted_x, p):
    """Type-7 quantile of an ascending array: x[lo] + (h - lo)(x[lo+1] - x[lo]), h = (n - 1) p."""
    n = len(sorted_x)
    h = (n - 1) * p
    lo = int(math.floor(h))
    a = sorted_x[lo]
    if lo + 1 >= n:
        return float(a)
    return float(a + (h - lo) * (sorted_x[lo + 1] - a))


def scale_measures(ce, ci, ne, ni, s, variant, max_lag=20, grid=32):
    """Per-scale measures; returns (values dict, collapse curve y(x) at 101 points or None)."""
    from scipy import stats
    ddof = int(variant.get("ddof", 1))
    r = {}
    k = len(ce)
    curve = None
    if k < 2:
        return r, None
    dt_ms = scale_ms(s)
    fe, fi = ce.astype(float), ci.astype(float)
    # §3.3 V_s on rate-normalised per-neuron series (spikes/s/unit)
    if ne > 0 and ni > 0:
        r["fluctuation_variance"] = sd((fe / ne - fi / ni) / (dt_ms / 1000.0), ddof) ** 2
    var_e, var_i = fe.var(), fi.var()
    if var_e > 0 and var_i > 0:
        r["pearson_r"] = float(np.corrcoef(fe, fi)[0, 1])
        # §3.6 normalised cross-correlation rho(l) = sum xc(k) yc(k+l) / sqrt(sum xc^2 sum yc^2), lags -L..L
        xc, yc = fe - fe.mean(), fi - fi.mean()
        lag = min(max_lag, k - 1)
        norm = math.sqrt((xc * xc).sum() * (yc * yc).sum())
        rho = {}
        for l in range(-lag, lag + 1):
            if l >= 0:
                rho[l] = float((xc[: k - l] * yc[l:]).sum()) / norm
            else:
                rho[l] = float((xc[-l:] * yc[: k + l]).sum()) / norm
        best, best_lag = rho[0], 0
        for d in range(1, lag + 1):
            for l in (-d, d):
                if rho[l] > best:
                    best, best_lag = rho[l], l
        r["xcorr_peak"] = best
        r["xcorr_peak_lag_ms"] = best_lag * dt_ms
    se, si = int(ce.sum()), int(ci.sum())
    # §3.5 partition curves (per class)
    for name, c in (("partition_gini_e", ce), ("partition_gini_i", ci)):
        tot = int(c.sum())
        if tot > 0:
            cum = np.concatenate([[0], np.cumsum(np.sort(c))]).astype(float) / tot
            x = np.arange(k + 1) / k
            trap = getattr(np, "trapezoid", None) or np.trapz
            r[name] = float(1 - 2 * trap(cum, x))
    if se == 0 or si == 0:
        return r, None
    eh, ih = fe / se, fi / si
    # §3.1
    r["ks_d"] = float(stats.ks_2samp(eh, ih).statistic)
    se_sorted, si_sorted = np.sort(eh), np.sort(ih)
    ps = [m / 100 for m in range(1, 100)]
    qe = np.array([type7(se_sorted, p) for p in ps])
    qi = np.array([type7(si_sorted, p) for p in ps])
    if qe.max() > qe.min():
        res = stats.linregress(qe, qi)
        r["qq_slope"], r["qq_intercept"] = float(res.slope), float(res.intercept)
        if qi.max() > qi.min():
            r["qq_r2"] = float(res.rvalue ** 2)
    # §3.2 PCA of (Ê, Î) with the sample covariance
    cov = np.cov(np.vstack([eh, ih]), ddof=ddof)
    w, v = np.linalg.eigh(cov)
    if w[1] > w[0]:
        major = v[:, 1]
        ang = math.degrees(math.atan2(major[1], major[0]))
        while ang <= -90:
            ang += 180
        while ang > 90:
            ang -= 180
        r["pca_angle_deg"] = ang
    if w[1] > 0:
        # λmin/λmax from the exact integer moments (no cancellation): λmin = det/λmax
        r["pca_anisotropy"] = anisotropy_exact(ce, ci)
    r["orthogonal_width"] = sd((eh - ih) / math.sqrt(2), ddof)
    lo, hi = min(eh.min(), ih.min()), max(eh.max(), ih.max())
    if hi > lo:
        width = (hi - lo) / grid
        ge = np.minimum(grid - 1, np.floor((eh - lo) / width).astype(int))
        gi = np.minimum(grid - 1, np.floor((ih - lo) / width).astype(int))
        m = np.zeros((grid, grid))
        np.add.at(m, (ge, gi), 1)
        r["pair_asymmetry"] = float(np.linalg.norm(m - m.T) / np.linalg.norm(m + m.T))
    # §3.4 collapse: exact integers g = c_E S_I - c_I S_E = f S_E S_I
    a, b = ce.astype(np.int64), ci.astype(np.int64)
    assert int(a.max()) * si + int(b.max()) * se < 2 ** 62 // max(k, 1), "counts too large for exact int64 sums"
    g = np.sort(a * si - b * se)
    cum = np.concatenate([[0], np.cumsum(g)])          # C(j) S_E S_I, j = 0..K, exact
    jmin = int(np.argmin(cum))                          # first index of the minimum
    cmin = int(cum[jmin])
    # Σg = 0 exactly; Σg² from the integer moments in Python integers
    sum_gg = si * si * int((a * a).sum()) - 2 * si * se * int((a * b).sum()) + se * se * int((b * b).sum())
    var_g = sum_gg / (k - ddof)                         # exact integer ratio, one rounding
    if var_g > 0 and cmin < 0:
        sd_f = math.sqrt(var_g) / (se * si)
        r["collapse_depth"] = (-cmin / (se * si)) / (k * sd_f)
        r["collapse_argmin"] = jmin / k
        y = np.array([float(c) for c in cum]) / (-cmin)          # minimum −1
        xs = np.arange(k + 1) / k
        curve = np.interp(np.arange(101) / 100, xs, y)
    return r, curve


def anisotropy_exact(ce, ci):
    """λmin/λmax of the 2×2 covariance of (Ê, Î) (divisor-free), in 60-digit decimals from integer moments."""
    from decimal import Decimal, getcontext
    getcontext().prec = 60
    k = len(ce)
    a, b = ce.astype(np.int64), ci.astype(np.int64)
    sa, sb = int(a.sum()), int(b.sum())
    saa, sbb, sab = int((a * a).sum()), int((b * b).sum()), int((a * b).sum())
    # covariance of Ê = c/S up to the common factor 1/K²: (K Σxy − ΣxΣy)/(S_x S_y)
    cxx = Decimal(k * saa - sa * sa) / Decimal(sa * sa)
    cyy = Decimal(k * sbb - sb * sb) / Decimal(sb * sb)
    cxy = Decimal(k * sab - sa * sb) / Decimal(sa * sb)
    half = (cxx - cyy) / 2
    rad = (half * half + cxy * cxy).sqrt()
    mean = (cxx + cyy) / 2
    lmax = mean + rad
    det = cxx * cyy - cxy * cxy
    lmin = det / lmax if lmax > 0 else Decimal(0)
    return float(max(lmin, Decimal(0)) / lmax)


# ---------------------------------------------------------------------------------------------------------------
# §4 order parameters


def order_parameters(per, curves, scales, variant):
    out = {}
    # β: least squares ln V = a − β ln Δt over scales with V > 0
    from scipy import stats
    xs, ys = [], []
    for s in scales:
        v = per[s].get("fluctuation_variance")
        if v is not None and v > 0:
            xs.append(math.log(scale_ms(s)))
            ys.append(math.log(v))
    if len(xs) >= 3:
        res = stats.linregress(xs, ys)
        out["variance_beta"] = -float(res.slope)
        out["variance_beta_se"] = float(res.stderr)
    # collapse spread
    have = [s for s in scales if curves.get(s) is not None]
    fine = [s for s in have if s >= 10]
    med_from = fine if variant.get("spread_median") == "fine" else have
    dist_over = have if variant.get("spread") == "old" else fine
    if len(med_from) >= 2 and dist_over:
        med = np.median(np.vstack([curves[s] for s in med_from]), axis=0)
        d = [math.sqrt(float(np.mean((curves[s] - med) ** 2))) for s in dist_over]
        out["collapse_spread"] = float(np.mean(d))

    def mean_over(name, lo):
        v = [per[s][name] for s in scales if s >= lo and name in per[s]]
        return float(np.mean(v)) if v else None

    rb = mean_over("pearson_r", 10)
    if rb is not None:
        out["r_bar"] = rb
    th = mean_over("pca_angle_deg", 1 if variant.get("theta") == "all" else 10)
    if th is not None:
        out["theta_bar_deg"] = th - 45
    if 20 in per and "orthogonal_width" in per[20]:
        out["width_scale20"] = per[20]["orthogonal_width"]
    am = mean_over("pair_asymmetry", 1)
    if am is not None:
        out["asymmetry_mean"] = am
    if 10 in per and "xcorr_peak_lag_ms" in per[10]:
        out["xcorr_lag_scale10_ms"] = per[10]["xcorr_peak_lag_ms"]
    return out


# ---------------------------------------------------------------------------------------------------------------
# §3.7 co-occurrence


def count_moments(c, ddof):
    """Mean and sd (divisor K − ddof) of an integer series, from exact integer sums (one rounding each)."""
    k = len(c)
    s = int(c.sum())
    ss = int((c.astype(np.int64) ** 2).sum())
    var = (k * ss - s * s) / (k * (k - ddof))
    return s / k, math.sqrt(var) if var > 0 else 0.0


def resample_overlap(c, per_epoch, epochs, s, variant):
    """Weighted mean count of one scale (concatenated counts c) on each epoch's scale-20 grid (METHODS §3.7): bin k
    of the scale weighs |bin_k ∩ B|; the part of B past the scale's last whole bin is ignored; no overlap → NaN.

    Bin edges are k·Δt_s and m·Δt_20 from the epoch start, with Δt_s the doubles of §2 taken as exact binary
    rationals, and the average is formed in exact integer arithmetic and rounded once. So B's whose averages are
    equal in exact arithmetic (e.g. every B whose end bins are empty at 1 ms: N·Δt_1/Δt_20) get the same double,
    and a quantisation edge that falls on such a value is tied exactly as METHODS' "number of edges ≤ value" means."""
    # Both widths as integers over a common power of two (a double is an integer times a power of two).
    nx, dx = scale_seconds(s).as_integer_ratio()
    ny, dy = scale_seconds(20).as_integer_ratio()
    den = max(dx, dy)
    dt, d20 = nx * (den // dx), ny * (den // dy)
    out = []
    src = 0
    for (a, b), ks in zip(epochs, per_epoch):
        m20 = whole_bins(a, b, scale_seconds(20), variant)
        cc = [int(x) for x in c[src: src + ks]]
        prefix = np.concatenate([[0], np.cumsum(np.asarray(cc, dtype=np.int64))]).tolist()
        src += ks
        vals = np.full(m20, np.nan)
        for m in range(m20):
            lo, hi = m * d20, (m + 1) * d20                  # B relative to the epoch start
            ka = lo // dt                                     # bin holding lo
            kb = min(-(-hi // dt) - 1, ks - 1)                # last whole bin reaching into B
            if ka > kb:
                continue
            if ka == kb:
                vals[m] = float(cc[ka])
                continue
            wa = (ka + 1) * dt - lo
            wb = min(hi, (kb + 1) * dt) - kb * dt
            inner = prefix[kb] - prefix[ka + 1]
            total = wa + (kb - ka - 1) * dt + wb
            vals[m] = (cc[ka] * wa + inner * dt + cc[kb] * wb) / total    # int / int: correctly rounded
        out.append(vals)
    return out


def resample_float_z(c, per_epoch, epochs, s, variant, mean=0.0, sdv=1.0):
    """Diagnostic variant (resample=float): the overlap-weighted average of the z-scores in plain double arithmetic,
    Σ z(k)·o_k / Σ o_k with o_k = min(B end, bin end) − max(B start, bin start). Equal in exact arithmetic to
    `resample_overlap`, but B's with equal exact averages get doubles that differ in the last bits, so a
    quantisation edge on a tied value splits the tie differently. Returns z directly (mean, sd applied here)."""
    dt, d20 = scale_seconds(s), scale_seconds(20)
    out = []
    src = 0
    for (a, b), ks in zip(epochs, per_epoch):
        m20 = whole_bins(a, b, d20, variant)
        z = (c[src: src + ks].astype(float) - mean) / sdv
        src += ks
        vals = np.full(m20, np.nan)
        limit = ks * dt
        for m in range(m20):
            lo, hi = m * d20, min((m + 1) * d20, limit)
            if not hi > lo:
                continue
            k = max(0, int(math.floor(lo / dt)) - 1)
            num = den = 0.0
            while k < ks:
                blo = k * dt
                if blo >= hi:
                    break
                o = min(blo + dt, hi) - max(blo, lo)
                if o > 0:
                    num += z[k] * o
                    den += o
                k += 1
            if den > 0:
                vals[m] = num / den
        out.append(vals)
    return out


def resample_centre(c, per_epoch, epochs, s, variant):
    """The rule before 2026-12: mean count of the bins whose centre lies in B, else the bin holding B's centre."""
    dt, d20 = scale_seconds(s), scale_seconds(20)
    out = []
    src = 0
    ratio = d20 / dt
    for (a, b), ks in zip(epochs, per_epoch):
        m20 = whole_bins(a, b, d20, variant)
        cc = c[src: src + ks]
        src += ks
        vals = np.full(m20, np.nan)
        for m in range(m20):
            k0 = min(ks, max(0, math.ceil(m * ratio - 0.5)))
            k1 = min(ks, max(0, math.ceil((m + 1) * ratio - 0.5)))
            if k1 > k0:
                vals[m] = int(cc[k0:k1].sum()) / (k1 - k0)
            else:
                kc = int(math.floor((m + 0.5) * ratio))
                if 0 <= kc < ks:
                    vals[m] = float(cc[kc])
        out.append(vals)
    return out


def glcm(series_e, series_i, epochs, scales, variant, levels=16, offsets=(1, 2, 3, 4, 5)):
    """series_*[s] = (counts, per_epoch). z-scores of Ê_s (= z-scores of the counts, the normalisation cancels)
    with the sample sd, resampled per epoch onto the scale-20 grid, 16 pooled type-7 levels, MATLAB features.
    Returns (features dict, number of fragile cells: within 1e-12 of an edge without being equal to it)."""
    ddof = int(variant.get("ddof", 1))
    res_fn = resample_centre if variant.get("resample") == "centre" else resample_overlap
    rows_e, rows_i = [], []
    for s in scales:
        for series, rows in ((series_e, rows_e), (series_i, rows_i)):
            c, per_epoch = series[s]
            k = len(c)
            mean, sdv = count_moments(c, ddof) if k >= 2 else (0.0, 0.0)
            if sdv > 0 and variant.get("resample") == "float":
                rows.append(resample_float_z(c, per_epoch, epochs, s, variant, mean, sdv))
            elif sdv > 0:
                rows.append([(u - mean) / sdv for u in res_fn(c, per_epoch, epochs, s, variant)])
            else:
                rows.append([np.full(whole_bins(a, b, scale_seconds(20), variant), np.nan) for (a, b) in epochs])
    pooled = np.concatenate([v for rows in (rows_e, rows_i) for r in rows for v in r])
    pooled = np.sort(pooled[np.isfinite(pooled)])
    if len(pooled) < 2:
        return {}, 0
    edges = np.array([type7(pooled, l / levels) for l in range(1, levels)])

    def lev(v):
        out = np.searchsorted(edges, v, side="right").astype(int)
        out[~np.isfinite(v)] = -1
        return out

    # cells whose level would change under a relative perturbation of 1e-12 (ties with an edge)
    fragile = 0
    for rows in (rows_e, rows_i):
        for r in rows:
            for v in r:
                f = v[np.isfinite(v)]
                up = np.searchsorted(edges, f + 1e-12 * np.maximum(1, np.abs(f)), side="right")
                dn = np.searchsorted(edges, f - 1e-12 * np.maximum(1, np.abs(f)), side="right")
                fragile += int(((up != dn) & ~np.isin(f, edges)).sum())
    le = [[lev(v) for v in r] for r in rows_e]
    li = [[lev(v) for v in r] for r in rows_i]
    feats = {}
    for d in offsets:
        P = np.zeros((levels, levels))
        for s_idx in range(len(scales)):
            if variant.get("glcm_pairs") != "epoch":
                a = np.concatenate(le[s_idx])
                b = np.concatenate(li[s_idx])
                segs = [(a, b)]
            else:
                segs = list(zip(le[s_idx], li[s_idx]))
            for a, b in segs:
                if len(a) <= d:
                    continue
                x, y = a[:-d], b[d:]
                ok = (x >= 0) & (y >= 0)
                np.add.at(P, (x[ok], y[ok]), 1)
        tot = P.sum()
        if tot == 0:
            continue
        p = P / tot
        i, j = np.meshgrid(np.arange(levels), np.arange(levels), indexing="ij")
        nz = p > 0
        feats[f"glcm_contrast_d{d}"] = float(((i - j) ** 2 * p).sum())
        feats[f"glcm_dissimilarity_d{d}"] = float((np.abs(i - j) * p).sum())
        feats[f"glcm_homogeneity_d{d}"] = float((p / (1 + np.abs(i - j))).sum())
        feats[f"glcm_energy_d{d}"] = float((p * p).sum())
        feats[f"glcm_entropy_d{d}"] = float(-(p[nz] * np.log(p[nz])).sum())
        mi, mj = (i * p).sum(), (j * p).sum()
        vi, vj = (((i - mi) ** 2) * p).sum(), (((j - mj) ** 2) * p).sum()
        if vi > 0 and vj > 0:
            feats[f"glcm_correlation_d{d}"] = float(((i - mi) * (j - mj) * p).sum() / math.sqrt(vi * vj))
    return feats, fragile


# ---------------------------------------------------------------------------------------------------------------
# Driver: a plain-text recording folder


def read_folder(folder):
    classes = {}
    with open(os.path.join(folder, "units.csv")) as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            classes[row["unit_id"].strip()] = row["class"].strip().upper()
    trains = {}
    with open(os.path.join(folder, "spikes.csv")) as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            trains.setdefault(row["unit_id"].strip(), []).append(float(row["time_s"]))
    states = {}
    with open(os.path.join(folder, "states.csv")) as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            states.setdefault(row["state"].strip(), []).append((float(row["start_s"]), float(row["stop_s"])))
    e = [np.array(sorted(t)) for u, t in trains.items() if classes.get(u) in ("E", "EXCITATORY", "RS")]
    i = [np.array(sorted(t)) for u, t in trains.items() if classes.get(u) in ("I", "INHIBITORY", "FS")]
    return e, i, {k: sorted(v) for k, v in states.items()}


def analyze_state(units_e, units_i, epochs, scales, variant):
    pooled_e = np.concatenate(units_e) if units_e else np.zeros(0)
    pooled_i = np.concatenate(units_i) if units_i else np.zeros(0)
    per, curves, series_e, series_i, counts = {}, {}, {}, {}, {}
    for s in scales:
        dt = scale_seconds(s)
        ce, pe = state_counts(pooled_e, epochs, dt, variant)
        ci, pi = state_counts(pooled_i, epochs, dt, variant)
        series_e[s], series_i[s] = (ce, pe), (ci, pi)
        vals, curve = scale_measures(ce, ci, len(units_e), len(units_i), s, variant)
        per[s] = vals
        curves[s] = curve
        counts[s] = int(ce.sum()) + int(ci.sum())
    order = order_parameters(per, curves, scales, variant)
    feats, fragile = ({}, 0)
    if max(scales) >= 20 and variant.get("glcm") != "skip":
        feats, fragile = glcm(series_e, series_i, epochs, scales, variant)
    return {"scales": {str(s): per[s] for s in scales}, "order": order, "glcm": feats, "fragile_cells": fragile,
            "binned_spikes": {str(s): counts[s] for s in scales}}


def parse_variant(args):
    v = {}
    for a in args:
        key, _, val = a.partition("=")
        v[key] = val
    return v


def mode_analyze(argv):
    """analyze DIR OUT.json [--scales N] [--variant KEY=VALUE ...] [--variants SPEC;SPEC;...]

    With --variants, each SPEC ("new" or comma-separated KEY=VALUE, e.g. "edge=old" or "theta=all,glcm=skip") is
    computed in this one process and OUT holds {"variants": {SPEC: result}}; glcm=skip leaves out §3.7."""
    folder, dst = argv[0], argv[1]
    scales_n = 32
    variants = []
    specs = None
    rest = argv[2:]
    j = 0
    while j < len(rest):
        if rest[j] == "--scales":
            scales_n = int(rest[j + 1]); j += 2
        elif rest[j] == "--variant":
            variants.append(rest[j + 1]); j += 2
        elif rest[j] == "--variants":
            specs = rest[j + 1].split(";"); j += 2
        else:
            raise SystemExit(f"unknown argument {rest[j]}")
    e, i, states = read_folder(folder)
    scales = list(range(1, scales_n + 1))

    def run(variant):
        out = {"variant": variant, "states": {}}
        for name, eps in sorted(states.items()):
            out["states"][name] = analyze_state(e, i, eps, scales, variant)
        return out

    if specs is None:
        result = run(parse_variant(variants))
    else:
        result = {"variants": {}}
        for spec in specs:
            v = {} if spec in ("", "new") else parse_variant(spec.split(","))
            result["variants"][spec] = run(v)
    with open(dst, "w") as fh:
        json.dump(result, fh)


def mode_counts(argv):
    """Pooled E and I counts of every state at scales 1-32, by the §2 rule and by the old edge-double rule."""
    folder, dst = argv
    e, i, states = read_folder(folder)
    pe = np.concatenate(e) if e else np.zeros(0)
    pi = np.concatenate(i) if i else np.zeros(0)
    out = {}
    for name, eps in sorted(states.items()):
        st = {}
        for s in range(1, 33):
            dt = scale_seconds(s)
            row = {}
            for tag, v in (("", {}), ("_old", {"edge": "old"})):
                ce, per = state_counts(pe, eps, dt, v)
                ci, _ = state_counts(pi, eps, dt, v)
                row["e" + tag], row["i" + tag], row["per_epoch" + tag] = ce.tolist(), ci.tolist(), per
            st[str(s)] = row
        out[name] = st
    with open(dst, "w") as fh:
        json.dump(out, fh)


# ---------------------------------------------------------------------------------------------------------------
# Fixtures


def edge_spikes(rng, a, b, scales, per_scale=3):
    """Spikes on, 1 ulp below and 1e-9 bin below edges of every scale inside [a, b), plus 1e-7-below controls."""
    out = []
    for s in scales:
        dt = scale_seconds(s)
        k_max = whole_bins(a, b, dt, {})
        if k_max < 2:
            continue
        for k in rng.choice(np.arange(1, k_max), size=min(per_scale, k_max - 1), replace=False):
            on = a + float(k) * dt
            for t in (on, np.nextafter(on, -np.inf), on - 1e-9 * dt, on - 1e-7 * dt):
                if a <= t < b:
                    out.append(float(t))
    return out


def write_folder(folder, units, states):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "units.csv"), "w") as fh:
        fh.write("unit_id,class\n")
        for uid, (cls, _) in enumerate(units):
            fh.write(f"{uid},{cls}\n")
    with open(os.path.join(folder, "spikes.csv"), "w") as fh:
        fh.write("unit_id,time_s\n")
        for uid, (_, t) in enumerate(units):
            for x in sorted(set(float(v) for v in t)):
                fh.write(f"{uid},{x!r}\n")
    with open(os.path.join(folder, "states.csv"), "w") as fh:
        fh.write("start_s,stop_s,state\n")
        for (a, b, name) in states:
            fh.write(f"{a!r},{b!r},{name}\n")


def fixture(name, folder):
    rng = np.random.default_rng({"edges": 1401, "short": 1402}[name])
    fs = 30000
    if name == "edges":
        # Two states, epochs starting on 30 kHz ticks that are not multiples of any Δt_s; stops on ticks, on a
        # scale-20 edge 1 ulp low, and 1e-9 of a scale-7 bin below an edge (K by the same rule).
        d20, d7 = scale_seconds(20), scale_seconds(7)
        a3 = 4500731 / fs
        states = [(12347 / fs, 61.2345, "wake"), (61.2345, 95.0, "nrem_light"), (95.00001, a3, "wake"),
                  (a3, float(np.nextafter(a3 + 117 * d20, -np.inf)), "nrem_light"),
                  (200.0 + 7 / fs, 200.0 + 7 / fs + 9001 * d7 - 1e-9 * d7, "wake")]
        t_end = states[-1][1] + 1.0
        n_e, n_i, rate_e, rate_i = 8, 3, 7.0, 22.0
    else:
        states = [(0.5 + 11 / fs, 40.0, "wake"), (40.0, 70.0, "nrem_deep")]
        t_end = 71.0
        n_e, n_i, rate_e, rate_i = 6, 2, 6.0, 20.0
    # shared slow modulation (AR(1) on 10 ms steps), spikes on 30 kHz ticks
    step = 0.01
    n_steps = int(t_end / step) + 1
    x = np.zeros(n_steps)
    noise = rng.standard_normal(n_steps)
    for j in range(1, n_steps):
        x[j] = 0.98 * x[j - 1] + 0.2 * noise[j]
    mod = np.exp(0.6 * x)
    units = []
    for u in range(n_e + n_i):
        rate = rate_e if u < n_e else rate_i
        lam = rate * mod * step
        n = rng.poisson(lam)
        ticks = []
        for j in np.nonzero(n)[0]:
            ticks.extend(rng.integers(int(j * step * fs), int((j + 1) * step * fs), size=n[j]))
        t = np.unique(np.array(ticks, dtype=np.int64)) / fs
        units.append(["E" if u < n_e else "I", list(t)])
    # exact-edge spikes at every scale, for both classes
    for (a, b, _) in states:
        extra = edge_spikes(rng, a, b, range(1, 33))
        for j, t in enumerate(extra):
            u = int(rng.integers(0, n_e)) if j % 3 else n_e + int(rng.integers(0, n_i))
            units[u][1].append(t)
    write_folder(folder, units, states)


def main():
    mode = sys.argv[1]
    if mode == "fixture":
        fixture(sys.argv[2], sys.argv[3])
    elif mode == "analyze":
        mode_analyze(sys.argv[2:])
    elif mode == "counts":
        mode_counts(sys.argv[2:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
