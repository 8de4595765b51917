#!/usr/bin/env bash
# Output that cannot be written is an error, never a silent success or a signal's death
# (README.md "Exit codes"):
# - stdout on a full device (> /dev/full): show, check, example, export, run, help and --version
#   exit 1 with one line, "crisp: error: cannot write to standard output: <reason>";
# - a file size limit (ulimit -f): crisp ignores SIGXFSZ, so the write fails with EFBIG and takes
#   the ordinary write-error path: exit 1 (not 153), one line, no .partial left, the finished
#   blocks kept in the journal, and --resume without the limit finishes the same results.
# Every user file (the experiment, a results file read) stays byte for byte as it was.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
cp "$src/tests/cases/cli/small.toml" small.toml
"$crisp" run small.toml -o s.h5 --quiet > /dev/null || { echo "FAIL: the small run"; exit 1; }
sums=$(sha256sum small.toml s.h5)

# 1. stdout on /dev/full.
full() {  # name, then the arguments
  local name=$1
  shift
  "$crisp" "$@" > /dev/full 2> "$name.err"
  local code=$?
  [ $code -eq 1 ] || fail "$name > /dev/full: exit $code, expected 1 ($(cat "$name.err"))"
  local want="crisp: error: cannot write to standard output: No space left on device"
  [ "$(cat "$name.err")" = "$want" ] || fail "$name > /dev/full: stderr is not '$want': $(cat "$name.err")"
}
full show show s.h5
full show-json show s.h5 --json
full show-csv show s.h5 --csv
full show-metric show s.h5 --metric total_cost_eur
full check-toml check small.toml
full check-h5 check s.h5
full example example
full example-list example --list
full help help
full help-run help run
full version --version
full run run small.toml -o r.h5 --quiet
# The run wrote its results before the tables failed: they are whole.
"$crisp" check r.h5 > /dev/null || fail "run > /dev/full: the results file is not whole"
[ ! -e r.h5.partial ] && [ ! -e r.h5.journal ] || fail "run > /dev/full: files left behind"
# export streams its rows to stdout and says so itself.
"$crisp" export s.h5 > /dev/full 2> export.err
code=$?
[ $code -eq 1 ] && [ "$(grep -c . export.err)" -eq 1 ] && grep -q '^crisp: error: .*stdout' export.err ||
  fail "export > /dev/full: exit $code, $(cat export.err)"
# A pipe that is read whole is not an error.
"$crisp" example | cat > example.toml || fail "crisp example | cat failed"
cmp -s example.toml <("$crisp" example) || fail "crisp example | cat differs"

# 2. ulimit -f: the results file (about 130 KB) is over 100 KiB.
(ulimit -f 100; exec "$crisp" run small.toml -o u.h5 --quiet > /dev/null 2> u.err)
code=$?
[ $code -eq 1 ] || fail "ulimit -f 100: exit $code, expected 1 ($(cat u.err))"
[ "$(grep -c . u.err)" -eq 1 ] || fail "ulimit -f 100: stderr is not one line: $(cat u.err)"
grep -q "^crisp: error: cannot write results file u.h5: .*File too large; the simulated blocks are kept in 'u.h5.journal': run the same command with --resume" u.err ||
  fail "ulimit -f 100: not the write error: $(cat u.err)"
[ ! -e u.h5 ] && [ ! -e u.h5.partial ] || fail "ulimit -f 100: a results or partial file left"
[ -s u.h5.journal ] || fail "ulimit -f 100: the journal is gone"
"$crisp" run small.toml -o u.h5 --quiet --resume > /dev/null 2> resume.err ||
  fail "ulimit -f 100: --resume: $(cat resume.err)"
for g in metrics summary paired; do
  h5diff s.h5 u.h5 "/$g" > /dev/null 2>&1 || fail "ulimit -f 100 + --resume: /$g differs"
done
# The journal's first block over the limit: nothing is kept.
(ulimit -f 1; exec "$crisp" run small.toml -o v.h5 --quiet > /dev/null 2> v.err)
code=$?
[ $code -eq 1 ] || fail "ulimit -f 1: exit $code, expected 1 ($(cat v.err))"
[ "$(cat v.err)" = "crisp: error: writing 'v.h5.journal': File too large" ] ||
  fail "ulimit -f 1: $(cat v.err)"
[ -z "$(ls v.h5* 2> /dev/null)" ] || fail "ulimit -f 1: left $(ls v.h5*)"

[ "$(sha256sum small.toml s.h5)" = "$sums" ] || fail "a user file changed"
[ $fails -eq 0 ] && echo "ok: write errors on stdout and under ulimit -f are one line, exit 1"
exit $((fails > 0))
