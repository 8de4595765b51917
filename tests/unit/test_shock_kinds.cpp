// The shock kinds of models/shocks/kinds.hpp: one list gives the enumerators, the names, the
// variant of the kinds' own fields, the loader's schema and the dispatch, and the compiler refuses
// a kind without one of its parts.

#include <array>
#include <string>
#include <string_view>
#include <variant>

#include <catch2/catch.hpp>

#include "models/network.hpp"
#include "models/scenario.hpp"
#include "models/shocks.hpp"
#include "models/shocks/kinds.hpp"

namespace {

using namespace crisp;

// A complete kind, then the same kind without each part in turn: the concept that
// models/shocks/kinds.hpp asserts over the list must refuse each of those. The parts:
struct TestSpec {
  double x = 0;
};
struct Identity {
  using Spec = TestSpec;
  static constexpr std::array<std::string_view, 1> kKeys = {"route"};
  static constexpr ShockTiming kTiming{};
};
struct Name {
  static constexpr std::string_view kName = "test";
};
struct Schedule {
  static ShockSchedule schedule(const TestSpec& own);
};
struct Reach {
  static void reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                    ShockReach& out);
  static std::string describe(const ShockSpec& spec, const Scenario& sc);
};
struct Effect {
  static void effect(const ShockSpec& spec, const ShockReach& reach, const ShockOccurrence& o,
                     ShockFactors& f);
};
struct Complete : Identity, Name, Schedule, Reach, Effect {};
struct NoSchedule : Identity, Name, Reach, Effect {};
struct NoEffect : Identity, Name, Schedule, Reach {};
struct NoReach : Identity, Name, Schedule, Effect {};
struct NoName : Identity, Schedule, Reach, Effect {};
// Its schedule reads its own fields, not another kind's.
struct WrongSchedule : Identity, Name, Reach, Effect {
  static ShockSchedule schedule(const OutageSpec& own);
};
static_assert(ShockKindDef<Complete>);
static_assert(!ShockKindDef<NoSchedule>);
static_assert(!ShockKindDef<NoEffect>);
static_assert(!ShockKindDef<NoReach>);
static_assert(!ShockKindDef<NoName>);
static_assert(!ShockKindDef<WrongSchedule>);
static_assert(every_shock_kind_complete(ShockKinds{}));
static_assert(!every_shock_kind_complete(KindList<OutageShock, NoSchedule>{}));
static_assert(!every_shock_kind_complete(KindList<NoEffect, CrisisShock>{}));
static_assert(specs_distinct(ShockKinds{}));
static_assert(!specs_distinct(KindList<OutageShock, ChokepointShock, OutageShock>{}));
// The variant's alternatives are the kinds' Specs, in list order: an enumerator is an index.
static_assert(std::is_same_v<std::variant_alternative_t<2, ShockKinds::Variant>, ChokepointSpec>);
static_assert(kShockKindOf<DemandSurgeShock> == ShockKind::demand_surge);

}  // namespace

TEST_CASE("every shock kind's name is its enumerator's, in list order", "[shocks]") {
  REQUIRE(ShockKinds::kSize == 5);
  for (std::size_t i = 0; i < ShockKinds::kSize; ++i) {
    CHECK(std::string(to_string(static_cast<ShockKind>(i))) == ShockKinds::kNames[i]);
  }
  CHECK(std::string(to_string(ShockKind::chokepoint)) == "chokepoint");
  CHECK(std::string(to_string(ShockKind::export_restriction)) == "export_restriction");
  CHECK(kinds_with_key("extra_delay_days") == "chokepoint");
  CHECK(kinds_with_key("materials") == "outage or export_restriction or demand_surge");
  CHECK(!timing_of(ShockKind::crisis).timed);
  CHECK(timing_of(ShockKind::demand_surge).severity_meaning == "the demand increase");
}

TEST_CASE("a shock spec's kind and its own fields change together", "[shocks]") {
  ShockSpec k;
  // The default: an outage, with an outage's fields.
  CHECK(k.kind == ShockKind::outage);
  CHECK(std::holds_alternative<OutageSpec>(k.own));
  ExportRestrictionSpec& r = k.set_kind<ExportRestrictionSpec>();
  CHECK(k.kind == ShockKind::export_restriction);
  CHECK(k.own.index() == static_cast<std::size_t>(ShockKind::export_restriction));
  CHECK(r.destinations_foreign);  // a restriction's defaults
  r.licence_delay_days = 30;
  r.leakage = 0.4;
  r.leakage_delay_days = 50;
  r.announce_days = 10;
  r.max_buffer_days = 60;
  // Its schedule reads its own fields: announced 10 days ahead, changing at days 30 and 50.
  const ShockSchedule when = schedule_of(k);
  CHECK(when.announce_days == 10);
  CHECK(when.announced_buffer_days == 60);
  CHECK(when.phases == std::array<double, 2>{30, 50});
  // Another kind's fields are not there.
  CHECK_THROWS_AS(k.as<ChokepointSpec>(), std::bad_variant_access);
  k.set_kind<CrisisSpec>().children = {{1, 0.5}};
  CHECK(k.kind == ShockKind::crisis);
  CHECK(k.as<CrisisSpec>().children.size() == 1);
  CHECK(schedule_of(k).phases == std::array<double, 2>{0, 0});
}
