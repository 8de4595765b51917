#!/usr/bin/env bash
# crisp check's estimate of a run's work counts the network (issues 17, 20): events grow with each
# material's nodes + edges, and core-seconds with their power 2.85 (fitted to bench/size_series),
# calibrated on the bundled default (sim/cli/commands.cpp work_of), whose materials' nodes + edges
# (17, 30, 43, 47, 44, 56) give sum n^2.85 = 267 225. small.toml: 360 replication-years on 7
# nodes + edges = 360 / 20 000 x 7^2.85 / 267 225 = 1.73e-05 core-seconds. The same experiment
# with 63 more nodes of its one material (10 times its 7 nodes + edges) is estimated at 10 times
# the events and 10^2.85 = 708 times the time (0.0122).
set -euo pipefail
crisp=$1
src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir"
tail='(the bundled default runs 20000 replication-years per core-second; a material'"'"'s cost grows with the power 2.85 of its nodes + edges)'
expect() {  # expect FILE LINE: the work line of `crisp check FILE`
  got=$("$crisp" check "$1" | grep '^  work: ')
  [ "$got" = "  work: $2 $tail" ] || { echo "FAIL: $1: got"; echo "$got"; exit 1; }
}
expect "$src/tests/cases/cli/small.toml" \
  "3 policy sets x 40 replications x 3 years = 360 replication-years on 4 nodes and 3 edges, about 1.1e+04 events; about 1.7e-05 core-seconds"
awk 'BEGIN{print "id,kind,material,country,demand_tpy"; for (i = 0; i < 63; i++) printf "x%d,consumer,gallium,DE,0\n", i}' > nodes.csv
{ cat "$src/tests/cases/cli/small.toml"; printf '[network]\nnodes_csv = "nodes.csv"\n'; } > big.toml
expect big.toml \
  "3 policy sets x 40 replications x 3 years = 360 replication-years on 67 nodes and 3 edges, about 1.1e+05 events; about 0.012 core-seconds"
"$crisp" example > default.toml
expect default.toml \
  "20 policy sets x 500 replications x 10 years = 1e+05 replication-years on 87 nodes and 150 edges, about 1e+08 events; about 5 core-seconds"
echo "ok"
