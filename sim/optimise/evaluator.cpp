#include "evaluator.hpp"

#include <fmt/format.h>

#include "models/simulator.hpp"

namespace crisp {

Evaluator::Evaluator(const Scenario& scenario, const std::vector<Lever>& levers,
                     const RunOptions& options, const Cluster& cluster, EvaluationLog* log)
    : scenario_(scenario),
      levers_(levers),
      options_(options),
      cluster_(cluster),
      log_(log),
      layout_(make_layout(scenario)) {
  options_.keep_values = false;
  options_.material_cache = &material_cache_;
  options_.done_blocks.clear();
  options_.shard_index = options_.shard_count = 1;
}

std::vector<double> Evaluator::evaluate(const PolicySet& set, const Sample& sample,
                                        std::span<const int> slots) {
  // The key: the sample and slots, then the set's value of every lever column (NaN: off), exact.
  std::string key = fmt::format("seed {} replications {} slots", sample.seed, sample.replications);
  for (int s : slots)
    key += fmt::format(" {}", s);
  key += " set";
  for (double p : set.params)
    key += fmt::format(" {:a}", p);
  const double years =
      static_cast<double>(sample.replications) * scenario_.horizon_days / kDaysPerYear;
  if (const auto it = done_.find(key); it != done_.end()) return it->second;
  used_years_ += years;

  const auto n = static_cast<std::size_t>(sample.replications);
  const std::size_t k = slots.size();
  std::vector<double> out;
  RunOptions options = options_;
  options.replications = sample.replications;
  options.seed = sample.seed;
  const BlockSimulator simulator(scenario_, design_of(levers_, {set}), options);
  if (cluster_.lead()) {
    const std::vector<double>* logged = log_ ? log_->find(key) : nullptr;
    std::vector<std::int64_t> todo;
    if (logged) {
      out = *logged;
    } else {
      out.assign(n * k, 0.0);
      for (std::int64_t b = 0; b < block_count(sample.replications, options.block_size); ++b)
        todo.push_back(b);
      simulated_years_ += years;
    }
    // A block's values are slot-major: (slot s, set 0, replication r) at s * nb + (r - first).
    cluster_.lead_run(simulator, todo,
                      [&](std::int64_t b, std::span<const double> values) {
                        const auto [first, last] =
                            block_range(b, options.block_size, sample.replications);
                        const auto nb = static_cast<std::size_t>(last - first);
                        for (std::size_t r = 0; r < nb; ++r)
                          for (std::size_t j = 0; j < k; ++j)
                            out[(static_cast<std::size_t>(first) + r) * k + j] =
                                values[static_cast<std::size_t>(slots[j]) * nb + r];
                      },
                      {});
    if (!logged && log_) log_->append(key, out);
  } else {
    cluster_.follow_run(simulator);
  }
  cluster_.share(out);
  done_.emplace(std::move(key), out);
  return out;
}

}  // namespace crisp
