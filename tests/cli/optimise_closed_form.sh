#!/usr/bin/env bash
# crisp optimise against two closed forms (docs/validation.md "Optimisation: two closed forms"):
# one mine with Poisson outages of exponential length, one consumer, a stockpile released at once
# and refilled fast. The size of least expected cost is S* = 118.9 days; the smallest size with
# P(any shortage in 10 years) <= 0.05 is S_a = 139.6 days. The optimiser's answer must be within
# 2 % of each, on the 40 000 search replications the experiment files give (about 35 s each on
# 2 threads). Under the sanitizers (CRISP_CLOSED_FORM_QUICK=1) 4 000 replications and 7 %, and
# 2 000 fresh replications, whose wider one-sided bound puts the confirmed answer up to 12 % above.
# For S_a that answer is the search's (round 1: the sample's own crossing, the closed form's
# estimate); the answer given, confirmed at 95 % on fresh replications, may lie above it (its
# search bound tightened: docs/model.md "Optimisation", step 3) and must then have P <= 0.05 with
# 95 % confidence: at most 6 % above S_a with 10 000 fresh replications (measured +1.8 %).
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
tolerance=0.02 above=0.06
for case in cost risk; do
  cp "$src/tests/optimise/closed_form_$case.toml" $case.toml
  if [ "${CRISP_CLOSED_FORM_QUICK:-0}" = 1 ]; then
    sed -i 's/^search_replications = 40000$/search_replications = 4000/; s/^evaluation_replications = 10000$/evaluation_replications = 2000/' $case.toml
    tolerance=0.07 above=0.12
  fi
done
check() {  # case | derived value | what (| the largest excess allowed above it)
  "$crisp" optimise $1.toml -o $1.h5 --threads 2 --quiet > $1.txt 2> $1.err || fail "$1: exit $?: $(cat $1.err)"
  local size
  size=$(sed -n 's/^  \* [a-z-]*: stockpile NL m.size_days=\([0-9.]*\)$/\1/p' $1.txt)
  [ -n "$size" ] || { fail "$1: no answer in: $(cat $1.txt)"; return; }
  awk -v s="$size" -v d="$2" -v t="$tolerance" -v up="${4:-$tolerance}" \
    'BEGIN { e = (s - d) / d; exit !(e <= up && e >= -t) }' ||
    fail "$3: the optimiser chose $size days, outside [-$tolerance, +${4:-$tolerance}] of the derived $2"
  echo "$3: chose $size days, derived $2"
}
check cost 118.9 "least expected cost"
check risk 139.6 "cheapest with P(shortage) <= 0.05 at 95 % confidence" "$above"
# The sample's crossing: the best point of the first search round that meets the bound there.
crossing=$(/usr/bin/python3 -c '
import sys, h5py
c = h5py.File(sys.argv[1], "r")["optimise/risk-limit/candidates"][()]
print(min(r["stockpile NL m.size_days"] for r in c if r["stage"] == b"search" and r["feasible"]))
' risk.h5) || fail "risk: cannot read the search's candidates"
awk -v s="$crossing" -v d=139.6 -v t="$tolerance" 'BEGIN { e = (s - d) / d; exit !(e <= t && e >= -t) }' ||
  fail "the search's smallest size with P <= 0.05 is $crossing days, more than $tolerance from 139.6"
echo "cheapest with P(shortage) <= 0.05: the search found $crossing days, derived 139.6"
grep -q "constraint 1: .*, met$" risk.txt || fail "risk: the answer is not confirmed: $(cat risk.txt)"
[ $fails -eq 0 ] && echo "optimise_closed_form: all checks passed"
exit $((fails > 0))
