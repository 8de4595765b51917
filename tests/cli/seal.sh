#!/usr/bin/env bash
# The seal as a user meets it (docs/results-format.md "The seal"): other HDF5 readers (h5py,
# h5dump) read a sealed file unchanged; a file h5py holds open for writing is refused as such;
# one h5py changed is refused with what to do, and read with --unverified shows the changed value;
# a file from before the seal (no user block) is refused the same way, and read with --unverified.
set -uo pipefail
crisp=$1 src=$2
py=/usr/bin/python3
$py -c "import h5py" 2>/dev/null || { echo "h5py missing: skipped"; exit 0; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# one_line CODE TEXT COMMAND...: the command exits CODE with one line on stderr holding TEXT.
one_line() {
  local code=$1 text=$2
  shift 2
  "$@" > out.txt 2> err.txt
  local got=$?
  [ $got -eq "$code" ] && [ "$(grep -c . err.txt)" -eq 1 ] && grep -qF -- "$text" err.txt ||
    fail "$* : exit $got, expected $code with '$text': $(head -c 300 err.txt)"
}
"$crisp" run "$src/tests/cases/cli/small.toml" -r 6 -o s.h5 --quiet > /dev/null || { echo "FAIL: run"; exit 1; }
[ "$(head -c 21 s.h5)" = "crisp results seal 1" ] || fail "no seal at the start of s.h5"
h5dump -A s.h5 > /dev/null 2>&1 || fail "h5dump cannot read a sealed file"
$py -c 'import h5py, sys; f = h5py.File("s.h5", "r"); assert f.attrs["filetype"] == "crisp-results"' ||
  fail "h5py cannot read a sealed file"

# Held open for writing by h5py: refused as such, the file unchanged, read as soon as it is closed.
cp s.h5 held.h5
$py - "$crisp" <<'PY' || fail "h5py holding held.h5 open"
import h5py, subprocess, sys
with h5py.File("held.h5", "r+"):
    done = subprocess.run([sys.argv[1], "show", "held.h5"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done
    assert "held.h5 is open for writing in another program" in done.stderr, done.stderr
PY
cmp -s s.h5 held.h5 || fail "held.h5 changed"
"$crisp" check held.h5 > /dev/null 2> err.txt || fail "check held.h5 once closed: $(cat err.txt)"

# Changed by h5py: refused, then read with --unverified (the changed seed shows).
cp s.h5 edited.h5
$py -c 'import h5py, numpy as np
with h5py.File("edited.h5", "r+") as f:
    f["metrics/all/NL/total_cost_eur"][0, 0] = 123456789.0'
cp edited.h5 edited.copy
one_line 2 "edited.h5 is not as crisp wrote it: " "$crisp" show edited.h5
grep -qF -- "--unverified" err.txt || fail "the refusal does not say --unverified"
one_line 2 "is not as crisp wrote it" "$crisp" export edited.h5 -o edited.csv
[ -e edited.csv ] && fail "export wrote edited.csv from a refused file"
"$crisp" export edited.h5 --unverified -o edited.csv 2> err.txt || fail "export --unverified: $(cat err.txt)"
grep -q ",123456789," edited.csv || fail "export --unverified does not show the changed value"
"$crisp" check edited.h5 --unverified > out.txt 2> err.txt && grep -q "a whole crisp results file" out.txt ||
  fail "check --unverified: $(cat err.txt)"
cmp -s edited.h5 edited.copy || fail "edited.h5 changed by crisp"

# Written before the seal (no user block): as a changed file.
$py -c 'import h5py
with h5py.File("s.h5", "r") as f, h5py.File("old.h5", "w") as g:
    for k, v in f.attrs.items(): g.attrs[k] = v
    for k in f: f.copy(f[k], g, k)'
one_line 2 "old.h5 has no crisp seal" "$crisp" show old.h5
"$crisp" show old.h5 --unverified > out.txt 2> err.txt || fail "show old.h5 --unverified: $(cat err.txt)"
"$crisp" show s.h5 > expected.txt 2> /dev/null
cmp -s out.txt expected.txt || fail "show old.h5 --unverified differs from show s.h5"
[ $fails -eq 0 ] && echo "ok: sealed files read by h5py and h5dump; held, changed and unsealed files refused in one line and read with --unverified"
exit $((fails > 0))
