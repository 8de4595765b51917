// crisp: strategic stockpile and refining policy for critical raw materials.
// The command line (README "Experiment file reference"): parse, dispatch, and turn every error into
// one line on stderr with the documented exit code.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "core/names.hpp"
#include "crisp_version.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/results/file_seal.hpp"
#include "sim/results/results_file.hpp"
#include "sim/results/sandboxed_read.hpp"

namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

// One line, whatever the message quotes from the input: control characters are escaped.
int fail(int code, const std::string& message) {
  // Whatever a message quotes (a file name, a value) reaches the terminal only as printable text.
  std::cerr << "crisp: error: " << crisp::names::printable(message) << "\n";
  return code;
}

// The integer `text` spells, when it is all digits (an optional '-') and in [lo, hi]; else why
// not, for the option `name`: "-r: expected an integer in [1, 100000000], got '1e9'".
std::optional<std::string> parse_integer(const std::string& text, const char* name, std::int64_t lo,
                                         std::int64_t hi, std::int64_t& out) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end || value < lo || value > hi) {
    return fmt::format("{}: expected an integer in [{}, {}], got '{}'", name, lo, hi, text);
  }
  out = value;
  return std::nullopt;
}

// The relative half-width `text` spells, strictly inside (0, 1): 0 (or -0, or '') would be taken
// for "no target" and run a plain run, 1 or more asks nothing of the run. Else why not.
std::optional<std::string> parse_fraction(const std::string& text, const char* name, double& out) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end || !(value > 0 && value < 1))
    return fmt::format("{}: expected a relative half-width in (0, 1), e.g. 0.05, got '{}'", name,
                       text);
  out = value;
  return std::nullopt;
}

// What a command printed must reach stdout's reader, or the command fails: a full disk or a
// quota behind `> file` is exit 1 and one line, never a silent exit 0 with the output cut short.
// std::cout shares stdout's buffer (synced with stdio), so flushing stdout flushes both. A
// command that failed already has said so: its code stands, with no second line.
int flushed(int code) {
  const bool flush_failed = std::fflush(stdout) != 0;
  const int error = errno;
  if ((!flush_failed && !std::ferror(stdout) && std::cout.good()) || code != 0) return code;
  // When this flush had nothing left to write, errno is still that of the write that failed
  // before (stdout's writes are the last calls a command makes): its reason is this one's.
  return fail(kExitRuntime, fmt::format("cannot write to standard output: {}",
                                        error != 0 ? std::strerror(error) : "a write failed"));
}

std::string joined(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i)
    s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

}  // namespace

namespace {

// The command line parsed and run; its exit code.
int parse_and_run(int argc, char** argv) {
  CLI::App app{
      "crisp: Monte Carlo simulation of critical raw material supply shocks and the "
      "stockpile and refining policies that answer them."};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version",
                       std::string("crisp ") + CRISP_VERSION + " (" + CRISP_GIT_COMMIT + ")");

  crisp::prepare_hdf5();
  crisp::RunArgs run;
  run.command_line = joined(argc, argv);
  auto* run_cmd =
      app.add_subcommand("run", "run an experiment (the bundled default when none is given)");
  run_cmd->add_option("experiment", run.experiment, "experiment file (TOML)");
  run_cmd->add_option("-o,--output", run.output,
                      "results file (default: [output] file, or crisp-results.h5)");
  // -r, --seed, --threads, --max-replications and --target-ci are read as text and checked below,
  // so that every bad value gets one message with the option's range (CLI11 would wrap "-1"
  // around, and take '' for 0).
  std::string replications_text, seed_text, threads_text, max_replications_text, target_ci_text;
  auto* replications_opt = run_cmd->add_option("-r,--replications", replications_text,
                                               "replications per policy set (1 to 100000000)");
  auto* seed_opt =
      run_cmd->add_option("--seed", seed_text, "experiment seed (0 to 9223372036854775807)");
  auto* threads_opt = run_cmd->add_option("--threads", threads_text,
                                          "worker threads, 0 to 1024 (default, 0: all cores)");
  auto* output_opt = run_cmd->get_option("--output");
  auto* experiment_opt = run_cmd->get_option("experiment");
  run_cmd->add_flag("--quiet", run.quiet, "no progress or notes on stderr");
  run_cmd->add_option("--shard", run.shard,
                      "I/N: simulate part I of N of the replication blocks into a part file, for "
                      "job arrays; join the parts with 'crisp merge'");
  run_cmd->add_flag("--resume", run.resume,
                    "finish a run that was stopped, from the finished blocks in FILE.h5.journal");
  auto* target_ci_opt = run_cmd->add_option(
      "--target-ci", target_ci_text,
      "REL, in (0, 1): add blocks of replications until the 95 % half-width of every policy "
      "set's paired total cost is within REL of its mean (-r: the fewest)");
  run_cmd->add_option("--target-metric", run.target_metric,
                      "the metric --target-ci judges (default total_cost_eur)");
  auto* max_replications_opt =
      run_cmd->add_option("--max-replications", max_replications_text,
                          "the most replications --target-ci may run (default 100 x -r)");
  run_cmd->add_flag("--progress", run.progress,
                    "a progress line on stderr every few seconds, even when it is not a terminal "
                    "(batch logs)");

