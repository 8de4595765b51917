#!/usr/bin/env bash
# `crisp run --threads 1` and `--threads 2` write identical /metrics, /summary and /paired.
set -euo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$crisp" run "$src/tests/cases/cli/small.toml" -o "$dir/t1.h5" --threads 1 --quiet >/dev/null
"$crisp" run "$src/tests/cases/cli/small.toml" -o "$dir/t2.h5" --threads 2 --quiet >/dev/null
for group in /metrics /summary /paired; do
  h5diff "$dir/t1.h5" "$dir/t2.h5" "$group" "$group" || { echo "FAIL: $group differs between 1 and 2 threads"; exit 1; }
done
# And the runs are not trivially equal because nothing happened: some shortage was simulated.
h5dump -d /metrics/gallium/NL/unmet_t "$dir/t1.h5" > "$dir/dump.txt"; sed -n '/DATA/,$p' "$dir/dump.txt" | grep -qE '[1-9]' || { echo "FAIL: no shortage simulated"; exit 1; }
echo "ok: identical for 1 and 2 threads"
# More threads than cores is allowed, and quiet: no TBB warning on stderr.
"$crisp" run "$src/tests/cases/cli/small.toml" -o "$dir/t7.h5" --threads 7 --quiet > /dev/null 2> "$dir/t7.err"
[ ! -s "$dir/t7.err" ] || { echo "FAIL: --threads 7 --quiet printed: $(cat "$dir/t7.err")"; exit 1; }
h5diff "$dir/t1.h5" "$dir/t7.h5" /metrics /metrics > /dev/null || { echo "FAIL: /metrics differs at 7 threads"; exit 1; }
echo "ok: quiet and identical at 7 threads"
