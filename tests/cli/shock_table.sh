#!/usr/bin/env bash
# The shock table (docs/results-format.md "/shocks"): scripts/crisp_shocks.py recomputes every
# replication's shock days from the stored draws alone and finds the stored features exactly; the
# table is the same for --threads 1 and 2 and for 3 shards merged, and each part holds its own
# replications; a fixed start and duration show exactly those days (by hand); crisp check refuses
# a file whose table was changed or removed, with exit 2 and one line naming the dataset.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
export CRISP_BIN=$crisp  # crisp_shocks.py has crisp check the file first
py=/usr/bin/python3
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }

# small.toml's two Poisson shocks, and: a crisis starting an outage (p = 0.6) and a chokepoint with
# a drawn extra delay; an outage with a fixed start and duration; a surge that ends past the
# horizon (3 years).
cp "$src/tests/cases/cli/small.toml" x.toml
cat >> x.toml <<'EOF'

[[shock]]
name = "crisis"
kind = "crisis"
rate_per_year = 1.5
children = [{ name = "jp-child", probability = 0.6 }, { name = "suez" }]

[[shock]]
name = "jp-child"
kind = "outage"
nodes = ["jp-mine"]
duration_days = { uniform = [10, 200] }
severity = 0.5

[[shock]]
name = "suez"
kind = "chokepoint"
route = "suez"
extra_delay_days = { uniform = [5, 20] }
duration_days = { exponential = { mean = 60 } }

[[shock]]
name = "fixed"
kind = "outage"
nodes = ["cn-mine"]
start_day = 200
duration_days = 45
severity = 0.3

[[shock]]
name = "late"
kind = "demand_surge"
regions = ["NL"]
start_day = 1080
duration_days = 100
severity = 0.2
EOF

# 100 replications are 4 blocks of 32: part 1/3 holds blocks 0 and 3, parts 2/3 and 3/3 one each.
"$crisp" run x.toml -r 100 --threads 1 -o t1.h5 --quiet > /dev/null || fail "run --threads 1"
"$crisp" run x.toml -r 100 --threads 2 -o t2.h5 --quiet > /dev/null || fail "run --threads 2"
for i in 1 2 3; do
  "$crisp" run x.toml -r 100 --threads 2 --shard "$i/3" -o "part-$i.h5" --quiet > /dev/null ||
    fail "part $i"
done
"$crisp" merge part-2.h5 part-1.h5 part-3.h5 -o merged.h5 --quiet > /dev/null || fail "merge"
for f in t2.h5 merged.h5; do
  h5diff t1.h5 "$f" /shocks > /dev/null 2>&1 || fail "/shocks of $f differs from --threads 1's"
done

# Recomputed from the draws alone: equal to the stored features, for every replication and shock.
for f in t1.h5 merged.h5 part-1.h5 part-2.h5 part-3.h5; do
  "$py" "$src/scripts/crisp_shocks.py" "$f" --verify > "$f.txt" 2>&1 ||
    fail "crisp_shocks.py --verify $f: $(tail -1 "$f.txt")"
  grep -qF "verified" "$f.txt" || fail "$f: no verification line: $(cat "$f.txt")"
done

# Values by hand, the parts against the whole, and a changed feature caught by the recomputation.
"$py" - "$src/scripts" <<'PY' || fail "shock table values (above)"
import sys
import h5py
import numpy as np
sys.path.insert(0, sys.argv[1])
from crisp_shocks import ShockTable, first_difference

def table(path):
    with h5py.File(path, "r") as f:
        return ShockTable(f)

t = table("t1.h5")
H = t.horizon_days
assert H == 3 * 365, H
names = t.names
assert names == ["controls", "outages", "crisis", "jp-child", "suez", "fixed", "late"], names
assert t.kinds[2] == "crisis" and t.reach[4] == "route suez", (t.kinds, t.reach)
d = t.draws
k = {n: i for i, n in enumerate(names)}
assert list(t.replications) == list(range(100))
assert np.all(np.diff(d["replication"]) >= 0), "draws not by replication"
# The fixed outage: day 200 to 245 in every replication, 45 days in force, one spell.
fixed = d["shock"] == k["fixed"]
assert fixed.sum() == 100 and list(d["replication"][fixed]) == list(range(100))
assert np.all(d["start_day"][fixed] == 200) and np.all(d["end_day"][fixed] == 245)
assert np.all(d["severity"][fixed] == 0.3)
assert np.all(t.days[k["fixed"]] == 45) and np.all(t.longest_days[k["fixed"]] == 45)
# The late surge ends at 1180, past the horizon: stored unclipped, in force 1095 - 1080 = 15 days.
late = d["shock"] == k["late"]
assert late.sum() == 100 and np.all(d["end_day"][late] == 1180)
assert np.all(t.days[k["late"]] == 15) and np.all(t.longest_days[k["late"]] == 15)
# A crisis has no rows of its own; its children name it, nothing else has a parent; its days are
# those of the occurrences it started (the chokepoint always, so at least the chokepoint's).
assert not np.any(d["shock"] == k["crisis"])
child = np.isin(d["shock"], [k["jp-child"], k["suez"]])
assert child.any() and np.all(d["parent"][child] == k["crisis"]), d["parent"][child]
assert np.all(d["parent"][~child] == -1)
assert np.all(t.days[k["crisis"]] >= t.days[k["suez"]])
assert np.any(t.days[k["crisis"]] > t.days[k["suez"]])  # jp-child alone on some days
# Only the chokepoint draws an extra delay, within its range.
suez = d["shock"] == k["suez"]
assert np.all((d["extra_delay_days"][suez] >= 5) & (d["extra_delay_days"][suez] <= 20))
assert np.all(d["extra_delay_days"][~suez] == 0)
# No spell is longer than the days in force, and no shock is in force longer than the horizon.
assert np.all(t.longest_days <= t.days) and np.all(t.days <= H)

