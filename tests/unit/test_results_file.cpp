// The HDF5 results file: layout, values, statistics tables, atomic write and the reader.
// Expected statistics are hand calculations on small inputs (see each test).

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/results/file_seal.hpp"
#include "sim/results/h5.hpp"
#include "sim/results/results_file.hpp"
#include "sim/results/sandboxed_read.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace crisp;

namespace {

using crisp::test::TempDir;

constexpr std::int64_t kP = 3, kR = 5;

// Row 0 (baseline) is {0,1,2,3,4}; row 1 is the baseline shifted by +1.5 in every replication;
// row 2 has negatives and zeros, to exercise p_positive.
const std::vector<double> kLoss = {0, 1, 2, 3, 4, 1.5, 2.5, 3.5, 4.5, 5.5, -2, 0, 0, 5, 1};
const std::vector<double> kUnmet = {0.1, 0.2, 0.3, 0.4, 0.5, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1};

ResultsContent sample_content() {
  ResultsContent c;
  c.attributes = {"0.1.0",
                  "abc123def456",
                  "2024-01-02T03:04:05Z",
                  "crisp run exp.toml",
                  "[experiment]\nname = \"t\"\n",
                  42,
                  kR,
                  365.0};
  c.policies = kP;
  c.replications = kR;
  c.policy_table = {
      {"id", std::vector<std::int64_t>{0, 1, 2}},
      {"label", std::vector<std::string>{"baseline", "stockpile 90d", "diversify"}},
      {"stockpile_days", std::vector<double>{0, 90, 0}},
  };
  c.metrics = {{"copper", "EU", "loss_eur", kLoss}, {"all", "world", "unmet_share", kUnmet}};
  c.scenario_nodes = {{"id", std::vector<std::string>{"mine_cl", "ref_cn"}},
                      {"capacity", std::vector<double>{100, 80}}};
  c.scenario_edges = {};  // no columns: not written
  c.scenario_shocks = {{"id", std::vector<std::string>{}}, {"day", std::vector<double>{}}};
  return c;
}

// One double column of a compound table, read by member name (HDF5 converts by name).
std::vector<double> read_column(hid_t file, const std::string& path, const char* column) {
  const auto dataset = h5::own<h5::Dataset>(H5Dopen2(file, path.c_str(), H5P_DEFAULT), path);
  const auto space = h5::own<h5::Dataspace>(H5Dget_space(dataset), path);
  std::vector<double> values(std::size_t(H5Sget_simple_extent_npoints(space)));
  const auto type = h5::own<h5::Datatype>(H5Tcreate(H5T_COMPOUND, sizeof(double)), path);
  h5::check(H5Tinsert(type, column, 0, H5T_NATIVE_DOUBLE), path);
  if (!values.empty())
    h5::check(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path);
  return values;
}

std::string read_string_attribute(hid_t obj, const char* name) {
  const auto attr = h5::own<h5::Attribute>(H5Aopen(obj, name, H5P_DEFAULT), name);
  const auto type = h5::own<h5::Datatype>(H5Aget_type(attr), name);
  REQUIRE(H5Tis_variable_str(type) > 0);
  REQUIRE(H5Tget_cset(type) == H5T_CSET_UTF8);
  char* text = nullptr;
  h5::check(H5Aread(attr, type, &text), name);
  std::string value = text;
  H5free_memory(text);
  return value;
}

h5::File open_file(const std::string& path) {
  return h5::own<h5::File>(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path);
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("write_results renames the partial file and the reader gets the values back",
          "[results]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_results(path, sample_content());

  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".partial"));

  const ResultsReader reader(path);
  CHECK(reader.replications() == kR);
  CHECK(reader.policy_labels() ==
        std::vector<std::string>{"baseline", "stockpile 90d", "diversify"});
  CHECK(reader.metric("copper", "EU", "loss_eur") == kLoss);  // exact: stored as float64
  CHECK(reader.metric("all", "world", "unmet_share") == kUnmet);
  CHECK(reader.metric("copper", "EU", "nonexistent").empty());
  CHECK(reader.metric("nickel", "EU", "loss_eur").empty());  // missing intermediate group
  CHECK(reader.metric("copper", "a/b", "loss_eur").empty());
}

