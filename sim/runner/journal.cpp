#include "sim/runner/journal.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "sim/runner/monte_carlo.hpp"

namespace crisp {

namespace {

// Version 02: records slot-major (monte_carlo.hpp BlockFn).
constexpr char kMagic[8] = {'C', 'R', 'I', 'S', 'P', 'J', '0', '2'};
constexpr std::uint64_t kRecordMagic = 0x4b434f4c42505243;  // "CRPBLOCK"

// FNV-1a's form, 64 bits (its offset basis is one digit short of FNV's published one, as in
// core/random.hpp; journals rest on it): enough to tell a record cut short or torn from a whole
// one.
std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

template <typename T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

void write_all(int fd, const void* data, std::size_t n, const std::string& path) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("writing '{}': {}", path, std::strerror(errno)));
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

// Reads exactly n bytes; false at the end of the file or short of n.
bool read_all(int fd, void* data, std::size_t n) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

}  // namespace

std::string JournalIdentity::bytes() const {
  std::string out;
  put(out, seed);
  for (std::int64_t v :
       {replications, block_replications, policies, slots, shard_index, shard_count})
    put(out, v);
  put(out, static_cast<std::uint64_t>(experiment_text.size()));
  out += experiment_text;
  // Only a run with futures adds its worlds, so a plain run's header is as it always was.
  if (!world_replications.empty()) {
    put(out, static_cast<std::uint64_t>(world_replications.size()));
    for (std::int64_t r : world_replications)
      put(out, r);
    put(out, world_slot);
  }
  return out;
}

namespace {

// Why what is at `path` cannot be a journal (a link, a folder, a FIFO, a device), or "" for a
// regular file or nothing. Asked before any open: opening a FIFO to read waits for a writer.
std::string not_a_journal(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return "";
  return S_ISLNK(st.st_mode)   ? "a symbolic link"
         : S_ISDIR(st.st_mode) ? "a folder"
                               : "not a regular file";
}

}  // namespace

Journal::Journal(const std::string& path, const JournalIdentity& id) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    if (errno == EEXIST) {
      if (const std::string why = not_a_journal(path); !why.empty())
        throw JournalConflict(fmt::format(
            "'{}' exists and is {}, not a crisp journal; it is left as it is: move it away or "
            "choose another -o",
            path, why));
      // Held: a run is working on this output. Free: one was stopped part way. (O_NONBLOCK:
      // should a FIFO take its place meanwhile, opening it does not wait.)
      const int other = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
      const bool held = other >= 0 && ::flock(other, LOCK_EX | LOCK_NB) != 0;
      if (other >= 0) ::close(other);
      if (held) lock_conflict();
      throw JournalConflict(fmt::format(
          "'{}' exists: a run on this output was stopped part way; add --resume to finish it, "
          "or remove the journal to start again",
          path));
    }
    throw std::runtime_error(fmt::format("cannot create '{}': {}", path, std::strerror(errno)));
  }
  lock();
  const std::string header = id.bytes();
  std::string out(kMagic, sizeof kMagic);
  put(out, static_cast<std::uint64_t>(header.size()));
  out += header;
  try {
    write_all(fd_, out.data(), out.size(), path_);
    end_ = static_cast<off_t>(out.size());
  } catch (...) {
    ::unlink(path_.c_str());  // a constructor that throws runs no destructor
    ::close(fd_);
    throw;
  }
}

