// The experiment loader: a valid file loads to the expected values, and each kind of bad input
// fails with one line naming the file, line and column, the key, the bad value and what was
// expected (INTERFACES.md).

#include <algorithm>
#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim/experiment/experiment.hpp"

namespace {

using namespace crisp;
using Catch::Matchers::Contains;

// The smallest valid experiment: a mine feeding a refinery feeding one consumer. Bad inputs are
// made from it by replacing one line, so each case shows exactly what it breaks.
const std::string kMinimal = R"([experiment]
name = "mini"

[[material]]
name = "gallium"
price_eur_per_t = 450000
value_of_lost_load_eur_per_t = 2e7

[[node]]
id = "cn-mine"
kind = "mine"
material = "gallium"
country = "CN"
capacity_tpy = 800

[[node]]
id = "cn-ref"
kind = "refinery"
material = "gallium"
country = "CN"
capacity_tpy = 600

[[node]]
id = "nl-users"
kind = "consumer"
material = "gallium"
country = "NL"
demand_tpy = 4

[[edge]]
from = "cn-mine"
to = "cn-ref"
share = 1.0
lead_time_days = 10

[[edge]]
from = "cn-ref"
to = "nl-users"
share = 1.0
lead_time_days = 35
)";

// kMinimal with the `nth` (from 1) line equal to `line` replaced by `replacement`.
std::string replace_line(const std::string& line, const std::string& replacement, int nth = 1) {
  std::string text = kMinimal;
  std::size_t at = 0;
  for (int i = 0; i < nth; ++i) {
    at = text.find("\n" + line + "\n", i == 0 ? 0 : at + 1);
    REQUIRE(at != std::string::npos);
  }
  return text.replace(at + 1, line.size(), replacement);
}

// "bad.toml:L:" where L is the line of `text` on which `needle` first occurs.
std::string line_of(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  return fmt::format("bad.toml:{}:", line);
}

