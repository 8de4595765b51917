#include "commands.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <string_view>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundled.hpp"
#include "core/stats.hpp"
#include "crisp_version.hpp"
#include "interrupt_guard.hpp"
#include "models/baseline.hpp"
#include "models/crma.hpp"
#include "models/simulator.hpp"
#include "sim/cluster/cluster.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/results/file_seal.hpp"
#include "sim/results/output_file.hpp"
#include "sim/results/results_file.hpp"
#include "sim/runner/adaptive.hpp"
#include "sim/runner/comparison_table.hpp"
#include "sim/runner/futures.hpp"
#include "sim/runner/history_discovery.hpp"
#include "sim/runner/journal.hpp"
#include "sim/runner/merge_parts.hpp"
#include "sim/runner/monte_carlo.hpp"
#include "sim/runner/results_content.hpp"
#include "sim/runner/sensitivity.hpp"
#include "sim/runner/shock_table.hpp"
#include "sim/runner/stream_results.hpp"
#include "sim/runner/timeseries.hpp"

namespace crisp {

// The exit code main() gives the exception in flight.
int exit_code_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const InputError&) {
    return 2;
  } catch (...) {
    return 1;
  }
}

Experiment load(const std::string& path) {
  if (path.empty()) {
    const BundledExperiment& x = default_experiment();
    return load_experiment_text(x.text, std::string(x.name) + ".toml");
  }
  return load_experiment_file(path);
}

namespace {

// Progress on stderr: on a terminal one line rewritten in place after every work unit; in a batch
// log (--progress) a new line every kEvery seconds and at the end, so a log shows the run moving
// without flooding it.
class Progress {
 public:
  enum class Mode { off, terminal, log };
  Progress(Mode mode, double years_per_unit) : mode_(mode), years_per_unit_(years_per_unit) {}
  void operator()(std::int64_t done, std::int64_t total) {
    if (mode_ == Mode::off) return;
    const auto now = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(now - start_).count();
    if (mode_ == Mode::log && done != total &&
        std::chrono::duration<double>(now - last_).count() < kEvery)
      return;
    last_ = now;
    const double rate = done / std::max(secs, 1e-9);
    const double eta = (total - done) / std::max(rate, 1e-9);
    std::fprintf(stderr,
                 "%scrisp: %lld/%lld work units (%3.0f %%), %.0f replication-years/s, ETA %.0f s%s",
                 mode_ == Mode::terminal ? "\r" : "", static_cast<long long>(done),
                 static_cast<long long>(total), 100.0 * done / total, rate * years_per_unit_, eta,
                 mode_ == Mode::terminal && done != total ? "   " : "\n");
  }

 private:
  static constexpr double kEvery = 5;  // seconds between lines in a log
  Mode mode_;
  double years_per_unit_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_ = start_;
};

Progress::Mode progress_mode(const RunArgs& args) {
  if (args.quiet) return Progress::Mode::off;
  if (isatty(fileno(stderr))) return Progress::Mode::terminal;
  return args.progress ? Progress::Mode::log : Progress::Mode::off;
}

}  // namespace

// The comparison tables `crisp run` and `crisp merge` end with, read back from the results file
// they wrote: one per report region over all materials, then (unless `overall_only`) one per
// material a lever acts on. A material's table keeps one row per distinct outcome: policy sets
// whose rows are identical for it (they differ only in levers that cannot act on it) are shown
// once, labelled by what they have in common.
void print_tables(const Experiment& x, const std::string& file, bool overall_only = false) {
  const ResultsReader reader(file);
  const MetricLayout layout = make_layout(x.scenario);
  std::vector<int> groups{layout.all_material()};
  for (const Lever& lever : x.levers) {
    const int material = std::visit([](const auto& spec) { return spec.material; }, lever.base);
    if (!overall_only && material >= 0 &&
        std::find(groups.begin(), groups.end(), material) == groups.end())
      groups.push_back(material);
  }
  const std::vector<std::string> labels = reader.policy_labels();
  const std::int64_t R = reader.replications();
  for (const std::string& region : layout.regions)
    for (int m : groups) {
      const std::string group = m == layout.all_material() ? "all" : layout.materials[m];
      std::vector<std::size_t> kept;                // first set of each distinct outcome
      std::vector<std::vector<std::string>> parts;  // its label's parts common to the group
      auto split = [](const std::string& label) {
        std::vector<std::string> out;
        for (std::size_t at = 0;;) {
          const std::size_t comma = label.find(", ", at);
          out.push_back(label.substr(at, comma - at));
          if (comma == std::string::npos) return out;
          at = comma + 2;
        }
      };
      std::vector<std::vector<double>> series;
      for (const char* name : {"shortage_days", "loss_eur", "policy_cost_eur", "total_cost_eur"})
        series.push_back(reader.metric(group, region, name));
      auto same = [&](std::size_t p, std::size_t q) {
        for (const std::vector<double>& v : series)
          if (std::memcmp(v.data() + p * R, v.data() + q * R, sizeof(double) * R) != 0)
            return false;
        return true;
      };
      for (std::size_t p = 0; p < labels.size(); ++p) {
        std::size_t k = 0;
        while (k < kept.size() && (m == layout.all_material() || !same(kept[k], p)))
          ++k;
        if (k == kept.size()) {
          kept.push_back(p);
          parts.push_back(split(labels[p]));
        } else {  // keep the parts this set shares with the group
          const std::vector<std::string> mine = split(labels[p]);
          std::erase_if(parts[k], [&](const std::string& part) {
            return std::find(mine.begin(), mine.end(), part) == mine.end();
          });
        }
      }
      std::vector<std::string> shown;
      for (std::size_t k = 0; k < kept.size(); ++k) {
        std::string label;
        for (const std::string& part : parts[k]) {
          if (!label.empty()) label += ", ";
          label += part;
        }
        shown.push_back(label.empty() ? labels[kept[k]] + " (and others alike)" : label);
      }
      const SeriesSource source = [&](const std::string& g, const std::string& r,
                                      const std::string& name) {
        const std::vector<double> all = reader.metric(g, r, name);
        std::vector<double> v;
        for (std::size_t p : kept)
          v.insert(v.end(), all.begin() + static_cast<std::ptrdiff_t>(p * R),
                   all.begin() + static_cast<std::ptrdiff_t>((p + 1) * R));
        return v;
      };
      std::cout << comparison_table(shown, R, group, region, source);
      if (kept.size() < labels.size())
        std::cout << fmt::format("({} policy sets; those alike for {} are shown once)\n",
                                 labels.size(), group);
      std::cout << "\n";
    }
}

