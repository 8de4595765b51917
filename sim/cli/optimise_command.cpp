// crisp optimise (README "Finding the best policy"): the experiment's [[optimise]] problems
// solved by sample-average approximation (sim/optimise/optimise.hpp), the answers written as a
// results file: /policies and /metrics hold the baseline and every answer on the evaluation
// sample (so that show, export, plot and report read them as any run), /optimise the search.

#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <iostream>
#include <numeric>

#include <fmt/format.h>

#include "commands.hpp"
#include "crisp_version.hpp"
#include "interrupt_guard.hpp"
#include "models/simulator.hpp"
#include "sim/cluster/cluster.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/optimise/evaluation_log.hpp"
#include "sim/optimise/evaluator.hpp"
#include "sim/optimise/optimise.hpp"
#include "sim/optimise/outcome_tables.hpp"
#include "sim/results/file_seal.hpp"
#include "sim/results/output_file.hpp"
#include "sim/results/results_file.hpp"
#include "sim/runner/results_content.hpp"
#include "sim/runner/shock_table.hpp"

namespace crisp {

namespace {

void check_work(const Experiment& x, const std::vector<DecisionProblem>& problems);

// The experiment with the command line's seed, and the problems asked for.
Experiment prepare(const OptimiseArgs& args, std::vector<DecisionProblem>& problems) {
  Experiment x = load(args.experiment);
  if (args.seed) x.scenario.seed = *args.seed;
  if (x.optimise.empty())
    throw InputError(fmt::format(
        "{}: no [[optimise]] table: crisp optimise solves the decision problems an experiment "
        "gives (README \"Finding the best policy\"; 'crisp example' shows one)",
        x.source_name));
  if (args.problems.empty()) {
    problems = x.optimise;
  } else {
    for (const std::string& name : args.problems) {
      const auto it = std::find_if(x.optimise.begin(), x.optimise.end(),
                                   [&](const DecisionProblem& p) { return p.name == name; });
      if (it == x.optimise.end()) {
        std::string names;
        for (const DecisionProblem& p : x.optimise)
          names += (names.empty() ? "" : ", ") + p.name;
        throw InputError(fmt::format("--problem: {} has no [[optimise]] named '{}'; it has: {}",
                                     x.source_name, name, names));
      }
      problems.push_back(*it);
    }
  }
  for (std::size_t i = 0; i < problems.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (problems[i].name == problems[j].name)
        throw InputError(fmt::format("--problem: '{}' is given twice", problems[i].name));
  check_work(x, problems);
  return x;
}

// Refuses, before any work, an optimisation past what any machine could finish or hold: at most
// kMostReplicationYears in all (as crisp run), counting every search at its full budget and every
// round, and the answers' values in memory (every slot of every evaluation replication, for the
// baseline and each answer) at most kMostAnswerBytes.
void check_work(const Experiment& x, const std::vector<DecisionProblem>& problems) {
  constexpr double kMostReplicationYears = 1e12, kMostAnswerBytes = 16e9;
  const double years = x.scenario.horizon_days / kDaysPerYear;
  const double slots = static_cast<double>(make_layout(x.scenario).size());
  double work = 0, answers = 1, evaluation = 0;
  for (const DecisionProblem& p : problems) {
    double combinations = 1, frontier = 0;
    for (const DecisionVariable& v : p.variables)
      if (v.kind == DecisionVariable::Kind::choice)
        combinations *= static_cast<double>(v.values.size());
    for (const DecisionConstraint& c : p.constraints)
      frontier += static_cast<double>(c.frontier.size());
    const double searches = 4 * (1 + frontier) + static_cast<double>(p.gap_batches);
    work += searches * combinations * static_cast<double>(p.max_evaluations) *
            static_cast<double>(p.search_replications) * years;
    answers += combinations * (1 + frontier);
    evaluation = std::max(evaluation, static_cast<double>(p.evaluation_replications));
  }
  work += answers * 4 * evaluation * years;
  if (work > kMostReplicationYears)
    throw InputError(fmt::format(
        "{}: [[optimise]]: its searches may take up to {:.3g} replication-years, more than {:.0g} "
        "(over a core-year of simulation): fewer search_replications, max_evaluations, "
        "gap_batches, frontier bounds or choices",
        x.source_name, work, kMostReplicationYears));
  if (answers * evaluation * slots * 8 > kMostAnswerBytes)
    throw InputError(fmt::format(
        "{}: [[optimise]]: {:.0f} answers x {:.0f} evaluation replications x {:.0f} metrics would "
        "hold {:.3g} GB in memory, more than {:.0f}: fewer evaluation_replications, frontier "
        "bounds or choices",
        x.source_name, answers, evaluation, slots, answers * evaluation * slots * 8 / 1e9,
        kMostAnswerBytes / 1e9));
}

// Everything the answer depends on: the journal of another run is refused on --resume.
std::string identity_of(const Experiment& x, const std::vector<DecisionProblem>& problems) {
  std::string id =
      fmt::format("{} {}\nseed {}\n", CRISP_VERSION, CRISP_GIT_COMMIT, x.scenario.seed);
  for (const DecisionProblem& p : problems)
    id += p.name + "\n";
  return id + x.source_text;
}

}  // namespace

int optimise_command(const OptimiseArgs& args) {
  const Cluster cluster;
  std::vector<DecisionProblem> problems;
  Experiment x;
  const std::string output = args.output.empty() ? "crisp-optimise.h5" : args.output;
  std::optional<EvaluationLog> log;
  std::optional<OutputFile> out;
  try {
    x = prepare(args, problems);
    if (cluster.lead()) {
      std::vector<std::string> inputs;
      if (!args.experiment.empty()) inputs.push_back(args.experiment);
      try {
        log.emplace(output + ".journal", identity_of(x, problems), args.resume);
        if (args.resume) {
          // A partial results file a killed optimisation left (it holds the journal's lock, so
          // no other run is writing it): written again from the journal.
          const std::string partial = output + ".partial";
          struct stat st {};
          if (::lstat(partial.c_str(), &st) == 0) {
            if (!S_ISREG(st.st_mode) || (st.st_size > 0 && !looks_like_hdf5(partial)))
              throw InputError(fmt::format(
                  "--resume: '{}' is not a partial results file of this optimisation; it is "
                  "left as it is: move it away",
                  partial));
            ::unlink(partial.c_str());
          }
        }
        out.emplace(output, results_kind(), inputs);
      } catch (const EvaluationLogConflict& e) {
        throw InputError(e.what());
      } catch (const OutputConflict& e) {
        throw InputError(e.what());
      }
    }
  } catch (...) {
    const int code = exit_code_of(std::current_exception());
    if (cluster.agree(code).speaker != cluster.rank()) return 0;
    throw;
  }
  if (cluster.agree(0).code != 0) return 0;
  std::optional<InterruptGuard> guard;
  if (out) guard.emplace(*out);
  if (log && log->resumed() > 0 && !args.quiet)
    std::cerr << fmt::format("crisp: resuming: {} evaluations from {}\n", log->resumed(),
                             log->path());

  const Scenario& s = x.scenario;
  RunOptions options;
  options.threads = args.threads > 0 ? args.threads : cluster.default_threads();
  options.block_size = s.block_replications;
  options.seed = s.seed;
  Evaluator evaluator(s, x.levers, options, cluster, log ? &*log : nullptr);
  const MetricLayout& layout = evaluator.layout();
  std::vector<int> all(static_cast<std::size_t>(layout.size()));
  std::iota(all.begin(), all.end(), 0);
  std::int64_t evaluation_replications = 0;
  for (const DecisionProblem& p : problems)
    evaluation_replications = std::max(evaluation_replications, p.evaluation_replications);
  const Sample evaluation{derived_seed(s.seed, kEvaluationStream), evaluation_replications};

  std::vector<ProblemOutcome> outcomes;
  std::vector<double> baseline;
  try {
    baseline = evaluator.evaluate(baseline_set(x.levers), evaluation, all);
    const double baseline_years = evaluator.used_years();
    for (const DecisionProblem& p : problems) {
      if (!args.quiet && cluster.lead())
        std::cerr << fmt::format("crisp: optimise '{}': searching on {} replications\n", p.name,
                                 p.search_replications);
      outcomes.push_back(solve(p, x.levers, evaluator, s.seed, evaluation_replications, baseline));
    }
    // The baseline's evaluation is the first problem's.
    outcomes.front().years_evaluation += baseline_years;
  } catch (const std::invalid_argument& e) {  // a policy the ranges allow cannot apply
    throw InputError(fmt::format("{}: {}", x.source_name, e.what()));
  }
  if (!cluster.lead()) return 0;

  // The results: the baseline, then every problem's answers and frontier answers.
  std::vector<PolicySet> sets{baseline_set(x.levers)};
  std::vector<const std::vector<double>*> values{&baseline};
  OptimiseContent content;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    std::vector<int> rows;
    for (const auto* answers : {&outcomes[i].answers, &outcomes[i].frontier_answers})
      for (const Answer& a : *answers) {
        rows.push_back(static_cast<int>(sets.size()));
        sets.push_back(decision_set(x.levers, problems[i], a.x, a.label));
        values.push_back(&a.values);
      }
    content.problems.push_back(optimise_tables(problems[i], outcomes[i], rows));
  }
  content.problems.insert(content.problems.begin(),
                          {"", {{"problems", problems_table(problems, outcomes, s.seed)}}});
  const PolicyDesign design = design_of(x.levers, sets);
  RunResult result;
  result.layout = layout;
  result.policies = std::ssize(sets);
  result.replications = evaluation_replications;
  const auto k = static_cast<std::size_t>(layout.size());
  result.values.resize(sets.size() * static_cast<std::size_t>(evaluation_replications) * k);
  for (std::size_t p = 0; p < sets.size(); ++p)
    std::copy(
        values[p]->begin(), values[p]->end(),
        result.values.begin() +
            static_cast<std::ptrdiff_t>(p * static_cast<std::size_t>(evaluation_replications) * k));
  Scenario evaluated = s;
  evaluated.replications = evaluation_replications;
  const RunProvenance provenance{CRISP_VERSION, CRISP_GIT_COMMIT, args.command_line, x.source_text,
                                 evaluation.seed};
  ResultsContent results = make_results_content(evaluated, design, result, provenance);
  results.optimise = std::move(content);
  const ReplicationRange evaluated_replications{0, evaluation_replications};
  results.shocks = make_shock_table(evaluated, evaluation.seed, {&evaluated_replications, 1});
  try {
    out->write(results);
  } catch (const std::exception& e) {
    if (out->kept()) throw;
    throw std::runtime_error(fmt::format(
        "cannot write results file {}: {}; the evaluations are kept in '{}': run the same "
        "command with --resume to write the results without simulating them again",
        output, e.what(), log->path()));
  }
  log->remove();
  std::cout << optimise_text(ResultsReader(output));
  if (!args.quiet) std::cerr << fmt::format("crisp: results written to {}\n", output);
  bool infeasible = false;
  for (std::size_t i = 0; i < problems.size(); ++i)
    if (outcomes[i].chosen < 0) {
      infeasible = true;
      std::cerr << fmt::format(
          "crisp: error: optimise '{}': no policy in the ranges meets its constraints on the "
          "search sample; {} names the closest\n",
          problems[i].name, output);
    }
  return infeasible ? 1 : 0;
}

}  // namespace crisp
