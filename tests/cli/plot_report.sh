#!/usr/bin/env bash
# scripts/plot and scripts/report on a real results file: the reader module returns the file's
# values, the PNGs are valid, the report's numbers are crisp's own, and the page loads in
# headless chromium with every image and no console error. A screenshot of the page is left in
# $CRISP_ARTIFACTS (else a kept temporary folder) for a person to look at.
# Skipped where /usr/bin/python3 lacks h5py/numpy/matplotlib or chromium is not installed.
set -euo pipefail
crisp=$1
export CRISP_BIN=$crisp  # the scripts check files with the crisp under test, not a stale build
src=$2
py=/usr/bin/python3
$py -c "import h5py, numpy, matplotlib" 2>/dev/null || { echo "python3 packages missing: skipped"; exit 0; }
command -v chromium >/dev/null || { echo "chromium not installed: skipped"; exit 0; }
start=$SECONDS
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
art=${CRISP_ARTIFACTS:-$(mktemp -d /tmp/crisp-plot-report.XXXXXX)}
mkdir -p "$art"
cd "$dir"

# The bundled default (7 materials, 20 policy sets, NL and EU) with a small [sensitivity] table,
# so that every figure but the fan charts has data; 48 replications keep it to a few seconds.
# The default without gallium's demand response, so that its loss is the whole story (the
# break-even is then cost / loss avoided); the default itself (dr.toml) has it.
"$crisp" example > dr.toml
sed 's/price_cap_multiple = 5, demand_elasticity = 0.283, /price_cap_multiple = 5, /' dr.toml > exp.toml
grep "price_cap_multiple = 5, demand_elasticity" exp.toml > /dev/null && { echo "FAIL: exp.toml keeps gallium's demand response"; exit 1; }
cat >> exp.toml <<'EOF'

[sensitivity]
factors = [0.5, 2.0]
parameters = ["china-export-controls.rate_per_year", "gallium.value_of_lost_load_eur_per_t"]
EOF
"$crisp" run exp.toml -r 48 --quiet -o res.h5 > table.txt
# The default, with its demand response on gallium (docs/model.md "Demand response and a stepped
# price").
grep "price_cap_multiple = 5, demand_elasticity = 0.283" dr.toml > /dev/null || { echo "FAIL: dr.toml has no demand response"; exit 1; }
"$crisp" run dr.toml -r 48 --quiet -o dr.h5 > /dev/null
CRISP_BIN=$crisp "$src/scripts/report" dr.h5 -o report_dr.html > /dev/null

# A copy with synthetic /timeseries (float32 [P, K, T] with units), so the fan charts are drawn;
# the real file must give none. Written by h5py, it no longer matches its seal: read with
# --unverified (and refused without it).
$py - <<'EOF'
import shutil, h5py, numpy as np
shutil.copy("res.h5", "ts.h5")
with h5py.File("ts.h5", "a") as f:
    P, K, T = f["policies"].shape[0], 8, 60
    size = np.nan_to_num(f["policies"]["stockpile NL gallium.size_days"])
    rng = np.random.default_rng(1)
    for region in ("NL", "EU"):
        g = f.create_group(f"timeseries/gallium/{region}")
        series = {"t": (np.broadcast_to(np.linspace(0, 3650, T), (P, K, T)), "days"),
                  "stock": (size[:, None, None] * np.linspace(1, 0.5, T) * np.ones((P, K, T)), "t"),
                  "unmet_rate": (rng.exponential(0.01, (P, K, T)), "t/day")}
        for name, (v, units) in series.items():
            g.create_dataset(name, data=v.astype(np.float32)).attrs["units"] = units
EOF

# The reader module: refuses other files, returns the stored values, with and without pandas.
PYTHONPATH="$src/scripts" $py - <<'EOF'
import sys, h5py, numpy as np
from crisp_results import open_results
for bad in ("exp.toml",):
    try:
        open_results(bad)
        raise SystemExit(f"FAIL: {bad} opened as a results file")
    except ValueError as e:
        assert bad in str(e) and "\n" not in str(e), e
