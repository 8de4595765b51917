// Cluster without MPI (CRISP_WITH_MPI off): one rank, that simulates every block itself.
#include <tbb/task_arena.h>

#include "sim/cluster/cluster.hpp"

namespace crisp {

Cluster::Cluster() = default;
Cluster::~Cluster() = default;

int Cluster::default_threads() const {
  return tbb::this_task_arena::max_concurrency();
}

Cluster::Agreement Cluster::agree(int code) const {
  return {code, 0};
}

void Cluster::lead_run(const BlockSimulator& simulator, const std::vector<std::int64_t>& todo,
                       const BlockFn& finished, const ProgressFn& progress,
                       const std::atomic<bool>* stop) const {
  simulator.run_list(todo, finished, progress, stop);
}

void Cluster::follow_run(const BlockSimulator&) const {}

void Cluster::share(std::vector<double>&) const {}

}  // namespace crisp
