#!/usr/bin/env bash
# Exports re-read by Python equal the HDF5 values (docs/results-format.md): `crisp show --csv`
# and `--json` (the comparison table and one metric's summary, lever values as columns),
# `crisp export --long` (every value, one row each); every dataset carries units and a
# description; /summary and /paired rows carry the policy label; `show` starts with the same
# region as `run`. An off lever (docs/results-format.md "Off levers in exports") is written alike
# by `crisp export`, `show --csv/--json` and scripts/crisp_results.py: its on/off field at its off
# value, its other fields empty; checked on a grid of a stockpile and an early warning, each off
# in some sets where the other is on.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
x="$src/tests/cases/cli/small.toml"
"$crisp" run "$x" -r 60 -o r.h5 --quiet > run.txt || { echo "FAIL: run"; exit 1; }
"$crisp" show r.h5 > show.txt || { echo "FAIL: show"; exit 1; }
cmp -s <(head -n "$(wc -l < show.txt)" run.txt) show.txt ||
  { echo "FAIL: show does not start with run's first table"; diff show.txt run.txt | head; exit 1; }
"$crisp" show r.h5 --csv > table.csv && "$crisp" show r.h5 --json > table.json &&
  "$crisp" show r.h5 --metric unmet_t --material gallium --csv > unmet.csv &&
  "$crisp" export r.h5 --long -o long.csv || { echo "FAIL: an export failed"; exit 1; }
cat "$x" - > off.toml <<'EOF'

[[policy]]
kind = "early_warning"
regions = ["NL"]
lead_days = [0, 30]
cost_per_year = 100000
EOF
"$crisp" run off.toml -r 4 -o off.h5 --quiet > /dev/null && "$crisp" export off.h5 -o off.csv &&
  "$crisp" show off.h5 --csv > off-show.csv && "$crisp" show off.h5 --json > off-show.json ||
  { echo "FAIL: the off-lever run or an export of it"; exit 1; }
CRISP_BIN=$crisp PYTHONPATH="$src/scripts" /usr/bin/python3 - <<'PY' || exit 1
import csv, json, math
import numpy as np
from crisp_results import open_results

fails = []
with open_results("off.h5") as res:
    P, cols = res.P, res.lever_columns
    labels = list(res.labels)
    py = {c: res.lever_values(c) for c in cols}
    lt = res.long_table(material="gallium", metrics=["unmet_t"])
sp, ew = "stockpile NL gallium.", "early_warning NL all."
# By hand: sets are baseline, then (size_days, lead_days) = (0, 30), (30, 0), (30, 30), (90, 0),
# (90, 30); an off stockpile reads size_days 0 (size_t: days are used, so empty), an off early
# warning lead_days 0; their other fields are empty.
assert labels[1:3] == ["size_days=0, lead_days=30", "size_days=30, lead_days=0"], labels
want = {0: {sp + "size_days": 0, sp + "size_t": None, sp + "initial_fill": None,
            ew + "lead_days": 0, ew + "cost_per_year": None},
        1: {sp + "size_days": 0, sp + "release.delay_days": None, ew + "lead_days": 30,
            ew + "cost_per_year": 100000},
        2: {sp + "size_days": 30, sp + "size_t": None, sp + "release.delay_days": 5,
            ew + "lead_days": 0, ew + "cost_per_year": None}}