with h5py.File("res.h5", "r") as f, open_results("res.h5") as res:
    raw = f["metrics/gallium/NL/unmet_t"][()]
    assert np.array_equal(res.metric("gallium", "NL", "unmet_t"), raw)
    P, R = raw.shape
    n_series = sum(1 for m in f["metrics"] for r in f["metrics"][m] for _ in f["metrics"][m][r])
    lt = res.long_table()
    assert len(lt) == P * R * n_series, (len(lt), P, R, n_series)
    # one value of the long table, found by its labels, is the dataset's
    row = lt[(lt.material == "gallium") & (lt.region == "NL") & (lt.metric == "unmet_t")
             & (lt.policy == 5) & (lt.replication == 7)]
    assert len(row) == 1 and row.value.iloc[0] == raw[5, 7], row
    assert row["stockpile NL gallium.size_days"].iloc[0] == 30.0
    s = res.summary("all", "NL", "total_cost_eur")
    assert list(s.label) == [l.decode() for l in f["policies"]["label"]]
    assert np.array_equal(s["mean"].to_numpy(), f["summary/all/NL/total_cost_eur"]["mean"])
    assert res.timeseries("gallium", "NL", "stock") is None
    assert res.materials()[0] == "all" and res.regions()[0] == "NL"
sys.modules["pandas"] = None  # as on a machine without pandas
import importlib, crisp_results
importlib.reload(crisp_results)
with crisp_results.open_results("res.h5") as res:
    lt = res.long_table(material="gallium", region="NL")
    assert isinstance(lt, dict) and len(lt["value"]) == P * R * 14, len(lt["value"])
    d = res.paired("all", "NL", "total_cost_eur")
    assert isinstance(d, dict) and d["label"][0] == "baseline" and len(d["diff_mean"]) == P
with crisp_results.open_results("ts.h5", unverified=True) as res:
    assert res.timeseries("gallium", "NL", "stock").shape == (P, 8, 60)
    assert res.units("timeseries/gallium/NL/unmet_rate") == "t/day"
EOF

# The scripts as users run them.
"$src/scripts/plot" res.h5 -o plots > plots.txt
"$src/scripts/plot" ts.h5 -o plots-ts --material gallium --metric unmet_t --unverified > plots-ts.txt
"$src/scripts/report" ts.h5 -o report.html --unverified > report.txt
set +e
CRISP_BIN=$crisp "$src/scripts/plot" ts.h5 -o refused > bad.txt 2>&1; code=$?
set -e
[ $code -eq 2 ] && grep -q "^plot: ts.h5 is not as crisp wrote it" bad.txt && [ "$(wc -l < bad.txt)" -eq 1 ] ||
  { echo "FAIL: plot on ts.h5 (changed by h5py) without --unverified: exit $code"; cat bad.txt; exit 1; }
set +e
"$src/scripts/plot" exp.toml -o bad > bad.txt 2>&1; code=$?
set -e
[ $code -ne 0 ] && grep -q "not a crisp results file" bad.txt && [ "$(wc -l < bad.txt)" -eq 1 ] \
  || { echo "FAIL: plot on a TOML file: exit $code"; cat bad.txt; exit 1; }
# A damaged file is checked whole by crisp's reader (crisp check) before h5py reads it: HDF5 alone
# would allocate 3.5 GB for the first one's filetype string, and read past its buffer for the
# second one's chunk (of a metric `crisp show` does not read), which inflates to 8 bytes.
gzip -dc "$src/tests/fuzz/crashes/results-vlen-length-3.5GB.h5.gz" > damaged.h5
cp res.h5 damaged-chunk.h5
$py -c 'import h5py, zlib
with h5py.File("damaged-chunk.h5", "r+") as f:
    f["metrics/gallium/EU/unmet_t"].id.write_direct_chunk((3, 0), zlib.compress(bytes(8)), 0)'
