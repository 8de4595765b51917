"""Plots of a crisp results file: `scripts/plot FILE.h5 [-o OUTDIR] [--material M] [--region R]
[--metric total_cost_eur]`. Writes PNGs and prints their paths. scripts/report embeds the same
figures. Every figure says in its title what it shows and for which region and material.
"""

import argparse
import io
import math
import os
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crisp_results import (METRIC_TITLES, OutputRefused, open_results, run_as_script,  # noqa: E402
                           write_output)

# The PNGs' Software text: what marks a PNG as this script's, so that a rerun may replace it.
PNG_SOFTWARE = "crisp scripts/plot"


def _plot_png(path):
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return head.startswith(b"\x89PNG\r\n\x1a\n") and PNG_SOFTWARE.encode() in head


def save_figure(fig, path, results_path):
    """Saves `fig` as a PNG at `path` by crisp's output rule (crisp_results.write_output): an
    existing file is replaced only when this script wrote it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": PNG_SOFTWARE})
    write_output(path, buf.getvalue(), inputs=[results_path], is_of_kind=_plot_png,
                 noun="a PNG that scripts/plot wrote")

plt.rcParams.update({
    "font.size": 10, "axes.titlesize": 11, "axes.titleweight": "bold", "axes.grid": True,
    "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False,
    "savefig.dpi": 110, "savefig.bbox": "tight",
})
GREY = "#9a9a9a"
BASELINE_COLOR = "black"

# ------------------------------------------------------------------------------------------------
# Units and names a reader understands


def scale_of(unit):
    """(factor, axis unit) that shows values of `unit` in readable units."""
    u = (unit or "").strip()
    if u.lower().startswith(("eur", "euro")):  # "EUR", "euros", "EUR (discounted)"
        return 1e-6, "million EUR"
    return 1.0, {"t": "tonnes", "t/day": "tonnes per day", "t/yr": "tonnes per year",
                 "x base price": "multiple of base price"}.get(u, u)


def field_label(res, column):
    """'stockpile NL gallium.size_days' -> 'stockpile NL gallium: size (days of demand)'."""
    lever, field = res.lever_of(column).name, res.field_of(column)
    known = {
        "size_days": "size (days of demand)", "size_t": "size (tonnes)",
        "capacity_tpy": "capacity (tonnes per year)", "lead_days": "warning lead time (days)",
        "rate": "share of demand recycled (0-1)", "max_country_share":
        "largest share from one country (0-1)", "initial_fill": "initial fill (0-1)",
        "holding_cost_per_year": "holding cost (share of value per year)",
        "cost_per_year": "cost (EUR per year)", "release.delay_days": "release delay (days)",
        "release.max_rate_days": "release rate (days of demand per day)",
    }
    if field in known:
        what = known[field]
    elif field.endswith("_days"):
        what = f"{field[:-5].replace('_', ' ')} (days)"
    elif field.endswith("_tpy"):
        what = f"{field[:-4].replace('_', ' ')} (tonnes per year)"
    elif field.endswith("_eur_per_t"):
        what = f"{field[:-10].replace('_', ' ')} (EUR per tonne)"
    else:
        what = field.replace("_", " ")
    return f"{lever}: {what}"


def where(material, region):
    return f"{region}, {'all materials' if material == 'all' else material}"


def short(label, width=44):
    return label if len(label) <= width else label[: width - 1] + "…"


def fmt_num(x):
    """A number for a legend: 3 significant digits, thousands separated."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


# ------------------------------------------------------------------------------------------------
# Shared arithmetic


def efficient(cost, risk):
    """Indices of non-dominated policy sets: no other set is at most as costly and at most as
    risky while strictly better in one of the two."""
    out = []
    for i in range(len(cost)):
        dominated = np.any((cost <= cost[i]) & (risk <= risk[i]) &
                           ((cost < cost[i]) | (risk < risk[i])))
        if not dominated:
            out.append(i)
    return sorted(out, key=lambda i: (cost[i], risk[i]))


def cvar95_diff_interval(values, draws=400, seed=1):
    """Bootstrap 95 % interval of each set's CVaR95 (mean of the worst ceil(5 %) replications)
    minus the baseline's, resampling replications jointly (common random numbers)."""
    P, R = values.shape
    k = max(1, math.ceil(0.05 * R))
    idx = np.random.default_rng(seed).integers(0, R, size=(draws, R))
    boot = np.stack([np.sort(values[p][idx], axis=1)[:, -k:].mean(axis=1) for p in range(P)])
    diff = boot - boot[0]
    return np.quantile(diff, 0.025, axis=1), np.quantile(diff, 0.975, axis=1)


def paired_bars(res, material, region, metric, factor):
    """(mean, lo, hi) in display units, the interval being the paired 95 % interval of the
    difference from the baseline placed around the set's mean: it says whether the set differs
    from the baseline, which the much wider interval of the mean alone hides (every set is
    simulated on the same histories, so most of their variation is shared)."""
    mean = res.stat("summary", material, region, metric, "mean") * factor
    d = res.stat("paired", material, region, metric, "diff_mean") * factor
    lo = res.stat("paired", material, region, metric, "diff_ci95_lo") * factor
    hi = res.stat("paired", material, region, metric, "diff_ci95_hi") * factor
    return mean, mean - (d - lo), mean + (hi - d)


