#!/usr/bin/env bash
# The progress guard (docs/model.md "Progress"). A material whose simulated day takes more events
# than its budget stops the run with one line naming the material, the replication and the seed,
# and leaves no results file:
# - when the shocks alone schedule more events than the budget (many shocks at high rates over a
#   long horizon), the input made them: exit 2, naming the experiment file and the keys to change;
# - otherwise the engine made them: exit 1, the day, and "please report it". A sound model trips
#   it here only because event_budget is set absurdly low.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
small=$src/tests/cases/cli/small.toml
fails=0
fail() { echo "FAIL: $1 ($msg)"; fails=$((fails + 1)); }
# run NAME EXPECTED-CODE: runs $dir/NAME.toml, sets msg, checks the code, one line, no results.
run() {
  "$crisp" run "$dir/$1.toml" -o "$dir/$1.h5" --quiet > /dev/null 2> "$dir/$1.err"
  local code=$?
  msg=$(cat "$dir/$1.err")
  [ $code -eq "$2" ] || fail "$1: exit code $code, expected $2"
  [ "$(wc -l < "$dir/$1.err")" -eq 1 ] || fail "$1: stderr is not one line"
  [ ! -e "$dir/$1.h5" ] && [ ! -e "$dir/$1.h5.partial" ] || fail "$1: left a results file"
}

# The engine's side: a day of a sound model with a budget of 1 event per element (the shocks'
# 0.3 a year stay within it).
sed 's/^seed = 7$/seed = 7\nevent_budget = 1/; s/^rate_per_year = .*/rate_per_year = 0.3/' \
  "$small" > "$dir/day.toml"
[ "$(grep -c '^event_budget = 1$\|^rate_per_year = 0.3$' "$dir/day.toml")" -eq 3 ] ||
  { echo "FAIL: could not set event_budget and the rates"; exit 1; }
run day 1
want="crisp: error: the simulation of material 'gallium' makes no progress: more than 12 events"
want+=" (its event_budget) in the day from day 113 (replication 39, seed 7); please report it"
[ "$msg" = "$want" ] || fail "day: expected '$want'"

# The input's side: the same budget, the shocks at their own rates: 14 shock events over 12.
sed 's/^seed = 7$/seed = 7\nevent_budget = 1/' "$small" > "$dir/budget.toml"
run budget 2
want="crisp: error: $dir/budget.toml: material 'gallium': its shocks make 14 events in replication"
want+=" 0 (seed 7), more than its event budget of 12 ([experiment] event_budget 1 x 12 elements of"
want+=" its network): raise [experiment] event_budget (at most 1000000), or lower the shocks'"
want+=" rate_per_year or [experiment] horizon_years"
[ "$msg" = "$want" ] || fail "budget: expected '$want'"

# Valid shocks at their maximum rate (1000 a year) and the default budget: 5 x 1000 x 3 years of
# outages, about 30 000 events over 1000 x 12.
cp "$small" "$dir/rates.toml"
for i in 1 2 3 4 5; do
  printf '\n[[shock]]\nname = "o%d"\nkind = "outage"\nnodes = ["jp-mine"]\nrate_per_year = 1000\nduration_days = 1\nseverity = 0.5\n' \
    "$i" >> "$dir/rates.toml"
done
"$crisp" check "$dir/rates.toml" > /dev/null || fail "rates: crisp check refuses the file"
run rates 2
[[ $msg == "crisp: error: $dir/rates.toml: material 'gallium': its shocks make "*" events in"*"more than its event budget of 12000 ([experiment] event_budget 1000 x 12 elements of its network): raise [experiment] event_budget"* ]] ||
  fail "rates: not the input's message"

# The same file with the default budget runs.
sed '/^event_budget/d' "$dir/budget.toml" > "$dir/ok.toml"
"$crisp" run "$dir/ok.toml" -o "$dir/ok.h5" --quiet > /dev/null || fail "the default budget fails"
[ $fails -eq 0 ] && echo "ok: the progress guard's two messages"
exit $fails
