"""Checks a futures run of tests/cases/futures/flip.toml against its closed form.

With common random numbers the 60-day stockpile's net benefit in a future with value-of-lost-load
factor f is f * A - C: A the NL loss it avoids and C its cost, both from the run of the scenario as
given (/metrics). So it pays above f* = C / A. Checked: each future's net benefit against f * A - C
(the other parameter, Chinese demand, moves it by little), the total Sobol index of f dominating,
and PRIM's box of the futures where it does not pay bounding f within 10 % of f*.
Usage: check_flip.py RESULTS.h5
"""
import sys

import h5py
import numpy as np

VOLL = "gallium.value_of_lost_load_eur_per_t"
fails = []
with h5py.File(sys.argv[1], "r") as f:
    loss = f["metrics/all/NL/loss_eur"][()]
    cost = f["metrics/all/NL/policy_cost_eur"][()]
    A = (loss[0] - loss[1]).mean()
    C = (cost[1] - cost[0]).mean()
    threshold = C / A
    nb = f["futures/net_benefit"][()]
    factors = f["futures/futures"][()][VOLL]
    mine = nb[nb["policy"] == 1]["net_benefit_eur"]
    off = np.max(np.abs(mine - (factors * A - C))) / C
    if not off < 0.05:
        fails.append(f"net benefit differs from f A - C by {off:.3g} of C")
    sobol = f["futures/sobol"][()]
    rows = sobol[sobol["output"] == b"size_days=60 minus baseline"]
    total = dict(zip([p.decode() for p in rows["parameter"]], rows["total"]))
    if not (total[VOLL] > 0.8 and total[VOLL] > 20 * max(v for k, v in total.items() if k != VOLL)):
        fails.append(f"the total index of {VOLL} does not dominate: {total}")
    bounds = f["futures/discovery_bounds"][()]
    mine_b = bounds[bounds["policy"] == 1]
    names = [p.decode() for p in mine_b["parameter"]]
    if names != [VOLL]:
        fails.append(f"PRIM restricted {names}, expected only {VOLL}")
    else:
        upper = mine_b["upper_factor"][0]
        if not (abs(upper / threshold - 1) < 0.10 and np.isinf(mine_b["lower_factor"][0])):
            fails.append(f"PRIM's box ends at {upper:.4g}, threshold {threshold:.4g}")
    sentence = f["futures/discovery"][()]["sentence"][0].decode()
    print(f"threshold f* = {threshold:.4g}; {sentence}")
    print(f"total Sobol indices: {total}")
for msg in fails:
    print("FAIL", msg)
sys.exit(1 if fails else 0)
