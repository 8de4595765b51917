#!/usr/bin/env bash
# Resume (docs/results-format.md "Resume"): a run killed with SIGKILL after some blocks, or
# stopped by SIGTERM, is finished by the same command with --resume, which skips the blocks the
# journal holds; /metrics, /summary and /paired are byte for byte those of an uninterrupted run.
# A journal is never dropped silently, and one of another run is refused.
set -uo pipefail
crisp=$1
dir=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
R=160  # the bundled default: 5 blocks of 32 replications, about 4 s on one thread
run() { "$crisp" run -r $R "$@"; }
same() {  # results file | what
  for g in metrics summary paired shocks; do
    h5diff ref.h5 "$1" "/$g" > /dev/null 2>&1 || fail "$2: /$g differs from the uninterrupted run"
  done
}
# Starts a run, waits until its journal holds at least two blocks (about 0.9 MB each), and sends
# the signal. Prints the run's pid.
start_and_signal() {  # output | signal
  "$crisp" run -r $R --threads 1 -o "$1" --quiet > /dev/null 2> "$1.err" &
  local pid=$! size=0
  for _ in $(seq 400); do
    size=$(stat -c %s "$1.journal" 2>/dev/null || echo 0)
    [ "$size" -gt 2000000 ] && break
    sleep 0.02
  done
  kill -s "$2" $pid
  wait $pid 2>/dev/null
}

run --threads 2 -o ref.h5 --quiet > /dev/null || fail "uninterrupted run"

# SIGKILL part way, then --resume.
start_and_signal k.h5 KILL
[ -s k.h5.journal ] || fail "SIGKILL: no journal kept"
[ ! -e k.h5 ] || fail "SIGKILL: a results file appeared"
run --threads 1 -o k.h5 > /dev/null 2> again.err
grep -q -- "add --resume" again.err && [ "$(grep -c . again.err)" -eq 1 ] ||
  fail "a rerun without --resume did not refuse in one line: $(cat again.err)"
run --seed 99 --threads 1 -o k.h5 --resume > /dev/null 2> other.err
code=$?
[ $code -eq 2 ] && grep -q "belongs to another run" other.err && [ "$(grep -c . other.err)" -eq 1 ] ||
  fail "--resume with another seed: exit $code, $(cat other.err)"
run --threads 2 -o k.h5 --resume > /dev/null 2> resume.err || fail "--resume: $(cat resume.err)"
done_blocks=$(sed -n 's/.*resuming k.h5: \([0-9]*\) finished blocks.*/\1/p' resume.err)
[ -n "$done_blocks" ] && [ "$done_blocks" -ge 2 ] && [ "$done_blocks" -lt 5 ] ||
  fail "--resume after SIGKILL did not skip finished blocks: $(cat resume.err)"
same k.h5 "SIGKILL + --resume"
[ ! -e k.h5.journal ] && [ ! -e k.h5.partial ] || fail "SIGKILL + --resume: files left"

# SIGTERM: exit 143, one line that says how to resume; --resume finishes it.
start_and_signal t.h5 TERM
code=$?
[ $code -eq 143 ] || fail "SIGTERM: exit $code"
[ "$(grep -c . t.h5.err)" -eq 1 ] && grep -q -- "--resume" t.h5.err ||
  fail "SIGTERM: not one line saying --resume: $(cat t.h5.err)"
[ ! -e t.h5.partial ] || fail "SIGTERM: partial file left"
run --threads 2 -o t.h5 --resume > /dev/null 2> resume-t.err || fail "--resume after SIGTERM"
same t.h5 "SIGTERM + --resume"

# Nothing to resume from.
run --threads 1 -o none.h5 --resume > /dev/null 2> none.err
code=$?
[ $code -eq 2 ] && grep -q "no 'none.h5.journal'" none.err || fail "--resume without a journal: exit $code"
[ $fails -eq 0 ] && echo "ok (SIGKILL after $done_blocks of 5 blocks)"
exit $fails