# Each part holds exactly its blocks' replications, and together they are the whole table.
own = {1: list(range(0, 32)) + list(range(96, 100)), 2: list(range(32, 64)),
       3: list(range(64, 96))}
for i, reps in own.items():
    p = table(f"part-{i}.h5")
    assert list(p.replications) == reps, (i, p.replications)
    assert set(p.draws["replication"]) <= set(reps)
    cols = [list(t.replications).index(r) for r in reps]
    assert np.array_equal(p.days, t.days[:, cols]), i
    assert np.array_equal(p.longest_days, t.longest_days[:, cols]), i
    rows = np.isin(d["replication"], reps)
    for c in d:
        assert np.array_equal(p.draws[c], d[c][rows]), (i, c)

# A changed feature is found, with its replication and shock.
t.days[k["fixed"], 7] = 44.0
why = first_difference(t)
assert why is not None and "replication 7" in why and "'fixed'" in why, why
PY

# An experiment without shocks: an empty table, its features [0, R'].
sed '/^\[\[shock\]\]/,/^\[\[policy\]\]/{/^\[\[policy\]\]/!d}' "$src/tests/cases/cli/small.toml" > none.toml
grep -q "shock" none.toml && fail "none.toml still has a shock"
"$crisp" run none.toml -r 5 -o none.h5 --quiet > /dev/null || fail "run without shocks"
"$crisp" check none.h5 > check.txt 2>&1 || fail "check none.h5: $(cat check.txt)"
"$py" "$src/scripts/crisp_shocks.py" none.h5 --verify > none.txt 2>&1 ||
  fail "crisp_shocks.py --verify none.h5: $(tail -1 none.txt)"
"$py" - <<'PY' || fail "the table without shocks (above)"
import h5py
with h5py.File("none.h5", "r") as f:
    assert f["shocks/features/days"].shape == (0, 5), f["shocks/features/days"].shape
    assert f["shocks/draws/start_day"].shape == (0,)
    assert list(f["shocks/features/replication"][()]) == [0, 1, 2, 3, 4]
PY

# crisp check draws the table again: a changed draw, a removed group (read --unverified, past the
# seal) are refused with exit 2 and one line naming the dataset.
"$crisp" check t1.h5 > check.txt 2>&1 || fail "check t1.h5: $(cat check.txt)"
"$crisp" check part-1.h5 > check.txt 2>&1 || fail "check part-1.h5: $(cat check.txt)"
cp t1.h5 changed.h5
cp t1.h5 removed.h5
"$py" - <<'PY'
import h5py
with h5py.File("changed.h5", "r+") as f:
    f["shocks/draws/start_day"][3] += 1e-9
with h5py.File("removed.h5", "r+") as f:
    del f["shocks"]
PY
expect2() {  # case | words the one line must contain
  local name=$1 code=$2
  shift 2
  [ "$code" -eq 2 ] || fail "$name: exit $code, expected 2"
  [ "$(grep -c . err.txt)" -eq 1 ] || fail "$name: stderr is not one line: $(cat err.txt)"
  for w in "$@"; do grep -qF -- "$w" err.txt || fail "$name: does not mention '$w': $(cat err.txt)"; done
}
"$crisp" check changed.h5 > /dev/null 2> err.txt
expect2 "changed, sealed" $? "changed.h5"
"$crisp" check changed.h5 --unverified > /dev/null 2> err.txt
expect2 "changed draw" $? "changed.h5" "/shocks/draws/start_day"
"$crisp" check removed.h5 --unverified > /dev/null 2> err.txt
expect2 "removed /shocks" $? "removed.h5" "/shocks/names is missing"

[ $fails -eq 0 ] && echo "ok"
exit $fails
