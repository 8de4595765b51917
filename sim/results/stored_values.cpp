#include "sim/results/stored_values.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

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
  // In the file's own type: no conversion by HDF5 (as_doubles converts, on buffers sized here).
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
