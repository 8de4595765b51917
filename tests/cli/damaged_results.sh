#!/usr/bin/env bash
# Results files are untrusted input (docs/results-format.md): `crisp show` and `crisp export` answer
# a damaged, truncated, hand-edited or foreign file with exit 2 and one line naming it; HDF5's own
# error stack is never printed, and nothing reads past a buffer (the sanitizer build runs this
# too).
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0
"$crisp" run "$src/tests/cases/cli/small.toml" -r 40 -o good.h5 --quiet > /dev/null ||
  { echo "FAIL: run"; exit 1; }
# case | python that damages copy.h5 (h5py, as f)
damage() {
  local name=$1 code=$2
  cp good.h5 "$name.h5"
  /usr/bin/python3 - "$name.h5" <<PY || { echo "FAIL $name: could not damage the file"; fails=$((fails + 1)); return; }
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r+")
$code
f.close()
PY
}
expect() {  # name | command words...
  local name=$1
  shift
  for cmd in "show $name.h5" "show $name.h5 --metric unmet_t --material gallium" \
    "show $name.h5 --csv" "export $name.h5"; do
    # shellcheck disable=SC2086
    "$crisp" $cmd > /dev/null 2> err.txt
    local code=$?
    if [ $code -ne 2 ] || [ "$(grep -c . err.txt)" -ne 1 ] || ! grep -q "$name.h5" err.txt ||
      grep -q "HDF5-DIAG" err.txt; then
      echo "FAIL $name ($cmd): exit $code, $(head -c 400 err.txt)"
      fails=$((fails + 1))
    fi
  done
}

damage reps-huge 'f.attrs.modify("replications", np.int64(1000000))'
expect reps-huge
damage reps-negative 'f.attrs.modify("replications", np.int64(-1))'
expect reps-negative
damage reps-short 'f.attrs.modify("replications", np.int64(39))'
expect reps-short
damage metric-gone 'del f["metrics/all/NL/total_cost_eur"]; del f["metrics/gallium/NL/unmet_t"]'
expect metric-gone
damage metric-shape 'for m in ("all/NL/total_cost_eur", "gallium/NL/unmet_t"): del f["metrics/" + m]; f["metrics/" + m] = np.zeros((2, 5))'
expect metric-shape
damage metric-type 'for m in ("all/NL/total_cost_eur", "gallium/NL/unmet_t"): del f["metrics/" + m]; f["metrics/" + m] = np.array([b"x"] * 3)'
expect metric-type
damage not-crisp 'f.attrs.modify("filetype", "something-else")'
expect not-crisp
damage version 'f.attrs.modify("format_version", np.array([9, 0], dtype=np.int32))'
expect version
damage no-policies 'del f["policies"]'
expect no-policies
head -c 3000 good.h5 > truncated.h5
expect truncated
printf 'not an hdf5 file\n' > text.h5
expect text
: > empty.h5
expect empty
[ $fails -eq 0 ] && echo "ok: 12 damaged files x 4 commands: exit 2, one line each"
exit $((fails > 0))
