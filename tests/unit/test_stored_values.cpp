// read_stored decodes chunks itself (sim/results/stored_values.hpp): every layout, filter order
// and edge chunk must give back exactly the values HDF5 was given, and chunks that do not decode
// to a whole chunk are refused. Files are written here with HDF5's C API.

#include <catch2/catch.hpp>

#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "sim/results/h5.hpp"
#include "sim/results/stored_values.hpp"

using namespace crisp;

namespace {

// A file in the temp dir, removed afterwards.
struct TempFile {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("crisp_stored_" + std::to_string(::getpid()) + ".h5"))
                         .string();
  ~TempFile() { std::filesystem::remove(path); }
};

enum class Filters { none, shuffle_deflate, deflate_shuffle };

// Writes `values` (row-major, shape `dims`, of native type `type`) as dataset "d" stored as
// `file_type`, chunked by `chunk` with `filters`, into a new file at `path`.
template <class T>
void write(const std::string& path, hid_t file_type, hid_t type, const std::vector<hsize_t>& dims,
           const std::vector<hsize_t>& chunk, Filters filters, const std::vector<T>& values) {
  const auto file =
      h5::own<h5::File>(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "file");
  const auto space = h5::own<h5::Dataspace>(
      H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "space");
  const auto dcpl = h5::own<h5::PropList>(H5Pcreate(H5P_DATASET_CREATE), "dcpl");
  if (!chunk.empty())
    h5::check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "chunk");
  if (filters == Filters::shuffle_deflate) {
    h5::check(H5Pset_shuffle(dcpl), "shuffle");
    h5::check(H5Pset_deflate(dcpl, 6), "deflate");
  } else if (filters == Filters::deflate_shuffle) {
    h5::check(H5Pset_deflate(dcpl, 1), "deflate");
    h5::check(H5Pset_shuffle(dcpl), "shuffle");
  }
  const auto dataset = h5::own<h5::Dataset>(
      H5Dcreate2(file, "d", file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "dataset");
  h5::check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "write");
}

StoredValues read_back(const std::string& path) {
  const auto file = h5::own<h5::File>(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "file");
  const auto dataset = h5::own<h5::Dataset>(H5Dopen2(file, "d", H5P_DEFAULT), "dataset");
  return read_stored(dataset, "/d", std::int64_t{1} << 32);
}

// Replaces the stored bytes of the chunk at `at` (H5Dwrite_chunk: no filter runs).
void replace_chunk(const std::string& path, std::array<hsize_t, 2> at, std::uint32_t mask,
                   const std::vector<unsigned char>& bytes) {
  const auto file = h5::own<h5::File>(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "file");
  const auto dataset = h5::own<h5::Dataset>(H5Dopen2(file, "d", H5P_DEFAULT), "dataset");
  h5::check(H5Dwrite_chunk(dataset, H5P_DEFAULT, mask, at.data(), bytes.size(), bytes.data()),
            "write chunk");
}

std::vector<unsigned char> deflated(const std::vector<unsigned char>& bytes) {
  uLongf size = compressBound(bytes.size());
  std::vector<unsigned char> out(size);
  REQUIRE(compress(out.data(), &size, bytes.data(), bytes.size()) == Z_OK);
  out.resize(size);
  return out;
}

// The values 1 to 6 as float64 [2, 3], a chunk a row, shuffled and deflated (as crisp writes).
void write_two_rows(const std::string& path) {
  write(path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {2, 3}, {1, 3}, Filters::shuffle_deflate,
        std::vector<double>{1, 2, 3, 4, 5, 6});
}

}  // namespace

TEST_CASE("read_stored gives back every value of chunked datasets, edge chunks included",
          "[results][stored]") {
  const h5::QuietErrors quiet;
  TempFile f;
  for (const Filters filters :
       {Filters::none, Filters::shuffle_deflate, Filters::deflate_shuffle}) {
    // 5 x 7 in chunks of 2 x 3: the last row and column of chunks hang over the edge.
    std::vector<std::int32_t> grid(35);
    std::iota(grid.begin(), grid.end(), -10);
    write(f.path, H5T_STD_I32BE, H5T_NATIVE_INT32, {5, 7}, {2, 3}, filters, grid);
    const StoredValues v = read_back(f.path);
    CHECK(v.count == 35);
    CHECK(v.dims == std::vector<hsize_t>{5, 7});
    const std::vector<double> got = as_doubles(v);
    REQUIRE(got.size() == 35);
    for (std::size_t i = 0; i < got.size(); ++i)
      CHECK(got[i] == static_cast<double>(grid[i]));

    // Three dimensions, float64, little-endian, as crisp stores metrics.
    std::vector<double> cube(3 * 4 * 5);
    for (std::size_t i = 0; i < cube.size(); ++i)
      cube[i] = 0.5 * static_cast<double>(i) - 7.25;
    write(f.path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {3, 4, 5}, {2, 3, 2}, filters, cube);
    CHECK(as_doubles(read_back(f.path)) == cube);
  }
}

