#!/usr/bin/env python3
"""Python references for the LFP / spatial / avalanche / seizure kernels (METHODS §6-9).

Usage: lfp_reference.py MODE INPUT.json  -> prints a JSON result on stdout.
Modes:
  welch      {x, fs, nperseg, noverlap}            -> {f, p}              scipy.signal.welch
  fooof      {f, spectra: [p...], lo, hi}             -> {exponents, offsets}  fooof 1.1.1 fixed mode
  dfa        {x, nvals, overlap}                   -> {alpha}             nolds.dfa (fit 'poly')
  powerlaw   {data}                                -> {alpha, xmin, D}    powerlaw.Fit(discrete=True)
  corr       {counts (units x bins, row-major), units, bins} -> {pearson, normcov}  numpy float64
"""
import importlib.util
import json
import os
import site
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")


def load_nolds_measures():
    # nolds 0.6.3's package __init__ loads bundled datasets through importlib.resources, which fails on
    # Python 3.11 ("'nolds.datasets' is not a package"); load its measures module directly instead.
    for base in site.getsitepackages() + [site.getusersitepackages()]:
        p = os.path.join(base, "nolds", "measures.py")
        if os.path.exists(p):
            spec = importlib.util.spec_from_file_location("nolds_measures", p)
            m = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(m)
            return m
    raise ImportError("nolds not installed")


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path) as fh:
        a = json.load(fh)
    out = {}
    if mode == "welch":
        from scipy.signal import welch
        f, p = welch(np.asarray(a["x"], float), fs=a["fs"], window="hann", nperseg=a["nperseg"],
                     noverlap=a["noverlap"], detrend="constant", scaling="density")
        out = {"f": f.tolist(), "p": p.tolist()}
    elif mode == "fooof":
        from fooof import FOOOF
        exps, offs = [], []
        for p in a["spectra"]:
            fm = FOOOF(aperiodic_mode="fixed", verbose=False)
            fm.fit(np.asarray(a["f"], float), np.asarray(p, float), [a["lo"], a["hi"]])
            off, exp = fm.aperiodic_params_
            exps.append(float(exp)); offs.append(float(off))
        out = {"exponents": exps, "offsets": offs}
    elif mode == "dfa":
        m = load_nolds_measures()
        alpha = m.dfa(np.asarray(a["x"], float), nvals=a["nvals"], overlap=bool(a["overlap"]), order=1,
                      fit_trend="poly", fit_exp="poly")
        out = {"alpha": float(alpha)}
    elif mode == "powerlaw":
        import powerlaw
        fit = powerlaw.Fit(np.asarray(a["data"], float), discrete=True, verbose=False)
        out = {"alpha": float(fit.power_law.alpha), "xmin": float(fit.xmin), "D": float(fit.power_law.D)}
    elif mode == "corr":
        c = np.asarray(a["counts"], float).reshape(a["units"], a["bins"])
        cov = np.cov(c)  # 1/(K-1)
        sd = np.sqrt(np.diag(cov))
        nu = c.mean(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = cov / np.outer(sd, sd)
            rho = cov / np.sqrt(np.outer(nu, nu))
        out = {"pearson": np.nan_to_num(r, nan=-9).ravel().tolist(),
               "normcov": np.nan_to_num(rho, nan=-9).ravel().tolist()}
    else:
        raise SystemExit(f"unknown mode {mode}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
