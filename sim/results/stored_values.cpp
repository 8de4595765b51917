#include "sim/results/stored_values.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <zlib.h>

namespace crisp {

namespace {

// Types whose values are their own bytes: numbers, fixed-length strings, and compounds of those.
// Variable-length values and references point elsewhere in the file; crisp stores none in a
// dataset.
bool plain(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
    case H5T_FLOAT:
      return true;
    case H5T_STRING:
      return H5Tis_variable_str(type) == 0;
    case H5T_COMPOUND: {
      const int members = H5Tget_nmembers(type);
      for (int m = 0; m < members; ++m) {
        const hid_t member = H5Tget_member_type(type, static_cast<unsigned>(m));
        const bool ok = member >= 0 && plain(member);
        if (member >= 0) H5Tclose(member);
        if (!ok) return false;
      }
      return members >= 0;
    }
    default:
      return false;
  }
}

std::uint64_t file_size(hid_t dataset, const std::string& path) {
  const auto file = h5::own<h5::File>(H5Iget_file_id(dataset), path + " file");
  hsize_t size = 0;
  h5::check(H5Fget_filesize(file, &size), path + " file size");
  return size;
}

// One filter of a dataset's pipeline, of the two crisp writes.
struct Filter {
  H5Z_filter_t id = H5Z_FILTER_NONE;
  std::size_t element = 0;  // shuffle: the bytes of a value, as HDF5 stored it when writing
};

std::vector<Filter> pipeline(hid_t plist, const std::string& path) {
  const int count = H5Pget_nfilters(plist);
  if (count < 0 || count > H5Z_MAX_NFILTERS)
    throw std::runtime_error(fmt::format("damaged: {} has {} filters", path, count));
  std::vector<Filter> filters;
  for (int i = 0; i < count; ++i) {
    unsigned flags = 0, config = 0;
    std::array<unsigned, 8> values{};
    std::size_t n = values.size();
    const H5Z_filter_t id = H5Pget_filter2(plist, static_cast<unsigned>(i), &flags, &n,
                                           values.data(), 0, nullptr, &config);
    if (id == H5Z_FILTER_DEFLATE) {
      filters.push_back({id, 0});
    } else if (id == H5Z_FILTER_SHUFFLE && n >= 1 && values[0] >= 1) {
      filters.push_back({id, values[0]});
    } else {
      throw std::runtime_error(fmt::format(
          "{} is stored with HDF5 filter {}, which crisp does not read (it writes shuffle and "
          "deflate only)",
          path, id));
    }
  }
  return filters;
}

// HDF5's shuffle stores byte b of every value together, byte 0 first; bytes past the last whole
// value stay where they are, and it does nothing to a single value or single bytes.
void unshuffle(std::vector<unsigned char>& data, std::size_t element) {
  const std::size_t values = data.size() / element;
  if (element <= 1 || values <= 1) return;
  std::vector<unsigned char> out(data.size());
  for (std::size_t b = 0; b < element; ++b)
    for (std::size_t v = 0; v < values; ++v)
      out[v * element + b] = data[b * values + v];
  std::copy(data.begin() + static_cast<std::ptrdiff_t>(values * element), data.end(),
            out.begin() + static_cast<std::ptrdiff_t>(values * element));
  data = std::move(out);
}

// Deflate's largest ratio is 1032 to 1 (a 258-byte match in under 2 bits), plus the header and
// checksum: a stored chunk of `stored` bytes cannot inflate to more. Checked before anything is
// allocated, so that a file's claims cost at most what its bytes could hold.
bool could_inflate_to(std::uint64_t stored, std::uint64_t bytes) {
  return bytes <= stored * 1032 + 1024;
}

// One chunk as the file stores it, where its grid position is `at`.
struct StoredChunk {
  std::array<hsize_t, H5S_MAX_RANK> at{};
  haddr_t address = HADDR_UNDEF;
  hsize_t size = 0;
  unsigned mask = 0;  // bit i set: filter i was skipped when writing
};

// Names a chunk in error messages: "the chunk of /metrics/all/NL/loss_eur at [2, 0]".
std::string chunk_name(const std::string& path, const StoredChunk& chunk, int rank) {
  return fmt::format("the chunk of {} at [{}]", path,
                     fmt::join(std::span(chunk.at.data(), static_cast<std::size_t>(rank)), ", "));
}

// Whether a chunk's stored bytes are inflated when read (deflate in the pipeline, not skipped).
bool inflated(const StoredChunk& chunk, const std::vector<Filter>& filters) {
  for (std::size_t i = 0; i < filters.size(); ++i)
    if (filters[i].id == H5Z_FILTER_DEFLATE && ((chunk.mask >> i) & 1U) == 0) return true;
  return false;
}

// Undoes `filters` on one chunk's stored bytes, the last applied first, skipping those the chunk
// skipped; what comes out must be exactly one chunk.
std::vector<unsigned char> decode(std::vector<unsigned char> data, const StoredChunk& chunk,
                                  const std::vector<Filter>& filters, std::size_t chunk_bytes,
                                  const std::string& path, int rank) {
  for (std::size_t i = filters.size(); i-- > 0;) {
    if ((chunk.mask >> i) & 1U) continue;
    if (filters[i].id == H5Z_FILTER_DEFLATE) {
      std::vector<unsigned char> out(chunk_bytes);
      uLongf made = chunk_bytes;
      uLong used = data.size();
      if (uncompress2(out.data(), &made, data.data(), &used) != Z_OK || made != chunk_bytes)
        throw std::runtime_error(fmt::format("damaged: {} does not inflate to a chunk of {} bytes",
                                             chunk_name(path, chunk, rank), chunk_bytes));
      data = std::move(out);
    } else {
      unshuffle(data, filters[i].element);
    }
  }
  if (data.size() != chunk_bytes)
    throw std::runtime_error(fmt::format("damaged: {} holds {} bytes, not a chunk of {}",
                                         chunk_name(path, chunk, rank), data.size(), chunk_bytes));
  return data;
}

// Copies the part of a decoded chunk (shape `chunk`, at grid position `at`) that lies inside the
// dataset (shape `dims`) to its place in `out`, both row-major.
void place(const unsigned char* from, std::span<const hsize_t> at, std::span<const hsize_t> chunk,
           std::span<const hsize_t> dims, std::size_t width, unsigned char* out) {
  const std::size_t rank = dims.size();
  std::array<hsize_t, H5S_MAX_RANK> extent{}, index{};
  for (std::size_t d = 0; d < rank; ++d)
    extent[d] = std::min(chunk[d], dims[d] - at[d]);
  const std::size_t run = extent[rank - 1] * width;  // one row of the chunk's last dimension
  while (true) {
    std::size_t source = 0, target = 0;
    for (std::size_t d = 0; d < rank; ++d) {
      source = source * chunk[d] + index[d];
      target = target * dims[d] + at[d] + index[d];
    }
    std::memcpy(out + target * width, from + source * width, run);
    int d = static_cast<int>(rank) - 2;  // the last dimension is copied whole, as one run
    for (; d >= 0; --d) {
      if (++index[d] < extent[d]) break;
      index[d] = 0;
    }
    if (d < 0) break;
  }
}

// A chunked dataset's values: every chunk of the grid must be stored, inside the file, apart from
// the others, and decode to a whole chunk.
void read_chunks(hid_t dataset, hid_t plist, StoredValues& v) {
  const std::string& path = v.path;
  const int rank = static_cast<int>(v.dims.size());
  std::array<hsize_t, H5S_MAX_RANK> chunk{};
  if (rank < 1 || H5Pget_chunk(plist, rank, chunk.data()) != rank)
    throw std::runtime_error(fmt::format("damaged: {} has no chunk shape", path));
  const std::vector<hsize_t>& dims = v.dims;
  const std::uint64_t room = file_size(dataset, path);
  std::uint64_t chunk_bytes = v.width, chunks = 1;
  for (int d = 0; d < rank; ++d) {
    if (chunk[d] == 0 || chunk[d] > (std::uint64_t{1} << 32) / chunk_bytes)
      throw std::runtime_error(fmt::format("damaged: {} has chunks of {} values along dimension {}",
                                           path, chunk[d], d + 1));
    chunk_bytes *= chunk[d];
    chunks *= (dims[d] + chunk[d] - 1) / chunk[d];
    if (chunks > room / 16)  // an index entry alone takes more than 16 bytes
      throw std::runtime_error(fmt::format(
          "damaged: {} claims more chunks than its file of {} bytes holds", path, room));
  }
  const std::vector<Filter> filters = pipeline(plist, path);

  // Where each chunk of the grid is stored (a B-tree lookup each).
  std::vector<StoredChunk> stored;
  stored.reserve(chunks);
  for (StoredChunk c;;) {
    if (H5Dget_chunk_info_by_coord(dataset, c.at.data(), &c.mask, &c.address, &c.size) < 0 ||
        c.address == HADDR_UNDEF || c.size == 0)
      throw std::runtime_error(fmt::format("damaged: {} is missing", chunk_name(path, c, rank)));
    if (c.size > room || c.address > room - c.size ||
        (inflated(c, filters) ? !could_inflate_to(c.size, chunk_bytes) : c.size != chunk_bytes))
      throw std::runtime_error(fmt::format("damaged: {} claims {} bytes at byte {}",
                                           chunk_name(path, c, rank), c.size, c.address));
    stored.push_back(c);
    int d = rank - 1;
    for (; d >= 0; --d) {
      c.at[d] += chunk[d];
      if (c.at[d] < dims[d]) break;
      c.at[d] = 0;
    }
    if (d < 0) break;
  }
  std::vector<std::pair<haddr_t, hsize_t>> extents;
  for (const StoredChunk& c : stored)
    extents.emplace_back(c.address, c.size);
  std::sort(extents.begin(), extents.end());
  for (std::size_t i = 1; i < extents.size(); ++i)
    if (extents[i - 1].first + extents[i - 1].second > extents[i].first)
      throw std::runtime_error(
          fmt::format("damaged: two chunks of {} overlap at byte {}", path, extents[i].first));

  v.bytes.resize(v.count * v.width);
  std::vector<unsigned char> data;
  for (const StoredChunk& c : stored) {
    data.assign(c.size, 0);
    std::uint32_t mask = 0;
    h5::check(H5Dread_chunk(dataset, H5P_DEFAULT, c.at.data(), &mask, data.data()),
              "H5Dread_chunk " + chunk_name(path, c, rank));
    const std::vector<unsigned char> values =
        decode(std::move(data), c, filters, chunk_bytes, path, rank);
    place(values.data(), std::span(c.at.data(), std::size_t(rank)),
          std::span(chunk.data(), std::size_t(rank)), std::span(dims), v.width, v.bytes.data());
  }
}

}  // namespace

