// The experiment loader: a valid file loads to the expected values, and each kind of bad input
// fails with one line naming the file, line and column, the key, the bad value and what was
// expected (README "Experiment file reference").

#include <algorithm>
#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "policies/apply_policy.hpp"
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

Experiment load_case(const std::string& name) {
  return load_experiment_file(std::string(CRISP_SOURCE_DIR) + "/tests/cases/experiment/" + name);
}

Experiment load_sample() {
  return load_case("sample.toml");
}

// One bad input: the text, where the message must start (the line of `needle`) and what it says.
void check_error(const std::string& name, const std::string& text, const std::string& needle,
                 const std::vector<std::string>& says) {
  INFO("case: " << name);
  const std::string message = error_of(text);
  INFO("message: " << message);
  CHECK(message.rfind(line_of(text, needle), 0) == 0);
  for (const auto& s : says) {
    CHECK_THAT(message, Contains(s));
  }
  require_one_line(message);
}

// A policy table appended to kMinimal.
std::string with_policy(const std::string& body) {
  return kMinimal + "\n[[policy]]\n" + body;
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
  CHECK(ex.levers.empty());
  CHECK_FALSE(sc.materials[0].market.enabled);
  CHECK_FALSE(sc.materials[0].substitution.enabled);
  CHECK_FALSE(sc.materials[0].expansion.enabled);
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
    CHECK(controls.as<ExportRestrictionSpec>().destinations_foreign);
    CHECK(controls.as<ExportRestrictionSpec>().stage == Stage::refined);
    REQUIRE(std::holds_alternative<LogNormal>(controls.duration));
    CHECK(std::get<LogNormal>(controls.duration).median == 240);
    CHECK(std::get<LogNormal>(controls.duration).sigma == 0.8);
    REQUIRE(std::holds_alternative<Uniform>(controls.severity));
    CHECK(std::get<Uniform>(controls.severity).a == 0.5);

    const ShockSpec& outages = sc.shocks[1];
    CHECK(outages.as<OutageSpec>().nodes == std::vector<std::string>{"cn-ga-refinery"});
    CHECK(std::get<Exponential>(outages.duration).mean == 30);
    CHECK(std::get<Fixed>(outages.severity).value == 1);  // outage default

    const ShockSpec& suez = sc.shocks[2];
    CHECK(suez.arrival == ArrivalKind::fixed_start);
    CHECK(suez.start_day == 100);
    CHECK(suez.as<ChokepointSpec>().route == "suez");
    CHECK(std::get<Fixed>(suez.duration).value == 60);
    CHECK(std::get<Fixed>(suez.severity).value == 0);  // chokepoint default
    CHECK(std::get<Uniform>(suez.as<ChokepointSpec>().extra_delay).b == 20);

    const ShockSpec& boom = sc.shocks[3];
    CHECK(boom.arrival == ArrivalKind::replay);
    CHECK(boom.as<DemandSurgeSpec>().regions ==
          std::vector<std::string>{"NL", "DE"});  // the group, expanded
    REQUIRE(boom.events.size() == 2);
    CHECK(boom.events[1].start_day == 1000);
    CHECK(boom.events[1].duration_days == 90.5);
    CHECK(boom.events[1].severity == 0.1);

    const ShockSpec& crisis = sc.shocks[4];
    CHECK(crisis.kind == ShockKind::crisis);
    const auto& children = crisis.as<CrisisSpec>().children;
    REQUIRE(children.size() == 2);
    CHECK(children[0].shock == 5);
    CHECK(children[0].probability == 0.5);
    CHECK(children[1].shock == 6);
    CHECK(children[1].probability == 1);

    const ShockSpec& jp = sc.shocks[5];
    CHECK(jp.arrival == ArrivalKind::child);
    CHECK(jp.country == "JP");
    CHECK(jp.as<OutageSpec>().node_kind == NodeKind::refinery);
    CHECK(std::get<Beta>(jp.severity).b == 5);
    const ShockSpec& on_eu = sc.shocks[6];
    CHECK(on_eu.arrival == ArrivalKind::child);
    CHECK_FALSE(on_eu.as<ExportRestrictionSpec>().destinations_foreign);
    CHECK(on_eu.as<ExportRestrictionSpec>().destinations == std::vector<std::string>{"NL", "DE"});
    CHECK(on_eu.materials.empty());  // every material
    CHECK(on_eu.as<ExportRestrictionSpec>().stage == Stage::both);
  }

  SECTION("policies") {
    REQUIRE(ex.levers.size() == 2);
    const auto& nl = std::get<StockpileSpec>(ex.levers[0].base);
    CHECK(nl.name == "stockpile NL gallium");
    CHECK(nl.regions == std::vector<std::string>{"NL"});
    CHECK(nl.size_days == 0);  // an axis's first value
    CHECK(nl.size_t_abs < 0);
    CHECK(nl.trigger == ReleaseTrigger::supply_drop);
    CHECK(nl.threshold == 0.8);
    CHECK(nl.refill_max_price_multiple == 1.5);
    CHECK(nl.holding_cost_per_year == 0.03);
    REQUIRE(ex.levers[0].axes.size() == 2);  // in file order
    CHECK(ex.levers[0].axes[0].field == "size_days");
    CHECK(ex.levers[0].axes[0].values == std::vector<double>{0, 30, 60});
    CHECK(ex.levers[0].axes[1].field == "release.delay_days");
    CHECK(ex.levers[0].axes[1].values == std::vector<double>{0, 8});

    const auto& eu = std::get<StockpileSpec>(ex.levers[1].base);
    CHECK(eu.name == "stockpile EU germanium");
    CHECK(eu.regions == std::vector<std::string>{"NL", "DE"});
    CHECK(eu.size_t_abs == 1.5);
    CHECK(eu.initial_fill == 0.5);
    CHECK(eu.trigger == ReleaseTrigger::shortfall);
    CHECK(std::isinf(eu.refill_max_price_multiple));
    CHECK(ex.levers[1].axes.empty());

    // The EU stockpile is always on, so no grid point is the baseline: 3 x 2 points + baseline,
    // and every label names it.
    const PolicyDesign design = expand_grid(ex.levers);
    CHECK(design.sets.size() == 7);
    CHECK(design.sets[1].label ==
          "stockpile NL gallium.size_days=0, stockpile NL gallium.release.delay_days=0, "
          "stockpile EU germanium");
  }
}

