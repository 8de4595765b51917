// Cluster over MPI (CRISP_WITH_MPI): see cluster.hpp. Only each process's main thread calls MPI
// (MPI_THREAD_FUNNELED); the simulation runs on a thread of its own, fed through a queue.
//
// Messages, all on MPI_COMM_WORLD:
//   follower -> 0  kRequest  int64: how many blocks it can start now
//   0 -> follower  kBlocks   int64[k]: blocks to simulate; none: there are no more, stop
//   follower -> 0  kResult   int64 block, then the block's values (BlockFn layout), as bytes
//   follower -> 0  kFailed   one byte, 1 when the failure is a std::invalid_argument (a fault of
//                            the input), then its message, as bytes; the follower then stops
//   follower -> 0  kDone     nothing: told there are no more blocks, it has sent every result
//
// A follower counts as stopped at its kDone (or kFailed), never at the empty kBlocks: blocks it
// was still simulating then arrive after that answer, and MPI keeps one sender's messages in
// order, so its last kResult comes before its kDone. Otherwise rank 0 could return with a block
// missing, or (crisp optimise, one run after another) take a late block of one run for the next.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <tbb/task_arena.h>

#include "sim/cluster/cluster.hpp"

namespace crisp {

namespace {

enum Tag : int { kRequest = 1, kBlocks, kResult, kFailed, kDone };

// Polling interval of a main thread that waits for messages and for its simulation thread: short
// against a block (tenths of a second), long enough to cost no core.
constexpr auto kPoll = std::chrono::microseconds(500);

// Started by mpirun, srun or another launcher (OpenMPI, PMIx and PMI say so in the environment).
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(fmt::format("MPI: {} failed", what));
}

int count_bytes(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(INT32_MAX))
    throw std::runtime_error(fmt::format(
        "a block's results ({} bytes) exceed what one MPI message carries (2 GiB): lower "
        "[experiment] block_replications",
        bytes));
  return static_cast<int>(bytes);
}

// The simulation thread of a rank: simulates the blocks put into it, and keeps each finished one
// until the main thread takes it.
class Simulation {
 public:
  Simulation(const BlockSimulator& simulator, bool keep_results)
      : keep_results_(keep_results), thread_([this, &simulator] { work(simulator); }) {}
  ~Simulation() {
    close();
    thread_.join();
  }

  void give(std::int64_t block) {
    const std::lock_guard lock(mutex_);
    queue_.push_back(block);
    ready_.notify_all();
  }
  // A thread failed: the others take no more blocks, so the failure reaches error() at once.
  void stop() {
    const std::lock_guard lock(mutex_);
    queue_.clear();
    closed_ = true;
    ready_.notify_all();
  }
  // No more blocks will come: the thread ends once the queue is empty.
  void close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }
  // Blocks given and not yet finished.
  std::size_t pending() const {
    const std::lock_guard lock(mutex_);
    return queue_.size() + busy_;
  }
  // A finished block: its number, then its values, as one message's bytes.
  std::optional<std::vector<char>> take() {
    const std::lock_guard lock(mutex_);
    if (results_.empty()) return std::nullopt;
    std::vector<char> r = std::move(results_.front());
    results_.pop_front();
    return r;
  }
  bool finished() const {
    const std::lock_guard lock(mutex_);
    return done_;
  }
  std::exception_ptr error() const {
    const std::lock_guard lock(mutex_);
    return error_;
  }
  // What `finished` does with a block on the simulation thread when results are not kept.
  BlockFn on_block;

 private:
  void work(const BlockSimulator& simulator) {
    try {
      simulator.run(
          [this]() -> std::int64_t {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return !queue_.empty() || closed_; });
            if (queue_.empty()) return -1;
            const std::int64_t b = queue_.front();
            queue_.pop_front();
            ++busy_;
            return b;
          },
          [this](std::int64_t b, std::span<const double> values) {
            if (keep_results_) {  // the main thread sends it
              std::vector<char> message(sizeof b + values.size_bytes());
              std::memcpy(message.data(), &b, sizeof b);
              std::memcpy(message.data() + sizeof b, values.data(), values.size_bytes());
              const std::lock_guard lock(mutex_);
              results_.push_back(std::move(message));
            } else {
              on_block(b, values);
            }
            const std::lock_guard lock(mutex_);
            --busy_;
          },
          [this] { stop(); });
    } catch (...) {
      const std::lock_guard lock(mutex_);
      error_ = std::current_exception();
    }
    const std::lock_guard lock(mutex_);
    done_ = true;
  }

  const bool keep_results_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::int64_t> queue_;
  std::deque<std::vector<char>> results_;
  std::size_t busy_ = 0;
  bool closed_ = false, done_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

