#pragma once
// A results file is untrusted input. HDF5 1.10 (Debian 12's) trusts the sizes and addresses a
// file's own structures give, and on a damaged file it loops forever, allocates gigabytes, or
// reads past its buffers (each found by tests/fuzz/fuzz_results). check_file_structure reads the
// file's bytes before HDF5 opens it and refuses, with one line, whatever HDF5 would trip on.

#include <string>

namespace crisp {

// Throws std::runtime_error("damaged: ...") when the file at `path` holds a structure HDF5 would
// mishandle; returns quietly when it cannot open the file (H5Fopen then says why).
void check_file_structure(const std::string& path);

}  // namespace crisp
