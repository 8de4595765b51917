#!/usr/bin/env bash
# The progress guard (docs/model.md "Progress"): a material whose simulated day takes more events
# than its budget stops the run with exit 1 and one line naming the material, day, replication and
# seed, and leaves no results file. The budget is set absurdly low here to trip it on a sound model.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
sed 's/^seed = 7$/seed = 7\nevent_budget = 1/' "$src/tests/cases/cli/small.toml" > "$dir/x.toml"
grep -q '^event_budget = 1$' "$dir/x.toml" || { echo "FAIL: could not set event_budget"; exit 1; }
"$crisp" run "$dir/x.toml" -o "$dir/out.h5" --quiet > /dev/null 2> "$dir/err"
code=$?
msg=$(cat "$dir/err")
fails=0
fail() { echo "FAIL: $1 ($msg)"; fails=$((fails + 1)); }
[ $code -eq 1 ] || fail "exit code $code, expected 1"
[ "$(wc -l < "$dir/err")" -eq 1 ] || fail "stderr is not one line"
for word in "crisp: error: " "material 'gallium'" "no progress" "event_budget" "day " \
  "(replication " "seed 7)"; do
  [[ $msg == *"$word"* ]] || fail "does not mention '$word'"
done
[ ! -e "$dir/out.h5" ] && [ ! -e "$dir/out.h5.partial" ] || fail "left a results file"
# The same file with the default budget runs.
sed '/^event_budget/d' "$dir/x.toml" > "$dir/ok.toml"
"$crisp" run "$dir/ok.toml" -o "$dir/ok.h5" --quiet > /dev/null || fail "the default budget fails"
[ $fails -eq 0 ] && echo "ok: $msg"
exit $fails