for file in damaged damaged-chunk; do
  for script in plot report; do
    set +e
    CRISP_BIN=$crisp "$src/scripts/$script" $file.h5 -o damaged-out > bad.txt 2>&1; code=$?
    set -e
    [ $code -eq 2 ] && grep -qE "^$script: .*(is not as crisp wrote it|has no crisp seal)" bad.txt &&
      [ "$(wc -l < bad.txt)" -eq 1 ] \
      || { echo "FAIL: $script on $file.h5: exit $code"; cat bad.txt; exit 1; }
  done
done
# Without the seal's word, the damaged chunk is met by crisp's sandbox, not by h5py.
for script in plot report; do
  set +e
  CRISP_BIN=$crisp "$src/scripts/$script" damaged.h5 -o damaged-out --unverified > bad.txt 2>&1
  code=$?
  set -e
  [ $code -eq 2 ] && grep -q "^$script: .*damaged.h5" bad.txt && [ "$(wc -l < bad.txt)" -eq 1 ] ||
    { echo "FAIL: $script --unverified on damaged.h5: exit $code"; cat bad.txt; exit 1; }
done
grep -q fan plots.txt && { echo "FAIL: fan chart without /timeseries"; cat plots.txt; exit 1; }
for kind in frontier unmet response tornado; do
  grep -q "_$kind" plots.txt || { echo "FAIL: no $kind plot"; cat plots.txt; exit 1; }
done
grep -q "NL_gallium_fan.png" plots-ts.txt || { echo "FAIL: no fan chart"; cat plots-ts.txt; exit 1; }
cat plots.txt plots-ts.txt | $py -c '
import sys, matplotlib.image as mpimg
for path in sys.stdin.read().split():
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    h, w = mpimg.imread(path).shape[:2]  # decodes the whole image
    assert w > 400 and h > 300, (path, w, h)
'

