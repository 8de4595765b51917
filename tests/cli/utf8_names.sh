#!/usr/bin/env bash
# Names crisp accepts at load it can write, read back, merge, export, show as valid JSON and put
# in the report's sentences (issue 17): a region 'zürich' from a UTF-8 CSV file, a region 'North
# Sea' and a material 'rare earths' with spaces, a material 'NdPr.2' with a dot, a shock name in
# German. run, check FILE.h5, show (table, --json, --csv), export, two shards and merge, then
# scripts/report and scripts/plot (these two skipped where /usr/bin/python3 lacks h5py, numpy or
# matplotlib). The experiment's files are byte for byte the same afterwards.
set -euo pipefail
crisp=$1
src=$2
py=/usr/bin/python3
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir"
fail() { echo "FAIL: $*"; exit 1; }

cat > names.toml <<'EOF'
[experiment]
name = "zürich names"
horizon_years = 2
replications = 20
seed = 3

[[material]]
name = "rare earths"
price_eur_per_t = 50000
value_of_lost_load_eur_per_t = 900000

[[material]]
name = "NdPr.2"
price_eur_per_t = 80000
value_of_lost_load_eur_per_t = 1000000

[[node]]
id = "cn-mine"
kind = "mine"
material = "rare earths"
country = "CN"
capacity_tpy = 100

[[node]]
id = "cn-ndpr"
kind = "mine"
material = "NdPr.2"
country = "CN"
capacity_tpy = 50

[network]
nodes_csv = "nodes.csv"
edges_csv = "edges.csv"

[[shock]]
name = "Exportstopp für Seltene Erden"
kind = "export_restriction"
country = "CN"
destinations = "foreign"
rate_per_year = 1
duration_days = 60
severity = 0.8

[[policy]]
kind = "stockpile"
regions = ["North Sea"]
material = "rare earths"
size_days = [0, 30]

[[policy]]
kind = "stockpile"
regions = ["zürich"]
material = "NdPr.2"
size_days = [0, 45]
EOF
printf 'id,kind,material,country,region,demand_tpy\nns-users,consumer,rare earths,NO,North Sea,30\nzh-users,consumer,NdPr.2,CH,zürich,20\n' > nodes.csv
printf 'from,to,share,lead_time_days\ncn-mine,ns-users,1,20\ncn-ndpr,zh-users,1,25\n' > edges.csv
sums=$(md5sum names.toml nodes.csv edges.csv)

[ "$("$crisp" check names.toml | head -2)" = "names.toml: experiment 'zürich names' is valid
  horizon 730 days, 20 replications, seed 3, report regions: North Sea, zürich" ] ||
  fail "check names.toml"
"$crisp" run names.toml -o run.h5 --quiet > table.txt
[ "$("$crisp" check run.h5)" = \
  "run.h5: a whole crisp results file: 4 policy sets x 20 replications; all 221 datasets read" ] ||
  fail "check run.h5"
grep -qx "zürich / all materials: 20 replications; money in million EUR, discounted" table.txt ||
  fail "run's table has no zürich section"
"$crisp" show run.h5 --region zürich --material NdPr.2 > show.txt
grep -q "^stockpile North Sea rare earths.size_days=0, stockpile zürich NdPr.2.size_days~ " \
  show.txt || fail "show's label cut"
# Every line of the tables is valid UTF-8 (a cut label never splits a character).
cat table.txt show.txt | $py -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' ||
  fail "show prints bytes that are not UTF-8"

# show --json: valid JSON, names and labels as they were given.
"$crisp" show run.h5 --region zürich --material NdPr.2 --json > show.json
$py - <<'EOF'
import json
rows = json.load(open("show.json", encoding="utf-8"))["rows"]
assert len(rows) == 4, len(rows)
assert rows[1]["label"] == \
    "stockpile North Sea rare earths.size_days=0, stockpile zürich NdPr.2.size_days=45", rows[1]
assert rows[1]["stockpile zürich NdPr.2.size_days"] == 45, rows[1]
assert rows[0]["stockpile zürich NdPr.2.size_days"] == 0, rows[0]  # off: its off value
EOF
"$crisp" show run.h5 --region "North Sea" --material "rare earths" --csv > show.csv
$py -c 'import csv; rows = list(csv.DictReader(open("show.csv", encoding="utf-8")))
assert rows[2]["stockpile North Sea rare earths.size_days"] == "30", rows[2]'

# export: every region and material, as written.
"$crisp" export run.h5 -o long.csv
$py - <<'EOF'
import csv
rows = list(csv.DictReader(open("long.csv", encoding="utf-8")))
assert {r["region"] for r in rows} == {"North Sea", "zürich"}
assert {r["material"] for r in rows} == {"all", "rare earths", "NdPr.2"}
unmet = [r for r in rows if (r["region"], r["material"], r["metric"]) == ("zürich", "NdPr.2", "unmet_t")]
assert len(unmet) == 4 * 20, len(unmet)  # every policy set and replication
EOF

# Two shards merge into the same values as the whole run.
"$crisp" run names.toml --shard 1/2 -o part1.h5 --quiet > /dev/null
"$crisp" run names.toml --shard 2/2 -o part2.h5 --quiet > /dev/null
"$crisp" merge part1.h5 part2.h5 -o merged.h5 --quiet > /dev/null
"$crisp" check merged.h5 > /dev/null || fail "check merged.h5"
h5diff run.h5 merged.h5 /metrics > /dev/null || fail "merged /metrics differ from the run's"

# The report's sentences name the material and region whole ("A 30-day earths stockpile for
# North" and "a nan-day NdPr stockpile" before), and its ids hold no space.
if $py -c "import h5py, numpy, matplotlib" 2>/dev/null; then
  CRISP_BIN=$crisp "$src/scripts/report" run.h5 -o report.html > /dev/null
  $py - <<'EOF'
import re
page = open("report.html", encoding="utf-8").read()
for sentence in ["A 30-day rare earths stockpile for North Sea plus a 45-day NdPr.2 stockpile "
                 "for zürich: ",
                 "A 45-day NdPr.2 stockpile for zürich: ",
                 "A 30-day rare earths stockpile for North Sea: "]:
    assert sentence in page, sentence
assert "nan-day" not in page and "earths stockpile for North:" not in page
ids = re.findall(r' id="([^"]*)"', page)
assert "cmp-North_20Sea-rare_20earths" in ids and "cmp-z_fcrich-NdPr_2e2" in ids, ids
assert all(" " not in i for i in ids) and len(ids) == len(set(ids)), ids
for href in re.findall(r'href="#([^"]*)"', page):
    assert href in ids, href
EOF
  CRISP_BIN=$crisp "$src/scripts/plot" run.h5 -o plots --region zürich --material NdPr.2 \
    > plots.txt
  for kind in frontier unmet response_total_cost_eur; do
    grep -qx "plots/zürich_NdPr.2_$kind.png" plots.txt || { cat plots.txt; fail "no $kind plot"; }
  done
else
  echo "python3 packages missing: report and plot skipped"
fi

[ "$(md5sum names.toml nodes.csv edges.csv)" = "$sums" ] || fail "the experiment's files changed"
echo "ok"
