#!/usr/bin/python3
"""Read the shock table of a crisp results or part file (docs/results-format.md "/shocks") and
recompute each replication's shock days from the draws alone, as the engine counts them.

    import sys; sys.path.insert(0, "scripts")
    from crisp_shocks import load_shocks, recompute_features
    t = load_shocks("crisp-results.h5")
    t.names, t.draws["start_day"], t.days[k, i]      # shock k in replication t.replications[i]
    days, longest = recompute_features(t)             # equal to t.days, t.longest_days

Command line: `scripts/crisp_shocks.py FILE.h5` prints, per shock, its draws, the mean of its
days in force, the share of replications in which it was in force at all and its longest spell;
`--verify` recomputes every replication's days from the draws and exits 1, naming the first
replication and shock that differ, unless they equal the stored features exactly.

The file is checked by `crisp check` first when crisp is found ($CRISP_BIN, the release build,
or PATH), as scripts/plot and scripts/report do. Only h5py and numpy are needed.
"""

import argparse
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crisp_results import _check_with_crisp, run_as_script  # noqa: E402

DRAW_COLUMNS = ("replication", "shock", "parent", "start_day", "end_day", "severity",
                "extra_delay_days")


class ShockTable:
    """/shocks of one file: names, kinds, reach [K]; draws (dict of columns [D]); replications
    [R'] and days, longest_days [K, R'] (features); horizon_days."""

    def __init__(self, f):
        if "shocks" not in f:
            raise ValueError(f"{f.filename} has no /shocks (written by crisp before format 1.3)")
        g = f["shocks"]
        text = lambda name: [s.decode("utf-8") for s in g[name][()]]  # noqa: E731
        self.names, self.kinds, self.reach = text("names"), text("kinds"), text("reach")
        self.draws = {c: g["draws"][c][()] for c in DRAW_COLUMNS}
        self.replications = g["features/replication"][()]
        self.days = g["features/days"][()]
        self.longest_days = g["features/longest_days"][()]
        self.horizon_days = float(f.attrs["horizon_days"])


def load_shocks(path, check=True):
    """The shock table of `path`; ValueError for a file crisp refuses or one without /shocks."""
    if check:
        _check_with_crisp(path)
    with h5py.File(path, "r") as f:
        return ShockTable(f)


def spell_days(spells):
    """(days, longest) of a list of (start, end) spells: sorted, joined where one starts at or
    before the current end, lengths summed in order (sim/runner/shock_table.hpp, exactly)."""
    if not spells:
        return 0.0, 0.0
    spells.sort()
    days = longest = 0.0
    start, end = spells[0]
    for s, e in spells[1:]:
        if s <= end:
            end = max(end, e)
        else:
            days += end - start
            longest = max(longest, end - start)
            start, end = s, e
    days += end - start
    longest = max(longest, end - start)
    return days, longest


def recompute_features(t):
    """Each shock's days in force and longest spell in each replication of t.replications, from
    t.draws alone: float64 [K, R'] twice. An occurrence is in force from start_day to
    min(end_day, horizon); a crisis counts the occurrences it started (their parent)."""
    k_count, reps = len(t.names), t.replications
    days = np.zeros((k_count, len(reps)))
    longest = np.zeros((k_count, len(reps)))
    d = t.draws
    shock, parent = d["shock"].tolist(), d["parent"].tolist()
    starts, ends = d["start_day"].tolist(), d["end_day"].tolist()  # Python floats: float64
    # Draws are sorted by replication: each replication's rows are one slice.
    lo = np.searchsorted(d["replication"], reps, side="left")
    hi = np.searchsorted(d["replication"], reps, side="right")
    for i in range(len(reps)):
        spells = [[] for _ in range(k_count)]
        for j in range(lo[i], hi[i]):
            start, end = starts[j], min(ends[j], t.horizon_days)
            if end > start:
                spells[shock[j]].append((start, end))
                if parent[j] >= 0:
                    spells[parent[j]].append((start, end))
        for k in range(k_count):
            days[k, i], longest[k, i] = spell_days(spells[k])
    return days, longest


def first_difference(t):
    """None when the recomputed features equal the stored ones exactly, else a line naming the
    first replication and shock where they differ."""
    days, longest = recompute_features(t)
    for name, mine, stored in (("days", days, t.days), ("longest_days", longest, t.longest_days)):
        if mine.shape != stored.shape:
            return f"features/{name} is {stored.shape}, the draws make {mine.shape}"
        bad = np.argwhere(mine != stored)
        if len(bad):
            k, i = bad[0]
            return (f"replication {t.replications[i]}, shock '{t.names[k]}': {name} stored "
                    f"{stored[k, i]!r}, recomputed {mine[k, i]!r}")
    return None


def main():
    parser = argparse.ArgumentParser(prog="crisp_shocks.py", description=__doc__.split("\n")[0])
    parser.add_argument("file", help="a crisp results or part file (.h5)")
    parser.add_argument("--verify", action="store_true",
                        help="recompute every replication's shock days from the draws; exit 1 "
                             "unless they equal the stored features")
    args = parser.parse_args()
    t = load_shocks(args.file)
    n = len(t.replications)
    print(f"{args.file}: {len(t.names)} shocks, {len(t.draws['shock'])} draws in {n} "
          f"replications, horizon {t.horizon_days:g} days")
    print(f"  {'shock':<24} {'kind':<18} {'draws':>7} {'mean days':>10} {'P(any)':>7} "
          f"{'longest':>8}  reach")
    for k, name in enumerate(t.names):
        draws = int(np.sum(t.draws["shock"] == k))
        mean = float(np.mean(t.days[k])) if n else float("nan")
        share = float(np.mean(t.days[k] > 0)) if n else float("nan")
        top = float(np.max(t.longest_days[k])) if n else float("nan")
        print(f"  {name:<24} {t.kinds[k]:<18} {draws:>7} {mean:>10.2f} {share:>7.3f} "
              f"{top:>8.1f}  {t.reach[k]}")
    if args.verify:
        why = first_difference(t)
        if why is not None:
            print(f"crisp_shocks.py: {args.file}: {why}", file=sys.stderr)
            raise SystemExit(1)
        print(f"  verified: the draws give every stored feature exactly ({len(t.names)} shocks x "
              f"{n} replications)")


if __name__ == "__main__":
    run_as_script(main, "crisp_shocks.py")
