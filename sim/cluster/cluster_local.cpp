// Cluster without MPI (CRISP_WITH_MPI off): one rank, that simulates every block itself.
#include <mutex>

#include <tbb/task_arena.h>

#include "sim/cluster/cluster.hpp"

namespace crisp {

Cluster::Cluster() = default;
Cluster::~Cluster() = default;

int Cluster::default_threads() const {
  return tbb::this_task_arena::max_concurrency();
}

int Cluster::agree(int code) const {
  return code;
}

void Cluster::lead_run(const BlockSimulator& simulator, const std::vector<std::int64_t>& todo,
                       const BlockFn& finished, const ProgressFn& progress,
                       const std::atomic<bool>* stop) const {
  std::size_t handed = 0;
  std::int64_t done = 0;
  std::mutex mutex;
  simulator.run(
      [&] {
        if (stop != nullptr && *stop) return std::int64_t{-1};
        return handed < todo.size() ? todo[handed++] : std::int64_t{-1};
      },
      [&](std::int64_t b, std::span<const double> values) {
        const std::lock_guard lock(mutex);
        finished(b, values);
        if (progress) progress(++done, static_cast<std::int64_t>(todo.size()));
      });
}

int Cluster::follow_run(const BlockSimulator&) const {
  return 0;
}

}  // namespace crisp
