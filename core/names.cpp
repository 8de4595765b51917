#include "core/names.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace crisp::names {

Decoded decode(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1};
  // The sequence's length and the smallest code point it may encode (anything below is an
  // overlong form of a shorter sequence).
  std::size_t length = 0;
  char32_t code = 0, least = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, least = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, least = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, least = 0x10000;
  } else {
    return {};  // a continuation byte, or 0xF8-0xFF
  }
  if (at + length > text.size()) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return {};
    code = (code << 6) | (byte(at + i) & 0x3F);
  }
  if (code < least || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {};
  return {code, length};
}

bool is_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0x200E ||
         c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::string text_problem(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const Decoded d = decode(text, at);
    if (d.length == 0) {
      return fmt::format("byte {} (0x{:02x}) is not UTF-8", at + 1,
                         static_cast<unsigned char>(text[at]));
    }
    if (is_control(d.code)) {
      return fmt::format("it holds the control character U+{:04X} at byte {}",
                         static_cast<std::uint32_t>(d.code), at + 1);
    }
    at += d.length;
  }
  return "";
}

std::string name_problem(std::string_view name) {
  if (std::string problem = text_problem(name); !problem.empty()) return problem;
  if (name.size() > kMaxNameBytes) return fmt::format("it is {} bytes long", name.size());
  return "";
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const Decoded d = decode(text, at);
    if (d.length == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[at]));
      ++at;
      continue;
    }
    if (is_control(d.code)) {
      const auto code = static_cast<std::uint32_t>(d.code);
      out += code == '\n'   ? std::string("\\n")
             : code == '\r' ? std::string("\\r")
             : code == '\t' ? std::string("\\t")
             : code <= 0xFF ? fmt::format("\\x{:02x}", code)
                            : fmt::format("\\u{{{:04x}}}", code);
    } else {
      out.append(text.substr(at, d.length));
    }
    at += d.length;
  }
  return out;
}

std::string_view cut(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;  // text[end] continues a character: cut before the character
  }
  return text.substr(0, end);
}

std::string shortened(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  return std::string(cut(text, max_bytes - 3)) + "...";
}

}  // namespace crisp::names
