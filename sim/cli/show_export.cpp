// `crisp show` and `crisp export`: a results file read back as tables, for people (text) and for
// other programs (CSV, JSON; money in euros, lever values as columns, NaN as empty / null).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <span>
#include <variant>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/names.hpp"
#include "core/stats.hpp"
#include "models/simulator.hpp"
#include "policies/policy_set.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/optimise/outcome_tables.hpp"
#include "sim/results/output_file.hpp"
#include "sim/results/results_file.hpp"
#include "sim/runner/comparison_table.hpp"
#include "sim/runner/futures.hpp"
#include "sim/runner/results_content.hpp"
#include "sim/runner/shock_table.hpp"

namespace crisp {

namespace {

ResultsReader open_results(const std::string& command, const std::string& file,
                           ResultsReader::Kind kind = ResultsReader::Kind::results) {
  if (!std::filesystem::exists(file))
    throw InputError(fmt::format("{}: no such file '{}'", command, file));
  try {
    return ResultsReader(file, kind);
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: {}", command, e.what()));  // not a results file: usage
  }
}

// Appends `field` to a CSV line, after a comma unless it is the line's first.
void add_field(std::string& line, bool& first, const std::string& field) {
  if (!first) line += ',';
  line += field;
  first = false;
}

// A CSV field: quoted when it holds a comma, quote or line break (RFC 4180).
std::string csv(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}
std::string csv(double v) {
  return std::isnan(v) ? std::string() : fmt::format("{:.17g}", v);
}

// A JSON string: valid JSON whatever `text` holds. crisp writes only UTF-8 without control
// characters (core/names.hpp), but a file another program changed may hold anything: a byte
// that is not UTF-8 becomes U+FFFD, and every control character is escaped.
std::string json(const std::string& text) {
  std::string out = "\"";
  for (std::size_t at = 0; at < text.size();) {
    const names::Decoded d = names::decode(text, at);
    if (d.length == 0) {
      out += "\\ufffd";
      ++at;
      continue;
    }
    if (d.code == '"' || d.code == '\\')
      out += {'\\', static_cast<char>(d.code)};
    else if (names::is_control(d.code))
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(d.code));
    else
      out.append(text, at, d.length);
    at += d.length;
  }
  return out + "\"";
}
std::string json(double v) {
  return std::isfinite(v) ? fmt::format("{:.17g}", v) : std::string("null");
}

// /policies as the exports write it: in the rows where a lever is off (every one of its on/off
// fields NaN), each on/off field that holds a number in some other row shows its off value (0
// days, 0 t/yr, a share of 1; policies/policy_set.hpp off_fields) instead of NaN, so that a
// sweep's 0 point and the baseline read as the value the experiment gave, and filter like any
// other; every other field of an off lever stays NaN (empty / null): it does not apply.
// scripts/crisp_results.py reads the file the same way. A column is "<lever name>.<field>", and
// a lever's name starts with its kind ("stockpile NL gallium").
Table export_policies(const ResultsReader& reader) {
  Table table = reader.policy_table();
  const auto find = [&table](const std::string& name) -> std::vector<double>* {
    for (Column& c : table)
      if (c.name == name) return std::get_if<std::vector<double>>(&c.values);
    return nullptr;
  };
  const auto nan = [](double x) { return std::isnan(x); };
  // Each lever's on/off columns, found from the column of its kind's first on/off field; all are
  // read before any is filled (a stockpile's two decide together).
  std::vector<std::vector<std::pair<std::vector<double>*, double>>> levers;
  for (const Column& c : table) {
    const std::size_t space = c.name.find(' ');
    if (space == std::string::npos) continue;  // id, label
    const std::span<const OffField> fields = off_fields(std::string_view(c.name).substr(0, space));
    if (fields.empty()) continue;
    const std::string suffix = fmt::format(".{}", fields.front().field);
    if (!c.name.ends_with(suffix)) continue;
    const std::string lever = c.name.substr(0, c.name.size() - suffix.size());
    auto& own = levers.emplace_back();
    for (const OffField& f : fields)
      if (std::vector<double>* v = find(fmt::format("{}.{}", lever, f.field)))
        own.emplace_back(v, f.value);
  }
  for (auto& own : levers) {
    // A field no row uses (size_t of a stockpile always sized in days) stays NaN.
    std::erase_if(
        own, [&](const auto& f) { return std::all_of(f.first->begin(), f.first->end(), nan); });
    if (own.empty()) continue;
    for (std::size_t r = 0; r < own.front().first->size(); ++r) {
      const bool off =
          std::all_of(own.begin(), own.end(), [&](const auto& f) { return nan(f.first->at(r)); });
      for (const auto& [v, value] : own)
        if (off) (*v)[r] = value;
    }
  }
  return table;
}

// A table of one row per policy set: the policy columns of /policies (id, label, levers) as the
// exports write them (export_policies), then named numeric columns.
struct PolicyRows {
  Table policies;
  std::vector<std::pair<std::string, std::vector<double>>> values;

