#!/usr/bin/env bash
# scripts/plot and scripts/report on a file of crisp optimise: the plots of each problem exist and
# are valid PNGs, and the report's Optimum sections say what the file holds: the stockpile's days,
# tonnes and euros recomputed here from /scenario/nodes, the experiment and /policies; objective,
# net benefit, constraints, gap and work as in /optimise; the wording of an optimal, a "not
# confirmed" and an infeasible problem. The page loads in headless chromium with every image and
# no console error. Skipped where /usr/bin/python3 lacks h5py/numpy/matplotlib or chromium is not
# installed.
set -euo pipefail
crisp=$1
src=$2
py=/usr/bin/python3
$py -c "import h5py, numpy, matplotlib" 2>/dev/null || { echo "python3 packages missing: skipped"; exit 0; }
command -v chromium >/dev/null || { echo "chromium not installed: skipped"; exit 0; }
start=$SECONDS
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir"
export CRISP_BIN=$crisp  # plot and report have this crisp check the file first

# The bundled example (NL gallium stockpile, cobalt alongside) over 5 years, with four small
# problems (a few seconds in all): "size" is optimal, with a cost-risk frontier; "impossible"
# asks for P(...) <= 0, which no stockpile of at most 60 days reaches; "mix" has a choice and an
# integer variable; "tight" is chosen on 10 histories at its limit, and is not confirmed on the
# 200 fresh ones (its search sample's optimum sits at P = 0.1 there, the fresh estimate is 0.085
# with a one-sided bound above 0.1).
sed 's/^horizon_years = 10/horizon_years = 5/' "$src/experiments/example.toml" > opt.toml
grep -q '^horizon_years = 5' opt.toml || { echo "FAIL: experiments/example.toml changed"; exit 1; }
problem() {  # name, objective line, search replications, gap batches, upper end, bound, frontier
  cat >> opt.toml <<EOF

[[optimise]]
name = "$1"
$2
region = "NL"
search_replications = $3
evaluation_replications = 200
gap_batches = $4
max_evaluations = 12

[[optimise.variable]]
key = "stockpile NL gallium.size_days"
min = 0
max = $5
EOF
  [ -z "$6" ] || cat >> opt.toml <<EOF

[[optimise.constraint]]
metric = "longest_shortage_days"
region = "NL"
material = "gallium"
statistic = "p_exceeds"
threshold = 30
at_most = $6
$7
EOF
}
problem size 'minimise = "total_cost_eur"' 50 2 365 0.1 'frontier = [0.3, 0.05]'
problem impossible 'minimise = "total_cost_eur"' 50 0 60 0 ''
problem tight 'minimise = "total_cost_eur"' 10 0 365 0.1 ''
cat >> opt.toml <<'EOF'

[[optimise]]
name = "mix"
maximise = "net_benefit_eur"
region = "NL"
search_replications = 50
evaluation_replications = 200
gap_batches = 2
max_evaluations = 12

[[optimise.variable]]
key = "stockpile NL gallium.size_days"
values = [30, 90]

[[optimise.variable]]
key = "stockpile NL gallium.release.delay_days"
min = 0
max = 30
integer = true
EOF
set +e
"$crisp" optimise opt.toml -o opt.h5 --quiet > optimise.txt 2> optimise.err; code=$?
set -e
# Exit 1: a problem is infeasible ("impossible"); the file is written all the same.
[ $code -le 1 ] && [ -s opt.h5 ] ||
  { echo "FAIL: crisp optimise exit $code"; cat optimise.err; exit 1; }
"$crisp" check opt.h5 > /dev/null 2> check.err ||
  { echo "FAIL: crisp check refuses the file crisp optimise wrote: $(cat check.err)"; exit 1; }

"$src/scripts/plot" opt.h5 -o plots > plots.txt
"$src/scripts/report" opt.h5 -o report.html > report.txt
for name in size impossible tight mix; do
  grep -qx "plots/optimise_${name}_search.png" plots.txt ||
    { echo "FAIL: no search plot of $name"; cat plots.txt; exit 1; }
done
grep -qx "plots/optimise_size_frontier.png" plots.txt || { echo "FAIL: no frontier plot"; exit 1; }
if grep -E "optimise_(impossible|tight|mix)_frontier" plots.txt; then
  echo "FAIL: a frontier plot for a problem without a frontier"; exit 1
fi
$py - plots.txt <<'EOF'
import sys, matplotlib.image as mpimg
for path in open(sys.argv[1]).read().split():
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    h, w = mpimg.imread(path).shape[:2]
    assert w > 400 and h > 300, (path, w, h)
