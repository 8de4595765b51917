"""Read a crisp results file (docs/results-format.md) from Python.

    import sys; sys.path.insert(0, "scripts")
    from crisp_results import open_results
    with open_results("crisp-results.h5") as res:
        res.metric("gallium", "NL", "unmet_t")          # numpy float64 [P, R]
        res.summary("all", "NL", "total_cost_eur")      # table: label, lever values, mean, sd, ...
        res.long_table(material="gallium")              # one row per value, with lever values

Tables are pandas DataFrames when pandas imports, else dicts of numpy columns
(`open_results(path, use_pandas=False)` forces the latter). Only h5py and numpy are required.

Lever values: /policies stores NaN for every field of a lever that is off in a policy set (the
baseline, or `size_days=0` in a sweep). The tables this module joins (`summary`, `paired`,
`long_table`, `lever_table`) read a lever's on/off fields (those whose `column_off` attribute is a
number: docs/results-format.md "/policies") as their off value there instead, so that a sweep's
0 point plots and filters like any other; its other fields stay NaN (they do not apply), and so
does an on/off field that no policy set uses (one of two alternatives, such as `size_t` of a
stockpile sized in days). `crisp export` and `crisp show --csv/--json` write the same values;
`policies` is the file's table as stored. What each lever column is (kind, lever, field, unit,
range, off value) is read from the file's /policies attributes, not known here.
"""

import os
import shutil
import subprocess
import sys
import tomllib

import h5py
import numpy as np

try:
    import pandas as _pd
except ImportError:  # pandas is optional
    _pd = None

# Units of the metrics (docs/results-format.md); a dataset's own `units` attribute wins.
METRIC_UNITS = {
    "unmet_t": "t",
    "unmet_frac": "fraction of demand",
    "shortage_days": "days",
    "longest_shortage_days": "days",
    "peak_shortfall_frac": "fraction of demand rate",
    "loss_eur": "EUR",
    "policy_cost_eur": "EUR",
    "total_cost_eur": "EUR",
    "stock_released_t": "t",
    "stock_min_frac": "fraction of stockpile target",
    "price_peak_multiple": "x base price",
    "max_country_share": "fraction of supply",
    "demand_given_up_t": "t",
    "demand_given_up_eur": "EUR",
}
METRIC_TITLES = {  # noun phrases for titles and axis labels
    "unmet_t": "unmet demand",
    "unmet_frac": "share of demand unmet",
    "shortage_days": "days with a shortage",
    "longest_shortage_days": "longest shortage",
    "peak_shortfall_frac": "peak shortfall",
    "loss_eur": "loss from unmet demand",
    "policy_cost_eur": "policy cost",
    "total_cost_eur": "total cost (loss + policy cost)",
    "stock_released_t": "stockpile released",
    "stock_min_frac": "lowest stockpile level",
    "price_peak_multiple": "peak price",
    "max_country_share": "largest third-country share of supply",
    "demand_given_up_t": "demand given up to high prices",
    "demand_given_up_eur": "value of demand given up to high prices",
}
# Planned /timeseries series (format 1.1): units until the file carries its own.
SERIES_UNITS = {
    "t": "days",
    "stock": "t",
    "buffer": "t",
    "inflow": "t/day",
    "unmet_rate": "t/day",
    "price_multiple": "x base price",
    "unmet_cum_t": "t",
}
class Lever:
    """A policy lever: its kind, regions and material ("all": every material), and its /policies
    columns, named '<kind> <regions> <material>.<field>' with the regions joined by '+'."""

    def __init__(self, kind, regions, material):
        self.kind, self.regions, self.material = kind, list(regions), material
        self.name = f"{kind} {'+'.join(self.regions)} {material}"
        self.columns = []  # its /policies columns, "<name>.<field>"

    def field(self, column):
        """'stockpile North Sea rare earths.release.delay_days' -> 'release.delay_days'."""
        return column[len(self.name) + 1:]

    @classmethod
    def from_column(cls, column):
        """The lever of a column read from the column alone: right only for names without spaces
        or dots (the fallback for a file whose experiment cannot be read)."""
        parts = column.split(".", 1)[0].split(" ")
        if len(parts) < 3:
            return cls(parts[0], [], "all")
        return cls(parts[0], " ".join(parts[1:-1]).split("+"), parts[-1])

    def __repr__(self):
        return f"Lever({self.name!r})"