TEST_CASE("root attributes describe the file", "[results]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_results(path, sample_content());
  const h5::File file = open_file(path);

  CHECK(read_string_attribute(file, "filetype") == "crisp-results");
  CHECK(read_string_attribute(file, "git_commit") == "abc123def456");
  CHECK(read_string_attribute(file, "experiment_toml") == "[experiment]\nname = \"t\"\n");

  std::array<std::int32_t, 2> version{-1, -1};
  const auto v = h5::own<h5::Attribute>(H5Aopen(file, "format_version", H5P_DEFAULT), "v");
  h5::check(H5Aread(v, H5T_NATIVE_INT32, version.data()), "read format_version");
  CHECK(version == std::array<std::int32_t, 2>{kFormatVersionMajor, kFormatVersionMinor});

  std::uint64_t seed = 0;
  const auto s = h5::own<h5::Attribute>(H5Aopen(file, "seed", H5P_DEFAULT), "seed");
  h5::check(H5Aread(s, H5T_NATIVE_UINT64, &seed), "read seed");
  CHECK(seed == 42);

  double horizon = 0;
  const auto h = h5::own<h5::Attribute>(H5Aopen(file, "horizon_days", H5P_DEFAULT), "horizon");
  h5::check(H5Aread(h, H5T_NATIVE_DOUBLE, &horizon), "read horizon_days");
  CHECK(horizon == 365.0);
}

TEST_CASE("metrics are [P, R] float64, chunked and compressed", "[results]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_results(path, sample_content());
  const h5::File file = open_file(path);
  const auto dataset =
      h5::own<h5::Dataset>(H5Dopen2(file, "/metrics/copper/EU/loss_eur", H5P_DEFAULT), "open");

  const auto space = h5::own<h5::Dataspace>(H5Dget_space(dataset), "space");
  std::array<hsize_t, 2> dims{};
  REQUIRE(H5Sget_simple_extent_ndims(space) == 2);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  CHECK(dims == std::array<hsize_t, 2>{kP, kR});

  const auto dcpl = h5::own<h5::PropList>(H5Dget_create_plist(dataset), "dcpl");
  CHECK(H5Pget_layout(dcpl) == H5D_CHUNKED);
  CHECK(H5Pget_nfilters(dcpl) == 2);  // shuffle, deflate
}

TEST_CASE("summary tables hold the statistics of each policy's row", "[results]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_results(path, sample_content());
  const h5::File file = open_file(path);
  const std::string table = "/summary/copper/EU/loss_eur";
  const auto col = [&](const char* name) { return read_column(file, table, name); };

  // Baseline {0,1,2,3,4}: numpy.quantile(x, 0.95) = 3 + 0.8 * (4 - 3) = 3.8; the top
  // ceil(0.05 * 5) = 1 value is 4; four of five values are > 0.
  REQUIRE(col("mean").size() == kP);
  CHECK(col("mean")[0] == Approx(2.0));
  CHECK(col("sd")[0] == Approx(std::sqrt(2.5)));
  CHECK(col("p05")[0] == Approx(0.2));
  CHECK(col("p50")[0] == Approx(2.0));
  CHECK(col("p95")[0] == Approx(3.8));
  CHECK(col("max")[0] == Approx(4.0));
  CHECK(col("cvar95")[0] == Approx(4.0));
  CHECK(col("p_positive")[0] == Approx(0.8));

  // Row 1 is row 0 + 1.5.
  CHECK(col("mean")[1] == Approx(3.5));
  CHECK(col("p50")[1] == Approx(3.5));
  CHECK(col("p_positive")[1] == Approx(1.0));

  // Row 2 {-2,0,0,5,1}: sorted {-2,0,0,1,5}; mean 0.8, median 0, only 5 and 1 are > 0.
  CHECK(col("mean")[2] == Approx(0.8));
  CHECK(col("p50")[2] == Approx(0.0));
  CHECK(col("cvar95")[2] == Approx(5.0));
  CHECK(col("p_positive")[2] == Approx(0.4));
}

