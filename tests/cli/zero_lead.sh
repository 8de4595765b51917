#!/usr/bin/env bash
# Every lead time 0 is a valid input (docs/model.md "Zero lead times: buffers held at their
# target"): `crisp check` accepts it and `crisp run` simulates it to the end (exit 0, a results
# file). A 4-node chain, and the bundled default (6 materials), which before the hold stopped with
# "makes no progress ... please report it" (exit 1). Its convergence to small positive lead times is
# tests/unit/test_zero_lead.cpp.
set -euo pipefail
crisp=$1
src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir"

fail() { echo "FAIL: $*"; exit 1; }

# Runs FILE to the end: check exit 0, run exit 0, the results file and its metrics there, no
# partial or journal left, nothing on stderr.
runs() {
  local file=$1 reps=$2
  "$crisp" check "$file" > check.txt 2> check.err || fail "check $file: exit $?: $(cat check.err)"
  local rc=0
  "$crisp" run "$file" -r "$reps" -o out.h5 --quiet > run.txt 2> run.err || rc=$?
  [ "$rc" -eq 0 ] || fail "run $file: exit $rc: $(cat run.err)"
  [ ! -s run.err ] || fail "run $file wrote to stderr: $(cat run.err)"
  [ -f out.h5 ] || fail "run $file: no out.h5"
  [ ! -e out.h5.partial ] && [ ! -e out.h5.journal ] || fail "run $file: partial or journal left"
  h5dump -H out.h5 > header.txt
  grep -q 'GROUP "metrics"' header.txt || fail "run $file: no /metrics"
  rm -f out.h5
}

# A 4-node chain: a mine, a refinery, two consumers, every lead 0, a mine outage that rations both
# stages.
cat > chain.toml <<'TOML'
[experiment]
name = "zero-lead-chain"
horizon_years = 2
replications = 10
seed = 7
report_regions = ["A", "B"]

[[material]]
name = "m"
price_eur_per_t = 1000
value_of_lost_load_eur_per_t = 20000
resourcing_delay_days = 30
spot_lead_time_days = 0
market = { price_elasticity = 0.5 }

[[node]]
id = "mine"
kind = "mine"
material = "m"
country = "X"
capacity_tpy = 1000

[[node]]
id = "refinery"
kind = "refinery"
material = "m"
country = "X"
capacity_tpy = 950
buffer_days = 30

[[node]]
id = "a"
kind = "consumer"
material = "m"
country = "A"
demand_tpy = 500
buffer_days = 30

[[node]]
id = "b"
kind = "consumer"
material = "m"
country = "B"
demand_tpy = 400
buffer_days = 30

[[edge]]
from = "mine"
to = "refinery"
share = 1
lead_time_days = 0

[[edge]]
from = "refinery"
to = "a"
share = 1
lead_time_days = 0

[[edge]]
from = "refinery"
to = "b"
share = 1
lead_time_days = 0

[[shock]]
name = "mine outage"
kind = "outage"
rate_per_year = 2
duration_days = { exponential = { mean = 60 } }
severity = { uniform = [0.2, 0.9] }
nodes = ["mine"]
TOML
runs chain.toml 10
# Seed 7: 4 of the 10 replications go short in each region, for 68.1 days on average.
[ "$(awk '/^A \//{a=1} a && /^baseline/{print $2, $3; exit}' run.txt)" = "0.400 68.1" ] ||
  fail "chain: region A's baseline row: $(cat run.txt)"

# The bundled default with every lead time (contract, spot, a lever's feedstock) set to 0.
sed -E 's/^((feedstock_|spot_)?lead_time_days *= *)[0-9.eE+-]+/\10/' \
  "$src/experiments/nl-critical-materials.toml" > zero.toml
[ "$(grep -cE '^(feedstock_|spot_)?lead_time_days *= *0( |$)' zero.toml)" -eq 158 ] ||
  fail "zero.toml: not every lead time is 0"
! grep -qE '^(feedstock_|spot_)?lead_time_days *= *[1-9]' zero.toml || fail "zero.toml: a lead left"
runs zero.toml 20
grep -q "^baseline" run.txt || fail "zero.toml: no baseline row: $(cat run.txt)"
echo "PASS"