std::string error_of(const std::string& text) {
  try {
    load_experiment_text(text, "bad.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("no InputError for:\n" << text);
  return "";
}

void require_one_line(const std::string& message) {
  CHECK(message.find('\n') == std::string::npos);
}

Experiment load_sample() {
  return load_experiment_file(std::string(CRISP_SOURCE_DIR) +
                              "/tests/cases/experiment/sample.toml");
}

}  // namespace

TEST_CASE("the minimal experiment loads with every default", "[experiment]") {
  const Experiment ex = load_experiment_text(kMinimal, "mini.toml");
  const Scenario& sc = ex.scenario;
  CHECK(sc.name == "mini");
  CHECK(sc.horizon_days == 3650);
  CHECK(sc.replications == 100);
  CHECK(sc.seed == 1);
  CHECK(sc.discount_rate == 0.0225);
  CHECK(sc.report_regions == std::vector<std::string>{"NL"});
  CHECK(sc.materials[0].resourcing_delay_days == 30);
  CHECK(sc.materials[0].spot_lead_time_days == 30);
  CHECK(sc.materials[0].value_of_lost_load_eur_per_t == 2e7);
  const NodeSpec& ref = sc.nodes[1];
  CHECK(ref.yield == 1);
  CHECK(ref.buffer_days == 0);
  CHECK(ref.buffer_refill_days == 60);
  CHECK(sc.nodes[2].region == "NL");
  CHECK(sc.nodes[2].growth_per_year == 0);
  CHECK(sc.edges[1].routes.empty());
  CHECK(sc.shocks.empty());
  CHECK(ex.stockpiles.empty());
  CHECK(ex.design_kind == "grid");
  CHECK(ex.output_file.empty());
  CHECK(ex.source_name == "mini.toml");
  CHECK(ex.source_text == kMinimal);
}

TEST_CASE("the sample experiment loads with the expected values", "[experiment]") {
  const Experiment ex = load_sample();
  const Scenario& sc = ex.scenario;

  SECTION("experiment, groups and materials") {
    CHECK(sc.name == "sample");
    CHECK(sc.horizon_days == 5 * 365);
    CHECK(sc.replications == 200);
    CHECK(sc.seed == 42);
    CHECK(sc.discount_rate == 0.03);
    CHECK(sc.report_regions == std::vector<std::string>{"NL", "EU"});
    CHECK(sc.groups.at("EU") == std::vector<std::string>{"NL", "DE"});
    CHECK(sc.member_regions("EU") == std::vector<std::string>{"NL", "DE"});
    CHECK(sc.member_regions("NL") == std::vector<std::string>{"NL"});
    REQUIRE(sc.materials.size() == 2);
    CHECK(sc.materials[0].resourcing_delay_days == 45);
    CHECK(sc.materials[0].spot_lead_time_days == 40);
    CHECK(sc.materials[1].price_eur_per_t == 1.5e6);
    CHECK(sc.materials[1].resourcing_delay_days == 30);
    CHECK(ex.output_file == "sample.h5");
    CHECK(ex.source_text.find("name = \"sample\"") != std::string::npos);
  }

  SECTION("nodes and edges") {
    REQUIRE(sc.nodes.size() == 7);
    CHECK(sc.find_node("cn-ga-refinery") == 1);
    CHECK(sc.find_node("nope") == -1);
    CHECK(sc.find_material("germanium") == 1);
    CHECK(sc.find_material("tin") == -1);
    const NodeSpec& ref = sc.nodes[1];
    CHECK(ref.kind == NodeKind::refinery);
    CHECK(ref.yield == 0.95);
    CHECK(ref.buffer_days == 15);
    CHECK(ref.capacity_tpy == 700);
    const NodeSpec& nl = sc.nodes[3];
    CHECK(nl.region == "NL");
    CHECK(nl.demand_tpy == 4);
    CHECK(nl.growth_per_year == 0.03);
    CHECK(sc.nodes[6].material == 1);
    CHECK(sc.nodes[6].buffer_refill_days == 30);
    REQUIRE(sc.edges.size() == 6);
    const EdgeSpec& jp_nl = sc.edges[3];
    CHECK(jp_nl.from == sc.find_node("jp-ga-refinery"));
    CHECK(jp_nl.to == sc.find_node("nl-ga-users"));
    CHECK(jp_nl.share == 0.3);
    CHECK(jp_nl.lead_time_days == 40);
    CHECK(jp_nl.routes == std::vector<std::string>{"malacca", "suez"});
  }

  SECTION("shocks") {
    REQUIRE(sc.shocks.size() == 7);
    const ShockSpec& controls = sc.shocks[0];
    CHECK(controls.kind == ShockKind::export_restriction);
    CHECK(controls.arrival == ArrivalKind::poisson);
    CHECK(controls.rate_per_year == 0.15);
    CHECK(controls.materials == std::vector<int>{0, 1});
    CHECK(controls.destinations_foreign);
    CHECK(controls.stage == Stage::refined);
    REQUIRE(std::holds_alternative<LogNormal>(controls.duration));
    CHECK(std::get<LogNormal>(controls.duration).median == 240);
    CHECK(std::get<LogNormal>(controls.duration).sigma == 0.8);
    REQUIRE(std::holds_alternative<Uniform>(controls.severity));
    CHECK(std::get<Uniform>(controls.severity).a == 0.5);

    const ShockSpec& outages = sc.shocks[1];
    CHECK(outages.nodes == std::vector<std::string>{"cn-ga-refinery"});
    CHECK(std::get<Exponential>(outages.duration).mean == 30);
    CHECK(std::get<Fixed>(outages.severity).value == 1);  // outage default

    const ShockSpec& suez = sc.shocks[2];
    CHECK(suez.arrival == ArrivalKind::fixed_start);
    CHECK(suez.start_day == 100);
    CHECK(suez.route == "suez");
    CHECK(std::get<Fixed>(suez.duration).value == 60);
    CHECK(std::get<Fixed>(suez.severity).value == 0);  // chokepoint default
    CHECK(std::get<Uniform>(suez.extra_delay).b == 20);

    const ShockSpec& boom = sc.shocks[3];
    CHECK(boom.arrival == ArrivalKind::replay);
    CHECK(boom.regions == std::vector<std::string>{"NL", "DE"});  // the group, expanded
    REQUIRE(boom.events.size() == 2);
    CHECK(boom.events[1].start_day == 1000);
    CHECK(boom.events[1].duration_days == 90.5);
    CHECK(boom.events[1].severity == 0.1);

    const ShockSpec& crisis = sc.shocks[4];
    CHECK(crisis.kind == ShockKind::crisis);
    REQUIRE(crisis.children.size() == 2);
    CHECK(crisis.children[0].shock == 5);
    CHECK(crisis.children[0].probability == 0.5);
    CHECK(crisis.children[1].shock == 6);
    CHECK(crisis.children[1].probability == 1);

    const ShockSpec& jp = sc.shocks[5];
    CHECK(jp.arrival == ArrivalKind::child);
    CHECK(jp.country == "JP");
    CHECK(jp.node_kind == NodeKind::refinery);
    CHECK(std::get<Beta>(jp.severity).b == 5);
    const ShockSpec& on_eu = sc.shocks[6];
    CHECK(on_eu.arrival == ArrivalKind::child);
    CHECK_FALSE(on_eu.destinations_foreign);
    CHECK(on_eu.destinations == std::vector<std::string>{"NL", "DE"});
    CHECK(on_eu.materials.empty());  // every material
    CHECK(on_eu.stage == Stage::both);
  }

  SECTION("policies") {
    REQUIRE(ex.stockpiles.size() == 2);
    const StockpileLever& nl = ex.stockpiles[0];
    CHECK(nl.base.name == "stockpile NL gallium");
    CHECK(nl.base.regions == std::vector<std::string>{"NL"});
    CHECK(nl.base.size_days == 0);  // an axis's first value
    CHECK(nl.base.size_t_abs < 0);
    CHECK(nl.base.trigger == ReleaseTrigger::supply_drop);
    CHECK(nl.base.threshold == 0.8);
    CHECK(nl.base.refill_max_price_multiple == 1.5);
    CHECK(nl.base.holding_cost_per_year == 0.03);
    REQUIRE(nl.axes.size() == 2);  // in file order
    CHECK(nl.axes[0].field == "size_days");
    CHECK(nl.axes[0].values == std::vector<double>{0, 30, 60});
    CHECK(nl.axes[1].field == "release.delay_days");
    CHECK(nl.axes[1].values == std::vector<double>{0, 8});

    const StockpileLever& eu = ex.stockpiles[1];
    CHECK(eu.base.name == "stockpile EU germanium");
    CHECK(eu.base.regions == std::vector<std::string>{"NL", "DE"});
    CHECK(eu.base.size_t_abs == 1.5);
    CHECK(eu.base.initial_fill == 0.5);
    CHECK(eu.base.trigger == ReleaseTrigger::shortfall);
    CHECK(std::isinf(eu.base.refill_max_price_multiple));
    CHECK(eu.axes.empty());

    // The EU stockpile is always on, so no grid point is the baseline: 3 x 2 points + baseline.
    const PolicyDesign design = expand_grid(ex.stockpiles);
    CHECK(design.sets.size() == 7);
    CHECK(design.sets[1].label ==
          "stockpile NL gallium.size_days=0, stockpile NL gallium.release.delay_days=0");
  }
}

TEST_CASE("a bad value names file, line, column, key, value and what was expected",
          "[experiment]") {
  // The whole message, once: the format INTERFACES.md gives.
  const std::string text = replace_line("share = 1.0", "share = 1.4", 2);
  const std::string message = error_of(text);
  CHECK(message == line_of(text, "share = 1.4") +
                       "9: edge 'cn-ref -> nl-users': share must be in [0, 1], got 1.4");
}

TEST_CASE("bad experiment files fail with a one-line message", "[experiment]") {
  // Each case: the bad text, the place the message must start with, and what it must say.
  struct Case {
    std::string name, text, where;
    std::vector<std::string> says;
  };
  std::vector<Case> cases;
  const auto add = [&](std::string name, std::string text, const std::string& needle,
                       std::vector<std::string> says) {
    const std::string where = line_of(text, needle);
    cases.push_back({std::move(name), std::move(text), where, std::move(says)});
  };

  {
    // The refinery's table header is line 16: a missing key is reported there.
    std::string text = replace_line("capacity_tpy = 600", "");
    add("missing required field", text, "[[node]]\nid = \"cn-ref\"",
        {"node 'cn-ref'", "missing required key 'capacity_tpy'", "a number >= 0"});
  }
  add("wrong type", replace_line("capacity_tpy = 600", "capacity_tpy = \"abc\""), "\"abc\"",
      {"node 'cn-ref'", "capacity_tpy must be a number >= 0, got a string 'abc'"});
  add("negative capacity", replace_line("capacity_tpy = 600", "capacity_tpy = -5"), "-5",
      {"capacity_tpy must be >= 0, got -5"});
  add("unknown node id in an edge", replace_line("to = \"nl-users\"", "to = \"nl-user\""),
      "\"nl-user\"", {"to must name a [[node]] id, got 'nl-user'", "did you mean 'nl-users'?"});
  add("unknown key", replace_line("lead_time_days = 35", "lead_time_day = 35"), "lead_time_day ",
      {"edge 'cn-ref -> nl-users'", "unknown key 'lead_time_day'",
       "did you mean 'lead_time_days'?"});
  add("unknown top-level table", kMinimal + "\n[[nodes]]\nid = \"x\"\n", "[[nodes]]",
      {"unknown key 'nodes'", "did you mean 'node'?"});
  add("consumer -> mine edge", kMinimal + "\n[[edge]]\nfrom = \"nl-users\"\nto = \"cn-mine\"\n",
      "[[edge]]\nfrom = \"nl-users\"",
      {"edge 'nl-users -> cn-mine'", "a consumer -> mine edge is not allowed",
       "mine -> refinery, refinery -> consumer or mine -> consumer"});
  add("refinery -> refinery edge", kMinimal + "\n[[edge]]\nfrom = \"cn-ref\"\nto = \"cn-ref\"\n",
      "[[edge]]\nfrom = \"cn-ref\"\nto = \"cn-ref\"",
      {"a refinery -> refinery edge is not allowed"});
  add("mine -> mine edge", kMinimal + "\n[[edge]]\nfrom = \"cn-mine\"\nto = \"cn-mine\"\n",
      "[[edge]]\nfrom = \"cn-mine\"\nto = \"cn-mine\"", {"a mine -> mine edge is not allowed"});
  {
    // Reported at the buyer's [[node]] header.
    std::string text = replace_line("share = 1.0", "share = 0.9");
    add("shares not summing to 1", text, "[[node]]\nid = \"cn-ref\"",
        {"node 'cn-ref'", "shares of the edges into it must sum to 1, got 0.9"});
  }
  add("TOML syntax error", replace_line("share = 1.0", "share = 1.0.0"), "share = 1.0.0",
      {"TOML syntax error"});
  add("unknown material", replace_line("material = \"gallium\"", "material = \"galium\"", 2),
      "\"galium\"",
      {"node 'cn-ref'", "material must name a [[material]], got 'galium'",
       "did you mean 'gallium'?"});
  add("duplicate node id", replace_line("id = \"cn-ref\"", "id = \"cn-mine\""),
      "id = \"cn-mine\"\nkind = \"refinery\"",
      {"duplicate node id 'cn-mine'", "already defined at line 10"});
  add("key of another node kind", replace_line("demand_tpy = 4", "demand_tpy = 4\nyield = 2"),
      "yield", {"node 'nl-users'", "yield does not apply to a consumer node"});
  add("refinery without supplier", replace_line("to = \"cn-ref\"", "to = \"nl-users\""),
      "[[node]]\nid = \"cn-ref\"", {"a refinery needs at least one [[edge]] into it"});
  add("a later version's key",
      replace_line("value_of_lost_load_eur_per_t = 2e7",
                   "value_of_lost_load_eur_per_t = 2e7\nmarket = {}"),
      "market", {"material 'gallium'", "market is not supported yet"});
  add("missing [experiment]", kMinimal.substr(kMinimal.find("[[material]]")), "[[material]]",
      {"missing required table [experiment]"});
  add("integer expected", replace_line("name = \"mini\"", "name = \"mini\"\nreplications = 2.5"),
      "2.5", {"[experiment]: replications must be an integer >= 1, got a float 2.5"});
  add("unknown report region",
      replace_line("name = \"mini\"", "name = \"mini\"\nreport_regions = [\"NK\"]"), "\"NK\"",
      {"report_regions[0] must name a consumer region or a group, got 'NK'", "did you mean 'NL'?"});
  add("group named like a region", kMinimal + "\n[groups]\nNL = [\"NL\"]\n", "[\"NL\"]",
      {"group 'NL' has the name of a consumer region"});

  for (const auto& c : cases) {
    INFO("case: " << c.name);
    const std::string message = error_of(c.text);
    INFO("message: " << message);
    CHECK(message.rfind(c.where, 0) == 0);
    for (const auto& s : c.says) {
      CHECK_THAT(message, Contains(s));
    }
    require_one_line(message);
  }
}

TEST_CASE("bad shocks and policies fail with a one-line message", "[experiment]") {
  struct Case {
    std::string name, appended, needle;
    std::vector<std::string> says;
  };
  const std::vector<Case> cases = {
      {"distribution with a typo",
       "[[shock]]\nname = \"s\"\nkind = \"outage\"\nnodes = [\"cn-ref\"]\nrate_per_year = 1\n"
       "duration_days = { lognormal = { median = 10, sigm = 1 } }\n",
       "sigm",
       {"shock 's'", "unknown key 'duration_days.lognormal.sigm'", "did you mean 'sigma'?"}},
      {"severity out of range",
       "[[shock]]\nname = \"s\"\nkind = \"outage\"\nnodes = [\"cn-ref\"]\nstart_day = 3\n"
       "duration_days = 10\nseverity = 1.5\n",
       "1.5",
       {"severity must be in [0, 1], got 1.5"}},
      {"uniform bounds out of order",
       "[[shock]]\nname = \"s\"\nkind = \"outage\"\nnodes = [\"cn-ref\"]\nstart_day = 3\n"
       "duration_days = { uniform = [20, 10] }\n",
       "[20, 10]",
       {"duration_days.uniform must be [a, b] with a <= b, got [20, 10]"}},
      {"beta duration",
       "[[shock]]\nname = \"s\"\nkind = \"outage\"\nnodes = [\"cn-ref\"]\nstart_day = 3\n"
       "duration_days = { beta = { a = 1, b = 2 } }\n",
       "beta",
       {"duration_days.beta does not apply to durations"}},
      {"no arrival",
       "[[shock]]\nname = \"s\"\nkind = \"outage\"\nnodes = [\"cn-ref\"]\nduration_days = 5\n",
       "[[shock]]",
       {"shock 's'", "missing an arrival", "rate_per_year, start_day or events"}},
      {"two arrivals",
       "[[shock]]\nname = \"s\"\nkind = \"outage\"\nnodes = [\"cn-ref\"]\nrate_per_year = 1\n"
       "start_day = 5\nduration_days = 5\n",
       "start_day = 5",
       {"not both rate_per_year and start_day"}},
      {"child with an arrival of its own",
       "[[shock]]\nname = \"c\"\nkind = \"crisis\"\nrate_per_year = 1\n"
       "children = [{ name = \"s\" }]\n"
       "[[shock]]\nname = \"s\"\nkind = \"outage\"\nnodes = [\"cn-ref\"]\nstart_day = 5\n"
       "duration_days = 5\n",
       "start_day = 5",
       {"start_day cannot be given", "child of crisis 'c'"}},
      {"unknown child",
       "[[shock]]\nname = \"c\"\nkind = \"crisis\"\nrate_per_year = 1\n"
       "children = [{ name = \"nope\", probability = 0.5 }]\n",
       "children",
       {"children[0].name must name a [[shock]], got 'nope'"}},
      {"key of another shock kind",
       "[[shock]]\nname = \"s\"\nkind = \"chokepoint\"\nroute = \"suez\"\nstart_day = 5\n"
       "duration_days = 5\nnodes = [\"cn-ref\"]\n",
       "nodes",
       {"nodes does not apply to a chokepoint shock"}},
      {"unknown route",
       "[[shock]]\nname = \"s\"\nkind = \"chokepoint\"\nroute = \"suez\"\nstart_day = 5\n"
       "duration_days = 5\n",
       "\"suez\"",
       {"route must name a route tag of some [[edge]], got 'suez'"}},
      {"restriction's later key",
       "[[shock]]\nname = \"s\"\nkind = \"export_restriction\"\ncountry = \"CN\"\nstart_day = 5\n"
       "duration_days = 5\nlicence_delay_days = 60\n",
       "licence_delay_days",
       {"licence_delay_days is not supported yet"}},
      {"surge without severity",
       "[[shock]]\nname = \"s\"\nkind = \"demand_surge\"\nregions = [\"NL\"]\nstart_day = 5\n"
       "duration_days = 5\n",
       "[[shock]]",
       {"missing required key 'severity'"}},
      {"policy kind of a later version",
       "[[policy]]\nkind = \"refining\"\nregion = \"NL\"\n",
       "\"refining\"",
       {"policy kind 'refining' is not supported yet"}},
      {"empty sweep",
       "[[policy]]\nkind = \"stockpile\"\nregions = [\"NL\"]\nmaterial = \"gallium\"\n"
       "size_days = []\n",
       "[]",
       {"policy 'stockpile NL gallium'", "size_days must be a non-empty list, got []"}},
      {"sweep value out of range",
       "[[policy]]\nkind = \"stockpile\"\nregions = [\"NL\"]\nmaterial = \"gallium\"\n"
       "size_days = 30\nrelease = { delay_days = [0, -8] }\n",
       "-8",
       {"release.delay_days[1] must be >= 0, got -8"}},
      {"both sizes",
       "[[policy]]\nkind = \"stockpile\"\nregions = [\"NL\"]\nmaterial = \"gallium\"\n"
       "size_days = 30\nsize_t = 2\n",
       "size_t",
       {"give size_days or size_t, not both"}},
      {"same stockpile twice",
       "[[policy]]\nkind = \"stockpile\"\nregions = [\"NL\"]\nmaterial = \"gallium\"\n"
       "size_days = 30\n\n"
       "[[policy]]\nkind = \"stockpile\"\nregions = [\"NL\"]\nmaterial = \"gallium\"\n"
       "size_days = 60\n",
       "[[policy]]\nkind = \"stockpile\"\nregions = [\"NL\"]\nmaterial = \"gallium\"\n"
       "size_days = 60",
       {"policy 'stockpile NL gallium'", "already defined at line"}},
      {"design of a later version",
       "[design]\nkind = \"lhs\"\n",
       "\"lhs\"",
       {"[design]: kind 'lhs' is not supported yet"}},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.name);
    const std::string text = kMinimal + "\n" + c.appended;
    const std::string message = error_of(text);
    INFO("message: " << message);
    CHECK(message.rfind(line_of(text, c.needle), 0) == 0);
    for (const auto& s : c.says) {
      CHECK_THAT(message, Contains(s));
    }
    require_one_line(message);
  }
}

TEST_CASE("an unreadable experiment file is an input error", "[experiment]") {
  CHECK_THROWS_AS(load_experiment_file("/nonexistent/experiment.toml"), InputError);
}