  crisp::OptimiseArgs optimise;
  optimise.command_line = run.command_line;
  std::string optimise_seed_text, optimise_threads_text;
  auto* optimise_cmd = app.add_subcommand(
      "optimise",
      "find the best policy, and the cheapest one that meets a risk limit: the experiment's "
      "[[optimise]] problems, solved by simulation (the bundled default when none is given)");
  optimise_cmd->alias("optimize");
  optimise_cmd->add_option("experiment", optimise.experiment, "experiment file (TOML)");
  optimise_cmd->add_option("-o,--output", optimise.output,
                           "results file (default: crisp-optimise.h5)");
  auto* optimise_seed_opt = optimise_cmd->add_option("--seed", optimise_seed_text,
                                                     "experiment seed (0 to 9223372036854775807)");
  auto* optimise_threads_opt = optimise_cmd->add_option(
      "--threads", optimise_threads_text, "worker threads, 0 to 1024 (default, 0: all cores)");
  optimise_cmd->add_option("--problem", optimise.problems,
                           "solve only the [[optimise]] of this name (may be repeated)");
  optimise_cmd->add_flag("--quiet", optimise.quiet, "no notes on stderr");
  optimise_cmd->add_flag("--resume", optimise.resume,
                         "continue an optimisation that was stopped, from the evaluations in "
                         "FILE.h5.journal");

  std::string check_file;
  auto* check_cmd = app.add_subcommand(
      "check",
      "validate an experiment and print its network and baseline balance; or read a "
      "results or part file whole, checking every dataset");
  check_cmd
      ->add_option("experiment", check_file,
                   "experiment file (TOML), or a results or part file (.h5) to check")
      ->required();
  // --unverified: a results file whose seal does not vouch for it is read whole in a sandbox
  // first (sim/results/sandboxed_read.hpp), then read as any.
  bool unverified = false;
  const char* const kUnverifiedHelp =
      "read a results file even when its seal does not vouch for it (changed since crisp wrote "
      "it, or written by an older crisp): it is read whole in a sandboxed child process first";
  check_cmd->add_flag("--unverified", unverified, kUnverifiedHelp);

  std::string show_file, show_metric, show_region, show_material;
  auto* show_cmd =
      app.add_subcommand("show", "print the policy comparison table from a results file");
  show_cmd->add_option("file", show_file, "results file (.h5)")->required();
  show_cmd->add_option("--metric", show_metric,
                       "one metric's summary per policy set instead of the table");
  show_cmd->add_option("--region", show_region, "report region (default: the first)");
  show_cmd->add_option("--material", show_material, "material (default: all)");
  bool show_csv = false, show_json = false;
  show_cmd->add_flag("--csv", show_csv, "the same rows as CSV, lever values as columns, in EUR");
  show_cmd->add_flag("--json", show_json, "the same rows as JSON")->excludes("--csv");
  show_cmd->add_flag("--unverified", unverified, kUnverifiedHelp);

  std::string export_file, export_output;
  bool export_long = false;
  auto* export_cmd = app.add_subcommand(
      "export", "write every value of a results file as a long CSV table (for pandas or R)");
  export_cmd->add_option("file", export_file, "results file (.h5)")->required();
  export_cmd->add_flag("--long", export_long,
                       "one row per policy set, replication, material, region and metric (the "
                       "only layout, and the default)");
  export_cmd->add_option("-o,--output", export_output, "CSV file to write (default: stdout)");
  export_cmd->add_flag("--unverified", unverified, kUnverifiedHelp);

