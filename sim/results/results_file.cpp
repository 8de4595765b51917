#include "sim/results/results_file.hpp"

#include "sim/results/output_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <span>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/stats.hpp"
#include "sim/results/file_seal.hpp"
#include "sim/results/h5.hpp"
#include "sim/results/stored_values.hpp"

namespace crisp {

namespace {

// ---------------------------------------------------------------------------------------------
// Property lists and groups

// Objects carry no creation/modification times, so the same content gives the same bytes.
h5::PropList untimed(hid_t property_class, std::string_view what) {
  auto plist = h5::own<h5::PropList>(H5Pcreate(property_class), what);
  h5::check(H5Pset_obj_track_times(plist, false), what);
  return plist;
}

// HDF5 link names may not be empty, contain '/', or be "." (those mean paths).
bool valid_link_name(std::string_view name) {
  return !name.empty() && name != "." && name.find('/') == std::string_view::npos;
}

// Opens parent/name, creating it if absent. Groups are made one level at a time (rather than by
// H5Pset_create_intermediate_group) so each gets the untimed creation properties.
h5::Group open_or_create_group(hid_t parent, const std::string& name, const std::string& path) {
  const htri_t exists = H5Lexists(parent, name.c_str(), H5P_DEFAULT);
  h5::check(exists, "H5Lexists " + path);
  if (exists > 0)
    return h5::own<h5::Group>(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), "H5Gopen2 " + path);
  const h5::PropList gcpl = untimed(H5P_GROUP_CREATE, "group properties for " + path);
  return h5::own<h5::Group>(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT),
                            "H5Gcreate2 " + path);
}

// /<top>/<group>/<region>, created as needed.
h5::Group series_group(hid_t file, const std::string& top, const MetricSeries& m) {
  const h5::Group a = open_or_create_group(file, top, "/" + top);
  const h5::Group b = open_or_create_group(a, m.group, "/" + top + "/" + m.group);
  return open_or_create_group(b, m.region, "/" + top + "/" + m.group + "/" + m.region);
}

// ---------------------------------------------------------------------------------------------
// Attributes