def _levers(info, columns):
    """The levers of the /policies columns, in column order, from the columns' attributes (each
    column's kind, lever name, regions and material); by the column names alone for a file
    without them (format < 1.4), right only for names without spaces or dots."""
    levers = []
    for col in columns:
        i = info.get(col)
        lever = Lever(i["kind"], i["regions"].split("+"), i["material"]) if i \
            else Lever.from_column(col)
        if not levers or levers[-1].name != lever.name:
            levers.append(lever)
        levers[-1].columns.append(col)
    return levers


def _column_info(dataset):
    """{column: {kind, lever, field, regions, material, unit, range, min, max, off, alternative}}
    from the /policies attributes (docs/results-format.md "/policies"); {} before format 1.4."""
    a = dataset.attrs
    if "column_field" not in a:
        return {}
    names = dataset.dtype.names
    keys = ("kind", "lever", "field", "regions", "material", "unit", "range", "min", "max", "off",
            "alternative")
    cols = {k: [_plain(v) for v in a[f"column_{k}"]] for k in keys}
    return {n: {k: cols[k][j] for k in keys} for j, n in enumerate(names) if cols["lever"][j]}


class Results:
    """An open crisp results file. Use as a context manager, or call close()."""

    def __init__(self, path, use_pandas=None, unverified=False):
        self.path = str(path)
        self.pandas = (_pd is not None) if use_pandas is None else bool(use_pandas and _pd)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"{self.path}: no such file")
        _check_with_crisp(self.path, unverified)  # before HDF5 reads a byte of it
        try:
            self._f = h5py.File(self.path, "r")
        except OSError as e:
            raise ValueError(f"{self.path}: not a crisp results file (not an HDF5 file)") from e
        filetype = self._f.attrs.get("filetype")
        if filetype != "crisp-results":
            self._f.close()
            hint = ": a part of a sharded run; join the parts with `crisp merge` first" \
                if filetype == "crisp-part" else ""
            raise ValueError(f"{self.path}: not a crisp results file (filetype {filetype!r}, "
                             f"expected 'crisp-results'){hint}")
        major = int(self._f.attrs["format_version"][0])
        if major != 1:
            self._f.close()
            raise ValueError(f"{self.path}: results format {major}.x; this reader reads 1.x")
        self.attributes = {k: _plain(v) for k, v in self._f.attrs.items()}
        try:
            self.experiment = tomllib.loads(self.attributes.get("experiment_toml", ""))
        except tomllib.TOMLDecodeError:
            self.experiment = {}
        raw = self._f["policies"][()]
        self._policies = raw
        self.labels = [s.decode("utf-8") for s in raw["label"]]
        self.P = len(self.labels)
        self.R = int(self.attributes["replications"])
        self.lever_columns = [n for n in raw.dtype.names if n not in ("id", "label")]
        self.column_info = _column_info(self._f["policies"])
        self.levers = _levers(self.column_info, self.lever_columns)
        self._effective = {c: self._effective_values(c) for c in self.lever_columns}

    # -- plumbing -------------------------------------------------------------------------------
    def close(self):
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _table(self, columns):
        """dict of equal-length columns -> DataFrame (with pandas) or the dict itself."""
        return _pd.DataFrame(columns) if self.pandas else columns

    def has(self, path):
        return path in self._f

    def raw(self, path):
        """A dataset as stored (tables: numpy structured arrays, strings as bytes)."""
        return self._policies if path.strip("/") == "policies" else self._f[path][()]

    def attrs_of(self, path):
        return {k: _plain(v) for k, v in self._f[path].attrs.items()} if path in self._f else {}

    def units(self, path):
        """The `units` attribute of a dataset, else the documented unit of its metric/series."""
        u = self.attrs_of(path).get("units")
        if u:
            return u
        leaf = path.rstrip("/").rsplit("/", 1)[-1]
        return METRIC_UNITS.get(leaf) or SERIES_UNITS.get(leaf, "")

    # -- what the file holds ------------------------------------------------------------------------
    def materials(self):
        """Materials with metrics, 'all' first, then in the experiment's order."""
        present = list(self._f["metrics"].keys())
        order = ["all"] + [m.get("name") for m in self.experiment.get("material", [])]
        return [m for m in order if m in present] + sorted(m for m in present if m not in order)

    def regions(self, material="all"):
        """Report regions of a material, in the experiment's order (report_regions)."""
        present = list(self._f[f"metrics/{material}"].keys())
        order = list(self.experiment.get("experiment", {}).get("report_regions", []))
        if not order and self.has("scenario/nodes"):  # default: every consumer region, node order
            n = self._f["scenario/nodes"][()]
            for kind, region, country in zip(n["kind"], n["region"], n["country"]):
                r = (region or country).decode("utf-8")
                if kind == b"consumer" and r not in order:
                    order.append(r)
        return [r for r in order if r in present] + sorted(r for r in present if r not in order)

    def metric_names(self, material="all", region=None):
        region = region or self.regions(material)[0]
        return list(self._f[f"metrics/{material}/{region}"].keys())

    def lever_materials(self):
        """Materials a lever names, in lever order (crisp's per-material comparison tables)."""
        out = []
        for lv in self.levers:
            if lv.material != "all" and lv.material not in out:
                out.append(lv.material)
        return out

    # -- policy sets --------------------------------------------------------------------------------
    @property
    def policies(self):
        """/policies as stored: id, label, one column per lever field (NaN where the lever is off)."""
        cols = {"id": self._policies["id"].astype(np.int64), "label": list(self.labels)}
        for c in self.lever_columns:
            cols[c] = self._policies[c].astype(float)
        return self._table(cols)

    def off_value(self, column):
        """The value that turns the column's lever off (its `column_off` attribute), or None for
        a field that does not."""
        off = self.column_info.get(column, {}).get("off", float("nan"))
        return None if np.isnan(off) else float(off)

    def unit_of(self, column):
        """A lever column's unit as the file gives it: 'days', 't', 't/yr', '1', ... ('' if none)."""
        return self.column_info.get(column, {}).get("unit", "")

    def alternative_of(self, column):
        """The column of the field that gives the same quantity in another unit ('' if none): a
        lever uses one of the two, and the other holds NaN."""
        alt = self.column_info.get(column, {}).get("alternative", "")
        return f"{self.lever_of(column).name}.{alt}" if alt else ""

    def _effective_values(self, column):
        lever = self.lever_of(column)
        values = self._policies[column].astype(float).copy()
        off = self.off_value(column)
        if off is None or np.all(np.isnan(values)):
            return values
        # The lever is off where every on/off field it uses is NaN (as sim/cli/show_export.cpp
        # export_policies decides): a field's alternative, when in use, leaves it NaN.
        used = [self._policies[c].astype(float) for c in lever.columns
                if self.off_value(c) is not None and not np.all(np.isnan(self._policies[c]))]
        values[np.all(np.isnan(used), axis=0)] = off
        return values

    def lever_values(self, column):
        """A lever column with the off value where the lever is off (see the module docstring)."""
        return self._effective[column].copy()

    def swept_columns(self):
        """Lever columns whose value differs between the policy sets after the baseline (the
        design's axes; the baseline alone, every lever off, does not make a column swept)."""
        out = []
        for c in self.lever_columns:
            v = self._effective[c][1:]
            v = v[~np.isnan(v)]
            if len(np.unique(v)) > 1:
                out.append(c)
        return out

    def lever_of(self, column):
        return next(lv for lv in self.levers if column in lv.columns)

    def field_of(self, column):
        """The lever field a /policies column holds: 'size_days', 'release.delay_days'."""
        return self.lever_of(column).field(column)

    def lever_table(self, columns=None):
        """id, label and the (effective) lever values: what summary/paired join."""
        cols = {"policy": np.arange(self.P), "label": list(self.labels)}
        for c in (self.lever_columns if columns is None else columns):
            cols[c] = self.lever_values(c)
        return cols

    # -- data ---------------------------------------------------------------------------------------
    def metric(self, material, region, name):
        """float64 [P, R]: the metric for each policy set (row) and replication (column)."""
        return self._f[f"metrics/{material}/{region}/{name}"][()]

    def _joined(self, group, material, region, name):
        raw = self._f[f"{group}/{material}/{region}/{name}"][()]
        cols = self.lever_table()
        for c in raw.dtype.names:
            if c != "label":  # format 1.1 rows carry the label, already joined from /policies
                cols[c] = raw[c].astype(float)
        return self._table(cols)

    def summary(self, material, region, name):
        """/summary table [P] (mean, sd, ci95_lo, ci95_hi, quantiles, cvar95, p_positive) with
        the policy label and lever values as columns."""
        return self._joined("summary", material, region, name)

    def paired(self, material, region, name):
        """/paired table [P] (diff_mean, diff_ci95_lo, diff_ci95_hi: set minus baseline) with the
        policy label and lever values as columns."""
        return self._joined("paired", material, region, name)

    def stat(self, group, material, region, name, column):
        """One column of a /summary or /paired table as a numpy array [P]."""
        return self._f[f"{group}/{material}/{region}/{name}"][column].astype(float)

    def net_benefit(self, material, region):
        """Net benefit of each policy set as crisp's comparison table prints it: the baseline's
        total cost minus the set's, replication by replication (-/paired total_cost_eur), in EUR.
        Returns (mean, ci95_lo, ci95_hi), numpy arrays [P]; row 0 is 0."""
        d = self._f[f"paired/{material}/{region}/total_cost_eur"][()]
        return (-d["diff_mean"].astype(float), -d["diff_ci95_hi"].astype(float),
                -d["diff_ci95_lo"].astype(float))

    def timeseries(self, material, region, series):
        """float32 [P, K, T] sampled trajectories, or None when the file has none (format 1.0)."""
        path = f"timeseries/{material}/{region}/{series}"
        return self._f[path][()] if path in self._f else None

    def sensitivity_runs(self):
        """(parameter names, factors) of /sensitivity/runs, or None without [sensitivity]."""
        if not self.has("sensitivity/runs"):
            return None
        runs = self._f["sensitivity/runs"][()]
        return [p.decode("utf-8") for p in runs["parameter"]], runs["factor"].astype(float)

    def sensitivity(self, statistic, material, region, name):
        """float64 [S, P]: a statistic of the metric in each sensitivity run, or None."""
        path = f"sensitivity/{statistic}/{material}/{region}/{name}"
        return self._f[path][()] if path in self._f else None

    # -- crisp optimise (/optimise) --------------------------------------------------------------
    def optimise_problems(self):
        """/optimise/problems as a list of dicts (one per [[optimise]] problem, strings decoded),
        [] for a file without /optimise (one of crisp run)."""
        if not self.has("optimise/problems"):
            return []
        rows = self._f["optimise/problems"][()]
        return [{n: _plain(r[n]) for n in rows.dtype.names} for r in rows]

    def optimise_table(self, problem, table):
        """/optimise/<problem>/<table> as a dict of numpy columns, text columns as lists of str
        (columns are found by name: crisp may add some), or None when the file has no such
        table (constraints without constraints, gap without gap batches, ...)."""
        path = f"optimise/{problem}/{table}"
        if path not in self._f:
            return None
        raw = self._f[path][()]
        out = {}
        for n in raw.dtype.names:
            col = raw[n]
            out[n] = [_plain(v) for v in col] if col.dtype.kind in "SOU" else col.astype(float)
        return out

    # -- the scenario behind a lever ----------------------------------------------------------
    def material_spec(self, material):
        """The experiment's [[material]] table of `material` ({} if unknown)."""
        return next((m for m in self.experiment.get("material", []) if m.get("name") == material),
                    {})

    def member_regions(self, regions):
        """Regions and [groups] names -> the consumer regions they stand for (a group by its
        members, as crisp expands one), without repeats, in order."""
        groups = self.experiment.get("groups", {})
        out, seen = [], set()

        def add(name):
            if name in seen:
                return
            seen.add(name)
            if name in groups:
                for member in groups[name]:
                    add(member)
            elif name not in out:
                out.append(name)
        for r in regions:
            add(r)
        return out

    def day0_demand_tpy(self, material, regions):
        """Day-0 demand (t/yr) of `material`'s consumer nodes in `regions` (groups expanded), from
        /scenario/nodes: what a stockpile's `size_days` counts days of (docs/model.md "Strategic
        stockpiles": day-0 demand, not grown demand). None when the file has no /scenario/nodes."""
        if not self.has("scenario/nodes"):
            return None
        members = set(self.member_regions(regions))
        n = self._f["scenario/nodes"][()]
        total = 0.0
        for kind, mat, region, country, demand in zip(n["kind"], n["material"], n["region"],
                                                       n["country"], n["demand_tpy"]):
            r = (region or country).decode("utf-8")
            if kind == b"consumer" and mat.decode("utf-8") == material and r in members:
                total += float(demand)
        return total

    def stockpile_size(self, column, value, policy_set):
        """A stockpile's size in physical units, when `column` is its `size_days` or `size_t`
        (else None): dict with days, tonnes, demand_tpy (day-0, its regions), price (EUR/t, the
        material's base price), buy_eur (tonnes x price), holding_rate (share of value a year,
        the policy set's `holding_cost_per_year`; 0 when not set, crisp's default) and
        hold_eur_per_year (buy_eur x holding_rate). Values that cannot be known are NaN."""
        lever = self.lever_of(column)
        if lever.kind != "stockpile" or not self.alternative_of(column):
            return None
        demand = self.day0_demand_tpy(lever.material, lever.regions)
        demand = float("nan") if demand is None else demand
        per_day = demand / 365.0
        if self.unit_of(column) == "days":
            days, tonnes = value, value * per_day
        else:
            tonnes = value
            days = value / per_day if per_day > 0 else float("nan")
        price = float(self.material_spec(lever.material).get("price_eur_per_t", float("nan")))
        hc_col = f"{lever.name}.holding_cost_per_year"
        rate = float(self._policies[hc_col][policy_set]) if hc_col in self.lever_columns \
            else float("nan")
        if np.isnan(rate):
            rate = 0.0
        return {"days": days, "tonnes": tonnes, "demand_tpy": demand, "price": price,
                "buy_eur": tonnes * price, "holding_rate": rate,
                "hold_eur_per_year": tonnes * price * rate}

    def series(self):
        """Every (material, region, metric) of /metrics, in file order."""
        out = []
        for m in self.materials():
            for r in self.regions(m):
                out += [(m, r, k) for k in self._f[f"metrics/{m}/{r}"].keys()]
        return out

    def long_table(self, material=None, region=None, metrics=None, levers="all"):
        """One row per (policy set, replication, material, region, metric): columns policy,
        label, replication, material, region, metric, value, then the lever values (`levers`:
        "all" columns, "swept" ones only, or a list). Filters narrow it (None: everything)."""
        chosen = [s for s in self.series()
                  if (material is None or s[0] == material) and (region is None or s[1] == region)
                  and (metrics is None or s[2] in metrics)]
        lever_cols = {"all": self.lever_columns, "swept": self.swept_columns()}.get(levers, levers)
        n = self.P * self.R
        policy = np.repeat(np.arange(self.P), self.R)
        value = np.concatenate([self.metric(*s).reshape(-1) for s in chosen]) if chosen \
            else np.zeros(0)
        k = len(chosen)
        labels = np.asarray(self.labels, dtype=object)
        cols = {
            "policy": np.tile(policy, k),
            "label": np.tile(labels[policy], k),
            "replication": np.tile(np.tile(np.arange(self.R), self.P), k),
            "material": np.repeat(np.array([s[0] for s in chosen], dtype=object), n),
            "region": np.repeat(np.array([s[1] for s in chosen], dtype=object), n),
            "metric": np.repeat(np.array([s[2] for s in chosen], dtype=object), n),
            "value": value,
        }
        for c in lever_cols:
            cols[c] = np.tile(self.lever_values(c)[policy], k)
        if self.pandas:
            df = _pd.DataFrame(cols)
            for c in ("label", "material", "region", "metric"):
                df[c] = df[c].astype("category")
            return df
        return cols