Journal::Journal(const std::string& path, const JournalIdentity& id,
                 const std::vector<char>& finite, const BlockFn& found)
    : path_(path) {
  if (const std::string why = not_a_journal(path); !why.empty())
    throw JournalConflict(
        fmt::format("--resume: '{}' is {}, not a crisp journal; it is left as it is", path, why));
  fd_ = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) {
    if (errno == ENOENT)
      throw JournalConflict(
          fmt::format("--resume: there is no '{}' to resume from; run without --resume", path));
    throw JournalConflict(
        fmt::format("--resume: cannot open '{}': {}", path, std::strerror(errno)));
  }
  // From here on a refusal closes the file and leaves it as it is (a throwing constructor runs
  // no destructor, which would remove a journal without records).
  const auto refuse = [&](const std::string& message) {
    ::close(fd_);
    fd_ = -1;
    throw JournalConflict(message);
  };
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode))
    refuse(fmt::format("--resume: '{}' is not a regular file, not a crisp journal", path));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    lock_conflict();
  }
  char magic[sizeof kMagic];
  std::uint64_t size = 0;
  const std::string want = id.bytes();
  if (!read_all(fd_, magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof magic) != 0 ||
      !read_all(fd_, &size, sizeof size))
    refuse(fmt::format("--resume: '{}' is not a crisp journal", path));
  // The header must be this run's byte for byte: its size is compared before anything is read
  // into memory by it (a damaged size must not allocate gigabytes).
  std::string header;
  if (size == want.size()) {
    header.resize(size);
    if (!read_all(fd_, header.data(), size)) header.clear();
  }
  if (header != want)
    refuse(fmt::format(
        "--resume: '{}' belongs to another run (experiment text, seed, replications, block size "
        "or shard differ); remove it, or choose another -o",
        path));
  // Records until the first that is not whole (cut short by SIGKILL): the file is cut there, and
  // appending goes on. A whole record that cannot be this run's is damage, not an interruption:
  // refused, nothing cut. No record holds more than a whole block's values (a damaged count is
  // not allocated).
  const auto most = static_cast<std::uint64_t>(id.policies * id.block_replications * id.slots);
  RunOptions geometry;
  geometry.replications = id.replications;
  geometry.block_size = id.block_replications;
  geometry.world_replications = id.world_replications;
  const BlockPlan plan = block_plan(geometry);
  const std::int64_t blocks = plan.blocks();
  off_t good = ::lseek(fd_, 0, SEEK_CUR);
  std::vector<double> values;
  for (std::int64_t n = 1;; ++n) {
    std::uint64_t magic_record = 0, count = 0, sum = 0;
    std::int64_t block = 0;
    if (!read_all(fd_, &magic_record, sizeof magic_record) || magic_record != kRecordMagic ||
        !read_all(fd_, &block, sizeof block) || !read_all(fd_, &count, sizeof count) ||
        count > most)
      break;
    values.resize(count);
    if (!read_all(fd_, values.data(), count * sizeof(double)) || !read_all(fd_, &sum, sizeof sum))
      break;
    std::uint64_t h = fnv1a(&block, sizeof block);
    h = fnv1a(values.data(), count * sizeof(double), h);
    if (h != sum) break;
    const auto damaged = [&](const std::string& what) {
      refuse(fmt::format(
          "--resume: '{}' is damaged: record {} {}; it is left as it is: move it away to start "
          "again",
          path, n, what));
    };
    if (block < 0 || block >= blocks || block % id.shard_count != id.shard_index - 1)
      damaged(fmt::format("holds block {}, which is not one of this run's", block));
    if (index_.contains(block)) damaged(fmt::format("holds block {} a second time", block));
    const auto [lo, hi] = plan.range(block);
    const auto per_slot = static_cast<std::uint64_t>(id.policies * (hi - lo));
    const bool world = plan.world(block) > 0;  // one slot kept: id.world_slot
    const auto slots = static_cast<std::uint64_t>(world ? 1 : id.slots);
    if (count != per_slot * slots)
      damaged(fmt::format("holds {} values for block {}, which has {}", count, block,
                          per_slot * slots));
    for (std::uint64_t i = 0; i < count; ++i)
      if (!std::isfinite(values[i]) &&
          (std::isinf(values[i]) ||
           finite.at(world ? static_cast<std::size_t>(id.world_slot) : i / per_slot) != 0))
        damaged(fmt::format("holds {} in block {} (value {} of slot {}), which must be finite",
                            values[i], block, i % per_slot, i / per_slot));
    found(block, values);
    ++records_;
    index_[block] = {good + 3 * 8, count};
    good = ::lseek(fd_, 0, SEEK_CUR);
  }
  if (::ftruncate(fd_, good) != 0 || ::lseek(fd_, good, SEEK_SET) != good)
    throw std::runtime_error(fmt::format("cannot cut '{}': {}", path, std::strerror(errno)));
  end_ = good;
}

Journal::~Journal() {
  if (fd_ < 0) return;
  if (records_ == 0) ::unlink(path_.c_str());  // nothing kept: nothing to resume from
  ::close(fd_);                                // the lock goes with it
}

void Journal::lock() {
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) lock_conflict();
}

void Journal::lock_conflict() const {
  throw JournalConflict(fmt::format(
      "another crisp run is writing this output (it holds '{}'); wait for it or choose another -o",
      path_));
}

void Journal::append(std::int64_t block, std::span<const double> values) {
  std::string record;
  record.reserve(32 + values.size_bytes());
  put(record, kRecordMagic);
  put(record, block);
  put(record, static_cast<std::uint64_t>(values.size()));
  record.append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
  std::uint64_t h = fnv1a(&block, sizeof block);
  h = fnv1a(values.data(), values.size_bytes(), h);
  put(record, h);
  const std::lock_guard guard(mutex_);
  try {
    write_all(fd_, record.data(), record.size(), path_);
  } catch (const std::exception& e) {
    if (records_ == 0) throw;
    throw std::runtime_error(fmt::format(
        "{}; the {} blocks finished before are kept in it: run the same command with --resume "
        "to go on from them",
        e.what(), records_));
  }
  ++records_;
  index_[block] = {end_ + 3 * 8, values.size()};
  end_ += static_cast<off_t>(record.size());
}

std::vector<std::int64_t> Journal::blocks() const {
  const std::lock_guard guard(mutex_);
  std::vector<std::int64_t> out;
  for (const auto& [block, where] : index_)
    out.push_back(block);
  return out;
}

void Journal::read(std::int64_t block, std::size_t first, std::span<double> out) const {
  off_t at = 0;
  {
    const std::lock_guard guard(mutex_);
    const auto it = index_.find(block);
    if (it == index_.end() || first + out.size() > it->second.second)
      throw std::logic_error(fmt::format("journal '{}' has no values {}..{} of block {}", path_,
                                         first, first + out.size(), block));
    at = it->second.first + static_cast<off_t>(first * sizeof(double));
  }
  auto* p = reinterpret_cast<char*>(out.data());
  std::size_t n = out.size_bytes();
  while (n > 0) {
    const ssize_t r = ::pread(fd_, p, n, at);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0)
      throw std::runtime_error(
          fmt::format("reading '{}': {}", path_, r < 0 ? std::strerror(errno) : "cut short"));
    p += r;
    at += r;
    n -= static_cast<std::size_t>(r);
  }
}

void Journal::remove() {
  ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

}  // namespace crisp