def place_labels(ax, xs, ys, texts, colors):
    """Annotate points with short texts, nudging a label down while it would overlap one placed
    before, with a thin leader line when moved. Call once the axes' scales and limits are final;
    offsets are in points, so they survive the layout that savefig does later."""
    fig = ax.figure
    fig.canvas.draw()  # runs the layout, so that screen positions are final
    pt = 72.0 / fig.dpi  # pixels -> points
    placed = []
    right_edge = ax.bbox.x1
    for x, y, text, color in sorted(zip(xs, ys, texts, colors), key=lambda t: -t[1]):
        px, py = ax.transData.transform((x, y))
        w, h = 5.6 * len(text) / pt, 11 / pt  # 8.5 pt bold: about 5.6 pt a character
        # Right of the point, or left of it where the label would run off the axes.
        left = px + 6 / pt + w > right_edge
        lx, ly = (px - 6 / pt - w if left else px + 6 / pt), py + 3 / pt
        while any(abs(lx - qx) < max(w, qw) and abs(ly - qy) < h for qx, qy, qw in placed):
            ly -= h
        placed.append((lx, ly, w))
        moved = abs(ly - (py + 3 / pt)) > 1
        ann = ax.annotate(text, (x, y), xytext=((lx - px) * pt, (ly - py) * pt),
                          textcoords="offset points", fontsize=8.5, color=color,
                          fontweight="bold", va="bottom", ha="left",
                          arrowprops=dict(arrowstyle="-", color=color, lw=0.6, shrinkA=0,
                                          shrinkB=3) if moved else None)
        ann.set_in_layout(False)  # labels must not move the axes they were placed on


def defaults(res, material=None, region=None):
    """crisp's first comparison table: material 'all', the first report region."""
    material = material or "all"
    if material not in res.materials():
        raise SystemExit(f"plot: no material '{material}' in {res.path}; "
                         f"it has {', '.join(res.materials())}")
    regions = res.regions(material)
    region = region or regions[0]
    if region not in regions:
        raise SystemExit(f"plot: no region '{region}' in {res.path}; it has {', '.join(regions)}")
    return material, region


def best_set(res, material, region):
    """The policy set with the highest mean net benefit (0 = the baseline, if nothing beats it)."""
    nb, _, _ = res.net_benefit(material, region)
    return int(np.argmax(nb))


def recommended_set(res, material, region):
    """The cheapest policy set (lowest mean policy cost for this material and region; ties go to
    the lower cost over all materials) whose net benefit is positive with 95 % confidence (the
    lower bound of its paired interval above 0), or None."""
    _, lo, _ = res.net_benefit(material, region)
    cost = res.stat("summary", material, region, "policy_cost_eur", "mean")
    overall = res.stat("summary", "all", region, "policy_cost_eur", "mean") \
        if res.has(f"summary/all/{region}/policy_cost_eur") else cost
    sure = [p for p in range(1, res.P) if lo[p] > 0]
    # Costs equal up to rounding (a lever on another material adds nothing here) are a tie.
    return min(sure, key=lambda p: (round(cost[p], 2), overall[p], p)) if sure else None


# ------------------------------------------------------------------------------------------------
# (a) cost-risk frontier


