#include "sim/results/file_structure.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "sim/results/file_window.hpp"
#include "sim/results/header_messages.hpp"

namespace crisp {

namespace {

// The objects of the global heap collections, (collection, index) -> size, for checking the
// variable-length values that refer to them; at most kMostObjects are kept (the others are
// checked against the file's size only).
using HeapObjects = std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t>;
constexpr std::size_t kMostObjects = std::size_t{1} << 16;

// Walks the global heap collection that starts at `start` as HDF5 walks it. HDF5 reads a whole
// collection into memory at once, as large as its header says: a collection that does not end
// inside the file is refused first.
void check_collection(FileWindow& file, std::uint64_t start, HeapObjects& objects) {
  const std::uint64_t size = file.number(start + 8, 8);
  if (size > file.size() || start > file.size() - size)
    throw std::runtime_error(
        fmt::format("damaged: the global heap collection at byte {} claims {} bytes, past the end "
                    "of the file ({} bytes)",
                    start, size, file.size()));
  std::uint64_t p = 16;                 // offsets within the collection
  while (p < size && size - p >= 16) {  // less than an object header left: free space
    const std::uint64_t index = file.number(start + p, 2), object = file.number(start + p + 8, 8);
    // An object's header and its data padded to 8 bytes; index 0 (free space) counts itself,
    // header included.
    const std::uint64_t room = size - p - (index > 0 ? 16 : 0);
    if ((index == 0 && object < 16) || object > room ||
        (index > 0 && (object + 7) / 8 * 8 > room) || start + p >= file.size())
      throw std::runtime_error(fmt::format(
          "damaged: the global heap collection at byte {} has an object of {} bytes at byte {}",
          start, object, start + p));
    if (index > 0 && objects.size() < kMostObjects)
      objects.emplace(std::pair{start, index}, object);
    p += index > 0 ? 16 + (object + 7) / 8 * 8 : object;
  }
}

// A variable-length value as an attribute stores it: its length (in elements of `element`
// bytes) and the global heap object (collection, index) that holds it.
struct HeapReference {
  std::uint64_t at = 0;  // where the attribute message stores it
  std::uint64_t length = 0, element = 1, collection = 0, index = 0;
};

// The root attributes crisp writes (H5Aopen decodes every attribute message of the object to find
// one by name, and HDF5 1.10 copies an attribute's data out of its message as large as the
// message's sizes say, past the message when they are damaged: found by tests/fuzz/fuzz_results).
// The string ones also hold heap references: HDF5 allocates whatever length a value of theirs
// claims before it looks at the heap object (3.5 GB for a damaged filetype).
constexpr std::array<std::string_view, 14> kRootAttributes = {
    std::string_view("filetype\0", 9),
    std::string_view("crisp_version\0", 14),
    std::string_view("git_commit\0", 11),
    std::string_view("created_utc\0", 12),
    std::string_view("command_line\0", 13),
    std::string_view("experiment_toml\0", 16),
    std::string_view("report_regions\0", 15),
    std::string_view("format_version\0", 15),
    std::string_view("seed\0", 5),
    std::string_view("replications\0", 13),
    std::string_view("horizon_days\0", 13),
    std::string_view("part_index\0", 11),
    std::string_view("part_count\0", 11),
    std::string_view("block_replications\0", 19),
};
constexpr std::size_t kMostReferences = std::size_t{1} << 16;  // far more than crisp writes

// The attribute message (versions 1 to 3) that starts at byte `start` and ends at byte `end`
// (the end of the file when unknown): HDF5 1.10 copies its whole data out of the message, as large
// as its sizes say, so the data must end by `end`; the heap references of its data when its type
// is variable-length go to `out` (HDF5's file format, "Attribute Message"; 8-byte addresses, as
// crisp writes). Returns false when the bytes do not read as an attribute message HDF5 would copy
// data out of (HDF5 refuses those itself).
bool check_attribute_message(FileWindow& file, std::uint64_t start, std::uint64_t end,
                             std::vector<HeapReference>& out) {
  const std::uint64_t version = file.number(start, 1);
  if (version < 1 || version > 3) return false;
  const std::uint64_t flags = file.number(start + 1, 1);
  if ((version == 1 && flags != 0) || (flags & 3) != 0) return false;  // shared type or space
  const std::uint64_t name = start + (version == 3 ? 9 : 8);
  const std::uint64_t name_size = file.number(start + 2, 2), type_size = file.number(start + 4, 2),
                      space_size = file.number(start + 6, 2);
  auto padded = [&](std::uint64_t n) { return version == 1 ? (n + 7) / 8 * 8 : n; };
  const std::uint64_t type = name + padded(name_size), space = type + padded(type_size),
                      data = space + padded(space_size);
  end = std::min(end, file.size());
  // HDF5 decodes the name, type and dataspace where the sizes put them, inside the message or not.
  if (data > end)
    throw std::runtime_error(fmt::format(
        "damaged: the attribute message at byte {} claims a name, type and dataspace of {}, {} "
        "and {} bytes, past the end of the message or the file",
        start, name_size, type_size, space_size));
  // HDF5 copies the name with strdup, whatever its size says: it must end (in a NUL) in its field.
  if (file.at(name, name_size).substr(0, name_size).find('\0') == std::string_view::npos)
    throw std::runtime_error(fmt::format(
        "damaged: the attribute message at byte {} has a name that does not end inside it", start));
  // HDF5 decodes the type and dataspace wherever their descriptions lead: inside their fields.
  datatype_end(file, "the attribute message's datatype", type, type + type_size);
  dataspace_end(file, "the attribute message's dataspace", space, space + space_size);
  if (type_size < 8) return false;
  const std::uint64_t width = file.number(type + 4, 4);  // bytes of one value
  // A variable-length value is stored as 16 bytes: length (4), collection (8), index (4).
  const bool heap = file.number(type, 1) % 16 == 9;
  // HDF5 copies a value's 16 bytes out of data sized by the type's own claim (found by
  // tests/fuzz/fuzz_results: a string attribute of 9-byte values).
  if (heap && width != 16)
    throw std::runtime_error(fmt::format(
        "damaged: the attribute at byte {} has variable-length values of {} bytes, not 16", name,
        width));
  // The element of a variable-length value: its base type's size (a string's is 1).
  const std::uint64_t element = heap ? std::max<std::uint64_t>(1, file.number(type + 12, 4)) : 1;
  const std::uint64_t space_version = file.number(space, 1), rank = file.number(space + 1, 1);
  if ((space_version != 1 && space_version != 2) || rank > 32) return false;
  if (space_version == 2 && file.number(space + 3, 1) == 2) return true;  // a null dataspace
  std::uint64_t count = 1;
  const std::uint64_t dims = space + (space_version == 1 ? 8 : 4);
  for (std::uint64_t d = 0; d < rank; ++d) {
    const std::uint64_t dim = std::min(file.number(dims + 8 * d, 8), file.size());
    count = dim != 0 && count > file.size() / dim ? file.size() : count * dim;
  }
  if ((width != 0 && count > (end - data) / width) || (width == 0 && count > 0))
    throw std::runtime_error(fmt::format(
        "damaged: the attribute at byte {} claims {} values of {} bytes, past the end of its "
        "message or the file",
        name, count, width));
  if (!heap) return true;
  if (count > kMostReferences - out.size())
    throw std::runtime_error(fmt::format(
        "damaged: the attribute at byte {} claims {} variable-length values", name, count));
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t at = data + 16 * i;
    out.push_back(
        {at, file.number(at, 4), element, file.number(at + 4, 8), file.number(at + 12, 4)});
  }
  return true;
}

// The attribute message whose name, `name_length` bytes with its NUL, starts at byte `name`, if
// the bytes before it read as one (versions 1 to 3): found by the names crisp writes, in any
// object header, whatever its version or place.
void attribute_references(FileWindow& file, std::uint64_t name, std::uint64_t name_length,
                          std::vector<HeapReference>& out) {
  for (int version = 1; version <= 3; ++version) {
    const std::uint64_t header = version == 3 ? 9 : 8;
    if (name < header || file.number(name - header, 1) != static_cast<std::uint64_t>(version))
      continue;
    const std::uint64_t start = name - header;
    if (file.number(start + 2, 2) < name_length) continue;
    // The message's size is in its header, just before it, in an object header of version 1 or
    // 2; unknown, the data must at least end inside the file.
    std::uint64_t end = file.size();
    if (start >= 8 && file.number(start - 8, 2) == 12)
      end = start + file.number(start - 6, 2);  // version 1: type (2), size (2), flags, reserved
    else if (start >= 4 && file.number(start - 4, 1) == 12)
      end = start + file.number(start - 3, 2);  // version 2: type (1), size (2), flags
    else if (start >= 6 && file.number(start - 6, 1) == 12)
      end = start + file.number(start - 5, 2);  // version 2 with creation order (2)
    check_attribute_message(file, start, end, out);
  }
}

// Every message of the version 1 object header at byte `header` (crisp writes those), walked as
// HDF5 walks it, continuation blocks included: each block must end inside the file (HDF5
// allocates a block as large as it claims before it reads it), and each attribute message is
// checked whatever its name (H5Aopen decodes every attribute message of an object to find one by
// name), as is every message HDF5 decodes to read a dataset (sim/results/header_messages.hpp).
// Headers of other versions are left to HDF5 and to the search by name.
void check_object_header(FileWindow& file, std::uint64_t header, std::vector<HeapReference>& out) {
  if (header >= file.size() || file.number(header, 1) != 1) return;
  const std::uint64_t messages = file.number(header + 2, 2);
  // Blocks of messages: the header's own (after its 16 bytes), then each continuation's.
  auto block = [&file, header](std::uint64_t at, std::uint64_t size, std::uint64_t said_at) {
    if (at > file.size() || size > file.size() - at)
      throw std::runtime_error(fmt::format(
          "damaged: the object header at byte {} claims a block of {} bytes at byte {} (said at "
          "byte {}), past the end of the file",
          header, size, at, said_at));
    return std::pair(at, at + size);
  };
  std::vector<std::pair<std::uint64_t, std::uint64_t>> blocks{
      block(header + 16, file.number(header + 8, 4), header + 8)};
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < blocks.size() && seen < messages; ++b) {
    auto [at, end] = blocks[b];
    while (at + 8 <= end && seen < messages) {
      const std::uint64_t type = file.number(at, 2), size = file.number(at + 2, 2);
      const std::uint64_t data = at + 8;
      if (data + size > end) break;  // HDF5 refuses the header itself
      ++seen;
      const bool shared = (file.number(at + 4, 1) & 2) != 0;  // the body names where it is
      if (!shared) check_header_message(file, type, data, data + size);
      if (type == 0x0C) check_attribute_message(file, data, data + size, out);
      if (type == 0x10 && blocks.size() < 256)  // a continuation: offset (8), length (8)
        blocks.push_back(block(file.number(data, 8), file.number(data + 8, 8), data));
      at = data + size;
    }
  }
}