// Scalar or 1-D attribute of a numeric type: `file_type` is the little-endian type stored on
// disk, `mem_type` the native type of `data`.
void write_numeric_attribute(hid_t obj, const char* name, hid_t file_type, hid_t mem_type,
                             const void* data, hsize_t count = 0) {
  const std::string what = fmt::format("attribute '{}'", name);
  const auto space = count == 0
                         ? h5::own<h5::Dataspace>(H5Screate(H5S_SCALAR), what)
                         : h5::own<h5::Dataspace>(H5Screate_simple(1, &count, nullptr), what);
  const auto attr = h5::own<h5::Attribute>(
      H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2 " + what);
  h5::check(H5Awrite(attr, mem_type, data), "H5Awrite " + what);
}

// Variable-length UTF-8 strings: h5py reads them as str, and the text lives in the global heap,
// so experiment_toml is not held to the 64 KiB limit on an object header's attributes.
void write_string_attribute(hid_t obj, const char* name, const std::string& value) {
  const std::string what = fmt::format("attribute '{}'", name);
  const auto type = h5::own<h5::Datatype>(H5Tcopy(H5T_C_S1), what);
  h5::check(H5Tset_size(type, H5T_VARIABLE), what);
  h5::check(H5Tset_cset(type, H5T_CSET_UTF8), what);
  const auto space = h5::own<h5::Dataspace>(H5Screate(H5S_SCALAR), what);
  const auto attr = h5::own<h5::Attribute>(
      H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2 " + what);
  const char* text = value.c_str();
  h5::check(H5Awrite(attr, type, &text), "H5Awrite " + what);
}

// The `units` and `description` attributes of parent/name (each only when given): every dataset
// says what it holds, so a reader needs no other document to label an axis.
void describe(hid_t parent, const std::string& name, const std::string& units,
              const std::string& description) {
  const auto object =
      h5::own<h5::Dataset>(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "H5Dopen2 " + name);
  if (!units.empty()) write_string_attribute(object, "units", units);
  if (!description.empty()) write_string_attribute(object, "description", description);
}

// A 1-D attribute of variable-length UTF-8 strings.
void write_strings_attribute(hid_t obj, const char* name, const std::vector<std::string>& values) {
  const std::string what = fmt::format("attribute '{}'", name);
  const auto type = h5::own<h5::Datatype>(H5Tcopy(H5T_C_S1), what);
  h5::check(H5Tset_size(type, H5T_VARIABLE), what);
  h5::check(H5Tset_cset(type, H5T_CSET_UTF8), what);
  const hsize_t count = values.size();
  const auto space = h5::own<h5::Dataspace>(H5Screate_simple(1, &count, nullptr), what);
  const auto attr = h5::own<h5::Attribute>(
      H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2 " + what);
  std::vector<const char*> texts;
  for (const std::string& v : values)
    texts.push_back(v.c_str());
  if (!texts.empty()) h5::check(H5Awrite(attr, type, texts.data()), "H5Awrite " + what);
}

void write_root_attributes(hid_t file, const RootAttributes& a, bool part) {
  write_string_attribute(file, "filetype", part ? "crisp-part" : "crisp-results");
  const std::array<std::int32_t, 2> version{kFormatVersionMajor, kFormatVersionMinor};
  write_numeric_attribute(file, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, version.data(),
                          version.size());
  write_string_attribute(file, "crisp_version", a.crisp_version);
  write_string_attribute(file, "git_commit", a.git_commit);
  write_string_attribute(file, "created_utc", a.created_utc);
  write_string_attribute(file, "command_line", a.command_line);
  write_string_attribute(file, "experiment_toml", a.experiment_toml);
  write_numeric_attribute(file, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &a.seed);
  write_numeric_attribute(file, "replications", H5T_STD_I64LE, H5T_NATIVE_INT64, &a.replications);
  write_numeric_attribute(file, "horizon_days", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &a.horizon_days);
  write_strings_attribute(file, "report_regions", a.report_regions);
}

// ---------------------------------------------------------------------------------------------
// Tables: every table in the file (/policies, /summary, /paired, /scenario) goes through
// write_table, as a 1-D dataset of a packed compound type, one member per column.

std::size_t column_rows(const Column& c) {
  return std::visit([](const auto& v) { return v.size(); }, c.values);
}

// Fixed-length, null-padded strings sized to the longest value: every reader (h5py, HDFView,
// pandas via h5py, Fortran) handles them without variable-length memory management.
h5::Datatype fixed_string_type(std::size_t size, std::string_view what) {
  auto type = h5::own<h5::Datatype>(H5Tcopy(H5T_C_S1), what);
  h5::check(H5Tset_size(type, size), what);
  h5::check(H5Tset_strpad(type, H5T_STR_NULLPAD), what);
  h5::check(H5Tset_cset(type, H5T_CSET_UTF8), what);
  return type;
}

struct ColumnLayout {
  std::size_t offset = 0, size = 0;
};

// Byte size of one cell of `c` in the packed row.
std::size_t cell_size(const Column& c) {
  if (const auto* s = std::get_if<std::vector<std::string>>(&c.values)) {
    std::size_t longest = 1;  // HDF5 has no zero-length fixed strings
    for (const auto& x : *s)
      longest = std::max(longest, x.size());
    return longest;
  }
  return 8;  // double or int64
}

// The memory and file compound types share one packed layout; only the numeric member types
// differ (native in memory, little-endian on disk, so files are the same on every machine).
std::pair<h5::Datatype, h5::Datatype> compound_types(const Table& table,
                                                     std::span<const ColumnLayout> layout,
                                                     std::size_t row_size,
                                                     const std::string& what) {
  auto mem = h5::own<h5::Datatype>(H5Tcreate(H5T_COMPOUND, row_size), what);
  auto file = h5::own<h5::Datatype>(H5Tcreate(H5T_COMPOUND, row_size), what);
  for (std::size_t i = 0; i < table.size(); ++i) {
    const Column& c = table[i];
    const std::string column_what = fmt::format("{} column '{}'", what, c.name);
    const char* name = c.name.c_str();
    const std::size_t at = layout[i].offset;
    if (std::holds_alternative<std::vector<std::string>>(c.values)) {
      const h5::Datatype s = fixed_string_type(layout[i].size, column_what);
      h5::check(H5Tinsert(mem, name, at, s), "H5Tinsert " + column_what);
      h5::check(H5Tinsert(file, name, at, s), "H5Tinsert " + column_what);
    } else if (std::holds_alternative<std::vector<double>>(c.values)) {
      h5::check(H5Tinsert(mem, name, at, H5T_NATIVE_DOUBLE), "H5Tinsert " + column_what);
      h5::check(H5Tinsert(file, name, at, H5T_IEEE_F64LE), "H5Tinsert " + column_what);
    } else {
      h5::check(H5Tinsert(mem, name, at, H5T_NATIVE_INT64), "H5Tinsert " + column_what);
      h5::check(H5Tinsert(file, name, at, H5T_STD_I64LE), "H5Tinsert " + column_what);
    }
  }
  return {std::move(mem), std::move(file)};
}

// Rows packed one after another; string cells are zero-padded, so the bytes are deterministic.
std::vector<unsigned char> pack_rows(const Table& table, std::span<const ColumnLayout> layout,
                                     std::size_t row_size, std::size_t rows) {
  std::vector<unsigned char> buffer(row_size * rows, 0);
  for (std::size_t i = 0; i < table.size(); ++i) {
    std::visit(
        [&](const auto& values) {
          for (std::size_t r = 0; r < rows; ++r) {
            unsigned char* cell = buffer.data() + r * row_size + layout[i].offset;
            if constexpr (std::is_same_v<std::decay_t<decltype(values)>,
                                         std::vector<std::string>>) {
              std::memcpy(cell, values[r].data(), values[r].size());
            } else {
              std::memcpy(cell, &values[r], sizeof values[r]);
            }
          }
        },
        table[i].values);
  }
  return buffer;
}

// Writes `table` as the compound dataset parent/name ([rows], possibly empty). `path` names it
// in error messages. A table without columns is not written at all.
void write_table(hid_t parent, const std::string& name, const Table& table,
                 const std::string& path) {
  if (table.empty()) return;
  const std::size_t rows = column_rows(table.front());
  for (const Column& c : table) {
    if (column_rows(c) != rows)
      throw h5::Error(fmt::format("table {}: column '{}' has {} rows, column '{}' has {}", path,
                                  c.name, column_rows(c), table.front().name, rows));
  }

  std::vector<ColumnLayout> layout;
  std::size_t row_size = 0;
  for (const Column& c : table) {
    layout.push_back({row_size, cell_size(c)});
    row_size += layout.back().size;
  }
  const auto [mem_type, file_type] = compound_types(table, layout, row_size, "table " + path);

  const hsize_t dims = rows;
  const auto space = h5::own<h5::Dataspace>(H5Screate_simple(1, &dims, nullptr), path);
  const h5::PropList dcpl = untimed(H5P_DATASET_CREATE, path);
  const auto dataset = h5::own<h5::Dataset>(
      H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
      "H5Dcreate2 " + path);
  if (rows == 0) return;
  const std::vector<unsigned char> buffer = pack_rows(table, layout, row_size, rows);
  h5::check(H5Dwrite(dataset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
            "H5Dwrite " + path);
}

// ---------------------------------------------------------------------------------------------
// Metrics, summaries, paired differences

constexpr std::array<std::pair<const char*, double PairedDiff::*>, 3> kPairedColumns{{
    {"diff_mean", &PairedDiff::diff_mean},
    {"diff_ci95_lo", &PairedDiff::diff_ci95_lo},
    {"diff_ci95_hi", &PairedDiff::diff_ci95_hi},
}};

// One double column per field of `rows` (a struct per policy).
template <class Row, std::size_t N>
Table struct_table(const std::vector<Row>& rows,
                   const std::array<std::pair<const char*, double Row::*>, N>& fields) {
  Table table;
  for (const auto& [name, member] : fields) {
    std::vector<double> column;
    for (const Row& row : rows)
      column.push_back(row.*member);
    table.push_back({name, std::move(column)});
  }
  return table;
}

std::string series_path(const std::string& top, const MetricSeries& m) {
  return fmt::format("/{}/{}/{}/{}", top, m.group, m.region, m.name);
}

// One series' dataset of `file_type` and shape `dims`, chunked by `chunk`, shuffled and deflated
// (level 4: the repeated zeros and slowly varying exponents of losses compress well at little
// cost), with the series' units and description, and its values. HDF5 cannot chunk a zero-sized
// dimension, so an empty series is stored contiguously.
template <std::size_t N>
void write_series_dataset(hid_t group, const MetricSeries& m, hid_t file_type,
                          const std::array<hsize_t, N>& dims, const std::array<hsize_t, N>& chunk,
                          const std::string& path) {
  const auto space = h5::own<h5::Dataspace>(H5Screate_simple(N, dims.data(), nullptr), path);
  const h5::PropList dcpl = untimed(H5P_DATASET_CREATE, path);
  if (!m.values.empty()) {
    h5::check(H5Pset_chunk(dcpl, N, chunk.data()), "H5Pset_chunk " + path);
    h5::check(H5Pset_shuffle(dcpl), "H5Pset_shuffle " + path);
    h5::check(H5Pset_deflate(dcpl, 4), "H5Pset_deflate " + path);
  }
  const auto dataset = h5::own<h5::Dataset>(
      H5Dcreate2(group, m.name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
      "H5Dcreate2 " + path);
  if (!m.units.empty()) write_string_attribute(dataset, "units", m.units);
  if (!m.description.empty()) write_string_attribute(dataset, "description", m.description);
  if (!m.values.empty())
    h5::check(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m.values.data()),
              "H5Dwrite " + path);
}

// float64 [P, R]. A chunk is one policy's row (capped at 64 Ki replications = 512 KiB), the unit
// readers ask for.
void write_metric_dataset(hid_t group, const MetricSeries& m, hsize_t policies,
                          hsize_t replications) {
  const std::array<hsize_t, 2> dims{policies, replications};
  const std::array<hsize_t, 2> chunk{1, std::min<hsize_t>(replications, 65536)};
  write_series_dataset(group, m, H5T_IEEE_F64LE, dims, chunk, series_path("metrics", m));
}

// A table of one row per policy set, labelled: the policy labels first, then `columns`.
Table labelled(const std::vector<std::string>& labels, Table columns) {
  if (labels.empty()) return columns;
  columns.insert(columns.begin(), Column{"label", labels});
  return columns;
}

void write_series(hid_t file, const MetricSeries& m, std::size_t policies, std::size_t replications,
                  bool part, const std::vector<std::string>& labels) {
  if (part) {  // only the replications of this part: no statistics yet
    write_metric_dataset(series_group(file, "metrics", m), m, policies, replications);
    return;
  }
  const auto row = [&](std::size_t p) {
    return std::span<const double>(m.values).subspan(p * replications, replications);
  };
  std::vector<Summary> summaries;
  std::vector<PairedDiff> paired;
  for (std::size_t p = 0; p < policies; ++p) {
    summaries.push_back(summarize(row(p)));
    paired.push_back(paired_difference(row(p), row(0)));  // row 0 is the baseline
  }
  write_metric_dataset(series_group(file, "metrics", m), m, policies, replications);
  const h5::Group summary = series_group(file, "summary", m);
  write_table(summary, m.name, labelled(labels, struct_table(summaries, kSummaryFields)),
              series_path("summary", m));
  describe(summary, m.name, m.units,
           fmt::format("statistics over replications of {}, one row per policy set",
                       series_path("metrics", m)));
  const h5::Group pair = series_group(file, "paired", m);
  write_table(pair, m.name, labelled(labels, struct_table(paired, kPairedColumns)),
              series_path("paired", m));
  describe(pair, m.name, m.units,
           fmt::format("policy set minus the baseline (row 0), replication by replication, of {}",
                       series_path("metrics", m)));
}

// /timeseries/<group>/<region>/<name>: float32 [P, K, T], one chunk per trajectory.
void write_timeseries(hid_t file, const TimeseriesContent& t, hsize_t policies) {
  const std::array<hsize_t, 3> dims{policies, hsize_t(t.replications), hsize_t(t.samples)};
  for (const MetricSeries& m : t.series) {
    const std::string path = series_path("timeseries", m);
    if (m.values.size() != dims[0] * dims[1] * dims[2])
      throw std::runtime_error(fmt::format("{} has {} values, expected P*K*T = {}*{}*{}", path,
                                           m.values.size(), dims[0], dims[1], dims[2]));
    const h5::Group group = series_group(file, "timeseries", m);
    write_series_dataset(group, m, H5T_IEEE_F32LE, dims, {1, 1, dims[2]}, path);
  }
}

void write_scenario(hid_t file, const ResultsContent& c) {
  const std::array<std::pair<const char*, const Table*>, 3> tables{
      {{"nodes", &c.scenario_nodes}, {"edges", &c.scenario_edges}, {"shocks", &c.scenario_shocks}}};
  if (std::all_of(tables.begin(), tables.end(), [](auto& t) { return t.second->empty(); })) return;
  const h5::Group scenario = open_or_create_group(file, "scenario", "/scenario");
  // A table's units attribute names the unit of each numeric column.
  const std::array<const char*, 3> units{
      "capacity_tpy, demand_tpy: t/year; yield, growth_per_year: 1; buffer_days: days",
      "share: 1; lead_time_days: days", "rate_per_year: 1/year; start_day: days"};
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const auto& [name, table] = tables[i];
    write_table(scenario, name, *table, fmt::format("/scenario/{}", name));
    if (!table->empty())
      describe(scenario, name, units[i],
               fmt::format("the scenario's {} as simulated (the experiment's values)", name));
  }
}

// /sensitivity: the runs table, then /sensitivity/<statistic>/<group>/<region>/<name> float64
// [S, P], each small enough to store contiguously.
void write_sensitivity(hid_t file, const SensitivityContent& s, hsize_t policies) {
  const h5::Group top = open_or_create_group(file, "sensitivity", "/sensitivity");
  write_table(top, "runs", s.run_table, "/sensitivity/runs");
  describe(top, "runs", "factor: 1",
           "one row per run: the parameter scaled (empty for run 0, the scenario as given) and "
           "its factor");
  const std::array<hsize_t, 2> dims{hsize_t(s.runs), policies};
  for (const auto& [statistic, series] : s.statistics) {
    const std::string stat_path = "/sensitivity/" + statistic;
    const h5::Group stat = open_or_create_group(top, statistic, stat_path);
    for (const MetricSeries& m : series) {
      const std::string group_path = stat_path + "/" + m.group;
      const h5::Group g = open_or_create_group(stat, m.group, group_path);
      const h5::Group r = open_or_create_group(g, m.region, group_path + "/" + m.region);
      const std::string path = fmt::format("{}/{}/{}", group_path, m.region, m.name);
      const auto space = h5::own<h5::Dataspace>(H5Screate_simple(2, dims.data(), nullptr), path);
      const h5::PropList dcpl = untimed(H5P_DATASET_CREATE, path);
      const auto dataset = h5::own<h5::Dataset>(
          H5Dcreate2(r, m.name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
          "H5Dcreate2 " + path);
      write_string_attribute(dataset, "units", statistic == "p_positive" ? "1" : m.units);
      write_string_attribute(
          dataset, "description",
          fmt::format("the {} over replications of {} per run (row) and policy set (column)",
                      statistic, m.name));
      if (m.values.empty()) continue;
      h5::check(
          H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m.values.data()),
          "H5Dwrite " + path);
    }
  }
}

// /<top>/<path> for each dataset: the columns of a group as plain 1-D (or 2-D) datasets, which
// compress column by column (the shock draws: docs/results-format.md "/shocks").
void write_arrays(hid_t file, const std::string& top, const std::vector<ArrayDataset>& arrays) {
  const h5::Group root = open_or_create_group(file, top, "/" + top);
  for (const ArrayDataset& a : arrays) {
    const std::string path = "/" + top + "/" + a.column.name;
    std::vector<h5::Group> groups;  // the groups along the path, each open while it is used
    std::string name = a.column.name;
    for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/')) {
      const hid_t parent = groups.empty() ? root.get() : groups.back().get();
      groups.push_back(open_or_create_group(parent, name.substr(0, slash),
                                            path.substr(0, path.size() - name.size() + slash)));
      name.erase(0, slash + 1);
    }
    if (!valid_link_name(name)) throw h5::Error(fmt::format("bad dataset name {}", path));
    const auto n = static_cast<hsize_t>(column_rows(a.column));
    std::array<hsize_t, 2> dims{n, 1}, chunk{std::min<hsize_t>(n, 65536), 1};
    int rank = 1;
    if (a.rows >= 0 && a.cols >= 0) {
      const auto rows = static_cast<hsize_t>(a.rows), cols = static_cast<hsize_t>(a.cols);
      if (n != rows * cols || !std::holds_alternative<std::vector<double>>(a.column.values))
        throw h5::Error(
            fmt::format("{}: {} values are not float64 [{}, {}]", path, n, a.rows, a.cols));
      dims = {rows, cols};
      chunk = {1, std::min<hsize_t>(cols, 65536)};
      rank = 2;
    }
    h5::Datatype strings;
    hid_t file_type = H5T_IEEE_F64LE, mem_type = H5T_NATIVE_DOUBLE;
    const void* data = nullptr;
    std::vector<char> text;  // strings, fixed-length and null-padded as in tables
    if (const auto* v = std::get_if<std::vector<std::string>>(&a.column.values)) {
      const std::size_t width = cell_size(a.column);
      strings = fixed_string_type(width, path);
      file_type = mem_type = strings;
      text.assign(v->size() * width, '\0');
      for (std::size_t i = 0; i < v->size(); ++i)
        std::memcpy(text.data() + i * width, (*v)[i].data(), (*v)[i].size());
      data = text.data();
    } else if (const auto* d = std::get_if<std::vector<double>>(&a.column.values)) {
      data = d->data();
    } else {
      file_type = H5T_STD_I64LE;
      mem_type = H5T_NATIVE_INT64;
      data = std::get<std::vector<std::int64_t>>(a.column.values).data();
    }
    const hid_t parent = groups.empty() ? root.get() : groups.back().get();
    const auto space = h5::own<h5::Dataspace>(H5Screate_simple(rank, dims.data(), nullptr), path);
    const h5::PropList dcpl = untimed(H5P_DATASET_CREATE, path);
    if (n > 0) {
      h5::check(H5Pset_chunk(dcpl, rank, chunk.data()), "H5Pset_chunk " + path);
      h5::check(H5Pset_shuffle(dcpl), "H5Pset_shuffle " + path);
      h5::check(H5Pset_deflate(dcpl, 4), "H5Pset_deflate " + path);
    }
    const auto dataset = h5::own<h5::Dataset>(
        H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
        "H5Dcreate2 " + path);
    if (!a.units.empty()) write_string_attribute(dataset, "units", a.units);
    if (!a.description.empty()) write_string_attribute(dataset, "description", a.description);
    if (n > 0)
      h5::check(H5Dwrite(dataset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                "H5Dwrite " + path);
  }
}

// ---------------------------------------------------------------------------------------------
// Whole file

// /optimise/<problem>/<table>: each problem's tables (docs/results-format.md "/optimise").
void write_optimise(hid_t file, const OptimiseContent& o) {
  const h5::Group top = open_or_create_group(file, "optimise", "/optimise");
  for (const OptimiseContent::Problem& p : o.problems) {
    if (p.name.empty()) {  // tables of /optimise itself
      for (const auto& [name, table] : p.tables)
        write_table(top, name, table, "/optimise/" + name);
      continue;
    }
    const std::string path = "/optimise/" + p.name;
    const h5::Group group = open_or_create_group(top, p.name, path);
    for (const auto& [name, table] : p.tables)
      write_table(group, name, table, path + "/" + name);
  }
}

void validate_sensitivity(const SensitivityContent& s, std::int64_t policies) {
  if (s.runs < 1) throw std::runtime_error("sensitivity: no runs (run 0 is the unscaled run)");
  if (s.run_table.empty() || column_rows(s.run_table.front()) != std::size_t(s.runs))
    throw std::runtime_error(fmt::format("sensitivity: the runs table must have {} rows", s.runs));
  const std::size_t expected = std::size_t(s.runs) * std::size_t(policies);
  std::set<std::string> statistics;
  for (const auto& [statistic, series] : s.statistics) {
    if (!valid_link_name(statistic) || statistic == "runs" || !statistics.insert(statistic).second)
      throw std::runtime_error(
          fmt::format("sensitivity: bad or repeated statistic '{}'", statistic));
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (const MetricSeries& m : series) {
      const std::string id = fmt::format("{}/{}/{}/{}", statistic, m.group, m.region, m.name);
      if (!valid_link_name(m.group) || !valid_link_name(m.region) || !valid_link_name(m.name))
        throw std::runtime_error(fmt::format(
            "sensitivity '{}': group, region and name must be non-empty, without '/' and not '.'",
            id));
      if (m.values.size() != expected)
        throw std::runtime_error(fmt::format("sensitivity {} has {} values, expected S*P = {}*{}",
                                             id, m.values.size(), s.runs, policies));
      if (!seen.emplace(m.group, m.region, m.name).second)
        throw std::runtime_error(fmt::format("sensitivity {} appears twice", id));
    }
  }
}

// Checks what HDF5 would otherwise reject midway (or accept and get wrong) before any file is
// created; each series is checked as it comes (ResultsFileWriter::add).
void validate_header(const ResultsContent& c) {
  if (c.policies < 0 || c.replications < 0)
    throw std::runtime_error(
        fmt::format("negative size: {} policies, {} replications", c.policies, c.replications));
  if (c.attributes.replications != c.replications)
    throw std::runtime_error(
        fmt::format("attributes.replications ({}) differs from replications ({})",
                    c.attributes.replications, c.replications));
  if (!c.policy_table.empty() && column_rows(c.policy_table.front()) != std::size_t(c.policies))
    throw std::runtime_error(fmt::format("policy table has {} rows, expected {} policies",
                                         column_rows(c.policy_table.front()), c.policies));
  for (const Column& a : c.policy_column_attributes) {
    if (column_rows(a) != c.policy_table.size() ||
        std::holds_alternative<std::vector<std::int64_t>>(a.values))
      throw std::runtime_error(fmt::format(
          "/policies attribute {}: {} entries, expected strings or doubles, one per column ({})",
          a.name, column_rows(a), c.policy_table.size()));
  }
  if (c.sensitivity) validate_sensitivity(*c.sensitivity, c.policies);
}

void write_part(hid_t file, const PartInfo& part) {
  for (const auto& [name, value] : {std::pair<const char*, std::int64_t>{"part_index", part.index},
                                    {"part_count", part.count},
                                    {"block_replications", part.block_replications}})
    write_numeric_attribute(file, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
  write_table(file, "part", {{"block", part.blocks}}, "/part");
  describe(file, "part", "block: 1", "the blocks of replications this part simulated");
}

}  // namespace

void prepare_hdf5() {
  H5dont_atexit();
}

ResultsFileWriter::ResultsFileWriter(const std::string& file, const ResultsContent& header)
    : header_(header) {
  const h5::QuietErrors quiet;
  validate_header(header);
  // A strong close degree closes every object still open with the file, so the partial file
  // can always be removed after a failure.
  const auto fapl = h5::own<h5::PropList>(H5Pcreate(H5P_FILE_ACCESS), "file access properties");
  h5::check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), "H5Pset_fclose_degree");
  // The user block holds the seal that finish() writes (sim/results/file_seal.hpp).
  const auto fcpl = h5::own<h5::PropList>(H5Pcreate(H5P_FILE_CREATE), "file creation properties");
  h5::check(H5Pset_userblock(fcpl, kSealBytes), "H5Pset_userblock");
  auto f =
      h5::own<h5::File>(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, fcpl, fapl), "H5Fcreate " + file);
  write_root_attributes(f, header.attributes, header.part.has_value());
  if (header.part) write_part(f, *header.part);
  write_table(f, "policies", header.policy_table, "/policies");
  if (!header.policy_table.empty()) {
    describe(f, "policies",
             "each lever parameter in its experiment-file unit (docs/results-format.md)",
             "one row per policy set: id, label, then the value of each lever parameter; row 0 is "
             "the baseline");
    const auto dataset =
        h5::own<h5::Dataset>(H5Dopen2(f, "policies", H5P_DEFAULT), "H5Dopen2 /policies");
    for (const Column& a : header.policy_column_attributes) {
      if (const auto* texts = std::get_if<std::vector<std::string>>(&a.values)) {
        write_strings_attribute(dataset, a.name.c_str(), *texts);
      } else if (const auto* numbers = std::get_if<std::vector<double>>(&a.values)) {
        write_numeric_attribute(dataset, a.name.c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                numbers->data(), numbers->size());
      }
    }
    for (const Column& c : header.policy_table)
      if (c.name == "label")
        if (const auto* v = std::get_if<std::vector<std::string>>(&c.values)) labels_ = *v;
  }
  file_ = f.release();
  path_ = file;
}