// A failure as the kFailed message carries it: its kind (1: std::invalid_argument), then its text.
std::string message_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::invalid_argument& x) {
    return std::string(1, '\1') + x.what();
  } catch (const std::bad_alloc&) {
    return std::string(1, '\0') + "out of memory";
  } catch (const std::exception& x) {
    return std::string(1, '\0') + x.what();
  } catch (...) {
    return std::string(1, '\0') + "unknown failure";
  }
}

// A follower's kFailed message as the exception rank 0 throws for the job.
std::exception_ptr failure_of(int rank, const char* bytes, std::size_t size) {
  const bool input = size > 0 && bytes[0] == 1;
  const std::string what = fmt::format(
      "rank {}: {}", rank, std::string(bytes + std::min<std::size_t>(size, 1), bytes + size));
  if (input) return std::make_exception_ptr(std::invalid_argument(what));
  return std::make_exception_ptr(std::runtime_error(what));
}

}  // namespace

Cluster::Cluster() {
  if (!launched_by_mpi()) return;
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  started_ = true;
  if (provided < MPI_THREAD_FUNNELED)
    throw std::runtime_error("MPI: this MPI library cannot run threads beside MPI calls");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  // The ranks on this node (a collective call: every rank makes it, here and only here).
  MPI_Comm node;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node),
        "MPI_Comm_split_type");
  MPI_Comm_size(node, &node_ranks_);
  MPI_Comm_free(&node);
}

Cluster::~Cluster() {
  if (started_) MPI_Finalize();
}

int Cluster::default_threads() const {
  const int usable = tbb::this_task_arena::max_concurrency();
  // Bound by the launcher to cores of its own: those are this rank's. Otherwise the node's cores
  // are shared with the other ranks on it.
  if (usable < static_cast<int>(std::thread::hardware_concurrency())) return usable;
  return std::max(1, usable / node_ranks_);
}

