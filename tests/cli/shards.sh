#!/usr/bin/env bash
# Job-array shards (docs/results-format.md "Parts"): three parts of a run, merged, give /metrics,
# /summary and /paired byte for byte equal to one run, and the same tables; merge refuses a part
# of another run, a missing part and a doubled part, each with exit 2 and one line naming it.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
x="$src/tests/cases/cli/small.toml"
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
expect2() {  # case | stderr file | words the one line must contain
  local name=$1 err=$2 code=$3
  shift 3
  [ "$code" -eq 2 ] || fail "$name: exit $code, expected 2"
  [ "$(grep -c . "$err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$err")"
  for w in "$@"; do grep -qF -- "$w" "$err" || fail "$name: does not mention '$w': $(cat "$err")"; done
}

# 100 replications are 4 blocks of 32: part 1/3 holds blocks 0 and 3, parts 2/3 and 3/3 one each.
"$crisp" run "$x" -r 100 --threads 2 -o single.h5 --quiet > single.txt || fail "single run"
for i in 1 2 3; do
  "$crisp" run "$x" -r 100 --threads 1 --shard "$i/3" -o "part-$i.h5" --quiet > "part-$i.txt" ||
    fail "part $i"
  [ -s "part-$i.txt" ] && fail "part $i printed a table"
done
"$crisp" merge part-1.h5 part-3.h5 part-2.h5 -o merged.h5 --quiet > merged.txt || fail "merge"
for g in metrics summary paired shocks; do
  h5diff single.h5 merged.h5 "/$g" > /dev/null 2>&1 || fail "/$g differs from the single run"
done
cmp -s single.txt merged.txt || fail "the merged tables differ from the single run's"
"$crisp" show merged.h5 > shown.txt 2>&1 || fail "show on the merged file"
"$crisp" show part-1.h5 > /dev/null 2> show-part.err
expect2 "show on a part" show-part.err $? "part-1.h5" "crisp merge"

# A network read from CSV files: a part's experiment_toml records the files as read, so merge (and
# check) rebuild the run from the parts alone, wherever they are, and the whole equals one run.
csv_x="$src/tests/cases/csv/from_csv.toml"
"$crisp" run "$csv_x" -r 40 -o csv-single.h5 --quiet > /dev/null || fail "csv: single run"
for i in 1 2; do
  "$crisp" run "$csv_x" -r 40 --shard "$i/2" -o "csv-part-$i.h5" --quiet > /dev/null ||
    fail "csv: part $i"
done
mkdir elsewhere && mv csv-part-*.h5 elsewhere/
(cd elsewhere && "$crisp" merge csv-part-1.h5 csv-part-2.h5 -o ../csv-merged.h5 --quiet > /dev/null) ||
  fail "csv: merge"
for g in metrics summary paired; do
  h5diff csv-single.h5 csv-merged.h5 "/$g" > /dev/null 2>&1 || fail "csv: /$g differs from one run"
done
for f in csv-merged.h5 elsewhere/csv-part-1.h5; do
  "$crisp" check "$f" > check.txt 2>&1 || fail "csv: check $f: $(cat check.txt)"
  grep -qF "2 policy sets x 40 replications" check.txt || fail "csv: check $f says $(cat check.txt)"
done

# Refusals.
"$crisp" run "$x" -r 100 --seed 8 --shard 2/3 -o other-2.h5 --quiet > /dev/null || fail "other"
"$crisp" merge part-1.h5 other-2.h5 part-3.h5 -o bad1.h5 > /dev/null 2> other.err
expect2 "part of another run" other.err $? "other-2.h5" "another run"
"$crisp" merge part-1.h5 part-3.h5 -o bad2.h5 > /dev/null 2> missing.err
expect2 "missing part" missing.err $? "part 2/3 is missing"
cp part-2.h5 copy-2.h5
"$crisp" merge part-1.h5 part-2.h5 copy-2.h5 part-3.h5 -o bad3.h5 > /dev/null 2> doubled.err
expect2 "doubled part" doubled.err $? "copy-2.h5" "doubles part 2/3"
"$crisp" merge single.h5 -o bad4.h5 > /dev/null 2> notpart.err
expect2 "not a part" notpart.err $? "single.h5"
# Hand-edited parts: an impossible index, count or block is refused before it is used.
/usr/bin/python3 - <<'PY'
import shutil
import h5py
import numpy as np
for name, edit in [("index", lambda f: f.attrs.__setitem__("part_index", np.int64(7))),
                   ("count", lambda f: f.attrs.__setitem__("part_count", np.int64(10**15))),
                   ("block", None)]:
    shutil.copy("part-2.h5", f"edited-{name}.h5")
    with h5py.File(f"edited-{name}.h5", "r+") as f:
        if edit:
            edit(f)
        else:
            rows = f["part"][...]
            rows["block"][0] = -5
            f["part"][...] = rows
PY
for name in index count block; do
  "$crisp" merge part-1.h5 "edited-$name.h5" part-3.h5 -o bad5.h5 > /dev/null 2> edited.err
  expect2 "edited part ($name)" edited.err $? "edited-$name.h5"
done
ls bad*.h5* > /dev/null 2>&1 && fail "a refused merge left a file: $(ls bad*)"
for s in 0/3 4/3 x 1/0 3; do
  "$crisp" run "$x" -r 10 --shard "$s" -o "s.h5" --quiet > /dev/null 2> shard.err
  expect2 "--shard $s" shard.err $? "--shard"
done
[ $fails -eq 0 ] && echo "ok"
exit $fails
