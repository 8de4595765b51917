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
from crisp_results import (OFF_FIELDS, OutputRefused, check_output, open_results,  # noqa: E402
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
        size = f"{num(g('size_t'))} t" if not math.isnan(g("size_t")) \
            else f"{num(g('size_days'))}-day"
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
    off_fields = OFF_FIELDS.get(lever.kind, {})
    extra = [field_phrase(f, raw[f]) for f in (lever.field(c) for c in lever.columns
                                                 if c in swept)
             if f not in off_fields and not math.isnan(raw[f])]
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
        self.recommended = crisp_plot.recommended_set(res, material, region)
        self.best = crisp_plot.best_set(res, material, region)

    @property
    def name(self):
        return f"{self.region} / {'all materials' if self.material == 'all' else self.material}"

    def break_even(self, p):
        """Factor on the value of lost load at which set p's mean net benefit is 0: net benefit
        = k * loss avoided - extra policy cost, as loss is linear in it. None: never breaks
        even (it avoids no loss); 0: pays at any value."""
        if self.avoided[p] <= 0:
            return None
        return max(self.extra_cost[p], 0.0) / self.avoided[p]

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
            off = OFF_FIELDS.get(lever.kind, {}).get(lever.field(c))
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


def comparison(g, voll):
    """crisp's comparison table for one region and material group, plus the break-even."""
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
                be += f" ({k * voll / MILLION:.3g} M EUR/t)"
        rows.append([f"#{p} {res.labels[p]}", pct(g.p_short[p]), f"{g.days[p]:.1f}",
                     meur(g.cvar[p]), meur(g.cost[p]), meur(g.avoided[p]) if p else "", nb, be])
        ids.append(anchor(g.region, g.material, f"p{p}"))
        cls = "pos" if p and g.nb_lo[p] > 0 else "neg" if p and g.nb_hi[p] < 0 else None
        classes.append([("rec" if p == g.recommended else None)] + [None] * 5 + [cls, None])
    head = ["policy set", "P(any shortage)", "mean shortage days", "CVaR95 loss",
            "mean policy cost", "mean loss avoided", "net benefit [95 % interval]",
            "break-even value of lost load"]
    return table(head, rows, ids, classes)


def columns_key(voll):
    vtxt = ", ".join(f"{m} {v / MILLION:g} M EUR/t" for m, v in voll.items())
    return f"""<p class="key"><b>Columns.</b> <i>P(any shortage)</i>: share of histories with at
least one day short. <i>Mean shortage days</i>: days short over the horizon (for all materials:
days when any material is short). <i>CVaR95 loss</i>: mean loss in the worst 5 % of histories.
<i>Net benefit</i>: baseline total cost minus the set's, history by history, with its 95 %
interval (green: clearly positive; red: clearly negative; bold: the recommended option).
<i>Break-even value of lost load</i>: the factor on the assumed value of lost load
({esc(vtxt) or 'per material'}) at which the set's mean net benefit would be zero, computed as
extra policy cost / loss avoided. This rests on the loss being proportional to the value of lost
load (docs/model.md: loss = unmet tonnes x value of lost load x discount factor; the value plays
no other part in the simulation, so unmet tonnes and policy costs do not change with it). Below
×1 the set pays for itself even if lost supply is worth less than assumed; above ×1 only if it is
worth more; "never": the set avoids no loss on average. For all materials the factor scales every
material's value of lost load at once; for one material it is also given in M EUR per tonne.</p>"""


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


# Lever fields that are shares (0 to 1): README.md's table of [[policy]] keys.
SHARE_FIELDS = {"initial_fill", "rate", "max_country_share", "release.threshold"}


def edge_notes(prob, row):
    """A ranged variable at an end of its range: the best may lie beyond it."""
    out, v, a = [], prob.variables, prob.answers
    for i, key in enumerate(prob.keys):
        if v["kind"][i] == "choice":
            continue
        lo, hi, x = v["min"][i], v["max"][i], a[key][row]
        tol = 1e-6 * max(hi - lo, 1e-12)
        # No lever field is negative, and shares end at 1: an end there is no range to widen.
        share = prob.res.field_of(key) in SHARE_FIELDS
        for end, word, more, limit in ((hi, "upper", "larger", 1.0 if share else None),
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


def build(res, workdir):
    voll = {m.get("name"): float(m.get("value_of_lost_load_eur_per_t", float("nan")))
            for m in res.experiment.get("material", [])}
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
    body = [f"<h1>Strategic stockpile and refining options: {esc(name)}</h1>",
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
            body.append(comparison(g, voll.get(g.material)))
            if g.material == "all":
                body.append(columns_key(voll))
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
    a = ap.parse_args(argv)
    out = a.output or os.path.splitext(a.file)[0] + ".html"
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
            page = build(res, tmp)
        write_output(out, page.encode("utf-8"), **rule)
    except OutputRefused as e:
        print(f"report: {e}", file=sys.stderr)
        raise SystemExit(2)
    print(out)


if __name__ == "__main__":
    run_as_script(main, "report")