Cluster::Agreement Cluster::agree(int code) const {
  if (size_ == 1) return {code, 0};
  // The largest code, and the largest of minus the failed ranks: the lowest failed rank.
  const int mine[2] = {code, code != 0 ? -rank_ : -size_};
  int all[2] = {0, 0};
  check(MPI_Allreduce(mine, all, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return {all[0], -all[1]};
}

void Cluster::lead_run(const BlockSimulator& simulator, const std::vector<std::int64_t>& todo,
                       const BlockFn& finished, const ProgressFn& progress,
                       const std::atomic<bool>* stop) const {
  const auto total = static_cast<std::int64_t>(todo.size());
  std::int64_t done = 0;
  std::mutex record_mutex;  // finished and progress: from this rank's threads and from messages
  auto record = [&](std::int64_t b, std::span<const double> values) {
    const std::lock_guard lock(record_mutex);
    finished(b, values);
    if (progress) progress(++done, total);
  };

  std::mutex todo_mutex;
  std::size_t handed = 0;
  std::exception_ptr failure;  // the first failure on any rank: nothing more is handed out
  auto hand_out = [&](std::size_t most) {
    const std::lock_guard lock(todo_mutex);
    std::vector<std::int64_t> blocks;
    while (!failure && (stop == nullptr || !*stop) && blocks.size() < most && handed < todo.size())
      blocks.push_back(todo[handed++]);
    return blocks;
  };
  auto fail = [&](std::exception_ptr what) {
    const std::lock_guard lock(todo_mutex);
    if (!failure) failure = std::move(what);
  };

  std::optional<Simulation> own;
  own.emplace(simulator, false);
  own->on_block = record;
  const auto threads = static_cast<std::size_t>(simulator.threads());
  std::vector<char> working(static_cast<std::size_t>(size_), 1);  // followers not yet stopped
  int followers = size_ - 1;
  auto stopped = [&](int rank) {
    if (working[static_cast<std::size_t>(rank)]) --followers;
    working[static_cast<std::size_t>(rank)] = 0;
  };
  std::vector<char> buffer;
  while (followers > 0 || !own->finished()) {
    // Keep this rank's threads fed, a block at a time, from the same list the followers draw on.
    if (own->error()) fail(own->error());
    if (own->pending() < threads) {
      const std::vector<std::int64_t> next = hand_out(1);
      if (next.empty())
        own->close();
      else
        own->give(next.front());
    }
    int waiting = 0;
    MPI_Status status;
    if (followers > 0)  // (one rank: MPI may not even be started)
      check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &status),
            "MPI_Iprobe");
    if (!waiting) {
      std::this_thread::sleep_for(kPoll);
      continue;
    }
    int bytes = 0;
    MPI_Get_count(&status, MPI_BYTE, &bytes);
    buffer.resize(static_cast<std::size_t>(std::max(bytes, 8)));
    check(MPI_Recv(buffer.data(), bytes, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG,
                   MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv");
    const int from = status.MPI_SOURCE;
    switch (status.MPI_TAG) {
      case kRequest: {
        std::int64_t most = 0;
        std::memcpy(&most, buffer.data(), sizeof most);
        const std::vector<std::int64_t> blocks = hand_out(static_cast<std::size_t>(most));
        check(MPI_Send(blocks.data(), count_bytes(blocks.size() * sizeof(std::int64_t)), MPI_BYTE,
                       from, kBlocks, MPI_COMM_WORLD),
              "MPI_Send");
        break;
      }
      case kDone:
        stopped(from);
        break;
      case kResult: {
        std::int64_t b = 0;
        std::memcpy(&b, buffer.data(), sizeof b);
        const std::size_t n = (static_cast<std::size_t>(bytes) - sizeof b) / sizeof(double);
        std::vector<double> values(n);
        std::memcpy(values.data(), buffer.data() + sizeof b, n * sizeof(double));
        try {
          record(b, values);
        } catch (const std::exception&) {
          fail(std::current_exception());
        }
        break;
      }
      case kFailed:
        fail(failure_of(from, buffer.data(), static_cast<std::size_t>(bytes)));
        stopped(from);  // it stops after saying so
        break;
      default:
        fail(std::make_exception_ptr(std::runtime_error(
            fmt::format("rank {} sent an unknown message (tag {})", from, status.MPI_TAG))));
    }
  }
  if (own->error()) fail(own->error());
  own.reset();
  if (failure) std::rethrow_exception(failure);
}

void Cluster::follow_run(const BlockSimulator& simulator) const {
  const auto threads = static_cast<std::size_t>(simulator.threads());
  Simulation own(simulator, true);
  bool asked = false, no_more = false, failed = false;
  std::vector<std::int64_t> blocks;
  auto send_results = [&] {  // finished blocks go to rank 0 before anything else
    bool sent = false;
    while (auto result = own.take()) {
      check(MPI_Send(result->data(), count_bytes(result->size()), MPI_BYTE, 0, kResult,
                     MPI_COMM_WORLD),
            "MPI_Send");
      sent = true;
    }
    return sent;
  };
  for (;;) {
    bool idle = !send_results();
    if (own.error() && !failed) {
      failed = true;
      const std::string what = message_of(own.error());
      check(MPI_Send(what.data(), count_bytes(what.size()), MPI_BYTE, 0, kFailed, MPI_COMM_WORLD),
            "MPI_Send");
    }
    if (asked) {  // the answer to the request
      int waiting = 0;
      MPI_Status status;
      check(MPI_Iprobe(0, kBlocks, MPI_COMM_WORLD, &waiting, &status), "MPI_Iprobe");
      if (waiting) {
        int bytes = 0;
        MPI_Get_count(&status, MPI_BYTE, &bytes);
        blocks.resize(static_cast<std::size_t>(bytes) / sizeof(std::int64_t));
        check(
            MPI_Recv(blocks.data(), bytes, MPI_BYTE, 0, kBlocks, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
            "MPI_Recv");
        asked = false;
        idle = false;
        if (blocks.empty()) no_more = true;
        if (!failed)
          for (std::int64_t b : blocks)
            own.give(b);
      }
    }
    if (failed) {
      if (!asked) break;  // said so, and no answer is on its way
    } else if (no_more) {
      own.close();
      if (own.finished()) {
        send_results();
        check(MPI_Send(nullptr, 0, MPI_BYTE, 0, kDone, MPI_COMM_WORLD), "MPI_Send");
        break;
      }
    } else if (!asked && own.pending() < threads) {
      const auto most = static_cast<std::int64_t>(threads - own.pending());
      check(MPI_Send(&most, sizeof most, MPI_BYTE, 0, kRequest, MPI_COMM_WORLD), "MPI_Send");
      asked = true;
      idle = false;
    }
    if (idle) std::this_thread::sleep_for(kPoll);
  }
}

void Cluster::share(std::vector<double>& values) const {
  if (size_ == 1) return;
  auto count = static_cast<long long>(values.size());
  check(MPI_Bcast(&count, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
  values.resize(static_cast<std::size_t>(count));
  // In pieces of at most 2^27 doubles (1 GiB), within MPI's int counts.
  for (long long at = 0; at < count; at += 1LL << 27) {
    const int n = static_cast<int>(std::min(count - at, 1LL << 27));
    check(MPI_Bcast(values.data() + at, n, MPI_DOUBLE, 0, MPI_COMM_WORLD), "MPI_Bcast");
  }
}

}  // namespace crisp
