#pragma once
// The crisp subcommands (README "Commands"). Each returns the process exit code:
// 0 success, 1 runtime failure, 2 bad usage or a bad experiment file. Errors are thrown as
// InputError (exit 2) or std::runtime_error (exit 1) and reported by main().

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace crisp {

struct Experiment;
// The exit code main() gives the exception `e`: 2 for an InputError, else 1.
int exit_code_of(std::exception_ptr e);
// The experiment file at `path`, or the embedded default when `path` is empty.
Experiment load(const std::string& path);

struct RunArgs {
  std::string experiment;  // empty: the embedded default
  std::string output;      // empty: [output] file, else crisp-results.h5
  std::optional<std::int64_t> replications;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  bool quiet = false;
  bool progress = false;  // progress lines even when stderr is not a terminal
  std::string shard;      // "I/N": run one part of the blocks; empty: all
  bool resume = false;    // finish a stopped run from its journal
  // Adaptive replication: stop once the 95 % half-width of `target_metric`'s paired difference is
  // at most `target_ci` of its magnitude for every policy set (0: off, else in (0, 1));
  // replications is then the fewest, max_replications the most.
  double target_ci = 0;
  std::string target_metric = "total_cost_eur";
  std::optional<std::int64_t> max_replications;
  std::string command_line;
};

int run_command(const RunArgs& args);

struct OptimiseArgs {
  std::string experiment;  // empty: the embedded default
  std::string output;      // empty: crisp-optimise.h5
  std::optional<std::uint64_t> seed;
  int threads = 0;
  bool quiet = false;
  bool resume = false;                // continue a stopped optimisation from its journal
  std::vector<std::string> problems;  // [[optimise]] names; empty: every one
  std::string command_line;
};
// Solves the experiment's [[optimise]] problems (sim/optimise/optimise.hpp). Exit 0 when each
// has a policy that meets its constraints on the search sample, 1 when one has none (the results
// file is written either way and says which policy came closest).
int optimise_command(const OptimiseArgs& args);
// An experiment file, or (by its signature) a results or part file, checked whole.
int check_command(const std::string& file);
int check_results_command(const std::string& file);
int merge_command(const std::vector<std::string>& parts, const std::string& output,
                  const std::string& command_line, bool quiet);
int example_command(const std::string& name, bool list);

struct CalibrateArgs {
  std::string file;    // the calibration file (TOML)
  std::string output;  // empty: crisp-calibration.csv
  bool quiet = false;
};
// Fits a calibration file's parameters to its series (sim/optimise/calibration.hpp).
int calibrate_command(const CalibrateArgs& args);
// How `show` prints: the text table, or the same rows as CSV or JSON with the lever values as
// columns (sim/cli/show_export.cpp).
enum class TableFormat { text, csv, json };
int show_command(const std::string& file, const std::string& metric, const std::string& region,
                 const std::string& material, TableFormat format = TableFormat::text);
// One row per (policy set, replication, material, region, metric) as CSV, to `output` or stdout.
int export_command(const std::string& file, const std::string& output);

}  // namespace crisp