StoredValues read_stored(hid_t dataset, const std::string& path, std::int64_t most_values) {
  StoredValues v;
  v.path = path;
  const auto space = h5::own<h5::Dataspace>(H5Dget_space(dataset), path + " space");
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (points < 0 || points > most_values)
    throw std::runtime_error(fmt::format("damaged: {} claims {} values", path, points));
  v.count = static_cast<std::size_t>(points);
  const int rank = H5Sget_simple_extent_ndims(space);
  v.dims.resize(static_cast<std::size_t>(std::clamp(rank, 0, H5S_MAX_RANK)));
  if (rank < 0 || rank > H5S_MAX_RANK ||
      H5Sget_simple_extent_dims(space, v.dims.data(), nullptr) != rank)
    throw std::runtime_error(fmt::format("damaged: {} has no shape", path));
  v.type = h5::own<h5::Datatype>(H5Dget_type(dataset), path + " type");
  v.width = H5Tget_size(v.type);
  if (v.width == 0 || v.width > (std::size_t{1} << 20))
    throw std::runtime_error(fmt::format("damaged: {} has values of {} bytes", path, v.width));
  if (!plain(v.type))
    throw std::runtime_error(
        fmt::format("damaged: {} does not hold numbers or fixed-length strings", path));
  if (H5Tget_class(v.type) == H5T_COMPOUND) {
    const int members = H5Tget_nmembers(v.type);
    for (int m = 0; m < members; ++m) {
      const auto member =
          h5::own<h5::Datatype>(H5Tget_member_type(v.type, static_cast<unsigned>(m)), path);
      const std::size_t size = H5Tget_size(member);
      if (size == 0)
        throw std::runtime_error(fmt::format("damaged: {} has a column of no bytes", path));
      if (H5Tget_member_offset(v.type, static_cast<unsigned>(m)) + size > v.width)
        throw std::runtime_error(fmt::format(
            "damaged: {} has a column that ends past its row of {} bytes", path, v.width));
    }
  }
  if (v.count == 0) return v;

  const auto plist = h5::own<h5::PropList>(H5Dget_create_plist(dataset), path + " properties");
  const H5D_layout_t layout = H5Pget_layout(plist);
  if (layout == H5D_CHUNKED) {
    read_chunks(dataset, plist, v);
    return v;
  }
  // Compact or contiguous storage must hold every value, inside the file (crisp writes no
  // dataset whose values are left to fill values).
  const hsize_t stored = H5Dget_storage_size(dataset);
  const haddr_t address = layout == H5D_CONTIGUOUS ? H5Dget_offset(dataset) : 0;
  if ((layout != H5D_COMPACT && layout != H5D_CONTIGUOUS) || address == HADDR_UNDEF ||
      stored != v.count * v.width ||
      (layout == H5D_CONTIGUOUS &&
       (stored > file_size(dataset, path) || address > file_size(dataset, path) - stored)))
    throw std::runtime_error(fmt::format("damaged: {} holds {} bytes for {} values of {} bytes",
                                         path, stored, v.count, v.width));
  v.bytes.resize(v.count * v.width);
  h5::check(H5Dread(dataset, v.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.bytes.data()),
            "H5Dread " + path);
  return v;
}

