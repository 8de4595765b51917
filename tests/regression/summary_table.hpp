#pragma once
// The regression cases' summary tables (tests/README.md "Regression cases"): every summary mean of
// a whole experiment, one "policy|material|region|metric<TAB>mean" line each. The test
// (tests/unit/test_regression.cpp) only compares a fresh table with the reference file;
// scripts/bless_regression alone writes reference files, for a person to review and commit.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace crisp::regression {

// One case: an experiment, its reference table and the replications both are computed with.
struct Case {
  std::string name;        // "small": the reference is tests/cases/regression/<name>.tsv
  std::string experiment;  // relative to the source folder
  std::int64_t replications = 0;
};

// Every case the test checks and the bless script writes.
const std::vector<Case>& cases();

std::string reference_path(const std::string& source_dir, const Case& c);

// "policy|material|region|metric" -> mean over replications, NaN means left out (a metric a
// material or region does not have).
using Table = std::map<std::string, double>;

Table summary_means(const std::string& experiment_path, std::int64_t replications);

// 17 significant digits: every double reads back to itself.
void write_table(std::ostream& out, const Table& table);
// Throws std::runtime_error, naming the file and line, on a line that is not "key<TAB>number".
Table read_table(const std::string& path);

}  // namespace crisp::regression
