#!/usr/bin/env bash
# `crisp run` with the newer experiment keys: a network in CSV files found next to the experiment
# file whatever the working folder, a Latin hypercube and a list design labelled in the table,
# [sensitivity] written to /sensitivity (the same for any thread count), and a bad CSV row reported at its file and line.
set -euo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir"
cases="$src/tests/cases"

"$crisp" check "$cases/csv/from_csv.toml" | grep -q "gallium: 1 mines, 2 refineries, 3 consumers, 7 contract edges" ||
  { echo "FAIL: check of the CSV network"; exit 1; }
"$crisp" run "$cases/csv/from_csv.toml" -r 8 -o csv.h5 --quiet > csv.txt
"$crisp" run "$cases/csv/network.toml" -r 8 -o toml.h5 --quiet > toml.txt
cmp -s csv.txt toml.txt || { echo "FAIL: CSV and TOML networks give different tables"; diff csv.txt toml.txt; exit 1; }

"$crisp" run "$cases/design/lhs.toml" -r 4 -o lhs.h5 --quiet > lhs.txt
grep -q "^lhs 12: " lhs.txt || { echo "FAIL: no 'lhs 12:' row"; cat lhs.txt; exit 1; }
"$crisp" run "$cases/design/list.toml" -r 4 -o list.h5 --quiet > list.txt
grep -q "^both, fast release " list.txt || { echo "FAIL: no listed set row"; cat list.txt; exit 1; }

"$crisp" run "$cases/design/sensitivity.toml" -r 10 -o sens.h5 --quiet > sens.txt
h5dump -H sens.h5 > sens.header
grep -q 'DATASET "runs"' sens.header || { echo "FAIL: no /sensitivity/runs"; exit 1; }
h5dump -d /sensitivity/mean/gallium/NL/unmet_t -H sens.h5 | grep -q "SIMPLE { ( 11, 2 )" ||
  { echo "FAIL: /sensitivity/mean/gallium/NL/unmet_t is not [11, 2]"; exit 1; }
"$crisp" run "$cases/design/sensitivity.toml" -r 10 -o sens1.h5 --threads 1 --quiet > /dev/null
h5diff sens.h5 sens1.h5 /sensitivity /sensitivity ||
  { echo "FAIL: /sensitivity differs between thread counts"; exit 1; }
# The comparison table is the unscaled run's: the same as without [sensitivity].
sed '/^\[sensitivity\]/,$d' "$cases/design/sensitivity.toml" > plain.toml
"$crisp" run plain.toml -r 10 -o plain.h5 --quiet > plain.txt
cmp -s sens.txt plain.txt || { echo "FAIL: [sensitivity] changed the comparison table"; exit 1; }

mkdir bad
cp "$cases/csv/from_csv.toml" "$cases/csv/edges.csv" bad/
sed 's/^cn-ga-ref,refinery,gallium,CN,,800/cn-ga-ref,refinery,gallium,CN,,abc/' \
  "$cases/csv/nodes.csv" > bad/nodes.csv
set +e
"$crisp" run bad/from_csv.toml -o bad.h5 --quiet > /dev/null 2> bad.err; code=$?
set -e
[ $code -eq 2 ] || { echo "FAIL: a bad CSV row exited $code"; exit 1; }
grep -qx "crisp: error: bad/nodes.csv:3: node 'cn-ga-ref': capacity_tpy must be a number >= 0, got 'abc'" bad.err ||
  { echo "FAIL: message"; cat bad.err; exit 1; }
[ ! -e bad.h5 ] || { echo "FAIL: left a results file"; exit 1; }
echo "ok"