ResultsFileWriter::~ResultsFileWriter() {
  if (file_ >= 0) H5Fclose(file_);
}

void ResultsFileWriter::add(const MetricSeries& m) {
  const h5::QuietErrors quiet;
  const std::string id = fmt::format("{}/{}/{}", m.group, m.region, m.name);
  if (!valid_link_name(m.group) || !valid_link_name(m.region) || !valid_link_name(m.name))
    throw std::runtime_error(fmt::format(
        "metric '{}': group, region and name must be non-empty, without '/' and not '.'", id));
  const std::size_t expected = std::size_t(header_.policies) * std::size_t(header_.replications);
  if (m.values.size() != expected)
    throw std::runtime_error(fmt::format("metric {} has {} values, expected P*R = {}*{} = {}", id,
                                         m.values.size(), header_.policies, header_.replications,
                                         expected));
  if (!seen_.insert(id).second)
    throw std::runtime_error(fmt::format("metric {} appears twice", id));
  write_series(file_, m, std::size_t(header_.policies), std::size_t(header_.replications),
               header_.part.has_value(), labels_);
}

void ResultsFileWriter::finish() {
  const h5::QuietErrors quiet;
  if (header_.timeseries) write_timeseries(file_, *header_.timeseries, hsize_t(header_.policies));
  write_scenario(file_, header_);
  if (header_.sensitivity)
    write_sensitivity(file_, *header_.sensitivity, hsize_t(header_.policies));
  if (header_.optimise) write_optimise(file_, *header_.optimise);
  for (const auto& [group, content] :
       {std::pair{"futures", &header_.futures}, std::pair{"discovery", &header_.discovery}}) {
    if (!*content) continue;
    const std::string path = std::string("/") + group;
    const h5::Group top = open_or_create_group(file_, group, path);
    for (const auto& [name, table] : (*content)->tables)
      write_table(top, name, table, path + "/" + name);
  }
  if (header_.shocks) write_arrays(file_, "shocks", *header_.shocks);
  const hid_t f = std::exchange(file_, -1);
  h5::check(H5Fclose(f), "H5Fclose " + path_);  // flushes: a full disk fails here, not later
  seal_file(path_);
}

