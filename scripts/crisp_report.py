"""One self-contained HTML page from a crisp results file: `scripts/report FILE.h5 [-o
report.html]`. Images are embedded as data URIs and the styles are inline, so the page can be
mailed or archived as one file; it needs no JavaScript and loads nothing from elsewhere.
"""

import argparse
import base64
import html
import math
import os
import re
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crisp_plot  # noqa: E402
from crisp_results import (OutputRefused, check_output, open_results,  # noqa: E402
                           run_as_script, starts_with, write_output)

MILLION = 1e6

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1180px; margin: 1.5em auto;
       padding: 0 1em; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; } h2 { border-bottom: 2px solid #1f77b4;
     padding-bottom: 0.15em; margin-top: 1.8em; } h3 { margin-top: 1.4em; }
.sub { color: #555; margin-top: 0; }
.box { background: #eef5fb; border-left: 4px solid #1f77b4; padding: 0.6em 1em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.88em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; }
th { background: #f0f0f0; text-align: left; vertical-align: bottom; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafafa; }
td.pos { background: #e3f4e3 !important; } td.neg { background: #fbe4e4 !important; }
td.rec { font-weight: bold; }
td.warn { background: #fff4e0 !important; white-space: pre-line; }
nav { margin-top: 1em; } nav ul { columns: 2; margin-top: 0.3em; } nav li { margin: 0.1em 0; }
figure { margin: 1em 0 2em; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #333; font-size: 0.92em; margin-top: 0.3em; }
ul.sentences li { margin-bottom: 0.3em; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.8em; }
.key { color: #555; font-size: 0.88em; }
.brief { border: 2px solid #1f77b4; padding: 0.2em 1.2em 0.5em; margin: 1.2em 0 1.5em; }
.brief h2 { margin-top: 0.4em; } .brief h3 { margin: 0.7em 0 0.1em; font-size: 1.05em; }
.brief p.answer { margin: 0.15em 0; } .brief ul { margin: 0.15em 0; padding-left: 1.3em; }
.brief li { font-size: 0.9em; margin: 0.05em 0; } .brief .key { margin: 0.3em 0; }
span.v { border-bottom: 1px dotted #999; }
body.brief-only .brief { border: none; padding: 0; margin: 0; }
/* Printed, the brief is the first page (A4) of the report, or the whole of --brief-only. */
@media print {
  @page { size: A4; margin: 11mm 12mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 8.3pt; line-height: 1.28; }
  .brief { border: none; padding: 0; margin: 0; break-after: page; }
  .brief h2 { font-size: 1.35em; margin: 0 0 0.2em; } span.v { border-bottom: none; }
  figure, table { break-inside: avoid; }
}
"""


def esc(x):
    return html.escape(str(x))


def meur(x):
    """Euros -> million-EUR figure with 2 decimals (2 significant digits below 0.005)."""
    if x is None or not np.isfinite(x):
        return "n/a"
    if abs(x) < 0.5:  # below a euro: rounding noise of a difference, or exactly 0
        return "0.00"
    v = x / MILLION
    return f"{v:.2g}" if abs(v) < 0.005 else f"{v:.2f}"


def interval(mean, lo, hi):
    return f"{meur(mean)} [{meur(lo)}, {meur(hi)}]"


def pct(x):
    return f"{100 * x:.1f} %"


def anchor(*parts):
    """An HTML id of names: ('cmp', 'North Sea', 'rare earths') -> 'cmp-North_20Sea-rare_20earths'.
    An id holds no space, and every character but an ASCII letter or digit is written as _<hex>,
    so that different names never make one id."""
    return "-".join(re.sub(r"[^A-Za-z0-9]", lambda m: f"_{ord(m.group()):x}", p) for p in parts)


def table(header, rows, row_ids=None, classes=None):
    """HTML table; numeric-looking cells right-aligned; classes[r][c] adds a cell class."""
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>"]
    for r, row in enumerate(rows):
        rid = f' id="{esc(row_ids[r])}"' if row_ids else ""
        cells = []
        for c, v in enumerate(row):
            cls = []
            s = str(v)
            if s[:1].isdigit() or s[:1] in "-+" or s.startswith("n/a") or s.startswith("×"):
                cls.append("n")
            if classes and classes[r][c]:
                cls.append(classes[r][c])
            cl = f' class="{" ".join(cls)}"' if cls else ""
            cells.append(f"<td{cl}>{esc(v)}</td>")
        out.append(f"<tr{rid}>" + "".join(cells) + "</tr>")
    return "\n".join(out) + "</table>"


def kv_table(rows):
    """A two-column table of names and values (no header, no number alignment)."""
    return "<table>" + "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>"
                               for k, v in rows) + "</table>"


def verdict(lo, hi):
    if lo > 0:
        return "clearly positive"
    if hi < 0:
        return "clearly negative: it costs more than it saves"
    return "not clearly positive (the 95 % interval includes zero)"


# ------------------------------------------------------------------------------------------------
# What the levers are, in words


def num(v):
    """A lever value in a sentence: whole numbers from 100, else 3 significant digits."""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def field_phrase(field, v):
    """'release.delay_days', 5 -> 'release delay 5 days'."""
    for suffix, unit in (("_days", "days"), ("_tpy", "t/yr"), ("_eur_per_t", "EUR/t")):
        if field.endswith(suffix):
            return f"{field[:-len(suffix)].replace('.', ' ').replace('_', ' ')} {num(v)} {unit}"
    return f"{field.replace('.', ' ').replace('_', ' ')} {num(v)}"


def lever_phrase(res, lever, p, swept):
    """'a 90-day gallium stockpile for NL' for lever `lever` in policy set p (None if off)."""
    stored = res.raw("policies")
    raw = {lever.field(c): float(stored[c][p]) for c in lever.columns}
    if all(math.isnan(v) for v in raw.values()):
        return None
    mat = "all materials" if lever.material == "all" else lever.material
    regions = "+".join(lever.regions) or "its regions"
    g = lambda k: raw.get(k, float("nan"))  # noqa: E731
    if lever.kind == "stockpile":
        # Its size in the unit it is given in: the on/off field in use.
        used = [c for c in lever.columns
                if res.off_value(c) is not None and not math.isnan(raw[lever.field(c)])]
        v, unit = (raw[lever.field(used[0])], res.unit_of(used[0])) if used \
            else (float("nan"), "days")
        size = f"{num(v)}-day" if unit == "days" else f"{num(v)} {unit}"
        text = f"a {size} {mat} stockpile for {regions}"
    elif lever.kind == "refining":
        text = f"a {num(g('capacity_tpy'))} t/yr {mat} refinery in {regions}"
    elif lever.kind == "recycling":
        text = f"recycling {num(100 * g('rate'))} % of {regions}'s {mat} demand"
    elif lever.kind == "diversification":
        text = (f"{mat} contracts for {regions} capped at {num(100 * g('max_country_share'))} % "
                "from one supplier country")
    elif lever.kind == "early_warning":
        text = f"{num(g('lead_days'))} days of early warning for {regions} ({mat})"
    else:
        text = lever.name
    # Swept fields other than the on/off one: say their value too.
    extra = [field_phrase(lever.field(c), raw[lever.field(c)]) for c in lever.columns
             if c in swept and res.off_value(c) is None and not math.isnan(raw[lever.field(c)])]
    return text + (f" ({', '.join(extra)})" if extra else "")


def set_description(res, p, swept, capital=True):
    """Policy set p in words: 'A 90-day gallium stockpile for NL plus ...'."""
    parts = [t for lv in res.levers if (t := lever_phrase(res, lv, p, swept))]
    text = "no policy (baseline)" if p == 0 else " plus ".join(parts) or res.labels[p]
    return text[0].upper() + text[1:] if capital else text


def toml_levers(res):
    """The experiment's [[policy]] tables, one per lever in /policies order (None if unknown)."""
    pol = res.experiment.get("policy", [])
    return pol if len(pol) == len(res.levers) else [None] * len(res.levers)


# ------------------------------------------------------------------------------------------------
# Numbers behind the page


class Group:
    """Everything the page says about one report region and material group ('all' or one)."""

    def __init__(self, res, material, region):
        self.res, self.material, self.region = res, material, region
        s = lambda m, c: res.stat("summary", material, region, m, c)  # noqa: E731
        d = lambda m, c: res.stat("paired", material, region, m, c)  # noqa: E731
        self.p_short = s("shortage_days", "p_positive")
        self.days = s("shortage_days", "mean")
        self.cvar = s("loss_eur", "cvar95")
        self.cost = s("policy_cost_eur", "mean")
        self.nb, self.nb_lo, self.nb_hi = res.net_benefit(material, region)
        self.avoided = -d("loss_eur", "diff_mean")
        self.extra_cost = d("policy_cost_eur", "diff_mean")
        # Demand given up to high prices (docs/model.md "Demand response"): in the net benefit,
        # valued by the demand curve, not the value of lost load; 0 without a demand response
        # (and absent from files written before it).
        given_up = f"paired/{material}/{region}/demand_given_up_eur"
        self.given_up_avoided = (-d("demand_given_up_eur", "diff_mean") if res.has(given_up)
                                 else 0.0 * self.extra_cost)
        self.recommended = crisp_plot.recommended_set(res, material, region)
        self.best = crisp_plot.best_set(res, material, region)

    @property
    def name(self):
        return f"{self.region} / {'all materials' if self.material == 'all' else self.material}"

    def break_even(self, p):
        """Factor on the value of lost load at which set p's mean net benefit is 0: net benefit
        = k * loss avoided + demand given up avoided - extra policy cost, as loss is linear in it
        (the demand given up is valued by the demand curve, not by it). None: never breaks even
        (it avoids no loss); 0: pays at any value."""
        if self.avoided[p] <= 0:
            # Without loss avoided, only the demand given up can pay for the set, at any value.
            pays = self.avoided[p] == 0 and self.given_up_avoided[p] > self.extra_cost[p]
            return 0.0 if pays else None
        return max(self.extra_cost[p] - self.given_up_avoided[p], 0.0) / self.avoided[p]

    def edge_warnings(self):
        """Swept levers acting on this material whose value in the best set is the largest (or
        the smallest, when that is not 'off') value in the file."""
        res, p, out = self.res, self.best, []
        # A file of crisp optimise holds answers, not a sweep: its Optimum sections say when an
        # answer is at the end of a range.
        if p == 0 or res.has("optimise"):
            return out
        for c in res.swept_columns():
            lever = res.lever_of(c)
            if self.material != "all" and lever.material not in (self.material, "all"):
                continue
            v = res.lever_values(c)
            if np.isnan(v[p]):
                continue
            lo, hi = np.nanmin(v), np.nanmax(v)
            off = res.off_value(c)
            if v[p] == hi:
                out.append(f"\u26a0 {c} = {v[p]:g} is the largest value tried ({lo:g} to "
                           f"{hi:g}): a larger one may be better still; extend the sweep.")
            elif v[p] == lo and lo != off:
                out.append(f"\u26a0 {c} = {v[p]:g} is the smallest value tried ({lo:g} to "
                           f"{hi:g}): a smaller one may be better still; extend the sweep.")
        return out


# ------------------------------------------------------------------------------------------------
# Page sections


def how_to_read(res):
    R = res.R
    years = float(res.attributes.get("horizon_days", 0)) / 365
    return f"""<div class="box"><b>How to read this page.</b> crisp simulated the supply of critical
raw materials {R} times over a {years:g}-year horizon, each time with a different random history
of supply shocks (export restrictions, outages, blocked shipping routes, demand surges). Each
<i>policy set</i> (a stockpile, a domestic refinery, early warning, or a combination) was simulated
on the same {R} histories as the <i>baseline</i> (no policy), so the two can be compared history
by history. <i>Loss</i> is the value of demand that could not be met (tonnes short times the
value of lost load per tonne); <i>policy cost</i> is what the policy costs (buying and holding
stock, building and running a plant, monitoring); both are in million euros, discounted to
today. The <i>net benefit</i> of a policy set is the loss it avoids minus its cost, with a 95 %
interval: when the whole interval is above zero (green) the policy pays for itself with high
confidence; when it straddles zero the simulation cannot tell; when it is below zero (red) it
costs more than it saves. Start with the recommendations, then the comparison tables; the
assumptions behind every number are listed at the end. All figures hold only under the
scenario's assumptions.</div>"""


def contents(res, groups, problems=()):
    items = [(anchor("optimum", p.name), f"Optimum: {p.name}") for p in problems]
    items = ([("brief", "Decision brief")] if res.levers and res.P > 1 else []) + items
    items += [("recommendations", "Recommendations")]
    items += [(anchor("cmp", g.region, g.material), f"Comparison: {g.name}") for g in groups]
    items += [("any-shortage", "The chance of any shortage"), ("figures", "Figures"),
              ("assumptions", "Scenario assumptions"), ("provenance", "Provenance")]
    return ("<nav><b>Contents</b><ul>" + "".join(f'<li><a href="#{esc(i)}">{esc(t)}</a></li>'
                                                 for i, t in items) + "</ul></nav>")


def recommendations(groups):
    rows, classes = [], []
    for g in groups:
        res, swept = g.res, res_swept(g.res)
        r, b = g.recommended, g.best
        rec = (f"#{r} {set_description(res, r, swept)} ({res.labels[r]}): policy cost "
               f"{meur(g.cost[r])}, net benefit {interval(g.nb[r], g.nb_lo[r], g.nb_hi[r])}"
               if r is not None else "none")
        best = (f"#{b} {set_description(res, b, swept)}: net benefit "
                f"{interval(g.nb[b], g.nb_lo[b], g.nb_hi[b])}"
                if b != 0 else "none: no policy set beats the baseline on average")
        warn = "\n".join(g.edge_warnings())
        rows.append([g.name, rec, best, warn])
        classes.append([None, "rec" if r is not None else None, None, "warn" if warn else None])
    return "\n".join([
        '<h2 id="recommendations">Recommendations</h2>',
        "<p><b>Recommended option</b>: the cheapest policy set (lowest mean policy cost for "
        "the region and material) whose net benefit is positive with 95 % confidence (the "
        "lower end of its interval above zero); \"none\" when no set is. <b>Best option</b>: "
        "the highest mean net benefit, however uncertain. <b>Caveat</b>: the best option uses "
        "the largest (or smallest) value tried of some lever, so the true best may lie outside "
        "the range simulated. Money in million EUR, discounted.</p>",
        table(["region / material", "recommended option", "best option", "caveat"], rows,
              classes=classes)])


def voll_ranges(res):
    """Each material's [low, high] value of lost load (value_of_lost_load_range_eur_per_t of the
    experiment as run: docs/values-of-lost-load.md's LOW and HIGH), for those that have one."""
    out = {}
    for m in res.experiment.get("material", []):
        r = m.get("value_of_lost_load_range_eur_per_t")
        if isinstance(r, list) and len(r) == 2:
            out[m.get("name")] = (float(r[0]), float(r[1]))
    return out


def against_range(value, rng):
    """Where a break-even value of lost load (EUR/t) falls against a material's [low, high]."""
    low, high = rng
    if value < low:
        return "below the low value"
    return "above the high value" if value > high else "within the range"


def comparison(g, voll, rng=None):
    """crisp's comparison table for one region and material group, plus the break-even and,
    when the material has a range of values of lost load, where the break-even falls in it."""
    res = g.res
    rows, ids, classes = [], [], []
    for p in range(res.P):
        if p == 0:
            nb, be = "(reference)", ""
        else:
            nb = interval(g.nb[p], g.nb_lo[p], g.nb_hi[p])
            k = g.break_even(p)
            be = "never" if k is None else f"×{k:.3g}"
            if k is not None and voll:
                be += f" ({k * voll / MILLION:.3g} M EUR/t"
                be += f", {against_range(k * voll, rng)})" if rng else ")"
        rows.append([f"#{p} {res.labels[p]}", pct(g.p_short[p]), f"{g.days[p]:.1f}",
                     meur(g.cvar[p]), meur(g.cost[p]), meur(g.avoided[p]) if p else "", nb, be])
        ids.append(anchor(g.region, g.material, f"p{p}"))
        cls = "pos" if p and g.nb_lo[p] > 0 else "neg" if p and g.nb_hi[p] < 0 else None
        classes.append([("rec" if p == g.recommended else None)] + [None] * 5 + [cls, None])
    head = ["policy set", "P(any shortage)", "mean shortage days", "CVaR95 loss",
            "mean policy cost", "mean loss avoided", "net benefit [95 % interval]",
            "break-even value of lost load"]
    return table(head, rows, ids, classes)


def columns_key(voll, ranges=None):
    ranges = ranges or {}
    vtxt = ", ".join(f"{m} {v / MILLION:g} M EUR/t" +
                     (f" (range {ranges[m][0] / MILLION:g} to {ranges[m][1] / MILLION:g})"
                      if m in ranges else "") for m, v in voll.items())
    where = ("" if not ranges else """ Where the material has a range of values of lost load
(<code>value_of_lost_load_range_eur_per_t</code>, the LOW and HIGH of docs/values-of-lost-load.md),
the break-even in EUR/t is placed against it: <i>below the low value</i>, the set pays even at the
LOW value; <i>within the range</i>, whether it pays depends on where in the range the true value
lies; <i>above the high value</i>, it does not pay even at the HIGH value.""")
    return f"""<p class="key"><b>Columns.</b> <i>P(any shortage)</i>: share of histories with at
least one day short. <i>Mean shortage days</i>: days short over the horizon (for all materials:
days when any material is short). <i>CVaR95 loss</i>: mean loss in the worst 5 % of histories.
<i>Net benefit</i>: baseline total cost minus the set's, history by history, with its 95 %
interval (green: clearly positive; red: clearly negative; bold: the recommended option).
<i>Break-even value of lost load</i>: the factor on the assumed value of lost load
({esc(vtxt) or 'per material'}) at which the set's mean net benefit would be zero, computed as
extra policy cost / loss avoided (less, above the line, the value of any demand given up to high
prices that the set avoids: 0 without a demand response). This rests on the loss being proportional to the value of lost
load (docs/model.md: loss = unmet tonnes x value of lost load x discount factor; the value plays
no other part in the simulation, so unmet tonnes and policy costs do not change with it). Below
×1 the set pays for itself even if lost supply is worth less than assumed; above ×1 only if it is
worth more; "never": the set avoids no loss on average. For all materials the factor scales every
material's value of lost load at once; for one material it is also given in M EUR per
tonne.{where}</p>"""


def range_sentence(g, voll, rng):
    """One material's sets grouped by where their break-even value of lost load falls against
    its range (the words of against_range), in a sentence; "" without a range."""
    if not rng or not voll:
        return ""
    by = {}
    for p in range(1, g.res.P):
        k = g.break_even(p)
        if k is not None:
            by.setdefault(against_range(k * voll, rng), []).append(p)
    why = {"below the low value": "they pay even at the low value",
           "within the range": "whether they pay depends on where in the range the value lies",
           "above the high value": "they do not pay even at the high value"}
    parts = [f"{set_list(by[w])} break even {w} ({why[w]})" for w in why if w in by]
    if not parts:
        return ""
    return (f'<p class="range">Against the range of the value of lost load of {esc(g.material)} '
            f"({rng[0] / MILLION:.3g} to {rng[1] / MILLION:.3g} M EUR/t): "
            f"{esc('; '.join(parts))}.</p>")


def sentences(g):
    res, swept = g.res, res_swept(g.res)
    out = ["<ul class=\"sentences\">"]
    for p in range(1, res.P):
        out.append(f"<li><b>#{p}</b> {esc(set_description(res, p, swept))}: costs "
                   f"{meur(g.cost[p])} M EUR, avoids {meur(g.avoided[p])} M EUR of expected "
                   f"losses, net benefit {meur(g.nb[p])} M EUR [{meur(g.nb_lo[p])}, "
                   f"{meur(g.nb_hi[p])}]: {verdict(g.nb_lo[p], g.nb_hi[p])}.</li>")
    return "\n".join(out + ["</ul>"])


def res_swept(res):
    return set(res.swept_columns())


def release_delay(res, lever, p):
    """Days from the trigger to the release of stockpile `lever` in policy set p: its
    `release.delay_days` less the largest `lead_days` of an early warning that is on in p for its
    material and a region it serves, not below 0 (docs/model.md "Policy levers other than
    stockpiles")."""
    pol = res.raw("policies")
    delay = float(pol[f"{lever.name}.release.delay_days"][p])
    served = set(res.member_regions(lever.regions))
    lead = 0.0
    for ew in res.levers:
        if ew.kind != "early_warning" or ew.material not in ("all", lever.material):
            continue
        v = float(pol[f"{ew.name}.lead_days"][p])
        if not math.isnan(v) and served & set(res.member_regions(ew.regions)):
            lead = max(lead, v)
    return max(0.0, delay - lead)


def set_list(sets):
    return ", ".join(f"#{p}" for p in sets)


def shortage_change(g, sets):
    """How P(any shortage) in each of `sets` compares with the baseline's, in words."""
    base = g.p_short[0]
    # p_positive is a count over the same replications divided by R: equal shares are equal
    # doubles, so an exact comparison tells "the same" apart.
    lower = [p for p in sets if g.p_short[p] < base]
    same = [p for p in sets if g.p_short[p] == base]
    higher = [p for p in sets if g.p_short[p] > base]
    parts = []
    if lower:
        low = min(lower, key=lambda p: g.p_short[p])
        lowest = f"{pct(g.p_short[low])}" if len(lower) == 1 else \
            f"lowest {pct(g.p_short[low])} with #{low}"
        parts.append(f"lower in {len(lower)} ({set_list(lower)}: {lowest})")
    if same:
        parts.append(f"the same in {len(same)} ({set_list(same)})")
    if higher:
        parts.append(f"higher in {len(higher)} ({set_list(higher)})")
    return ", ".join(parts), lower


def stockpile_mechanism(res, lever, trigger, g, on, lower):
    """Why the stockpile does or does not lower P(any shortage), for the sets where the reason
    applies: only a shortfall trigger with a release delay leaves the first days short."""
    if trigger == "supply_drop":
        return (" Its <code>supply_drop</code> trigger releases on a drop in supply, before "
                "users go short, so it can lower the chance itself.")
    if trigger != "shortfall":
        return ""
    waits = [p for p in on if release_delay(res, lever, p) > 0]
    prompt = [p for p in on if p not in waits]
    others = [lv for lv in res.levers if lv is not lever]
    swept = res_swept(res)
    out = ""
    if waits:
        # Lower there only through another lever of the set: then the claim is about the
        # stockpile alone and says so.
        alone_lower = [p for p in waits if p in lower
                       and not any(lever_phrase(res, lv, p, swept) for lv in others)]
        if not alone_lower:
            lo, hi = min(release_delay(res, lever, p) for p in waits), \
                max(release_delay(res, lever, p) for p in waits)
            dtxt = num(lo) if lo == hi else f"{num(lo)} to {num(hi)}"
            alone = [p for p in waits
                     if not any(lever_phrase(res, lv, p, swept) for lv in others)]
            pick = max(alone or waits, key=lambda p: g.days[0] - g.days[p])
            also = " (where it is lower there, another lever of the set acts first)" \
                if any(p in lower for p in waits) else ""
            out += (f" In {set_list(waits)} its release waits {dtxt} days after the trigger, "
                    "and the <code>shortfall</code> trigger fires only when a user it serves has "
                    "run dry and is already short, so the first days short still happen: there "
                    f"the stockpile cannot lower the chance{also}. What it does is make "
                    "shortages shorter and "
                    f"shallower: mean shortage days go from {g.days[0]:.1f} to "
                    f"{g.days[pick]:.1f} with #{pick}.")
    if prompt:
        out += (f" In {set_list(prompt)} its release has no delay (none is set, or early "
                "warning's lead covers it): it starts the moment a user's buffer runs dry, so "
                "while its stock and release rate cover the gap no demand goes unmet, and the "
                "chance can fall.")
    return out


def any_shortage(res, groups_by_key):
    """P(any shortage) with and without each stockpile, and why it moves or stays."""
    out = ['<h2 id="any-shortage">The chance of any shortage</h2>',
           "<p><i>P(any shortage)</i> in the tables above is the share of simulated histories "
           "with at least one day on which some demand goes unmet. Levers that act before a "
           "shortage (early warning, a <code>supply_drop</code> trigger, a domestic refinery, "
           "diversification) can lower it. A strategic stockpile with the "
           "<code>shortfall</code> release trigger is released only when a user it serves has "
           "run dry; whether it lowers the chance depends on its release delay. Below, for "
           "each stockpile of this run, what the numbers show and why.</p>"]
    for lever, spec in zip(res.levers, toml_levers(res)):
        if lever.kind != "stockpile":
            continue
        # Without the experiment's table the trigger is unknown, and so is the mechanism.
        trigger = ((spec.get("release") or {}).get("trigger", "shortfall")
                   if spec is not None else None)
        on = [p for p in range(1, res.P) if lever_phrase(res, lever, p, res_swept(res))]
        if not on:
            continue
        for region in lever.regions:
            g = groups_by_key.get((region, lever.material))
            if g is None:
                continue
            change, lower = shortage_change(g, on)
            ttxt = f", release trigger <code>{esc(trigger)}</code>" if trigger else ""
            out.append(f"<p>In this run ({esc(lever.name)}{ttxt}): for {esc(lever.material)} "
                       f"in {esc(region)}, P(any shortage) is {pct(g.p_short[0])} without "
                       f"policy; of the {len(on)} policy set{'s' if len(on) > 1 else ''} "
                       f"with this stockpile it is {change}."
                       f"{stockpile_mechanism(res, lever, trigger, g, on, lower)}</p>")
    # The chance per policy set, side by side for every material group of each region.
    for region in res.regions():
        gs = [g for (r, _), g in groups_by_key.items() if r == region]
        if not gs:
            continue
        rows = [[f"#{p} {res.labels[p]}"] + [pct(g.p_short[p]) for g in gs] for p in range(res.P)]
        out.append(f"<h3>P(any shortage) per policy set, {esc(region)}</h3>" +
                   table(["policy set"] + [g.name for g in gs], rows))
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------
# crisp optimise: one "Optimum" section per [[optimise]] problem


def money(x):
    """Euros in a sentence: '1.21 M EUR' (meur's rounding)."""
    return f"{meur(x)} M EUR"


def stat_num(x):
    """A constraint's statistic or bound: 4 significant digits (as crisp show prints them)."""
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.4g}"


def quantity(prob, x):
    """A value of the problem's objective metric in words: money in M EUR, else with its unit."""
    if prob.euros():
        return money(x)
    unit = prob.res.units(f"metrics/{prob.material}/{prob.region}/{prob.metric}")
    return f"{stat_num(x)} {unit}".strip()


def variable_range(prob, i):
    res, v = prob.res, prob.variables
    key, kind = v["key"][i], v["kind"][i]
    if kind == "choice":
        span = f"one of {v['values'][i]}"
    else:
        span = (f"{'an integer ' if kind == 'integer' else ''}from {v['min'][i]:g} to "
                f"{v['max'][i]:g}")
    return f"{crisp_plot.field_label(res, key)}: {span}"


def size_phrase(res, key, value, policy_set):
    """A stockpile size in physical units (None for any other variable): days of demand, tonnes,
    what buying and holding it costs."""
    size = res.stockpile_size(key, value, policy_set)
    if size is None:
        return None
    lever = res.lever_of(key)
    regions = "+".join(lever.regions)
    if not np.isfinite(size["tonnes"]) or size["tonnes"] <= 0:
        return (f"no {esc(lever.material)} stockpile for {esc(regions)} ({esc(key)} = "
                f"{value:g})")
    return (f"a {esc(lever.material)} stockpile for {esc(regions)} of "
            f"<b>{num(size['days'])} days</b> of demand: <b>{num(size['tonnes'])} t</b> "
            f"(day-0 demand of {esc(regions)}: {num(size['demand_tpy'])} t a year), which costs "
            f"<b>{money(size['buy_eur'])}</b> to buy at the base price of "
            f"{size['price']:,.0f} EUR/t and <b>{money(size['hold_eur_per_year'])} a year</b> "
            f"to hold ({num(100 * size['holding_rate'])} % of its value a year)")


def policy_phrase(prob, row):
    """The policy of answers row `row` in words, one part per variable."""
    res, a = prob.res, prob.answers
    ps = int(a["policy_set"][row])
    parts = []
    for key in prob.keys:
        v = a[key][row]
        parts.append(size_phrase(res, key, v, ps) or
                     f"{esc(crisp_plot.field_label(res, key))} = {num(v)}")
    return "; ".join(parts)


def edge_notes(prob, row):
    """A ranged variable at an end of its range: the best may lie beyond it."""
    out, v, a = [], prob.variables, prob.answers
    for i, key in enumerate(prob.keys):
        if v["kind"][i] == "choice":
            continue
        lo, hi, x = v["min"][i], v["max"][i], a[key][row]
        tol = 1e-6 * max(hi - lo, 1e-12)
        # No lever field is negative, and a field whose range has an upper end of its meaning (a
        # share's 1: the file's column_range "in [0, 1]", not ">= 0") ends there: an end there
        # is no range to widen.
        info = prob.res.column_info.get(key, {})
        bound = info["max"] if info.get("range", "").startswith("in ") else None
        for end, word, more, limit in ((hi, "upper", "larger", bound),
                                       (lo, "lower", "smaller", 0.0)):
            if abs(x - end) <= tol and end != limit:
                out.append(f"\u26a0 {esc(key)} = {x:g} is at the {word} end of its range "
                           f"({lo:g} to {hi:g}): a {more} value may be better still; widen the "
                           "range.")
    return out


def constraint_items(prob, row):
    """Each constraint at answers row `row`: its estimate, interval, one-sided bound, verdict."""
    c, a, out = prob.constraints, prob.answers, []
    if c is None:
        return out
    for j, label in enumerate(c["label"]):
        k = f"c{j + 1}_"
        est, lo, hi = a[k + "estimate"][row], a[k + "ci95_lo"][row], a[k + "ci95_hi"][row]
        one, bound, met = a[k + "one_sided95"][row], c["bound"][j], a[k + "met"][row] > 0
        at_most = c["sense"][j] == "at_most"
        side = "upper" if at_most else "lower"
        if met == (one <= bound if at_most else one >= bound):  # crisp's rule, in words
            where_ = ("within" if met else "beyond") + f" the limit {stat_num(bound)}"
        else:  # the flag is crisp's word; do not claim a comparison it did not make
            where_ = f"limit {stat_num(bound)}"
        out.append(f"{esc(label)}: estimated <b>{stat_num(est)}</b> [{stat_num(lo)}, "
                   f"{stat_num(hi)}]; one-sided 95 % {side} bound {stat_num(one)}, {where_}: "
                   f"<b>{'met' if met else 'not met'} at 95 % confidence</b>.")
    return out


def answer_table(prob, rows, first_col):
    """Answers rows as a table: the variables, objective, net benefit and constraints."""
    res, a, c = prob.res, prob.answers, prob.constraints
    n_con = 0 if c is None else len(c["label"])
    head = [first_col] + [crisp_plot.field_label(res, k) for k in prob.keys]
    head += [f"mean {crisp_plot.METRIC_TITLES.get(prob.metric, prob.metric)}"
             + (", M EUR" if prob.euros() else "") + " [95 % interval]",
             "net benefit, M EUR [95 % interval]"]
    head += [f"constraint {j + 1} [95 % interval]" for j in range(n_con)]
    head += ["confirmed"] if n_con else []
    body = []
    for first, r in rows:
        if r < 0:
            body.append([first] + ["no policy in the ranges meets it"] +
                        [""] * (len(head) - 2))
            continue
        f = (lambda x: meur(x)) if prob.euros() else stat_num  # noqa: E731
        cells = [first] + [num(a[k][r]) for k in prob.keys]
        cells.append(f"{f(a['objective_mean'][r])} [{f(a['objective_ci95_lo'][r])}, "
                     f"{f(a['objective_ci95_hi'][r])}]")
        cells.append(interval(a["net_benefit_mean"][r], a["net_benefit_ci95_lo"][r],
                              a["net_benefit_ci95_hi"][r]))
        for j in range(n_con):
            k = f"c{j + 1}_"
            cells.append(f"{stat_num(a[k + 'estimate'][r])} [{stat_num(a[k + 'ci95_lo'][r])}, "
                         f"{stat_num(a[k + 'ci95_hi'][r])}] "
                         f"{'met' if a[k + 'met'][r] > 0 else 'not met'}")
        if n_con:
            cells.append("yes" if a["confirmed"][r] > 0 else "no")
        body.append(cells)
    return table(head, body)


def optimum(res, prob, paths):
    """The section of one [[optimise]] problem."""
    row, a = prob.row, prob.answers
    name, status = prob.name, row["status"]
    R_s, R_e = int(row["search_replications"]), int(row["evaluation_replications"])
    metric_words = crisp_plot.METRIC_TITLES.get(prob.metric, prob.metric)
    goal = (f"maximise the net benefit (the baseline's total cost less the policy's; the same "
            f"policy minimises the mean {metric_words})" if prob.maximise
            else f"minimise the mean {metric_words}")
    out = [f'<h2 id="{anchor("optimum", name)}">Optimum: {esc(name)}</h2>',
           f"<p>Problem <b>{esc(name)}</b>: {goal} for {esc(prob.where())}, choosing "
           + "; ".join(esc(variable_range(prob, i)) for i in range(len(prob.keys)))
           + ("" if prob.constraints is None else ", subject to "
              + " and ".join(esc(x) for x in prob.constraints["label"])) + ".</p>"]
    shown = prob.shown_row
    if status == "infeasible":
        out.append(f'<p class="box"><b>No policy in the ranges meets the constraints</b>: none '
                   f"of the {int(row['points_searched'])} points searched met them on the "
                   f"search sample of {R_s} histories. The closest is "
                   + (policy_phrase(prob, shown) if shown >= 0 else "not known") + ".</p>")
    else:
        verdict_ = ("<b>Optimum</b>" if status == "optimal" else
                    "<b>Best policy found, not confirmed</b>")
        text = f'<p class="box">{verdict_}: {policy_phrase(prob, shown)}.'
        if status == "not confirmed":
            failed = [prob.constraints["label"][j] for j in range(len(prob.constraints["label"]))
                      if a[f"c{j + 1}_met"][shown] <= 0]
            text += (f" It met the constraints on the search sample of {R_s} histories, but "
                     + " and ".join(esc(x) for x in failed)
                     + f" is not met at 95 % confidence on the {R_e} fresh histories.")
        elif prob.constraints is not None:
            text += (f" It meets every constraint at 95 % confidence on {R_e} fresh "
                     "histories.")
        out.append(text + "</p>")
    if shown >= 0:
        which = "It" if status != "infeasible" else "The closest"
        items = [f"{which} was judged on {R_e} fresh histories, independent of the search: mean "
                 f"{esc(metric_words)} <b>{quantity(prob, a['objective_mean'][shown])}</b> "
                 f"[{quantity(prob, a['objective_ci95_lo'][shown])}, "
                 f"{quantity(prob, a['objective_ci95_hi'][shown])}] (on the search sample: "
                 f"{quantity(prob, a['search_objective'][shown])}).",
                 f"Net benefit (the baseline's total cost less this policy's, history by "
                 f"history): <b>{money(a['net_benefit_mean'][shown])}</b> "
                 f"[{meur(a['net_benefit_ci95_lo'][shown])}, "
                 f"{meur(a['net_benefit_ci95_hi'][shown])}]: "
                 f"{verdict(a['net_benefit_ci95_lo'][shown], a['net_benefit_ci95_hi'][shown])}."]
        items += constraint_items(prob, shown)
        items += edge_notes(prob, shown)
        out.append('<ul class="sentences">' + "".join(f"<li>{x}</li>" for x in items) + "</ul>")
    gap_n = int(row["gap_batches"])
    if gap_n > 0 and np.isfinite(row["gap_mean"]):
        out.append(f"<p><b>Optimality gap</b> (how much better the best policy in the ranges "
                   f"could be than the one chosen, estimated by solving the problem again on "
                   f"{gap_n} independent samples of {R_s} histories): "
                   f"{quantity(prob, row['gap_mean'])} on average, at most "
                   f"<b>{quantity(prob, row['gap_upper95'])}</b> with 95 % confidence "
                   "(one-sided).</p>")
    else:
        out.append("<p><b>Optimality gap</b>: not estimated "
                   + ("(no policy was chosen)." if status == "infeasible" else
                      "(gap_batches = 0).") + "</p>")
    years = {k: float(row[f"replication_years_{k}"])
             for k in ("search", "evaluation", "gap", "frontier")}
    out.append(f"<p><b>Work</b>: {int(row['points_searched'])} points searched on {R_s} "
               f"histories (seed {int(row['search_seed'])}), the answers judged on {R_e} fresh "
               f"histories (seed {int(row['evaluation_seed'])}); simulated replication-years: "
               + ", ".join(f"{k} {v:,.0f}" for k, v in years.items())
               + f", in all {sum(years.values()):,.0f}.</p>")
    answers = prob.answer_rows("answer")
    if len(answers) > 1:
        out.append("<h3>The best policy of each combination of the choice variables</h3>" +
                   answer_table(prob, [(f"#{int(a['policy_set'][r])}"
                                        + (" (chosen)" if a["chosen"][r] > 0 else ""), r)
                                       for r in answers], "policy set"))
    points = crisp_plot.frontier_points(prob)
    if points:
        j = crisp_plot.frontier_constraint(prob)
        out.append("<h3>Cost-risk frontier</h3><p>The problem solved again for each bound of "
                   f"{esc(prob.constraints['label'][j].rsplit(' ', 2)[0])}: the best policy that "
                   "meets it on the search sample, judged on the fresh histories (money in "
                   "million EUR).</p>")
        rows = [(b, f"{b:g}", r) for b, r, _ in points]
        own, chosen = prob.constraints["bound"][j], int(row["chosen_row"])
        if chosen >= 0 and not any(np.isclose(b, own) for b, _, _ in points):
            rows.append((own, f"{own:g} (the problem's own)", chosen))
        out.append(answer_table(prob, [(t, r) for _, t, r in sorted(rows)], "bound"))
        missing = [(b, c) for b, r, c in points if r < 0]
        for b, c in missing:
            out.append(f"<p>Bound {b:g}: no policy in the ranges meets it on the search sample"
                       + (f"; the closest is {policy_phrase(prob, c)}." if c >= 0 else ".")
                       + "</p>")
    for kind, caption in (
            ("search", "Every policy the search tried, on the search sample: the objective "
                       "against each variable with a range (one colour per combination of the "
                       "choice variables; hollow: a constraint failed there), the answer "
                       "starred."),
            ("frontier", "The cost-risk frontier: the best policy for each bound of the "
                         "constraint, with its objective and net benefit on the fresh histories "
                         "(95 % intervals); red: not met at 95 % confidence; grey: met by no "
                         "policy (the closest shown).")):
        path = paths.get(f"optimise {name} {kind}")
        if path:
            out.append(figure(path, f"optimise {name} {kind}", caption))
    return "\n".join(out)


def figure(path, alt, caption):
    with open(path, "rb") as fh:
        data = base64.b64encode(fh.read()).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def figures(res, paths):
    material, region = crisp_plot.defaults(res)
    captions = {
        "frontier": "Each point is a policy set: its mean policy cost (across) against its loss "
                    "from unmet demand (up), on average (left) and in the worst 5 % of histories "
                    "(right). Blue diamonds are efficient: no cheaper set has a lower loss. The "
                    "choice among them is a matter of how much risk reduction is worth paying "
                    "for.",
        "unmet": "How much demand goes unmet over the horizon in each policy set, across the "
                 "simulated histories (one panel per material a lever acts on).",
        "response": "How the chosen metric changes, compared with no policy, as each policy "
                    "lever is turned up, with the other levers fixed as the legend says.",
        "tornado": "Which scenario assumptions move the results most: each parameter is scaled "
                   "down and up in turn, everything else as given.",
    }
    out = [f'<h2 id="figures">Figures: {esc(region)}, '
           f"{'all materials' if material == 'all' else esc(material)}</h2>",
           "<p class=\"key\">Figures for another region or material: <code>scripts/plot FILE.h5 "
           "--region R --material M</code>.</p>"]
    for kind, path in paths.items():
        if kind.startswith("optimise "):  # in the Optimum sections
            continue
        cap = captions.get(kind) or ("Sampled trajectories of the strategic stock and of unmet "
                                     "demand over time: median and bands across histories.")
        out.append(figure(path, kind, cap))
    return "\n".join(out)


def assumptions(res):
    a, x = res.attributes, res.experiment
    ex = x.get("experiment", {})
    horizon = float(a.get("horizon_days", float("nan")))
    rows = [["experiment", ex.get("name", "")],
            ["horizon", f"{horizon:g} days ({horizon / 365:g} years)"],
            ["replications (simulated histories per policy set)", a.get("replications")],
            ["seed", a.get("seed")],
            ["discount rate", f"{100 * ex.get('discount_rate', 0.0225):g} % per year"],
            ["report regions", ", ".join(res.regions())]]
    out = ['<h2 id="assumptions">Scenario assumptions</h2>', kv_table(rows)]
    mats = x.get("material", [])
    if mats:
        out += ["<h3>Materials</h3>", table(
            ["material", "base price (EUR/t)", "value of lost load (EUR/t)"],
            [[m.get("name"), f"{m.get('price_eur_per_t', float('nan')):,.0f}",
              f"{m.get('value_of_lost_load_eur_per_t', float('nan')):,.0f}"] for m in mats])]
    if res.has("scenario/shocks"):
        t = res.raw("scenario/shocks")
        if len(t):
            names = list(t.dtype.names)
            cells = [[_cell(row[n]) for n in names] for row in t]
            out += ["<h3>Shocks</h3><p class=\"key\">Random supply shocks drawn in every "
                    "history: how often (rate per year, Poisson arrivals), how long (days) and "
                    "how severe (share of supply cut, or of demand added).</p>",
                    table([n.replace("_", " ") for n in names], cells)]
    swept = res_swept(res)
    rows = []
    for c in res.lever_columns:
        v = res.lever_values(c)
        vals = sorted(set(v[~np.isnan(v)].tolist()))
        rows.append([c, "swept" if c in swept else "fixed", ", ".join(f"{u:g}" for u in vals)])
    if rows:
        out += ["<h3>Policy levers</h3><p class=\"key\">Every lever parameter and the values "
                "the policy sets take (an off lever counts as 0, or 1 for a country-share "
                "cap).</p>", table(["lever parameter", "", "values"], rows)]
    return "\n".join(out)


def _cell(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else f"{v:g}"
    return str(v)


def provenance(res):
    a = res.attributes
    rows = [[k, a.get(k, "")] for k in ("crisp_version", "git_commit", "created_utc",
                                         "command_line", "format_version")]
    rows.append(["results file", os.path.abspath(res.path)])
    return ('<h2 id="provenance">Provenance</h2>' + kv_table(rows) +
            "<details><summary>The experiment file as run (rerunning it with this crisp version "
            "and seed reproduces every number)</summary><pre>" +
            esc(a.get("experiment_toml", "")) + "</pre></details>")


# ------------------------------------------------------------------------------------------------
# The one-page decision brief: for each lever family (a [[policy]] table: one kind, region and
# material), which of the sets where it alone is on is the answer, its size, its net benefit,
# how robust it is, what flips it. Every number is a <span class="v"> whose tooltip names the
# dataset it comes from, or how it is computed from named ones; data-dataset / data-toml / data-calc
# say the same for tests/cli/brief.sh, which checks each number against the file.

# The verb of a lever kind's decision, and the thing decided, in words.
BRIEF_VERBS = {"stockpile": "buy", "refining": "build", "recycling": "build",
               "diversification": "adopt", "early_warning": "fund"}
# Words and units of the fields a futures parameter may scale (docs/model.md "Sensitivity").
PARAM_WORDS = {
    "value_of_lost_load_eur_per_t": ("value of lost load", "EUR/t"),
    "price_eur_per_t": ("price", "EUR/t"),
    "demand_tpy": ("demand", "t/yr"),
    "capacity_tpy": ("capacity", "t/yr"),
    "rate_per_year": ("rate", "a year"),
    "duration_days": ("duration", "days"),
    "severity": ("severity", ""),
    "extra_delay_days": ("extra delay", "days"),
    "licence_delay_days": ("licence delay", "days"),
    "leakage": ("leakage", ""),
    "growth_per_year": ("demand growth", "a year"),
    "capex_eur_per_tpy": ("capex", "EUR per t/yr"),
    "opex_premium_eur_per_t": ("opex premium", "EUR/t"),
    "opex_eur_per_t": ("opex", "EUR/t"),
    "cost_per_year": ("cost", "EUR a year"),
    "holding_cost_per_year": ("holding cost", "of value a year"),
}
DEFAULT_DISCOUNT_RATE = 0.0225  # README.md "Experiment file reference": [experiment] discount_rate
BRIEF_ROBUST_SHARE = 0.5  # "buy/build": pays with 95 % confidence in at least half the futures


def _src_span(shown, title, **data):
    attrs = "".join(f' data-{k}="{esc(v)}"' for k, v in data.items())
    return f'<span class="v" title="{esc(title)}"{attrs}>{esc(shown)}</span>'


def src(text, dataset, column, row, negate=False):
    """A number read from row `row` of table `dataset`, column `column` (negated: minus it)."""
    title = f"{'minus ' if negate else ''}{dataset} {column}, row {row}"
    return _src_span(text, title, dataset=f"{dataset}|{column}|{row}|{'-' if negate else '+'}")


def toml_src(text, table, name, field, default=None):
    """A number of the experiment as run (root attribute experiment_toml): [[table]] `name`'s
    `field` ([table] itself when name is None); `default`: crisp's default, the key being absent."""
    where = (f"[{table}] {field}" if name is None else
             f"[[{table}]] number {int(name[1:]) + 1} {field}" if name.startswith("#") else
             f"[[{table}]] {name} {field}")
    title = f"experiment_toml {where}" + (f" (absent: crisp's default {default:g})"
                                         if default is not None else "")
    return _src_span(text, title, toml=f"{table}|{name or ''}|{field}")


def calc(text, how, key):
    """A number computed from numbers of the file: `how` says from which."""
    return _src_span(text, how, calc=key)


def qty(x, unit=""):
    """A physical quantity: 3 significant digits, whole numbers from 1 000 with thousands
    separators, money from a million in M EUR."""
    if not np.isfinite(x):
        return "n/a"
    if unit.startswith("EUR") and abs(x) >= 1e6:
        return f"{_sig(x / 1e6)} M {unit}"
    return f"{_sig(x)} {unit}".strip()


def _sig(v):
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    s = f"{v:.3g}"
    return f"{v:.6f}".rstrip("0").rstrip(".") if "e" in s else s


def mny(x, unit=True):
    """Money in the brief: M EUR to 3 significant digits (0 below half a euro: rounding noise)."""
    if not np.isfinite(x):
        return "n/a"
    return ("0" if abs(x) < 0.5 else _sig(x / 1e6)) + (" M EUR" if unit else "")


def _index(x):
    """A sensitivity index (a share of variance) to 2 decimals."""
    return f"{x:.2f}" if np.isfinite(x) else "n/a"


def shr(x):
    """A share as a percentage, 3 significant digits."""
    return "n/a" if not np.isfinite(x) else f"{100 * x:.3g} %"


def _plain_text(b):
    return b.decode("utf-8") if isinstance(b, bytes) else str(b)


def _rows_of(table, column, value):
    return [i for i in range(len(table)) if _plain_text(table[column][i]) == str(value)
            or (not isinstance(table[column][i], bytes) and table[column][i] == value)]


class Brief:
    """What the brief needs of a results file, read once."""

    def __init__(self, res):
        self.res = res
        pol = res.raw("policies")
        self.on = {lv.name: ~np.all(np.isnan(np.array([pol[c].astype(float)
                                                       for c in lv.columns])), axis=0)
                   for lv in res.levers}
        self.futures = res.has("futures/robustness") and res.has("futures/settings")
        if self.futures:
            s = res.raw("futures/settings")[0]
            self.region, self.material = _plain_text(s["region"]), _plain_text(s["material"])
            self.judged = int(s["futures_judged"])
            self.judged_over = _plain_text(s["judged_over"])
            self.rob = res.raw("futures/robustness")
        self.discovery = res.has("discovery/histories")

    def region_of(self, lever):
        """The region whose net benefit answers the lever's decision: the futures' region, else
        the lever's own where it is a report region, else the first report region holding it."""
        if self.futures:
            return self.region
        regions = self.res.regions()
        for r in lever.regions:
            if r in regions:
                return r
        members = set(self.res.member_regions(lever.regions))
        for r in regions:
            if members <= set(self.res.member_regions([r])):
                return r
        return regions[0]

    def alone(self, lever):
        """Policy sets where this lever alone is on, one per distinct option: a grid repeats a
        set when it sweeps a field of a lever that is off (activation_days of a refinery of
        capacity 0), and those sets are the same policy (the first one stands for them)."""
        pol, seen, out = self.res.raw("policies"), set(), []
        for p in range(1, self.res.P):
            if not self.on[lever.name][p] or any(self.on[o.name][p] for o in self.res.levers
                                                 if o is not lever):
                continue
            option = tuple(repr(float(pol[c][p])) for c in lever.columns)
            if option not in seen:
                seen.add(option)
                out.append(p)
        return out

    def rob_row(self, p):
        rows = [i for i in range(len(self.rob)) if int(self.rob["policy"][i]) == p]
        return rows[0] if rows else None


def _lever_value(res, lever, field, p):
    """(value, /policies column) of a lever field in set p; (nan, None) when not stored."""
    col = f"{lever.name}.{field}"
    if col not in res.lever_columns:
        return float("nan"), None
    return float(res.raw("policies")[col][p]), col


def _pol(res, lever, field, p, fmt):
    v, col = _lever_value(res, lever, field, p)
    return (src(fmt(v), "/policies", col, p) if col and np.isfinite(v) else None), v


def _demand(res, material, regions):
    d = res.day0_demand_tpy(material, regions)
    who = "+".join(regions)
    return d, calc(qty(d, "t/yr"), f"sum of /scenario/nodes demand_tpy over the consumers of "
                   f"{material} in {who} (day 0)", f"demand|{material}|{who}")


def _regions_words(lever):
    return "+".join(lever.regions) or "its regions"


def _mat_words(lever):
    return "every material" if lever.material == "all" else lever.material


def brief_object(res, lever, p, sets=()):
    """The option of set p for this lever, in words, its numbers traced; with the value of each
    other field that differs between the options `sets` ("release delay days 8")."""
    text = _brief_object(res, lever, p)
    pol, extra = res.raw("policies"), []
    for c in lever.columns:
        field = lever.field(c)
        vals = {float(pol[c][q]) for q in sets if np.isfinite(pol[c][q])}
        if res.off_value(c) is not None or len(vals) < 2 or not np.isfinite(pol[c][p]):
            continue
        extra.append(f"{esc(field.replace('.', ' ').replace('_', ' '))} "
                     f"{src(f'{float(pol[c][p]):g}', '/policies', c, p)}")
    return text + (f" ({', '.join(extra)})" if extra else "")


def _brief_object(res, lever, p):
    mat, regions = _mat_words(lever), _regions_words(lever)
    k = lever.kind
    if k == "stockpile":
        # Its size in the unit it is given in: the on/off field in use, days or another unit.
        size = ""
        for c in lever.columns:
            unit = res.unit_of(c)
            shown = (lambda v: f"{v:g}") if unit == "days" else (lambda v, u=unit: qty(v, u))
            text, _ = _pol(res, lever, lever.field(c), p, shown) \
                if res.off_value(c) is not None else (None, None)
            if text:
                size = f"{text}-day " if unit == "days" else f"{text} "
                break
        return f"a {size}{esc(mat)} stockpile for {esc(regions)}"
    if k == "refining":
        cap, _ = _pol(res, lever, "capacity_tpy", p, lambda v: qty(v, "t/yr"))
        return f"a {cap} {esc(mat)} refinery in {esc(regions)}"
    if k == "recycling":
        rate, _ = _pol(res, lever, "rate", p, shr)
        return f"recycling {rate} of {esc(regions)}'s {esc(mat)} demand"
    if k == "early_warning":
        lead, _ = _pol(res, lever, "lead_days", p, lambda v: f"{v:g}")
        return f"{lead} days of early warning for {esc(regions)} ({esc(mat)})"
    if k == "diversification":
        cap, _ = _pol(res, lever, "max_country_share", p, shr)
        return f"a cap of {cap} on one supplier country's share of {esc(mat)} for {esc(regions)}"
    return esc(lever.name)


def brief_generic(lever):
    mat, regions = esc(_mat_words(lever)), esc(_regions_words(lever))
    return {"stockpile": f"a {mat} stockpile for {regions}",
            "refining": f"a {mat} refinery in {regions}",
            "recycling": f"{mat} recycling in {regions}",
            "early_warning": f"early warning for {regions} ({mat})",
            "diversification": f"a supplier-country cap on {mat} for {regions}"}.get(
                lever.kind, esc(lever.name))


def _annuity(res, capex_total, lifetime):
    """Yearly capex annuity at the experiment's discount rate (docs/model.md "Policy levers
    other than stockpiles"), with the rate's traced text."""
    ex = res.experiment.get("experiment", {})
    r = float(ex.get("discount_rate", DEFAULT_DISCOUNT_RATE))
    rtxt = toml_src(shr(r), "experiment", None, "discount_rate",
                    None if "discount_rate" in ex else DEFAULT_DISCOUNT_RATE)
    a = capex_total / lifetime if r == 0 else capex_total * r / (1 - (1 + r) ** -lifetime)
    return a, rtxt


def brief_size(res, lever, p):
    """The option's size in physical units and what it costs to buy, hold or run (a list of
    phrases)."""
    k, out = lever.kind, []
    mat, regions = lever.material, lever.regions
    if k == "stockpile":
        # The size in the unit the option gives it in: the field, of two alternatives, it uses.
        col = next((c for c in lever.columns
                    if res.alternative_of(c) and np.isfinite(res.raw("policies")[c][p])), None)
        if col is None:
            return out
        s = res.stockpile_size(col, float(res.raw("policies")[col][p]), p)
        _, dtxt = _demand(res, mat, regions)
        by_days = res.unit_of(col) == "days"
        field = res.field_of(col)
        days = src(f"{s['days']:g}", "/policies", col, p) if by_days else calc(
            qty(s["days"], "days"), f"{field} (/policies {col}) / demand x 365", "stock_days")
        tonnes = calc(qty(s["tonnes"], "t"), f"{field} (/policies {col}) x demand / 365",
                      "stock_t") if by_days else src(qty(s["tonnes"], "t"), "/policies", col, p)
        price = toml_src(qty(s["price"], "EUR/t"), "material", mat, "price_eur_per_t")
        out.append(f"{days} days of {esc('+'.join(regions))}'s demand "
                   f"({dtxt}) = {tonnes}")
        out.append(f"{calc(mny(s['buy_eur']), 'tonnes x price_eur_per_t', 'buy_eur')} to buy at "
                   f"{price}")
        rate, _ = _pol(res, lever, "holding_cost_per_year", p, shr)
        if rate:
            hold = calc(mny(s["hold_eur_per_year"]), "EUR to buy x holding_cost_per_year",
                        "hold_eur")
            out.append(f"{hold} a year to hold ({rate} of its value a year)")
        return out
    if k in ("refining", "recycling"):
        demand, dtxt = _demand(res, mat, regions)
        if k == "refining":
            cap_txt, cap = _pol(res, lever, "capacity_tpy", p, lambda v: qty(v, "t/yr"))
            out.append(f"{cap_txt} of capacity; {esc('+'.join(regions))}'s demand {dtxt}")
            tpy_cap = cap
        else:
            rate_txt, rate = _pol(res, lever, "rate", p, shr)
            tpy_cap = rate * demand
            out.append(f"{rate_txt} of {esc('+'.join(regions))}'s demand ({dtxt}) = "
                       f"{calc(qty(tpy_cap, 't/yr'), 'rate x demand', 'recycled_tpy')}")
        capex_txt, capex = _pol(res, lever, "capex_eur_per_tpy", p, lambda v: qty(v, "EUR"))
        life_txt, life = _pol(res, lever, "lifetime_years", p, lambda v: f"{v:g}")
        exp_txt, exponent = _pol(res, lever, "capex_scale_exponent", p, lambda v: f"{v:g}")
        ref_txt, reference = _pol(res, lever, "capex_reference_tpy", p,
                                  lambda v: qty(v, "t/yr"))
        if capex_txt and capex > 0:
            scaled = exp_txt is not None and np.isfinite(exponent) and exponent != 1
            if not scaled:
                total = capex * tpy_cap
                how = "capex_eur_per_tpy x capacity"
            else:
                # docs/model.md "Economies of scale in plant capex": each plant (a recycling
                # lever's one per region) scaled from the reference plant by the exponent.
                caps = [tpy_cap] if k == "refining" else \
                    [rate * res.day0_demand_tpy(mat, [g]) for g in regions]
                total = sum(capex * reference * (c / reference) ** exponent for c in caps)
                how = ("capex_eur_per_tpy x capex_reference_tpy x (capacity / "
                       "capex_reference_tpy)^capex_scale_exponent"
                       + (", summed over the regions' plants" if len(caps) > 1 else ""))
            out.append(f"{calc(mny(total), how, 'capex_eur')} to build ({capex_txt} per t/yr"
                       + (f" at a {ref_txt} plant, scale exponent {exp_txt}" if scaled else "")
                       + ")")
            if life_txt and life > 0:
                a, rtxt = _annuity(res, total, life)
                atxt = calc(mny(a), "capex annuity over lifetime_years at discount_rate",
                            "annuity_eur")
                out.append(f"{atxt} a year of capex annuity ({life_txt} years at {rtxt})")
        opex_field = "opex_premium_eur_per_t" if k == "refining" else "opex_eur_per_t"
        opex_txt, opex = _pol(res, lever, opex_field, p, lambda v: qty(v, "EUR/t"))
        if opex_txt and opex > 0:
            shipped = min(tpy_cap, demand) if k == "refining" else tpy_cap
            otxt = calc(mny(opex * shipped), f"{opex_field} x min(capacity, demand)", "opex_eur")
            out.append(f"up to {otxt} a year to run ({opex_txt} on each tonne it ships)")
        standby_txt, standby = _pol(res, lever, "standby_cost_per_year", p, mny)
        if standby_txt and standby > 0:
            out.append(f"a fixed {standby_txt} a year while on standby")
        return out
    if k == "early_warning":
        lead_txt, _ = _pol(res, lever, "lead_days", p, lambda v: f"{v:g}")
        if lead_txt:
            out.append(f"warning {lead_txt} days ahead")
        cost_txt, cost = _pol(res, lever, "cost_per_year", p, mny)
        if cost_txt:
            out.append(f"a fixed programme cost of {cost_txt} a year")
        return out
    if k == "diversification":
        prem_txt, prem = _pol(res, lever, "premium_eur_per_t", p, lambda v: qty(v, "EUR/t"))
        if prem_txt:
            out.append(f"a premium of {prem_txt} on each tonne moved to other suppliers")
        return out
    return out


def _as_given_clause(lo, mean, hi):
    """What the 95 % interval of a net benefit says, after "in the scenario as given it"."""
    if lo > 0:
        return "pays with 95 % confidence"
    if hi < 0:
        return "does not pay"
    if mean > 0:
        return "pays on average, though not with 95 % confidence"
    return "does not pay on average (its 95 % interval includes zero)"


def brief_param(res, name, p):
    """A futures parameter in words, with its base value where the file holds one as a plain
    number: (phrase, base, unit, traced base text or None)."""
    x = res.experiment
    for lever in res.levers:  # '<lever>.<field>': the set's own value
        if name.startswith(lever.name + ".") and name in res.lever_columns:
            field = lever.field(name)
            words, unit = PARAM_WORDS.get(field, (field.replace("_", " "), ""))
            v = float(res.raw("policies")[name][p])
            if np.isfinite(v):
                return f"{lever.name} {words}", v, unit, src(qty(v, unit), "/policies", name, p)
            # Off in this set: the value the experiment's [[policy]] table gives, if one number.
            i = res.levers.index(lever)
            spec = toml_levers(res)[i] or {}
            t = spec
            for part in field.split("."):
                t = t.get(part) if isinstance(t, dict) else None
            if isinstance(t, (int, float)) and not isinstance(t, bool):
                return (f"{lever.name} {words}", float(t), unit,
                        toml_src(qty(float(t), unit), "policy", f"#{i}", field))
            return f"{lever.name} {words}", None, unit, None
    target, _, field = name.rpartition(".")
    words, unit = PARAM_WORDS.get(field, (field.replace("_", " "), ""))
    mats = [m.get("name") for m in x.get("material", [])]
    if field == "demand_tpy" and "." in target:  # '<region>.<material>.demand_tpy'
        region, _, mat = target.partition(".")
        if mat in mats:
            d, dtxt = _demand(res, mat, [region])
            return f"{region} {mat} demand", d, "t/yr", dtxt
    shock = next((s for s in x.get("shock", []) if s.get("name") == target), None)
    if shock is not None:
        v = shock.get(field)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return (f"{target} {words}", float(v), unit,
                    toml_src(qty(float(v), unit), "shock", target, field))
        return f"{target} {words}", None, unit, None
    if target in mats:
        if field == "demand_tpy":
            d2 = res.day0_demand_tpy(target, _all_consumer_regions(res, target))
            return (f"{target} demand (every consumer)", d2, "t/yr",
                    calc(qty(d2, "t/yr"), f"sum of /scenario/nodes demand_tpy over every "
                         f"consumer of {target}", f"demand|{target}|*"))
        v = res.material_spec(target).get(field)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return (f"{target} {words}", float(v), unit,
                    toml_src(qty(float(v), unit), "material", target, field))
        return f"{target} {words}", None, unit, None
    if res.has("scenario/nodes"):
        n = res.raw("scenario/nodes")
        for i in range(len(n)):
            if _plain_text(n["id"][i]) == target and field in n.dtype.names:
                v = float(n[field][i])
                return f"{target} {words}", v, unit, src(qty(v, unit), "/scenario/nodes",
                                                           field, i)
    return name, None, "", None


def _all_consumer_regions(res, material):
    n = res.raw("scenario/nodes")
    out = []
    for kind, mat, region, country in zip(n["kind"], n["material"], n["region"], n["country"]):
        r = (region or country).decode("utf-8")
        if kind == b"consumer" and mat.decode("utf-8") == material and r not in out:
            out.append(r)
    return out


def brief_flips(res, b, p):
    """PRIM's box of the futures where set p does not pay, each bound in the parameter's own
    units where its base value is known (/futures/discovery, /futures/discovery_bounds)."""
    if not res.has("futures/discovery"):
        return []
    d = res.raw("futures/discovery")
    rows = [i for i in range(len(d)) if int(d["policy"][i]) == p]
    if not rows:
        return []
    i = rows[0]
    share = float(d["share_not_paying"][i])
    share_txt = src(shr(share), "/futures/discovery", "share_not_paying", i)
    if share <= 0:
        return [f"No assumption in the ranges flips it: it pays on average in every future "
                f"judged (it fails to pay in {share_txt} of them)."]
    if share >= 1:
        return [f"No assumption in the ranges flips it: it pays on average in none of the futures "
                f"judged (it fails to pay in {share_txt} of them)."]
    if not np.isfinite(d["box_density"][i]):
        return [f"It fails to pay in {share_txt} of the futures; PRIM found no box of them."]
    bounds = res.raw("futures/discovery_bounds") if res.has("futures/discovery_bounds") else []
    parts = []
    for j in range(len(bounds)):
        if int(bounds["policy"][j]) != p:
            continue
        name = _plain_text(bounds["parameter"][j])
        phrase, base, unit, btxt = brief_param(res, name, p)
        lo, hi = float(bounds["lower_factor"][j]), float(bounds["upper_factor"][j])
        sides = []
        for f, col, word in ((lo, "lower_factor", "above"), (hi, "upper_factor", "below")):
            if not np.isfinite(f):
                continue
            ftxt = src(f"{f:.3g}", "/futures/discovery_bounds", col, j)
            if base is not None and btxt is not None:
                val = calc(qty(f * base, unit), f"{col} x the base value", f"flip|{name}|{col}")
                sides.append(f"{word} {ftxt} x its {btxt} = {val}")
            else:
                sides.append(f"{word} {ftxt} x its value as given")
        parts.append((f'the <abbr title="{esc(name)}">{esc(phrase)}</abbr>',
                      f"the {esc(phrase)} is " + " and ".join(sides)))
    dens = src(shr(float(d["box_density"][i])), "/futures/discovery", "box_density", i)
    mass = src(shr(float(d["box_mass"][i])), "/futures/discovery", "box_mass", i)
    cov = src(shr(float(d["box_coverage"][i])), "/futures/discovery", "box_coverage", i)
    if not parts:
        return []
    return [f"Flips with {' and '.join(n for n, _ in parts)}: it does not pay in {dens} of the "
            f"futures where {' and '.join(w for _, w in parts)} (such futures are {mass} of all "
            f"and hold {cov} of the futures where it does not pay, which are {share_txt} of all)."]


def brief_sobol(res, p, top=3):
    """The parameters with the largest Sobol total index of set p's net benefit (or Morris mu*)."""
    label = res.labels[p]
    if res.has("futures/sobol"):
        t = res.raw("futures/sobol")
        rows = [i for i in range(len(t)) if _plain_text(t["output"][i]) == label
                and np.isfinite(t["total"][i])]
        rows.sort(key=lambda i: -float(t["total"][i]))
        # The largest, and the next ones that show at 2 decimals (a share of variance).
        rows = rows[:1] + [i for i in rows[1:top] if t["total"][i] >= 0.005]
        items = []
        for i in rows:
            name = _plain_text(t["parameter"][i])
            v = {c: src(_index(float(t[c][i])), "/futures/sobol", c, i)
                 for c in ("total", "total_ci95_lo", "total_ci95_hi")}
            items.append(f"{esc(brief_param(res, name, p)[0])} {v['total']} "
                         f"[{v['total_ci95_lo']}, {v['total_ci95_hi']}]")
        if items:
            return ["What decides its net benefit over the futures (Sobol total index, 95 % "
                    "interval): " + "; ".join(items) + "."]
    if res.has("futures/morris"):
        t = res.raw("futures/morris")
        rows = [i for i in range(len(t)) if _plain_text(t["output"][i]) == label
                and np.isfinite(t["mu_star"][i])]
        rows.sort(key=lambda i: -float(t["mu_star"][i]))
        items = []
        for i in rows[:top]:
            v = {c: src(mny(float(t[c][i]), c == "mu_star"), "/futures/morris", c, i)
                 for c in ("mu_star", "mu_star_ci95_lo", "mu_star_ci95_hi")}
            items.append(f"{esc(brief_param(res, _plain_text(t['parameter'][i]), p)[0])} "
                         f"{v['mu_star']} [{v['mu_star_ci95_lo']}, {v['mu_star_ci95_hi']}]")
        if items:
            return ["What moves its net benefit most over the futures (Morris mu*, the mean "
                    "absolute change over a parameter's whole range, 95 % interval): "
                    + "; ".join(items) + "."]
    return []


def brief_histories(res, p):
    """The shock histories that defeat set p (/discovery, when the file has it)."""
    if not res.has("discovery/histories"):
        return []
    h = res.raw("discovery/histories")
    out = []
    for i in range(len(h)):
        if int(h["policy"][i]) != p:
            continue
        crit = _src_span(_plain_text(h["criterion"][i]), f"/discovery/histories criterion, row {i}",
                         text=f"/discovery/histories|criterion|{i}")
        mat = _plain_text(h["material"][i])
        sentence = _src_span(_plain_text(h["sentence"][i]),
                             f"/discovery/histories sentence, row {i}",
                             text=f"/discovery/histories|sentence|{i}")
        failing = src(shr(float(h["share_failing"][i])), "/discovery/histories", "share_failing", i)
        out.append(f"Shock histories that defeat it ({crit}, {esc(mat)}; it fails in "
                   f"{failing} of the histories): {sentence}.")
    return out


# The words for the on/off field of each lever kind in the brief's caveat (its unit, and which
# end is the stronger option, come from the file); a field not here reads "largest value".
EDGE_WORDS = {"size_days": ("largest size", "larger"),
              "size_t": ("largest size", "larger"),
              "capacity_tpy": ("largest capacity", "larger"),
              "rate": ("largest rate", "larger"),
              "lead_days": ("longest warning", "longer"),
              "max_country_share": ("tightest cap", "tighter")}


def brief_edge(res, lever, sets, p):
    """When the answer is the largest option tried (the tightest cap), say so: a larger one may
    pay more still."""
    for col in lever.columns:
        field, off = lever.field(col), res.off_value(col)
        if off is None:
            continue
        v = res.raw("policies")[col].astype(float)
        vals = v[sets]
        if len(sets) < 2 or not np.isfinite(v[p]) or np.unique(vals[np.isfinite(vals)]).size < 2:
            continue
        # Off at the top of its range (a cap of 1): a smaller value is the stronger option.
        tighter = off == res.column_info[col]["max"]
        if v[p] != (np.nanmin(vals) if tighter else np.nanmax(vals)):
            continue
        other = int(sets[int(np.nanargmax(vals) if tighter else np.nanargmin(vals))])
        noun, more = EDGE_WORDS.get(field, ("smallest value" if tighter else "largest value",
                                            "smaller" if tighter else "larger"))
        unit = "" if res.unit_of(col) == "1" else f" {res.unit_of(col)}"
        shown = shr if unit == "" else (lambda x: f"{x:g}")  # noqa: E731
        return [f"\u26a0 {src(shown(v[p]), '/policies', col, p)}{unit} is the {noun} tried "
                f"(the options run from {src(shown(v[other]), '/policies', col, other)}{unit}): "
                f"a {more} one may pay more still."]
    return []


def brief_decision(res, b, lever):
    """One decision: the answer sentence and its details, as HTML."""
    verb = BRIEF_VERBS.get(lever.kind, "adopt")
    region = b.region_of(lever)
    material = b.material if b.futures else "all"
    head = f"<h3>{esc(brief_generic(lever)[0].upper() + brief_generic(lever)[1:])}</h3>"
    sets = b.alone(lever)
    if not sets:
        return (head + "<p class=\"answer\">Not assessed alone: every policy set with this lever "
                "has another lever on too.</p>")
    nb, lo, hi = res.net_benefit(material, region)
    paired = f"/paired/{material}/{region}/total_cost_eur"
    if b.futures:
        rows = {p: b.rob_row(p) for p in sets}
        sets = [p for p in sets if rows[p] is not None]
        if not sets:
            return head + "<p class=\"answer\">Not assessed: /futures/robustness has no row.</p>"
        key = {p: float(b.rob["mean_net_benefit_eur"][rows[p]]) for p in sets}
    else:
        key = {p: nb[p] for p in sets}
    p = max(sets, key=lambda q: (key[q], -q))  # ties: the lower set id
    obj = brief_object(res, lever, p, sets)
    n = len(sets)
    n_txt = calc(str(n), "policy sets with this lever alone on", "n_options")
    best_of = ("the only option tried" if n == 1 else
               f"the best of the {n_txt} options tried on average"
               + (" over the futures" if b.futures else ""))
    given = _as_given_clause(lo[p], nb[p], hi[p])
    if b.futures:
        r = rows[p]
        mean_f = src(mny(key[p]), "/futures/robustness", "mean_net_benefit_eur", r)
        share = float(b.rob["share_pays"][r])
        share_txt = src(shr(share), "/futures/robustness", "share_pays", r)
        F = src(str(b.judged), "/futures/settings", "futures_judged", 0)
        if key[p] <= 0:
            answer = (f"<b>Do not {verb}</b> {brief_generic(lever)}: "
                      + (f"the only option tried, {obj}, does not pay on average over the {F} "
                         f"futures (mean net benefit {mean_f})" if n == 1 else
                         f"none of the {n_txt} options tried pays on average over the {F} "
                         f"futures; the best, {obj}, has a mean net benefit of {mean_f}")
                      + f"; in the scenario as given it {given}.")
        elif lo[p] > 0 and share >= BRIEF_ROBUST_SHARE:
            answer = (f"<b>{verb.capitalize()}</b> {obj}, {best_of}: in the scenario as given it "
                      f"{given}, and it pays with 95 % confidence in {share_txt} of the {F} "
                      f"futures (mean net benefit over them {mean_f}).")
        else:
            fails = ([f"in the scenario as given it {given}"] if lo[p] <= 0 else []) + \
                ([f"it pays with 95 % confidence in only {share_txt} of the futures"]
                 if share < BRIEF_ROBUST_SHARE else [])
            answer = (f"<b>Not a robust {verb}</b>: {obj}, {best_of}, has a mean net benefit of "
                      f"{mean_f} over the {F} futures, but {', and '.join(fails)}.")
    else:
        if nb[p] <= 0:
            answer = (f"<b>Do not {verb}</b> {brief_generic(lever)}: "
                      + (f"the only option tried, {obj}, does not pay on average in the "
                         "scenario as given" if n == 1 else
                         f"none of the {n_txt} options tried pays on average in the scenario "
                         f"as given; the best is {obj}") + ".")
        elif lo[p] > 0:
            answer = (f"<b>{verb.capitalize()}</b> {obj}, {best_of}: in the scenario as given "
                      f"it {given}.")
        else:
            answer = (f"<b>Not a clear {verb}</b>: in the scenario as given {obj}, {best_of}, "
                      f"{given}.")
    items = brief_edge(res, lever, sets, p)
    size = brief_size(res, lever, p)
    if size:
        items.append("Size and cost: " + "; ".join(size) + ".")
    cost_path = f"/summary/{material}/{region}/policy_cost_eur"
    if res.has(cost_path):
        cost = res.stat("summary", material, region, "policy_cost_eur", "mean")[p]
        items.append(f"Policy cost over the horizon, discounted, for {esc(region)}: "
                     f"{src(mny(cost), cost_path, 'mean', p)}.")
    items.append(f"Net benefit in the scenario as given ({esc(region)}, "
                 f"{'all materials' if material == 'all' else esc(material)}; 95 % interval over "
                 f"{src(str(res.R), '/', 'replications', 0)} histories): "
                 f"<b>{src(mny(nb[p]), paired, 'diff_mean', p, negate=True)}</b> "
                 f"[{src(mny(lo[p], False), paired, 'diff_ci95_hi', p, negate=True)}, "
                 f"{src(mny(hi[p], False), paired, 'diff_ci95_lo', p, negate=True)}].")
    if b.futures:
        r = rows[p]
        g = lambda c, f=mny: src(f(float(b.rob[c][r])), "/futures/robustness", c, r)  # noqa: E731
        items.append(f"Robustness over the {F} futures judged: pays with 95 % confidence in "
                     f"{g('share_pays', shr)} (mean above zero in {g('share_positive', shr)}); "
                     f"mean net benefit {g('mean_net_benefit_eur')}, worst "
                     f"{g('worst_net_benefit_eur')}; regret mean {g('mean_regret_eur')}, "
                     f"maximum {g('max_regret_eur')}.")
        items += brief_flips(res, b, p)
        items += brief_sobol(res, p)
    else:
        items.append("Robustness: not assessed (the experiment has no <code>[futures]</code> "
                     "table).")
    items += brief_histories(res, p)
    return (head + f'<p class="answer">{answer}</p><ul>'
            + "".join(f"<li>{x}</li>" for x in items) + "</ul>")


def brief(res):
    """The one-page decision brief (a <section>), or '' when the file has no lever."""
    if not res.levers or res.P < 2:
        return ""
    b = Brief(res)
    name = res.experiment.get("experiment", {}).get("name", os.path.basename(res.path))
    R = src(str(res.R), "/", "replications", 0)
    if b.futures:
        F = src(str(b.judged), "/futures/settings", "futures_judged", 0)
        per = int(res.raw("futures/settings")["replications"][0])
        scope = (f"Robustness: over {F} futures ({esc(b.judged_over)}), each with "
                 f"{src(str(per), '/futures/settings', 'replications', 0)} histories; the net "
                 f"benefit judged is {esc(b.region)}'s, "
                 f"{'all materials' if b.material == 'all' else esc(b.material)}.")
    else:
        scope = ("Robustness was not assessed: the experiment has no <code>[futures]</code> "
                 "table, so every answer holds for the scenario as given only.")
    out = [f'<section class="brief" id="brief"><h2>Decision brief: {esc(name)}</h2>',
           f"<p class=\"key\">One answer per decision the experiment poses (each lever family "
           f"per region and material), from {R} simulated histories per policy set. Money in "
           f"million EUR, discounted to today. {scope} Hover a number for the dataset it comes "
           "from.</p>"]
    out += [f'<div class="decision">{brief_decision(res, b, lv)}</div>' for lv in res.levers]
    out.append("<p class=\"key\">How the answer is chosen: among the policy sets where only that "
               "lever is on, the one with the highest mean net benefit "
               + ("over the futures" if b.futures else "in the scenario as given")
               + ". <i>Net benefit</i>: the baseline's total cost (loss from unmet demand plus "
               "policy cost) less the set's, history by history. "
               + ("<i>Buy/build</i>: that mean is above zero, the set pays in the scenario as "
                  "given with 95 % confidence, and it pays with 95 % confidence in at least half "
                  "the futures; <i>not robust</i>: its mean is above zero but one of the other "
                  "two fails; <i>do not</i>: no option's mean is above zero. <i>Regret</i>: the "
                  "best net benefit of any set in a future less this one's. <i>Flips with</i>: "
                  "the box of parameter values (PRIM) in which it does not pay, a factor times "
                  "the value as given." if b.futures else
                  "<i>Buy/build</i>: the best option pays with 95 % confidence; <i>not "
                  "clear</i>: it pays on average only; <i>do not</i>: no option pays on average.")
               + "</p></section>")
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------


def build_brief(res):
    """A page with the decision brief alone (scripts/report FILE --brief-only), one A4 page in
    print."""
    name = res.experiment.get("experiment", {}).get("name", os.path.basename(res.path))
    section = brief(res) or "<p>The file has no policy lever: there is no decision to brief.</p>"
    return (PAGE_START + f"{esc(name)} (brief)</title><style>{CSS}</style></head>"
            f'<body class="brief-only">\n{section}\n</body></html>\n')


def build(res, workdir):
    voll = {m.get("name"): float(m.get("value_of_lost_load_eur_per_t", float("nan")))
            for m in res.experiment.get("material", [])}
    ranges = voll_ranges(res)
    materials = ["all"] + [m for m in res.lever_materials() if m in res.materials()]
    groups, by_key = [], {}
    for region in res.regions():
        for m in materials:
            if res.has(f"paired/{m}/{region}/total_cost_eur"):
                g = Group(res, m, region)
                groups.append(g)
                by_key[(region, m)] = g
    name = res.experiment.get("experiment", {}).get("name", os.path.basename(res.path))
    problems = crisp_plot.optimise_problems(res)
    # The brief first: printed, it is page 1 on its own, as --brief-only prints it.
    body = [brief(res), f"<h1>Strategic stockpile and refining options: {esc(name)}</h1>",
            f"<p class=\"sub\">crisp results, {res.P} policy sets x {res.R} simulated histories, "
            f"written {esc(res.attributes.get('created_utc', ''))}</p>",
            how_to_read(res), contents(res, groups, problems)]
    paths = crisp_plot.make_plots(res, workdir)
    body += [optimum(res, p, paths) for p in problems]  # crisp optimise's answers first
    body.append(recommendations(groups))
    for region in res.regions():
        body.append(f'<h2 id="{anchor("cmp", region)}">Comparison of the policy sets: {esc(region)}'
                    "</h2>")
        for g in [g for g in groups if g.region == region]:
            body.append(f'<h3 id="{anchor("cmp", g.region, g.material)}">{esc(g.name)}: '
                        f"{res.R} histories, money in million EUR, discounted</h3>")
            body.append(comparison(g, voll.get(g.material), ranges.get(g.material)))
            body.append(range_sentence(g, voll.get(g.material), ranges.get(g.material)))
            if g.material == "all":
                body.append(columns_key(voll, ranges))
                body.append(f"<p>Each policy set in plain words ({esc(region)}, all "
                            "materials):</p>" + sentences(g))
    body.append(any_shortage(res, by_key))
    body.append(figures(res, paths))
    body.append(assumptions(res))
    body.append(provenance(res))
    return (PAGE_START + f"{esc(name)}</title><style>{CSS}</style></head><body>\n" +
            "\n".join(body) + "\n</body></html>\n")


# How every page this script writes begins: what marks a page as its own, so a rerun may replace it.
PAGE_START = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<title>crisp report: ")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="report", description=__doc__.split("\n\n")[0])
    ap.add_argument("file", help="a crisp results file (crisp run -o FILE.h5)")
    ap.add_argument("-o", "--output", default=None,
                    help="the HTML page to write (default: FILE.html beside the file)")
    ap.add_argument("--unverified", action="store_true",
                    help="read a results file even when its seal does not vouch for it (changed "
                         "since crisp wrote it): crisp reads it whole in a sandbox first")
    ap.add_argument("--brief-only", action="store_true",
                    help="write the one-page decision brief alone (default page: FILE-brief.html)")
    a = ap.parse_args(argv)
    out = a.output or os.path.splitext(a.file)[0] + ("-brief" if a.brief_only else "") + ".html"
    try:
        res = open_results(a.file, unverified=a.unverified)
    except (ValueError, FileNotFoundError) as e:  # the file is not a readable results file
        print(f"report: {e}", file=sys.stderr)
        raise SystemExit(2)
    # An existing page is replaced only when this script wrote it (asked before the work too).
    rule = {"inputs": [a.file], "is_of_kind": starts_with(PAGE_START.encode("utf-8")),
            "noun": "a page that scripts/report wrote"}
    try:
        check_output(out, **rule)
        with res, tempfile.TemporaryDirectory() as tmp:
            page = build_brief(res) if a.brief_only else build(res, tmp)
        write_output(out, page.encode("utf-8"), **rule)
    except OutputRefused as e:
        print(f"report: {e}", file=sys.stderr)
        raise SystemExit(2)
    print(out)


if __name__ == "__main__":
    run_as_script(main, "report")
