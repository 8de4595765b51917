#pragma once
// The object header messages HDF5 1.10 decodes when crisp reads a results file, walked inside their
// own bytes first (HDF5's file format, "Object Header Messages"). HDF5 1.10 (Debian 12's) decodes a
// message without bounds: counts, sizes and names (copied with strdup or strlen) are followed as
// far as they say, so a damaged one reads past the header's buffer (found by
// tests/fuzz/fuzz_results: member names of a compound type run on). Each walker throws
// std::runtime_error("damaged: ...") when a description would end past its message.

#include <cstdint>

namespace crisp {

class FileWindow;

// The message of `type` whose body is the bytes [at, end) of the file, unless it is shared (then
// its body only names where it is stored).
void check_header_message(FileWindow& file, std::uint64_t type, std::uint64_t at,
                          std::uint64_t end);

// The end of the datatype or dataspace description at byte `at`, which must lie by `end`; `what`
// names the message holding it in errors.
std::uint64_t datatype_end(FileWindow& file, const char* what, std::uint64_t at, std::uint64_t end);
std::uint64_t dataspace_end(FileWindow& file, const char* what, std::uint64_t at,
                            std::uint64_t end);

}  // namespace crisp
