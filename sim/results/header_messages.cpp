#include "sim/results/header_messages.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "sim/results/file_window.hpp"

namespace crisp {

namespace {

// One description being walked: every byte it is read from must lie before `end`.
struct Walk {
  FileWindow& file;
  const char* what;  // "the datatype message", for errors
  std::uint64_t start, end;

  [[noreturn]] void fail(std::string_view why) const {
    throw std::runtime_error(fmt::format("damaged: {} at byte {} {}", what, start, why));
  }
  void need(std::uint64_t to) const {
    if (to > end) fail("runs past its end");
  }
  std::uint64_t number(std::uint64_t at, int bytes) const {
    need(at + static_cast<std::uint64_t>(bytes));
    return file.number(at, bytes);
  }
  // The length of the NUL-terminated name at `at`, which must end by `limit` (and by `end`).
  std::uint64_t name(std::uint64_t at, std::uint64_t limit) const {
    limit = std::min(limit, end);
    if (at >= limit) fail("has a name that does not end inside it");
    const std::string_view held = file.at(at, limit - at).substr(0, limit - at);
    const auto nul = held.find('\0');
    if (nul == std::string_view::npos) fail("has a name that does not end inside it");
    return nul;
  }
};

// Bytes of a compound member's offset in datatype version 3: as few as hold the type's size.
std::uint64_t offset_bytes(std::uint64_t size) {
  std::uint64_t bytes = 1;
  while (bytes < 8 && (size >> (8 * bytes)) != 0)
    ++bytes;
  return bytes;
}

// HDF5 decodes nested types recursively; deeper than this is damage, not a results file.
constexpr int kMostNesting = 16;

std::uint64_t datatype(const Walk& w, std::uint64_t at, int depth) {
  if (depth > kMostNesting) w.fail("nests datatypes too deep");
  const std::uint64_t head = w.number(at, 1), kind = head & 0x0F, version = head >> 4;
  const std::uint64_t bits = w.number(at + 1, 3), size = w.number(at + 4, 4);
  std::uint64_t p = at + 8;
  // Member and enumeration names: NUL-terminated, padded to 8 bytes before version 3.
  const auto past_name = [&](std::uint64_t q) {
    const std::uint64_t n = w.name(q, w.end);
    return q + (version < 3 ? (n + 8) / 8 * 8 : n + 1);
  };
  switch (kind) {
    case 0:  // fixed-point: bit offset, precision
    case 4:  // bitfield: the same
      p += 4;
      break;
    case 1:  // floating-point: offset, precision, exponent and mantissa places and sizes, bias
      p += 12;
      break;
    case 2:  // time: precision
      p += 2;
      break;
    case 5:  // opaque: its tag
      p += bits & 0xFF;
      break;
    case 6:  // compound: each member's name, offset (and, in version 1, dimensions), then type
      for (std::uint64_t m = 0; m < (bits & 0xFFFF); ++m) {
        p = past_name(p) + (version == 1 ? 32 : version == 2 ? 4 : offset_bytes(size));
        p = datatype(w, p, depth + 1);
      }
      break;
    case 8: {  // enumeration: base type, names, then the values
      const std::uint64_t base = p;
      p = datatype(w, p, depth + 1);
      const std::uint64_t members = bits & 0xFFFF, base_size = w.number(base + 4, 4);
      for (std::uint64_t m = 0; m < members; ++m)
        p = past_name(p);
      p += members * base_size;
      break;
    }
    case 9:  // variable-length: base type
      p = datatype(w, p, depth + 1);
      break;
    case 10: {  // array: rank, dimensions (and, before version 3, a permutation), base type
      const std::uint64_t rank = w.number(p, 1);
      if (rank > 32) w.fail("has an array of more than 32 dimensions");
      p += version < 3 ? 4 + 8 * rank : 1 + 4 * rank;
      p = datatype(w, p, depth + 1);
      break;
    }
    default:  // string and reference: no properties; HDF5 refuses an unknown class itself
      break;
  }
  w.need(p);
  return p;
}

std::uint64_t dataspace(const Walk& w, std::uint64_t at) {
  const std::uint64_t version = w.number(at, 1), rank = w.number(at + 1, 1),
                      flags = w.number(at + 2, 1);
  if (version != 1 && version != 2) return at;  // HDF5 refuses other versions
  if (rank > 32) w.fail("has more than 32 dimensions");
  // Sizes (8 bytes each), then maximum sizes when flag 1 says so.
  const std::uint64_t end = at + (version == 1 ? 8 : 4) + 8 * rank * ((flags & 1) != 0 ? 2 : 1);
  w.need(end);
  return end;
}

// Fill value, version 1 or 2 (type 5): allocation time, write time, defined, then (when defined)
// a size and the value; version 3: flags, then a size and the value when flag 0x20 says so.
void fill_value(const Walk& w) {
  const std::uint64_t version = w.number(w.start, 1);
  std::uint64_t p = w.start;
  bool value = false;
  if (version == 1 || version == 2) {
    value = w.number(w.start + 3, 1) != 0;
    p += 4;
  } else if (version == 3) {
    value = (w.number(w.start + 1, 1) & 0x20) != 0;
    p += 2;
  }
  if (!value) return;
  const std::uint64_t size = w.number(p, 4);
  if (size < (std::uint64_t{1} << 31)) w.need(p + 4 + size);  // HDF5 reads it as signed
}

void layout(const Walk& w) {
  const std::uint64_t version = w.number(w.start, 1);
  if (version == 1 || version == 2) {
    // Rank, class, 5 reserved bytes, an address unless compact, the dimensions, then a compact
    // dataset's size and data.
    const std::uint64_t rank = w.number(w.start + 1, 1), kind = w.number(w.start + 2, 1);
    if (rank > 33) w.fail("has more than 33 dimensions");
    std::uint64_t p = w.start + 8 + (kind != 0 ? 8 : 0) + 4 * rank;
    if (kind == 0) p += 4 + w.number(p, 4);
    w.need(p);
  } else if (version == 3) {
    const std::uint64_t kind = w.number(w.start + 1, 1);
    if (kind == 0) {  // compact: size (2), data
      w.need(w.start + 4 + w.number(w.start + 2, 2));
    } else if (kind == 1) {  // contiguous: address, size
      w.need(w.start + 18);
    } else if (kind == 2) {  // chunked: rank + 1, address, the chunk's sizes and a value's
      const std::uint64_t rank = w.number(w.start + 2, 1);
      if (rank > 33) w.fail("has more than 33 dimensions");
      w.need(w.start + 11 + 4 * rank);
    } else {
      w.fail("stores its data in a way crisp does not write (virtual)");
    }
  } else if (version == 4) {
    w.fail("stores its data in a way crisp does not write (layout version 4)");
  }
}

// Filter pipeline (type 11): each filter's id, name length, flags, value count, name, values.
void filter_pipeline(const Walk& w) {
  const std::uint64_t version = w.number(w.start, 1), filters = w.number(w.start + 1, 1);
  if (version != 1 && version != 2) return;  // HDF5 refuses other versions
  if (filters > 32) w.fail("has more than 32 filters");
  std::uint64_t p = w.start + (version == 1 ? 8 : 2);
  for (std::uint64_t f = 0; f < filters; ++f) {
    const std::uint64_t id = w.number(p, 2);
    p += 2;
    std::uint64_t name_length = 0;
    if (version == 1 || id >= 256) {
      name_length = w.number(p, 2);
      p += 2;
    }
    const std::uint64_t values = w.number(p + 2, 2);
    p += 4;
    if (name_length > 0) {
      w.name(p, p + name_length);  // HDF5 measures it with strlen
      p += name_length;
    }
    p += 4 * values + (version == 1 && values % 2 == 1 ? 4 : 0);
    w.need(p);
  }
}

}  // namespace

std::uint64_t datatype_end(FileWindow& file, const char* what, std::uint64_t at,
                           std::uint64_t end) {
  return datatype(Walk{file, what, at, end}, at, 0);
}

std::uint64_t dataspace_end(FileWindow& file, const char* what, std::uint64_t at,
                            std::uint64_t end) {
  return dataspace(Walk{file, what, at, end}, at);
}

void check_header_message(FileWindow& file, std::uint64_t type, std::uint64_t at,
                          std::uint64_t end) {
  switch (type) {
    case 0x01:
      dataspace_end(file, "the dataspace message", at, end);
      break;
    case 0x03:
      datatype_end(file, "the datatype message", at, end);
      break;
    case 0x04: {  // fill value, old: size, value
      const Walk w{file, "the fill value message", at, end};
      w.need(at + 4 + w.number(at, 4));
      break;
    }
    case 0x05:
      fill_value(Walk{file, "the fill value message", at, end});
      break;
    case 0x07:  // HDF5 would open the files it names
      throw std::runtime_error(fmt::format(
          "damaged: the message at byte {} stores data in other files, which crisp never does",
          at));
    case 0x08:
      layout(Walk{file, "the data layout message", at, end});
      break;
    case 0x0B:
      filter_pipeline(Walk{file, "the filter pipeline message", at, end});
      break;
    case 0x0D:  // comment: HDF5 copies it with strdup
      Walk{file, "the comment message", at, end}.name(at, end);
      break;
    default:
      break;
  }
}

}  // namespace crisp