// Writes the results from the journal and removes it; when writing fails (a full disk) the
// journal keeps the finished blocks, and the message says how to finish without simulating them
// again. When the file is complete but its target was in the way, --resume moves it into place.
void write_keeping_journal(OutputFile& out, const ResultsContent& header,
                           const MetricLayout& layout, Journal& journal, std::int64_t block_size) {
  try {
    out.write([&](const std::string& file) {
      write_from_journal(file, header, layout, journal, block_size);
    });
  } catch (const std::exception& e) {
    if (out.kept())
      throw std::runtime_error(
          fmt::format("{}: move '{}' away and run the same command with --resume to put the "
                      "results in place",
                      e.what(), out.path()));
    throw std::runtime_error(
        fmt::format("cannot write results file {}: {}; the simulated blocks are kept in '{}': run "
                    "the same command with --resume to write the results without simulating "
                    "them again",
                    out.path(), e.what(), journal.path()));
  }
  journal.remove();
}

// What a stopped run left at `partial` when --resume finds it.
enum class StoppedPartial { absent, complete, incomplete, foreign };

// A partial file the stopped run wrote in full (its target was in the way) is this run's results
// file: the experiment text, seed, replications (for --target-ci: within the run's bounds), part
// and every series whole. One cut short (empty; HDF5's signature where HDF5 looks for it, at 0 or
// a power of two from 512, but unreadable; or this experiment's but not whole) is redone from the
// journal; anything else is not crisp's to remove.
StoppedPartial stopped_partial(const std::string& partial, const Experiment& x,
                               std::int64_t policies, std::int64_t fewest, std::int64_t most,
                               std::optional<std::pair<std::int64_t, std::int64_t>> shard) {
  struct stat st {};
  if (::lstat(partial.c_str(), &st) != 0) return StoppedPartial::absent;
  if (!S_ISREG(st.st_mode)) return StoppedPartial::foreign;
  if (st.st_size == 0) return StoppedPartial::incomplete;
  try {
    const ResultsReader reader(partial,
                               shard ? ResultsReader::Kind::part : ResultsReader::Kind::results);
    if (reader.string_attribute("experiment_toml") != x.source_text ||
        reader.seed() != x.scenario.seed)
      return StoppedPartial::foreign;
    const std::int64_t R = reader.replications();
    bool whole = R >= fewest && R <= most && std::ssize(reader.policy_labels()) == policies;
    if (whole && shard) {
      const PartInfo part = reader.part();
      whole = part.index == shard->first && part.count == shard->second;
    }
    if (whole)
      for_each_series(
          make_layout(x.scenario),
          [&](const std::string& group, const std::string& region, const std::string& name, int) {
            whole = whole && std::ssize(reader.metric(group, region, name)) == policies * R;
          });
    return whole ? StoppedPartial::complete : StoppedPartial::incomplete;
  } catch (const std::exception&) {
  }
  std::ifstream in(partial, std::ios::binary);
  for (std::int64_t at = 0; at + 8 <= st.st_size; at = at == 0 ? 512 : 2 * at) {
    std::array<char, 8> head{};
    if (in.seekg(at) && in.read(head.data(), head.size()) &&
        std::string_view(head.data(), head.size()) == std::string_view("\x89HDF\r\n\x1a\n", 8))
      return StoppedPartial::incomplete;
  }
  return StoppedPartial::foreign;
}

// "I/N" with 1 <= I <= N.
std::pair<std::int64_t, std::int64_t> parse_shard(const std::string& text) {
  std::int64_t i = 0, n = 0;
  char slash = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%ld%c%ld%c", &i, &slash, &n, &extra) != 3 || slash != '/' ||
      n < 1 || i < 1 || i > n || n > 1'000'000)
    throw InputError(fmt::format(
        "--shard: expected I/N with 1 <= I <= N <= 1000000 (this part and the number of parts), "
        "got '{}'",
        text));
  return {i, n};
}

