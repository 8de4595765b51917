#!/usr/bin/env bash
# `crisp check` passes on every bundled experiment and prints its CRMA indicators, and
# `crisp example NAME` prints each one.
set -euo pipefail
crisp=$1
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
names=$("$crisp" example --list)
[ -n "$names" ] || { echo "FAIL: no bundled experiments"; exit 1; }
echo "$names" | grep -qx "nl-critical-materials" || { echo "FAIL: the default is not bundled"; exit 1; }
for name in $names; do
  "$crisp" example "$name" > "$dir/x.toml"
  "$crisp" check "$dir/x.toml" > "$dir/check.txt" || { echo "FAIL: crisp check $name"; exit 1; }
  grep -q "CRMA indicators" "$dir/check.txt" || { echo "FAIL: no CRMA indicators for $name"; exit 1; }
  if grep -q "cannot be served in full at baseline" "$dir/check.txt"; then
    echo "FAIL: $name is short at baseline"; exit 1
  fi
  echo "ok   $name"
done
# The default is what `crisp example` prints with no name.
"$crisp" example > "$dir/default.toml"
"$crisp" example nl-critical-materials | cmp -s - "$dir/default.toml" || { echo "FAIL: default differs"; exit 1; }
set +e
"$crisp" example no-such-thing 2> "$dir/err.txt"; code=$?
set -e
[ $code -eq 2 ] && grep -q "nl-critical-materials" "$dir/err.txt" || { echo "FAIL: unknown name: exit $code"; exit 1; }
