// A lever kind reads its [[policy]] table through LeverFields (policies/lever_fields.hpp), not
// through the TOML loader: a reader runs over any implementation, here one over a map.

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "policies/policy_set.hpp"

namespace {

using namespace crisp;

// The keys a test gives, each a number; it records the range each numeric key was asked in.
class MapFields final : public LeverFields {
 public:
  MapFields(const Scenario& sc, std::map<std::string, double> numbers)
      : sc_(sc), numbers_(std::move(numbers)) {}

  const Scenario& scenario() const override { return sc_; }
  bool has(std::string_view key) const override { return numbers_.count(std::string(key)) > 0; }
  void set_label(std::string label) override { label_ = std::move(label); }
  void check_keys(std::string_view, std::span<const std::string_view>) override {}
  std::optional<double> number(std::string_view key, const NumberRange& range,
                               bool required) override {
    asked_[std::string(key)] = range.describe();
    const auto it = numbers_.find(std::string(key));
    if (it == numbers_.end()) {
      if (required) fail("missing " + std::string(key));
      return std::nullopt;
    }
    if (!range.contains(it->second)) fail_at(key, "out of range");
    return it->second;
  }
  LeverTarget target(bool) override { return {{"NL"}, 0, "NL gallium"}; }
  void require_consumers(const std::vector<std::string>&, int) override {}
  std::string consumer_region(std::string_view, std::string_view) override { return "NL"; }
  int material(std::string_view) override { return 0; }
  std::string choice(std::string_view, std::string_view fallback,
                     std::span<const std::string>) override {
    return std::string(fallback);
  }
  std::vector<std::string> node_list(std::string_view, std::string_view, bool,
                                     const std::vector<std::string>&, std::string_view) override {
    return {};
  }
  std::vector<std::pair<std::string, double>> node_numbers(std::string_view, std::string_view,
                                                           const std::vector<std::string>&,
                                                           std::string_view,
                                                           const NumberRange&) override {
    return {};
  }
  [[noreturn]] void fail(std::string_view message) const override {
    throw std::invalid_argument(label_ + ": " + std::string(message));
  }
  [[noreturn]] void fail_at(std::string_view key, std::string_view message) const override {
    throw std::invalid_argument(label_ + ": " + std::string(key) + ": " + std::string(message));
  }

  std::string label_;
  std::map<std::string, std::string> asked_;

 private:
  const Scenario& sc_;
  std::map<std::string, double> numbers_;
};

TEST_CASE("a lever kind reads its fields through LeverFields, in its fields' ranges", "[policy]") {
  Scenario sc;
  sc.materials.push_back(MaterialSpec{});
  MapFields in(sc, {{"rate", 0.25}, {"lifetime_years", 12}});
  const RecyclingSpec spec = RecyclingLever::read(in);
  CHECK(spec.name == "recycling NL gallium");
  CHECK(in.label_ == "policy 'recycling NL gallium'");
  CHECK(spec.regions == std::vector<std::string>{"NL"});
  CHECK(spec.rate == 0.25);
  CHECK(spec.lifetime_years == 12);
  CHECK(spec.lead_time_days == 7);  // absent: the spec's default
  // Each key asked in the range its kind's kFields give it.
  CHECK(in.asked_ == std::map<std::string, std::string>{{"rate", "in [0, 1)"},
                                                        {"capex_eur_per_tpy", ">= 0"},
                                                        {"capex_reference_tpy", "> 0"},
                                                        {"capex_scale_exponent", "in (0, 1]"},
                                                        {"lifetime_years", "> 0"},
                                                        {"opex_eur_per_t", ">= 0"},
                                                        {"lead_time_days", ">= 0"}});

  MapFields missing(sc, {{"capex_eur_per_tpy", 5}});
  CHECK_THROWS_WITH(RecyclingLever::read(missing), "policy 'recycling NL gallium': missing rate");
  MapFields outside(sc, {{"rate", 1}});  // rate is in [0, 1)
  CHECK_THROWS_WITH(RecyclingLever::read(outside),
                    "policy 'recycling NL gallium': rate: out of range");
}

TEST_CASE("a capex scale exponent needs its reference capacity", "[policy][capex]") {
  Scenario sc;
  sc.materials.push_back(MaterialSpec{});
  MapFields both(sc, {{"rate", 0.1}, {"capex_reference_tpy", 9000}, {"capex_scale_exponent", 0.6}});
  const RecyclingSpec spec = RecyclingLever::read(both);
  CHECK(spec.capex_reference_tpy == 9000);
  CHECK(spec.capex_scale_exponent == 0.6);
  // Absent: linear, the reference not given.
  MapFields neither(sc, {{"rate", 0.1}});
  CHECK(RecyclingLever::read(neither).capex_scale_exponent == 1);
  CHECK(RecyclingLever::read(neither).capex_reference_tpy == 0);
  // A reference alone is harmless (exponent 1); an exponent alone is refused, even 1.
  MapFields reference(sc, {{"rate", 0.1}, {"capex_reference_tpy", 9000}});
  CHECK(RecyclingLever::read(reference).capex_scale_exponent == 1);
  MapFields exponent(sc, {{"rate", 0.1}, {"capex_scale_exponent", 1}});
  CHECK_THROWS_WITH(RecyclingLever::read(exponent),
                    "policy 'recycling NL gallium': capex_scale_exponent: capex_scale_exponent "
                    "needs capex_reference_tpy, the capacity (t/yr) whose capex "
                    "capex_eur_per_tpy states");
  MapFields over(sc, {{"rate", 0.1}, {"capex_reference_tpy", 9000}, {"capex_scale_exponent", 1.1}});
  CHECK_THROWS_WITH(RecyclingLever::read(over),
                    "policy 'recycling NL gallium': capex_scale_exponent: out of range");
}

TEST_CASE("a stockpile in tonnes shows NaN in size_days, its alternative, and not the reverse",
          "[policy]") {
  StockpileSpec tonnes;
  tonnes.name = "stockpile NL gallium";
  tonnes.size_t_abs = 500;
  const PolicySet set = set_of({Lever{tonnes, {}}}, {}, "x");
  const auto& fields = numeric_fields(LeverSpec(tonnes));
  const auto at = [&](std::string_view f) {
    return set.params[std::find(fields.begin(), fields.end(), f) - fields.begin()];
  };
  CHECK(std::isnan(at("size_days")));
  CHECK(at("size_t") == 500);
  CHECK(at("release.threshold") == 0.9);  // not an alternative: shown though it does not apply
  StockpileSpec days = tonnes;
  days.size_t_abs = -1;
  days.size_days = 30;
  const PolicySet by_days = set_of({Lever{days, {}}}, {}, "y");
  CHECK(by_days.params[0] == 30);
  CHECK(std::isnan(by_days.params[1]));
  CHECK(inapplicable(LeverSpec(days), "size_t") ==
        "this stockpile's size is given in days: set size_days");
  CHECK(inapplicable(LeverSpec(days), "size_days").empty());
}

}  // namespace