  std::vector<std::string> merge_parts;
  std::string merge_output;
  bool merge_quiet = false;
  auto* merge_cmd =
      app.add_subcommand("merge", "join the part files of a sharded run (--shard) into one file");
  merge_cmd->add_option("parts", merge_parts, "part files (.h5)")->required();
  merge_cmd->add_option("-o,--output", merge_output, "results file to write")->required();
  merge_cmd->add_flag("--quiet", merge_quiet, "no notes on stderr");
  merge_cmd->add_flag("--unverified", unverified, kUnverifiedHelp);

  crisp::CalibrateArgs calibrate;
  auto* calibrate_cmd = app.add_subcommand(
      "calibrate",
      "fit a replay's parameters to published monthly series (a calibration file, TOML); print "
      "the fit and write it as CSV");
  calibrate_cmd->add_option("file", calibrate.file, "calibration file (TOML)")->required();
  calibrate_cmd->add_option("-o,--output", calibrate.output,
                            "CSV file to write (default: crisp-calibration.csv)");
  calibrate_cmd->add_flag("--quiet", calibrate.quiet, "no progress on stderr");

  std::string example_name;
  bool example_list = false;
  auto* example_cmd =
      app.add_subcommand("example", "print a bundled experiment (the default when no NAME)");
  example_cmd->add_option("name", example_name, "bundled experiment name");
  example_cmd->add_flag("--list", example_list, "list the bundled experiments");

