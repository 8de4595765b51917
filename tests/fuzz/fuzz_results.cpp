// libFuzzer target over the results reader (tests/fuzz/README.md): the input is written to a
// file (one per process, in $TMPDIR or /dev/shm) and read as crisp show, export, check and merge
// read one: first as given (the seal must refuse it unless it is intact), then with --unverified
// (read whole in a sandboxed child; when the child finishes, this process reads the same bytes).
// Any exception is a fine answer; a crash, a hang or a sanitizer report in this process is a
// finding. A crash of the child is the sandbox doing its work, not a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "sim/results/results_file.hpp"
#include "sim/results/sandboxed_read.hpp"

namespace {

template <typename F>
void attempt(F&& f) {
  try {
    f();
  } catch (const std::exception&) {
  }
}

void read_all(const std::string& file, crisp::ResultsReader::Kind kind) {
  try {
    const crisp::ResultsReader reader(file, kind);
    attempt([&] { reader.policy_labels(); });
    attempt([&] { reader.report_regions(); });
    attempt([&] { reader.replications(); });
    attempt([&] { reader.seed(); });
    attempt([&] { reader.string_attribute("experiment_toml"); });
    attempt([&] { reader.policy_table(); });
    attempt([&] { reader.part(); });
    attempt([&] { reader.sensitivity_runs(); });
    attempt([&] {
      for (const std::string& group : reader.groups())
        reader.regions(group);
    });
    attempt([&] { reader.read_every_dataset(); });  // crisp check; metrics as [P, R]
  } catch (const std::exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  crisp::prepare_hdf5();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string file = [] {
    const char* dir = std::getenv("TMPDIR");
    const std::string folder = dir != nullptr && *dir != '\0'  ? dir
                               : access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                                                               : "/tmp";
    return folder + "/crisp-fuzz-results-" + std::to_string(getpid()) + ".h5";
  }();
  std::FILE* out = std::fopen(file.c_str(), "wb");
  if (out == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, out) != size) std::abort();
  std::fclose(out);
  read_all(file, crisp::ResultsReader::Kind::results);
  read_all(file, crisp::ResultsReader::Kind::part);
  // --unverified: the child has 5 s (libFuzzer's timeout for this process is 10 s).
  bool trusted = false;
  attempt([&] {
    crisp::read_unverified(file, {0, 5});
    trusted = true;
  });
  if (trusted) read_all(file, crisp::ResultsReader::Kind::either);
  std::remove(file.c_str());
  return 0;
}
