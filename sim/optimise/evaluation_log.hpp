#pragma once
// The evaluations an optimisation has finished, kept in `<output>.journal` while it runs so that
// a killed optimisation continues with --resume without simulating them again
// (docs/results-format.md "Resuming an optimisation"). The search is deterministic given the
// evaluations, so a resumed run retraces the same steps and gives the same answer.
//
// The file: a line "crisp optimise journal 1 <xxh3-64 of the run's identity>", then records of
// [key length u32][key][value count u64][values f64...][xxh3-64 of the key and values u64],
// appended and flushed one by one. A record cut short by a kill is dropped on resume.

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace crisp {

// The log cannot be used: another optimisation holds it, one was stopped (no --resume), or it is
// of another run. A usage error.
struct EvaluationLogConflict : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class EvaluationLog {
 public:
  // Creates `path` (an existing file is a conflict), or with `resume` opens it, checks that it
  // is of this `identity` and reads its complete records. Either way it is locked (flock) for
  // the life of this object.
  EvaluationLog(std::string path, const std::string& identity, bool resume);
  ~EvaluationLog();
  EvaluationLog(const EvaluationLog&) = delete;
  EvaluationLog& operator=(const EvaluationLog&) = delete;

  const std::string& path() const { return path_; }
  std::size_t resumed() const { return resumed_; }  // records read on resume
  // The values recorded under `key`, or null.
  const std::vector<double>* find(const std::string& key) const;
  // Records `values` under `key` and flushes it to the file.
  void append(const std::string& key, const std::vector<double>& values);
  // Deletes the file (the results are written).
  void remove();

 private:
  std::string path_;
  int fd_ = -1;
  std::size_t resumed_ = 0;
  std::map<std::string, std::vector<double>, std::less<>> records_;
};

}  // namespace crisp
