// Reading a calibration file (README "crisp calibrate"): parse, check each key, then place every
// published figure of its series on the replay's calendar. Each error is one line naming the file,
// line and column, the key and its value (sim/experiment/toml_reader.hpp).

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sim/experiment/csv_reader.hpp"
#include "sim/experiment/input_file.hpp"
#include "sim/experiment/sections.hpp"
#include "sim/optimise/calibration.hpp"

namespace crisp {

using toml_input::Table;
using toml_input::Value;

std::int64_t days_from_civil(int year, int month, int day) {
  namespace c = std::chrono;
  const c::year_month_day date{c::year{year}, c::month{static_cast<unsigned>(month)},
                               c::day{static_cast<unsigned>(day)}};
  return c::sys_days{date}.time_since_epoch().count();
}

std::string month_name(MonthIndex m) {
  return fmt::format("{:04d}-{:02d}", m / 12, m % 12 + 1);
}

namespace {

std::optional<int> digits(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

int days_in_month(int year, int month) {
  namespace c = std::chrono;
  const c::year_month_day_last last{c::year{year},
                                    c::month_day_last{c::month{static_cast<unsigned>(month)}}};
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

struct MonthSpan {
  MonthIndex first = 0, last = 0;
};

// One end of a period: "YYYY", "YYYY-Qn", "YYYY-MM", "YYYY-MM-DD", "YYYY-MM-start",
// "YYYY-MM-late" (the series README's conventions). A day stands for its month.
std::optional<MonthSpan> parse_one(std::string_view s) {
  const auto year = digits(s.substr(0, 4));
  if (s.size() < 4 || !year || *year < 1000) return std::nullopt;
  const MonthIndex jan = *year * 12;
  if (s.size() == 4) return MonthSpan{jan, jan + 11};
  if (s[4] != '-') return std::nullopt;
  const std::string_view rest = s.substr(5);
  if (rest.size() == 2 && rest[0] == 'Q') {
    const auto q = digits(rest.substr(1));
    if (!q || *q < 1 || *q > 4) return std::nullopt;
    return MonthSpan{jan + 3 * (*q - 1), jan + 3 * (*q - 1) + 2};
  }
  const auto month = digits(rest.substr(0, 2));
  if (rest.size() < 2 || !month || *month < 1 || *month > 12) return std::nullopt;
  const MonthIndex m = jan + *month - 1;
  if (rest.size() == 2) return MonthSpan{m, m};
  if (rest[2] != '-') return std::nullopt;
  const std::string_view tail = rest.substr(3);
  if (tail == "start" || tail == "late") return MonthSpan{m, m};
  const auto day = digits(tail);
  if (tail.size() != 2 || !day || *day < 1 || *day > days_in_month(*year, *month))
    return std::nullopt;
  return MonthSpan{m, m};
}

// A period: one end, or "A..B" from A's first month to B's last.
std::optional<MonthSpan> parse_period(std::string_view s) {
  if (const auto dots = s.find(".."); dots != std::string_view::npos) {
    const auto a = parse_one(s.substr(0, dots)), b = parse_one(s.substr(dots + 2));
    if (!a || !b || b->last < a->first) return std::nullopt;
    return MonthSpan{a->first, b->last};
  }
  return parse_one(s);
}

constexpr const char* kPeriodForms =
    "a period such as '2010', '2010-Q3', '2010-09', '2010-09-15' or '2010-01..2010-09'";

// A month "YYYY-MM" of the calibration file.
MonthIndex read_month(const Value& v) {
  const std::string s = v.string();
  const auto span = parse_one(s);
  if (s.size() != 7 || !span) v.fail("a month 'YYYY-MM'");
  return span->first;
}

std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// The column `key` names, or an error at the key listing the columns there are.
std::size_t column_of(const Table& t, std::string_view key, const csv::Document& doc,
                      const std::string& file) {
  const Value v = t.require(key, "the name of a column of the series file");
  const std::string name = v.string();
  const auto& h = doc.header.fields;
  const auto it = std::find(h.begin(), h.end(), name);
  if (it == h.end())
    v.fail_with(fmt::format("{}: '{}' is not a column of {}{}", v.key(), name, file,
                            toml_input::suggest(name, h)));
  return static_cast<std::size_t>(it - h.begin());
}

// Day 0's month and the last month whose every day the replay samples (one sample a day, at days
// 0 .. floor(horizon)): the months a figure may cover.
struct Replay {
  std::int64_t day0 = 0;
  double horizon_days = 0;
  bool covers(MonthIndex m, int shift_days = 0) const {
    const int y = m / 12, mo = m % 12 + 1;
    const std::int64_t a = days_from_civil(y, mo, 1) - day0 + shift_days;
    const std::int64_t b = a + days_in_month(y, mo);  // one past its last day
    return a >= 0 && static_cast<double>(b - 1) <= std::floor(horizon_days);
  }
};

CalibrationSeries read_series(const Table& t, const CalibrationSpec& spec, const Replay& replay,
                              const std::string& folder) {
  using namespace toml_input;
  t.check_keys({.allowed = {"name", "kind", "file", "date", "value", "value_high", "unit",
                            "material", "region", "country", "scale", "weight", "floor", "base",
                            "where", "where_not", "min_months", "max_months", "shift_days"}});
  CalibrationSeries s;
  s.name = t.require("name", "a name for the series, such as \"ree-exports\"").name();
  t.set_label(fmt::format("series '{}'", s.name));
  static const std::vector<std::string> kinds = {"exports", "price"};
  s.kind = t.require("kind", "\"exports\" or \"price\"").choice(kinds) == "exports"
               ? SeriesKind::exports
               : SeriesKind::price;
  const Scenario& sc = spec.scenario;

  const Value material = t.require("material", "the name of a material of the replay");
  s.material = sc.find_material(material.string());
  if (s.material < 0) {
    std::vector<std::string> names;
    for (const auto& m : sc.materials)
      names.push_back(m.name);
    material.fail_with(fmt::format("{}: '{}' is not a material of the replay{}", material.key(),
                                   material.string(), suggest(material.string(), names)));
  }
  if (const auto region = t.get("region")) {
    const auto& regions = sc.report_regions;
    const auto it = std::find(regions.begin(), regions.end(), region->string());
    if (it == regions.end())
      region->fail_with(fmt::format("{}: '{}' is not a report region of the replay{}",
                                    region->key(), region->string(),
                                    suggest(region->string(), regions)));
    s.region = static_cast<int>(it - regions.begin());
  } else if (s.kind == SeriesKind::exports) {
    t.require("region", "a report region of the replay, whose consumers' arrivals are counted");
  }
  if (s.kind == SeriesKind::exports) {
    const Value country = t.require("country", "the country whose suppliers' exports are counted");
    s.country = country.string();
    const bool supplies = std::any_of(sc.nodes.begin(), sc.nodes.end(), [&](const NodeSpec& n) {
      return n.kind != NodeKind::consumer && n.material == s.material && n.country == s.country;
    });
    if (!supplies)
      country.fail_with(fmt::format("{}: no mine or refinery of {} is in '{}'", country.key(),
                                    sc.materials[static_cast<std::size_t>(s.material)].name,
                                    s.country));
    if (t.has("base")) t.get("base")->fail_with("base: only a price series is an index of a base");
  } else {
    for (const char* key : {"country", "unit"})
      if (const auto v = t.get(key))
        v->fail_with(fmt::format("{}: a price series has no {} (it is an index)", key, key));
  }
  s.scale = t.number_or("scale", 1, above(0));
  s.weight = t.number_or("weight", 1, at_least(0));
  s.floor = t.number_or("floor", 0.01, above(0));
  double unit = 1;  // published value times this: simulated units
  if (s.kind == SeriesKind::exports) {
    static const std::vector<std::string> units = {"t", "kg"};
    unit = t.choice_or("unit", "t", units) == "kg" ? 1e-3 : 1.0;
  }
  // A series can keep only the figures covering few months (monthly customs figures) or only
  // many (year-to-date spans and years), to weigh them apart.
  const std::int64_t min_months = t.integer_or("min_months", 1, 1);
  const std::int64_t max_months = t.integer_or("max_months", 0, 0);
  if (max_months > 0 && min_months > max_months)
    t.get("min_months")
        ->fail_with(fmt::format("min_months {} is above max_months {}: no figure could be kept",
                                min_months, max_months));
  // Customs count a shipment when it leaves; the replay's arrivals come a lead time later.
  if (const auto shift = t.get("shift_days")) {
    if (s.kind != SeriesKind::exports)
      shift->fail_with("shift_days: only an exports series reads arrivals later");
    s.shift_days = static_cast<int>(shift->number(closed(0, 365)));
    if (s.shift_days != shift->number()) shift->fail("a whole number of days in [0, 365]");
  }

  // The file, read whole, then its columns.
  const Value file = t.require("file", "the path of a CSV file, relative to the calibration file");
  s.file = file.string();
  const std::string path = (std::filesystem::path(folder) / s.file).string();
  const input_file::Contents in = input_file::read(path);
  if (!in.error.empty())
    file.fail_with(fmt::format("file: cannot read '{}': {}", s.file, in.error));
  const csv::Document doc = csv::parse(in.text, path);
  const std::size_t date_col = column_of(t, "date", doc, s.file);
  const std::size_t value_col = column_of(t, "value", doc, s.file);
  std::optional<std::size_t> high_col;
  if (t.has("value_high")) high_col = column_of(t, "value_high", doc, s.file);
  // where = { column = "text" }: only rows with that text; where_not: none with it.
  auto filters_of = [&](std::string_view key) {
    std::vector<std::pair<std::size_t, std::string>> out;
    for (const Value& v : t.sub_or_empty(key).values_in_file_order()) {
      const std::string column = v.key().substr(v.key().rfind('.') + 1);
      const auto& h = doc.header.fields;
      const auto it = std::find(h.begin(), h.end(), column);
      if (it == h.end())
        v.fail_with(fmt::format("{}: '{}' is not a column of {}{}", v.key(), column, s.file,
                                suggest(column, h)));
      out.emplace_back(static_cast<std::size_t>(it - h.begin()), v.string());
    }
    return out;
  };
  const auto where = filters_of("where"), where_not = filters_of("where_not");

  // The rows that pass the filters, as (period, months, value).
  struct Row {
    std::string period;
    MonthSpan months;
    double value;
    std::uint32_t line;
  };
  std::vector<Row> rows;
  auto cell_number = [&](const csv::Record& r, std::size_t col) {
    const auto v = parse_number(r.fields[col]);
    if (!v || *v < 0)
      throw InputError(fmt::format("{}:{}: column '{}' must be a number >= 0, got '{}'", path,
                                   r.line, doc.header.fields[col], r.fields[col]));
    return *v;
  };
  for (const csv::Record& r : doc.rows) {
    if (!std::all_of(where.begin(), where.end(),
                     [&](const auto& w) { return r.fields[w.first] == w.second; }) ||
        std::any_of(where_not.begin(), where_not.end(),
                    [&](const auto& w) { return r.fields[w.first] == w.second; }))
      continue;
    const auto span = parse_period(r.fields[date_col]);
    if (!span)
      throw InputError(fmt::format("{}:{}: column '{}' must be {}, got '{}'", path, r.line,
                                   doc.header.fields[date_col], kPeriodForms, r.fields[date_col]));
    const std::int64_t months = span->last - span->first + 1;
    if (months < min_months || (max_months > 0 && months > max_months)) continue;
    double value = cell_number(r, value_col);
    if (high_col) value = 0.5 * (value + cell_number(r, *high_col));
    rows.push_back({r.fields[date_col], *span, value, r.line});
  }
  if (rows.empty())
    file.fail_with(fmt::format("file: no row of '{}' passes the series' filters", s.file));

  double base = 1;
  if (s.kind == SeriesKind::price) {
    const Value b = t.require("base", "the period whose published value the index divides by");
    const std::string period = b.string();
    const auto it =
        std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.period == period; });
    if (it == rows.end())
      b.fail_with(
          fmt::format("base: no row of '{}' has period '{}' (after the filters)", s.file, period));
    if (!(it->value > 0))
      b.fail_with(fmt::format("base: the value of period '{}' is {}, not > 0", period, it->value));
    base = it->value;
  }
  for (const Row& r : rows) {
    bool inside = true;
    for (MonthIndex m = r.months.first; m <= r.months.last; ++m)
      inside = inside && replay.covers(m, s.shift_days);
    if (!inside) {
      ++s.left_out;
      continue;
    }
    CalibrationPoint p;
    p.period = r.period;
    p.first = r.months.first;
    p.last = r.months.last;
    p.published = s.kind == SeriesKind::price ? r.value / base : r.value * unit;
    p.fit = r.months.first >= spec.fit_first && r.months.last <= spec.fit_last;
    p.line = r.line;
    s.points.push_back(p);
  }
  if (spec.fit_first <= spec.fit_last &&
      std::none_of(s.points.begin(), s.points.end(),
                   [](const CalibrationPoint& p) { return p.fit; }))
    t.fail(fmt::format("no figure of '{}' lies in the fit window {} .. {}", s.file,
                       month_name(spec.fit_first), month_name(spec.fit_last)));
  return s;
}

CalibrationParameter read_parameter(const Table& t, const Experiment& ex) {
  using namespace toml_input;
  t.check_keys({.allowed = {"name", "min", "max", "start"}});
  const Value name = t.require("name",
                               "a parameter as [sensitivity] names it, such as "
                               "\"china-controls.leakage\"");
  t.set_label(fmt::format("parameter '{}'", name.string()));
  CalibrationParameter c;
  c.parameter = experiment_detail::resolve_parameter(name, ex.scenario, ex.levers);
  if (c.parameter.target == SensitivityParameter::Target::lever)
    name.fail_with(
        fmt::format("name: '{}' is a lever's field; calibration fits the scenario, "
                    "not a policy",
                    name.string()));
  const Scenario& sc = ex.scenario;
  try {
    c.start = parameter_value(sc, c.parameter);
  } catch (const std::invalid_argument& e) {
    name.fail_with(fmt::format("name: {}", e.what()));
  }
  const Value min = t.require("min", "the parameter's lowest value"),
              max = t.require("max", "the parameter's highest value");
  c.min = min.number();
  c.max = max.number();
  if (!(c.min < c.max))
    max.fail_with(fmt::format("max must be above min ({}), got {}", c.min, c.max));
  // Each bound must be a value the replay may take (the same checks as [sensitivity]'s).
  for (const Value* v : {&min, &max}) {
    std::optional<std::string> why;
    try {
      why = experiment_detail::past_limit(sc, set_parameter(sc, c.parameter, v->number()),
                                          c.parameter);
    } catch (const std::invalid_argument& e) {
      why = e.what();
    }
    if (why) v->fail_with(fmt::format("{} = {}: {}", v->key(), v->number(), *why));
  }
  if (const auto start = t.get("start")) {
    c.start = start->number(toml_input::closed(c.min, c.max));
  } else if (!(c.start >= c.min && c.start <= c.max)) {
    name.fail_with(
        fmt::format("name: the replay's value {} is outside [min, max] = [{}, {}]; "
                    "give start",
                    c.start, c.min, c.max));
  }
  return c;
}

}  // namespace

CalibrationSpec load_calibration_file(const std::string& path) {
  using namespace toml_input;
  const input_file::Contents in = input_file::read(path);
  if (!in.error.empty())
    throw InputError(fmt::format("{}: cannot read the calibration file: {}", path, in.error));
  input_file::check_key_depth(in.text, path);
  toml::table root;
  try {
    root = toml::parse(in.text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    fail_at(path, e.source().begin, fmt::format("TOML syntax error: {}", e.description()));
  }
  const Table top(root, std::make_shared<Place>(Place{path, ""}));
  top.check_keys({.allowed = {"calibration", "parameter", "series"}});
  const auto head = sub_table(top, "calibration");
  if (!head) top.fail("missing the [calibration] table (experiment, day0, fit)");
  const Table& c = *head;
  c.check_keys({.allowed = {"experiment", "day0", "fit", "method", "evaluations",
                            "global_evaluations", "range_tolerance"}});
  CalibrationSpec spec;
  spec.source_name = path;
  const std::string folder = [&] {
    const std::string f = std::filesystem::path(path).parent_path().string();
    return f.empty() ? std::string(".") : f;
  }();

  const Value experiment =
      c.require("experiment", "the replay's experiment file, relative to this file");
  spec.experiment = experiment.string();
  const std::string experiment_path = (std::filesystem::path(folder) / spec.experiment).string();
  if (const auto e = input_file::read(experiment_path); !e.error.empty())
    experiment.fail_with(fmt::format("experiment: cannot read '{}': {}", spec.experiment, e.error));
  const Experiment ex = load_experiment_file(experiment_path);
  spec.scenario = ex.scenario;

  const Value day0 = c.require("day0", "the calendar date of the replay's day 0, 'YYYY-MM-DD'");
  {
    const std::string s = day0.string();
    const auto span = parse_one(s);
    if (s.size() != 10 || !span) day0.fail("a date 'YYYY-MM-DD'");
    spec.day0 = days_from_civil(std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)),
                                std::stoi(s.substr(8, 2)));
  }
  const Replay replay{spec.day0, spec.scenario.horizon_days};

