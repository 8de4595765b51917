#!/usr/bin/env bash
# experiments/nl-critical-materials-futures.toml is the default experiment with its name and
# output file changed, then a [futures] and a [discovery] table: below its marker line it must
# equal experiments/nl-critical-materials.toml so changed, and crisp check must accept it and tell
# of the futures.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fut=$src/experiments/nl-critical-materials-futures.toml
sed -e 's/^name = "nl-critical-materials"$/name = "nl-critical-materials-futures"/' \
    -e 's/^file = "crisp-results.h5"$/file = "crisp-futures.h5"/' \
    "$src/experiments/nl-critical-materials.toml" > "$dir/expected.toml"
sed -e '1,/^# ---- the default experiment follows ----$/d' -e '/^# ===== Futures =/,$d' "$fut" |
  sed -e '$d' > "$dir/body.toml"  # the blank line before the marker
diff -q "$dir/expected.toml" "$dir/body.toml" > /dev/null ||
  { echo "FAIL: the futures experiment's body differs from the default: $(diff "$dir/expected.toml" "$dir/body.toml" | head -5)"; exit 1; }
"$crisp" check "$fut" > "$dir/check.txt" 2>&1 || { echo "FAIL: crisp check: $(cat "$dir/check.txt")"; exit 1; }
grep -q "futures: 272 (sobol design, 16 base samples x (k + 2)), 100 replications each, 15 parameters" "$dir/check.txt" ||
  { echo "FAIL: crisp check does not tell of the futures: $(grep futures "$dir/check.txt")"; exit 1; }
grep -q "discovery: the shock histories in which each set's shortage_days in NL is above 60" "$dir/check.txt" ||
  { echo "FAIL: crisp check does not tell of the discovery"; exit 1; }
echo "ok: the futures experiment is the default's, with futures"