void write_results_to(const std::string& file, const ResultsContent& content) {
  ResultsFileWriter writer(file, content);  // every handle is closed when this returns or throws
  for (const MetricSeries& m : content.metrics)
    writer.add(m);
  writer.finish();
}

void write_results(const std::string& path, const ResultsContent& content) {
  OutputFile(path).write(content);
}

// ---------------------------------------------------------------------------------------------
// Reader

namespace {

// True when every link along `parts` (relative to the file root) exists. H5Lexists fails, rather
// than answering false, when an intermediate group is missing, hence the walk.
bool path_exists(hid_t file, std::span<const std::string_view> parts) {
  std::string path;
  for (std::string_view part : parts) {
    if (!valid_link_name(part)) return false;
    path += "/";
    path += part;
    if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}
bool path_exists(hid_t file, std::initializer_list<std::string_view> parts) {
  return path_exists(file, std::span(parts.begin(), parts.size()));
}

std::string read_string_attribute(hid_t obj, const char* name, const std::string& what) {
  const auto attr = h5::own<h5::Attribute>(H5Aopen(obj, name, H5P_DEFAULT), what);
  const auto type = h5::own<h5::Datatype>(H5Aget_type(attr), what);
  if (H5Tget_class(type) != H5T_STRING) throw h5::Error(what + ": not a string");
  if (H5Tis_variable_str(type) > 0) {
    char* text = nullptr;
    h5::check(H5Aread(attr, type, &text), what);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  std::string value(H5Tget_size(type), '\0');
  h5::check(H5Aread(attr, type, value.data()), what);
  return value.substr(0, value.find('\0'));
}

// Refuses files that are not ours, or whose major format version this build does not know.
void check_file_kind(hid_t file, const std::string& path, ResultsReader::Kind kind) {
  const std::string type = H5Aexists(file, "filetype") > 0
                               ? read_string_attribute(file, "filetype", "attribute filetype")
                               : std::string();
  if (kind == ResultsReader::Kind::either)
    kind = type == "crisp-part" ? ResultsReader::Kind::part : ResultsReader::Kind::results;
  const std::string want = kind == ResultsReader::Kind::part ? "crisp-part" : "crisp-results";
  if (type == "crisp-part" && kind == ResultsReader::Kind::results)
    throw std::runtime_error(fmt::format(
        "{} is one part of a sharded run; join the parts with 'crisp merge' first", path));
  if (type != want)
    throw std::runtime_error(
        fmt::format("{} is not a crisp {} file (no filetype '{}' at the root)", path,
                    kind == ResultsReader::Kind::part ? "part" : "results", want));
  std::array<std::int32_t, 2> version{};
  const auto attr = h5::own<h5::Attribute>(H5Aopen(file, "format_version", H5P_DEFAULT),
                                           "attribute format_version");
  h5::check(H5Aread(attr, H5T_NATIVE_INT32, version.data()), "attribute format_version");
  if (version[0] != kFormatVersionMajor)
    throw std::runtime_error(fmt::format("{} has format version {}.{}; this crisp reads {}.x", path,
                                         version[0], version[1], kFormatVersionMajor));
}

// More values than any run writes to one dataset (8 bytes each): a larger size is damage.
constexpr std::int64_t kMostValues = std::int64_t{1} << 32;

// "/metrics/all/NL/loss_eur" -> metrics, all, NL, loss_eur.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t from = 1; from <= path.size();) {
    const std::size_t slash = std::min(path.find('/', from), path.size());
    parts.push_back(path.substr(from, slash - from));
    from = slash + 1;
  }
  return parts;
}

// The values of the dataset at `path` (sim/results/stored_values.hpp: checked, then read).
StoredValues read_dataset(hid_t file, const std::string& path,
                          std::int64_t most_values = kMostValues) {
  const auto dataset =
      h5::own<h5::Dataset>(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "H5Dopen2 " + path);
  return read_stored(dataset, path, most_values);
}

}  // namespace