// A version 0 superblock at byte 0 with 8-byte offsets and lengths, as crisp writes: the layout
// the walks here know (other layouts are left to HDF5).
bool crisp_superblock(FileWindow& file) {
  constexpr std::string_view kSuperblock("\x89HDF\r\n\x1a\n\x00", 9);  // signature, version 0
  return file.size() >= 96 &&
         file.at(0, kSuperblock.size()).substr(0, kSuperblock.size()) == kSuperblock &&
         file.number(13, 1) == 8 && file.number(14, 1) == 8;
}

// The root group's object header, named by the superblock's root symbol table entry.
void check_root_header(FileWindow& file, std::vector<HeapReference>& out) {
  if (crisp_superblock(file)) check_object_header(file, file.number(64, 8), out);
}

// A version 1 B-tree node of a group ("TREE", type 0) at byte `at`: HDF5 reads each child it
// lists when it iterates the group's links, and reads through a null pointer when a child's
// address is undefined or past the file (h5ls crashes the same way; found by
// tests/fuzz/fuzz_results). Every such node in the file is checked: its entries, its siblings and
// children inside the file. Nodes of more entries than a group node can hold (`most_entries`,
// from the superblock) are taken for other bytes.
void check_group_node(FileWindow& file, std::uint64_t at, std::uint64_t most_entries) {
  constexpr std::uint64_t kUndefined = ~std::uint64_t{0};
  const std::uint64_t level = file.number(at + 5, 1), entries = file.number(at + 6, 2);
  if (level > 32 || entries > most_entries) return;
  auto inside = [&file](std::uint64_t address) { return address < file.size(); };
  for (const std::uint64_t sibling : {file.number(at + 8, 8), file.number(at + 16, 8)})
    if (sibling != kUndefined && !inside(sibling))
      throw std::runtime_error(fmt::format(
          "damaged: the group B-tree node at byte {} has a sibling at byte {}, past the file", at,
          sibling));
  // Keys (8 bytes) and children (8 bytes) alternate after the 24-byte header: key, child, ...
  for (std::uint64_t i = 0; i < entries; ++i) {
    const std::uint64_t child = file.number(at + 24 + 16 * i + 8, 8);
    if (!inside(child))
      throw std::runtime_error(fmt::format(
          "damaged: the group B-tree node at byte {} has child {} at byte {}, past the file", at, i,
          child));
  }
}