def _plain(v):
    """HDF5 attribute -> plain Python value."""
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _crisp_binary():
    """crisp, to check files with: $CRISP_BIN, else this repository's release build, else PATH."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.environ.get("CRISP_BIN"),
                      os.path.join(here, "..", "build", "release", "sim", "cli", "crisp"),
                      shutil.which("crisp")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _check_with_crisp(path, unverified=False):
    """Has crisp's own reader check the whole file, when crisp is built (ValueError with its line).

    A damaged file can make HDF5 allocate gigabytes, loop or read past a buffer before h5py can say
    anything; `crisp check FILE.h5` verifies the file's seal (docs/results-format.md "The seal")
    before HDF5 reads it, then reads every dataset (exit 2, one line, on any damage). With
    `unverified`, a file changed since crisp wrote it is read whole in crisp's sandbox instead.
    """
    crisp = _crisp_binary()
    if crisp is None:
        return
    command = [crisp, "check", path] + (["--unverified"] if unverified else [])
    done = subprocess.run(command, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"crisp check exited {done.returncode}"]
        message = lines[-1].removeprefix("crisp: error: ").removeprefix("check: ")
        raise ValueError(message)


def open_results(path, use_pandas=None, unverified=False):
    """Open a crisp results file; ValueError (naming the path) for anything else.

    `unverified`: also a file changed since crisp wrote it (by h5py, say), as `crisp check
    --unverified` reads one."""
    return Results(path, use_pandas, unverified)


# ------------------------------------------------------------------------------------------------
# Writing: the rule every crisp command that writes a file follows (docs/results-format.md
# "Writing a file", sim/results/output_file.hpp), once for scripts/plot and scripts/report.


class OutputRefused(ValueError):
    """The output may not be written (one line: the caller prints it and exits 2)."""


def _why_not_replace(path, inputs, is_of_kind, noun):
    """Why an existing `path` may not be replaced, or None (absent, or of the kind written)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if os.path.islink(path):
        return "is a symbolic link (crisp never writes through one)"
    if not os.path.isfile(path):
        return "is not a regular file"
    for i in inputs:
        try:
            si = os.stat(i)
        except OSError:
            continue
        if (si.st_dev, si.st_ino) == (st.st_dev, st.st_ino):
            return "is one of this command's inputs"
    if not is_of_kind(path):
        return f"exists and is not {noun}"
    return None