// The work a run will do, for `crisp check`, and the refusal of an absurd total: more than
// kMostReplicationYears would take a core over a year at this engine's ~20 000 replication-years
// per second (bench/RESULTS.md), and is a mistake rather than a plan.
constexpr double kMostReplicationYears = 1e12;
constexpr double kReplicationYearsPerCoreSecond = 20'000;
// The network's size: a material's events grow with its nodes + edges (bench_events: the
// default's 166 per material-year over its 39.5 nodes + edges per material), and on a large
// network the settles grow with the nodes, the arrivals with the settles times the edges whose
// rate each moves, and every instant advances every store: a replication-year costs about
// (nodes + edges)^2.85 per material. The exponent is fitted to `bench/size_series`
// (bench/RESULTS.md "Networks of any size"): synthetic networks of 100, 200, 400 and 1 000 nodes
// with 5 edges per node took 0.024, 0.200, 1.40 and 17.1 core-seconds per replication-year, a
// least-squares log-log slope of 2.84. Calibrated on the bundled default, whose materials'
// (17, 30, 43, 47, 44 and 56 nodes + edges)^2.85 sum to kDefaultWork, the estimate is 0.56 to
// 0.65 times what those four took.
constexpr double kEventsPerElementYear = 4.2;
constexpr double kWorkExponent = 2.85;
constexpr double kDefaultWork = 267'225;

struct Work {
  double replication_years = 0, events = 0, core_seconds = 0;
};
Work work_of(const Experiment& x, std::int64_t policy_sets, std::int64_t replications) {
  const double years = x.scenario.horizon_days / kDaysPerYear;
  Work w;
  w.replication_years =
      static_cast<double>(policy_sets) * static_cast<double>(replications) * years;
  std::vector<double> elements(x.scenario.materials.size(), 0.0);
  for (const NodeSpec& n : x.scenario.nodes)
    elements[static_cast<std::size_t>(n.material)] += 1;
  for (const EdgeSpec& e : x.scenario.edges)
    elements[static_cast<std::size_t>(x.scenario.nodes[e.from].material)] += 1;
  double sum = 0, work = 0;
  for (const double n : elements) {
    sum += n;
    work += std::pow(n, kWorkExponent);
  }
  w.events = w.replication_years * sum * kEventsPerElementYear;
  w.core_seconds = w.replication_years / kReplicationYearsPerCoreSecond * work / kDefaultWork;
  if (w.replication_years > kMostReplicationYears)
    throw InputError(fmt::format(
        "{}: {} policy sets x {} replications x {:.4g} years = {:.3g} replication-years, more "
        "than {:.0g} (over a core-year of simulation): fewer replications, policy sets or years",
        x.source_name, policy_sets, replications, years, w.replication_years,
        kMostReplicationYears));
  return w;
}

namespace {

// What every rank of a run prepares alike: the experiment with the command line's overrides, the
// policy sets, the options and the compiled simulator.
struct RunSetup {
  Experiment x;
  PolicyDesign design;
  RunOptions options;
  std::pair<std::int64_t, std::int64_t> shard{1, 1};
  std::string output;
  std::optional<BlockSimulator> simulator;
  std::optional<FuturesPlan> futures;  // [futures]: the sampled futures (worlds 1..)
  std::int64_t first_check = 0;  // --target-ci: the fewest replications judged (0: not adaptive)
};

void prepare_run(const RunArgs& args, const Cluster& cluster, RunSetup& run) {
  run.x = load(args.experiment);
  Experiment& x = run.x;
  Scenario& s = x.scenario;
  if (args.replications) {
    if (*args.replications < 1)
      throw InputError(
          fmt::format("-r: replications must be at least 1, got {}", *args.replications));
    s.replications = *args.replications;
  }
  if (args.seed) s.seed = *args.seed;
  if (!args.shard.empty()) {
    run.shard = parse_shard(args.shard);
    if (x.sensitivity)
      throw InputError(fmt::format(
          "--shard: {} has a [sensitivity] table; sensitivity runs cannot be sharded yet",
          x.source_name));
  }
  run.output = !args.output.empty()     ? args.output
               : !x.output_file.empty() ? x.output_file
                                        : std::string("crisp-results.h5");
  run.design = make_design(x);
  if (args.target_ci > 0) {  // main() has checked it is in (0, 1)
    if (!args.shard.empty() || x.sensitivity || x.futures)
      throw InputError(
          "--target-ci: an adaptive run cannot be sharded or have a [sensitivity] or [futures] "
          "table (it judges every block in order)");
    if (std::find(kMetricNames.begin(), kMetricNames.end(), args.target_metric) ==
            kMetricNames.end() ||
        std::find(kAllMaterialMetrics.begin(), kAllMaterialMetrics.end(),
                  static_cast<Metric>(
                      std::find(kMetricNames.begin(), kMetricNames.end(), args.target_metric) -
                      kMetricNames.begin())) == kAllMaterialMetrics.end())
      throw InputError(
          fmt::format("--target-metric: '{}' is not a metric of all materials (shortage_days, "
                      "longest_shortage_days, loss_eur, policy_cost_eur, total_cost_eur)",
                      args.target_metric));
    run.first_check = s.replications;
    const std::int64_t most = args.max_replications.value_or(100 * s.replications);
    if (most < s.replications || most > 100'000'000)
      throw InputError(fmt::format(
          "--max-replications: expected at least the {} replications of -r and at most 1e8, "
          "got {}",
          s.replications, most));
    s.replications = most;  // the blocks of the largest run; the results hold the prefix judged
  }
  RunOptions& options = run.options;
  std::vector<World> worlds;
  if (x.futures) {
    try {
      run.futures = plan_futures(s, run.design, *x.futures, s.seed, s.replications);
    } catch (const std::invalid_argument& e) {
      throw InputError(fmt::format("{}: [futures]: {}", x.source_name, e.what()));
    }
    // crisp merge holds every future's judged costs at once (8 bytes each): 2 GB at most.
    const double values = static_cast<double>(run.futures->futures) *
                          static_cast<double>(run.design.sets.size()) *
                          static_cast<double>(run.futures->replications);
    if (!args.shard.empty() && values > 2.5e8)
      throw InputError(fmt::format(
          "--shard: {} futures x {} policy sets x {} replications = {:.3g} costs, which crisp "
          "merge would hold at once (more than 2.5e8, 2 GB): fewer futures or replications, or "
          "run with mpirun instead of --shard",
          run.futures->futures, run.design.sets.size(), run.futures->replications, values));
    worlds = std::move(run.futures->worlds);
    options.world_replications.assign(worlds.size(), run.futures->replications);
  }
  // Refuses an absurd total, the futures' replications included.
  work_of(x, std::ssize(run.design.sets),
          s.replications + std::reduce(options.world_replications.begin(),
                                       options.world_replications.end(), std::int64_t{0}));
  options.replications = s.replications;
  options.seed = s.seed;
  options.threads = args.threads > 0 ? args.threads : cluster.default_threads();
  options.block_size = s.block_replications;
  options.shard_index = run.shard.first;
  options.shard_count = run.shard.second;
  options.keep_values = false;  // every block streams to the journal
  try {
    run.simulator.emplace(s, run.design, options, std::move(worlds));
  } catch (const std::invalid_argument& e) {
    throw InputError(
        fmt::format("{}: {}{}", x.source_name, x.futures ? "[futures]: " : "", e.what()));
  }
}

// World `world`'s total cost at `slot` for every policy set, [policy][replication], from the
// journal (the futures of [futures]).
std::vector<double> future_costs(const Journal& journal, const BlockPlan& plan, int world, int slot,
                                 std::int64_t policies) {
  const auto R = static_cast<std::size_t>(plan.replications[static_cast<std::size_t>(world)]);
  const auto P = static_cast<std::size_t>(policies);
  std::vector<double> out(P * R), block;
  for (std::int64_t b = plan.first_block[static_cast<std::size_t>(world)];
       b < plan.first_block[static_cast<std::size_t>(world) + 1]; ++b) {
    const auto [first, last] = plan.range(b);
    const auto n = static_cast<std::size_t>(last - first);
    block.resize(P * n);
    // World 0's records hold every slot; a future's only its judged one.
    journal.read(b, world == 0 ? static_cast<std::size_t>(slot) * P * n : 0, block);
    for (std::size_t p = 0; p < P; ++p)
      for (std::size_t i = 0; i < n; ++i)
        out[p * R + static_cast<std::size_t>(first) + i] = block[p * n + i];
  }
  return out;
}

// The exception in flight again, its message led by "rank N: ": a follower's failure, said for
// the job when no lower rank failed.
[[noreturn]] void rethrow_as_rank(int rank) {
  try {
    throw;
  } catch (const InputError& e) {
    throw InputError(fmt::format("rank {}: {}", rank, e.what()));
  } catch (const std::bad_alloc&) {
    throw std::runtime_error(fmt::format("rank {}: out of memory", rank));
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("rank {}: {}", rank, e.what()));
  }
}

