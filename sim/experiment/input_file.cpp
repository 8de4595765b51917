#include "sim/experiment/input_file.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "sim/experiment/experiment.hpp"

namespace crisp::input_file {

namespace {

// Why a file of this type is refused; "" for a regular file.
std::string refused_type(std::filesystem::file_type type) {
  using std::filesystem::file_type;
  switch (type) {
    case file_type::regular:
      return "";
    case file_type::directory:
      return "it is a directory, not a file";
    case file_type::fifo:
      return "it is a FIFO (named pipe), not a regular file";
    case file_type::character:
      return "it is a character device, not a regular file";
    case file_type::block:
      return "it is a block device, not a regular file";
    case file_type::socket:
      return "it is a socket, not a regular file";
    default:
      return "it is not a regular file";
  }
}

bool in_key(unsigned char c) {
  return std::isalnum(c) || c == '_' || c == '-' || c == ' ' || c == '\t' || c >= 0x80;
}

}  // namespace

Contents read(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) {
    return {.text = {}, .error = std::strerror(ENOENT)};
  }
  if (ec) return {.text = {}, .error = ec.message()};
  if (std::string why = refused_type(status.type()); !why.empty()) {
    return {.text = {}, .error = std::move(why)};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return {.text = {}, .error = std::strerror(errno)};
  // Read at most one byte over the limit: the size on disk may change while we read.
  std::string text(kMaxInputFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return {.text = {}, .error = std::strerror(errno)};
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxInputFileBytes) {
    return {.text = {},
            .error = fmt::format("it is larger than {} MiB, the most an input file may be",
                                 kMaxInputFileBytes / (1024 * 1024))};
  }
  return {.text = std::move(text), .error = {}};
}

void check_key_depth(std::string_view text, const std::string& file) {
  std::size_t line = 1, col = 1;          // of the character at `i`
  std::size_t run_line = 0, run_col = 0;  // where the current run of key parts started
  int dots = 0;
  bool in_run = false;
  const auto reset = [&] {
    in_run = false;
    dots = 0;
  };
  const auto start_run = [&] {
    if (!in_run) {
      in_run = true;
      run_line = line;
      run_col = col;
    }
  };
  std::size_t i = 0;
  // Advances over text[i], keeping line and col.
  const auto step = [&] {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    ++i;
  };
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\'') {
      start_run();
      const bool multi = text.substr(i, 3) == std::string(3, static_cast<char>(c));
      const bool escapes = c == '"';
      for (int k = 0; k < (multi ? 3 : 1); ++k)
        step();
      while (i < text.size()) {
        if (escapes && text[i] == '\\' && i + 1 < text.size()) {
          step();
          step();
          continue;
        }
        if (!multi && text[i] == '\n') break;  // unterminated: the parser will say so
        if (multi ? text.substr(i, 3) == std::string(3, static_cast<char>(c))
                  : text[i] == static_cast<char>(c)) {
          for (int k = 0; k < (multi ? 3 : 1); ++k)
            step();
          break;
        }
        step();
      }
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n')
        step();
      reset();
      continue;
    }
    if (c == '.') {
      start_run();
      if (++dots + 1 > kMaxKeyParts) {
        throw InputError(
            fmt::format("{}:{}:{}: a key with more than {} dotted parts: keys may "
                        "nest at most {} deep",
                        file, run_line, run_col, kMaxKeyParts, kMaxKeyParts));
      }
    } else if (in_key(c)) {
      if (c != ' ' && c != '\t') start_run();
    } else {
      reset();
    }
    step();
  }
}

}  // namespace crisp::input_file