StoredValues column(const StoredValues& table, const char* name) {
  if (H5Tget_class(table.type) != H5T_COMPOUND)
    throw std::runtime_error(fmt::format("damaged: {} is not a table", table.path));
  const int index = H5Tget_member_index(table.type, name);
  if (index < 0) throw std::runtime_error(fmt::format("{} has no {} column", table.path, name));
  StoredValues out;
  out.path = fmt::format("{} column {}", table.path, name);
  out.type =
      h5::own<h5::Datatype>(H5Tget_member_type(table.type, static_cast<unsigned>(index)), out.path);
  out.width = H5Tget_size(out.type);
  out.count = table.count;
  // read_stored checked that every column ends inside its row.
  const std::size_t offset = H5Tget_member_offset(table.type, static_cast<unsigned>(index));
  out.bytes.resize(out.count * out.width);
  for (std::size_t r = 0; r < out.count; ++r)
    std::memcpy(out.bytes.data() + r * out.width, table.bytes.data() + r * table.width + offset,
                out.width);
  return out;
}

namespace {

// The types a results file may store numbers as (crisp writes F64LE and I64LE); H5Tequal compares
// every property, so a damaged description (a float's fields past its bytes) matches none.
bool standard_number(hid_t type) {
  const std::array known = {H5T_IEEE_F32LE, H5T_IEEE_F64LE, H5T_IEEE_F32BE, H5T_IEEE_F64BE,
                            H5T_STD_I8LE,   H5T_STD_I16LE,  H5T_STD_I32LE,  H5T_STD_I64LE,
                            H5T_STD_U8LE,   H5T_STD_U16LE,  H5T_STD_U32LE,  H5T_STD_U64LE,
                            H5T_STD_I8BE,   H5T_STD_I16BE,  H5T_STD_I32BE,  H5T_STD_I64BE,
                            H5T_STD_U8BE,   H5T_STD_U16BE,  H5T_STD_U32BE,  H5T_STD_U64BE};
  return std::any_of(known.begin(), known.end(), [&](hid_t k) { return H5Tequal(type, k) > 0; });
}

// HDF5 converts in place, in a buffer that holds the wider of the two types.
template <class T>
std::vector<T> converted(const StoredValues& v, hid_t native) {
  if (!standard_number(v.type))
    throw std::runtime_error(fmt::format("damaged: {} does not hold numbers", v.path));
  if (v.count == 0) return {};
  std::vector<unsigned char> buffer(v.count * std::max(v.width, sizeof(T)));
  std::copy(v.bytes.begin(), v.bytes.end(), buffer.begin());
  h5::check(H5Tconvert(v.type, native, v.count, buffer.data(), nullptr, H5P_DEFAULT),
            "H5Tconvert " + v.path);
  std::vector<T> out(v.count);
  std::memcpy(out.data(), buffer.data(), v.count * sizeof(T));
  return out;
}

}  // namespace

std::vector<double> as_doubles(const StoredValues& values) {
  return converted<double>(values, H5T_NATIVE_DOUBLE);
}

std::vector<std::int64_t> as_int64s(const StoredValues& values) {
  return converted<std::int64_t>(values, H5T_NATIVE_INT64);
}

std::vector<std::string> as_strings(const StoredValues& values) {
  if (H5Tget_class(values.type) != H5T_STRING || H5Tis_variable_str(values.type) != 0)
    throw std::runtime_error(fmt::format("{} is not a fixed-length string", values.path));
  std::vector<std::string> out;
  out.reserve(values.count);
  for (std::size_t r = 0; r < values.count; ++r) {
    const auto* cell = reinterpret_cast<const char*>(values.bytes.data() + r * values.width);
    out.emplace_back(cell, strnlen(cell, values.width));
  }
  return out;
}

}  // namespace crisp
