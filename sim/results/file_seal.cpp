#include "sim/results/file_seal.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <xxhash.h>

namespace crisp {

namespace {

// The seal's text: the magic line names the format, so `head -c 100 FILE.h5` tells what it is.
// The rest of the 512 bytes are zero (checked: a changed byte anywhere in the block is refused).
constexpr std::string_view kMagic = "crisp results seal 1\n";
constexpr std::string_view kHdf5Signature{"\x89HDF\r\n\x1a\n", 8};

std::string seal_text(const std::string& hex, std::size_t bytes) {
  return fmt::format("{}xxh3-128 {}\nbytes {}\n", kMagic, hex, bytes);
}

std::string to_hex(const XXH128_hash_t& h) {
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

// A file opened for reading that is known to be a regular file: O_NONBLOCK so that a FIFO given
// as a results file cannot block the open, O_CLOEXEC so that a sandbox child does not keep it.
class ReadFile {
 public:
  explicit ReadFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) throw UnsealedFile(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw UnsealedFile(fmt::format("{} is not a regular file", path));
    }
    size_ = static_cast<std::size_t>(st.st_size);
  }
  ~ReadFile() { ::close(fd_); }
  ReadFile(const ReadFile&) = delete;
  ReadFile& operator=(const ReadFile&) = delete;

  std::size_t size() const { return size_; }
  // Whether another process holds the file's write lock: HDF5 takes flock(LOCK_EX) on a file it
  // opens for writing (h5py in mode "r+", "a" or "w") and keeps it while the file is open.
  bool locked_for_writing() const {
    if (::flock(fd_, LOCK_SH | LOCK_NB) == 0) {
      ::flock(fd_, LOCK_UN);
      return false;
    }
    return errno == EWOULDBLOCK;
  }
  // Up to `count` bytes from `offset`; fewer only at the end of the file.
  std::size_t read(void* into, std::size_t count, std::size_t offset) const {
    std::size_t done = 0;
    while (done < count) {
      const ssize_t got = ::pread(fd_, static_cast<char*>(into) + done, count - done,
                                  static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0)
        throw UnsealedFile(fmt::format("cannot read {}: {}", path_, std::strerror(errno)));
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    return done;
  }
  // XXH3-128 of the bytes from `offset` to the end; also counts them.
  std::pair<std::string, std::size_t> digest_from(std::size_t offset) const {
    XXH3_state_t* state = XXH3_createState();
    if (state == nullptr) throw std::bad_alloc();
    XXH3_128bits_reset(state);
    std::vector<char> buffer(std::size_t{1} << 20);
    std::size_t at = offset;
    for (;;) {
      const std::size_t got = read(buffer.data(), buffer.size(), at);
      if (got == 0) break;
      XXH3_128bits_update(state, buffer.data(), got);
      at += got;
    }
    const std::string hex = to_hex(XXH3_128bits_digest(state));
    XXH3_freeState(state);
    return {hex, at};
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::size_t size_ = 0;
};

std::string read_head(const ReadFile& file, std::size_t count) {
  std::string head(count, '\0');
  head.resize(file.read(head.data(), count, 0));
  return head;
}

// The digest and length a seal block records, when the block is exactly as seal_file writes it
// (its text, then zeros): any other block is damage.
std::optional<Digest> parse_seal(const std::string& head) {
  std::string_view rest(head);
  if (!rest.starts_with(kMagic)) return std::nullopt;
  rest.remove_prefix(kMagic.size());
  constexpr std::string_view kAlgorithm = "xxh3-128 ";
  if (!rest.starts_with(kAlgorithm) || rest.size() < kAlgorithm.size() + 33) return std::nullopt;
  Digest d;
  d.hex = std::string(rest.substr(kAlgorithm.size(), 32));
  rest.remove_prefix(kAlgorithm.size() + 33);
  if (!rest.starts_with("bytes ")) return std::nullopt;
  rest.remove_prefix(6);
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), d.bytes);
  if (ec != std::errc()) return std::nullopt;
  std::string expected = seal_text(d.hex, d.bytes);
  if (expected.size() > kSealBytes) return std::nullopt;
  expected.resize(kSealBytes, '\0');
  if (head != expected) return std::nullopt;
  return d;
}

// The digests this process trusts after a sandboxed read (--unverified).
std::mutex trusted_mutex;
std::set<std::pair<std::string, std::size_t>> trusted;

bool any_trusted() {
  const std::lock_guard lock(trusted_mutex);
  return !trusted.empty();
}

bool is_trusted(const Digest& d) {
  const std::lock_guard lock(trusted_mutex);
  return trusted.count({d.hex, d.bytes}) > 0;
}

// What to do about a file that is not as crisp wrote it.
constexpr std::string_view kAdvice =
    "write it again with crisp, or add --unverified to read it anyway (in a sandbox)";

}  // namespace