  void print(TableFormat format, const std::string& what) const {
    const std::size_t rows = policies.empty() ? 0
                                              : std::visit([](const auto& v) { return v.size(); },
                                                           policies.front().values);
    auto cell = [&](const Column& c, std::size_t r, bool as_json) {
      return std::visit(
          [&](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::vector<std::string>>)
              return as_json ? json(v[r]) : csv(v[r]);
            else
              return as_json ? json(static_cast<double>(v[r])) : csv(static_cast<double>(v[r]));
          },
          c.values);
    };
    if (format == TableFormat::csv) {
      std::string line;
      bool first = true;
      for (const Column& c : policies)
        add_field(line, first, csv(c.name));
      for (const auto& [name, v] : values)
        add_field(line, first, csv(name));
      std::cout << line << "\n";
      for (std::size_t r = 0; r < rows; ++r) {
        line.clear();
        first = true;
        for (const Column& c : policies)
          add_field(line, first, cell(c, r, false));
        for (const auto& [name, v] : values)
          add_field(line, first, csv(v[r]));
        std::cout << line << "\n";
      }
      return;
    }
    std::cout << "{\"table\": " << json(what) << ", \"rows\": [";
    for (std::size_t r = 0; r < rows; ++r) {
      std::cout << (r == 0 ? "\n  {" : ",\n  {");
      bool first = true;
      for (const Column& c : policies) {
        std::cout << (first ? "" : ", ") << json(c.name) << ": " << cell(c, r, true);
        first = false;
      }
      for (const auto& [name, v] : values)
        std::cout << ", " << json(name) << ": " << json(v[r]);
      std::cout << "}";
    }
    std::cout << "\n]}\n";
  }
};

// Writing the output failed (a full disk, a folder that is not there): a runtime failure (exit 1),
// not a damaged results file.
struct WriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs `body`; a results file that turns out damaged on the way is a usage error (exit 2), named
// in one line, as one that cannot be opened.
template <class Body>
int reading(const std::string& command, const std::string& file, Body body) {
  try {
    return body();
  } catch (const InputError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const WriteError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: {}: {}", command, file, e.what()));
  }
}

