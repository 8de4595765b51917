#!/usr/bin/env bash
# `crisp run` with no experiment runs the bundled default, prints the comparison table and leaves
# crisp-results.h5 that h5dump and h5py read; no partial file remains.
set -euo pipefail
crisp=$1
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir"
"$crisp" run -r 16 --quiet > table.txt
grep -q "net benefit" table.txt || { echo "FAIL: no comparison table"; cat table.txt; exit 1; }
grep -q "^baseline" table.txt || { echo "FAIL: no baseline row"; cat table.txt; exit 1; }
[ -f crisp-results.h5 ] || { echo "FAIL: no crisp-results.h5"; exit 1; }
[ ! -e crisp-results.h5.partial ] || { echo "FAIL: partial file left"; exit 1; }
h5dump -H crisp-results.h5 > header.txt; grep -q 'GROUP "metrics"' header.txt || { echo "FAIL: h5dump sees no /metrics"; exit 1; }
if /usr/bin/python3 -c "import h5py" 2>/dev/null; then
  /usr/bin/python3 - <<'PY'
import h5py
with h5py.File("crisp-results.h5", "r") as f:
    assert f.attrs["filetype"] == "crisp-results", f.attrs["filetype"]
    assert list(f.attrs["format_version"]) == [1, 4]
    labels = [l.decode() for l in f["policies"]["label"]]
    assert labels[0] == "baseline", labels
    # Each /policies column's kind, lever, field, unit, range and off value (results-format.md),
    # as the kinds' headers give them (policies/levers/*.hpp).
    p = f["policies"]
    names = list(p.dtype.names)
    def attr(name, column):
        v = p.attrs[name][names.index(column)]
        return v.decode() if isinstance(v, bytes) else v
    for key in ("kind", "lever", "field", "regions", "material", "unit", "range", "min", "max",
                "off", "alternative"):
        assert len(p.attrs["column_" + key]) == len(names), key
    assert attr("column_kind", "id") == "" and attr("column_field", "label") == ""
    size = "stockpile NL gallium.size_days"
    got = [attr("column_" + k, size) for k in ("kind", "lever", "field", "regions", "material",
                                               "unit", "range", "alternative")]
    assert got == ["stockpile", "stockpile NL gallium", "size_days", "NL", "gallium", "days",
                   ">= 0", "size_t"], got
    assert (attr("column_min", size), attr("column_max", size), attr("column_off", size)) \
        == (0, 36500, 0)
    assert attr("column_unit", "stockpile NL gallium.size_t") == "t"
    assert attr("column_alternative", "stockpile NL gallium.size_t") == "size_days"
    threshold = "stockpile NL gallium.release.threshold"
    assert attr("column_range", threshold) == "in (0, 1]", attr("column_range", threshold)
    assert attr("column_off", threshold) != attr("column_off", threshold)  # NaN: not an on/off field
    cap = "refining NL rare_earths.capacity_tpy"
    assert (attr("column_kind", cap), attr("column_regions", cap), attr("column_unit", cap),
            attr("column_off", cap), attr("column_max", cap)) == ("refining", "NL", "t/yr", 0, 1e12)
    lead = "early_warning NL all.lead_days"
    assert (attr("column_material", lead), attr("column_off", lead)) == ("all", 0)
    assert attr("column_unit", "early_warning NL all.cost_per_year") == "EUR/yr"
    m = f["metrics/gallium/NL/unmet_t"]
    assert m.shape == (len(labels), 16), m.shape
    s = f["summary/gallium/NL/unmet_t"]
    assert abs(s["mean"][0] - m[0].mean()) <= 1e-9 * max(1.0, abs(m[0].mean()))
PY
fi
# A rerun replaces its own results file; a file crisp did not write is never overwritten.
"$crisp" run -r 4 --quiet >/dev/null
echo "precious" > mine.h5
set +e
"$crisp" run -r 4 --quiet -o mine.h5 2> err.txt; code=$?
set -e
[ $code -eq 2 ] || { echo "FAIL: overwriting a foreign file exited $code"; exit 1; }
grep -q precious mine.h5 || { echo "FAIL: foreign file overwritten"; exit 1; }
echo "ok"
