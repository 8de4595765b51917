#pragma once
// The record of a run's finished blocks (docs/results-format.md "Resume"): `FILE.h5.journal`,
// append-only. Its header holds what identifies the run (experiment text, seed, replications,
// block size, layout, shard); each record one finished block's metrics, with a checksum, so that
// a record cut short by SIGKILL is recognised and redone. A run holds an exclusive lock (flock) on
// its journal while it works; the kernel drops it when the process dies, however it dies.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <sys/types.h>

namespace crisp {

struct JournalIdentity {
  std::string experiment_text;
  std::uint64_t seed = 0;
  std::int64_t replications = 0, block_replications = 0, policies = 0, slots = 0;
  std::int64_t shard_index = 1, shard_count = 1;
  // The replications of the worlds after the scenario as given ([futures]; RunOptions).
  std::vector<std::int64_t> world_replications = {};
  // Of a further world's blocks the journal keeps this one slot (the futures' judged cost), not
  // the whole layout: its records hold policies x replications values.
  std::int64_t world_slot = 0;
  std::string bytes() const;  // what the header stores
};

// The journal cannot be used: it exists without --resume, it is another run's, another run holds
// it, or it is damaged. A usage error.
struct JournalConflict : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Journal {
 public:
  using BlockFn = std::function<void(std::int64_t block, std::span<const double> values)>;

  // A new journal at `path` (exclusive, never through a link): refuses one that exists.
  Journal(const std::string& path, const JournalIdentity& id);
  // An existing journal to resume: checks its identity and hands every complete record to `found`;
  // what follows the last complete record is cut off. A journal that is not a regular file, whose
  // header is not this run's, or with a whole record (its checksum right) that cannot be this
  // run's (a block not of this run or shard, a wrong number of values, a block twice, a value
  // not finite in a slot where `finite[slot]`) is refused with JournalConflict before anything
  // is cut or allocated by its sizes: the file is left as it is.
  Journal(const std::string& path, const JournalIdentity& id, const std::vector<char>& finite,
          const BlockFn& found);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends one finished block; safe from several threads.
  void append(std::int64_t block, std::span<const double> values);
  // The run is complete and written: the journal goes. (A journal without a finished block goes
  // when it is closed: there is nothing to resume from.)
  void remove();
  const std::string& path() const { return path_; }
  // The blocks the journal holds, ascending.
  std::vector<std::int64_t> blocks() const;
  // Values [first, first + out.size()) of block b's record (as appended); safe from several
  // threads, and while others append.
  void read(std::int64_t block, std::size_t first, std::span<double> out) const;

 private:
  void lock();
  [[noreturn]] void lock_conflict() const;
  std::string path_;
  int fd_ = -1;
  std::int64_t records_ = 0;  // complete blocks in the journal
  off_t end_ = 0;             // where the next record goes
  // Where each block's values start, and how many there are.
  std::map<std::int64_t, std::pair<off_t, std::uint64_t>> index_;
  mutable std::mutex mutex_;
};

}  // namespace crisp
