#include "evaluation_log.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

namespace crisp {

namespace {

std::string header_of(const std::string& identity) {
  return fmt::format("crisp optimise journal 1 {:016x}\n",
                     XXH3_64bits(identity.data(), identity.size()));
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + at, bytes.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    at += static_cast<std::size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

// What a record ends with: the XXH3-64 of its key and values.
std::uint64_t record_digest(const std::string& key, const std::vector<double>& values) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, key.data(), key.size());
  XXH3_64bits_update(state, values.data(), values.size() * sizeof(double));
  const std::uint64_t digest = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return digest;
}

}  // namespace

EvaluationLog::EvaluationLog(std::string path, const std::string& identity, bool resume)
    : path_(std::move(path)) {
  const std::string header = header_of(identity);
  fd_ = ::open(
      path_.c_str(),
      resume ? O_RDWR | O_NOFOLLOW | O_CLOEXEC : O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
      0644);
  if (fd_ < 0) {
    if (!resume && errno == EEXIST)
      throw EvaluationLogConflict(fmt::format(
          "'{}' exists: another crisp optimise is writing this output, or one was stopped: run "
          "the same command with --resume to continue it, or remove the file to start again",
          path_));
    if (resume && errno == ENOENT)
      throw EvaluationLogConflict(fmt::format(
          "--resume: no journal '{}' of a stopped optimisation: run without --resume", path_));
    throw std::runtime_error(fmt::format("cannot open '{}': {}", path_, std::strerror(errno)));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw EvaluationLogConflict(
        fmt::format("'{}' is in use by another crisp optimise on the same output", path_));
  }
  if (!resume) {
    write_all(fd_, header, path_);
    return;
  }
  const std::string bytes = read_all(fd_);
  if (bytes.compare(0, header.size(), header) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw EvaluationLogConflict(fmt::format(
        "--resume: '{}' is not the journal of this optimisation (another experiment, seed or "
        "crisp version): remove it to start again",
        path_));
  }
  std::size_t at = header.size(), good = at;
  auto take = [&](void* into, std::size_t n) {
    if (bytes.size() - at < n) return false;
    std::memcpy(into, bytes.data() + at, n);
    at += n;
    return true;
  };
  for (;;) {
    std::uint32_t key_bytes = 0;
    std::uint64_t count = 0, digest = 0;
    if (!take(&key_bytes, sizeof key_bytes) || key_bytes > bytes.size() - at) break;
    std::string key = bytes.substr(at, key_bytes);
    at += key_bytes;
    if (!take(&count, sizeof count) || count > (bytes.size() - at) / sizeof(double)) break;
    std::vector<double> values(count);
    take(values.data(), count * sizeof(double));
    if (!take(&digest, sizeof digest)) break;
    if (digest != record_digest(key, values)) break;
    records_[std::move(key)] = std::move(values);
    good = at;
  }
  resumed_ = records_.size();
  // A record cut short is dropped, so that the next one follows the last whole one.
  if (::ftruncate(fd_, static_cast<off_t>(good)) != 0 ||
      ::lseek(fd_, static_cast<off_t>(good), SEEK_SET) < 0)
    throw std::runtime_error(fmt::format("cannot truncate '{}': {}", path_, std::strerror(errno)));
}

EvaluationLog::~EvaluationLog() {
  if (fd_ >= 0) ::close(fd_);
}

const std::vector<double>* EvaluationLog::find(const std::string& key) const {
  const auto it = records_.find(key);
  return it == records_.end() ? nullptr : &it->second;
}

void EvaluationLog::append(const std::string& key, const std::vector<double>& values) {
  std::string record;
  const auto key_bytes = static_cast<std::uint32_t>(key.size());
  const auto count = static_cast<std::uint64_t>(values.size());
  record.append(reinterpret_cast<const char*>(&key_bytes), sizeof key_bytes);
  record += key;
  record.append(reinterpret_cast<const char*>(&count), sizeof count);
  record.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double));
  const std::uint64_t digest = record_digest(key, values);
  record.append(reinterpret_cast<const char*>(&digest), sizeof digest);
  write_all(fd_, record, path_);
  records_[key] = values;
}

void EvaluationLog::remove() {
  ::unlink(path_.c_str());
}

}  // namespace crisp
