#!/usr/bin/env bash
# The decision brief of scripts/report (README.md "Robust decisions") on
# tests/cases/futures/flip.toml, a 60-day Dutch gallium stockpile whose net benefit is f x A - C in
# the factor f on the value of lost load: its words against its numbers (it does not pay in the
# scenario as given; the value of lost load flips it at the factor bound PRIM found, in EUR/t
# too); every number it prints against the dataset it names (tonnes and euros recomputed by hand);
# the same run without [futures] (not assessed) and with a /discovery group added (its histories
# named; absent, never invented); and the brief page in headless chromium: one A4 page in print,
# a screenshot that is not blank.
# Skipped where /usr/bin/python3 lacks h5py/numpy/matplotlib or chromium is not installed.
set -euo pipefail
crisp=$1
src=$2
py=/usr/bin/python3
$py -c "import h5py, numpy, matplotlib" 2>/dev/null || { echo "python3 packages missing: skipped"; exit 0; }
command -v chromium >/dev/null || { echo "chromium not installed: skipped"; exit 0; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
art=${CRISP_ARTIFACTS:-$(mktemp -d /tmp/crisp-brief.XXXXXX)}
mkdir -p "$art"
cd "$dir"
export CRISP_BIN=$crisp  # report has this crisp check the file first

"$crisp" run "$src/tests/cases/futures/flip.toml" --quiet -o flip.h5 > /dev/null
# The scenario alone: the same experiment up to its [futures] table (and anything after it).
sed '/^\[futures\]/,$d' "$src/tests/cases/futures/flip.toml" > plain.toml
grep -q futures plain.toml && ! grep -q '^\[futures' plain.toml
"$crisp" run plain.toml --quiet -o plain.h5 > /dev/null
# A /discovery group as docs/results-format.md documents it, added by h5py to the file without
# one (so read with --unverified): the brief must quote it for its policy.
$py - <<'EOF'
import shutil, h5py, numpy as np
shutil.copy("plain.h5", "disc.h5")
with h5py.File("disc.h5", "a") as f:
    g = f.create_group("discovery")
    h = np.array([(1, b"size_days=60", b"gallium", b"shortage over 60 days", 0.125, 0.9, 0.8, 0.11,
                   b"fails in 90 % of histories where controls.days > 210")],
                 dtype=[("policy", "<i8"), ("label", "S12"), ("material", "S7"),
                        ("criterion", "S22"), ("share_failing", "<f8"), ("box_density", "<f8"),
                        ("box_coverage", "<f8"), ("box_mass", "<f8"), ("sentence", "S52")])
    g.create_dataset("histories", data=h)
    b = np.array([(1, b"controls.days", 210.0, np.inf)],
                 dtype=[("policy", "<i8"), ("feature", "S13"), ("lower", "<f8"), ("upper", "<f8")])
    g.create_dataset("history_bounds", data=b)
EOF

"$src/scripts/report" flip.h5 --brief-only > out.txt
[ "$(cat out.txt)" = "flip-brief.html" ] ||
  { echo "FAIL: --brief-only wrote $(cat out.txt)"; exit 1; }
"$src/scripts/report" flip.h5 -o full.html > /dev/null
"$src/scripts/report" plain.h5 --brief-only -o plain.html > /dev/null
"$src/scripts/report" disc.h5 --brief-only -o disc.html --unverified > /dev/null

$py - "$src/scripts" <<'EOF'
import html, re, sys, tomllib
import h5py, numpy as np


def section(path):
    page = open(path, encoding="utf-8").read()
    m = re.search(r'<section class="brief" id="brief">(.*?)</section>', page, re.S)
    assert m, f"{path}: no brief"
    return page, m.group(1)


def text_of(fragment):
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


SPAN = re.compile(r'<span class="v" title="([^"]*)" data-(dataset|toml|calc|text)="([^"]*)">'
                  r"(.*?)</span>")


def number(shown, money):
    """(value in the dataset's units, half a unit of the last digit shown) of a printed number;
    money is printed in million EUR (the brief says so), with or without "M EUR" after it."""
    m = re.match(r"^(-?[\d,]*\.?\d+)(?: (M )?(.*))?$", shown)
    assert m, f"not a number: {shown!r}"
    digits = m.group(1).replace(",", "")
    scale = 1e6 if money else 0.01 if m.group(3) == "%" else 1.0
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits) * scale, 0.5 * 10 ** -decimals * scale