def plot_frontier(res, material, region, path):
    if res.P < 2:  # the baseline alone: nothing to trade off
        return None
    f_cost, _ = scale_of(res.units(f"metrics/{material}/{region}/policy_cost_eur"))
    cost = res.stat("summary", material, region, "policy_cost_eur", "mean") * f_cost
    f_loss, u_loss = scale_of(res.units(f"metrics/{material}/{region}/loss_eur"))
    loss, loss_lo, loss_hi = paired_bars(res, material, region, "loss_eur", f_loss)
    loss_lo = np.maximum(loss_lo, 0)  # a loss is never negative (normal intervals can be)
    cvar = res.stat("summary", material, region, "loss_eur", "cvar95") * f_loss
    d_lo, d_hi = cvar95_diff_interval(res.metric(material, region, "loss_eur") * f_loss)
    panels = [
        ("Expected loss against policy cost", "mean loss from unmet demand", loss, loss_lo,
         loss_hi),
        ("Bad-case loss against policy cost\n(CVaR95: mean loss of the worst 5 % of histories)",
         "CVaR95 of loss", cvar, np.maximum(cvar[0] + d_lo, 0), cvar[0] + d_hi),
    ]
    fig, axes = plt.subplots(1, 2, figsize=(13, 7.5), layout="constrained")
    # Policy costs often span orders of magnitude (a stockpile's holding cost next to a plant's
    # capex); a linear axis would pile the cheap options onto 0.
    positive = cost[cost > 0]
    log_x = len(positive) > 0 and cost.max() / positive.min() > 50

    def efficient_sets(y):  # without the baseline, and sets that sit on it (nothing changes)
        same = lambda p: np.isclose(cost[p], cost[0]) and np.isclose(y[p], y[0])  # noqa: E731
        return [p for p in efficient(cost, y) if p != 0 and not same(p)]

    for ax, (name, ylabel, y, ylo, yhi) in zip(axes, panels):
        eff = efficient_sets(y)
        rest = [p for p in range(1, res.P) if p not in eff]
        bars = dict(capsize=2, elinewidth=0.8)
        if rest:
            ax.errorbar(cost[rest], y[rest], yerr=[y[rest] - ylo[rest], yhi[rest] - y[rest]],
                        fmt="o", color=GREY, ms=5, alpha=0.9, **bars,
                        label="other policy sets: a cheaper set has a lower loss")
        ax.plot(np.r_[cost[0], cost[eff]], np.r_[y[0], y[eff]], "-", color="tab:blue", lw=1,
                alpha=0.5, zorder=1)
        if eff:
            ax.errorbar(cost[eff], y[eff], yerr=[y[eff] - ylo[eff], yhi[eff] - y[eff]], fmt="D",
                        color="tab:blue", ms=6, zorder=3, **bars,
                        label="efficient sets: no cheaper set has a lower loss")
        ax.plot(cost[0], y[0], "s", color=BASELINE_COLOR, ms=7, zorder=4,
                label="#0 baseline (no policy)")
        if log_x:
            lin = 10 ** math.floor(math.log10(positive.min()))
            ax.set_xscale("symlog", linthresh=lin)
            ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.set_xlim(-0.3 * lin, cost.max() * 2.5)
        ax.set_xlabel("mean policy cost, million EUR (discounted)" +
                      (", log scale" if log_x else ""))
        ax.set_ylabel(f"{ylabel}, {u_loss}")
        ax.set_title(name)
        key = "\n".join(f"#{p}  {short(res.labels[p], 70)}" for p in eff)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8.5, frameon=False,
                  title=("efficient sets, cheapest first:\n" + key) if eff else None,
                  title_fontsize=8.5, alignment="left")
    fig.suptitle(f"Cost against risk of every policy set: {where(material, region)}\n"
                 "lower left is better; bars: 95 % interval of the difference from the baseline "
                 "(same simulated histories)", fontsize=12, fontweight="bold")
    for ax, (_, _, y, _, _) in zip(axes, panels):  # last: needs the final layout
        # Sets at the same point (a lever on another material changes nothing here) share one
        # label, "#4, #6"; one at the baseline's point joins "#0".
        points = {}
        for p in [0] + efficient_sets(y):
            points.setdefault((round(cost[p], 9), round(y[p], 9)), []).append(p)
        keys = list(points)
        place_labels(ax, [k[0] for k in keys], [k[1] for k in keys],
                     [", ".join(f"#{p}" for p in points[k]) for k in keys],
                     [BASELINE_COLOR if 0 in points[k] else "tab:blue" for k in keys])
    save_figure(fig, path, res.path)
    plt.close(fig)
    return path


# ------------------------------------------------------------------------------------------------
# (b) unmet demand per policy set


def plot_unmet(res, material, region, path):
    if material == "all":  # tonnes of different materials do not add up: one panel each
        materials = res.lever_materials() or [m for m in res.materials() if m != "all"]
        materials = materials[:4]
    else:
        materials = [material]
    materials = [m for m in materials if res.has(f"metrics/{m}/{region}/unmet_t")]
    if not materials:
        return None
    P = res.P
    fig, axes = plt.subplots(1, len(materials), figsize=(4.2 * len(materials) + 3.5,
                                                          1.8 + 0.32 * P), sharey=True,
                             squeeze=False, layout="constrained")
    for ax, m in zip(axes[0], materials):
        f, unit = scale_of(res.units(f"metrics/{m}/{region}/unmet_t"))
        v = res.metric(m, region, "unmet_t") * f
        pos = np.arange(P)[::-1]  # baseline on top
        bp = ax.boxplot(list(v), positions=pos, vert=False, whis=(5, 95), showfliers=False,
                        widths=0.6, patch_artist=True, showmeans=True,
                        meanprops=dict(marker="D", markerfacecolor="tab:red",
                                       markeredgecolor="tab:red", markersize=4),
                        medianprops=dict(color="black"))
        for n, box in enumerate(bp["boxes"]):
            box.set_facecolor("#d9d9d9" if n == 0 else "#9ecae1")
        share = (v > 0).mean(axis=1)
        xmax = max(np.percentile(v, 95, axis=1).max(), v.mean(axis=1).max(), 1e-9)
        ax.set_xlim(-0.02 * xmax, 1.32 * xmax)
        for p in range(P):
            ax.text(1.30 * xmax, pos[p], f"{100 * share[p]:.0f} %", va="center", ha="right",
                    fontsize=8, color="#444")
        ax.text(1.30 * xmax, P - 0.3, "P(any)", ha="right", fontsize=8, fontweight="bold",
                color="#444")
        ax.set_ylim(-0.7, P + 0.2)
        ax.set_title(f"{m}")
        ax.set_xlabel(f"unmet demand over the horizon, {unit}")
        ax.grid(axis="y", visible=False)
    axes[0][0].set_yticks(np.arange(P)[::-1])
    axes[0][0].set_yticklabels([f"#{p} {short(res.labels[p], 50)}" for p in range(P)],
                                fontsize=8.5)
    fig.suptitle(f"Unmet demand per policy set, over {res.R} simulated histories: "
                 f"{where(materials[0] if len(materials) == 1 else 'all', region)}\n"
                 "box: middle half of histories; whiskers: 5th to 95th percentile; red diamond: "
                 "mean;\nP(any): share of histories with any unmet demand",
                 fontsize=11, fontweight="bold")
    save_figure(fig, path, res.path)
    plt.close(fig)
    return path


