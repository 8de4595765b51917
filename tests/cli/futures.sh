#!/usr/bin/env bash
# [futures] (docs/model.md "Futures"): a run over futures is one run however it is made
# (--threads 1 and 2, mpirun -n 2, 3 shards merged, SIGKILL and --resume: /metrics and /futures byte for byte
# equal); it agrees with its closed form (tests/futures/check_flip.py); and a bad [futures] table
# is refused in one line with exit 2.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
case=$src/tests/cases/futures/flip.toml
same() {  # results file | what
  for g in metrics summary paired futures discovery shocks; do
    h5diff t1.h5 "$1" "/$g" > /dev/null 2>&1 || fail "$2: /$g differs from --threads 1"
  done
}

"$crisp" run "$case" -o t1.h5 --threads 1 > t1.txt 2> t1.err || fail "--threads 1: $(cat t1.err)"
"$crisp" run "$case" -o t2.h5 --threads 2 --quiet > /dev/null 2> t2.err || fail "--threads 2"
same t2.h5 "--threads 2"
grep -q "^futures: 128 (sobol design, 100 replications each)" t1.txt ||
  fail "the run did not print the futures summary: $(cat t1.txt)"
grep -q "^what decides size_days=60 minus baseline (Sobol total index over the futures): gallium.value_of_lost_load_eur_per_t 1.1, cn-users.demand_tpy 3.7e-07$" t1.txt ||
  fail "the run did not say what decides between the two leading sets: $(grep decides t1.txt)"
/usr/bin/python3 "$src/tests/futures/check_flip.py" t1.h5 || fail "closed form (check_flip.py)"
/usr/bin/python3 "$src/tests/futures/check_discovery.py" t1.h5 shortage_days 0 NL ||
  fail "/discovery disagrees with /shocks/features and /metrics (check_discovery.py)"

# Morris screening of the same futures: the value of lost load has by far the largest mu*.
sed 's/^method = "sobol"/method = "morris"\nlevels = 4/' "$case" > morris.toml
"$crisp" run morris.toml -o morris.h5 --quiet > /dev/null 2> morris.err || fail "morris: $(cat morris.err)"
/usr/bin/python3 - morris.h5 <<'PY' || fail "morris: mu* of the value of lost load does not dominate"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert f["futures/settings"][()]["futures"][0] == 32 * 3, f["futures/settings"][()]
    rows = f["futures/morris"][()]
    rows = rows[rows["output"] == b"size_days=60"]
    mu = dict(zip([p.decode() for p in rows["parameter"]], rows["mu_star"]))
    voll = mu["gallium.value_of_lost_load_eur_per_t"]
    assert voll > 50 * mu["cn-users.demand_tpy"], mu
    lo = rows["mu_star_ci95_lo"][0]
    assert 0 < lo <= voll <= rows["mu_star_ci95_hi"][0], rows
PY

# The scenario as given is world 0: its /metrics are those of the same run without [futures].
sed '/^\[futures\]/,$d' "$case" > plain.toml
"$crisp" run plain.toml -o plain.h5 --threads 2 --quiet > /dev/null || fail "run without [futures]"
h5diff t1.h5 plain.h5 /metrics /metrics > /dev/null || fail "/metrics differ from the run without [futures]"

mpi() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 mpirun "$@"; }
# Not grep -q: it would quit at the match, ldd would die of SIGPIPE and pipefail fail the test.
if command -v mpirun > /dev/null && ldd "$crisp" | grep libmpi > /dev/null; then
  mpi -n 2 "$crisp" run "$case" -o ranks2.h5 --threads 1 --quiet > /dev/null 2> ranks2.err ||
    fail "mpirun -n 2: $(cat ranks2.err)"
  same ranks2.h5 "mpirun -n 2"
else
  fail "crisp is not built with MPI or mpirun is missing (scripts/lib.sh installs OpenMPI)"
fi

# Three shards merged: /futures from the parts' /futures/part_costs.
for i in 1 2 3; do
  "$crisp" run "$case" --shard $i/3 -o part$i.h5 --quiet > /dev/null 2> part$i.err || fail "--shard $i/3: $(cat part$i.err)"
done
"$crisp" merge part1.h5 part2.h5 part3.h5 -o merged.h5 --quiet > /dev/null 2> merge.err || fail "merge: $(cat merge.err)"
same merged.h5 "3 shards merged"

# SIGKILL once the journal holds some futures' blocks (a future's block keeps only its judged
# cost: 512 bytes here), then --resume; 400 replications, so that the run lasts long enough.
"$crisp" run "$case" -r 400 -o ref400.h5 --threads 2 --quiet > /dev/null || fail "-r 400"
"$crisp" run "$case" -r 400 -o k.h5 --threads 1 --quiet > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1000); do
  [ "$(stat -c %s k.h5.journal 2> /dev/null || echo 0)" -gt 300000 ] && break
  sleep 0.005
done
{ kill -KILL $pid && wait $pid; } 2> /dev/null
if [ -e k.h5 ]; then
  echo "note: the run finished before it was killed; resume not exercised"
else
  "$crisp" run "$case" -r 400 -o k.h5 --threads 2 --resume > /dev/null 2> k.err || fail "--resume: $(cat k.err)"
  grep -q "resuming k.h5: [1-9][0-9]* finished blocks" k.err || fail "--resume skipped nothing: $(cat k.err)"
  for g in metrics summary paired futures discovery shocks; do
    h5diff ref400.h5 k.h5 "/$g" > /dev/null 2>&1 || fail "SIGKILL + --resume: /$g differs"
  done
fi

# Bad [futures] tables: one line, exit 2, no output file.
bad() {  # name | replacement text for the [futures] table's parameter | expected words
  { sed '/^\[futures\]/,$d' "$case"; printf '%s\n' "$2"; } > "bad-$1.toml"
  "$crisp" run "bad-$1.toml" -o "bad-$1.h5" > /dev/null 2> "bad-$1.err"
  local code=$?
  [ $code -eq 2 ] && [ "$(grep -c . "bad-$1.err")" -eq 1 ] && grep -q -- "$3" "bad-$1.err" &&
    [ ! -e "bad-$1.h5" ] || fail "bad $1: exit $code, $(cat "bad-$1.err")"
}
bad unknown $'[futures]\n[[futures.parameter]]\nname = "galium.value_of_lost_load_eur_per_t"\nmin = 0.5\nmax = 2' "did you mean 'gallium'"
bad order $'[futures]\n[[futures.parameter]]\nname = "gallium.price_eur_per_t"\nmin = 2\nmax = 1' "max must be a factor above min = 2"
bad none $'[futures]\nsamples = 8' "needs at least one"
bad levels $'[futures]\nlevels = 4\n[[futures.parameter]]\nname = "gallium.price_eur_per_t"\nmin = 0.5\nmax = 2' 'only method = "morris"'
bad region $'[futures]\nregion = "DE"\n[[futures.parameter]]\nname = "gallium.price_eur_per_t"\nmin = 0.5\nmax = 2' "report regions"
bad many $'[futures]\nsamples = 5000\n[[futures.parameter]]\nname = "gallium.price_eur_per_t"\nmin = 0.5\nmax = 2\n[[futures.parameter]]\nname = "outages.rate_per_year"\nmin = 0.5\nmax = 2' "make 20000 futures, more than 10000"
bad field $'[futures]\n[[futures.parameter]]\nname = "nl-users.capacity_tpy"\nmin = 0.5\nmax = 2' "consumer, which has no capacity_tpy"

[ $fails -eq 0 ] && echo "ok: futures" || exit 1