int show_table(const std::string& file, const std::string& metric, const std::string& region_arg,
               const std::string& material, TableFormat format) {
  const ResultsReader reader = open_results("show", file);
  const std::vector<std::string> labels = reader.policy_labels();
  const std::int64_t R = reader.replications();
  const std::string group = material.empty() ? "all" : material;
  if (reader.regions(group).empty())
    throw InputError(fmt::format("show: {} has no results for material '{}'", file, group));
  // The same default as the first table `crisp run` prints: the experiment's first report region.
  const std::vector<std::string> ordered = reader.report_regions();
  const std::string region =
      !region_arg.empty() ? region_arg
                          : (!ordered.empty() ? ordered.front() : reader.regions(group).front());
  const std::string name = metric.empty() ? "total_cost_eur" : metric;
  const std::vector<double> probe = reader.metric(group, region, name);
  if (probe.empty())
    throw InputError(
        fmt::format("show: {} has no metric /metrics/{}/{}/{}", file, group, region, name));
  if (static_cast<std::int64_t>(probe.size()) != static_cast<std::int64_t>(labels.size()) * R)
    throw InputError(
        fmt::format("show: {} is damaged: /metrics/{}/{}/{} has {} values, not {} x {}", file,
                    group, region, name, probe.size(), labels.size(), R));
  const SeriesSource source = [&](const std::string& g, const std::string& r,
                                  const std::string& m) { return reader.metric(g, r, m); };

  if (metric.empty()) {
    if (format == TableFormat::text) {
      // A file of crisp optimise: its answers first, then the table of them all.
      std::cout << optimise_text(reader);
      std::cout << comparison_table(labels, R, group, region, source);
      // A run over futures: the robustness of each set over them.
      if (const Table robustness = reader.table("/futures/robustness"); !robustness.empty()) {
        FuturesContent futures;
        for (const char* name : {"settings", "robustness", "best", "sobol", "morris"})
          if (Table t = reader.table(std::string("/futures/") + name); !t.empty())
            futures.tables.emplace_back(name, std::move(t));
        std::cout << "\n" << futures_text(futures);
      }
      return 0;
    }
    PolicyRows out{export_policies(reader), {}};
    const std::vector<ComparisonRow> rows = compare_policies(labels, R, group, region, source);
    auto column = [&](const char* title, double ComparisonRow::*field) {
      std::vector<double> v;
      for (const ComparisonRow& r : rows)
        v.push_back(r.*field);
      out.values.emplace_back(title, std::move(v));
    };
    column("p_shortage", &ComparisonRow::p_shortage);
    column("mean_shortage_days", &ComparisonRow::shortage_days);
    column("cvar95_loss_eur", &ComparisonRow::cvar95_loss);
    column("mean_policy_cost_eur", &ComparisonRow::policy_cost);
    column("net_benefit_eur", &ComparisonRow::net_benefit);
    column("net_benefit_ci95_lo_eur", &ComparisonRow::net_benefit_lo);
    column("net_benefit_ci95_hi_eur", &ComparisonRow::net_benefit_hi);
    out.print(format, fmt::format("comparison {}/{}", group, region));
    return 0;
  }

  std::vector<Summary> summaries;
  for (std::size_t p = 0; p < labels.size(); ++p)
    summaries.push_back(
        summarize(std::span<const double>(probe.data() + p * R, static_cast<std::size_t>(R))));
  if (format == TableFormat::text) {
    fmt::print("{} / {} / {}: {} replications\n", region, group, metric, R);
    fmt::print("{:<40} {:>14} {:>14} {:>14} {:>14} {:>14}\n", "policy", "mean", "ci95_lo",
               "ci95_hi", "p95", "cvar95");
    for (std::size_t p = 0; p < labels.size(); ++p) {
      const Summary& s = summaries[p];
      fmt::print("{:<40} {:>14.6g} {:>14.6g} {:>14.6g} {:>14.6g} {:>14.6g}\n", labels[p], s.mean,
                 s.ci95_lo, s.ci95_hi, s.p95, s.cvar95);
    }
    return 0;
  }
  PolicyRows out{export_policies(reader), {}};
  for (const auto& [title, field] : kSummaryFields) {
    std::vector<double> v;
    for (const Summary& s : summaries)
      v.push_back(s.*field);
    out.values.emplace_back(title, std::move(v));
  }
  out.print(format, fmt::format("summary {}/{}/{}", group, region, name));
  return 0;
}

// The first line export writes: the policy columns, then these.
constexpr const char* kExportTail = ",replication,material,region,metric,value,units";

// A file crisp export wrote (its first line is export's header): what export may replace.
OutputKind csv_export_kind() {
  return {"a CSV file that crisp export wrote", [](const std::string& path) {
            std::ifstream in(path, std::ios::binary);
            std::string line;
            constexpr std::size_t kLongest = 1 << 16;  // a header is a few hundred bytes
            for (char c; line.size() < kLongest && in.get(c) && c != '\n';)
              line += c;
            return line.starts_with("id,label,") && line.ends_with(kExportTail);
          }};
}

void write_long(const ResultsReader& reader, const std::string& file, std::ostream& out);

int export_long(const std::string& file, const std::string& output) {
  const ResultsReader reader = open_results("export", file);
  if (output.empty()) {
    write_long(reader, file, std::cout);
    if (!std::cout.flush()) throw WriteError("export: cannot write to stdout");
    return 0;
  }
  // Written by the rule of every output (sim/results/output_file.hpp): a failed export leaves
  // nothing behind, and nothing of the user's is replaced.
  std::optional<OutputFile> target;
  try {
    target.emplace(output, csv_export_kind(), std::vector<std::string>{file});
  } catch (const OutputConflict& e) {
    throw InputError(fmt::format("export: {}", e.what()));
  } catch (const std::runtime_error& e) {
    throw WriteError(fmt::format("export: {}", e.what()));  // cannot create the partial file
  }
  try {
    target->write([&](const std::string& partial) {
      std::ofstream to_file(partial, std::ios::out | std::ios::trunc);
      if (!to_file)
        throw WriteError(
            fmt::format("export: cannot write '{}': {}", partial, std::strerror(errno)));
      write_long(reader, file, to_file);
      to_file.close();
      if (!to_file) throw WriteError(fmt::format("export: cannot write '{}'", output));
    });
  } catch (const InputError&) {
    throw;
  } catch (const WriteError&) {
    throw;
  } catch (const std::exception& e) {
    throw WriteError(fmt::format("export: {}", e.what()));
  }
  return 0;
}