def check_numbers(path, h5, calc_values):
    """Every number of the brief is in a span naming its source, and equals that source."""
    page, brief = section(path)
    outside = text_of(SPAN.sub("", brief)).replace("95 %", "")
    assert not re.search(r"\d", outside), f"{path}: a number without its source: " + \
        re.search(r".{0,60}\d.{0,20}", outside).group(0)
    spans = SPAN.findall(brief)
    assert len(spans) > 10, len(spans)
    with h5py.File(h5, "r") as f:
        exp = tomllib.loads(f.attrs["experiment_toml"])
        for title, kind, key, shown in spans:
            shown = html.unescape(shown)
            if kind == "text":  # a sentence quoted whole
                ds, col, row = key.split("|")
                assert shown == f[ds][col][int(row)].decode(), (shown, key)
                continue
            money = " M EUR" in shown
            if kind == "dataset":
                ds, col, row, sign = key.split("|")
                v = f.attrs[col] if ds == "/" else f[ds][col][int(row)]
                v = -float(v) if sign == "-" else float(v)
                money = money or col.endswith("_eur") or \
                    (ds != "/" and f[ds].attrs.get("units") == "EUR")
            elif kind == "toml":
                table, name, field = key.split("|")
                t = exp[table] if not name else exp[table][int(name[1:])] if name[0] == "#" \
                    else next(x for x in exp[table] if x["name"] == name)
                for part in field.split("."):
                    t = t[part]
                v = float(t)
            else:
                assert key in calc_values, f"{path}: no hand value for computed {key!r} ({title})"
                v = calc_values[key]
            if shown == "n/a":
                assert not np.isfinite(v), (key, v)
                continue
            got, tol = number(shown, money)
            assert abs(got - v) <= tol * (1 + 1e-9) + 1e-12 * abs(v), (path, key, shown, v)
    return brief


with h5py.File("flip.h5", "r") as f:
    exp = tomllib.loads(f.attrs["experiment_toml"])
    nodes = f["scenario/nodes"][()]
    d = f["paired/all/NL/total_cost_eur"][()]
    rob = f["futures/robustness"][()]
    bounds = f["futures/discovery_bounds"][()]
    sobol = f["futures/sobol"][()]
    nb, nb_hi = -d["diff_mean"][1], -d["diff_ci95_lo"][1]
    mean_f, share = rob["mean_net_benefit_eur"][1], rob["share_pays"][1]
    labels = [x.decode() for x in f["policies"]["label"]]
assert labels == ["baseline", "size_days=60"], labels
# By hand: 60 days of the Dutch users' 10 t/yr, at 460 000 EUR/t, held at 4 % a year.
demand = sum(n["demand_tpy"] for n in nodes if n["kind"] == b"consumer" and n["region"] == b"NL")
assert demand == 10.0, demand
price = exp["material"][0]["price_eur_per_t"]
voll = exp["material"][0]["value_of_lost_load_eur_per_t"]
tonnes = 60 * demand / 365
assert (price, voll) == (460000, 9200000)
assert len(bounds) == 1 and bounds["parameter"][0] == b"gallium.value_of_lost_load_eur_per_t"
u = bounds["upper_factor"][0]
assert bounds["lower_factor"][0] == -np.inf and 1 < u < 30, bounds
calc = {"demand|gallium|NL": 10.0, "stock_t": tonnes, "buy_eur": tonnes * price,
        "hold_eur": tonnes * price * 0.04, "n_options": 1,
        "flip|gallium.value_of_lost_load_eur_per_t|upper_factor": u * voll}
brief = check_numbers("flip-brief.html", "flip.h5", calc)
calc_plain = {k: v for k, v in calc.items() if not k.startswith("flip|")}
words = " ".join(text_of(brief).split())

# The answer, against its numbers: no gain in the scenario as given (the whole interval below
# zero), a positive mean over the futures, paying with 95 % confidence in none: not robust.
assert nb < 0 and nb_hi < 0 and mean_f > 0 and share == 0, (nb, nb_hi, mean_f, share)
answer = re.search(r"Not a robust buy: a 60-day gallium stockpile for NL, the only option tried, "
                   r"has a mean net benefit of (\S+) M EUR over the 128 futures, but in the "
                   r"scenario as given it does not pay, and it pays with 95 % confidence in only "
                   r"0 % of the futures\.", words)
assert answer and abs(float(answer.group(1)) * 1e6 - mean_f) < 5e-5 * 1e6, words[:600]
assert f"{nb / 1e6:.3g} M EUR [" in words, nb
assert f"Size and cost: 60 days of NL's demand (10 t/yr) = {tonnes:.3g} t; " \
       f"{tonnes * price / 1e6:.3g} M EUR to buy at 460,000 EUR/t" in words, words