TEST_CASE("paired tables hold policy minus baseline, replication by replication", "[results]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_results(path, sample_content());
  const h5::File file = open_file(path);
  const std::string table = "/paired/copper/EU/loss_eur";
  const auto mean = read_column(file, table, "diff_mean");
  const auto lo = read_column(file, table, "diff_ci95_lo");
  const auto hi = read_column(file, table, "diff_ci95_hi");

  REQUIRE(mean.size() == kP);
  CHECK(mean[0] == 0.0);  // the baseline against itself
  CHECK(lo[0] == 0.0);
  CHECK(hi[0] == 0.0);
  // A constant shift: every difference is 1.5, so the interval has zero width.
  CHECK(mean[1] == Approx(1.5));
  CHECK(lo[1] == Approx(1.5));
  CHECK(hi[1] == Approx(1.5));
  // Differences {-2,-1,-2,2,-3}: mean -1.2, sample sd sqrt(14.8 / 4).
  const double half = 1.959963984540054 * std::sqrt(14.8 / 4) / std::sqrt(5.0);
  CHECK(mean[2] == Approx(-1.2));
  CHECK(lo[2] == Approx(-1.2 - half));
  CHECK(hi[2] == Approx(-1.2 + half));
}

TEST_CASE("policy and scenario tables keep their columns", "[results]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_results(path, sample_content());
  const h5::File file = open_file(path);

  CHECK(read_column(file, "/policies", "stockpile_days") == std::vector<double>{0, 90, 0});
  CHECK(read_column(file, "/policies", "id") == std::vector<double>{0, 1, 2});  // int64 -> double
  CHECK(read_column(file, "/scenario/nodes", "capacity") == std::vector<double>{100, 80});

  // A table with columns but no rows is an empty dataset; one with no columns is absent.
  CHECK(H5Lexists(file, "/scenario/shocks", H5P_DEFAULT) > 0);
  CHECK(read_column(file, "/scenario/shocks", "day").empty());
  CHECK(H5Lexists(file, "/scenario/edges", H5P_DEFAULT) == 0);

  // Strings are fixed-length, null-padded and sized to the longest value ("stockpile 90d").
  const auto dataset = h5::own<h5::Dataset>(H5Dopen2(file, "/policies", H5P_DEFAULT), "open");
  const auto type = h5::own<h5::Datatype>(H5Dget_type(dataset), "type");
  const auto label = h5::own<h5::Datatype>(
      H5Tget_member_type(type, unsigned(H5Tget_member_index(type, "label"))), "label");
  CHECK(H5Tis_variable_str(label) == 0);
  CHECK(H5Tget_size(label) == std::string("stockpile 90d").size());
  CHECK(H5Tget_strpad(label) == H5T_STR_NULLPAD);
}

TEST_CASE("the same content gives the same file, byte for byte", "[results]") {
  TempDir dir;
  write_results(dir.file("a.h5"), sample_content());
  write_results(dir.file("b.h5"), sample_content());
  CHECK(file_bytes(dir.file("a.h5")) == file_bytes(dir.file("b.h5")));

  // Writing over an existing file replaces it whole.
  ResultsContent changed = sample_content();
  changed.metrics.pop_back();
  write_results(dir.file("a.h5"), changed);
  CHECK(ResultsReader(dir.file("a.h5")).metric("all", "world", "unmet_share").empty());
}