// A rank other than 0 of an MPI run: simulates what rank 0 hands out. One line for the job, and
// one non-zero exit code (mpirun's): a setup failure is said by rank 0 when it failed too (the
// same experiment file gives every rank the same error), else by the lowest rank that failed; a
// failure while simulating is sent to rank 0, which says it. Every other rank exits 0 in
// silence: mpirun would end the job at a rank's non-zero exit, before the speaker's line is out.
int follow_run(const RunArgs& args, const Cluster& cluster) {
  RunSetup run;
  try {
    prepare_run(args, cluster, run);
  } catch (...) {
    const int code = exit_code_of(std::current_exception());
    if (cluster.agree(code).speaker != cluster.rank()) return 0;
    rethrow_as_rank(cluster.rank());
  }
  if (cluster.agree(0).code != 0) return 0;  // another rank says why
  cluster.follow_run(*run.simulator);
  return 0;
}

}  // namespace

int run_command(const RunArgs& args) {
  const Cluster cluster;  // MPI, when mpirun started this process
  if (!cluster.lead()) return follow_run(args, cluster);

  // Rank 0 (or the only one): the journal of finished blocks, then the output, both claimed
  // before any work: another run on this output, a target in the way, or a stopped run's journal
  // without --resume stop the run.
  RunSetup run;
  std::optional<Journal> journal;
  std::optional<OutputFile> out;
  try {
    prepare_run(args, cluster, run);
    const Scenario& s = run.x.scenario;
    const JournalIdentity identity{
        run.x.source_text,
        s.seed,
        s.replications,
        run.options.block_size,
        std::ssize(run.design.sets),
        run.simulator->layout().size(),
        run.shard.first,
        run.shard.second,
        run.options.world_replications,
        run.x.futures ? futures_slot(*run.x.futures, run.simulator->layout()) : 0};
    try {
      const std::string journal_path = run.output + ".journal";
      std::vector<std::string> inputs;
      if (!args.experiment.empty()) inputs.push_back(args.experiment);
      if (args.resume) {
        journal.emplace(journal_path, identity, finite_slots(run.simulator->layout()),
                        [](std::int64_t, std::span<const double>) {});
        // This run holds the journal's lock, so no run is writing the output: a partial file is
        // what the stopped run left (or the user's).
        const std::string partial = run.output + ".partial";
        const auto shard = args.shard.empty() ? std::nullopt : std::optional(run.shard);
        switch (stopped_partial(partial, run.x, std::ssize(run.design.sets),
                                run.first_check > 0 ? run.first_check : s.replications,
                                s.replications, shard)) {
          case StoppedPartial::absent:
            break;
          case StoppedPartial::complete:
            out.emplace(OutputFile::Adopt{}, run.output, results_kind(), inputs);
            break;
          case StoppedPartial::incomplete:
            ::unlink(partial.c_str());
            break;
          case StoppedPartial::foreign:
            throw InputError(fmt::format(
                "--resume: '{}' is not a partial results file of this run; it is left as it "
                "is: move it away",
                partial));
        }
      } else {
        journal.emplace(journal_path, identity);
      }
      if (!out) out.emplace(run.output, results_kind(), inputs);
    } catch (const JournalConflict& e) {
      throw InputError(e.what());
    } catch (const OutputConflict& e) {
      throw InputError(e.what());
    }
  } catch (...) {
    cluster.agree(exit_code_of(std::current_exception()));
    throw;
  }
  // A follower failed alone: it says why, with the job's exit code (see follow_run).
  if (cluster.agree(0).code != 0) return 0;
  if (out->kept()) {
    // The stopped run's results were complete in the partial file: moved into place, nothing
    // simulated (the other ranks are told there is nothing to do).
    cluster.lead_run(
        *run.simulator, {}, [](std::int64_t, std::span<const double>) {},
        [](std::int64_t, std::int64_t) {});
    out->finish();
    journal->remove();
    const InterruptGuard interrupt_guard(*out);
    print_tables(run.x, run.output, args.quiet);
    if (!args.quiet)
      std::cerr << fmt::format(
          "crisp: the stopped run's results were complete in '{}': moved to "
          "{}\n",
          out->partial(), run.output);
    return 0;
  }

  Experiment& x = run.x;
  Scenario& s = x.scenario;
  const PolicyDesign& design = run.design;
  RunOptions& options = run.options;
  const std::string& output = run.output;
  const auto [shard_index, shard_count] = run.shard;
  const MetricLayout& layout = run.simulator->layout();
  const auto policies = std::ssize(design.sets);
  const InterruptGuard interrupt_guard(*out, &*journal);
  const std::int64_t all_blocks = block_plan(options).blocks();
  options.done_blocks.assign(static_cast<std::size_t>(all_blocks), 0);
  const std::vector<std::int64_t> resumed = journal->blocks();
  for (std::int64_t block : resumed) {
    if (block < 0 || block >= all_blocks || block % shard_count != shard_index - 1)
      throw InputError(fmt::format("--resume: {} holds block {}, which is not one of this run's",
                                   journal->path(), block));
    options.done_blocks[static_cast<std::size_t>(block)] = 1;
  }
  if (args.resume && !args.quiet)
    std::cerr << fmt::format("crisp: resuming {}: {} finished blocks from {}\n", output,
                             resumed.size(), journal->path());
  // Replication-years per work unit, on average (the last block may be short).
  const std::vector<std::int64_t>& world_reps = options.world_replications;
  const double years_per_unit =
      static_cast<double>((options.replications +
                           std::reduce(world_reps.begin(), world_reps.end(), std::int64_t{0})) *
                          policies) *
      s.horizon_days / kDaysPerYear / static_cast<double>(all_blocks);
  Progress progress(progress_mode(args), years_per_unit);
  std::optional<AdaptiveStop> adaptive;
  std::atomic<bool> enough{false};
  if (run.first_check > 0) {
    std::vector<int> slots;
    const auto k = static_cast<Metric>(
        std::find(kMetricNames.begin(), kMetricNames.end(), args.target_metric) -
        kMetricNames.begin());
    for (int r = 0; r < std::ssize(layout.regions); ++r)
      slots.push_back(layout.slot(layout.all_material(), r, k));
    adaptive.emplace(slots, policies, args.target_ci, run.first_check, options.replications,
                     options.block_size);
    std::vector<double> values;  // a resumed run judges the blocks it already has first
    for (std::int64_t b : resumed) {
      const auto [lo, hi] = block_range(b, options.block_size, options.replications);
      values.resize(static_cast<std::size_t>(policies * (hi - lo) * layout.size()));
      journal->read(b, 0, values);
      if (adaptive->add(b, values)) enough = true;
    }
  }
  const BlockPlan plan = block_plan(options);
  const int judged = x.futures ? futures_slot(*x.futures, layout) : 0;
  try {
    cluster.lead_run(
        *run.simulator, blocks_to_run(options),
        [&](std::int64_t b, std::span<const double> values) {
          const int world = plan.world(b);
          if (world == 0) {
            journal->append(b, values);
          } else {  // a future's block: only its judged cost is kept
            const std::size_t per_slot = values.size() / static_cast<std::size_t>(layout.size());
            journal->append(b,
                            values.subspan(static_cast<std::size_t>(judged) * per_slot, per_slot));
          }
          InterruptGuard::block_kept();
          if (adaptive && adaptive->add(b, values)) enough = true;
        },
        std::ref(progress), &enough);
  } catch (const std::invalid_argument& e) {  // the input made the engine stop (its event budget)
    throw InputError(fmt::format("{}: {}", x.source_name, e.what()));
  }
  if (adaptive) {
    // The results hold the prefix that met the target (or every block, when none did).
    const std::int64_t R = adaptive->stopped() ? adaptive->replications() : options.replications;
    if (!args.quiet)
      std::cerr << fmt::format(
          "crisp: --target-ci {}: {} at {} replications (largest 95 % half-width of a paired "
          "difference: {:.3g} of the policy set's mean {})\n",
          args.target_ci, adaptive->stopped() ? "met" : "not met by --max-replications", R,
          adaptive->worst(), args.target_metric);
    s.replications = options.replications = R;
  }
  std::vector<std::int64_t> blocks;  // this run's (its shard's), ascending
  for (std::int64_t b = shard_index - 1; b < block_count(options.replications, options.block_size);
       b += shard_count)
    blocks.push_back(b);
  const std::vector<std::int64_t> held = journal->blocks();  // ascending
  for (std::int64_t b : blocks)
    if (!std::binary_search(held.begin(), held.end(), b))
      throw std::logic_error("the journal does not hold every block of the run");

  const RunProvenance provenance{CRISP_VERSION, CRISP_GIT_COMMIT, args.command_line, x.source_text,
                                 s.seed};
  ResultsContent header = make_results_header(s, design, s.replications, provenance);
  // The shock draws of the file's replications (a part: its blocks'), drawn again here.
  header.shocks =
      make_shock_table(s, s.seed, block_replications(blocks, options.block_size, s.replications));
  if (!args.shard.empty()) {
    header.part = PartInfo{shard_index, shard_count, options.block_size, blocks};
    if (x.futures) {  // the judged costs of this part's futures blocks, for crisp merge
      std::vector<std::int64_t> mine;
      for (std::int64_t b = plan.first_block[1]; b < plan.blocks(); ++b)
        if (b % shard_count == shard_index - 1) mine.push_back(b);
      header.futures = FuturesContent{
          {{"part_costs", part_costs_table(plan, mine, policies, [&](std::int64_t b) {
              const auto [first, last] = plan.range(b);
              std::vector<double> c(static_cast<std::size_t>(policies * (last - first)));
              journal->read(b, 0, c);  // a future's record: its judged cost alone
              return c;
            })}}};
    }
    write_keeping_journal(*out, header, layout, *journal, options.block_size);
    if (!args.quiet)
      std::cerr << fmt::format(
          "crisp: part {}/{} ({} of {} blocks of {} replications) written to {}; join the parts "
          "with 'crisp merge'\n",
          shard_index, shard_count, blocks.size(), all_blocks, options.block_size, output);
    return 0;
  }
  if (x.sensitivity) {
    // The scaled runs, on this rank: the same policy sets, replications and seed (common random
    // numbers), each gathered into statistics; run 0 is the main run, read back from the journal.
    Progress sensitivity_progress(progress_mode(args), years_per_unit);
    options.keep_values = true;
    options.done_blocks.clear();
    options.world_replications.clear();
    try {
      header.sensitivity = run_sensitivity(
          s, design, *x.sensitivity, options,
          load_from_journal(*journal, layout, policies, s.replications, options.block_size),
          std::ref(sensitivity_progress));
    } catch (const std::invalid_argument& e) {
      throw InputError(fmt::format("{}: [sensitivity]: {}", x.source_name, e.what()));
    }
    // A scaled network that cannot meet demand even without shocks is said, not averaged in
    // silence (its costs are mostly shortage).
    const auto runs = sensitivity_runs(*x.sensitivity);
    const Column& meets = header.sensitivity->run_table.back();
    const auto& flags = std::get<std::vector<std::int64_t>>(meets.values);
    for (std::size_t r = 0; r < flags.size() && !args.quiet; ++r)
      if (flags[r] == 0)
        std::cerr << fmt::format(
            "crisp: warning: [sensitivity] {}: the network cannot meet every demand even without "
            "shocks (/sensitivity/runs meets_demand_without_shocks = 0)\n",
            r == 0 ? std::string("the scenario as given")
                   : fmt::format("{} x {:g}", x.sensitivity->parameters[runs[r].parameter].name,
                                 runs[r].factor));
  }
  if (x.futures) {
    const BlockPlan plan = block_plan(options);
    const int slot = futures_slot(*x.futures, layout);
    std::vector<std::string> labels;
    for (const PolicySet& set : design.sets)
      labels.push_back(set.label);
    const std::vector<char>& meets = run.simulator->meets_demand();
    const auto short_futures = std::count(meets.begin() + 1, meets.end(), 0);
    if (short_futures > 0 && !args.quiet)
      std::cerr << fmt::format(
          "crisp: warning: [futures] {} of {} futures cannot meet every demand even without "
          "shocks; the robustness measures leave them out (/futures/futures "
          "meets_demand_without_shocks)\n",
          short_futures, meets.size() - 1);
    header.futures = futures_content(
        *x.futures, *run.futures, labels, std::vector<char>(meets.begin() + 1, meets.end()), s.seed,
        [&](std::int64_t f) { return future_costs(*journal, plan, f + 1, slot, policies); });
  }
  if (x.discovery) {
    const BlockPlan plan = block_plan(options);
    header.discovery = TableGroup{discover_histories(
        *x.discovery, s, design, layout, s.seed, s.replications,
        [&](int slot) { return future_costs(*journal, plan, 0, slot, policies); })};
  }
  options.world_replications.clear();  // trajectories are of the scenario as given
  if (x.timeseries > 0)
    header.timeseries = record_timeseries(s, design, options, x.timeseries, x.timeseries_step_days);
  write_keeping_journal(*out, header, layout, *journal, options.block_size);

  print_tables(x, output, args.quiet);
  if (header.futures && !args.quiet) std::cout << futures_text(*header.futures);
  if (!args.quiet) std::cerr << fmt::format("crisp: results written to {}\n", output);
  return 0;
}

