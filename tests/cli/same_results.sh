#!/usr/bin/env bash
# One run, however it is made (README.md "Running on a cluster"): --threads 1, --threads 2, mpirun -n 2,
# mpirun -n 3 --oversubscribe, three --shard parts merged, and a run killed with SIGKILL part way
# and finished with --resume all write /metrics, /summary and /paired byte for byte equal. A rank
# that dies fails the MPI run, keeps the finished blocks, and --resume under mpirun finishes it.
# The MPI cases need a CRISP_WITH_MPI build and mpirun (scripts/ installs OpenMPI).
set -uo pipefail
crisp=$1
dir=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
R=160  # the bundled default: 5 blocks of 32 replications
same() {  # results file | how it was made
  for g in metrics summary paired; do
    h5diff one.h5 "$1" "/$g" > /dev/null 2>&1 || fail "$2: /$g differs from --threads 1"
  done
}
# Waits until the journal of output $1 holds at least two blocks (records of ~0.9 MB each).
wait_blocks() {
  for _ in $(seq 1000); do
    [ "$(stat -c %s "$1.journal" 2>/dev/null || echo 0)" -gt 2000000 ] && return 0
    sleep 0.02
  done
  return 1
}
skipped() {  # stderr of a resumed run: how many finished blocks it took from the journal
  sed -n 's/.*resuming [^:]*: \([0-9]*\) finished blocks.*/\1/p' "$1"
}

"$crisp" run -r $R --threads 1 -o one.h5 --quiet > one.txt || fail "--threads 1"
"$crisp" run -r $R --threads 2 -o two.h5 --quiet > /dev/null || fail "--threads 2"
same two.h5 "--threads 2"

# The block size is the grain of the work, not of the results.
"$crisp" example | sed 's/^\[experiment\]$/[experiment]\nblock_replications = 7/' > block7.toml
grep -q '^block_replications = 7$' block7.toml || fail "could not set block_replications"
"$crisp" run block7.toml -r $R --threads 2 -o block7.h5 --quiet > /dev/null || fail "block of 7"
same block7.h5 "block_replications = 7"

for i in 1 2 3; do
  "$crisp" run -r $R --threads 1 --shard "$i/3" -o "part-$i.h5" --quiet > /dev/null || fail "part $i"
done
"$crisp" merge part-*.h5 -o merged.h5 --quiet > merged.txt || fail "merge"
same merged.h5 "3 shards merged"
cmp -s one.txt merged.txt || fail "the merged run's tables differ"

"$crisp" run -r $R --threads 1 -o killed.h5 --quiet > /dev/null 2>&1 &
pid=$!
wait_blocks killed.h5 || fail "SIGKILL: no blocks finished"
kill -KILL $pid
wait $pid 2>/dev/null
"$crisp" run -r $R --threads 2 -o killed.h5 --resume > /dev/null 2> resume.err || fail "--resume"
n=$(skipped resume.err)
[ -n "$n" ] && [ "$n" -ge 2 ] && [ "$n" -lt 5 ] || fail "--resume skipped no blocks: $(cat resume.err)"
same killed.h5 "SIGKILL + --resume"

# Under AddressSanitizer, OpenMPI's own allocations still held at exit are reported as leaks:
# they are not crisp's, so leak checking is off for the MPI runs only.
mpi() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 mpirun "$@"; }
if ! command -v mpirun > /dev/null || ! ldd "$crisp" | grep libmpi > /dev/null; then
  echo "FAIL: crisp is not built with MPI or mpirun is missing (scripts/lib.sh installs OpenMPI)"
  exit 1
fi
mpi -n 2 "$crisp" run -r $R -o ranks2.h5 --quiet > ranks2.txt 2> ranks2.err ||
  fail "mpirun -n 2: $(cat ranks2.err)"
same ranks2.h5 "mpirun -n 2"
cmp -s one.txt ranks2.txt || fail "mpirun -n 2 printed other tables (or printed them twice)"
mpi -n 3 --oversubscribe "$crisp" run -r $R -o ranks3.h5 --quiet > /dev/null 2> ranks3.err ||
  fail "mpirun -n 3: $(cat ranks3.err)"
same ranks3.h5 "mpirun -n 3 --oversubscribe"

# A rank dies (SIGKILL to rank 1): the run fails, no results file, the journal keeps what was
# finished; --resume under mpirun completes it.
mpi -n 2 "$crisp" run -r $R -o died.h5 --quiet > /dev/null 2> died.err &
job=$!
wait_blocks died.h5 || fail "rank death: no blocks finished"
for p in $(pgrep -f "crisp run -r $R -o died.h5"); do
  tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1 && kill -KILL "$p"
done
wait $job
code=$?
[ $code -ne 0 ] || fail "rank death: mpirun exit 0"
[ ! -e died.h5 ] || fail "rank death: a results file appeared"
[ -s died.h5.journal ] || fail "rank death: the journal is gone"
mpi -n 2 "$crisp" run -r $R -o died.h5 --resume > /dev/null 2> died-resume.err ||
  fail "rank death: --resume under mpirun: $(cat died-resume.err)"
n=$(skipped died-resume.err)
[ -n "$n" ] && [ "$n" -ge 2 ] || fail "rank death: --resume skipped no blocks: $(cat died-resume.err)"
same died.h5 "rank death + --resume under mpirun"
[ ! -e died.h5.journal ] && [ ! -e died.h5.partial ] || fail "rank death: files left"

[ $fails -eq 0 ] && echo "ok: one result from threads, ranks, shards and resume"
exit $((fails > 0))
