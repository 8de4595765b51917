#pragma once
// A file read through one bounded window (sim/results/file_structure.cpp and
// header_messages.cpp check a results file's bytes before HDF5 reads them).

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace crisp {

// Reads a file through one bounded window, so that checking a file of any size costs a fixed
// amount of memory (a mapping of the whole file would count in the reader's resident memory).
class FileWindow {
 public:
  static constexpr std::size_t kBytes = std::size_t{1} << 20;
  FileWindow(int fd, std::uint64_t size) : fd_(fd), size_(size), bytes_(kBytes) {}

  std::uint64_t size() const { return size_; }

  // The bytes from `offset` on, at least `need` of them unless the file ends first (then to its
  // end): the window is loaded at `offset` when it does not hold them.
  std::string_view at(std::uint64_t offset, std::size_t need = 8) {
    const bool holds = offset >= start_ && offset <= start_ + held_ &&
                       (offset + need <= start_ + held_ || start_ + held_ >= size_);
    if (!holds) {
      start_ = offset;
      held_ = 0;
      while (held_ < kBytes && start_ + held_ < size_) {
        const ssize_t got =
            ::pread(fd_, bytes_.data() + held_, kBytes - held_, static_cast<off_t>(start_ + held_));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;  // read error or a file that shrank: the rest reads as zeros
        held_ += static_cast<std::size_t>(got);
      }
    }
    return {bytes_.data() + (offset - start_), held_ - (offset - start_)};
  }

  // A little-endian number, as HDF5 writes; bytes past the end of the file read as zeros.
  std::uint64_t number(std::uint64_t offset, int bytes) {
    const std::string_view held = offset < size_ ? at(offset) : std::string_view();
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
      v = (v << 8) | (static_cast<std::size_t>(i) < held.size()
                          ? static_cast<unsigned char>(held[static_cast<std::size_t>(i)])
                          : 0U);
    return v;
  }

 private:
  int fd_;
  std::uint64_t size_;
  std::vector<char> bytes_;
  std::uint64_t start_ = 0;
  std::size_t held_ = 0;
};

}  // namespace crisp