// A group's symbol table node ("SNOD", version 1) at byte `at`: at most `most_symbols` entries
// (from the superblock), each naming an object header inside the file, which is checked in turn.
void check_symbol_node(FileWindow& file, std::uint64_t at, std::uint64_t most_symbols,
                       std::vector<HeapReference>& out) {
  const std::uint64_t symbols = file.number(at + 6, 2);
  if (symbols > most_symbols)
    throw std::runtime_error(
        fmt::format("damaged: the symbol table node at byte {} claims {} links, more than {}", at,
                    symbols, most_symbols));
  for (std::uint64_t i = 0; i < symbols; ++i) {
    const std::uint64_t header = file.number(at + 8 + 40 * i + 8, 8);
    if (header >= file.size())
      throw std::runtime_error(fmt::format(
          "damaged: the symbol table node at byte {} has link {} at byte {}, past the file", at, i,
          header));
    check_object_header(file, header, out);
  }
}

// A group's local heap ("HEAP", version 0) at byte `at`, which holds its link names: HDF5
// allocates its data segment as large as it claims before reading it, so it must lie in the file;
// and it copies a name with strdup, so the segment must end in a NUL (as every segment HDF5 writes
// does: names are NUL-padded, and a free block ends in the high bytes of its size), or a name near
// its end is read on past it (found by tests/fuzz/fuzz_results: a segment placed in other text).
void check_local_heap(FileWindow& file, std::uint64_t at) {
  const std::uint64_t size = file.number(at + 8, 8), data = file.number(at + 24, 8);
  if (data > file.size() || size > file.size() - data)
    throw std::runtime_error(
        fmt::format("damaged: the local heap at byte {} claims {} bytes at byte {}, past the file",
                    at, size, data));
  if (size > 0 && file.number(data + size - 1, 1) != 0)
    throw std::runtime_error(
        fmt::format("damaged: the local heap at byte {} has names that run past its end", at));
}

}  // namespace