# The report: crisp's own comparison table (NL, all materials) row by row, the break-even
# factor, and the linearity in the value of lost load it rests on (the sensitivity run at x2).
$py - <<'EOF'
import re, h5py, numpy as np
page = open("report.html", encoding="utf-8").read()
assert "<script" not in page.lower() and "<link" not in page.lower()
assert not re.search(r'(src|href)="(?!data:image/png;base64,|#)', page), "external resource"
text = open("table.txt").read().split("\n\n")[0].splitlines()[2:]  # NL / all materials
num = r"(-?\d+\.\d+)"
with h5py.File("res.h5", "r") as f:
    labels = [l.decode() for l in f["policies"]["label"]]
    d = f["paired/all/NL/total_cost_eur"][()]
    assert len(text) == len(labels)
    for p, line in enumerate(text):
        row = re.search(rf'<tr id="NL-all-p{p}">(.*?)</tr>', page, re.S).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert cells[0] == f"#{p} {labels[p]}", cells[0]
        crisp_p = float(line[:-29].split()[-4])  # P(shortage) as crisp prints it
        assert abs(float(cells[1].rstrip(" %")) / 100 - crisp_p) < 0.0006, (cells[1], line)
        if p == 0:
            continue
        want = [-d["diff_mean"][p], -d["diff_ci95_hi"][p], -d["diff_ci95_lo"][p]]
        got = [float(x) for x in re.findall(num, cells[6])]
        shown = [float(x) for x in re.findall(num, line[-29:])]
        assert np.allclose(got, np.array(want) / 1e6, atol=0.0051), (p, got, want)
        assert np.allclose(got, shown, atol=0.0051), (p, got, shown)  # crisp's own table
    # Break-even factor = extra policy cost / loss avoided, for every set that avoids loss; a set
    # whose policy cost is negative (a stockpile that sells dear what it bought cheap) pays at any
    # value: x0. The page prints 3 significant digits: within half a unit of the third.
    positive = 0
    for q in range(1, len(labels)):
        cost = f["paired/gallium/NL/policy_cost_eur"]["diff_mean"][q]
        avoided = -f["paired/gallium/NL/loss_eur"]["diff_mean"][q]
        if avoided <= 0:
            continue
        row = re.search(rf'<tr id="NL-gallium-p{q}">(.*?)</tr>', page, re.S).group(1)
        k = float(re.search(r"×([0-9.e+-]+)", row).group(1))
        want = max(cost, 0) / avoided
        assert abs(k - want) <= 5e-3 * want, (q, k, want, cost, avoided)
        positive += want > 0
    assert positive >= 4, positive  # the sets with early warning cost money
    p = 16  # the 180-day gallium stockpile
    cost = f["paired/gallium/NL/policy_cost_eur"]["diff_mean"][p]
    avoided = -f["paired/gallium/NL/loss_eur"]["diff_mean"][p]
    # Loss scales linearly with the value of lost load: at x2 the net benefit is 2 L - C.
    runs = [(r["parameter"].decode(), r["factor"]) for r in f["sensitivity/runs"][()]]
    s = runs.index(("gallium.value_of_lost_load_eur_per_t", 2.0))
    tot = f["sensitivity/mean/gallium/NL/total_cost_eur"][()]
    assert np.isclose(tot[s, 0] - tot[s, p], 2 * avoided - cost, rtol=1e-9), "not linear"
    # With a demand response the net benefit also counts the demand given up that a set avoids
    # (valued by the demand curve): break-even k solves k L + G - C = 0 (docs/model.md).
    page = open("report_dr.html", encoding="utf-8").read()
    with h5py.File("dr.h5", "r") as g:
        cost = g["paired/gallium/NL/policy_cost_eur"]["diff_mean"][p]
        avoided = -g["paired/gallium/NL/loss_eur"]["diff_mean"][p]
        given = -g["paired/gallium/NL/demand_given_up_eur"]["diff_mean"][p]
        nb = -g["paired/gallium/NL/total_cost_eur"]["diff_mean"][p]
    assert given != 0 and avoided > 0, (given, avoided)
    assert np.isclose(nb, avoided + given - cost, rtol=1e-9, atol=1e-6), (nb, avoided, given, cost)
    row = re.search(rf'<tr id="NL-gallium-p{p}">(.*?)</tr>', page, re.S).group(1)
    k = float(re.search(r"×([0-9.e+-]+)", row).group(1))
    want = max(cost - given, 0) / avoided
    assert abs(k - want) <= 5e-3 * want, (k, want, cost / avoided)
# Where each break-even value of lost load falls against the material's range
# (value_of_lost_load_range_eur_per_t of the experiment as run): the words follow the numbers.
import tomllib
page = open("report.html", encoding="utf-8").read()
words_seen, checked = set(), []
with h5py.File("res.h5", "r") as f:
    exp = tomllib.loads(f.attrs["experiment_toml"])
    P = f["policies"].shape[0]
    for mat in exp["material"]:
        name, voll = mat["name"], mat["value_of_lost_load_eur_per_t"]
        low, high = mat["value_of_lost_load_range_eur_per_t"]
        # The page compares, per material, the materials a lever acts on; ids as its anchor().
        ident = re.sub(r"[^A-Za-z0-9]", lambda m: f"_{ord(m.group()):x}", name)
        if f'<tr id="NL-{ident}-p1">' not in page:
            continue
        checked.append(name)
        by_word = {}
        for p in range(1, P):
            cost = f[f"paired/{name}/NL/policy_cost_eur"]["diff_mean"][p]
            avoided = -f[f"paired/{name}/NL/loss_eur"]["diff_mean"][p]
            gu = f"paired/{name}/NL/demand_given_up_eur"
            given = -f[gu]["diff_mean"][p] if gu in f else 0.0
            row = re.search(rf'<tr id="NL-{ident}-p{p}">(.*?)</tr>', page, re.S).group(1)
            cell = re.findall(r"<td[^>]*>(.*?)</td>", row)[7]
            if avoided <= 0:
                continue  # never (or x0 from demand given up alone): no value to place
            be = max(cost - given, 0) / avoided * voll
            want = ("below the low value" if be < low else
                    "above the high value" if be > high else "within the range")
            shown = float(re.search(r"\(([0-9.e+-]+) M EUR/t", cell).group(1))
            assert abs(shown - be / 1e6) <= 5e-3 * be / 1e6 + 1e-12, (name, p, shown, be)
            assert cell.endswith(f", {want})"), (name, p, cell, be, low, high)
            for other in ("below the low value", "within the range", "above the high value"):
                assert other == want or other not in cell, (name, p, cell)
            by_word.setdefault(want, []).append(p)
            words_seen.add(want)
        # The sentence under the NL table lists the same sets under the same words.
        after = page[page.index(f'<tr id="NL-{ident}-p{P - 1}">'):]
        sent = re.search(r"^(?:(?!<table).)*?Against the range of the value of lost load of "
                         rf"{name} \(([^)]*)\): (.*?)</p>", after, re.S)
        assert sent, name
        assert sent.group(1) == f"{low / 1e6:.3g} to {high / 1e6:.3g} M EUR/t", sent.group(1)
        for w, sets in by_word.items():
            assert f"{', '.join(f'#{p}' for p in sets)} break even {w}" in sent.group(2), \
                (name, w, sets, sent.group(2))