namespace {

// /futures of a merged futures run: the futures planned again from the experiment (and their
// demand checked again), every future's costs from the parts' /futures/part_costs.
std::optional<FuturesContent> merged_futures(const PartsOfRun& run, const Experiment& x) {
  if (!x.futures) return std::nullopt;
  const Scenario& s = x.scenario;
  const PolicyDesign design = make_design(x);
  FuturesPlan plan = plan_futures(s, design, *x.futures, s.seed, s.replications);
  RunOptions options;
  options.replications = run.replications;
  options.seed = run.seed;
  options.block_size = run.block_replications;
  options.world_replications.assign(static_cast<std::size_t>(plan.futures), plan.replications);
  const BlockSimulator simulator(s, design, options, std::move(plan.worlds));
  const BlockPlan blocks = block_plan(options);
  std::vector<Table> tables;
  for (const std::string& file : run.files)
    tables.push_back(ResultsReader(file, ResultsReader::Kind::part).table("/futures/part_costs"));
  std::vector<std::vector<double>> costs;
  try {
    costs = costs_from_parts(blocks, simulator.policies(), run.files, tables);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("merge: {}", e.what()));
  }
  std::vector<std::string> labels;
  for (const PolicySet& set : design.sets)
    labels.push_back(set.label);
  const std::vector<char>& meets = simulator.meets_demand();
  return futures_content(*x.futures, plan, labels,
                         std::vector<char>(meets.begin() + 1, meets.end()), s.seed,
                         [&](std::int64_t f) { return costs[static_cast<std::size_t>(f)]; });
}

