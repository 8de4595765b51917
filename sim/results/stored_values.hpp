#pragma once
// A dataset's values in the file's own type, with its shape, for the results reader. The file's
// seal was verified before it was opened (sim/results/file_seal.hpp), so HDF5 reads bytes crisp
// wrote; the type, shape and column checks here are what a reader of any HDF5 file owes its
// caller (a table without the column asked for, a dataset of strings where numbers belong).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/results/h5.hpp"

namespace crisp {

struct StoredValues {
  std::string path;                  // names the dataset (and column) in error messages
  h5::Datatype type;                 // as the file stores a value
  std::size_t width = 0;             // bytes a value
  std::vector<hsize_t> dims;         // the dataset's shape
  std::size_t count = 0;             // values, all dimensions together (row-major)
  std::vector<unsigned char> bytes;  // count * width
};

// Every value of `dataset` (at most `most_values` of them), or std::runtime_error("damaged: ...").
StoredValues read_stored(hid_t dataset, const std::string& path, std::int64_t most_values);

// The column `name` of a table (a compound dataset) as values of their own.
StoredValues column(const StoredValues& table, const char* name);

// The values converted to native numbers; each refuses a stored type that is not a standard
// integer or IEEE float (a damaged type description would otherwise drive HDF5's conversion).
std::vector<double> as_doubles(const StoredValues& values);
std::vector<std::int64_t> as_int64s(const StoredValues& values);

// Fixed-length strings, null-padded (not null-terminated) as HDF5 stores them.
std::vector<std::string> as_strings(const StoredValues& values);

}  // namespace crisp