  std::string help_topic;
  auto* help_cmd = app.add_subcommand("help", "help on crisp or one command");
  help_cmd->add_option("command", help_topic, "command");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(kExitUsage, fmt::format("{} (see 'crisp help')", e.what()));
  }
  if (*run_cmd) {
    // The limits of the experiment file's keys (README.md, "Experiment file reference").
    constexpr std::int64_t kMaxReplications = 100'000'000;
    constexpr std::int64_t kMaxThreads = 1024;
    std::int64_t value = 0;
    const auto integer = [&](CLI::Option* opt, const std::string& text, const char* name,
                             std::int64_t lo, std::int64_t hi) -> std::optional<std::string> {
      if (opt->count() == 0) return std::nullopt;
      return parse_integer(text, name, lo, hi, value);
    };
    if (auto e = integer(replications_opt, replications_text, "-r", 1, kMaxReplications))
      return fail(kExitUsage, *e);
    if (replications_opt->count() > 0) run.replications = value;
    if (auto e =
            integer(seed_opt, seed_text, "--seed", 0, std::numeric_limits<std::int64_t>::max()))
      return fail(kExitUsage, *e);
    if (seed_opt->count() > 0) run.seed = static_cast<std::uint64_t>(value);
    if (auto e = integer(threads_opt, threads_text, "--threads", 0, kMaxThreads))
      return fail(kExitUsage, *e);
    if (threads_opt->count() > 0) run.threads = static_cast<int>(value);
    if (auto e = integer(max_replications_opt, max_replications_text, "--max-replications", 1,
                         kMaxReplications))
      return fail(kExitUsage, *e);
    if (max_replications_opt->count() > 0) run.max_replications = value;
    if (target_ci_opt->count() > 0) {
      if (auto e = parse_fraction(target_ci_text, "--target-ci", run.target_ci))
        return fail(kExitUsage, *e);
    } else if (max_replications_opt->count() > 0) {
      return fail(kExitUsage, "--max-replications: only with --target-ci, whose run it bounds");
    }
    if (output_opt->count() > 0 && run.output.empty())
      return fail(kExitUsage, "-o: expected a file name, got ''");
    if (experiment_opt->count() > 0 && run.experiment.empty())
      return fail(kExitUsage, "run: expected an experiment file name, got ''");
    if (run_cmd->get_option("--shard")->count() > 0 && run.shard.empty())
      return fail(kExitUsage, "--shard: expected I/N, got ''");
  }

  if (*optimise_cmd) {
    std::int64_t value = 0;
    if (optimise_seed_opt->count() > 0) {
      if (auto e = parse_integer(optimise_seed_text, "--seed", 0,
                                 std::numeric_limits<std::int64_t>::max(), value))
        return fail(kExitUsage, *e);
      optimise.seed = static_cast<std::uint64_t>(value);
    }
    if (optimise_threads_opt->count() > 0) {
      if (auto e = parse_integer(optimise_threads_text, "--threads", 0, 1024, value))
        return fail(kExitUsage, *e);
      optimise.threads = static_cast<int>(value);
    }
  }

  // Every other option given an empty value: one line, as run's above, rather than the value's
  // being taken for "not given" (an empty -o would write to stdout or to nowhere).
  const auto empty = [](const CLI::Option* opt) {
    if (opt == nullptr || opt->count() == 0) return false;
    const std::vector<std::string>& given = opt->results();
    return std::any_of(given.begin(), given.end(), [](const std::string& v) { return v.empty(); });
  };
  const struct {
    CLI::App* command;
    const char* option;
    const char* name;  // as messages name the option
    const char* expected;
  } kNotEmpty[] = {
      {run_cmd, "--target-metric", "--target-metric",
       "a metric of all materials, such as "
       "total_cost_eur"},
      {optimise_cmd, "experiment", "optimise", "an experiment file name"},
      {optimise_cmd, "--output", "-o", "a file name"},
      {optimise_cmd, "--problem", "--problem", "the name of an [[optimise]] table"},
      {check_cmd, "experiment", "check", "an experiment file name"},
      {show_cmd, "file", "show", "a results file name"},
      {show_cmd, "--metric", "--metric", "a metric name, such as total_cost_eur"},
      {show_cmd, "--region", "--region", "a report region"},
      {show_cmd, "--material", "--material", "a material name, or all"},
      {export_cmd, "file", "export", "a results file name"},
      {export_cmd, "--output", "-o", "a file name (leave -o out for stdout)"},
      {merge_cmd, "parts", "merge", "part file names"},
      {merge_cmd, "--output", "-o", "a file name"},
      {calibrate_cmd, "file", "calibrate", "a calibration file name"},
      {calibrate_cmd, "--output", "-o", "a file name"},
      {example_cmd, "name", "example", "a bundled experiment name (crisp example --list)"},
      {help_cmd, "command", "help", "a command name"},
  };
  for (const auto& c : kNotEmpty)
    if (*c.command && empty(c.command->get_option(c.option)))
      return fail(kExitUsage, fmt::format("{}: expected {}, got ''", c.name, c.expected));
  if (*run_cmd && run_cmd->get_option("--target-metric")->count() > 0 &&
      run_cmd->get_option("--target-ci")->count() == 0)
    return fail(kExitUsage, "--target-metric: only with --target-ci, which it is the metric of");

  try {
    if (unverified) {
      const std::vector<std::string> inputs = *merge_cmd    ? merge_parts
                                              : *show_cmd   ? std::vector{show_file}
                                              : *export_cmd ? std::vector{export_file}
                                                            : std::vector{check_file};
      for (const std::string& file : inputs)
        if (crisp::looks_like_hdf5(file)) crisp::read_unverified(file);
    }
    if (*run_cmd) return crisp::run_command(run);
    if (*optimise_cmd) return crisp::optimise_command(optimise);
    if (*check_cmd) return crisp::check_command(check_file);
    if (*merge_cmd)
      return crisp::merge_command(merge_parts, merge_output, run.command_line, merge_quiet);
    if (*show_cmd)
      return crisp::show_command(show_file, show_metric, show_region, show_material,
                                 show_csv    ? crisp::TableFormat::csv
                                 : show_json ? crisp::TableFormat::json
                                             : crisp::TableFormat::text);
    if (*export_cmd) return crisp::export_command(export_file, export_output);
    if (*example_cmd) return crisp::example_command(example_name, example_list);
    if (*calibrate_cmd) return crisp::calibrate_command(calibrate);
    if (*help_cmd && !help_topic.empty()) {
      for (auto* sub : {run_cmd, optimise_cmd, check_cmd, show_cmd, export_cmd, merge_cmd,
                        calibrate_cmd, example_cmd, help_cmd})
        if (sub->get_name() == help_topic) {
          std::cout << sub->help();
          return 0;
        }
      return fail(kExitUsage, fmt::format("help: no command '{}'; commands: run, optimise, check, "
                                          "show, export, merge, calibrate, example, help",
                                          help_topic));
    }
    std::cout << app.help();
    return 0;
  } catch (const crisp::InputError& e) {
    return fail(kExitUsage, e.what());
  } catch (const crisp::UnsealedFile& e) {
    return fail(kExitUsage, e.what());
  } catch (const std::bad_alloc&) {
    return fail(kExitRuntime, "out of memory");
  } catch (const std::exception& e) {
    return fail(kExitRuntime, e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  // A file over the size limit (ulimit -f): write() fails with EFBIG, and that failure takes the
  // ordinary write-error path (one line; no partial file left) instead of the signal killing
  // crisp with no word (exit 153) and its partial file left behind.
  std::signal(SIGXFSZ, SIG_IGN);
  return flushed(parse_and_run(argc, argv));
}
