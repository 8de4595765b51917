// libFuzzer target over the results reader (tests/fuzz/README.md): the input is written to a
// file (one per process, in $TMPDIR or /dev/shm) and read as crisp show, export and merge read
// one. Any exception is a fine answer; a crash, a hang or a sanitizer report is a finding.
#include <hdf5.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "sim/results/results_file.hpp"

namespace {

// The datasets under /metrics/<group>/<region>, listed with HDF5 directly (the reader has no
// call for it); at most a few, so that a file with many links stays fast.
std::vector<std::string> dataset_names(const std::string& file, const std::string& group,
                                       const std::string& region) {
  std::vector<std::string> names;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return names;
  const std::string path = "/metrics/" + group + "/" + region;
  if (H5Lexists(f, "/metrics", H5P_DEFAULT) > 0 &&
      H5Lexists(f, ("/metrics/" + group).c_str(), H5P_DEFAULT) > 0 &&
      H5Lexists(f, path.c_str(), H5P_DEFAULT) > 0) {
    const hid_t g = H5Gopen2(f, path.c_str(), H5P_DEFAULT);
    if (g >= 0) {
      auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
        auto& list = *static_cast<std::vector<std::string>*>(out);
        list.emplace_back(name);
        return list.size() >= 8 ? 1 : 0;
      };
      H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names);
      H5Gclose(g);
    }
  }
  H5Fclose(f);
  return names;
}

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
    attempt([&] { reader.regions("all"); });
    attempt([&] { reader.policy_table(); });
    attempt([&] { reader.part(); });
    attempt([&] { reader.sensitivity_runs(); });
    attempt([&] { reader.read_every_dataset(); });  // crisp check
    std::vector<std::string> groups;
    attempt([&] { groups = reader.groups(); });
    if (groups.size() > 4) groups.resize(4);
    for (const std::string& group : groups) {
      std::vector<std::string> regions;
      attempt([&] { regions = reader.regions(group); });
      if (regions.size() > 4) regions.resize(4);
      for (const std::string& region : regions)
        for (const std::string& name : dataset_names(file, group, region))
          attempt([&] { reader.metric(group, region, name); });
    }
  } catch (const std::exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  crisp::prepare_hdf5();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // the reader is quiet; so is the lister above
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
  std::remove(file.c_str());
  return 0;
}