TEST_CASE("a bad value names file, line, column, key, value and what was expected",
          "[experiment]") {
  // The whole message, once: the format of one line with file, line, key, value and what was
  // expected.
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
  add("too many recorded replications", kMinimal + "\n[output]\ntimeseries = 5000\n", "timeseries",
      {"[output]", "timeseries must be an integer in [0, 1000], got 5000"});
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
      {"surge without severity",
       "[[shock]]\nname = \"s\"\nkind = \"demand_surge\"\nregions = [\"NL\"]\nstart_day = 5\n"
       "duration_days = 5\n",
       "[[shock]]",
       {"missing required key 'severity'"}},
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
      {"unknown design kind",
       "[design]\nkind = \"lhd\"\n",
       "\"lhd\"",
       {"[design]: kind must be one of 'grid', 'lhs', 'list', got 'lhd' (did you mean 'lhs'?)"}},
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

TEST_CASE("the levers experiment loads every market, restriction and lever key", "[experiment]") {
  const Experiment ex = load_case("levers.toml");
  const Scenario& sc = ex.scenario;

  SECTION("market response") {
    const MaterialSpec& ga = sc.materials[0];
    CHECK(ga.market.enabled);
    CHECK(ga.market.price_elasticity == 0.3);
    CHECK(ga.market.price_cap_multiple == 8);
    CHECK(ga.market.review_days == 15);
    CHECK(ga.substitution.enabled);
    CHECK(ga.substitution.rate_per_year == 0.2);
    CHECK(ga.substitution.max_fraction == 0.4);
    CHECK(ga.substitution.threshold == 0.25);
    CHECK(ga.expansion.enabled);
    CHECK(ga.expansion.rate_per_year == 0.05);
    CHECK(ga.expansion.delay_days == 180);
    CHECK(ga.expansion.threshold == 0.75);
    // market = {}: on, with every default.
    const MaterialSpec& ge = sc.materials[1];
    CHECK(ge.market.enabled);
    CHECK(ge.market.price_elasticity == 0.2);
    CHECK(ge.market.price_cap_multiple == 10);
    CHECK(ge.market.review_days == 30);
    CHECK_FALSE(ge.substitution.enabled);
    CHECK_FALSE(ge.expansion.enabled);
  }

  SECTION("export-restriction mechanics") {
    const auto& s = sc.shocks[0].as<ExportRestrictionSpec>();
    CHECK(s.announce_days == 30);
    CHECK(s.max_buffer_days == 90);
    CHECK(s.licence_delay_days == 60);
    CHECK(s.leakage == 0.3);
    CHECK(s.leakage_delay_days == 45);
  }

  SECTION("levers") {
    REQUIRE(ex.levers.size() == 4);

    const auto& ref = std::get<RefiningSpec>(ex.levers[0].base);
    CHECK(ref.name == "refining NL gallium");
    CHECK(ref.region == "NL");
    CHECK(ref.material == 0);
    CHECK(ref.capacity_tpy == 0);  // an axis's first value
    CHECK(ref.feedstock ==
          std::vector<std::pair<std::string, double>>{{"cn-ga-mine", 0.25}, {"au-ga-mine", 0.75}});
    CHECK(ref.customers == std::vector<std::string>{"nl-ga-users"});
    CHECK(ref.standby);
    CHECK(ref.activation_days == 90);
    CHECK(ref.capex_eur_per_tpy == 2e5);
    CHECK(ref.lifetime_years == 25);
    CHECK(ref.opex_premium_eur_per_t == 5e4);
    CHECK(ref.standby_cost_per_year == 1e5);
    CHECK(ref.feedstock_lead_time_days == 45);
    CHECK(ref.lead_time_days == 5);
    CHECK(ref.yield == 0.9);
    CHECK(ref.buffer_days == 20);
    REQUIRE(ex.levers[0].axes.size() == 2);
    CHECK(ex.levers[0].axes[0].field == "capacity_tpy");
    CHECK(ex.levers[0].axes[0].values == std::vector<double>{0, 3, 6});
    CHECK(ex.levers[0].axes[1].field == "activation_days");

    const auto& div = std::get<DiversificationSpec>(ex.levers[1].base);
    CHECK(div.name == "diversification EU gallium");
    CHECK(div.regions == std::vector<std::string>{"NL", "DE"});
    CHECK(div.max_country_share == 0.5);
    CHECK(div.alternatives == std::vector<std::string>{"jp-ga-refinery", "kr-ga-refinery"});
    CHECK(div.premium_eur_per_t == 1e4);
    CHECK(div.lead_time_days == 40);
    CHECK(ex.levers[1].axes[0].values == std::vector<double>{0.5, 0.65});

    const auto& rec = std::get<RecyclingSpec>(ex.levers[2].base);
    CHECK(rec.name == "recycling NL germanium");
    CHECK(rec.regions == std::vector<std::string>{"NL"});
    CHECK(rec.material == 1);
    CHECK(rec.rate == 0.1);
    CHECK(rec.capex_eur_per_tpy == 1e5);
    CHECK(rec.lifetime_years == 15);
    CHECK(rec.opex_eur_per_t == 2e4);
    CHECK(rec.lead_time_days == 3);

    const auto& ew = std::get<EarlyWarningSpec>(ex.levers[3].base);
    CHECK(ew.name == "early_warning DE all");
    CHECK(ew.regions == std::vector<std::string>{"DE"});
    CHECK(ew.material == -1);
    CHECK(ew.lead_days == 0);
    CHECK(ew.cost_per_year == 5e5);

    // 3 x 2 x 2 x 2 x 2 points; those with every lever off are the baseline: capacity 0 with
    // the cap at 0.5 or 0.65 is still diversification, so only ... none is all-off.
    const PolicyDesign design = expand_grid(ex.levers);
    CHECK(design.sets.size() == 1 + 3 * 2 * 2 * 2 * 2);
    CHECK(design.columns.size() == 12 + 3 + 7 + 2);
    for (const auto& set : design.sets) {
      apply_policy(sc, set);  // every point applies
    }
  }
}

TEST_CASE("a refinery's capex scale is read from the file and swept like any key",
          "[experiment][capex]") {
  // Reference 9 000 t/yr at EUR 20 000 per t/yr, a 370 t/yr refinery, the exponent swept over
  // [0.6, 1]; the default discount rate 0.0225 over 20 years (annuity factor
  // 0.0225 / (1 - 1.0225^-20) = 0.0626421). Capex at 0.6: 20 000 x 9 000 x (370 / 9 000)^0.6 =
  // EUR 26 524 550.56 (tests/unit/test_plant_capex.cpp); at 1: 20 000 x 370 = EUR 7 400 000.
  const Experiment ex = load_experiment_text(
      kMinimal +
          "\n[[policy]]\nkind = \"refining\"\nregion = \"NL\"\nmaterial = \"gallium\"\n"
          "capacity_tpy = 370\nfeedstock = { \"cn-mine\" = 1 }\ncapex_eur_per_tpy = 20000\n"
          "capex_reference_tpy = 9000\ncapex_scale_exponent = [0.6, 1]\n",
      "capex.toml");
  REQUIRE(ex.levers.size() == 1);
  const auto& ref = std::get<RefiningSpec>(ex.levers[0].base);
  CHECK(ref.capex_reference_tpy == 9000);
  CHECK(ref.capex_scale_exponent == 0.6);  // an axis's first value
  const PolicyDesign design = expand_grid(ex.levers);
  REQUIRE(design.sets.size() == 3);
  const double scaled = apply_policy(ex.scenario, design.sets[1]).effects.costs.at(0).eur_per_year;
  const double linear = apply_policy(ex.scenario, design.sets[2]).effects.costs.at(0).eur_per_year;
  const double factor = 0.0225 / (1 - std::pow(1.0225, -20));
  CHECK(factor == Approx(0.0626421).epsilon(1e-6));
  CHECK(scaled == Approx(26524550.563733157 * factor).epsilon(1e-12));
  CHECK(linear == Approx(7400000 * factor).epsilon(1e-12));
}

TEST_CASE("lever defaults", "[experiment]") {
  const std::string jp_refinery =
      "\n[[node]]\nid = \"jp-ref\"\nkind = \"refinery\"\nmaterial = \"gallium\"\n"
      "country = \"JP\"\ncapacity_tpy = 10\n\n[[edge]]\nfrom = \"cn-mine\"\nto = \"jp-ref\"\n"
      "share = 1\nlead_time_days = 5\n";
  const Experiment ex = load_experiment_text(
      kMinimal + jp_refinery + "\n[[policy]]\n" +
          std::string("kind = \"refining\"\nregion = \"NL\"\nmaterial = \"gallium\"\n"
                      "capacity_tpy = 2\nfeedstock = { \"cn-mine\" = 1 }\n"
                      "[[policy]]\nkind = \"diversification\"\nregions = [\"NL\"]\n"
                      "material = \"gallium\"\nalternatives = [\"jp-ref\"]\n"
                      "[[policy]]\nkind = \"recycling\"\nregions = [\"NL\"]\n"
                      "material = \"gallium\"\nrate = 0.1\n"
                      "[[policy]]\nkind = \"early_warning\"\nregions = [\"NL\"]\n"
                      "material = \"gallium\"\nlead_days = 5\n"),
      "defaults.toml");
  REQUIRE(ex.levers.size() == 4);
  const auto& ref = std::get<RefiningSpec>(ex.levers[0].base);
  CHECK(ref.customers.empty());  // every consumer of the region
  CHECK_FALSE(ref.standby);
  CHECK(ref.activation_days == 0);
  CHECK(ref.capex_eur_per_tpy == 0);
  CHECK(ref.capex_reference_tpy == 0);   // not given
  CHECK(ref.capex_scale_exponent == 1);  // linear
  CHECK(ref.lifetime_years == 20);
  CHECK(ref.opex_premium_eur_per_t == 0);
  CHECK(ref.feedstock_lead_time_days == 30);
  CHECK(ref.lead_time_days == 7);
  CHECK(ref.yield == 1);
  CHECK(ref.buffer_days == 0);
  const auto& div = std::get<DiversificationSpec>(ex.levers[1].base);
  CHECK(div.max_country_share == 0.65);
  CHECK(div.premium_eur_per_t == 0);
  CHECK(div.lead_time_days == 30);
  const auto& rec = std::get<RecyclingSpec>(ex.levers[2].base);
  CHECK(rec.capex_eur_per_tpy == 0);
  CHECK(rec.capex_reference_tpy == 0);
  CHECK(rec.capex_scale_exponent == 1);
  CHECK(rec.lifetime_years == 20);
  CHECK(rec.opex_eur_per_t == 0);
  CHECK(rec.lead_time_days == 7);
  const auto& ew = std::get<EarlyWarningSpec>(ex.levers[3].base);
  CHECK(ew.name == "early_warning NL gallium");
  CHECK(ew.material == 0);
  CHECK(ew.cost_per_year == 0);
  const auto s =
      load_experiment_text(kMinimal +
                               "\n[[shock]]\nname = \"s\"\nkind = \"export_restriction\"\n"
                               "country = \"CN\"\nstart_day = 5\nduration_days = 5\n",
                           "x.toml")
          .scenario.shocks[0]
          .as<ExportRestrictionSpec>();
  CHECK(s.announce_days == 0);
  CHECK(s.max_buffer_days == 0);
  CHECK(s.licence_delay_days == 0);
  CHECK(s.leakage == 0);
  CHECK(s.leakage_delay_days == 0);
}

TEST_CASE("a value-of-lost-load range is read and refused unless it holds the value",
          "[experiment]") {
  const std::string voll = "value_of_lost_load_eur_per_t = 2e7";
  const auto with_range = [&](const std::string& range) {
    return replace_line(voll, voll + "\nvalue_of_lost_load_range_eur_per_t = " + range);
  };
  // Absent: NaN at both ends (the results file's experiment_toml then has no key either).
  const MaterialSpec none = load_experiment_text(kMinimal, "mini.toml").scenario.materials[0];
  CHECK(std::isnan(none.value_of_lost_load_low_eur_per_t));
  CHECK(std::isnan(none.value_of_lost_load_high_eur_per_t));
  const MaterialSpec m =
      load_experiment_text(with_range("[1e7, 5e7]"), "mini.toml").scenario.materials[0];
  CHECK(m.value_of_lost_load_eur_per_t == 2e7);
  CHECK(m.value_of_lost_load_low_eur_per_t == 1e7);
  CHECK(m.value_of_lost_load_high_eur_per_t == 5e7);
  // The ends may equal the value: a range of one point is a value known exactly.
  const MaterialSpec point =
      load_experiment_text(with_range("[2e7, 2e7]"), "mini.toml").scenario.materials[0];
  CHECK(point.value_of_lost_load_low_eur_per_t == 2e7);
  CHECK(point.value_of_lost_load_high_eur_per_t == 2e7);

  const std::string key = "value_of_lost_load_range_eur_per_t";
  const std::string holds =
      "value_of_lost_load_range_eur_per_t must be [low, high] with low <= "
      "value_of_lost_load_eur_per_t (20000000) <= high";
  check_error("range above the value", with_range("[3e7, 5e7]"), key,
              {"material 'gallium'", holds, "got [30000000, 50000000]"});
  check_error("range below the value", with_range("[1e6, 1e7]"), key,
              {holds, "got [1000000, 10000000]"});
  check_error("range upside down", with_range("[5e7, 1e7]"), key, {holds});
  check_error("one end", with_range("[1e7]"), key, {"a list of two values of lost load"});
  check_error("three ends", with_range("[1e7, 2e7, 3e7]"), key,
              {"a list of two values of lost load"});
  check_error("not a list", with_range("2e7"), key, {"a list of two values of lost load"});
  check_error("zero low end", with_range("[0, 5e7]"), key,
              {"value_of_lost_load_range_eur_per_t[0] must be > 0, got 0"});
  check_error("a string end", with_range("[1e7, \"high\"]"), key,
              {"value_of_lost_load_range_eur_per_t[1]"});
  check_error(
      "an end past the cap", with_range("[1e7, 1e13]"), key,
      {"value_of_lost_load_range_eur_per_t[1] must be <= 1000000000000, got 10000000000000"});
}

TEST_CASE("bad market, restriction and lever keys fail with a one-line message", "[experiment]") {
  const std::string voll = "value_of_lost_load_eur_per_t = 2e7";
  const auto material_with = [&](const std::string& lines) {
    return replace_line(voll, voll + "\n" + lines);
  };
  check_error("substitution without market", material_with("substitution = {}"), "substitution",
              {"material 'gallium'", "substitution needs a market = { ... } block"});
  check_error("supply expansion without market",
              material_with("supply_expansion = { rate_per_year = 0.1 }"), "supply_expansion",
              {"supply_expansion needs a market"});
  check_error("market value out of range", material_with("market = { price_elasticity = 0 }"),
              "market", {"market.price_elasticity must be > 0, got 0"});
  check_error("market key misspelt", material_with("market = { price_elasticty = 5 }"), "market",
              {"unknown key 'market.price_elasticty'", "did you mean 'price_elasticity'?"});
  check_error("max_fraction above 1",
              material_with("market = {}\nsubstitution = { max_fraction = 1.5 }"), "substitution",
              {"substitution.max_fraction must be in [0, 1], got 1.5"});

  const std::string restriction =
      kMinimal +
      "\n[[shock]]\nname = \"s\"\nkind = \"export_restriction\"\ncountry = \"CN\"\n"
      "start_day = 5\nduration_days = 5\n";
  check_error("leakage on an outage",
              kMinimal +
                  "\n[[shock]]\nname = \"s\"\nkind = \"outage\"\nnodes = [\"cn-ref\"]\n"
                  "start_day = 5\nduration_days = 5\nleakage = 0.3\n",
              "leakage", {"shock 's'", "leakage does not apply to an outage shock"});
  check_error("leakage above 1", restriction + "leakage = 1.3\n", "leakage",
              {"leakage must be in [0, 1], got 1.3"});
  check_error("max_buffer_days without announce_days", restriction + "max_buffer_days = 90\n",
              "max_buffer_days", {"max_buffer_days applies only with announce_days > 0"});
  check_error("leakage delay without leakage", restriction + "leakage_delay_days = 9\n",
              "leakage_delay_days", {"leakage_delay_days applies only with leakage > 0"});
  check_error("negative licence delay", restriction + "licence_delay_days = -1\n", "-1",
              {"licence_delay_days must be >= 0, got -1"});

  const std::string refining =
      "kind = \"refining\"\nregion = \"NL\"\nmaterial = \"gallium\"\ncapacity_tpy = 2\n";
  check_error("feedstock shares not summing to 1",
              with_policy(refining + "feedstock = { \"cn-mine\" = 0.5 }\n"), "feedstock",
              {"policy 'refining NL gallium'", "feedstock shares must sum to 1, got 0.5"});
  check_error(
      "unknown mine", with_policy(refining + "feedstock = { \"cn-mne\" = 1 }\n"), "feedstock",
      {"feedstock key must name a mine of 'gallium', got 'cn-mne'", "did you mean 'cn-mine'?"});
  check_error("feedstock from a refinery",
              with_policy(refining + "feedstock = { \"cn-ref\" = 1 }\n"), "feedstock",
              {"got 'cn-ref' (a refinery of 'gallium')"});
  check_error("feedstock share above 1",
              with_policy(refining + "feedstock = { \"cn-mine\" = 1.5 }\n"), "1.5",
              {"feedstock.cn-mine must be in [0, 1], got 1.5"});
  check_error("no feedstock", with_policy(refining), "[[policy]]",
              {"missing required key 'feedstock'"});
  check_error("no capacity",
              with_policy("kind = \"refining\"\nregion = \"NL\"\nmaterial = \"gallium\"\n"
                          "feedstock = { \"cn-mine\" = 1 }\n"),
              "[[policy]]", {"missing required key 'capacity_tpy'"});
  check_error("refining for a group",
              kMinimal + "\n[groups]\nEU = [\"NL\"]\n\n[[policy]]\n" +
                  "kind = \"refining\"\nregion = \"EU\"\n",
              "\"EU\"\n", {"region must name a consumer region, not a group, got 'EU'"});
  check_error(
      "unknown customer",
      with_policy(refining + "feedstock = { \"cn-mine\" = 1 }\ncustomers = [\"nl-user\"]\n"),
      "customers",
      {"customers[0] must name a consumer of 'gallium' in region 'NL', got 'nl-user'",
       "did you mean 'nl-users'?"});
  check_error(
      "activation without standby",
      with_policy(refining + "feedstock = { \"cn-mine\" = 1 }\nactivation_days = [30, 60]\n"),
      "activation_days", {"activation_days applies only with mode = 'standby'"});
  check_error("bad mode",
              with_policy(refining + "feedstock = { \"cn-mine\" = 1 }\nmode = \"stanby\"\n"),
              "\"stanby\"", {"mode must be one of", "did you mean 'standby'?"});
  check_error("yield of 0", with_policy(refining + "feedstock = { \"cn-mine\" = 1 }\nyield = 0\n"),
              "yield", {"yield must be in (0, 1000], got 0"});
  check_error("refinery id taken",
              kMinimal + "\n[[node]]\nid = \"refining NL gallium\"\nkind = \"mine\"\n" +
                  "material = \"gallium\"\ncountry = \"NL\"\ncapacity_tpy = 1\n\n[[policy]]\n" +
                  refining + "feedstock = { \"cn-mine\" = 1 }\n",
              "[[policy]]", {"'refining NL gallium', has the id of a [[node]]"});

  const std::string other_material =
      kMinimal +
      "\n[[material]]\nname = \"germanium\"\nprice_eur_per_t = 1\n"
      "value_of_lost_load_eur_per_t = 1\n\n[[node]]\nid = \"ge-mine\"\nkind = \"mine\"\n"
      "material = \"germanium\"\ncountry = \"CN\"\ncapacity_tpy = 5\n";
  const std::string diversification =
      "\n[[policy]]\nkind = \"diversification\"\nregions = [\"NL\"]\nmaterial = \"gallium\"\n";
  check_error("an alternative of the wrong material",
              other_material + diversification + "alternatives = [\"ge-mine\"]\n", "\"ge-mine\"]",
              {"policy 'diversification NL gallium'",
               "alternatives[0] must name a mine or refinery of 'gallium', got 'ge-mine' (a mine "
               "of 'germanium')"});
  check_error("a consumer as alternative",
              kMinimal + diversification + "alternatives = [\"nl-users\"]\n", "\"nl-users\"]",
              {"got 'nl-users' (a consumer of 'gallium')"});
  check_error("no alternative it can buy from",
              kMinimal + diversification +
                  "alternatives = [\"cn-mine\"]\nmax_country_share = "
                  "[0.9, 0.5]\n",
              "[[policy]]",
              {"consumer 'nl-users' buys more than 0.9 from 'CN'", "(at max_country_share=0.9)"});
  check_error("cap of 0",
              kMinimal + diversification + "alternatives = [\"cn-ref\"]\nmax_country_share = 0\n",
              "max_country_share = 0", {"max_country_share must be in (0, 1], got 0"});

  const std::string recycling =
      "kind = \"recycling\"\nregions = [\"NL\"]\nmaterial = \"gallium\"\n";
  check_error("recycling everything", with_policy(recycling + "rate = 1\n"), "rate = 1",
              {"rate must be in [0, 1), got 1"});
  check_error("recycling without rate", with_policy(recycling), "[[policy]]",
              {"missing required key 'rate'"});
  check_error("overlapping recycling",
              kMinimal + "\n[groups]\nEU = [\"NL\"]\n\n[[policy]]\n" + recycling +
                  "rate = 0.1\n\n[[policy]]\nkind = \"recycling\"\nregions = [\"EU\"]\n"
                  "material = \"gallium\"\nrate = 0.2\n",
              "[[policy]]\nkind = \"recycling\"\nregions = [\"EU\"]",
              {"policy 'recycling EU gallium'", "overlaps policy 'recycling NL gallium' (line",
               "region 'NL' for 'gallium'"});
  check_error("same policy twice",
              with_policy(recycling + "rate = 0.1\n\n[[policy]]\n" + recycling + "rate = 0.2\n"),
              "[[policy]]\n" + recycling + "rate = 0.2",
              {"a policy named 'recycling NL gallium' is already defined at line"});

  check_error("early warning without lead",
              with_policy("kind = \"early_warning\"\nregions = [\"NL\"]\n"), "[[policy]]",
              {"policy 'early_warning NL all'", "missing required key 'lead_days'"});
  check_error("early warning for an unknown material",
              with_policy("kind = \"early_warning\"\nregions = [\"NL\"]\nmaterial = \"tin\"\n"),
              "\"tin\"", {"material must name a [[material]], got 'tin'"});
}

TEST_CASE("early warnings may overlap, other levers of one kind may not", "[experiment]") {
  const std::string group = kMinimal + "\n[groups]\nEU = [\"NL\"]\n";
  const Experiment ex = load_experiment_text(
      group +
          "\n[[policy]]\nkind = \"early_warning\"\nregions = [\"NL\"]\nlead_days = 10\n"
          "\n[[policy]]\nkind = \"early_warning\"\nregions = [\"EU\"]\n"
          "material = \"gallium\"\nlead_days = 20\n",
      "ok.toml");
  REQUIRE(ex.levers.size() == 2);
  CHECK(lever_name(ex.levers[0].base) == "early_warning NL all");
  CHECK(lever_name(ex.levers[1].base) == "early_warning EU gallium");

  const std::string stockpiles =
      group +
      "\n[[policy]]\nkind = \"stockpile\"\nregions = [\"NL\"]\nmaterial = \"gallium\"\n"
      "size_days = 30\n\n[[policy]]\nkind = \"stockpile\"\nregions = [\"EU\"]\n"
      "material = \"gallium\"\nsize_days = 60\n";
  check_error("overlapping stockpiles", stockpiles,
              "[[policy]]\nkind = \"stockpile\"\nregions = [\"EU\"]",
              {"policy 'stockpile EU gallium'", "overlaps policy 'stockpile NL gallium'"});
}
