#!/usr/bin/env bash
# crisp optimise against two closed forms (docs/validation.md "Optimisation: two closed forms"):
# one mine with Poisson outages of exponential length, one consumer, a stockpile released at once
# and refilled fast. The size of least expected cost is S* = 118.9 days; the smallest size with
# P(any shortage in 10 years) <= 0.05 is S_a = 139.6 days. The optimiser's answer must be within
# 2 % of each, on the 40 000 search replications the experiment files give (about 35 s each on
# 2 threads). Under the sanitizers (CRISP_CLOSED_FORM_QUICK=1) 4 000 replications and 7 %.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
tolerance=0.02
for case in cost risk; do
  cp "$src/tests/optimise/closed_form_$case.toml" $case.toml
  if [ "${CRISP_CLOSED_FORM_QUICK:-0}" = 1 ]; then
    sed -i 's/^search_replications = 40000$/search_replications = 4000/; s/^evaluation_replications = 10000$/evaluation_replications = 2000/' $case.toml
    tolerance=0.07
  fi
done
check() {  # case | derived value | what
  "$crisp" optimise $1.toml -o $1.h5 --threads 2 --quiet > $1.txt 2> $1.err || fail "$1: exit $?: $(cat $1.err)"
  local size
  size=$(sed -n 's/^  \* [a-z-]*: stockpile NL m.size_days=\([0-9.]*\)$/\1/p' $1.txt)
  [ -n "$size" ] || { fail "$1: no answer in: $(cat $1.txt)"; return; }
  awk -v s="$size" -v d="$2" -v t="$tolerance" 'BEGIN { e = (s - d) / d; exit !(e <= t && e >= -t) }' ||
    fail "$3: the optimiser chose $size days, more than $tolerance from the derived $2"
  echo "$3: chose $size days, derived $2"
}
check cost 118.9 "least expected cost"
check risk 139.6 "cheapest with P(shortage) <= 0.05"
[ $fails -eq 0 ] && echo "optimise_closed_form: all checks passed"
exit $((fails > 0))