// One row per value of the results file, after export's header, to `out`.
void write_long(const ResultsReader& reader, const std::string& file, std::ostream& out) {
  const Table policies = export_policies(reader);
  const std::int64_t R = reader.replications();
  const auto P = static_cast<std::int64_t>(reader.policy_labels().size());
  std::string header;
  bool first = true;
  for (const Column& c : policies)
    add_field(header, first, csv(c.name));
  out << header << kExportTail << "\n";
  // Policy columns of each row, formatted once.
  std::vector<std::string> prefix(static_cast<std::size_t>(P));
  for (std::size_t p = 0; p < prefix.size(); ++p) {
    bool at_start = true;
    for (const Column& c : policies)
      add_field(prefix[p], at_start,
                std::visit(
                    [&](const auto& v) -> std::string {
                      using T = std::decay_t<decltype(v)>;
                      if constexpr (std::is_same_v<T, std::vector<std::string>>)
                        return csv(v[p]);
                      else
                        return csv(static_cast<double>(v[p]));
                    },
                    c.values));
  }
  std::vector<std::string> groups{"all"};
  // Materials: every group under /metrics (the reader lists regions per group).
  for (const std::string& g : reader.groups())
    if (g != "all") groups.push_back(g);
  for (const std::string& g : groups)
    for (const std::string& region : reader.regions(g))
      for (std::size_t k = 0; k < kMetricNames.size(); ++k) {
        const std::string metric(kMetricNames[k]);
        const std::vector<double> v = reader.metric(g, region, metric);
        const bool expected =
            g != "all" || std::find(kAllMaterialMetrics.begin(), kAllMaterialMetrics.end(),
                                    static_cast<Metric>(k)) != kAllMaterialMetrics.end();
        if (v.empty() && expected)
          throw InputError(fmt::format("export: {} is damaged: /metrics/{}/{}/{} is missing", file,
                                       g, region, metric));
        if (v.empty()) continue;
        if (static_cast<std::int64_t>(v.size()) != P * R)
          throw InputError(fmt::format("export: {} is damaged: /metrics/{}/{}/{} has {} values",
                                       file, g, region, metric, v.size()));
        const std::string tail = fmt::format(",{},{},{},", csv(g), csv(region), csv(metric));
        const std::string units(kMetricUnits[k]);
        for (std::int64_t p = 0; p < P; ++p)
          for (std::int64_t r = 0; r < R; ++r)
            out << prefix[static_cast<std::size_t>(p)] << "," << r << tail
                << csv(v[static_cast<std::size_t>(p * R + r)]) << "," << units << "\n";
      }
}