ResultsReader::ResultsReader(const std::string& path, Kind kind) {
  const h5::QuietErrors quiet;
  verify_seal(path);  // before any HDF5 call; its message names the path and what to do
  try {
    auto file = h5::own<h5::File>(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "H5Fopen");
    check_file_kind(file, path, kind);
    file_ = file.release();
    // The sizes every [P, R] dataset must have: P from /policies, R from the attribute.
    replications_ = replications();
    if (replications_ < 0 || replications_ > kMostValues)
      throw std::runtime_error(
          fmt::format("attribute replications is {}, not a count of replications", replications_));
    policies_ = path_exists(file_, {"policies"})
                    ? static_cast<std::int64_t>(read_dataset(file_, "/policies").count)
                    : 0;
  } catch (const std::exception& e) {
    if (file_ >= 0) H5Fclose(file_);
    file_ = -1;
    throw std::runtime_error(fmt::format("cannot read results file {}: {}", path, e.what()));
  }
}

ResultsReader::~ResultsReader() {
  if (file_ >= 0) H5Fclose(file_);
}

std::vector<std::string> ResultsReader::policy_labels() const {
  const h5::QuietErrors quiet;
  if (!path_exists(file_, {"policies"})) return {};
  return as_strings(column(read_dataset(file_, "/policies"), "label"));
}