EOF

# The page against the file.
$py - <<'EOF'
import html, re, tomllib, h5py, numpy as np
page = open("report.html", encoding="utf-8").read()
assert "<script" not in page.lower() and "<link" not in page.lower()
f = h5py.File("opt.h5", "r")
x = tomllib.loads(f.attrs["experiment_toml"])
key = "stockpile NL gallium.size_days"
# What a day of NL's gallium demand is, from the file's own tables: the consumers of gallium in
# NL (day-0 demand; docs/model.md "Strategic stockpiles"), the price, the holding cost.
nodes = f["scenario/nodes"][()]
demand = sum(float(n["demand_tpy"]) for n in nodes
             if n["kind"] == b"consumer" and n["material"] == b"gallium" and n["region"] == b"NL")
price = next(m["price_eur_per_t"] for m in x["material"] if m["name"] == "gallium")
assert (demand, price) == (2.0, 460000), (demand, price)  # experiments/example.toml
pol = f["policies"][()]
problems = {r["name"].decode(): r for r in f["optimise/problems"][()]}
status = {n: r["status"].decode() for n, r in problems.items()}
assert status == {"size": "optimal", "impossible": "infeasible", "tight": "not confirmed",
                  "mix": "optimal"}, status
M = 1e6
num = r"(-?\d[\d,]*\.?\d*(?:e[-+]\d+)?)"


def close(text, want, tol):
    got = float(text.replace(",", ""))
    assert abs(got - want) <= tol, (got, want, tol)


def section(name):
    m = re.search(rf'<h2 id="optimum-{name}">(.*?)(?=<h2 )', page, re.S)
    assert m, name
    return m.group(1)


for name, prob in problems.items():
    sec = section(name)
    a = f[f"optimise/{name}/answers"][()]
    row = int(prob["chosen_row"]) if prob["chosen_row"] >= 0 else int(prob["closest_row"])
    ps = int(a["policy_set"][row])
    # Wording of the status.
    if status[name] == "infeasible":
        assert "No policy in the ranges meets the constraints</b>: none of the " \
            f"{int(prob['points_searched'])} points searched met them" in sec, name
        assert "The closest is a gallium stockpile" in sec and "Optimum</b>" not in sec, name
    elif status[name] == "not confirmed":
        assert "<b>Best policy found, not confirmed</b>" in sec, name
        assert "is not met at 95 % confidence on the 200 fresh histories" in sec, name
    else:
        assert "<b>Optimum</b>: a gallium stockpile" in sec and "not confirmed" not in sec, name
    # The stockpile in physical units, recomputed.
    days = a[key][row]
    tonnes = days * demand / 365
    hc = pol["stockpile NL gallium.holding_cost_per_year"][ps]
    m = re.search(rf"of <b>{num} days</b> of demand: <b>{num} t</b> \(day-0 demand of NL: "
                  rf"{num} t a year\), which costs <b>{num} M EUR</b> to buy at the base price "
                  rf"of {num} EUR/t and <b>{num} M EUR a year</b> to hold \({num} % of its value",
                  sec)
    assert m, (name, sec[:2000])
    close(m.group(1), days, 0.5 if days >= 100 else 0.005 * days)
    close(m.group(2), tonnes, 0.005 * tonnes)
    close(m.group(3), demand, 0)
    close(m.group(4), tonnes * price / M, 0.0051)
    close(m.group(5), price, 0)
    close(m.group(6), tonnes * price * hc / M, 0.0051)
    close(m.group(7), 100 * hc, 0.005)
    # Objective (mean total cost) and net benefit on the fresh histories.
    m = re.search(rf"mean total cost \(loss \+ policy cost\) <b>{num} M EUR</b> \[{num} M EUR, "
                  rf"{num} M EUR\]", sec)
    for g, col in zip(m.groups(), ("objective_mean", "objective_ci95_lo", "objective_ci95_hi")):
        close(g, a[col][row] / M, 0.0051)
    m = re.search(rf"history\): <b>{num} M EUR</b> \[{num}, {num}\]: ([^.:(<]+)", sec)
    for g, col in zip(m.groups(), ("net_benefit_mean", "net_benefit_ci95_lo",
                                   "net_benefit_ci95_hi")):
        close(g, a[col][row] / M, 0.0051)
    lo, hi = a["net_benefit_ci95_lo"][row], a["net_benefit_ci95_hi"][row]
    assert m.group(4).strip() == ("clearly positive" if lo > 0 else "clearly negative" if hi < 0
                                  else "not clearly positive"), (name, m.group(4))
    # Each constraint: estimate, one-sided bound and the verdict, as the file has them.
    if f"optimise/{name}/constraints" in f:
        c = f[f"optimise/{name}/constraints"][()]
        m = re.search(rf"{re.escape(html.escape(c['label'][0].decode()))}: estimated <b>{num}</b> "
                      rf"\[{num}, {num}\]; one-sided 95 % upper bound {num}, (within|beyond) the "
                      rf"limit {num}: <b>(met|not met) at 95 % confidence</b>", sec)
        assert m, (name, sec[:3000])
        for g, col in zip(m.groups(), ("c1_estimate", "c1_ci95_lo", "c1_ci95_hi",
                                       "c1_one_sided95")):
            close(g, a[col][row], 5e-4 * abs(a[col][row]) + 1e-12)
        met = a["c1_met"][row] == 1
        assert m.group(7) == ("met" if met else "not met"), name
        assert m.group(5) == ("within" if a["c1_one_sided95"][row] <= c["bound"][0] else "beyond")
        assert met == (status[name] == "optimal"), name
    # Gap and work.
    if prob["gap_batches"] > 0:
        m = re.search(rf"{int(prob['gap_batches'])} independent samples of "
                      rf"{int(prob['search_replications'])} histories\): {num} M EUR on average, "
                      rf"at most <b>{num} M EUR</b>", sec)
        close(m.group(1), prob["gap_mean"] / M, 0.0051)
        close(m.group(2), prob["gap_upper95"] / M, 0.0051)
    else:
        assert "<b>Optimality gap</b>: not estimated" in sec, name
    total = sum(float(prob[f"replication_years_{k}"]) for k in ("search", "evaluation", "gap",
                                                                 "frontier"))
    m = re.search(rf"<b>Work</b>: {int(prob['points_searched'])} points searched on "
                  rf"{int(prob['search_replications'])} histories .*?in all {num}\.", sec, re.S)
    close(m.group(1), total, 0.5)
    # Its figures, embedded.
    n_img = len(re.findall(r'<img src="data:image/png;base64,', sec))
    assert n_img == (2 if name == "size" else 1), (name, n_img)