def check_output(path, inputs=(), is_of_kind=lambda path: False, noun="a crisp output"):
    """OutputRefused when write_output(path, ...) would refuse the target as it is now: asked
    before the work, so that a refusal comes at once (write_output asks again)."""
    why = _why_not_replace(path, inputs, is_of_kind, noun)
    if why:
        raise OutputRefused(f"output '{path}' {why}; choose another name with -o or move it away")


def write_output(path, data, inputs=(), is_of_kind=lambda path: False, noun="a crisp output"):
    """Writes `data` (bytes) to `path` by crisp's output rule: never an input, a link or anything
    but a regular file; an existing file replaced only when `is_of_kind(path)`; written to
    `path`.partial, created exclusively (a file of that name, the user's or another command's, is
    left as it is and refused), and moved into place only once complete. OutputRefused (one line)
    when the rule forbids it; on any failure the partial file it created is removed."""
    check_output(path, inputs, is_of_kind, noun)
    partial = path + ".partial"
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o644)
    except FileExistsError:
        raise OutputRefused(f"'{partial}' exists: another command is writing '{path}', or one was "
                            "stopped, or it is yours; it is left as it is: move it away or choose "
                            "another name with -o") from None
    ident = os.fstat(fd)
    done = False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        why = _why_not_replace(path, inputs, is_of_kind, noun)
        if why:
            done = True  # the complete output stays where the message says
            raise OutputRefused(f"output '{path}' {why} at the end; it is left as it is, and the "
                                f"complete output is in '{partial}'")
        if os.path.lexists(path):
            os.replace(partial, path)
        else:  # no-replace: a file appearing meanwhile stays
            try:
                os.link(partial, path)
            except FileExistsError:
                done = True
                raise OutputRefused(f"output '{path}' appeared at the end; it is left as it is, "
                                    f"and the complete output is in '{partial}'") from None
            os.unlink(partial)
        done = True
    finally:
        if not done:
            try:
                st = os.lstat(partial)
                if (st.st_dev, st.st_ino) == (ident.st_dev, ident.st_ino):
                    os.unlink(partial)
            except OSError:
                pass


def starts_with(prefix):
    """A kind test: the file's first bytes are `prefix`."""
    def test(path):
        with open(path, "rb") as fh:
            return fh.read(len(prefix)) == prefix
    return test


def run_as_script(main, prog):
    """Runs a script's main(): any failure it does not handle itself is one line on stderr and exit
    2, never a traceback (CRISP_TRACEBACK=1 shows the traceback, for reporting a bug)."""
    try:
        main()
    except Exception as e:  # noqa: BLE001 (the one place every failure of a script ends)
        if os.environ.get("CRISP_TRACEBACK") == "1":
            raise
        text = " ".join(str(e).split()) or type(e).__name__
        print(f"{prog}: {type(e).__name__}: {text} (CRISP_TRACEBACK=1 shows where)", file=sys.stderr)
        raise SystemExit(2)