Table ResultsReader::policy_table() const {
  return table("/policies");
}

Table ResultsReader::table(const std::string& path) const {
  const h5::QuietErrors quiet;
  Table table;
  if (!path_exists(file_, split_path(path))) return table;
  const StoredValues rows = read_dataset(file_, path);
  if (H5Tget_class(rows.type) != H5T_COMPOUND || rows.dims.size() != 1)
    throw h5::Error(fmt::format("damaged: {} is not a table", path));
  const int members = H5Tget_nmembers(rows.type);
  for (int i = 0; i < members; ++i) {
    char* raw = H5Tget_member_name(rows.type, static_cast<unsigned>(i));
    const std::string name = raw != nullptr ? raw : "";
    H5free_memory(raw);
    const StoredValues values = column(rows, name.c_str());
    if (H5Tget_class(values.type) == H5T_STRING)
      table.push_back({name, as_strings(values)});
    else
      table.push_back({name, as_doubles(values)});
  }
  return table;
}

std::vector<std::string> ResultsReader::report_regions() const {
  const h5::QuietErrors quiet;
  if (H5Aexists(file_, "report_regions") <= 0) return regions("all");
  const auto attr =
      h5::own<h5::Attribute>(H5Aopen(file_, "report_regions", H5P_DEFAULT), "report_regions");
  const auto type = h5::own<h5::Datatype>(H5Aget_type(attr), "report_regions type");
  const auto space = h5::own<h5::Dataspace>(H5Aget_space(attr), "report_regions space");
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) <= 0 ||
      H5Sget_simple_extent_ndims(space) != 1)
    throw h5::Error("attribute report_regions: not a list of strings");
  std::vector<char*> texts(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)), nullptr);
  std::vector<std::string> out;
  if (texts.empty()) return out;
  h5::check(H5Aread(attr, type, texts.data()), "attribute report_regions");
  for (char* t : texts) {
    out.emplace_back(t != nullptr ? t : "");
    H5free_memory(t);
  }
  return out;
}