# ------------------------------------------------------------------------------------------------
# (c) fan charts from /timeseries (format 1.1; absent from 1.0 files)


def plot_fans(res, material, region, path):
    if res.timeseries(material, region, "unmet_rate") is None \
            and res.timeseries(material, region, "stock") is None:
        return None
    t = res.timeseries(material, region, "t")
    # No policy, the recommended set and the best one (one panel for a set that is both).
    chosen = [("no policy", 0), ("recommended", recommended_set(res, material, region)),
              ("highest net benefit", best_set(res, material, region))]
    sets = list(dict.fromkeys(p for _, p in chosen if p is not None))
    roles = {p: " and ".join(r for r, q in chosen if q == p) for p in sets}
    series = []
    for s in ("stock", "unmet_rate"):
        v = res.timeseries(material, region, s)
        # Without a strategic stockpile in these sets the stock is 0 throughout: no panel.
        if v is not None and (s != "stock" or np.nanmax(np.abs(v[sets]), initial=0) > 0):
            series.append(s)
    if not series:
        return None
    horizon = float(res.attributes.get("horizon_days", 0) or 0)
    in_years = horizon >= 730
    fig, axes = plt.subplots(len(series), len(sets), figsize=(4.6 * len(sets) + 1,
                                                              3.2 * len(series)),
                             squeeze=False, sharex=True, sharey="row", layout="constrained")
    for row, s in enumerate(series):
        data = res.timeseries(material, region, s).astype(float)
        f, unit = scale_of(res.units(f"timeseries/{material}/{region}/{s}"))
        data *= f
        top = 0.0
        for col, p in enumerate(sets):
            ax = axes[row][col]
            x = (t[p, 0] if t is not None else np.arange(data.shape[2])).astype(float)
            if in_years:
                x = x / 365.0
            q = np.nanpercentile(data[p], [5, 25, 50, 75, 95], axis=0)
            ax.fill_between(x, q[0], q[4], color="tab:blue", alpha=0.18, lw=0,
                            label="5-95 % of histories")
            ax.fill_between(x, q[1], q[3], color="tab:blue", alpha=0.35, lw=0,
                            label="25-75 %")
            ax.plot(x, q[2], color="tab:blue", lw=1.4, label="median")
            top = max(top, np.nanmax(q[4]))
            name = {"stock": "strategic stock level", "unmet_rate": "unmet demand rate"}[s]
            if col == 0:
                ax.set_ylabel(f"{name}, {unit}")
            if row == 0:
                ax.set_title(textwrap.fill(f"#{p} {res.labels[p]} ({roles[p]})", 48),
                             fontsize=9.5)
            if row == len(series) - 1:
                ax.set_xlabel("time, years" if in_years else "time, days")
        axes[row][0].set_ylim(0, 1.05 * top if top > 0 else 1)  # the row shares it
    axes[0][0].legend(fontsize=8, loc="upper right")
    K = res.timeseries(material, region, series[0]).shape[1]
    what = "stock and unmet demand evolve" if "stock" in series else "unmet demand evolves"
    fig.suptitle(f"How {what} over time: {where(material, region)}\n"
                 f"bands over the first {K} simulated histories of each policy set",
                 fontsize=11, fontweight="bold")
    save_figure(fig, path, res.path)
    plt.close(fig)
    return path


# ------------------------------------------------------------------------------------------------
# (d) response of the chosen metric to each swept lever


def response_lines(res, column, others, values, best):
    """The lines of a lever's response panel: lists of policy sets that differ only in `column`.
    With a handful of settings of the other levers, one line each; with more, the lines through
    the best set, with the other levers at their lowest and at their highest values."""
    groups = {}
    for p in np.flatnonzero(~np.isnan(values[column])):
        groups.setdefault(tuple(values[o][p] for o in others), []).append(p)
    lines = {k: ps for k, ps in groups.items() if len(ps) > 1}
    if len(lines) <= 5:
        return sorted(lines.items())
    keep = []
    for key in (tuple(values[o][best] for o in others),
                tuple(np.nanmin(values[o]) for o in others),
                tuple(np.nanmax(values[o]) for o in others)):
        if key in lines and key not in keep:
            keep.append(key)
    return [(k, lines[k]) for k in keep]


