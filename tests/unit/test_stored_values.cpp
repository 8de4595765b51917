// read_stored (sim/results/stored_values.hpp): every layout, filter order, stored type and edge
// chunk must give back exactly the values HDF5 was given, and table columns by name. Files are
// written here with HDF5's C API.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
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