std::string ResultsReader::string_attribute(const char* name) const {
  const h5::QuietErrors quiet;
  return read_string_attribute(file_, name, std::string("attribute ") + name);
}

std::array<std::int32_t, 2> ResultsReader::format_version() const {
  const h5::QuietErrors quiet;
  std::array<std::int32_t, 2> version{};
  const auto attr = h5::own<h5::Attribute>(H5Aopen(file_, "format_version", H5P_DEFAULT),
                                           "attribute format_version");
  h5::check(H5Aread(attr, H5T_NATIVE_INT32, version.data()), "attribute format_version");
  return version;
}

std::uint64_t ResultsReader::seed() const {
  const h5::QuietErrors quiet;
  std::uint64_t value = 0;
  const auto attr = h5::own<h5::Attribute>(H5Aopen(file_, "seed", H5P_DEFAULT), "attribute seed");
  h5::check(H5Aread(attr, H5T_NATIVE_UINT64, &value), "attribute seed");
  return value;
}

PartInfo ResultsReader::part() const {
  const h5::QuietErrors quiet;
  PartInfo part;
  for (auto [name, value] : {std::pair<const char*, std::int64_t*>{"part_index", &part.index},
                             {"part_count", &part.count},
                             {"block_replications", &part.block_replications}}) {
    const auto attr =
        h5::own<h5::Attribute>(H5Aopen(file_, name, H5P_DEFAULT), std::string("attribute ") + name);
    h5::check(H5Aread(attr, H5T_NATIVE_INT64, value), std::string("attribute ") + name);
  }
  const StoredValues blocks = read_dataset(file_, "/part");
  if (blocks.dims.size() != 1) throw h5::Error("/part: not a table");
  part.blocks = as_int64s(column(blocks, "block"));
  return part;
}

