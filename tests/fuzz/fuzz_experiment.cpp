// libFuzzer target over the experiment loader (tests/fuzz/README.md): any text must either load
// or throw crisp::InputError. Another exception type, a crash, a hang or a sanitizer report is a
// finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "sim/experiment/experiment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const crisp::Experiment x = crisp::load_experiment_text(text, "fuzz.toml");
    // What crisp check does next: expand the design into its policy sets (bounded at load).
    const crisp::PolicyDesign design = crisp::make_design(x);
    (void)design;
  } catch (const crisp::InputError&) {
    // A usage error: the expected answer to a bad file.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_experiment: not an InputError: %s\n", e.what());
    std::abort();
  }
  return 0;
}