  // Without [[parameter]] the file checks the replay as it is: every figure is out of sample,
  // and a fit window would name months nothing is fitted to.
  const auto parameters = array_of_tables(top, "parameter", "parameter");
  if (parameters.empty()) {
    if (const auto fit = c.get("fit"))
      fit->fail_with(
          "fit: a file without [[parameter]] checks the replay as it is, with every figure out "
          "of sample; leave out fit, or give [[parameter]] tables to fit");
    spec.fit_first = 1;  // an empty window
    spec.fit_last = 0;
  } else {
    const Value fit =
        c.require("fit", "the fit window, [\"YYYY-MM\", \"YYYY-MM\"], with [[parameter]] tables");
    const auto ends = fit.list(false);
    if (ends.size() != 2)
      fit.fail("two months [\"first\", \"last\"], such as [\"2010-01\", \"2011-12\"]");
    spec.fit_first = read_month(ends[0]);
    spec.fit_last = read_month(ends[1]);
    if (spec.fit_last < spec.fit_first)
      ends[1].fail_with(fmt::format("fit: the last month {} is before the first, {}",
                                    month_name(spec.fit_last), month_name(spec.fit_first)));
    for (const Value& e : ends) {
      const MonthIndex m = read_month(e);
      if (!replay.covers(m))
        e.fail_with(fmt::format("{}: month {} is outside the replay (day 0 {}, {:g} days)", e.key(),
                                month_name(m), day0.string(), spec.scenario.horizon_days));
    }
  }
  static const std::vector<std::string> methods = {"bobyqa", "neldermead"};
  spec.method = c.choice_or("method", "bobyqa", methods);
  spec.evaluations = static_cast<int>(c.integer_or("evaluations", 200, 1));
  spec.global_evaluations = static_cast<int>(c.integer_or("global_evaluations", 0, 0));
  if (spec.evaluations > 100'000 || spec.global_evaluations > 100'000)
    c.fail("evaluations and global_evaluations must be at most 100000 each");
  spec.range_tolerance = c.number_or("range_tolerance", 0.10, above(0));

  for (const Table& t : parameters) {
    CalibrationParameter p = read_parameter(t, ex);
    for (const auto& q : spec.parameters)
      if (q.parameter.name == p.parameter.name)
        t.fail(fmt::format("parameter '{}' is listed twice", p.parameter.name));
    spec.parameters.push_back(std::move(p));
  }
  const auto series = array_of_tables(top, "series", "series");
  if (series.empty()) top.fail("no [[series]] to fit to");
  for (const Table& t : series) {
    CalibrationSeries s = read_series(t, spec, replay, folder);
    for (const auto& q : spec.series)
      if (q.name == s.name) t.fail(fmt::format("series '{}' is listed twice", s.name));
    spec.series.push_back(std::move(s));
  }
  return spec;
}

}  // namespace crisp