std::int64_t ResultsReader::replications() const {
  const h5::QuietErrors quiet;
  std::int64_t value = 0;
  const auto attr =
      h5::own<h5::Attribute>(H5Aopen(file_, "replications", H5P_DEFAULT), "attribute replications");
  h5::check(H5Aread(attr, H5T_NATIVE_INT64, &value), "attribute replications");
  return value;
}

std::vector<double> ResultsReader::metric(const std::string& group, const std::string& region,
                                          const std::string& name) const {
  const h5::QuietErrors quiet;
  if (!path_exists(file_, {"metrics", group, region, name})) return {};
  const std::string path = fmt::format("/metrics/{}/{}/{}", group, region, name);
  const auto dataset =
      h5::own<h5::Dataset>(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), "H5Dopen2 " + path);
  const auto space = h5::own<h5::Dataspace>(H5Dget_space(dataset), path);
  const auto type = h5::own<h5::Datatype>(H5Dget_type(dataset), path);
  std::array<hsize_t, 2> dims{0, 0};
  if (H5Tget_class(type) != H5T_FLOAT || H5Sget_simple_extent_ndims(space) != 2 ||
      H5Sget_simple_extent_dims(space, dims.data(), nullptr) != 2 ||
      dims[0] != static_cast<hsize_t>(policies_) || dims[1] != static_cast<hsize_t>(replications_))
    throw std::runtime_error(
        fmt::format("damaged: {} is not a float [{}, {}] dataset (policy sets x replications)",
                    path, policies_, replications_));
  return as_doubles(read_dataset(file_, path));
}

std::optional<ArrayDataset> ResultsReader::array(const std::string& path) const {
  const h5::QuietErrors quiet;
  if (!path_exists(file_, split_path(path))) return std::nullopt;
  const StoredValues stored = read_dataset(file_, path);
  const H5T_class_t kind = H5Tget_class(stored.type);
  if (kind == H5T_COMPOUND || stored.dims.empty() || stored.dims.size() > 2)
    throw h5::Error(fmt::format("damaged: {} is not a 1-D or 2-D dataset", path));
  ArrayDataset a{{path, std::vector<double>{}}};
  if (stored.dims.size() == 2) {
    a.rows = static_cast<std::int64_t>(stored.dims[0]);
    a.cols = static_cast<std::int64_t>(stored.dims[1]);
  }
  if (kind == H5T_STRING)
    a.column.values = as_strings(stored);
  else if (kind == H5T_INTEGER)
    a.column.values = as_int64s(stored);
  else
    a.column.values = as_doubles(stored);
  return a;
}

std::size_t ResultsReader::read_every_dataset() const {
  const h5::QuietErrors quiet;
  std::vector<std::string> paths;
  // Hard links only: crisp writes no other kind, and an external one would open another file.
  auto collect = [](hid_t root, const char* name, const H5L_info_t* link, void* out) -> herr_t {
    if (link->type != H5L_TYPE_HARD) return 0;
    H5O_info_t object{};
    if (H5Oget_info_by_name2(root, name, &object, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return -1;
    if (object.type == H5O_TYPE_DATASET)
      static_cast<std::vector<std::string>*>(out)->push_back(fmt::format("/{}", name));
    return 0;
  };
  h5::check(H5Lvisit(file_, H5_INDEX_NAME, H5_ITER_INC, collect, &paths), "listing the file");
  for (const std::string& path : paths) {
    // A metric must also be [P, R], as metric() checks.
    const std::vector<std::string_view> parts = split_path(path);
    if (parts.size() == 4 && parts[0] == "metrics")
      metric(std::string(parts[1]), std::string(parts[2]), std::string(parts[3]));
    else
      read_dataset(file_, path);
  }
  return paths.size();
}

std::vector<std::pair<std::string, double>> ResultsReader::sensitivity_runs() const {
  const h5::QuietErrors quiet;
  if (!path_exists(file_, {"sensitivity", "runs"})) return {};
  const StoredValues table = read_dataset(file_, "/sensitivity/runs");
  const auto parameters = as_strings(column(table, "parameter"));
  const auto factors = as_doubles(column(table, "factor"));
  std::vector<std::pair<std::string, double>> runs;
  for (std::size_t i = 0; i < parameters.size() && i < factors.size(); ++i)
    runs.emplace_back(parameters[i], factors[i]);
  return runs;
}

std::vector<double> ResultsReader::sensitivity(const std::string& statistic,
                                               const std::string& group, const std::string& region,
                                               const std::string& name) const {
  const h5::QuietErrors quiet;
  if (statistic == "runs" || !path_exists(file_, {"sensitivity", statistic, group, region, name}))
    return {};
  return as_doubles(
      read_dataset(file_, fmt::format("/sensitivity/{}/{}/{}/{}", statistic, group, region, name)));
}

std::vector<std::string> ResultsReader::groups() const {
  const h5::QuietErrors quiet;
  std::vector<std::string> names;
  if (!path_exists(file_, {"metrics"})) return names;
  const auto g = h5::own<h5::Group>(H5Gopen2(file_, "/metrics", H5P_DEFAULT), "H5Gopen2 /metrics");
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  h5::check(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names),
            "H5Literate /metrics");
  return names;
}

std::vector<std::string> ResultsReader::regions(const std::string& group) const {
  const h5::QuietErrors quiet;
  std::vector<std::string> names;
  if (!path_exists(file_, {"metrics", group})) return names;
  const std::string path = "/metrics/" + group;
  const auto g = h5::own<h5::Group>(H5Gopen2(file_, path.c_str(), H5P_DEFAULT), "H5Gopen2 " + path);
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  h5::check(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names),
            "H5Literate " + path);
  return names;
}

}  // namespace crisp