# The assumption that flips it: the value of lost load, below PRIM's factor, in EUR/t too.
flip = (f"Flips with the gallium value of lost load: it "
        f"does not pay in 100 % of the futures where the gallium value of lost load is below "
        f"{u:.3g} x its 9.2 M EUR/t = {u * 9.2:.3g} M EUR/t")
assert flip in words, (flip, words)
assert '<abbr title="gallium.value_of_lost_load_eur_per_t">gallium value of lost load</abbr>' \
    in brief
# Below f* = C / A it cannot pay: the bound brackets the closed-form threshold of flip.toml.
with h5py.File("flip.h5", "r") as f:
    A = -f["paired/all/NL/loss_eur"]["diff_mean"][1]
    C = f["paired/all/NL/policy_cost_eur"]["diff_mean"][1]
assert abs(u - C / A) <= 0.1 * C / A, (u, C / A)
# The Sobol total index that matters: the value of lost load's, as stored.
i = [k for k in range(len(sobol)) if sobol["output"][k] == b"size_days=60"
     and sobol["parameter"][k] == b"gallium.value_of_lost_load_eur_per_t"][0]
assert f"gallium value of lost load {sobol['total'][i]:.2f} [" in words, words
with h5py.File("flip.h5", "r") as f:  # [discovery] in flip.toml: its sentence, else nothing
    hist = f["discovery/histories"][()] if "discovery" in f else []
said = [h["sentence"].decode() for h in hist if h["policy"] == 1]
assert words.count("Shock histories that defeat it") == len(said), words
assert all(x in words for x in said), said

# Without [futures]: the scenario as given only, robustness not assessed.
plain = " ".join(text_of(check_numbers("plain.html", "plain.h5", calc_plain)).split())
with h5py.File("plain.h5", "r") as f:
    assert "futures" not in f
    assert -f["paired/all/NL/total_cost_eur"]["diff_mean"][1] < 0
assert "Robustness was not assessed" in plain and "Robustness: not assessed" in plain, plain
assert ("Do not buy a gallium stockpile for NL: the only option tried, a 60-day gallium stockpile "
        "for NL, does not pay on average in the scenario as given.") in plain, plain
assert "Flips with" not in plain and "Sobol" not in plain
with h5py.File("plain.h5", "r") as f:
    assert "discovery" not in f
assert "Shock histories" not in plain  # no /discovery: nothing said of histories

# With /discovery: its sentence and share, for this policy.
disc = " ".join(text_of(check_numbers("disc.html", "disc.h5", calc_plain)).split())
assert ("Shock histories that defeat it (shortage over 60 days, gallium; it fails in 12.5 % of the "
        "histories): fails in 90 % of histories where controls.days > 210.") in disc, disc

# The full report opens with the same brief, before everything else (printed: page 1).
page, full = section("full.html")
assert full == section("flip-brief.html")[1]
assert page.index('id="brief"') < page.index("<h1>") < page.index("How to read this page")
assert '<a href="#brief">Decision brief</a>' in page
EOF

# Headless chromium: the brief alone prints on one A4 page, and its screenshot is not blank.
browse=(chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars
        --user-data-dir="$dir/profile")
for page in flip-brief plain; do
  timeout 60 "${browse[@]}" --no-pdf-header-footer --print-to-pdf="$dir/$page.pdf" \
    "file://$dir/$page.html" > /dev/null 2>&1 || true
  # Page objects of the PDF (chromium writes them uncompressed), and the page tree's count.
  pages=$($py -c 'import re, sys
data = open(sys.argv[1], "rb").read()
print(len(re.findall(rb"/Type\s*/Page(?!s)", data)),
      re.search(rb"/Type\s*/Pages\s*/Count\s*(\d+)", data).group(1).decode())' \
      "$dir/$page.pdf" || true)
  [ "$pages" = "1 1" ] || { echo "FAIL: $page printed on '$pages' pages, not one"; exit 1; }
done
timeout 60 "${browse[@]}" --window-size=794,1123 --screenshot="$art/brief.png" \
  "file://$dir/flip-brief.html" > /dev/null 2>&1 || true
$py - "$art/brief.png" <<'EOF'
import sys, matplotlib.image as mpimg, numpy as np
img = mpimg.imread(sys.argv[1])[:, :, :3]
h, w = img.shape[:2]
assert (w, h) == (794, 1123), (w, h)
ink = (img.min(axis=2) < 0.5).mean()  # dark pixels: text
rows = np.flatnonzero((img.min(axis=2) < 0.5).any(axis=1))
assert ink > 0.005 and len(rows) > 100, (ink, len(rows))
EOF
cp flip-brief.html "$art/brief.html"
echo "ok: brief checked against flip.h5, plain.h5 and disc.h5; screenshot $art/brief.png"