// HDF5 1.10 (Debian 12's) walks a global heap collection (where variable-length strings such as
// the filetype attribute live) object by object, and on a damaged file it loops forever on an
// object of size 0, or reads past the collection when an object claims more than the collection
// holds (found by tests/fuzz/fuzz_results). Every collection in the file ("GCOL", version 1) is
// walked here first, as HDF5 walks it (lengths of 8 bytes; bytes past the end of the file read as
// zeros, as HDF5 reads them); anything that would not end inside the collection, and a collection
// that would not end inside the file, is refused. HDF5 also allocates the length a variable-length
// value claims before it reads the value: the string attributes crisp reads are found by name, and
// a value longer than its heap object (or, its object unknown, than the file) is refused.
// The group structures HDF5 walks to list a group's links are checked as well (group B-tree
// nodes, symbol table nodes, local heaps: above). Nothing here is more than a guard against what
// HDF5 1.10 does not check itself; HDF5 still reads the file.
// The file is scanned a window at a time (windows overlap by the longest pattern's length less
// one).
void check_file_structure(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // H5Fopen says why
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } const closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  constexpr std::string_view kCollection("GCOL\x01\x00\x00\x00", 8), kGroupNode("TREE\0", 5),
      kSymbolNode("SNOD\x01\x00", 6), kLocalHeap("HEAP\0\0\0\0", 8);
  constexpr std::size_t kOverlap = 19;  // the longest pattern (block_replications and its NUL)
  FileWindow scan(fd, size), walk(fd, size);
  // A group node holds at most 2K entries and a symbol table node 2K links, K from a version 0
  // superblock (crisp writes one); other layouts leave the counts to HDF5.
  struct {
    std::uint64_t group_entries = 0xFFFF, symbols = 0xFFFF;
  } limits;
  if (crisp_superblock(walk)) {
    limits.symbols = 2 * walk.number(16, 2);
    limits.group_entries = 2 * walk.number(18, 2);
  }
  HeapObjects objects;
  std::vector<HeapReference> references;
  for (std::uint64_t chunk = 0; chunk < size;) {
    const std::string_view held = scan.at(chunk, FileWindow::kBytes);
    if (held.size() < kCollection.size()) break;
    // Patterns that start in the overlap are found in the next window (unless this is the last).
    const std::size_t last =
        held.size() < FileWindow::kBytes ? held.size() : held.size() - kOverlap;
    // Calls check(byte) for every place in this window where `pattern` starts.
    auto each = [&](std::string_view pattern, auto check) {
      for (std::size_t at = held.find(pattern); at != std::string_view::npos && at < last;
           at = held.find(pattern, at + 1))
        check(chunk + at);
    };
    each(kCollection, [&](std::uint64_t at) { check_collection(walk, at, objects); });
    each(kGroupNode, [&](std::uint64_t at) { check_group_node(walk, at, limits.group_entries); });
    each(kSymbolNode,
         [&](std::uint64_t at) { check_symbol_node(walk, at, limits.symbols, references); });
    each(kLocalHeap, [&](std::uint64_t at) { check_local_heap(walk, at); });
    for (const std::string_view name : kRootAttributes)
      each(name,
           [&](std::uint64_t at) { attribute_references(walk, at, name.size(), references); });
    if (held.size() < FileWindow::kBytes) break;
    chunk += last;
  }
  check_root_header(walk, references);
  for (const HeapReference& r : references) {
    if (r.collection == 0) continue;  // a null value: nothing is read
    const auto object = objects.find({r.collection, r.index});
    const std::uint64_t room =
        object != objects.end() ? object->second : (objects.size() < kMostObjects ? 0 : size);
    if (r.length > room / r.element)
      throw std::runtime_error(fmt::format(
          "damaged: an attribute's variable-length value at byte {} claims {} elements, more "
          "than {} (global heap object {} of the collection at byte {})",
          r.at, r.length, object != objects.end() ? "its object holds" : "the file holds", r.index,
          r.collection));
  }
}

}  // namespace crisp
