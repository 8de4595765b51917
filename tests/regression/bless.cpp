// crisp_regression_bless SOURCE_DIR [CASE...]: writes the reference table of each regression case
// (every case when none is named) into SOURCE_DIR/tests/cases/regression/. Run by
// scripts/bless_regression, never by a test: a new reference is a change a person reviews
// (git diff) and commits with the reason the results moved.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "regression/summary_table.hpp"

int main(int argc, char** argv) {
  using namespace crisp::regression;
  if (argc < 2) {
    std::fprintf(stderr, "usage: crisp_regression_bless SOURCE_DIR [CASE...]\n");
    return 2;
  }
  const std::string source = argv[1];
  const std::vector<std::string> named(argv + 2, argv + argc);
  for (const std::string& name : named) {
    bool known = false;
    for (const Case& c : cases())
      known = known || c.name == name;
    if (!known) {
      std::string names;
      for (const Case& c : cases())
        names += " " + c.name;
      std::fprintf(stderr, "crisp_regression_bless: no case '%s' (cases:%s)\n", name.c_str(),
                   names.c_str());
      return 2;
    }
  }
  try {
    for (const Case& c : cases()) {
      if (!named.empty() && std::find(named.begin(), named.end(), c.name) == named.end()) continue;
      const Table table = summary_means(source + "/" + c.experiment, c.replications);
      const std::string path = reference_path(source, c);
      std::ofstream out(path);
      write_table(out, table);
      out.close();
      if (!out) throw std::runtime_error(path + ": cannot be written");
      std::printf("%s: %zu means\n", path.c_str(), table.size());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crisp_regression_bless: %s\n", e.what());
    return 2;
  }
  return 0;
}
