// Regression cases: whole experiments whose every summary mean is pinned to a reference file, so
// that a change of behaviour is always a decision, never an accident. This test only compares:
// when a change is meant to move results, scripts/bless_regression writes the new reference, and a
// person reviews it (git diff) and commits it with the reason (tests/README.md "Regression cases").
#include <cmath>
#include <fstream>

#include <catch2/catch.hpp>

#include "regression/summary_table.hpp"
#include "temp_dir.hpp"

using namespace crisp;
using namespace crisp::regression;

namespace {

void check_against_reference(const std::string& name) {
  const Case* found = nullptr;
  for (const Case& c : cases())
    if (c.name == name) found = &c;
  REQUIRE(found != nullptr);
  const Table ref = read_table(reference_path(CRISP_SOURCE_DIR, *found));
  REQUIRE(ref.size() > 40);  // a reference that lost its lines would compare nothing
  const Table now =
      summary_means(std::string(CRISP_SOURCE_DIR) + "/" + found->experiment, found->replications);
  // Metrics added since the reference was written are new keys; every old one must hold.
  REQUIRE(now.size() >= ref.size());
  for (const auto& [key, value] : ref) {
    INFO(key);
    REQUIRE(now.count(key) == 1);
    CHECK(now.at(key) == Approx(value).epsilon(1e-9).margin(1e-9));
  }
}

}  // namespace

TEST_CASE("regression: the small command-line experiment", "[regression]") {
  check_against_reference("small");
}

TEST_CASE("regression: the bundled example", "[regression]") {
  check_against_reference("example");
}

TEST_CASE("a regression table reads back to the same doubles", "[regression]") {
  const Table table = {{"a|all|NL|unmet_t", 0.1},
                       {"b|gallium|EU|loss_eur", 125634.53535964849},
                       {"c|all|NL|stock_min_frac", std::nextafter(1.0, 0.0)},
                       {"d|all|NL|shortage_days", 1e-300}};
  test::TempDir dir;
  const std::string path = dir.file("t.tsv");
  {
    std::ofstream out(path);
    write_table(out, table);
  }
  const Table back = read_table(path);
  REQUIRE(back.size() == table.size());
  for (const auto& [key, value] : table)
    CHECK(back.at(key) == value);  // exact: 17 digits

  {
    std::ofstream out(path);
    out << "a|all|NL|unmet_t\t0.5\nb|all|NL|unmet_t 0.5\n";
  }
  CHECK_THROWS_WITH(read_table(path), Catch::Contains("t.tsv:2: not \"key<TAB>number\""));
  CHECK_THROWS_WITH(read_table(dir.file("none.tsv")), Catch::Contains("cannot be read"));
}