# The bundled default's sets fall on more than one side of the ranges: the test tells them apart.
assert checked == ["gallium", "rare_earths"] and len(words_seen) >= 2, (checked, words_seen)
for needed in ("How to read this page", "Recommendations", "shortfall", "Provenance",
               "china-export-controls", "net benefit", "A 180-day gallium stockpile for NL"):
    assert needed in page, needed
EOF

# Headless chromium: a copy of the page with a script that counts images that did not load
# (the report itself has no script); any console message is a failure.
img_count=$(grep -o '<img ' report.html | wc -l)
sed 's#</body>#<script>window.addEventListener("load", function () { var b = 0, im = document.images; for (var i = 0; i < im.length; i++) if (!im[i].complete || im[i].naturalWidth === 0) b++; var d = document.createElement("p"); d.id = "crisp-check"; d.textContent = "images=" + im.length + " broken=" + b + " height=" + document.documentElement.scrollHeight; document.body.appendChild(d); });</script></body>#' \
  report.html > check.html
# Root needs --no-sandbox; a profile of its own keeps parallel tests apart.
browse=(chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars
        --user-data-dir="$dir/profile" --window-size=1280,1000)
timeout 60 "${browse[@]}" --enable-logging=stderr --v=0 --virtual-time-budget=10000 \
  --dump-dom "file://$dir/check.html" > dom.html 2> chromium.log || true
check=$(grep -o 'crisp-check">[^<]*' dom.html | cut -d'>' -f2 || true)
[ "${check% height=*}" = "images=$img_count broken=0" ] \
  || { echo "FAIL: images in chromium: '$check' (expected $img_count, none broken)"; tail chromium.log; exit 1; }
if grep -E ':CONSOLE[(:]' chromium.log; then echo "FAIL: console messages"; exit 1; fi
height=${check##*height=}
height=$(( height > 30000 ? 30000 : height + 20 ))
timeout 60 "${browse[@]}" --window-size=1280,$height --screenshot="$art/plot_report.png" \
  "file://$dir/report.html" > /dev/null 2>&1 || true
$py -c "import matplotlib.image as m, sys; h, w = m.imread(sys.argv[1]).shape[:2]; assert w == 1280 and h > 3000, (w, h)" \
  "$art/plot_report.png" || { echo "FAIL: no screenshot"; exit 1; }
cp report.html "$art/plot_report.html"
echo "screenshot: $art/plot_report.png (page: $art/plot_report.html)"
echo "ok: $(wc -l < plots.txt) + $(wc -l < plots-ts.txt) PNGs, report with $img_count images, in $((SECONDS - start)) s"