void seal_file(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error(fmt::format("cannot seal {}: {}", file, std::strerror(errno)));
  std::string text;
  try {
    const auto [hex, end] = ReadFile(file).digest_from(kSealBytes);
    text = seal_text(hex, end);
  } catch (const std::exception& e) {
    ::close(fd);
    throw std::runtime_error(fmt::format("cannot seal {}: {}", file, e.what()));
  }
  text.resize(kSealBytes, '\0');
  const ssize_t wrote = ::pwrite(fd, text.data(), text.size(), 0);
  const int err = wrote < 0 ? errno : ENOSPC;
  // fsync: the seal must be on disk before the rename makes the file the user's.
  if (wrote != static_cast<ssize_t>(text.size()) || ::fsync(fd) != 0) {
    ::close(fd);
    throw std::runtime_error(fmt::format("cannot seal {}: {}", file, std::strerror(err)));
  }
  if (::close(fd) != 0)
    throw std::runtime_error(fmt::format("cannot seal {}: {}", file, std::strerror(errno)));
}

namespace {

// Why the file at `path` is not as crisp wrote it; empty when its seal vouches for it.
std::string seal_problem(const ReadFile& file, const std::string& path) {
  const std::string head = read_head(file, kSealBytes);
  if (!head.starts_with(kMagic)) {
    if (looks_like_hdf5(path))
      return fmt::format(
          "{} has no crisp seal: it was not written by crisp, or by a crisp before results format "
          "1.2; add --unverified to read it anyway (in a sandbox)",
          path);
    return fmt::format("{} is not a crisp results file (not an HDF5 file)", path);
  }
  const std::optional<Digest> seal = parse_seal(head);
  if (!seal)
    return fmt::format("{} is not as crisp wrote it: its seal (the first {} bytes) is damaged; {}",
                       path, kSealBytes, kAdvice);
  if (file.size() != seal->bytes)
    return fmt::format(
        "{} is not as crisp wrote it: it has {} bytes, crisp wrote {} (cut short, added to, or "
        "changed by another program); {}",
        path, file.size(), seal->bytes, kAdvice);
  if (file.digest_from(kSealBytes).first != seal->hex)
    return fmt::format(
        "{} is not as crisp wrote it: its bytes do not match its digest (damaged, or changed by "
        "another program since); {}",
        path, kAdvice);
  return "";
}

}  // namespace

void verify_seal(const std::string& path) {
  const ReadFile file(path);
  if (file.locked_for_writing())
    throw UnsealedFile(fmt::format(
        "{} is open for writing in another program (it holds HDF5's lock on the file); close it "
        "there, then run crisp again",
        path));
  const std::string problem = seal_problem(file, path);
  if (problem.empty()) return;
  // Not as crisp wrote it: trusted only when these exact bytes were read in a sandbox.
  if (any_trusted() && is_trusted(whole_file_digest(path))) return;
  throw UnsealedFile(problem);
}

bool has_seal(const std::string& path) {
  try {
    const ReadFile file(path);
    return read_head(file, kMagic.size()) == kMagic;
  } catch (const std::exception&) {
    return false;
  }
}

bool looks_like_hdf5(const std::string& path) {
  try {
    const ReadFile file(path);
    const std::string head = read_head(file, kSealBytes + kHdf5Signature.size());
    // A damaged seal still leaves HDF5's signature at 512, where HDF5 itself looks next.
    return head.starts_with(kHdf5Signature) ||
           (head.size() > kSealBytes && head.substr(kSealBytes) == kHdf5Signature);
  } catch (const std::exception&) {
    return false;
  }
}

Digest whole_file_digest(const std::string& path) {
  const auto [hex, bytes] = ReadFile(path).digest_from(0);
  return {hex, bytes};
}

void trust_exact_bytes(const Digest& digest) {
  const std::lock_guard lock(trusted_mutex);
  trusted.emplace(digest.hex, digest.bytes);
}

}  // namespace crisp
