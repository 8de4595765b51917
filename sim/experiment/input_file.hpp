#pragma once
// Reading the files an experiment is made of (the experiment file, [network] CSV files) as
// untrusted input: only regular files, at most kMaxInputFileBytes, and TOML whose keys are not
// nested deeper than kMaxKeyParts (toml++ recurses per dotted key part: a 100 KB line of
// `a.a.a...` would overflow the stack).

#include <cstddef>
#include <string>
#include <string_view>

namespace crisp::input_file {

// The most an experiment or CSV file may hold: far above any real network, far below memory.
inline constexpr std::size_t kMaxInputFileBytes = 16 * 1024 * 1024;
// The most parts a dotted key or table header may have (`a.b.c` has 3).
inline constexpr int kMaxKeyParts = 64;

// The contents of `path`, or why it cannot be read: it does not exist, is not a regular file (a
// directory, FIFO, device or socket: refused by type, before opening, so that nothing blocks or
// reads forever), cannot be opened, or is larger than kMaxInputFileBytes.
struct Contents {
  std::string text;
  std::string error;  // empty when read: "it is a directory, not a file", ...
};
Contents read(const std::string& path);

// Throws an InputError at `file:line:col` for the first dotted key or table header of `text`
// with more than kMaxKeyParts parts. Strings and comments are skipped; anything it cannot make
// sense of is left to the TOML parser.
void check_key_depth(std::string_view text, const std::string& file);

}  // namespace crisp::input_file
