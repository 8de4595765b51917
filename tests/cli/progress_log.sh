#!/usr/bin/env bash
# Progress in batch logs: with --progress, stderr that is not a terminal gets whole progress lines
# (work units done, replication-years/s, ETA), ending with 100 %; without it, or with --quiet,
# none. The comparison table on stdout is the same either way.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
x="$src/tests/cases/cli/small.toml"
fails=0
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }
"$crisp" run "$x" -r 40 --threads 2 --progress -o "$dir/a.h5" > "$dir/a.out" 2> "$dir/a.err" ||
  fail "--progress run failed"
grep -Eq '^crisp: ([0-9]+)/\1 work units \(100 %\), [0-9]+ replication-years/s, ETA 0 s$' \
  "$dir/a.err" || fail "no final progress line: $(cat "$dir/a.err")"
grep -q $'\r' "$dir/a.err" && fail "carriage returns in a log"
"$crisp" run "$x" -r 40 --threads 2 -o "$dir/b.h5" > "$dir/b.out" 2> "$dir/b.err" ||
  fail "plain run failed"
grep -q 'work units' "$dir/b.err" && fail "progress without --progress in a log"
"$crisp" run "$x" -r 40 --threads 2 --progress --quiet -o "$dir/c.h5" > "$dir/c.out" \
  2> "$dir/c.err" || fail "--quiet run failed"
[ -s "$dir/c.err" ] && fail "--quiet printed: $(cat "$dir/c.err")"
cmp -s "$dir/a.out" "$dir/b.out" || fail "the table differs with --progress"
[ $fails -eq 0 ] && echo "ok"
exit $fails
