#include "sim/results/sandboxed_read.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <new>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "sim/results/file_seal.hpp"
#include "sim/results/results_file.hpp"

// Sanitizer runtimes reserve terabytes of address space up front: a limit on it would fail them,
// and they bound allocations themselves.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CRISP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CRISP_SANITIZED 1
#endif
#endif

#ifdef CRISP_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

namespace crisp {

namespace {

// What every crisp command may read of a results or part file: every root attribute crisp reads,
// the tables, the groups and every dataset (the reads `crisp check` makes, and more).
void read_whole(const std::string& path) {
  const ResultsReader reader(path, ResultsReader::Kind::either);
  for (const char* name : {"filetype", "crisp_version", "git_commit", "created_utc", "command_line",
                           "experiment_toml"})
    reader.string_attribute(name);
  reader.seed();
  reader.replications();
  reader.report_regions();
  reader.policy_labels();
  reader.policy_table();
  for (const std::string& group : reader.groups())
    reader.regions(group);
  if (reader.string_attribute("filetype") == "crisp-part") reader.part();
  reader.sensitivity_runs();
  reader.read_every_dataset();
}

// The child's exit codes besides 0 (read whole).
constexpr int kRefused = 3;      // the reader refused the file: its message is on the pipe
constexpr int kOutOfMemory = 4;  // an allocation failed under the limit

[[noreturn]] void child(const std::string& path, const Digest& digest, int message_fd,
                        rlim_t memory, unsigned seconds) {
  // HDF5's error stack and a sanitizer's report are not the user's concern: the parent says one
  // line.
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) ::dup2(null, STDERR_FILENO);
#ifdef CRISP_SANITIZED
  // A sanitizer report in the child ends the child only: no callback the parent installed (the
  // fuzzer's, which would keep the input as the parent's crash) runs.
  __sanitizer_set_death_callback(nullptr);
#endif
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
#ifndef CRISP_SANITIZED
  const rlimit space{memory, memory};
  ::setrlimit(RLIMIT_AS, &space);
#else
  (void)memory;
#endif
  // SIGALRM ends a child that HDF5 keeps looping: with its default action, whatever handler the
  // parent had.
  ::signal(SIGALRM, SIG_DFL);
  ::alarm(seconds);
  int code = 0;
  try {
    trust_exact_bytes(digest);
    read_whole(path);
  } catch (const std::bad_alloc&) {
    code = kOutOfMemory;
  } catch (const std::exception& e) {
    const std::string message = e.what();
    [[maybe_unused]] const ssize_t wrote = ::write(message_fd, message.data(), message.size());
    code = kRefused;
  }
  ::_exit(code);  // no destructors or exit handlers of the parent's state
}

}  // namespace

void read_unverified(const std::string& path, SandboxLimits limits) {
  const Digest digest = whole_file_digest(path);
  // Generous for any file crisp writes (a [P, R] metric inflates to at most a few times the
  // file), small enough that a damaged size claim fails fast.
  const rlim_t memory = limits.memory_bytes > 0 ? rlim_t{limits.memory_bytes}
                                                : (rlim_t{4} << 30) + rlim_t{32} * digest.bytes;
  // A whole read of a 36 MB file takes 0.4 s (release build): ten seconds and more is a loop.
  const unsigned seconds =
      limits.seconds > 0 ? limits.seconds : 10 + static_cast<unsigned>(digest.bytes / (4u << 20));
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw UnsealedFile(
        fmt::format("cannot read {} unverified: pipe: {}", path, std::strerror(errno)));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw UnsealedFile(
        fmt::format("cannot read {} unverified: fork: {}", path, std::strerror(errno)));
  }
  if (pid == 0) {
    ::close(fds[0]);
    child(path, digest, fds[1], memory, seconds);
  }
  ::close(fds[1]);
  std::string message;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(fds[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    message.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string advice = "it cannot be read; write it again with crisp";
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    throw UnsealedFile(fmt::format(
        "reading {} unverified took more than {} s (HDF5 kept going on what the file says); {}",
        path, seconds, advice));
  if (WIFSIGNALED(status))
    throw UnsealedFile(fmt::format("reading {} unverified crashed HDF5 ({}); {}", path,
                                   strsignal(WTERMSIG(status)), advice));
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == kRefused)
    throw UnsealedFile(message.find(path) != std::string::npos
                           ? message
                           : fmt::format("cannot read results file {}: {}", path, message));
  if (code == kOutOfMemory)
    throw UnsealedFile(fmt::format("reading {} unverified needed more than {} MiB of memory; {}",
                                   path, memory >> 20, advice));
  if (code != 0)
    throw UnsealedFile(
        fmt::format("reading {} unverified failed inside HDF5 (exit {}); {}", path, code, advice));
  if (!(whole_file_digest(path) == digest))
    throw UnsealedFile(fmt::format(
        "{} changed while it was read unverified; read it again when nothing writes it", path));
  trust_exact_bytes(digest);
}

}  // namespace crisp
