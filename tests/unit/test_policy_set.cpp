// Policy sets: the stockpile's numeric fields and the full-factorial grid over sweep axes.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "policies/policy_set.hpp"

namespace {

using namespace crisp;

StockpileLever lever(const std::string& region, std::vector<LeverAxis> axes) {
  StockpileLever l;
  l.base.name = "stockpile " + region + " gallium";
  l.base.regions = {region};
  l.base.size_days = 30;
  for (const auto& a : axes) {
    set_stockpile_field(l.base, a.field, a.values.front());
  }
  l.axes = std::move(axes);
  return l;
}

std::vector<std::string> labels(const PolicyDesign& d) {
  std::vector<std::string> out;
  for (const auto& s : d.sets) {
    out.push_back(s.label);
  }
  return out;
}

std::size_t column(const PolicyDesign& d, const std::string& name) {
  const auto it = std::find(d.columns.begin(), d.columns.end(), name);
  REQUIRE(it != d.columns.end());
  return static_cast<std::size_t>(it - d.columns.begin());
}

}  // namespace

TEST_CASE("stockpile fields are set and read by their dotted names", "[policy]") {
  const auto& fields = stockpile_numeric_fields();
  REQUIRE(fields.size() == 10);
  CHECK(fields.front() == "size_days");
  CHECK(fields.back() == "holding_cost_per_year");

  StockpileSpec s;
  CHECK(set_stockpile_field(s, "release.delay_days", 8));
  CHECK(s.delay_days == 8);
  CHECK(set_stockpile_field(s, "size_t", 2.5));
  CHECK(s.size_t_abs == 2.5);
  CHECK(get_stockpile_field(s, "refill.max_price_multiple") == s.refill_max_price_multiple);
  CHECK_FALSE(set_stockpile_field(s, "delay_days", 1));  // only the dotted name
  for (auto f : fields) {
    CHECK(set_stockpile_field(s, f, 1.0));
  }
}

TEST_CASE("a stockpile is off when its target is zero", "[policy]") {
  StockpileSpec s;
  s.size_days = 0;
  CHECK(is_off(s));
  s.size_days = 30;
  CHECK_FALSE(is_off(s));
  s.size_t_abs = 0;  // tonnes override days
  CHECK(is_off(s));
  s.size_t_abs = 1;
  s.size_days = 0;
  CHECK_FALSE(is_off(s));
}

TEST_CASE("two axes of three values give nine sets after the baseline", "[policy]") {
  const PolicyDesign d =
      expand_grid({lever("NL", {{"size_days", {30, 60, 90}}, {"release.delay_days", {0, 8, 30}}})});

  REQUIRE(d.columns.size() == stockpile_numeric_fields().size());
  CHECK(d.columns[0] == "stockpile NL gallium.size_days");
  REQUIRE(d.sets.size() == 10);
  for (std::size_t i = 0; i < d.sets.size(); ++i) {
    CHECK(d.sets[i].id == static_cast<int>(i));
  }

  const PolicySet& baseline = d.sets[0];
  CHECK(baseline.label == "baseline");
  CHECK(baseline.stockpiles.empty());
  REQUIRE(baseline.params.size() == d.columns.size());
  for (double p : baseline.params) {
    CHECK(std::isnan(p));
  }

  // The last axis varies fastest.
  CHECK(labels(d) == std::vector<std::string>{
                         "baseline",
                         "size_days=30, release.delay_days=0",
                         "size_days=30, release.delay_days=8",
                         "size_days=30, release.delay_days=30",
                         "size_days=60, release.delay_days=0",
                         "size_days=60, release.delay_days=8",
                         "size_days=60, release.delay_days=30",
                         "size_days=90, release.delay_days=0",
                         "size_days=90, release.delay_days=8",
                         "size_days=90, release.delay_days=30",
                     });
  const PolicySet& s6 = d.sets[6];
  REQUIRE(s6.stockpiles.size() == 1);
  CHECK(s6.stockpiles[0].size_days == 60);
  CHECK(s6.stockpiles[0].delay_days == 30);
  CHECK(s6.params[column(d, "stockpile NL gallium.size_days")] == 60);
  CHECK(s6.params[column(d, "stockpile NL gallium.release.delay_days")] == 30);
  CHECK(s6.params[column(d, "stockpile NL gallium.initial_fill")] == 1);
  // Sized in days, so the tonnes column does not apply.
  CHECK(std::isnan(s6.params[column(d, "stockpile NL gallium.size_t")]));
}

TEST_CASE("a grid point of size 0 is the baseline", "[policy]") {
  const PolicyDesign d = expand_grid({lever("NL", {{"size_days", {0, 30}}})});
  CHECK(labels(d) == std::vector<std::string>{"baseline", "size_days=30"});
  CHECK(d.sets[1].id == 1);
}

TEST_CASE("without axes a lever is one set named after it", "[policy]") {
  const PolicyDesign d = expand_grid({lever("NL", {})});
  CHECK(labels(d) == std::vector<std::string>{"baseline", "stockpile NL gallium"});
  CHECK(expand_grid({}).sets.size() == 1);
}

TEST_CASE("with several levers labels name the lever and off levers are left out", "[policy]") {
  const PolicyDesign d =
      expand_grid({lever("NL", {{"size_days", {0, 30}}}), lever("DE", {{"size_days", {0, 60}}})});
  REQUIRE(d.columns.size() == 2 * stockpile_numeric_fields().size());
  CHECK(labels(d) == std::vector<std::string>{
                         "baseline",
                         "stockpile NL gallium.size_days=0, stockpile DE gallium.size_days=60",
                         "stockpile NL gallium.size_days=30, stockpile DE gallium.size_days=0",
                         "stockpile NL gallium.size_days=30, stockpile DE gallium.size_days=60",
                     });
  const PolicySet& de_only = d.sets[1];
  REQUIRE(de_only.stockpiles.size() == 1);
  CHECK(de_only.stockpiles[0].name == "stockpile DE gallium");
  CHECK(std::isnan(de_only.params[column(d, "stockpile NL gallium.size_days")]));
  CHECK(de_only.params[column(d, "stockpile DE gallium.size_days")] == 60);
  CHECK(d.sets[3].stockpiles.size() == 2);
}
