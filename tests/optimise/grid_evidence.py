#!/usr/bin/env python3
"""Grid evidence for the two closed-form cases (docs/validation.md "Optimisation: two closed forms").

  python3 grid_evidence.py cost cost.h5   # case 1: argmin of mean total_cost_eur over size_days
  python3 grid_evidence.py risk risk.h5   # case 2: where P(shortage_days > 0) crosses ALPHA

Reads /policies and /metrics/m/NL/<metric> ([policy, replication], row 0 the baseline) with
h5py. Uncertainty: a bootstrap over replications (each resample keeps every policy set's values
of the same replications: common random numbers), and batches of the replications (the spread
of an SAA with N/batches replications).
"""
import sys

import h5py
import numpy as np

ALPHA = 0.05
KEY = "stockpile NL m.size_days"
BOOT = 400


def load(path, metric):
    with h5py.File(path, "r") as f:
        sizes = np.array(f["policies"][KEY][1:], dtype=float)
        values = np.array(f[f"metrics/m/NL/{metric}"][1:], dtype=float)
    return sizes, values


def parabola_min(sizes, means, i, half=8):
    lo, hi = max(i - half, 0), min(i + half + 1, len(sizes))
    c = np.polyfit(sizes[lo:hi], means[lo:hi], 2)
    return -c[1] / (2 * c[0])


def crossing(sizes, p):
    """Smallest grid size with p <= ALPHA, and the log-linear interpolation of the crossing."""
    j = int(np.argmax(p <= ALPHA))
    if p[j] > ALPHA or j == 0:
        return np.nan, np.nan
    x0, x1, p0, p1 = sizes[j - 1], sizes[j], np.log(p[j - 1]), np.log(p[j])
    return sizes[j], x0 + (np.log(ALPHA) - p0) * (x1 - x0) / (p1 - p0)


def cost(path):
    sizes, tc = load(path, "total_cost_eur")
    _, loss = load(path, "loss_eur")
    _, pol = load(path, "policy_cost_eur")
    n = tc.shape[1]
    means = tc.mean(axis=1)
    i = int(np.argmin(means))
    print(f"N = {n}, grid {sizes[0]}..{sizes[-1]} ({len(sizes)} sizes)")
    print(f"grid argmin {sizes[i]}, parabola over +-4 days {parabola_min(sizes, means, i):.2f}")
    print(f"mean total cost at argmin {means[i]:.1f} EUR; loss {loss[i].mean():.1f}, policy {pol[i].mean():.1f}")
    # outages longer than S, per replication: -d(mean loss)/dS / VOLL (demand 1 t a day)
    dl = -np.diff(loss.mean(axis=1)) / np.diff(sizes) / 20000.0
    print(f"outages longer than S per replication near S = {sizes[i]}: {dl[max(i - 1, 0)]:.4f} "
          f"(so {dl[max(i - 1, 0)] * n:.0f} in the run)")
    rng = np.random.default_rng(18)
    arg, par = [], []
    for _ in range(BOOT):
        w = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        m = tc @ w / n
        k = int(np.argmin(m))
        arg.append(sizes[k])
        par.append(parabola_min(sizes, m, k))
    print(f"bootstrap ({BOOT}): argmin sd {np.std(arg):.3f} d, 2.5-97.5 % [{np.percentile(arg, 2.5)}, "
          f"{np.percentile(arg, 97.5)}]; parabola sd {np.std(par):.3f} d")
    for b in (10, 20, 50):
        ms = tc.reshape(len(sizes), b, n // b).mean(axis=2)
        a = sizes[np.argmin(ms, axis=0)]
        print(f"{b} batches of N = {n // b}: argmins mean {a.mean():.2f}, sd {a.std(ddof=1):.2f} d "
              f"({100 * a.std(ddof=1) / 119.0:.1f} % of S*)")
    print("size,mean_total,se_diff_to_argmin")
    for k in range(len(sizes)):
        d = tc[k] - tc[i]
        print(f"{sizes[k]},{means[k]:.1f},{d.std(ddof=1) / np.sqrt(n):.1f}")


def risk(path):
    sizes, sd = load(path, "shortage_days")
    short = sd > 0
    n = short.shape[1]
    p = short.mean(axis=1)
    first, interp = crossing(sizes, p)
    print(f"N = {n}, grid {sizes[0]}..{sizes[-1]} ({len(sizes)} sizes)")
    print(f"smallest grid size with P <= {ALPHA}: {first}; interpolated crossing {interp:.2f}")
    mono = np.all(short[1:] <= short[:-1])
    print(f"shortage indicator monotone in size in every replication: {mono}")
    rng = np.random.default_rng(1818)
    fs, xs = [], []
    for _ in range(BOOT):
        w = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        f_, x_ = crossing(sizes, short @ w / n)
        fs.append(f_)
        xs.append(x_)
    print(f"bootstrap ({BOOT}): first-size sd {np.nanstd(fs):.3f} d, [{np.nanpercentile(fs, 2.5)}, "
          f"{np.nanpercentile(fs, 97.5)}]; crossing sd {np.nanstd(xs):.3f} d")
    for b in (10, 20, 50):
        ps = short.reshape(len(sizes), b, n // b).mean(axis=2)
        c = np.array([crossing(sizes, ps[:, j])[0] for j in range(b)])
        print(f"{b} batches of N = {n // b}: first sizes mean {np.nanmean(c):.2f}, sd {np.nanstd(c, ddof=1):.2f} d, "
              f"{np.isnan(c).sum()} outside the grid")
    print("size,P(shortage),se")
    for k in range(len(sizes)):
        print(f"{sizes[k]},{p[k]:.5f},{np.sqrt(p[k] * (1 - p[k]) / n):.5f}")


if __name__ == "__main__":
    {"cost": cost, "risk": risk}[sys.argv[1]](sys.argv[2])
