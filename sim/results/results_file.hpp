#pragma once
// The HDF5 results file (README "Results file", docs/results-format.md). The writer knows
// nothing of materials or policies: it takes named series of [P, R] doubles and plain tables.

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace crisp {

inline constexpr int kFormatVersionMajor = 1;
inline constexpr int kFormatVersionMinor = 4;  // 1.1: /timeseries, units, labels; 1.2: the seal;
                                               // 1.3: /shocks; 1.4: /policies column attributes

// A table column: all strings or all doubles (or all int64), one entry per row.
struct Column {
  std::string name;
  std::variant<std::vector<std::string>, std::vector<double>, std::vector<std::int64_t>> values;
};
using Table = std::vector<Column>;

// /metrics/<group>/<region>/<name>: values row-major [P, R].
struct MetricSeries {
  std::string group;  // material name, or "all"
  std::string region;
  std::string name;
  std::vector<double> values;
  std::string units = {}, description = {};  // the dataset's attributes (omitted when empty)
};

// /timeseries/<group>/<region>/<name>: float32 [P, K, T], the trajectories of K replications of
// every policy set at T sample times (docs/results-format.md "/timeseries").
struct TimeseriesContent {
  std::int64_t replications = 0;  // K
  std::int64_t samples = 0;       // T
  std::vector<MetricSeries> series;
};

struct RootAttributes {
  std::string crisp_version, git_commit, created_utc, command_line, experiment_toml;
  std::uint64_t seed = 0;
  std::int64_t replications = 0;
  double horizon_days = 0;
  std::vector<std::string> report_regions = {};  // in the experiment's order (format 1.1)
};

// /sensitivity (one-at-a-time sensitivity runs, docs/results-format.md): statistics over
// replications of every metric, per run and policy set.
struct SensitivityContent {
  std::int64_t runs = 0;  // S: run 0 is the unscaled scenario
  Table run_table;        // /sensitivity/runs [S]: run, parameter, factor
  // /sensitivity/<statistic>/<group>/<region>/<name>: values row-major [S, P], one list of
  // series per statistic ("mean", ...), in the order written.
  std::vector<std::pair<std::string, std::vector<MetricSeries>>> statistics;
};

// A part of a sharded run (crisp run --shard I/N): the blocks of replications it simulated. A part
// file has filetype "crisp-part", /metrics with NaN in the replications of other parts, no
// /summary or /paired, and /part/blocks (docs/results-format.md "Parts").
struct PartInfo {
  std::int64_t index = 1, count = 1;  // I of N, from 1
  std::int64_t block_replications = 0;
  std::vector<std::int64_t> blocks;
};

// /optimise/<problem>/<table> (crisp optimise, docs/results-format.md "/optimise"): the plain
// tables of each decision problem, in the order given.
struct OptimiseContent {
  struct Problem {
    std::string name;
    std::vector<std::pair<std::string, Table>> tables;
  };
  std::vector<Problem> problems;
};

// A group of plain tables, in the order written: /futures/<table> (a [futures] run) and
// /discovery/<table> (a [discovery] run), docs/results-format.md.
struct TableGroup {
  std::vector<std::pair<std::string, Table>> tables;
};
using FuturesContent = TableGroup;

// A plain (not compound) dataset, one of a group's columns (/shocks: docs/results-format.md):
// 1-D, or float64 [rows, cols] row-major when both are set. Chunked by row (at most 64 Ki values
// a chunk), shuffled and deflated, as /metrics.
struct ArrayDataset {
  Column column;                      // name: its path below the group ("draws/start_day")
  std::int64_t rows = -1, cols = -1;  // both >= 0: 2-D (one may be 0); else 1-D
  std::string units = {}, description = {};
};

struct ResultsContent {
  RootAttributes attributes;
  std::optional<PartInfo> part = {};  // set: a part file
  std::int64_t policies = 0;          // P
  std::int64_t replications = 0;      // R
  Table policy_table;                 // /policies: id, label, then one column per lever parameter
  // Attributes of /policies, one entry per column of policy_table each (name: the attribute's).
  Table policy_column_attributes = {};
  std::vector<MetricSeries> metrics;
  Table scenario_nodes, scenario_edges, scenario_shocks;
  std::optional<SensitivityContent> sensitivity = {};    // absent: no /sensitivity group
  std::optional<TimeseriesContent> timeseries = {};      // absent: no /timeseries group
  std::optional<OptimiseContent> optimise = {};          // absent: no /optimise group
  std::optional<FuturesContent> futures = {};            // absent: no /futures group
  std::optional<TableGroup> discovery = {};              // absent: no /discovery group
  std::optional<std::vector<ArrayDataset>> shocks = {};  // /shocks; absent: no such group
};

// Writes a results file one metric series at a time, so that a run need hold no more than one
// series in memory. The file is written in the order write_results_to writes it.
class ResultsFileWriter {
 public:
  // Creates `file` (truncating it) with what precedes the metrics: the root attributes, the part
  // and /policies. `header` (its metrics unused) must outlive the writer.
  ResultsFileWriter(const std::string& file, const ResultsContent& header);
  ~ResultsFileWriter();
  ResultsFileWriter(const ResultsFileWriter&) = delete;
  ResultsFileWriter& operator=(const ResultsFileWriter&) = delete;
  // /metrics/<group>/<region>/<name>, and for a whole run (not a part) its /summary and /paired.
  void add(const MetricSeries& series);
  // The scenario tables and /sensitivity; closes the file (a full disk fails here at the latest).
  void finish();

 private:
  const ResultsContent& header_;
  std::string path_;
  std::int64_t file_ = -1;  // hid_t
  std::set<std::string> seen_;
  std::vector<std::string> labels_;  // the policy sets', for the /summary and /paired rows
};

// Writes `path` through its partial file (sim/results/output_file.hpp); on any failure throws
// std::runtime_error naming the path and the HDF5 call that failed, and leaves nothing behind.
// Computes /summary (core/stats.hpp summarize) and /paired (policy minus row 0, replication
// by replication).
void write_results(const std::string& path, const ResultsContent& content);
// Writes the whole file `file` in place (truncating it): what write_results does to its partial.
void write_results_to(const std::string& file, const ResultsContent& content);

// Call once, first thing in main: HDF5 then runs no clean-up of its own at exit. After a write
// failed on a full disk, that clean-up tries to flush the failed file again, loops, prints its
// own lines and may crash; every file crisp opens is closed before it returns, so nothing is
// lost by skipping it.
void prepare_hdf5();

// Reads back what `crisp show` needs: the policy labels and one metric's [P, R] values. A results
// file is untrusted input: attributes, table sizes and dataset shapes are checked against each
// other, and anything that does not fit throws std::runtime_error (one line, naming the object);
// HDF5's own error stack is never printed.
struct ResultsReader {
  enum class Kind { results, part, either };
  explicit ResultsReader(const std::string& path, Kind kind = Kind::results);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  std::vector<std::string> policy_labels() const;
  // /policies: every column (id, label, then one per lever parameter).
  Table policy_table() const;
  // The table (a 1-D compound dataset) at `path`, e.g. "/summary/all/NL/loss_eur": every column,
  // strings as strings and numbers as doubles; empty when absent.
  Table table(const std::string& path) const;
  // The report regions in the experiment's order (format 1.0 files: in name order).
  std::vector<std::string> report_regions() const;
  // Root attributes (RootAttributes); throws when absent.
  std::string string_attribute(const char* name) const;
  // The format_version attribute: [major, minor].
  std::array<std::int32_t, 2> format_version() const;
  std::uint64_t seed() const;
  // A part file's index, count, block size and blocks.
  PartInfo part() const;
  std::int64_t replications() const;
  // The groups under /metrics (material names and "all"), in name order.
  std::vector<std::string> groups() const;
  // The report regions under /metrics/<group>, in name order; empty when the group is absent.
  std::vector<std::string> regions(const std::string& group) const;
  // Reads every dataset of the file as the reader reads any (checked; chunks decoded by crisp)
  // and returns how many there are: what other readers of the file (h5py) may then trust.
  std::size_t read_every_dataset() const;
  // The plain dataset at `path` (strings, integers as int64 or floats as doubles; `rows` and
  // `cols` set when it is 2-D); nullopt when absent.
  std::optional<ArrayDataset> array(const std::string& path) const;
  // Empty when the dataset does not exist.
  std::vector<double> metric(const std::string& group, const std::string& region,
                             const std::string& name) const;

  // /sensitivity/runs: the parameter ("" for run 0) and factor of each run; empty when the file
  // has no /sensitivity.
  std::vector<std::pair<std::string, double>> sensitivity_runs() const;
  // /sensitivity/<statistic>/<group>/<region>/<name>, row-major [S, P]; empty when absent.
  std::vector<double> sensitivity(const std::string& statistic, const std::string& group,
                                  const std::string& region, const std::string& name) const;

 private:
  std::int64_t file_ = -1;                          // hid_t
  std::int64_t policies_ = -1, replications_ = -1;  // P (rows of /policies), R (attribute)
};

}  // namespace crisp