TEST_CASE("a chunk that skipped a filter is decoded without it", "[results][stored]") {
  const h5::QuietErrors quiet;
  TempFile f;
  write_two_rows(f.path);
  // Row 1 stored shuffled but not deflated (filter 1, deflate, marked skipped): values 40, 50, 60.
  const std::vector<double> row{40, 50, 60};
  std::vector<unsigned char> shuffled(24);
  for (std::size_t b = 0; b < 8; ++b)
    for (std::size_t v = 0; v < 3; ++v)
      std::memcpy(&shuffled[b * 3 + v], reinterpret_cast<const unsigned char*>(&row[v]) + b, 1);
  replace_chunk(f.path, {1, 0}, 0b10, shuffled);
  CHECK(as_doubles(read_back(f.path)) == std::vector<double>{1, 2, 3, 40, 50, 60});
}

TEST_CASE("chunks that do not decode to a whole chunk are refused", "[results][stored]") {
  const h5::QuietErrors quiet;
  TempFile f;
  write_two_rows(f.path);
  // HDF5 1.10 itself would copy 24 bytes out of the 8 (a read past its buffer).
  replace_chunk(f.path, {1, 0}, 0, deflated(std::vector<unsigned char>(8, 0)));
  CHECK_THROWS_WITH(read_back(f.path), Catch::Contains("the chunk of /d at [1, 0] does not "
                                                       "inflate to a chunk of 24 bytes"));
  replace_chunk(f.path, {1, 0}, 0, deflated(std::vector<unsigned char>(32, 0)));
  CHECK_THROWS_WITH(read_back(f.path), Catch::Contains("does not inflate"));
}

TEST_CASE("table columns come out by name, in their own types", "[results][stored]") {
  const h5::QuietErrors quiet;
  TempFile f;
  struct Row {
    char label[6];
    std::int64_t block;
    double factor;
  };
  const auto label = h5::own<h5::Datatype>(H5Tcopy(H5T_C_S1), "label");
  h5::check(H5Tset_size(label, 6), "size");
  const auto row = h5::own<h5::Datatype>(H5Tcreate(H5T_COMPOUND, sizeof(Row)), "row");
  h5::check(H5Tinsert(row, "label", offsetof(Row, label), label), "label");
  h5::check(H5Tinsert(row, "block", offsetof(Row, block), H5T_NATIVE_INT64), "block");
  h5::check(H5Tinsert(row, "factor", offsetof(Row, factor), H5T_NATIVE_DOUBLE), "factor");
  const std::vector<Row> rows{{"base", 7, 0.5}, {{'s', 'i', 'x', 's', 'i', 'x'}, -3, 2.0}};
  write(f.path, row, row, {2}, {}, Filters::none, rows);
  const StoredValues table = read_back(f.path);
  CHECK(as_strings(column(table, "label")) == std::vector<std::string>{"base", "sixsix"});
  CHECK(as_int64s(column(table, "block")) == std::vector<std::int64_t>{7, -3});
  CHECK(as_doubles(column(table, "factor")) == std::vector<double>{0.5, 2.0});
  CHECK_THROWS_WITH(column(table, "seed"), Catch::Contains("/d has no seed column"));
  // A table without rows has empty columns (found by the fuzzer: copying none from nowhere).
  write(f.path, row, row, {0}, {}, Filters::none, std::vector<Row>{});
  const StoredValues empty = read_back(f.path);
  CHECK(as_doubles(column(empty, "factor")).empty());
  CHECK(as_int64s(column(empty, "block")).empty());
  CHECK(as_strings(column(empty, "label")).empty());
  CHECK_THROWS_WITH(as_doubles(column(table, "label")), Catch::Contains("does not hold numbers"));
}
