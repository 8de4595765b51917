#!/usr/bin/env bash
# The parallel runner under ThreadSanitizer (scripts/test builds the `tsan` preset: crisp only,
# with plain threads in place of oneTBB, whose own synchronisation TSan cannot see). Threaded
# runs that exercise every handover: blocks pulled from the shared list, the journal appended
# from several threads, progress, the adaptive stop, a part and its merge. Any report fails the
# run (exit 66); the results must also equal the one-thread run's.
#   bash tests/tsan/runner.sh <tsan-built crisp> <repo-root>
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"
x="$src/tests/cases/cli/small.toml"
fails=0
step() {  # what | command...
  local what=$1
  shift
  "$@" > /dev/null 2> err.txt || { echo "FAIL $what: $(head -c 2000 err.txt)"; fails=$((fails + 1)); }
}
step "4 threads" "$crisp" run "$x" -r 192 --threads 4 --progress -o t4.h5
step "1 thread" "$crisp" run "$x" -r 192 --threads 1 -o t1.h5
for g in metrics summary paired; do
  h5diff t1.h5 t4.h5 "/$g" > /dev/null 2>&1 || { echo "FAIL /$g differs"; fails=$((fails + 1)); }
done
step "adaptive, 3 threads" "$crisp" run "$x" -r 64 --target-ci 0.3 --threads 3 -o a.h5
step "part 1/2, 3 threads" "$crisp" run "$x" -r 192 --threads 3 --shard 1/2 -o p1.h5
step "part 2/2, 3 threads" "$crisp" run "$x" -r 192 --threads 3 --shard 2/2 -o p2.h5
step "merge" "$crisp" merge p1.h5 p2.h5 -o m.h5
h5diff t1.h5 m.h5 /metrics > /dev/null 2>&1 || { echo "FAIL merged /metrics differs"; fails=$((fails + 1)); }
step "the default, 4 threads" "$crisp" run -r 8 --threads 4 -o d.h5
[ $fails -eq 0 ] && echo "ok: the runner under ThreadSanitizer: no report, the same results"
exit $((fails > 0))
