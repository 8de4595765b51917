#pragma once
// The results file a run writes, made so that nothing of the user's is ever written through,
// replaced or deleted (docs/results-format.md "Writing the file"):
//
// - at the start the target must be absent or a crisp results file (a rerun replaces it);
// - the working file `FILE.h5.partial` is created exclusively, never following a link: if it
//   exists (another run writing the same output, or one that was killed), the run stops at once,
//   before any work, and leaves it alone; so it is also the lock of one output;
// - at the end the target is checked again: a rerun replaces a crisp results file; a target that
//   appeared meanwhile and is not crisp's is left as it is, and the results stay in the partial
//   file, whose name the error gives;
// - on any failure before that, the partial file this run created is removed.

#include <functional>
#include <stdexcept>
#include <string>

#include <sys/types.h>

#include "sim/results/results_file.hpp"

namespace crisp {

// The output cannot be claimed: the target is not a crisp results file, or the partial file
// exists. A usage error (the user chooses another -o or clears the way).
struct OutputConflict : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class OutputFile {
 public:
  // Checks the target and claims `path`.partial; throws OutputConflict, or std::runtime_error
  // for an I/O failure.
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::string& path() const { return path_; }
  const std::string& partial() const { return partial_; }
  // The partial file's identity, for a signal handler that removes it only if it is still this.
  dev_t device() const { return device_; }
  ino_t inode() const { return inode_; }
  // Writes the content into the partial file and moves it to the target. Throws
  // std::runtime_error naming the path on any failure.
  void write(const ResultsContent& content);
  // The same, for a file that `fill` writes (truncating) at the path it is given.
  void write(const std::function<void(const std::string& file)>& fill);

 private:
  bool still_ours() const;  // the partial file is the one this run created
  void check_target(bool at_end) const;

  std::string path_, partial_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  bool done_ = false;  // written and moved, or left for the user: never removed
};

}  // namespace crisp