def plot_response(res, material, region, metric, path):
    # For one material, only the levers that act on it: another material's lever changes
    # nothing here, and its settings would draw the same line twice.
    all_swept = res.swept_columns()
    swept = [c for c in all_swept
             if material == "all" or res.lever_of(c).material in (material, "all")]
    if not swept:
        return None
    f, unit = scale_of(res.units(f"metrics/{material}/{region}/{metric}"))
    # The change from the baseline, paired replication by replication: what the lever does.
    # A metric the baseline lacks (stock_min_frac: no stockpile) has no change: levels then.
    stats = [("paired", "diff_mean"), ("paired", "diff_ci95_lo"), ("paired", "diff_ci95_hi")]
    change = not np.all(np.isnan(res.stat("paired", material, region, metric, "diff_mean")[1:]))
    if not change:
        stats = [("summary", "mean"), ("summary", "ci95_lo"), ("summary", "ci95_hi")]
    mean, lo, hi = (res.stat(g, material, region, metric, c) * f for g, c in stats)
    values = {c: res.lever_values(c) for c in swept}
    for c in all_swept:  # keep the sets whose other-material levers are at their lowest
        if c not in swept:
            v = res.lever_values(c)
            for k in swept:
                values[k][v > np.nanmin(v)] = np.nan
    best = best_set(res, material, region)
    title = METRIC_TITLES.get(metric, metric)
    ncols = min(3, len(swept))
    nrows = math.ceil(len(swept) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.4 * ncols, 5.2 * nrows + 0.6),
                             squeeze=False, sharey=True, layout="constrained")
    colors = plt.cm.tab10(np.arange(10))
    for ax, c in zip(axes.flat, swept):
        others = [o for o in swept if o != c]
        lines = response_lines(res, c, others, values, best)
        finite = values[c][~np.isnan(values[c])]
        span = (finite.max() - finite.min()) or 1.0
        for n, (key, ps) in enumerate(lines):
            ps = sorted((p for p in ps if np.isfinite(mean[p])), key=lambda p: values[c][p])
            if not ps:
                continue
            # Lines often nearly coincide: shift each a little sideways to keep the bars apart.
            dodge = (n - (len(lines) - 1) / 2) * 0.006 * span
            label = ", ".join(f"{res.field_of(o)}={v:g}" for o, v in zip(others, key))
            if best in ps and best != 0:
                label += f" (incl. best set #{best})"
            ax.errorbar(values[c][ps] + dodge, mean[ps],
                        yerr=[mean[ps] - lo[ps], hi[ps] - mean[ps]], fmt="o-", color=colors[n % 10], ms=4, capsize=3, lw=1.4,
                        label=label or "policy sets")
        if not lines:  # a scattered design (lhs): every set is a point of its own
            ps = np.flatnonzero(~np.isnan(values[c]) & np.isfinite(mean))
            ax.errorbar(values[c][ps], mean[ps], yerr=[mean[ps] - lo[ps], hi[ps] - mean[ps]],
                        fmt="o", color="tab:blue", ms=4, capsize=3,
                        label="policy sets (other levers differ too)")
        if change:
            ax.axhline(0, color=BASELINE_COLOR, ls="--", lw=1,
                       label="baseline (no policy): no change")
        ax.set_xlabel(field_label(res, c))
        if ax in axes[:, 0]:
            ax.set_ylabel(f"change in mean {title}\nfrom the baseline, {unit}" if change
                          else f"mean {title}, {unit}")
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.15), frameon=False,
                  title="lines: other levers fixed at" if lines else None, title_fontsize=7.5)
    for ax in list(axes.flat)[len(swept):]:
        ax.set_visible(False)
    fig.suptitle(f"How each policy lever changes the {title}: {where(material, region)}\n" +
                 (f"points: mean change from no policy over {res.R} simulated histories "
                  "(below 0: less than without policy); bars: 95 % intervals" if change else
                  f"points: mean over {res.R} simulated histories (the baseline has no value); "
                  "bars: 95 % intervals"), fontsize=11, fontweight="bold")
    save_figure(fig, path, res.path)
    plt.close(fig)
    return path


# ------------------------------------------------------------------------------------------------
# (e) tornado chart from /sensitivity


