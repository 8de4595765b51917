// The shock kinds of models/shocks/kinds.txt: one list gives the enumerators, the names, the
// loader's schema and the dispatch, and the compiler refuses a kind without one of its parts.

#include <array>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "models/network.hpp"
#include "models/shocks.hpp"
#include "models/shocks/kinds.hpp"

namespace {

using namespace crisp;

// A complete kind, then the same kind without each part in turn: the concept that
// models/shocks/kinds.hpp asserts over the list must refuse each of those. The parts:
struct Identity {
  using Spec = ShockSpec;
  static constexpr ShockKind kKind = ShockKind::outage;
  static constexpr std::array<std::string_view, 1> kKeys = {"route"};
  static constexpr ShockTiming kTiming{};
  static ShockSchedule schedule(const ShockSpec& spec);
};
struct Name {
  static constexpr std::string_view kName = "test";
};
struct Reader {
  static void read(const experiment_detail::ShockInput& in);
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
struct Complete : Identity, Name, Reader, Reach, Effect {};
struct NoReader : Identity, Name, Reach, Effect {};
struct NoEffect : Identity, Name, Reader, Reach {};
struct NoReach : Identity, Name, Reader, Effect {};
struct NoName : Identity, Reader, Reach, Effect {};
static_assert(ShockKindDef<Complete>);
static_assert(!ShockKindDef<NoReader>);
static_assert(!ShockKindDef<NoEffect>);
static_assert(!ShockKindDef<NoReach>);
static_assert(!ShockKindDef<NoName>);
static_assert(every_shock_kind_complete(ShockKinds{}));
static_assert(!every_shock_kind_complete(KindList<OutageShock, NoReader>{}));
static_assert(!every_shock_kind_complete(KindList<NoEffect, CrisisShock>{}));

}  // namespace

TEST_CASE("every shock kind's name is its enumerator's, in list order", "[shocks]") {
  REQUIRE(ShockKinds::kSize == 5);
  for (std::size_t i = 0; i < ShockKinds::kSize; ++i) {
    CHECK(std::string(to_string(static_cast<ShockKind>(i))) == ShockKinds::kNames[i]);
  }
  CHECK(std::string(to_string(ShockKind::chokepoint)) == "chokepoint");
  CHECK(kinds_with_key("extra_delay_days") == "chokepoint");
  CHECK(kinds_with_key("materials") == "outage or export_restriction or demand_surge");
  CHECK(!timing_of(ShockKind::crisis).timed);
  CHECK(timing_of(ShockKind::demand_surge).severity_meaning == "the demand increase");
}