// /discovery of a merged run: each series from the parts, each replication from its own part.
std::optional<TableGroup> merged_discovery(const PartsOfRun& run, const Experiment& x) {
  if (!x.discovery) return std::nullopt;
  const PolicyDesign design = make_design(x);
  const MetricLayout layout = make_layout(x.scenario);
  std::vector<std::tuple<std::string, std::string, std::string>> names(
      static_cast<std::size_t>(layout.size()));
  for_each_series(layout, [&](const std::string& group, const std::string& region,
                              const std::string& name, int slot) {
    names[static_cast<std::size_t>(slot)] = {group, region, name};
  });
  // Sets that act on one material share its series: each is read from the parts once.
  std::map<int, std::vector<double>> read;
  return TableGroup{discover_histories(
      *x.discovery, x.scenario, design, layout, run.seed, run.replications, [&](int slot) {
        if (const auto it = read.find(slot); it != read.end()) return it->second;
        const auto& [group, region, name] = names[static_cast<std::size_t>(slot)];
        std::vector<double> all;
        for (const std::string& file : run.files) {
          const std::vector<double> part =
              ResultsReader(file, ResultsReader::Kind::part).metric(group, region, name);
          if (all.empty()) all = part;
          for (std::size_t i = 0; i < part.size() && i < all.size(); ++i)
            if (!std::isnan(part[i])) all[i] = part[i];
        }
        return read[slot] = all;
      })};
}

}  // namespace

