#!/usr/bin/env bash
# crisp optimise (README "Finding the best policy"): the same answer, byte for byte, for 1 and 2
# threads and under mpirun -n 2; a killed optimisation resumed gives the answer of one never
# stopped; an infeasible problem exits 1 with the closest policy named, its file written; and a
# bad [[optimise]] table gets one line and exit 2.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
cp "$src/tests/cases/optimise/small.toml" small.toml

# 1. Threads: the same text and the same file (but for the command line and time it records).
"$crisp" optimise small.toml -o t1.h5 --threads 1 --quiet > t1.txt || fail "threads 1: exit $?"
"$crisp" optimise small.toml -o t2.h5 --threads 2 --quiet > t2.txt || fail "threads 2: exit $?"
cmp -s t1.txt t2.txt || fail "threads 1 and 2 print different answers: $(diff t1.txt t2.txt)"
for g in optimise metrics policies summary; do
  h5diff t1.h5 t2.h5 "/$g" > /dev/null 2>&1 || fail "threads 1 and 2: /$g differs"
done
grep -q "^  \* least-cost: stockpile NL gallium.size_days=" t1.txt || fail "no chosen answer: $(cat t1.txt)"
grep -q "optimality gap: .* over 3 independent samples" t1.txt || fail "no gap: $(cat t1.txt)"
grep -q "bound 0.5: risk-limit at 0.5: " t1.txt || fail "no frontier: $(cat t1.txt)"
# crisp show prints the same answers from the file.
"$crisp" show t1.h5 > show.txt || fail "show: exit $?"
head -n "$(wc -l < t1.txt)" show.txt | cmp -s - t1.txt || fail "show prints other answers"

# 2. MPI: two ranks, the same answer (skipped where mpirun or an MPI build is missing).
# Not grep -q: it would quit at the match, ldd would die of SIGPIPE and pipefail fail the test.
if command -v mpirun > /dev/null && ldd "$crisp" | grep libmpi > /dev/null; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 mpirun -q --oversubscribe -n 2 \
    "$crisp" optimise small.toml -o m.h5 --threads 2 --quiet > m.txt || fail "mpirun: exit $?"
  cmp -s t1.txt m.txt || fail "mpirun -n 2 prints another answer: $(diff t1.txt m.txt)"
  for g in optimise metrics policies; do
    h5diff t1.h5 m.h5 "/$g" > /dev/null 2>&1 || fail "mpirun -n 2: /$g differs"
  done
else
  echo "skip: MPI part (no mpirun, or crisp built without MPI)"
fi

# 3. Killed, then resumed: the answer of a run never stopped. The search sample is made larger
# so that the run lasts long enough to be killed part way.
sed 's/^search_replications = 64$/search_replications = 1024/' small.toml > long.toml
"$crisp" optimise long.toml -o ref.h5 --threads 1 --quiet > ref.txt || fail "long: exit $?"
"$crisp" optimise long.toml -o k.h5 --threads 1 --quiet > /dev/null 2>&1 &
pid=$!
for _ in $(seq 500); do
  [ "$(stat -c %s k.h5.journal 2> /dev/null || echo 0)" -gt 200000 ] && break
  sleep 0.02
done
kill -KILL $pid
wait $pid 2> /dev/null
[ -s k.h5.journal ] || fail "killed: no journal kept"
[ ! -e k.h5 ] || fail "killed: a results file appeared"
"$crisp" optimise long.toml -o k.h5 --threads 1 --quiet > again.txt 2> again.err
code=$?
[ $code -eq 2 ] && grep -q -- "--resume" again.err || fail "no --resume: exit $code, $(cat again.err)"
"$crisp" optimise long.toml -o k.h5 --threads 2 --resume > resumed.txt 2> resumed.err ||
  fail "resume: exit $?: $(cat resumed.err)"
grep -q "^crisp: resuming: [1-9][0-9]* evaluations from k.h5.journal$" resumed.err ||
  fail "resume: no note of the evaluations read: $(cat resumed.err)"
cmp -s ref.txt resumed.txt || fail "resumed answer differs: $(diff ref.txt resumed.txt)"
h5diff ref.h5 k.h5 /optimise > /dev/null 2>&1 || fail "resumed: /optimise differs"
[ ! -e k.h5.journal ] || fail "resumed: the journal is left behind"
# A journal of another experiment is refused, and left alone.
"$crisp" optimise long.toml -o j.h5 --threads 1 --quiet > /dev/null 2>&1 &
pid=$!
for _ in $(seq 500); do
  [ -s j.h5.journal ] && break
  sleep 0.02
done
kill -KILL $pid
wait $pid 2> /dev/null
sed 's/^seed = 7$/seed = 8/' long.toml > other.toml
before=$(sha256sum j.h5.journal)
"$crisp" optimise other.toml -o j.h5 --resume --quiet > /dev/null 2> other.err
code=$?
[ $code -eq 2 ] && grep -q "is not the journal of this optimisation" other.err ||
  fail "another experiment's journal: exit $code, $(cat other.err)"
[ "$before" = "$(sha256sum j.h5.journal)" ] || fail "another experiment's journal was changed"

