#!/usr/bin/env bash
# Adaptive replication (crisp run --target-ci REL): it stops at the same replication count for 1
# and 2 threads, at a block boundary, with the same results; there the 95 % half-width of every
# policy set's paired total cost is at most REL of the set's mean total cost, in every report
# region, and one block earlier it was not (the first prefix that meets the target).
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
x="$src/tests/cases/cli/small.toml"
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
for t in 1 2; do
  "$crisp" run "$x" -r 64 --target-ci 0.1 --max-replications 20000 --threads $t -o "t$t.h5" \
    > /dev/null 2> "t$t.err" || fail "--threads $t: $(cat "t$t.err")"
done
grep -q "met at" t1.err || fail "the target was not met: $(cat t1.err)"
for g in metrics summary paired shocks; do
  h5diff t1.h5 t2.h5 "/$g" > /dev/null 2>&1 || fail "/$g differs between 1 and 2 threads"
done
/usr/bin/python3 - <<'PY' || fails=$((fails + 1))
import h5py, numpy as np
a, b = h5py.File("t1.h5", "r"), h5py.File("t2.h5", "r")
R = int(a.attrs["replications"])
assert R == int(b.attrs["replications"]), (R, int(b.attrs["replications"]))
assert R % 32 == 0 and 64 <= R < 20000, R

def worst(m, n):
    """Largest half-width / |mean| over policy sets > 0, on the first n replications."""
    d = m[1:, :n] - m[0, :n]
    half = 1.959964 * d.std(axis=1, ddof=1) / np.sqrt(n)
    return float(np.max(half / np.abs(m[1:, :n].mean(axis=1))))

earlier = []
for region in a["metrics/all"]:
    m = a[f"metrics/all/{region}/total_cost_eur"][()]
    p = a[f"paired/all/{region}/total_cost_eur"][()]
    s = a[f"summary/all/{region}/total_cost_eur"][()]
    half = (p["diff_ci95_hi"][1:] - p["diff_ci95_lo"][1:]) / 2
    ratio = half / np.abs(s["mean"][1:])
    assert np.all(ratio <= 0.1 * (1 + 1e-9)), (region, ratio)
    assert abs(worst(m, R) - ratio.max()) < 1e-9, (worst(m, R), ratio.max())
    earlier.append(worst(m, R - 32))
    print(f"ok: {region}: stopped at {R} replications, largest half-width {ratio.max():.4f} "
          f"of the mean; at {R - 32}: {worst(m, R - 32):.4f}")
assert max(earlier) > 0.1, earlier  # one block earlier the target was not met in some region
PY
[ $fails -eq 0 ] && echo "ok: --target-ci stops at the same prefix for 1 and 2 threads"
exit $((fails > 0))
