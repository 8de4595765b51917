#include "sim/results/output_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "sim/results/file_seal.hpp"

namespace crisp {

OutputKind results_kind() {
  // A file that begins with crisp's seal was written by crisp, whatever has happened to it since
  // (a damaged results file may be replaced by a rerun).
  return {"a crisp results file", [](const std::string& path) { return has_seal(path); }};
}

namespace {

// The inputs' identities, through links (an input read through a link is the file it names);
// one that does not exist is no input.
std::vector<std::pair<dev_t, ino_t>> identities(const std::vector<std::string>& inputs) {
  std::vector<std::pair<dev_t, ino_t>> out;
  for (const std::string& input : inputs) {
    struct stat st {};
    if (::stat(input.c_str(), &st) == 0) out.emplace_back(st.st_dev, st.st_ino);
  }
  return out;
}

}  // namespace

OutputFile::OutputFile(std::string path, OutputKind kind, const std::vector<std::string>& inputs)
    : path_(std::move(path)),
      partial_(path_ + ".partial"),
      kind_(std::move(kind)),
      inputs_(identities(inputs)) {
  check_target(/*at_end=*/false);
  // O_EXCL with O_CREAT never follows a link at the last component and fails on anything there.
  const int fd =
      ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST)
      throw OutputConflict(
          fmt::format("'{}' exists: another crisp command is writing '{}', or one was stopped, or "
                      "it is yours; it is left as it is: wait for that command, move the file "
                      "away, or choose another name with -o",
                      partial_, path_));
    throw std::runtime_error(fmt::format("cannot write '{}': {}", partial_, std::strerror(errno)));
  }
  struct stat st {};
  ::fstat(fd, &st);
  device_ = st.st_dev;
  inode_ = st.st_ino;
  ::close(fd);
}

OutputFile::OutputFile(Adopt, std::string path, OutputKind kind,
                       const std::vector<std::string>& inputs)
    : path_(std::move(path)),
      partial_(path_ + ".partial"),
      kind_(std::move(kind)),
      inputs_(identities(inputs)),
      done_(true),  // complete already: never removed, whatever happens
      kept_(true) {
  check_target(/*at_end=*/false);
  struct stat st {};
  if (::lstat(partial_.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw OutputConflict(fmt::format("'{}' is not a regular file", partial_));
  device_ = st.st_dev;
  inode_ = st.st_ino;
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
  std::string why;
  if (S_ISLNK(st.st_mode))
    why = "is a symbolic link (crisp never writes through one)";
  else if (!S_ISREG(st.st_mode))
    why = "is not a regular file";
  else if (std::find(inputs_.begin(), inputs_.end(), std::pair{st.st_dev, st.st_ino}) !=
           inputs_.end())
    why = "is one of this command's inputs";
  else if (!kind_.is_of(path_))
    why = fmt::format("exists and is not {}", kind_.noun);
  else
    return;  // a file of the kind written: replaced once the new one is complete
  if (!at_end)
    throw OutputConflict(
        fmt::format("output '{}' {}; choose another name with -o or move it away", path_, why));
  throw std::runtime_error(fmt::format(
      "output '{}' {} at the end; it is left as it is, and the complete output is in '{}'", path_,
      why, partial_));
}

void OutputFile::write(const ResultsContent& content) {
  try {
    write([&](const std::string& file) { write_results_to(file, content); });
  } catch (const std::exception& e) {
    if (kept_) throw;
    throw std::runtime_error(fmt::format("cannot write results file {}: {}", path_, e.what()));
  }
}

void OutputFile::write(const std::function<void(const std::string& file)>& fill) {
  if (!still_ours())
    throw std::runtime_error(
        fmt::format("cannot write '{}': '{}' was replaced meanwhile", path_, partial_));
  fill(partial_);
  finish();
}

void OutputFile::finish() {
  try {
    check_target(/*at_end=*/true);
  } catch (const std::exception&) {
    done_ = kept_ = true;  // the output stays where the message says
    throw;
  }
  // A target that is absent now must not be replaced if one appears in between: no-replace
  // rename; a file of the kind written is replaced.
  struct stat st {};
  const bool replace = ::lstat(path_.c_str(), &st) == 0;
  const int moved =
      replace ? std::rename(partial_.c_str(), path_.c_str())
              : ::renameat2(AT_FDCWD, partial_.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE);
  if (moved != 0) {
    const int err = errno;
    if (err == EEXIST) {
      done_ = kept_ = true;
      throw std::runtime_error(fmt::format(
          "output '{}' appeared at the end; it is left as it is, and the complete output is in "
          "'{}'",
          path_, partial_));
    }
    throw std::runtime_error(
        fmt::format("cannot write '{}': renaming '{}': {}", path_, partial_, std::strerror(err)));
  }
  done_ = true;
}

}  // namespace crisp
