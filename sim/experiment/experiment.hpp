#pragma once
// Loading an experiment file (INTERFACES.md): parse, then validate each field, then check fields
// against each other, then freeze into a Scenario plus its levers.

#include <stdexcept>
#include <string>
#include <string_view>

#include "models/scenario.hpp"
#include "policies/policy_set.hpp"

namespace crisp {

// A bad input. what() is the whole one-line message without the "crisp: error: " prefix, e.g.
// "gallium.toml:14:9: edge 'cn-ref -> nl-users': share must be in [0, 1], got 1.4".
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Experiment {
  Scenario scenario;
  std::vector<Lever> levers;  // in file order
  std::string design_kind = "grid";
  std::string output_file;  // [output] file; empty when not given
  std::string source_name;  // the file name used in messages
  std::string source_text;  // the file as read, stored in the results file
};

Experiment load_experiment_file(const std::string& path);
Experiment load_experiment_text(std::string_view text, const std::string& source_name);

}  // namespace crisp