// Joins the parts of a sharded run (docs/results-format.md "Parts"; sim/runner/merge_parts.hpp
// checks them), written as a run would write it, by the rule every output follows.
int merge_command(const std::vector<std::string>& parts, const std::string& output,
                  const std::string& command_line, bool quiet) {
  const PartsOfRun run = check_parts(parts, CRISP_VERSION, CRISP_GIT_COMMIT);
  Experiment x = load_experiment_text(run.experiment_toml,
                                      fmt::format("the experiment of part '{}'", run.files[0]));
  x.scenario.seed = run.seed;
  x.scenario.replications = run.replications;
  std::optional<OutputFile> out;
  try {
    out.emplace(output, results_kind(), parts);
  } catch (const OutputConflict& e) {
    throw InputError(fmt::format("merge: {}", e.what()));
  }
  const InterruptGuard interrupt_guard(*out);
  const RunProvenance provenance{CRISP_VERSION, CRISP_GIT_COMMIT, command_line, run.experiment_toml,
                                 run.seed};
  try {
    const std::optional<FuturesContent> futures = merged_futures(run, x);
    const std::optional<TableGroup> discovery = merged_discovery(run, x);
    out->write([&](const std::string& file) {
      write_merged(run, x, provenance, file, futures, discovery);
    });
  } catch (const InputError&) {
    throw;  // a damaged part
  } catch (const std::exception& e) {
    if (out->kept()) throw;
    throw std::runtime_error(fmt::format("cannot write results file {}: {}", output, e.what()));
  }
  print_tables(x, output, quiet);
  if (!quiet)
    std::cerr << fmt::format("crisp: {} parts merged into {}\n", run.files.size(), output);
  return 0;
}