TEST_CASE("a failed write throws, names the path and leaves nothing behind", "[results]") {
  TempDir dir;

  SECTION("directory does not exist") {
    const std::string path = dir.file("no/such/dir/out.h5");
    CHECK_THROWS_WITH(write_results(path, sample_content()), Catch::Contains(path));
    CHECK_FALSE(fs::exists(path));
    CHECK_FALSE(fs::exists(path + ".partial"));
  }
  SECTION("a metric with the wrong number of values") {
    ResultsContent c = sample_content();
    c.metrics[1].values.pop_back();
    const std::string path = dir.file("out.h5");
    CHECK_THROWS_WITH(write_results(path, c),
                      Catch::Contains(path) && Catch::Contains("all/world/unmet_share"));
    CHECK(fs::is_empty(dir.path));
  }
  SECTION("a table whose columns differ in length fails midway") {
    ResultsContent c = sample_content();
    std::get<std::vector<double>>(c.scenario_nodes[1].values).push_back(1);
    const std::string path = dir.file("out.h5");
    CHECK_THROWS_WITH(write_results(path, c), Catch::Contains("/scenario/nodes"));
    CHECK(fs::is_empty(dir.path));
  }
  SECTION("the same metric twice") {
    ResultsContent c = sample_content();
    c.metrics.push_back(c.metrics[0]);
    CHECK_THROWS_WITH(write_results(dir.file("out.h5"), c), Catch::Contains("appears twice"));
    CHECK(fs::is_empty(dir.path));
  }
}

