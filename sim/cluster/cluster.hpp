#pragma once
// Runs over MPI ranks (README.md "Running on a cluster"): rank 0 claims the output, keeps the
// journal, hands out blocks on request (dynamic load balancing: a block that costs ten times the
// others holds up one rank's thread, not a static share) and simulates blocks with its own threads
// too; every other rank simulates the blocks it is given with oneTBB threads and sends each
// finished block to rank 0. A block's values do not depend on the rank that made them, so the file
// is the one a threaded run writes. Without CRISP_WITH_MPI, or when crisp was not started by
// mpirun, there is one rank and these calls do nothing of MPI.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/runner/monte_carlo.hpp"

namespace crisp {

class Cluster {
 public:
  // Starts MPI when this process was started by an MPI launcher; ends it on destruction.
  Cluster();
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool lead() const { return rank_ == 0; }
  // Threads for this rank when the user gave none: the cores this process may use, shared with
  // the other ranks on its node unless the launcher bound each rank to cores of its own.
  int default_threads() const;

  // Every rank calls this once its setup is done or has failed, with its exit code (0: ready):
  // answers the largest code of all ranks, so that all go on or all stop, and the lowest rank
  // that failed: the one that says why, so that a bad experiment gives one line for the job
  // (rank 0's, when it failed too), not one per rank. Only that rank should exit with the code:
  // mpirun ends the job at the first rank that exits non-zero, before the speaker's line is out.
  struct Agreement {
    int code = 0;
    int speaker = 0;
  };
  Agreement agree(int code) const;
  // Rank 0: hands out `todo`, simulates with `simulator` too, and gives every finished block,
  // from whichever rank, to `finished` and `progress` (never concurrently). A failure on any rank
  // stops the handing out; once every rank has stopped it is thrown here: rank 0's own as it was
  // thrown, another rank's named "rank N: " (std::invalid_argument when that rank's was one, a
  // fault of the input; else std::runtime_error).
  // Once `*stop` is true (set by `finished`, say), no more blocks are handed out; those under
  // way still finish and reach `finished`.
  void lead_run(const BlockSimulator& simulator, const std::vector<std::int64_t>& todo,
                const BlockFn& finished, const ProgressFn& progress,
                const std::atomic<bool>* stop = nullptr) const;
  // Every other rank: simulates the blocks rank 0 hands out until it says there are no more, or
  // until its own failure, which it reports to rank 0 (rank 0 says it for the job, and exits
  // with its code).
  void follow_run(const BlockSimulator& simulator) const;
  // Every rank: `values` becomes rank 0's (its size too), so that every rank takes the same next
  // step (crisp optimise).
  void share(std::vector<double>& values) const;

 private:
  int rank_ = 0, size_ = 1;
  int node_ranks_ = 1;  // ranks on this node, this one included
  bool started_ = false;
};

}  // namespace crisp
