#!/usr/bin/env bash
# Every bundled experiment values lost load as docs/values-of-lost-load.md derives it: for each
# material of experiments/values_of_lost_load.csv that an experiment has, its
# value_of_lost_load_eur_per_t is the CSV's CENTRAL and its value_of_lost_load_range_eur_per_t
# [LOW, HIGH], and the futures file samples each value from LOW / CENTRAL to HIGH / CENTRAL on a
# log scale. So the table and the experiments cannot drift apart. crisp check must accept every
# file (the loader holds LOW <= CENTRAL <= HIGH), and `crisp example` is the default.
#
#   bash tests/cli/voll_table.sh <crisp-binary> <repo-root>
set -uo pipefail
crisp=$1 src=$2
py=/usr/bin/python3
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$crisp" example > "$dir/example-command.toml" || { echo "FAIL: crisp example"; exit 1; }
files=("$src"/experiments/*.toml "$src"/experiments/history/*.toml)
for f in "${files[@]}"; do
  "$crisp" check "$f" > "$dir/check.txt" 2>&1 ||
    { echo "FAIL: crisp check $f: $(tail -1 "$dir/check.txt")"; exit 1; }
done
$py - "$src" "$dir/example-command.toml" "${files[@]}" <<'EOF'
import csv, math, os, sys, tomllib
src, example, files = sys.argv[1], sys.argv[2], sys.argv[3:]
csv_path = f"{src}/experiments/values_of_lost_load.csv"
rows = {r["material"]: r for r in csv.DictReader(open(csv_path))}
six = {"gallium", "germanium", "rare_earths", "cobalt", "lithium", "natural_graphite"}
assert set(rows) == six, sorted(rows)
table = {}
for m, r in rows.items():
    low, central, high = (float(r[f"{k}_eur_per_t"]) for k in ("low", "central", "high"))
    assert 0 < low <= central <= high, (m, low, central, high)
    table[m] = (low, central, high)
# Names an experiment gives a material of the table: graphite-2023.toml's natural flake.
alias = {"graphite": "natural_graphite"}
# What each bundled file must hold (the materials of the table it has; a material outside the
# table, in none of them now, would be left as it is).
must = {"nl-critical-materials.toml": six, "nl-critical-materials-futures.toml": six,
        "nl-critical-materials-shares.toml": six, "example.toml": {"gallium", "cobalt"},
        "ga-ge-2023.toml": {"gallium", "germanium"}, "ree-2010.toml": {"rare_earths"},
        "graphite-2023.toml": {"natural_graphite"}, "cobalt-drc-2025.toml": {"cobalt"}}
checked = 0
for path in files + [example]:
    name = os.path.basename(path)
    exp = tomllib.load(open(path, "rb"))
    seen = set()
    for mat in exp.get("material", []):
        key = alias.get(mat["name"], mat["name"])
        if key not in table:
            continue
        low, central, high = table[key]
        seen.add(key)
        v = mat["value_of_lost_load_eur_per_t"]
        assert v == central, f"{name}: {mat['name']} value of lost load {v}, CSV CENTRAL {central}"
        r = mat.get("value_of_lost_load_range_eur_per_t")
        assert r == [low, high], f"{name}: {mat['name']} range {r}, CSV [{low}, {high}]"
        checked += 1
    want = six if path == example else must.get(name)
    assert want is not None, f"{name}: a bundled experiment this test does not know; add it to must"
    assert seen == want, (name, sorted(seen), sorted(want))
    # The futures: every value of lost load from LOW to HIGH (factors written to 6 digits).
    params = {p["name"]: p for p in exp.get("futures", {}).get("parameter", [])}
    if params:
        for m, (low, central, high) in table.items():
            p = params.get(f"{m}.value_of_lost_load_eur_per_t")
            assert p, f"{name}: no futures parameter for {m}'s value of lost load"
            assert p.get("scale") == "log", (name, m, p)
            assert math.isclose(p["min"] * central, low, rel_tol=5e-6), (name, m, p, low)
            assert math.isclose(p["max"] * central, high, rel_tol=5e-6), (name, m, p, high)
assert checked == 6 * 4 + 2 + 2 + 1 + 1 + 1, checked  # 3 files + crisp example, then the rest
print(f"ok: {checked} materials in {len(files) + 1} experiments hold the CSV's values and ranges")
EOF
