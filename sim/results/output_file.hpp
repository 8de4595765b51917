#pragma once
// The one rule by which every crisp command that writes a file (run, merge, export) writes it, so
// that nothing of the user's is ever written through, replaced or deleted (docs/results-format.md
// "Writing a file"):
//
// - the target is never one of the command's inputs (same device and inode), never a symbolic
//   link and never anything but a regular file (a folder, FIFO or device);
// - an existing target is replaced only when it is of the kind the command writes (OutputKind:
//   a crisp results file for run and merge, a crisp CSV export for export), and only once the new
//   file is complete;
// - the working file `FILE.partial` is created exclusively, never following a link: if it exists
//   (another command writing the same output, one that was killed, or the user's own file) the
//   command stops at once, before any work, and leaves it alone; so it is also the lock of one
//   output;
// - at the end the target is checked again: a target that appeared meanwhile and may not be
//   replaced is left as it is, and the complete file stays in the partial, whose name the error
//   gives;
// - on any failure before that, the partial file this command created (and only that) is removed.

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/types.h>

#include "sim/results/results_file.hpp"

namespace crisp {

// The output cannot be claimed: the target is an input, a link, not a regular file or not of the
// command's kind, or the partial file exists. A usage error (the user chooses another -o or clears
// the way).
struct OutputConflict : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What a command writes, and so what it may replace.
struct OutputKind {
  std::string noun;                               // "a crisp results file", for messages
  std::function<bool(const std::string&)> is_of;  // an existing regular file is of this kind
};
// A crisp results or part file (crisp run, crisp merge): a rerun replaces it.
OutputKind results_kind();

class OutputFile {
 public:
  // Checks the target against the rule and claims `path`.partial; throws OutputConflict, or
  // std::runtime_error for an I/O failure. `inputs`: the files the command reads.
  explicit OutputFile(std::string path, OutputKind kind = results_kind(),
                      const std::vector<std::string>& inputs = {});
  // Takes over `path`.partial that a stopped command left complete (crisp run --resume): checks
  // the target as above; the partial must be a regular file (not a link). finish() moves it.
  struct Adopt {};
  OutputFile(Adopt, std::string path, OutputKind kind = results_kind(),
             const std::vector<std::string>& inputs = {});
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
  // The same, for a file that `fill` writes (truncating) at the path it is given; what `fill`
  // throws goes on as it is (the caller knows what it means).
  void write(const std::function<void(const std::string& file)>& fill);
  // Moves the complete partial file to the target (after the check at the end).
  void finish();
  // The partial file is complete and is never removed: adopted, or the target was in the way at
  // the end (the error said so).
  bool kept() const { return kept_; }

 private:
  bool still_ours() const;  // the partial file is the one this command created
  void check_target(bool at_end) const;

  std::string path_, partial_;
  OutputKind kind_;
  std::vector<std::pair<dev_t, ino_t>> inputs_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  bool done_ = false;  // written and moved, or left for the user: never removed
  bool kept_ = false;
};

}  // namespace crisp