# "size": the upper end of its range is reached, and said; the frontier table has its bounds.
sec = section("size")
assert (f"{key} = 365 is at the upper end of its range (0 to 365)" in sec) == \
    (f["optimise/size/answers"][key][0] == 365)
fr = f["optimise/size/frontier"][()]
table = sec[sec.index("Cost-risk frontier"):]
for b in fr["bound"]:
    assert re.search(rf"<td[^>]*>{b:g}</td>", table), b
assert "0.1 (the problem&#x27;s own)" in table
# "mix": one row per combination of the choice variable, the chosen one marked.
sec = section("mix")
a = f["optimise/mix/answers"][()]
for r in range(len(a)):
    mark = " (chosen)" if a["chosen"][r] else ""
    assert f">#{a['policy_set'][r]}{mark}</td><td class=\"n\">{a[key][r]:g}</td>" in sec, r
assert "maximise the net benefit" in sec
print("report ok")
EOF

# Headless chromium: every image loads, no console message (as tests/cli/plot_report.sh).
img_count=$(grep -o '<img ' report.html | wc -l)
sed 's#</body>#<script>window.addEventListener("load", function () { var b = 0, im = document.images; for (var i = 0; i < im.length; i++) if (!im[i].complete || im[i].naturalWidth === 0) b++; var d = document.createElement("p"); d.id = "crisp-check"; d.textContent = "images=" + im.length + " broken=" + b; document.body.appendChild(d); });</script></body>#' \
  report.html > check.html
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --user-data-dir="$dir/profile" --enable-logging=stderr --v=0 --virtual-time-budget=10000 \
  --dump-dom "file://$dir/check.html" > dom.html 2> chromium.log || true
check=$(grep -o 'crisp-check">[^<]*' dom.html | cut -d'>' -f2 || true)
[ "$check" = "images=$img_count broken=0" ] \
  || { echo "FAIL: images in chromium: '$check' (expected $img_count, none broken)"; tail chromium.log; exit 1; }
if grep -E ':CONSOLE[(:]' chromium.log; then echo "FAIL: console messages"; exit 1; fi
echo "ok: $(wc -l < plots.txt) PNGs, report with $img_count images, in $((SECONDS - start)) s"
