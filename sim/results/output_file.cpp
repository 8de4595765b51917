#include "sim/results/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace crisp {

namespace {

// A crisp results or part file: a rerun may replace it.
bool is_crisp_results(const std::string& path) {
  for (const auto kind : {ResultsReader::Kind::results, ResultsReader::Kind::part}) {
    try {
      ResultsReader reader(path, kind);
      return true;
    } catch (const std::exception&) {
    }
  }
  return false;
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)), partial_(path_ + ".partial") {
  check_target(/*at_end=*/false);
  // O_EXCL with O_CREAT never follows a link at the last component and fails on anything there.
  const int fd =
      ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST)
      throw OutputConflict(
          fmt::format("'{}' exists: another crisp run is writing '{}', or one was stopped; "
                      "wait for it, remove the partial file, or choose another name with -o",
                      partial_, path_));
    throw std::runtime_error(fmt::format("cannot create '{}': {}", partial_, std::strerror(errno)));
  }
  struct stat st {};
  ::fstat(fd, &st);
  device_ = st.st_dev;
  inode_ = st.st_ino;
  ::close(fd);
}

OutputFile::~OutputFile() {
  if (!done_ && still_ours()) std::remove(partial_.c_str());
}

bool OutputFile::still_ours() const {
  struct stat st {};
  return ::lstat(partial_.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == device_ &&
         st.st_ino == inode_;
}

void OutputFile::check_target(bool at_end) const {
  struct stat st {};
  if (::lstat(path_.c_str(), &st) != 0) return;  // absent
  if (S_ISREG(st.st_mode) && is_crisp_results(path_)) return;
  if (!at_end)
    throw OutputConflict(
        fmt::format("output '{}' exists and is not a crisp results file; "
                    "choose another name with -o or move it away",
                    path_));
  throw std::runtime_error(fmt::format(
      "'{}' appeared during the run and is not a crisp results file; it is left as it is, and "
      "the results are in '{}'",
      path_, partial_));
}

void OutputFile::write(const ResultsContent& content) {
  write([&](const std::string& file) { write_results_to(file, content); });
}

void OutputFile::write(const std::function<void(const std::string& file)>& fill) {
  if (!still_ours())
    throw std::runtime_error(fmt::format(
        "cannot write results file {}: '{}' was replaced during the run", path_, partial_));
  try {
    fill(partial_);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("cannot write results file {}: {}", path_, e.what()));
  }
  try {
    check_target(/*at_end=*/true);
  } catch (const std::exception&) {
    done_ = true;  // the results stay where the message says
    throw;
  }
  // A target that is absent now must not be replaced if one appears in between: no-replace
  // rename; a crisp results file is replaced.
  struct stat st {};
  const bool replace = ::lstat(path_.c_str(), &st) == 0;
  const int moved =
      replace ? std::rename(partial_.c_str(), path_.c_str())
              : ::renameat2(AT_FDCWD, partial_.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE);
  if (moved != 0) {
    const int err = errno;
    if (err == EEXIST) {
      done_ = true;
      throw std::runtime_error(fmt::format(
          "'{}' appeared during the run; it is left as it is, and the results are in '{}'", path_,
          partial_));
    }
    throw std::runtime_error(fmt::format("cannot write results file {}: renaming {}: {}", path_,
                                         partial_, std::strerror(err)));
  }
  done_ = true;
}

}  // namespace crisp