// A results or part file read whole: every series its experiment (the experiment_toml attribute)
// makes must be there with a value for each policy set and replication, and every dataset of the
// file is read as show, export and merge read one. Afterwards any reader may trust the file
// (scripts/plot and scripts/report ask this before h5py reads it).
int check_results(const std::string& file) {
  const ResultsReader reader = open_results("check", file, ResultsReader::Kind::either);
  const bool part = reader.string_attribute("filetype") == "crisp-part";
  const Experiment x = load_experiment_text(reader.string_attribute("experiment_toml"),
                                            "its experiment_toml attribute");
  // A file of crisp optimise holds the baseline and the answers of its problems, not its design.
  const Table problems = reader.table("/optimise/problems");
  const std::size_t rows = reader.policy_labels().size();
  std::size_t P = make_design(x).sets.size();
  if (!problems.empty()) {
    const auto* names = std::get_if<std::vector<std::string>>(&problems.front().values);
    if (problems.front().name != "name" || names == nullptr)
      throw InputError(fmt::format("check: {}: damaged: /optimise/problems has no names", file));
    P = 1;
    for (const std::string& name : *names) {
      const Table answers = reader.table("/optimise/" + name + "/answers");
      const auto set = std::find_if(answers.begin(), answers.end(),
                                    [](const Column& c) { return c.name == "policy_set"; });
      const auto* sets =
          set == answers.end() ? nullptr : std::get_if<std::vector<double>>(&set->values);
      if (sets == nullptr)
        throw InputError(
            fmt::format("check: {}: damaged: /optimise/{}/answers is missing", file, name));
      for (const double row : *sets)
        if (row != static_cast<double>(P++))
          throw InputError(fmt::format(
              "check: {}: damaged: /optimise/{}/answers does not name the /policies rows in order",
              file, name));
      for (const char* table : {"variables", "candidates"})
        if (reader.table("/optimise/" + name + "/" + table).empty())
          throw InputError(
              fmt::format("check: {}: damaged: /optimise/{}/{} is missing", file, name, table));
    }
  }
  if (rows != P)
    throw InputError(
        fmt::format("check: {}: damaged: /policies has {} rows; its experiment makes "
                    "{} policy sets",
                    file, rows, P));
  const auto R = static_cast<std::size_t>(reader.replications());
  // A table the format promises: there, with a row per `rows` and each of `columns`.
  const auto require_table = [&](const std::string& path, std::size_t rows,
                                 const std::vector<std::string>& columns) {
    const Table table = reader.table(path);
    if (table.empty())
      throw InputError(fmt::format("check: {}: damaged: {} is missing", file, path));
    for (const std::string& name : columns) {
      const auto c = std::find_if(table.begin(), table.end(),
                                  [&](const Column& col) { return col.name == name; });
      if (c == table.end())
        throw InputError(
            fmt::format("check: {}: damaged: {} has no column '{}'", file, path, name));
      const std::size_t n = std::visit([](const auto& v) { return v.size(); }, c->values);
      if (n != rows)
        throw InputError(
            fmt::format("check: {}: damaged: {} has {} rows, expected {}", file, path, n, rows));
    }
  };
  std::vector<std::string> summary_columns{"label"}, paired_columns{"label"};
  for (const auto& [name, field] : kSummaryFields)
    summary_columns.emplace_back(name);
  for (const char* name : {"diff_mean", "diff_ci95_lo", "diff_ci95_hi"})
    paired_columns.emplace_back(name);
  for_each_series(make_layout(x.scenario), [&](const std::string& group, const std::string& region,
                                               const std::string& name, int) {
    if (reader.metric(group, region, name).size() != P * R)
      throw InputError(fmt::format("check: {}: damaged: /metrics/{}/{}/{} is missing", file, group,
                                   region, name));
    if (part) return;  // a part has no statistics yet
    const std::string series = fmt::format("{}/{}/{}", group, region, name);
    require_table("/summary/" + series, P, summary_columns);
    require_table("/paired/" + series, P, paired_columns);
  });
  if (!part) {
    require_table("/scenario/nodes", x.scenario.nodes.size(), {"id"});
    if (x.sensitivity)
      require_table("/sensitivity/runs", sensitivity_runs(*x.sensitivity).size(),
                    {"parameter", "factor"});
  }
  // /shocks (format 1.3 on): exactly the draws its experiment and seed make for its replications.
  if (reader.format_version()[1] >= 3) {
    const PartInfo info = part ? reader.part() : PartInfo{};
    const ReplicationRange all{0, static_cast<std::int64_t>(R)};
    const std::vector<ReplicationRange> replications =
        part
            ? block_replications(info.blocks, info.block_replications, static_cast<std::int64_t>(R))
            : std::vector<ReplicationRange>{all};
    const std::string damage =
        shock_table_damage(reader, make_shock_table(x.scenario, reader.seed(), replications));
    if (!damage.empty()) throw InputError(fmt::format("check: {}: damaged: {}", file, damage));
  }
  const std::size_t datasets = reader.read_every_dataset();
  fmt::print("{}: a whole crisp {} file: {} policy sets x {} replications; all {} datasets read\n",
             file, part ? "part" : "results", P, R, datasets);
  return 0;
}

}  // namespace

int check_results_command(const std::string& file) {
  return reading("check", file, [&] { return check_results(file); });
}

int show_command(const std::string& file, const std::string& metric, const std::string& region,
                 const std::string& material, TableFormat format) {
  return reading("show", file, [&] { return show_table(file, metric, region, material, format); });
}

int export_command(const std::string& file, const std::string& output) {
  return reading("export", file, [&] { return export_long(file, output); });
}

}  // namespace crisp
