#pragma once
// Ctrl-C, SIGTERM (a batch system's time limit) and SIGHUP during `crisp run` or `crisp merge`:
// what was made is cleaned up or kept, one line says which, and the process exits with 128 + the
// signal (docs/results-format.md "Resume").

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "sim/results/output_file.hpp"
#include "sim/runner/journal.hpp"

namespace crisp {

// SIGINT, SIGTERM and SIGHUP while a run holds its output: the partial file it created is
// removed (if it is still that file); the journal stays when it holds finished blocks (else it is
// removed too); one line says which, and the run exits with 128 + the signal (130 for Ctrl-C, 143
// for SIGTERM). Once the partial file has become the results file (the closing tables are
// printing) the line says that the results are complete. A second signal during that stops the
// process at once (the handler resets to the default). Only async-signal-safe calls in the
// handler.
class InterruptGuard {
 public:
  explicit InterruptGuard(const OutputFile& out, const Journal* journal = nullptr) {
    const std::string& p = out.partial();
    const std::string j = journal != nullptr ? journal->path() : std::string();
    if (p.size() >= sizeof(partial_) || j.size() >= sizeof(journal_)) return;  // not guarded
    std::memcpy(partial_, p.c_str(), p.size() + 1);
    std::memcpy(output_, p.c_str(), p.size() - std::strlen(".partial"));
    output_[p.size() - std::strlen(".partial")] = 0;
    std::memcpy(journal_, j.c_str(), j.size() + 1);
    device_ = out.device();
    inode_ = out.inode();
    tty_ = isatty(STDERR_FILENO) != 0;
    kept_ = 0;
    struct sigaction sa {};
    sa.sa_handler = &InterruptGuard::on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
      sigaction(sig, &sa, nullptr);
  }
  ~InterruptGuard() {
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
      std::signal(sig, SIG_DFL);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // A block is in the journal (called after it is appended).
  static void block_kept() { ++kept_; }

 private:
  static void say(const char* text) {
    [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, text, std::strlen(text));
  }
  static void on_signal(int sig) {
    // The partial file, renamed, is the output: the results are in place (the closing tables are
    // printing). Said so; the journal, if the signal came before it was removed, stays (a rerun
    // with --resume writes the same file again from it).
    struct stat out {};
    if (::lstat(output_, &out) == 0 && out.st_dev == device_ && out.st_ino == inode_) {
      say(tty_ ? "\ncrisp: error: interrupted by " : "crisp: error: interrupted by ");
      say(sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP");
      say("; the results were written in full to '");
      say(output_);
      say("' before it\n");
      ::_exit(128 + sig);
    }
    struct stat st {};
    if (::lstat(partial_, &st) == 0 && st.st_dev == device_ && st.st_ino == inode_)
      ::unlink(partial_);
    const std::int64_t kept = journal_[0] != 0 ? kept_.load() : 0;
    if (kept == 0 && journal_[0] != 0) ::unlink(journal_);
    say(tty_ ? "\ncrisp: error: interrupted by " : "crisp: error: interrupted by ");
    say(sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP");
    if (kept == 0) {
      say("; no results were written\n");
    } else {
      char digits[24];
      int n = 0;
      for (std::int64_t k = kept; k > 0 && n < 23; k /= 10)
        digits[n++] = static_cast<char>('0' + k % 10);
      char number[24];
      for (int i = 0; i < n; ++i)
        number[i] = digits[n - 1 - i];
      number[n] = 0;
      say("; ");
      say(number);
      say(kept == 1 ? " finished block is kept in '" : " finished blocks are kept in '");
      say(journal_);
      say("': run the same command with --resume to finish\n");
    }
    ::_exit(128 + sig);
  }
  static inline char partial_[4096] = {}, journal_[4096] = {}, output_[4096] = {};
  static inline dev_t device_ = 0;
  static inline ino_t inode_ = 0;
  static inline bool tty_ = false;
  static inline std::atomic<std::int64_t> kept_{0};
  static_assert(std::atomic<std::int64_t>::is_always_lock_free);
};

}  // namespace crisp