def plot_tornado(res, material, region, metric, path):
    runs = res.sensitivity_runs()
    if runs is None or len(runs[0]) < 3:
        return None
    names, factors = runs
    total = res.sensitivity("mean", material, region, "total_cost_eur")
    m = res.sensitivity("mean", material, region, metric)
    if total is None or m is None:
        return None
    p = best_set(res, material, region)
    f, unit = scale_of(res.units(f"metrics/{material}/{region}/{metric}"))
    title = METRIC_TITLES.get(metric, metric)
    panels = []
    if p != 0:  # net benefit of the best set in each run: baseline total - set's total
        nb = (total[:, 0] - total[:, p]) * 1e-6
        panels.append((nb, f"Net benefit of the best policy set, #{p} {short(res.labels[p], 60)}",
                       "mean net benefit, million EUR"))
    panels.append((m[:, 0] * f, f"The {title} without any policy (baseline)",
                   f"mean {title}, {unit}"))
    k = (len(names) - 1) // 2
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 1.2 + len(panels) * (1.4 + 0.45 * k)),
                             squeeze=False, layout="constrained")
    for ax, (v, name, xlabel) in zip(axes[:, 0], panels):
        center = v[0]
        low, high = v[1::2][:k], v[2::2][:k]
        order = np.argsort(np.abs(high - low))  # widest swing on top
        for y, i in enumerate(order):
            ax.barh(y, low[i] - center, left=center, color="tab:blue", height=0.6,
                    label=f"parameter x {factors[1]:g}" if y == 0 else None)
            ax.barh(y, high[i] - center, left=center, color="tab:orange", height=0.6,
                    label=f"parameter x {factors[2]:g}" if y == 0 else None)
            if low[i] == center and high[i] == center:
                ax.annotate("  no effect", (center, y), va="center", fontsize=8, color="#444")
        ax.axvline(center, color="black", lw=1, label=f"as given: {fmt_num(center)}")
        ax.set_yticks(range(k))
        ax.set_yticklabels([names[1 + 2 * i] for i in order], fontsize=8.5)
        ax.set_xlabel(xlabel)
        ax.set_title(name, fontsize=10)
        ax.grid(axis="y", visible=False)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    fig.suptitle(f"Which assumptions matter most: {where(material, region)}\n"
                 "each bar: the result with one scenario parameter scaled down (blue) or up "
                 "(orange), everything else as given", fontsize=11, fontweight="bold")
    save_figure(fig, path, res.path)
    plt.close(fig)
    return path


# ------------------------------------------------------------------------------------------------
# (f) crisp optimise: the search and the cost-risk frontier of each [[optimise]] problem


class Problem:
    """One row of /optimise/problems with its tables (crisp_results.Results.optimise_table), and
    what its objective is in words and units."""

    def __init__(self, res, row):
        self.res, self.row, self.name = res, row, row["name"]
        t = lambda n: res.optimise_table(self.name, n)  # noqa: E731
        self.variables, self.constraints = t("variables"), t("constraints")
        self.candidates, self.answers = t("candidates"), t("answers")
        self.gap, self.frontier = t("gap"), t("frontier")
        words = row["objective"].split(" ")
        self.maximise = words[0] == "maximise"  # "maximise net_benefit_eur NL all"
        self.metric = "total_cost_eur" if self.maximise else words[2]
        self.region, self.material = self._where(" ".join(words[2 if self.maximise else 3:]))

    def _where(self, text):
        """'NL all' -> ('NL', 'all'): region and material names may hold spaces, so the pair is
        the one of the file's whose words these are."""
        for m in self.res.materials():
            if not self.res.has(f"metrics/{m}"):
                continue
            for r in self.res.regions(m):
                if text == f"{r} {m}":
                    return r, m
        region, _, material = text.partition(" ")
        return region, material

    @property
    def keys(self):
        return list(self.variables["key"]) if self.variables else []

    def kind(self, key):
        return self.variables["kind"][self.keys.index(key)]

    def ranged(self):
        """The continuous and integer variables (the ones with a range to plot against)."""
        return [k for k in self.keys if self.kind(k) in ("continuous", "integer")]

    def answer_rows(self, role="answer"):
        return [i for i, r in enumerate(self.answers["role"]) if r == role] if self.answers else []

    @property
    def shown_row(self):
        """The answer the problem gives: the chosen one, else (infeasible) the closest; or -1."""
        row = int(self.row["chosen_row"])
        return row if row >= 0 else int(self.row["closest_row"])

    def euros(self):
        return self.metric.endswith("_eur")

    def objective_axis(self):
        """(factor, axis label) of the objective (a mean of its metric)."""
        f, unit = scale_of(self.res.units(f"metrics/{self.material}/{self.region}/{self.metric}"))
        what = METRIC_TITLES.get(self.metric, self.metric)
        return f, f"mean {what}, {unit}"

    def where(self):
        return where(self.material, self.region)


def optimise_problems(res):
    return [Problem(res, row) for row in res.optimise_problems()]


def value_text(res, key, v):
    """A variable's value with its unit: '482 days', '30 days', '0.04'."""
    unit = res.unit_of(key)  # the file's (docs/results-format.md "/policies")
    return f"{fmt_num(v)}{' ' + unit if unit in ('days', 't', 't/yr') else ''}"


def combination_text(prob, c):
    """The choice variables' values in combination c: 'size_days=30' ('' without choices)."""
    cand, res = prob.candidates, prob.res
    rows = [i for i, k in enumerate(cand["combination"]) if k == c]
    parts = [f"{res.field_of(k)}={cand[k][rows[0]]:g}" for k in prob.keys
             if prob.kind(k) == "choice" and rows]
    return ", ".join(parts)