int check_command(const std::string& path) {
  if (looks_like_hdf5(path)) return check_results_command(path);
  const Experiment x = load_experiment_file(path);
  const Scenario& s = x.scenario;
  fmt::print("{}: experiment '{}' is valid\n", x.source_name, s.name);
  fmt::print("  horizon {} days, {} replications, seed {}, report regions: {}\n", s.horizon_days,
             s.replications, s.seed, fmt::join(s.report_regions, ", "));
  for (int m = 0; m < static_cast<int>(s.materials.size()); ++m) {
    int counts[3] = {0, 0, 0}, edges = 0;
    for (const NodeSpec& n : s.nodes)
      if (n.material == m) ++counts[static_cast<int>(n.kind)];
    for (const EdgeSpec& e : s.edges)
      if (s.nodes[e.from].material == m) ++edges;
    fmt::print("  {}: {} mines, {} refineries, {} consumers, {} contract edges\n",
               s.materials[m].name, counts[0], counts[1], counts[2], edges);
  }
  const auto sets = std::ssize(make_design(x).sets);
  fmt::print("  {} shocks, {} policy levers, {} policy sets ({} design)\n", s.shocks.size(),
             x.levers.size(), sets, x.design_kind);
  const Work work = work_of(x, sets, s.replications);
  fmt::print(
      "  work: {} policy sets x {} replications x {:.4g} years = {:.4g} replication-years on {} "
      "nodes and {} edges, about {:.2g} events; about {:.2g} core-seconds (the bundled default "
      "runs {:.0f} replication-years per core-second; a material's cost grows with the power {:g} "
      "of its nodes + edges)\n",
      sets, s.replications, s.horizon_days / kDaysPerYear, work.replication_years, s.nodes.size(),
      s.edges.size(), work.events, work.core_seconds, kReplicationYearsPerCoreSecond,
      kWorkExponent);
  if (x.sensitivity) {
    fmt::print("  sensitivity: {} parameters x {} factors ({}), {} runs with the unscaled one\n",
               x.sensitivity->parameters.size(), x.sensitivity->factors.size(),
               fmt::join(x.sensitivity->factors, ", "), sensitivity_runs(*x.sensitivity).size());
  }
  if (x.futures) {
    const FuturesSpec& f = *x.futures;
    const std::int64_t futures = futures_count(f);
    const std::int64_t per = f.replications > 0 ? f.replications : s.replications;
    const Work more = work_of(x, sets, futures * per);
    fmt::print(
        "  futures: {} ({} design, {} {} x {}), {} replications each, {} parameters; judged: {} / "
        "{}; {:.3g} more replication-years, about {:.3g} more core-seconds\n",
        futures, to_string(f.method), f.samples,
        f.method == FuturesSpec::Method::morris ? "trajectories" : "base samples",
        f.method == FuturesSpec::Method::morris ? "(k + 1)" : "(k + 2)", per, f.parameters.size(),
        f.region, f.material, more.replication_years, more.core_seconds);
  }
  if (x.discovery)
    fmt::print("  discovery: the shock histories in which each set's {} in {} is above {:g}\n",
               kMetricNames[static_cast<std::size_t>(x.discovery->metric)], x.discovery->region,
               x.discovery->above);

  for (const DecisionProblem& p : x.optimise) {
    std::string variables;
    for (const DecisionVariable& v : p.variables)
      variables += (variables.empty() ? "" : ", ") + v.key;
    fmt::print("  optimise '{}' (crisp optimise): {} {}, choosing {}; {} constraints\n", p.name,
               p.net_benefit ? "maximise net benefit," : "minimise mean", p.objective.label,
               variables, p.constraints.size());
  }

  fmt::print("\nBaseline balance (day 0, no shocks), t/yr:\n");
  fmt::print("  {:<28} {:<9} {:>14} {:>14} {:>14}\n", "node", "kind", "requested", "supplied",
             "capacity");
  int over = 0;
  for (const NodeBalance& b : baseline_balance(s)) {
    const NodeSpec& n = s.nodes[b.node];
    const bool short_here =
        b.requested_tpy > b.capacity_tpy * (1 + 1e-9) && n.kind != NodeKind::consumer;
    const bool consumer_short =
        n.kind == NodeKind::consumer && b.supplied_tpy < b.capacity_tpy * (1 - 1e-9);
    over += short_here || consumer_short;
    fmt::print("  {:<28} {:<9} {:>14.1f} {:>14.1f} {:>14.1f}{}\n", n.id, to_string(n.kind),
               b.requested_tpy, b.supplied_tpy, b.capacity_tpy,
               short_here       ? "  <- requests exceed capacity"
               : consumer_short ? "  <- short at baseline"
                                : "");
  }
  if (over > 0)
    fmt::print(
        "\nWarning: {} node(s) cannot be served in full at baseline: the scenario shows shortages "
        "with no shock at all.\n",
        over);

  // CRMA indicators: stage concentration of world capacity, and where each report region's
  // day-0 supply comes from (Regulation (EU) 2024/1252: at most 65 % from one third country).
  fmt::print(
      "\nCRMA indicators (day 0): largest single-country share per stage (HHI 0-10,000);\n"
      "  per region: largest third-country supplier (CRMA cap 65 %), share refined at home and\n"
      "  in the EU (benchmark 40 %), largest third country at the mine stage traced through the\n"
      "  refineries (and the share mined in the EU, benchmark 10 %):\n");
  fmt::print("{}", format_crma(crma_indicators(s), "  "));
  return 0;
}

int example_command(const std::string& name, bool list) {
  if (list && !name.empty())
    throw InputError(fmt::format(
        "example: --list lists every bundled experiment; give it or a name ('{}'), not both",
        name));
  if (list) {
    for (const BundledExperiment& x : bundled_experiments())
      fmt::print("{}\n", x.name);
    return 0;
  }
  if (name.empty()) {
    std::cout << default_experiment().text;
    return 0;
  }
  for (const BundledExperiment& x : bundled_experiments())
    if (x.name == name) {
      std::cout << x.text;
      return 0;
    }
  std::string names;
  for (const BundledExperiment& x : bundled_experiments())
    names += (names.empty() ? "" : ", ") + std::string(x.name);
  throw InputError(
      fmt::format("example: no bundled experiment named '{}'; there are: {}", name, names));
}

}  // namespace crisp