# 4. Infeasible: no stockpile stops every shortage (releases come 5 days late): exit 1, the
# results written, the closest policy named.
sed 's/^at_most = 0.3$/at_most = 0/; s/^frontier = .*$//; s/^name = "least-cost"$/name = "least-cost"\nsearch_replications = 64/' \
  small.toml | awk '!/^search_replications = 64$/ || !seen++' > infeasible.toml
"$crisp" optimise infeasible.toml -o inf.h5 --threads 2 --quiet --problem risk-limit > inf.txt 2> inf.err
code=$?
[ $code -eq 1 ] || fail "infeasible: exit $code, expected 1 ($(cat inf.err))"
grep -q "No policy in the ranges meets the constraints on the search sample; the closest is risk-limit: stockpile NL gallium.size_days=" inf.txt ||
  fail "infeasible: not said: $(cat inf.txt)"
[ -s inf.h5 ] || fail "infeasible: no results file"
[ "$(cat inf.err)" = "crisp: error: optimise 'risk-limit': no policy in the ranges meets its constraints on the search sample; inf.h5 names the closest" ] ||
  fail "infeasible: stderr is not the one line: $(cat inf.err)"
"$crisp" check inf.h5 > /dev/null || fail "check refuses the results of an optimisation"

# 5. Bad decision problems: one line, file:line:col, exit 2, nothing written.
bad() {  # case | text to append to small.toml without its [[optimise]] tables | expected line
  sed '/^\[\[optimise\]\]$/,$d' small.toml > bad.toml
  printf '%s\n' "$2" >> bad.toml
  "$crisp" optimise bad.toml -o bad.h5 --quiet > /dev/null 2> bad.err
  local code=$?
  [ $code -eq 2 ] || fail "$1: exit $code, expected 2"
  [ "$(grep -c . bad.err)" -eq 1 ] || fail "$1: not one line: $(cat bad.err)"
  [ "$(cat bad.err)" = "crisp: error: $3" ] || fail "$1: got $(cat bad.err)"
  [ -z "$(ls bad.h5* 2> /dev/null)" ] || fail "$1: left $(ls bad.h5*)"
}
head='[[optimise]]
name = "p"
minimise = "total_cost_eur"
region = "NL"'
line=$(( $(sed '/^\[\[optimise\]\]$/,$d' small.toml | wc -l) + 1 ))
bad "unknown key" "$head
[[optimise.variable]]
key = \"stockpile NL gallium.size_dayz\"
min = 0
max = 10" "bad.toml:$((line + 5)):7: variable 'stockpile NL gallium.size_dayz': key: policy 'stockpile NL gallium' has no numeric key 'size_dayz' (did you mean 'size_days'?)"
bad "inverted range" "$head
[[optimise.variable]]
key = \"stockpile NL gallium.size_days\"
min = 10
max = 5" "bad.toml:$((line + 7)):7: variable 'stockpile NL gallium.size_days': max must be greater than min (10), got 5: an empty or inverted range"
bad "unknown statistic" "$head
[[optimise.variable]]
key = \"stockpile NL gallium.size_days\"
min = 0
max = 5
[[optimise.constraint]]
metric = \"shortage_days\"
material = \"gallium\"
statistic = \"median\"
at_most = 1" "bad.toml:$((line + 11)):13: constraint #1: statistic must be one of 'mean', 'quantile', 'cvar95', 'p_exceeds', got 'median' (did you mean 'mean'?)"
bad "swept key not chosen" "$head
search_replications = 10
[[optimise.variable]]
key = \"stockpile NL gallium.release.delay_days\"
min = 0
max = 5" "bad.toml:$line:1: optimise 'p': policy key 'stockpile NL gallium.size_days' is swept by the design: make it a [[optimise.variable]] or hold it at one value with hold = { \"stockpile NL gallium.size_days\" = ... }"
bad "name of a table" "[[optimise]]
name = \"problems\"" "bad.toml:$((line + 1)):8: optimise #1: name must be a name without '/', and not '.', '..' or 'problems' (it names a group of the results file's /optimise), got 'problems'"
bad "absurd work" "$head
search_replications = 100000000
max_evaluations = 100000
[[optimise.variable]]
key = \"stockpile NL gallium.size_days\"
min = 0
max = 5" "bad.toml: [[optimise]]: its searches may take up to 2.7e+14 replication-years, more than 1e+12 (over a core-year of simulation): fewer search_replications, max_evaluations, gap_batches, frontier bounds or choices"
sed '/^\[\[optimise\]\]$/,$d' small.toml > none.toml
"$crisp" optimise none.toml -o none.h5 --quiet > /dev/null 2> none.err
[ $? -eq 2 ] && grep -q "none.toml: no \[\[optimise\]\] table" none.err || fail "no [[optimise]]: $(cat none.err)"
"$crisp" optimise small.toml -o twice.h5 --problem risk-limit --problem risk-limit --quiet \
  > /dev/null 2> twice.err
[ $? -eq 2 ] && [ "$(cat twice.err)" = "crisp: error: --problem: 'risk-limit' is given twice" ] ||
  fail "--problem twice: $(cat twice.err)"

[ $fails -eq 0 ] && echo "optimise: all checks passed"
exit $((fails > 0))