def plot_optimise_search(res, prob, path):
    """The objective on the search sample against each continuous or integer variable: every
    point the search evaluated (one colour per combination of the choice variables; hollow where
    a constraint failed on the search sample) and the chosen optimum (the closest, if none met
    the constraints) labelled with its value."""
    ranged = prob.ranged()
    cand = prob.candidates
    if not ranged or cand is None:
        return None
    search = np.array([s == "search" for s in cand["stage"]])
    if not search.any():
        return None
    f, ylabel = prob.objective_axis()
    y = cand["objective"] * f
    combos = sorted(set(cand["combination"][search].astype(int).tolist()))
    colors = plt.cm.tab10(np.arange(10))
    ncols = min(2, len(ranged))
    nrows = math.ceil(len(ranged) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.4 * ncols, 4.8 * nrows + 0.8),
                             squeeze=False, sharey=True, layout="constrained")
    row = prob.shown_row
    chosen = int(prob.row["chosen_row"]) >= 0
    has_constraints = prob.constraints is not None
    for ax, key in zip(axes.flat, ranged):
        x = cand[key]
        for n, c in enumerate(combos):
            color = colors[n % 10]
            name = combination_text(prob, c)
            for feasible in (True, False):
                sel = search & (cand["combination"] == c) & ((cand["feasible"] > 0) == feasible)
                if not sel.any():
                    continue
                label = name or "points searched"
                if has_constraints:
                    label += ": constraints met" if feasible else ": a constraint failed"
                ax.plot(x[sel], y[sel], "o", ms=4.5, alpha=0.75, color=color,
                        mfc=color if feasible else "none", label=label)
        if row >= 0:
            a = prob.answers
            xv, yv = a[key][row], a["search_objective"][row] * f
            mark = "chosen optimum" if chosen else "closest to meeting the constraints"
            ax.plot(xv, yv, "*", ms=16, color="tab:red", mec="black", zorder=5,
                    label=f"{mark}: {value_text(res, key, xv)}")
            ax.annotate(f"{value_text(res, key, xv)}", (xv, yv), xytext=(8, 10),
                        textcoords="offset points", fontsize=9, fontweight="bold",
                        color="tab:red").set_in_layout(False)
        i = prob.keys.index(key)
        lo, hi = prob.variables["min"][i], prob.variables["max"][i]
        ax.set_xlim(lo - 0.03 * (hi - lo or 1), hi + 0.03 * (hi - lo or 1))
        ax.set_xlabel(field_label(res, key))
        if ax in axes[:, 0]:
            ax.set_ylabel(f"{ylabel}\n(on the search sample)")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    for ax in list(axes.flat)[len(ranged):]:
        ax.set_visible(False)
    goal = ("maximise the net benefit, that is minimise the mean total cost" if prob.maximise
            else f"minimise the mean {METRIC_TITLES.get(prob.metric, prob.metric)}")
    fig.suptitle(f"Optimisation '{prob.name}': {goal}, {prob.where()}\n"
                 f"every policy the search tried, each on the same "
                 f"{int(prob.row['search_replications'])} simulated histories (the search sample)",
                 fontsize=11, fontweight="bold")
    save_figure(fig, path, res.path)
    plt.close(fig)
    return path


def frontier_points(prob):
    """The cost-risk frontier as rows: (bound, answers row or -1, closest row or -1)."""
    fr = prob.frontier
    if fr is None:
        return []
    return sorted(zip(fr["bound"].tolist(), fr["answer_row"].astype(int).tolist(),
                      fr["closest_row"].astype(int).tolist()))


def frontier_constraint(prob):
    """The index of the constraint whose bound the frontier varies (its `frontier` is listed)."""
    if prob.constraints is None:
        return None
    return next((j for j, v in enumerate(prob.constraints["frontier"]) if v.strip()), None)


def plot_optimise_frontier(res, prob, path):
    """The cost-risk frontier: each bound of the constraint (across) against the objective of the
    best policy that met it on the search sample (up, left), with its 95 % interval on the fresh
    replications, and against its net benefit (right: paired with the baseline history by
    history, so its interval shows differences that the objective's own interval hides). A point
    not met at 95 % confidence, or met by no policy (then the closest is shown), is marked."""
    points = frontier_points(prob)
    j = frontier_constraint(prob)
    if not points or j is None:
        return None
    a = prob.answers
    main = int(prob.row["chosen_row"])
    own = prob.constraints["bound"][j]
    shown = [(b, r if r >= 0 else c, "none" if r < 0 else
              ("met" if a["confirmed"][r] > 0 else "not")) for b, r, c in points]
    if main >= 0 and not any(np.isclose(b, own) for b, _, _ in shown):
        shown.append((own, main, "met" if a["confirmed"][main] > 0 else "not"))
    shown = sorted(s for s in shown if s[1] >= 0)
    if not shown:
        return None
    f, ylabel = prob.objective_axis()
    styles = {"met": ("D", "tab:blue", "met at 95 % confidence on the fresh histories"),
              "not": ("X", "tab:red", "not met at 95 % confidence on the fresh histories"),
              "none": ("x", GREY, "met by no policy in the ranges on the search sample "
                                  "(the closest shown)")}
    panels = [("objective", f, f"{ylabel}\n(95 % interval, {res.R} fresh histories)"),
              ("net_benefit", 1e-6, "net benefit (baseline's total cost less the policy's),\n"
                                    "million EUR (paired 95 % interval)")]
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.8), layout="constrained")
    ranged = prob.ranged() or prob.keys
    for ax, (col, factor, label) in zip(axes, panels):
        ax.plot([b for b, _, _ in shown], [a[f"{col}_mean"][r] * factor for _, r, _ in shown],
                "-", color="tab:blue", alpha=0.4, lw=1, zorder=1)
        for state, (marker, color, text) in styles.items():
            pts = [(b, r) for b, r, st in shown if st == state]
            if not pts:
                continue
            bx, rows = np.array([b for b, _ in pts]), [r for _, r in pts]
            m = a[f"{col}_mean"][rows] * factor
            lo, hi = a[f"{col}_ci95_lo"][rows] * factor, a[f"{col}_ci95_hi"][rows] * factor
            ax.errorbar(bx, m, yerr=[m - lo, hi - m], fmt=marker, color=color, ms=8,
                        capsize=3, elinewidth=1, zorder=3, label=text)
        for b, r, _ in shown:
            text = ", ".join(value_text(res, k, a[k][r]) for k in ranged)
            ax.annotate(text, (b, a[f"{col}_mean"][r] * factor), xytext=(6, -12),
                        textcoords="offset points", fontsize=8).set_in_layout(False)
        if main >= 0:
            ax.axvline(own, color="black", ls=":", lw=1,
                       label=f"the problem's own bound, {own:g}")
        ax.margins(x=0.15)
        ax.set_xlabel(f"bound on {prob.constraints['label'][j].rsplit(' ', 2)[0]}")
        ax.set_ylabel(label)
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    fig.suptitle(f"Cost-risk frontier of '{prob.name}': {prob.where()}\n"
                 "the best policy meeting each bound, judged on fresh histories: what a "
                 "tighter risk limit costs", fontsize=11, fontweight="bold")
    save_figure(fig, path, res.path)
    plt.close(fig)
    return path


