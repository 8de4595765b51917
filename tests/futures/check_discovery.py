"""Recomputes /discovery/histories from /shocks/features and /metrics: each box's density,
coverage and mass, and the share failing, must be what the data say.
Usage: check_discovery.py RESULTS.h5 METRIC ABOVE REGION
"""
import sys

import h5py
import numpy as np

path, metric, above, region = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
fails = []
with h5py.File(path, "r") as f:
    names = [n.decode() for n in f["shocks/names"][()]]
    features = {}
    for k, n in enumerate(names):
        features[n + ".days"] = f["shocks/features/days"][k]
        features[n + ".longest_days"] = f["shocks/features/longest_days"][k]
    hist = f["discovery/histories"][()]
    bounds = f["discovery/history_bounds"][()]
    boxes = 0
    for row in hist:
        p, material = int(row["policy"]), row["material"].decode()
        values = f[f"metrics/{material}/{region}/{metric}"][p]
        failing = values > above
        if not np.isclose(failing.mean(), row["share_failing"], rtol=0, atol=1e-12):
            fails.append(f"set {p}: share_failing {row['share_failing']} vs {failing.mean()}")
        if np.isnan(row["box_density"]):
            continue
        boxes += 1
        inside = np.ones(values.shape, dtype=bool)
        for b in bounds[bounds["policy"] == p]:
            x = features[b["feature"].decode()]
            inside &= (x > b["lower"]) & (x < b["upper"])
        density = failing[inside].mean()
        coverage = failing[inside].sum() / failing.sum()
        mass = inside.mean()
        for what, mine, stored in (("density", density, row["box_density"]),
                                   ("coverage", coverage, row["box_coverage"]),
                                   ("mass", mass, row["box_mass"])):
            if not abs(mine - stored) < 1e-12:
                fails.append(f"set {p}: box {what} {stored} stored, {mine} recomputed")
        print(f"set {p}: {row['sentence'].decode()}")
    if boxes == 0:
        fails.append("no box to check")
for m in fails:
    print("FAIL", m)
sys.exit(1 if fails else 0)
