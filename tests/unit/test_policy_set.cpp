// Policy sets: each lever kind's numeric fields and the full-factorial grid over sweep axes.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "policies/policy_set.hpp"

namespace {

using namespace crisp;

// The list of kinds (policies/levers/kinds.hpp) accepts only a LeverKind: a kind registered
// without its reader or its applier must not be one, so that the list fails to compile.
struct KindParts {
  using Spec = RecyclingSpec;
  static constexpr std::string_view kName = "test";
  static constexpr std::array<std::string_view, 1> kKeys = {"regions"};
  static constexpr std::array<Field<Spec>, 1> kFields{{{"rate", &Spec::rate, "1", {}}}};
  static constexpr int kApplyOrder = 0;
  static bool is_off(const Spec& s) { return s.rate == 0; }
  static std::string inapplicable(const Spec&, std::string_view) { return ""; }
  static std::vector<std::string> added_node_ids(const Spec&, const Scenario&) { return {}; }
};
struct WithoutReader : KindParts {
  static void apply(const Spec& spec, AppliedPolicy& out);
};
struct WithoutApplier : KindParts {
  static Spec read(LeverFields& in);
};
struct Complete : WithoutReader {
  static Spec read(LeverFields& in);
};
static_assert(LeverKind<Complete>);
static_assert(!LeverKind<WithoutReader>);
static_assert(!LeverKind<WithoutApplier>);
static_assert(!LeverKind<KindParts>);
static_assert(LeverKind<StockpileLever> && LeverKind<RefiningLever> &&
              LeverKind<DiversificationLever> && LeverKind<RecyclingLever> &&
              LeverKind<EarlyWarningLever>);

Lever lever(const std::string& region, std::vector<LeverAxis> axes) {
  StockpileSpec s;
  s.name = "stockpile " + region + " gallium";
  s.regions = {region};
  s.size_days = 30;
  Lever l{s, {}};
  for (const auto& a : axes) {
    set_field(l.base, a.field, a.values.front());
  }
  l.axes = std::move(axes);
  return l;
}

const StockpileSpec& stockpile(const LeverSpec& s) {
  return std::get<StockpileSpec>(s);
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
  LeverSpec s = StockpileSpec{};
  const auto& fields = numeric_fields(s);
  REQUIRE(fields.size() == 10);
  CHECK(fields.front() == "size_days");
  CHECK(fields.back() == "holding_cost_per_year");
  CHECK(std::string(lever_kind(s)) == "stockpile");

  CHECK(set_field(s, "release.delay_days", 8));
  CHECK(stockpile(s).delay_days == 8);
  CHECK(set_field(s, "size_t", 2.5));
  CHECK(stockpile(s).size_t_abs == 2.5);
  CHECK(get_field(s, "refill.max_price_multiple") == stockpile(s).refill_max_price_multiple);
  CHECK_FALSE(set_field(s, "delay_days", 1));  // only the dotted name
  CHECK_THROWS_AS(get_field(s, "rate"), std::invalid_argument);
  for (auto f : fields) {
    CHECK(set_field(s, f, 1.0));
  }
}

TEST_CASE("a stockpile is off when its target is zero", "[policy]") {
  StockpileSpec s;
  s.size_days = 0;
  CHECK(is_off(LeverSpec(s)));
  s.size_days = 30;
  CHECK_FALSE(is_off(LeverSpec(s)));
  s.size_t_abs = 0;  // tonnes override days
  CHECK(is_off(LeverSpec(s)));
  s.size_t_abs = 1;
  s.size_days = 0;
  CHECK_FALSE(is_off(LeverSpec(s)));
}

TEST_CASE("two axes of three values give nine sets after the baseline", "[policy]") {
  const PolicyDesign d =
      expand_grid({lever("NL", {{"size_days", {30, 60, 90}}, {"release.delay_days", {0, 8, 30}}})});

  REQUIRE(d.columns.size() == numeric_fields(StockpileSpec{}).size());
  CHECK(d.columns[0] == "stockpile NL gallium.size_days");
  REQUIRE(d.sets.size() == 10);
  for (std::size_t i = 0; i < d.sets.size(); ++i) {
    CHECK(d.sets[i].id == static_cast<int>(i));
  }

  const PolicySet& baseline = d.sets[0];
  CHECK(baseline.label == "baseline");
  CHECK(baseline.levers.empty());
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
  REQUIRE(s6.levers.size() == 1);
  CHECK(stockpile(s6.levers[0]).size_days == 60);
  CHECK(stockpile(s6.levers[0]).delay_days == 30);
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
  REQUIRE(d.columns.size() == 2 * numeric_fields(StockpileSpec{}).size());
  CHECK(labels(d) == std::vector<std::string>{
                         "baseline",
                         "stockpile NL gallium.size_days=0, stockpile DE gallium.size_days=60",
                         "stockpile NL gallium.size_days=30, stockpile DE gallium.size_days=0",
                         "stockpile NL gallium.size_days=30, stockpile DE gallium.size_days=60",
                     });
  const PolicySet& de_only = d.sets[1];
  REQUIRE(de_only.levers.size() == 1);
  CHECK(lever_name(de_only.levers[0]) == "stockpile DE gallium");
  CHECK(std::isnan(de_only.params[column(d, "stockpile NL gallium.size_days")]));
  CHECK(de_only.params[column(d, "stockpile DE gallium.size_days")] == 60);
  CHECK(d.sets[3].levers.size() == 2);
}

TEST_CASE("a lever held fixed in a grid is named in every label where it is on", "[policy]") {
  // NL swept (its 0 point leaves only DE on), DE fixed at 60 days, FR fixed but off, and a
  // single-valued axis on IT: the DE and IT stockpiles act in every set, so every label names
  // them; FR acts in none and is named in none. Levers keep their file order, and as DE has every
  // stockpile field, each swept field says whose it is.
  Lever fixed_off = lever("FR", {});
  set_field(fixed_off.base, "size_days", 0);
  const PolicyDesign d = expand_grid({lever("NL", {{"size_days", {0, 30}}}), lever("DE", {}),
                                      fixed_off, lever("IT", {{"release.delay_days", {8}}})});
  CHECK(labels(d) == std::vector<std::string>{
                         "baseline",
                         "stockpile NL gallium.size_days=0, stockpile DE gallium, "
                         "stockpile IT gallium.release.delay_days=8",
                         "stockpile NL gallium.size_days=30, stockpile DE gallium, "
                         "stockpile IT gallium.release.delay_days=8",
                     });
  REQUIRE(d.sets.size() == 3);
  CHECK(d.sets[1].levers.size() == 2);  // DE and IT
  CHECK(d.sets[2].levers.size() == 3);  // NL, DE and IT
}

template <std::size_t... I>
std::vector<LeverSpec> one_of_each_kind(std::index_sequence<I...> /*kinds*/) {
  return {LeverSpec(std::in_place_index<I>)...};
}

TEST_CASE("every lever kind has on/off fields whose off value turns it off", "[policy]") {
  // The exports write these values where a lever is off (docs/results-format.md); each must be
  // what is_off reads, and a new kind without an entry fails here.
  for (const LeverSpec& spec :
       one_of_each_kind(std::make_index_sequence<std::variant_size_v<LeverSpec>>{})) {
    const std::string kind = lever_kind(spec);
    INFO(kind);
    REQUIRE_FALSE(off_fields(kind).empty());
    for (const OffField& f : off_fields(kind)) {
      INFO(f.field);
      LeverSpec on = spec;
      REQUIRE(set_field(on, f.field, f.value == 1 ? 0.5 : 1));
      CHECK_FALSE(is_off(on));
      LeverSpec off = on;
      REQUIRE(set_field(off, f.field, f.value));
      CHECK(is_off(off));
    }
  }
  CHECK(off_fields("stockpile").size() == 2);
  CHECK(off_fields("diversification")[0].value == 1);
  CHECK(off_fields("no such kind").empty());
}

TEST_CASE("every lever kind has its numeric fields by their file names", "[policy]") {
  struct Kind {
    LeverSpec spec;
    const char* kind;
    std::vector<std::string_view> fields;
  };
  const std::vector<Kind> kinds = {
      {RefiningSpec{},
       "refining",
       {"capacity_tpy", "activation_days", "capex_eur_per_tpy", "capex_reference_tpy",
        "capex_scale_exponent", "lifetime_years", "opex_premium_eur_per_t", "standby_cost_per_year",
        "feedstock_lead_time_days", "lead_time_days", "yield", "buffer_days"}},
      {DiversificationSpec{},
       "diversification",
       {"max_country_share", "premium_eur_per_t", "lead_time_days"}},
      {RecyclingSpec{},
       "recycling",
       {"rate", "capex_eur_per_tpy", "capex_reference_tpy", "capex_scale_exponent",
        "lifetime_years", "opex_eur_per_t", "lead_time_days"}},
      {EarlyWarningSpec{}, "early_warning", {"lead_days", "cost_per_year"}},
  };
  for (const auto& k : kinds) {
    INFO(k.kind);
    CHECK(std::string(lever_kind(k.spec)) == k.kind);
    CHECK(numeric_fields(k.spec) == k.fields);
    LeverSpec s = k.spec;
    double value = 1;
    for (auto f : k.fields) {
      CHECK(set_field(s, f, value));
      CHECK(get_field(s, f) == value);
      value += 1;
    }
    CHECK_FALSE(set_field(s, "size_days", 1));
  }
  LeverSpec r = RefiningSpec{};
  set_field(r, "yield", 0.9);
  set_field(r, "feedstock_lead_time_days", 12);
  CHECK(std::get<RefiningSpec>(r).yield == 0.9);
  CHECK(std::get<RefiningSpec>(r).feedstock_lead_time_days == 12);
}

TEST_CASE("each lever kind is off when it does nothing", "[policy]") {
  RefiningSpec refining;
  CHECK(is_off(LeverSpec(refining)));  // capacity 0
  refining.capacity_tpy = 5;
  CHECK_FALSE(is_off(LeverSpec(refining)));
  DiversificationSpec div;
  CHECK_FALSE(is_off(LeverSpec(div)));  // 0.65
  div.max_country_share = 1;
  CHECK(is_off(LeverSpec(div)));
  RecyclingSpec rec;
  CHECK(is_off(LeverSpec(rec)));
  rec.rate = 0.2;
  CHECK_FALSE(is_off(LeverSpec(rec)));
  EarlyWarningSpec ew;
  ew.cost_per_year = 1000;
  CHECK(is_off(LeverSpec(ew)));
  ew.lead_days = 10;
  CHECK_FALSE(is_off(LeverSpec(ew)));
}

TEST_CASE("a grid mixes lever kinds, each with its own columns", "[policy]") {
  RefiningSpec refining;
  refining.name = "refining NL gallium";
  refining.capacity_tpy = 0;
  EarlyWarningSpec ew;
  ew.name = "early_warning NL all";
  ew.lead_days = 10;
  const PolicyDesign d = expand_grid(
      {Lever{refining, {{"capacity_tpy", {0, 2}}}}, Lever{ew, {{"lead_days", {0, 10}}}}});
  REQUIRE(d.columns.size() == 14);
  CHECK(d.columns[0] == "refining NL gallium.capacity_tpy");
  CHECK(d.columns[12] == "early_warning NL all.lead_days");
  // Field names no other lever sweeps need no lever name in front.
  CHECK(labels(d) == std::vector<std::string>{
                         "baseline",
                         "capacity_tpy=0, lead_days=10",
                         "capacity_tpy=2, lead_days=0",
                         "capacity_tpy=2, lead_days=10",
                     });
  const PolicySet& both = d.sets[3];
  REQUIRE(both.levers.size() == 2);
  CHECK(std::get<RefiningSpec>(both.levers[0]).capacity_tpy == 2);
  CHECK(both.params[column(d, "refining NL gallium.lifetime_years")] == 20);
  // Without an exponent: linear capex, the reference not given (0).
  CHECK(both.params[column(d, "refining NL gallium.capex_scale_exponent")] == 1);
  CHECK(both.params[column(d, "refining NL gallium.capex_reference_tpy")] == 0);
  CHECK(both.params[column(d, "early_warning NL all.lead_days")] == 10);
  CHECK(std::isnan(d.sets[1].params[column(d, "refining NL gallium.capacity_tpy")]));
}