def same(cell, v):
    """A CSV/JSON cell against a number (None: empty, null or NaN)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return cell in ("", None) or (isinstance(cell, float) and math.isnan(cell))
    return cell not in ("", None) and float(cell) == v


for p, fields in want.items():
    for c, v in fields.items():
        if not same(float(py[c][p]), v):
            fails.append(f"crisp_results row {p} {c}: {py[c][p]}, by hand {v}")
# crisp export (every row), show --csv and --json against crisp_results' lever values.
rows = list(csv.DictReader(open("off.csv")))
first = {}
for row in rows:
    first.setdefault(int(row["id"]), row)
shown = list(csv.DictReader(open("off-show.csv")))
js = json.load(open("off-show.json"))["rows"]
assert sorted(first) == list(range(P)) and len(shown) == P and len(js) == P
for p in range(P):
    for c in cols:
        v = None if math.isnan(py[c][p]) else float(py[c][p])
        for name, cell in (("export", first[p][c]), ("show --csv", shown[p][c]),
                           ("show --json", js[p][c])):
            # JSON has no infinity: null (no refill price cap)
            json_inf = name == "show --json" and v is not None and math.isinf(v)
            if not same(cell, None if json_inf else v):
                fails.append(f"{name} row {p} {c}: {cell!r}, crisp_results {v}")
for row in rows:  # every export row of a policy set carries its lever cells
    if any(row[c] != first[int(row["id"])][c] for c in cols):
        fails.append(f"export rows of policy set {row['id']} differ in lever cells")
        break
for c in cols:  # crisp_results' long table joins the same values
    if not np.array_equal(np.asarray(lt[c], dtype=float), py[c][np.asarray(lt["policy"])],
                          equal_nan=True):
        fails.append(f"long_table {c} is not lever_values by policy set")
for m in fails[:10]:
    print("FAIL", m)
if fails:
    raise SystemExit(1)
print(f"ok: an off lever is written alike by export, show and crisp_results ({P} sets)")
PY
CRISP_BIN=$crisp PYTHONPATH="$src/scripts" /usr/bin/python3 - <<'PY' || exit 1
import csv, json, math
import h5py, numpy as np
from crisp_results import open_results

with open_results("r.h5") as res:
    lever_values = {c: res.lever_values(c) for c in res.lever_columns}
f = h5py.File("r.h5", "r")
labels = [l.decode() for l in f["policies"]["label"]]
P, R = len(labels), int(f.attrs["replications"])
region = list(f.attrs["report_regions"])[0]
region = region.decode() if isinstance(region, bytes) else region
fails = []

def close(a, b):
    if a == "" or a is None:
        return b is None or math.isnan(b)
    return float(a) == b or abs(float(a) - b) <= 1e-12 * max(1.0, abs(b))

# Every dataset says what it holds.
def visit(name, obj):
    if isinstance(obj, h5py.Dataset) and not ("units" in obj.attrs and "description" in obj.attrs):
        fails.append(f"/{name} has no units or description attribute")
f.visititems(visit)

# The comparison table against the raw metrics.
rows = list(csv.DictReader(open("table.csv")))
doc = json.load(open("table.json"))
total = f[f"metrics/all/{region}/total_cost_eur"][()]
days = f[f"metrics/all/{region}/shortage_days"][()]
cost = f[f"metrics/all/{region}/policy_cost_eur"][()]
assert len(rows) == P and len(doc["rows"]) == P
for p in range(P):
    row, js = rows[p], doc["rows"][p]
    if row["label"] != labels[p] or js["label"] != labels[p]:
        fails.append(f"row {p}: label {row['label']!r}")
    for key, want in [("p_shortage", float(np.mean(days[p] > 0))),
                      ("mean_shortage_days", float(days[p].mean())),
                      ("mean_policy_cost_eur", float(cost[p].mean())),
                      ("net_benefit_eur", float((total[0] - total[p]).mean()) if p else None)]:
        if want is None:
            ok = row[key] == "" and js[key] is None
        else:
            ok = close(row[key], want) and close(js[key], want)
        if not ok:
            fails.append(f"row {p} {key}: csv {row[key]}, json {js[key]}, h5 {want}")
    for c in f["policies"].dtype.names:
        if c in ("id", "label"):
            continue
        v = float(lever_values[c][p])  # /policies, an off lever's on/off field at its off value
        if not close(row[c], v):
            fails.append(f"row {p} lever {c}: {row[c]} vs {v}")

# One metric's summary against /summary.
s = f[f"summary/gallium/{region}/unmet_t"][()]
if [l.decode() for l in s["label"]] != labels:
    fails.append("/summary rows do not carry the policy labels")
for p, row in enumerate(csv.DictReader(open("unmet.csv"))):
    for key in ("mean", "p95", "cvar95", "p_positive"):
        if not close(row[key], float(s[key][p])):
            fails.append(f"unmet summary row {p} {key}: {row[key]} vs {s[key][p]}")

# The long table: every value of every metric, once.
n = 0
seen = set()
for row in csv.DictReader(open("long.csv")):
    d = f[f"metrics/{row['material']}/{row['region']}/{row['metric']}"]
    p, r = int(row["id"]), int(row["replication"])
    v = float(d[p, r])
    if not close(row["value"], v) or row["units"] != d.attrs["units"] or row["label"] != labels[p]:
        fails.append(f"long row {row['material']}/{row['region']}/{row['metric']} {p},{r}")
        break
    seen.add((row["material"], row["region"], row["metric"]))
    n += 1
series = []
f["metrics"].visititems(lambda name, o: series.append(name) if isinstance(o, h5py.Dataset) else None)
if n != P * R * len(series) or len(seen) != len(series):
    fails.append(f"long table has {n} rows over {len(seen)} series, expected {P}*{R}*{len(series)}")
for m in fails[:10]:
    print("FAIL", m)
if not fails:
    print(f"ok: csv, json and long exports equal the HDF5 values ({n} long rows)")
raise SystemExit(1 if fails else 0)
PY