def optimise_stem(outdir, name):
    return os.path.join(outdir, f"optimise_{name}_".replace("/", "-"))


def make_optimise_plots(res, outdir):
    """The figures of every [[optimise]] problem; {kind: path}, kinds 'optimise NAME search'
    and 'optimise NAME frontier'."""
    out = {}
    for prob in optimise_problems(res):
        stem = optimise_stem(outdir, prob.name)
        out[f"optimise {prob.name} search"] = plot_optimise_search(res, prob,
                                                                   stem + "search.png")
        out[f"optimise {prob.name} frontier"] = plot_optimise_frontier(res, prob,
                                                                       stem + "frontier.png")
    return out


# ------------------------------------------------------------------------------------------------


def make_plots(res, outdir, material=None, region=None, metric="total_cost_eur"):
    """Every figure that the file has data for; returns {kind: path}."""
    material, region = defaults(res, material, region)
    if not res.has(f"metrics/{material}/{region}/{metric}"):
        raise SystemExit(f"plot: no metric '{metric}' for {material}/{region} in {res.path}; it "
                         f"has {', '.join(res.metric_names(material, region))}")
    os.makedirs(outdir, exist_ok=True)
    stem = os.path.join(outdir, f"{region}_{material}_".replace("/", "-"))
    out = {
        "frontier": plot_frontier(res, material, region, stem + "frontier.png"),
        "unmet": plot_unmet(res, material, region, stem + "unmet.png"),
        "response": plot_response(res, material, region, metric, stem + f"response_{metric}.png"),
        "tornado": plot_tornado(res, material, region, metric, stem + f"tornado_{metric}.png"),
    }
    fan_materials = [material] if material != "all" else \
        (res.lever_materials() or res.materials()[1:])
    for m in fan_materials:
        out[f"fan {m}"] = plot_fans(res, m, region,
                                    os.path.join(outdir, f"{region}_{m}_fan.png"))
    out.update(make_optimise_plots(res, outdir))
    return {k: v for k, v in out.items() if v}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="plot", description=__doc__.split("\n\n")[0])
    ap.add_argument("file", help="a crisp results file (crisp run -o FILE.h5)")
    ap.add_argument("-o", "--outdir", default=None, help="folder for the PNGs "
                    "(default: FILE-plots beside the file)")
    ap.add_argument("--material", default=None, help="material, or 'all' (default)")
    ap.add_argument("--region", default=None, help="report region (default: the first)")
    ap.add_argument("--metric", default="total_cost_eur",
                    help="metric for the lever response and tornado (default total_cost_eur)")
    ap.add_argument("--unverified", action="store_true",
                    help="read a results file even when its seal does not vouch for it (changed "
                         "since crisp wrote it): crisp reads it whole in a sandbox first")
    a = ap.parse_args(argv)
    outdir = a.outdir or os.path.splitext(a.file)[0] + "-plots"
    try:
        res = open_results(a.file, unverified=a.unverified)
    except (ValueError, FileNotFoundError) as e:  # the file is not a readable results file
        print(f"plot: {e}", file=sys.stderr)
        raise SystemExit(2)
    if os.path.lexists(outdir) and not os.path.isdir(outdir):
        print(f"plot: output folder '{outdir}' exists and is not a folder; choose another with -o",
              file=sys.stderr)
        raise SystemExit(2)
    with res:
        try:
            for path in make_plots(res, outdir, a.material, a.region, a.metric).values():
                print(path)
        except OutputRefused as e:
            print(f"plot: {e}", file=sys.stderr)
            raise SystemExit(2)


if __name__ == "__main__":
    run_as_script(main, "plot")