TEST_CASE("the reader refuses files that are not crisp results", "[results]") {
  TempDir dir;
  CHECK_THROWS_WITH(ResultsReader(dir.file("missing.h5")), Catch::Contains("missing.h5"));

  const std::string other = dir.file("other.h5");
  {
    const auto f = h5::own<h5::File>(
        H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create");
  }
  CHECK_THROWS_WITH(ResultsReader(other), Catch::Contains("other.h5 has no crisp seal"));
  // Read anyway (--unverified): the sandbox reads it, then the reader says what it lacks.
  CHECK_THROWS_WITH(read_unverified(other),
                    Catch::Contains("not a crisp results file (no filetype 'crisp-results'"));
}

// ---------------------------------------------------------------------------------------------
// The seal (sim/results/file_seal.hpp)

namespace {

void flip_bit(const std::string& path, std::size_t bit) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekg(static_cast<std::streamoff>(bit / 8));
  char byte = 0;
  f.get(byte);
  byte = static_cast<char>(byte ^ (1 << (bit % 8)));
  f.seekp(static_cast<std::streamoff>(bit / 8));
  f.put(byte);
}

// The message ResultsReader(path) throws, or "" when it reads the file.
std::string refusal(const std::string& path) {
  try {
    const ResultsReader reader(path);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("a results file begins with its seal: the digest of every byte after it",
          "[results][seal]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_results(path, sample_content());
  const std::string bytes = file_bytes(path);
  REQUIRE(bytes.size() > kSealBytes);
  // The text, then zeros to 512; HDF5's signature right after (HDF5 finds it there itself).
  const std::string head = bytes.substr(0, bytes.find('\0'));
  CHECK(head.starts_with("crisp results seal 1\nxxh3-128 "));
  CHECK(head.ends_with(fmt::format("\nbytes {}\n", bytes.size())));
  CHECK(bytes.substr(head.size(), kSealBytes - head.size()) ==
        std::string(kSealBytes - head.size(), '\0'));
  CHECK(bytes.substr(kSealBytes, 8) == std::string("\x89HDF\r\n\x1a\n", 8));
  CHECK(open_file(path) >= 0);
  CHECK(refusal(path).empty());
}

TEST_CASE("every flipped bit of a results file is refused before HDF5 reads it",
          "[results][seal]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_results(path, sample_content());
  // Every bit of the seal block, and a bit of every byte after it (which one: a fixed sequence),
  // in the first 64 KiB.
  std::vector<std::size_t> bits;
  for (std::size_t bit = 0; bit < 8 * kSealBytes; ++bit)
    bits.push_back(bit);
  const std::size_t bytes = std::min<std::size_t>(fs::file_size(path), 65536);
  for (std::size_t byte = kSealBytes; byte < bytes; ++byte)
    bits.push_back(8 * byte + (byte * 5 + 3) % 8);
  std::size_t refused = 0, by_digest = 0;
  for (const std::size_t bit : bits) {
    flip_bit(path, bit);
    const std::string why = refusal(path);
    refused += !why.empty();
    // After the block, every flip is caught by the digest (within the block: by the seal's text,
    // its length or its digest, whichever the bit belongs to).
    by_digest +=
        bit >= 8 * kSealBytes && why.find("its bytes do not match its digest") != std::string::npos;
    flip_bit(path, bit);
  }
  CHECK(bits.size() > 8 * kSealBytes + 5000);
  CHECK(refused == bits.size());
  CHECK(by_digest == bits.size() - 8 * kSealBytes);
  CHECK(refusal(path).empty());  // every bit flipped back: as written
}

TEST_CASE(
    "a results file cut short, added to or changed by HDF5 is refused, and read anyway in a "
    "sandbox it is what its bytes say",
    "[results][seal]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_results(path, sample_content());
  const std::string bytes = file_bytes(path);
  std::ofstream(dir.file("short.h5"), std::ios::binary) << bytes.substr(0, bytes.size() - 1);
  CHECK_THROWS_WITH(ResultsReader(dir.file("short.h5")),
                    Catch::Contains(fmt::format("it has {} bytes, crisp wrote {}", bytes.size() - 1,
                                                bytes.size())));
  std::ofstream(dir.file("long.h5"), std::ios::binary) << bytes << 'x';
  CHECK_THROWS_WITH(ResultsReader(dir.file("long.h5")),
                    Catch::Contains("cut short, added to, or changed by another program"));

  // Changed through HDF5, as h5py in mode "r+" would: a root attribute rewritten.
  {
    const auto f = h5::own<h5::File>(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), path);
    const auto attr = h5::own<h5::Attribute>(H5Aopen(f, "seed", H5P_DEFAULT), "seed");
    const std::uint64_t seed = 7;
    h5::check(H5Awrite(attr, H5T_NATIVE_UINT64, &seed), "seed");
  }
  CHECK_THROWS_AS(ResultsReader(path), UnsealedFile);
  CHECK_THROWS_WITH(ResultsReader(path),
                    Catch::Contains("out.h5 is not as crisp wrote it: its bytes do not match its "
                                    "digest") &&
                        Catch::Contains("--unverified"));
  read_unverified(path);
  const ResultsReader reader(path);
  CHECK(reader.seed() == 7);
  CHECK(reader.metric("copper", "EU", "loss_eur") == kLoss);
  // Trusted are those bytes only: changed again, the file is refused again.
  std::ofstream(path, std::ios::binary | std::ios::app) << 'x';
  CHECK_THROWS_AS(ResultsReader(path), UnsealedFile);
}

TEST_CASE("a results file another program holds open for writing is refused as such",
          "[results][seal]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_results(path, sample_content());
  const int fd = ::open(path.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);  // as HDF5 does when it opens a file to write
  CHECK_THROWS_WITH(ResultsReader(path),
                    Catch::Contains("out.h5 is open for writing in another program"));
  ::close(fd);
  CHECK(refusal(path).empty());
}

TEST_CASE("empty sizes still give a readable file", "[results]") {
  TempDir dir;
  ResultsContent c = sample_content();
  c.attributes.replications = c.replications = 0;  // HDF5 cannot chunk a zero-sized dimension
  for (MetricSeries& m : c.metrics)
    m.values.clear();
  write_results(dir.file("r0.h5"), c);
  CHECK(ResultsReader(dir.file("r0.h5")).metric("copper", "EU", "loss_eur").empty());

  ResultsContent none;  // no policies, no metrics, no tables: only the root attributes
  write_results(dir.file("p0.h5"), none);
  const ResultsReader reader(dir.file("p0.h5"));
  CHECK(reader.policy_labels().empty());
  CHECK(reader.replications() == 0);
}
