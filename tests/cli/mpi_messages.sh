#!/usr/bin/env bash
# One line for the job under mpirun (README.md "Running on a cluster"): rank 0 speaks for every
# rank; "rank N: " leads a line only where a follower failed and rank 0 did not, and never a line
# of a run without MPI. mpirun -q keeps mpirun's own banner about non-zero exits out of stderr,
# so stderr is crisp's alone. Skipped (and passing) only when mpirun is not installed.
set -uo pipefail
crisp=$1 src=$2
if ! command -v mpirun > /dev/null; then
  echo "skip: mpirun is not installed (scripts/lib.sh installs OpenMPI)"
  exit 0
fi
ldd "$crisp" | grep libmpi > /dev/null || { echo "FAIL: crisp is not built with MPI"; exit 1; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
# Under AddressSanitizer OpenMPI's own allocations at exit are reported as leaks (not crisp's).
mpi() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 mpirun -q --oversubscribe "$@"; }
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
# case | exit code | expected code | stderr file | the one line it must be
expect() {
  [ "$2" -eq "$3" ] || fail "$1: exit $2, expected $3 ($(cat "$4"))"
  [ "$(cat "$4")" = "$5" ] || fail "$1: expected '$5', got: $(cat "$4")"
}
cp "$src/tests/cases/cli/small.toml" good.toml
printf '[experiment]\nname = "x"\nbad_key = 1\n' > bad.toml
sums=$(sha256sum good.toml bad.toml)
line="bad.toml:3:1: [experiment]: unknown key 'bad_key' (known: 'name', 'horizon_years', "
line+="'replications', 'seed', 'report_regions', 'discount_rate', 'event_budget', "
line+="'block_replications')"

# 1. A bad experiment, every rank alike: rank 0's line, once, with no rank in it.
mpi -n 4 "$crisp" run bad.toml -o out.h5 --quiet > /dev/null 2> bad4.err
expect "bad experiment, 4 ranks" $? 2 bad4.err "crisp: error: $line"
# The same without mpirun: the same line.
"$crisp" run bad.toml -o out.h5 --quiet > /dev/null 2> bad1.err
expect "bad experiment, no MPI" $? 2 bad1.err "crisp: error: $line"
# Without -q mpirun adds its banner, but crisp's line is still there once.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 mpirun --oversubscribe -n 4 \
  "$crisp" run bad.toml -o out.h5 --quiet > /dev/null 2> banner.err
[ "$(grep -c '^crisp: error: ' banner.err)" -eq 1 ] ||
  fail "without -q: crisp's line is not there once: $(cat banner.err)"

# 2. Only rank 2 fails (its experiment file is missing): its line, named by its rank.
mpi -n 4 sh -c 'if [ "$OMPI_COMM_WORLD_RANK" = 2 ]; then f=missing.toml; else f=good.toml; fi
  exec "$0" run "$f" -o two.h5 --quiet' "$crisp" > /dev/null 2> follower.err
expect "one follower fails" $? 2 follower.err \
  "crisp: error: rank 2: missing.toml: cannot read the experiment file: No such file or directory"

# 3. A failure while simulating (the input's shocks over the event budget, in every block):
# whichever rank meets it first, one line, exit 2. The shocks come 20 times a year, so that every
# replication's own shock events exceed the budget (at the file's rates a replication with few
# shocks fails on the engine's events instead, exit 1, and which rank speaks first is a race).
sed 's/^seed = 7$/seed = 7\nevent_budget = 1/' good.toml > budget.toml
sed 's/^rate_per_year = .*/rate_per_year = 20/' budget.toml > busy.toml
mpi -n 3 "$crisp" run busy.toml -o budget.h5 --quiet --threads 1 > /dev/null 2> budget.err
code=$?
[ $code -eq 2 ] || fail "event budget, 3 ranks: exit $code, expected 2 ($(cat budget.err))"
[ "$(grep -c . budget.err)" -eq 1 ] || fail "event budget: stderr is not one line: $(cat budget.err)"
[[ $(cat budget.err) == "crisp: error: busy.toml: "*"material 'gallium': its shocks make "* ]] ||
  fail "event budget: not the input's message: $(cat budget.err)"
[ -z "$(ls budget.h5* 2> /dev/null)" ] || fail "event budget: left $(ls budget.h5*)"

# 4. Only rank 1 fails while simulating (its own file, read by it alone, sets the budget to 1;
# 2000 blocks, so that rank 1 is handed some before rank 0 alone could finish):
# rank 0 says it for the job, naming rank 1; exit 1 for the engine's message, 2 for the input's.
# (The file names differ per rank only to make one rank fail; the run is of rank 0's file.)
sed 's/^rate_per_year = .*/rate_per_year = 0.3/' budget.toml > day.toml
sed 's/^rate_per_year = .*/rate_per_year = 20/' budget.toml > rates.toml
follower() {  # rank 1's file, output
  mpi -n 2 sh -c 'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then f=$1; else f=good.toml; fi
    exec "$0" run "$f" -r 64000 -o "$2" --quiet --threads 1' "$crisp" "$1" "$2" > /dev/null 2> "$2.err"
}
follower day.toml day.h5
code=$?
[ $code -eq 1 ] || fail "follower, engine: exit $code, expected 1 ($(cat day.h5.err))"
[ "$(grep -c . day.h5.err)" -eq 1 ] || fail "follower, engine: not one line: $(cat day.h5.err)"
[[ $(cat day.h5.err) == "crisp: error: rank 1: the simulation of material 'gallium' makes no progress: "*"; please report it" ]] ||
  fail "follower, engine: $(cat day.h5.err)"
follower rates.toml rates.h5
code=$?
[ $code -eq 2 ] || fail "follower, input: exit $code, expected 2 ($(cat rates.h5.err))"
[ "$(grep -c . rates.h5.err)" -eq 1 ] || fail "follower, input: not one line: $(cat rates.h5.err)"
[[ $(cat rates.h5.err) == "crisp: error: good.toml: rank 1: material 'gallium': its shocks make "*" events in replication "*"raise [experiment] event_budget"* ]] ||
  fail "follower, input: $(cat rates.h5.err)"
[ ! -e day.h5 ] && [ ! -e rates.h5 ] && [ ! -e day.h5.partial ] && [ ! -e rates.h5.partial ] ||
  fail "follower: a results or partial file left"

[ "$(sha256sum good.toml bad.toml)" = "$sums" ] || fail "a user file changed"
[ ! -e out.h5 ] && [ ! -e two.h5 ] || fail "a results file appeared"
[ $fails -eq 0 ] && echo "ok: one line for the job under mpirun"
exit $((fails > 0))
