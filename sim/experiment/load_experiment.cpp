// Reading an experiment file: parse the TOML, read each section into typed structs checking
// every field as it is read, then check fields against each other (ids exist, shares sum to 1).
// This file holds the entry points, the network and the small sections; shocks and policies are
// in load_shocks.cpp and load_policies.cpp.

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/names.hpp"
#include "models/trajectory.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/experiment/input_file.hpp"
#include "sim/experiment/sections.hpp"

namespace crisp {

namespace experiment_detail {

using toml_input::above;
using toml_input::above_capped;
using toml_input::at_least;
using toml_input::capped;
using toml_input::closed;
using toml_input::left_open;

namespace {

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

template <class T>
void add_once(std::vector<T>& v, const T& x) {
  if (!contains(v, x)) v.push_back(x);
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// "'a', 'b' or 'c'"
std::string one_of(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    out += fmt::format("{}'{}'", i == 0 ? "" : i + 1 == words.size() ? " or " : ", ", words[i]);
  }
  return out;
}

// "an" before a vowel: "an outage shock", "a mine node".
const char* article(std::string_view word) {
  return !word.empty() && std::string_view("aeiou").find(word[0]) != std::string_view::npos ? "an"
                                                                                            : "a";
}

// Materials and report regions name groups of the results file (/metrics/<material>/<region>),
// and `all` is the sum over materials: such a name must be one plain, free HDF5 name.
void check_layout_name(const Value& v, std::string_view what) {
  const std::string name = v.name();
  if (name.empty() || name == "all" || name == "." || name == ".." ||
      name.find('/') != std::string::npos) {
    v.fail(
        fmt::format("{} name that is not empty, 'all', '.' or '..' and has no '/' (it names a "
                    "group of the results file)",
                    what));
  }
}

// ---- [experiment] ----

void read_experiment(const Table& t, Scenario& sc) {
  t.check_keys({.allowed = {"name", "horizon_years", "replications", "seed", "report_regions",
                            "discount_rate", "event_budget", "block_replications"}});
  const Value name = t.require("name", "a string");
  sc.name = name.name();
  if (sc.name.empty()) name.fail("a non-empty string");
  // At most 1000 years: days and the count of shock events stay finite and bounded.
  sc.horizon_days = kDaysPerYear *
                    t.number_or("horizon_years", 10, toml_input::above_capped(0, kMaxHorizonYears));
  if (const auto v = t.get("replications")) {
    sc.replications = v->integer(1);
    if (sc.replications > kMaxReplications) v->fail("an integer in [1, 100000000]");
  }
  sc.seed = static_cast<std::uint64_t>(t.integer_or("seed", 1, 0));
  sc.discount_rate = t.number_or("discount_rate", 0.0225, at_least(0));
  if (const auto v = t.get("event_budget")) {
    // Above a million events a day per element the guard would guard nothing (and the product
    // with the network's size could overflow).
    const std::int64_t budget = v->integer(1);
    if (budget > 1'000'000) v->fail("an integer in [1, 1000000]");
    sc.event_budget = static_cast<std::uint64_t>(budget);
  }
  if (const auto v = t.get("block_replications")) {
    // A block's values travel as one journal record and one MPI message: 100 000 replications
    // keep both far below 2 GiB for any network the loader accepts.
    const std::int64_t block = v->integer(1);
    if (block > 100'000) v->fail("an integer in [1, 100000]");
    sc.block_replications = block;
  }
}

// Default: every consumer region, in the order the nodes name them.
void read_report_regions(const Table& t, Scenario& sc, const Catalog& catalog) {
  const auto v = t.get("report_regions");
  if (!v) {
    sc.report_regions = catalog.consumer_regions;
    return;
  }
  const auto known = concat(catalog.consumer_regions, catalog.group_names);
  for (const auto& item : v->list(false)) {
    const std::string region = known[resolve(item, known, "a consumer region or a group")];
    if (contains(sc.report_regions, region)) {
      item.fail_with(fmt::format("{} lists '{}' twice", v->key(), region));
    }
    sc.report_regions.push_back(region);
  }
}

// ---- [[material]] ----

// The market response (docs/model.md "Market response"): `market` turns the price on; substitution
// and supply expansion act on the price, so they need it.
void read_market(const Table& t, MaterialSpec& m) {
  if (const auto v = t.get("market")) {
    const Table market = v->table();
    market.check_keys(
        {.allowed = {"price_elasticity", "price_cap_multiple", "review_days", "price_step_days",
                     "price_adjust_days", "demand_elasticity", "stock_building_days"}});
    m.market.enabled = true;
    m.market.price_elasticity = market.number_or("price_elasticity", 0.2, above(0));
    m.market.price_cap_multiple =
        market.number_or("price_cap_multiple", 10, capped(1, kMaxPriceMultiple));
    m.market.review_days = market.number_or("review_days", 30, above_capped(0, kMaxDays));
    // The demand response and stepped price (docs/model.md "Demand response and a stepped
    // price"): either response key moves the price by weekly steps unless a step is given.
    m.market.price_adjust_days = market.number_or("price_adjust_days", 0, capped(0, kMaxDays));
    m.market.demand_elasticity =
        market.number_or("demand_elasticity", 0, capped(0, kMaxDemandElasticity));
    m.market.stock_building_days = market.number_or("stock_building_days", 0, capped(0, kMaxDays));
    // Buyers hoard on the rise still to come, the gap between the price and its target: with no
    // adjustment there is none, and the key would do nothing.
    if (m.market.stock_building_days > 0 && m.market.price_adjust_days == 0)
      market.get("stock_building_days")
          ->fail_with(
              "stock_building_days needs market.price_adjust_days > 0: buyers build stock on the "
              "rise still to come toward the price's target, and without an adjustment the price "
              "is at its target at every step");
    const bool responds = market.has("price_adjust_days") || market.has("demand_elasticity") ||
                          market.has("stock_building_days");
    // At least a day: prices are not quoted more often, and a run has horizon / step steps.
    m.market.price_step_days = market.has("price_step_days")
                                   ? market.number("price_step_days", capped(1, kMaxDays))
                                   : (responds ? 7 : 0);
  }
  for (const char* key : {"substitution", "supply_expansion"}) {
    if (const auto v = t.get(key); v && !m.market.enabled) {
      v->fail_with(fmt::format("{} needs a market = {{ ... }} block: it acts on the price", key));
    }
  }
  if (const auto v = t.get("substitution")) {
    const Table sub = v->table();
    sub.check_keys(
        {.allowed = {"rate_per_year", "max_fraction", "threshold", "irreversible_share"}});
    m.substitution.enabled = true;
    m.substitution.rate_per_year = sub.number_or("rate_per_year", 0.10, at_least(0));
    m.substitution.max_fraction = sub.number_or("max_fraction", 0.3, closed(0, 1));
    m.substitution.threshold = sub.number_or("threshold", 0.5, at_least(0));
    m.substitution.irreversible_share = sub.number_or("irreversible_share", 0, closed(0, 1));
  }
  if (const auto v = t.get("supply_expansion")) {
    const Table exp = v->table();
    exp.check_keys({.allowed = {"rate_per_year", "delay_days", "threshold"}});
    m.expansion.enabled = true;
    m.expansion.rate_per_year = exp.number_or("rate_per_year", 0.04, at_least(0));
    m.expansion.delay_days = exp.number_or("delay_days", 365, capped(0, kMaxDays));
    m.expansion.threshold = exp.number_or("threshold", 0.5, at_least(0));
  }
}

// `value_of_lost_load_range_eur_per_t = [low, high]`: the LOW and HIGH of
// docs/values-of-lost-load.md around the value the run uses, so a range that does not hold that
// value (or is upside down) is a mistake in the file.
void read_voll_range(const Table& t, MaterialSpec& m) {
  const auto v = t.get("value_of_lost_load_range_eur_per_t");
  if (!v) return;
  const char* expected =
      "a list of two values of lost load [low, high] in EUR/t, such as [1e5, 1e7]";
  if (!v->node().is_array()) v->fail_type(expected);
  const auto items = v->list();
  if (items.size() != 2) v->fail(expected);
  const double low = items[0].number(above_capped(0, kMaxEur));
  const double high = items[1].number(above_capped(0, kMaxEur));
  const double voll = m.value_of_lost_load_eur_per_t;
  if (!(low <= voll && voll <= high)) {
    v->fail(fmt::format("[low, high] with low <= value_of_lost_load_eur_per_t ({}) <= high", voll));
  }
  m.value_of_lost_load_low_eur_per_t = low;
  m.value_of_lost_load_high_eur_per_t = high;
}

void read_material(const Table& t, Scenario& sc, UniqueNames& names) {
  name_early(t, "material", "name");
  t.check_keys({.allowed = {"name", "price_eur_per_t", "value_of_lost_load_eur_per_t",
                            "value_of_lost_load_range_eur_per_t", "resourcing_delay_days",
                            "spot_lead_time_days", "market", "substitution", "supply_expansion"}});
  MaterialSpec m;
  m.name = names.add(t.require("name", "a string"));
  check_layout_name(*t.get("name"), "a material");
  t.set_label(fmt::format("material '{}'", m.name));
  m.price_eur_per_t = t.number("price_eur_per_t", capped(0, kMaxEur));
  m.value_of_lost_load_eur_per_t = t.number("value_of_lost_load_eur_per_t", capped(0, kMaxEur));
  read_voll_range(t, m);
  m.resourcing_delay_days = t.number_or("resourcing_delay_days", 30, capped(0, kMaxDays));
  m.spot_lead_time_days = t.number_or("spot_lead_time_days", 30, capped(0, kMaxDays));
  read_market(t, m);
  sc.materials.push_back(m);
}

// ---- [[node]] ----

const KindSchema& node_schema() {
  static const KindSchema schema{
      .noun = "node",
      .common = {"id", "kind", "material", "country"},
      .kinds = {{"mine", {"capacity_tpy"}},
                {"refinery", {"capacity_tpy", "yield", "buffer_days", "buffer_refill_days"}},
                {"consumer",
                 {"region", "demand_tpy", "growth_per_year", "buffer_days", "buffer_refill_days",
                  "demand_elasticity"}}},
  };
  return schema;
}

void read_node(const Table& t, Scenario& sc, Catalog& catalog, UniqueNames& ids) {
  name_early(t, "node", "id");
  node_schema().check_keys(t);
  NodeSpec n;
  n.id = ids.add(t.require("id", "a string"));
  t.set_label(fmt::format("node '{}'", n.id));
  n.kind = from_name(node_schema().read_kind(t), kNodeKinds);
  n.material = resolve_material(t.require("material", "the name of a [[material]]"), sc);
  n.country = t.require("country", "a string").name();
  if (n.country.empty()) t.require("country", "").fail("a non-empty string");
  if (n.kind == NodeKind::consumer && !t.has("region")) {
    check_layout_name(*t.get("country"), "a region (a consumer's country is its region)");
  }

  switch (n.kind) {
    case NodeKind::mine:
      n.capacity_tpy = t.number("capacity_tpy", capped(0, kMaxTonnes));
      break;
    case NodeKind::refinery:
      n.capacity_tpy = t.number("capacity_tpy", capped(0, kMaxTonnes));
      n.yield = t.number_or("yield", 1, left_open(0, 1e3));
      break;
    case NodeKind::consumer:
      n.region = n.country;
      if (const auto region = t.get("region")) {
        check_layout_name(*region, "a region");
        n.region = region->name();
      }
      n.demand_tpy = t.number("demand_tpy", capped(0, kMaxTonnes));
      n.growth_per_year = t.number_or("growth_per_year", 0, toml_input::above_capped(-1, 1));
      // Demand compounds yearly: it must stay finite (and summable) to the end of the horizon.
      if (const auto g = t.get("growth_per_year");
          g && n.demand_tpy * std::pow(1 + n.growth_per_year, sc.horizon_days / kDaysPerYear) >
                   kMaxGrownDemand) {
        g->fail_with(fmt::format(
            "growth_per_year {} would grow demand_tpy {} beyond {:g} t/yr within the {:g}-year "
            "horizon",
            n.growth_per_year, n.demand_tpy, kMaxGrownDemand, sc.horizon_days / kDaysPerYear));
      }
      if (const auto e = t.get("demand_elasticity")) {
        // It answers the material's stepped price; without one there is nothing to answer.
        if (!sc.materials[n.material].market.stepped())
          e->fail_with(
              fmt::format("demand_elasticity needs material '{}' to have a stepped price: set its "
                          "market.price_step_days (or market.demand_elasticity)",
                          sc.materials[n.material].name));
        n.demand_elasticity = t.number("demand_elasticity", capped(0, kMaxDemandElasticity));
      }
      add_once(catalog.consumer_regions, n.region);
      break;
  }
  if (n.kind != NodeKind::mine) {
    n.buffer_days = t.number_or("buffer_days", 0, capped(0, kMaxDays));
    n.buffer_refill_days = t.number_or("buffer_refill_days", 60, above_capped(0, kMaxDays));
  }
  add_once(catalog.countries, n.country);
  catalog.node_tables.push_back(t);
  catalog.node_index.emplace(n.id, static_cast<int>(sc.nodes.size()));
  sc.nodes.push_back(n);
}

// ---- [groups] ----

void read_groups(const Table& t, Scenario& sc, Catalog& catalog) {
  for (const auto& entry : t.raw()) {
    const std::string name(entry.first.str());
    const Value group = *t.get(name);
    if (const std::string problem = names::name_problem(name); !problem.empty()) {
      group.fail_with(
          fmt::format("group name '{}' must be a name of UTF-8 text without control "
                      "characters, at most {} bytes ({})",
                      names::shortened(name, 60), names::kMaxNameBytes, problem));
    }
    if (name.empty() || name == "all" || name == "." || name == ".." ||
        name.find('/') != std::string::npos) {
      group.fail_with(
          fmt::format("group name '{}' must not be empty, 'all', '.' or '..' nor "
                      "contain '/' (it names a group of the results file)",
                      name));
    }
    if (contains(catalog.consumer_regions, name)) {
      group.fail_with(fmt::format(
          "group '{}' has the name of a consumer region; groups need names of their own", name));
    }
    std::vector<std::string> members;
    for (const auto& item : group.list(false)) {
      const std::string& region =
          catalog.consumer_regions[resolve(item, catalog.consumer_regions, "a consumer region")];
      if (contains(members, region)) {
        item.fail_with(fmt::format("{} lists '{}' twice", name, region));
      }
      members.push_back(region);
    }
    sc.groups[name] = members;
    catalog.group_names.push_back(name);
  }
}

// ---- [[edge]] ----

bool edge_allowed(NodeKind from, NodeKind to) {
  return (from == NodeKind::mine && to == NodeKind::refinery) ||
         (from == NodeKind::refinery && to == NodeKind::consumer) ||
         (from == NodeKind::mine && to == NodeKind::consumer);
}

void read_edge(const Table& t, Scenario& sc, Catalog& catalog) {
  const auto label = [](const std::string& from, const std::string& to) {
    return fmt::format("edge '{} -> {}'", from, to);
  };
  if (t.peek_string("from") && t.peek_string("to")) {
    t.set_label(label(names::shortened(*t.peek_string("from"), 60),
                      names::shortened(*t.peek_string("to"), 60)));
  }
  t.check_keys({.allowed = {"from", "to", "share", "lead_time_days", "routes"}});
  const Value from = t.require("from", "a node id");
  const Value to = t.require("to", "a node id");
  t.set_label(label(from.string(), to.string()));

  EdgeSpec e;
  const auto node = [&](const Value& v) {
    const auto it = catalog.node_index.find(v.string());
    return it != catalog.node_index.end() ? it->second : resolve_node(v, sc);  // it says why not
  };
  e.from = node(from);
  e.to = node(to);
  const NodeSpec &supplier = sc.nodes[e.from], &buyer = sc.nodes[e.to];
  if (!edge_allowed(supplier.kind, buyer.kind)) {
    t.fail(
        fmt::format("a {} -> {} edge is not allowed: edges run mine -> refinery, refinery -> "
                    "consumer or mine -> consumer",
                    to_string(supplier.kind), to_string(buyer.kind)));
  }
  if (supplier.material != buyer.material) {
    to.fail_with(fmt::format("to must be a node of the same material as '{}' ({}), got '{}' ({})",
                             supplier.id, sc.materials[supplier.material].name, buyer.id,
                             sc.materials[buyer.material].name));
  }
  const auto pair = static_cast<std::uint64_t>(e.from) << 32 | static_cast<std::uint32_t>(e.to);
  if (!catalog.edge_pairs.insert(pair).second)
    t.fail(fmt::format("duplicate edge: '{} -> {}' is already defined", supplier.id, buyer.id));
  e.share = t.number("share", closed(0, 1));
  e.lead_time_days = t.number("lead_time_days", capped(0, kMaxDays));
  if (const auto routes = t.get("routes")) {
    for (const auto& item : routes->list()) {
      const std::string route = item.name();
      if (route.empty()) item.fail("a non-empty string");
      if (contains(e.routes, route)) item.fail_with(fmt::format("routes lists '{}' twice", route));
      e.routes.push_back(route);
      add_once(catalog.routes, route);
    }
  }
  sc.edges.push_back(e);
}

// Checks that need every edge: docs/model.md "The network" (shares into a buyer sum to 1) and that
// every buyer that must buy has a supplier.
void check_network(const Scenario& sc, const Catalog& catalog) {
  constexpr double kShareTolerance = 1e-6;
  std::vector<double> share_in(sc.nodes.size(), 0.0);
  std::vector<int> edges_in(sc.nodes.size(), 0);
  for (const auto& e : sc.edges) {
    share_in[e.to] += e.share;
    ++edges_in[e.to];
  }
  for (std::size_t i = 0; i < sc.nodes.size(); ++i) {
    const NodeSpec& n = sc.nodes[i];
    const Table& t = catalog.node_tables[i];
    if (edges_in[i] > 0 && std::abs(share_in[i] - 1) > kShareTolerance) {
      t.fail(fmt::format("the shares of the edges into it must sum to 1, got {:.9g}", share_in[i]));
    }
    if (edges_in[i] == 0 && n.kind == NodeKind::refinery) {
      t.fail("a refinery needs at least one [[edge]] into it (from a mine)");
    }
    if (edges_in[i] == 0 && n.kind == NodeKind::consumer && n.demand_tpy > 0) {
      t.fail(fmt::format("a consumer with demand_tpy = {} needs at least one [[edge]] into it",
                         n.demand_tpy));
    }
  }
}

// ---- [output] ----

// The trajectories [output] timeseries keeps, P x K x T values of each series, bounded before
// anything is simulated (kMaxTimeseriesValues). K is counted in full: -r may raise the
// replications past it.
void check_timeseries_size(const Value& timeseries, const Experiment& ex) {
  const Scenario& sc = ex.scenario;
  const auto sets = static_cast<double>(make_design(ex).sets.size());
  const auto K = static_cast<double>(ex.timeseries);
  const double T = std::floor(sc.horizon_days / ex.timeseries_step_days) + 1;
  const auto series = static_cast<double>(sc.materials.size() * sc.report_regions.size() *
                                          static_cast<std::size_t>(kTrajectorySeriesCount));
  const double values = sets * K * T * series;
  if (values <= kMaxTimeseriesValues) return;
  timeseries.fail_with(fmt::format(
      "timeseries = {} keeps {:g} policy sets x {:g} replications x {:g} samples x {:g} series = "
      "{:.3g} trajectory values ({:.3g} GB of memory while they are recorded), more than {:g}: "
      "keep fewer replications, sample less often (timeseries_step_days) or sweep fewer "
      "policy sets",
      ex.timeseries, sets, K, T, series, values, values * sizeof(double) / 1e9,
      kMaxTimeseriesValues));
}

void read_output(const Table& t, Experiment& ex) {
  t.check_keys({.allowed = {"file", "timeseries", "timeseries_step_days"}});
  if (const auto file = t.get("file")) {
    if (file->string().empty()) file->fail("a non-empty string");
    ex.output_file = file->string();
  }
  // Trajectories are [P, K, T] per series, material and region, held in memory while written:
  // 1 000 replications and 100 000 sample times keep that within reach of a workstation.
  if (const auto v = t.get("timeseries")) {
    ex.timeseries = v->integer(0);
    if (ex.timeseries > 1000) v->fail("an integer in [0, 1000]");
  }
  ex.timeseries_step_days = t.number_or("timeseries_step_days", 7, above(0));
  if (const auto v = t.get("timeseries_step_days");
      v && ex.scenario.horizon_days / ex.timeseries_step_days > 100'000)
    v->fail(fmt::format("at least {} days (no more than 100 000 samples over the {}-day horizon)",
                        ex.scenario.horizon_days / 100'000, ex.scenario.horizon_days));
  if (ex.timeseries > 0) check_timeseries_size(*t.get("timeseries"), ex);
}

// ---- the whole file ----

template <class Read>
void for_each_table(const Table& root, std::string_view key, Read read) {
  for (const Table& t : toml_input::array_of_tables(root, key, key)) {
    read(t);
  }
}

// The [[node]] and [[edge]] columns of [network] CSV files: the keys of the tables.
CsvSchema node_csv_schema() {
  CsvSchema schema{.noun = "node", .required = {"id", "kind", "material", "country"}};
  schema.columns = node_schema().common;
  for (const auto& [kind, keys] : node_schema().kinds) {
    for (const auto& k : keys) {
      add_once(schema.columns, k);
    }
  }
  schema.text_columns = {"id", "kind", "material", "country", "region"};
  return schema;
}

CsvSchema edge_csv_schema() {
  return {.noun = "edge",
          .columns = {"from", "to", "share", "lead_time_days", "routes"},
          .required = {"from", "to", "share", "lead_time_days"},
          .text_columns = {"from", "to"},
          .list_columns = {"routes"}};
}

Experiment read_experiment_file(const Table& root, CsvContext& csv) {
  root.check_keys(
      {.allowed = {"experiment", "material", "node", "edge", "shock", "policy", "groups", "design",
                   "output", "network", "sensitivity", "optimise", "futures", "discovery"}});
  Experiment ex;
  ex.source_name = root.file();  // for messages about the whole file
  Scenario& sc = ex.scenario;
  Catalog catalog;

  const auto experiment = toml_input::sub_table(root, "experiment");
  if (!experiment) root.fail("missing required table [experiment] (with at least its name)");
  read_experiment(*experiment, sc);

  const auto network = toml_input::sub_table(root, "network");
  if (network) network->check_keys({.allowed = {"nodes_csv", "edges_csv"}});

  UniqueNames material_names("material name");
  for_each_table(root, "material", [&](const Table& t) { read_material(t, sc, material_names); });
  UniqueNames node_ids("node id");
  for_each_table(root, "node", [&](const Table& t) { read_node(t, sc, catalog, node_ids); });
  if (network) {
    for (const Table& t : read_csv_tables(*network, "nodes_csv", node_csv_schema(), csv)) {
      read_node(t, sc, catalog, node_ids);
    }
  }
  if (const auto groups = toml_input::sub_table(root, "groups")) read_groups(*groups, sc, catalog);
  read_report_regions(*experiment, sc, catalog);
  for_each_table(root, "edge", [&](const Table& t) { read_edge(t, sc, catalog); });
  if (network) {
    for (const Table& t : read_csv_tables(*network, "edges_csv", edge_csv_schema(), csv)) {
      read_edge(t, sc, catalog);
    }
  }
  check_network(sc, catalog);

  read_shocks(root, sc, catalog);
  const auto design = toml_input::sub_table(root, "design");
  if (design) read_design(*design, ex);
  catalog.design_kind = ex.design_kind;
  const PolicySection policies = read_policies(root, sc, catalog);
  ex.levers = policies.levers;
  if (design) read_design_sets(*design, ex, policies);
  check_design(design, ex);
  ex.optimise = read_optimise(root, sc, policies);
  if (const auto sensitivity = toml_input::sub_table(root, "sensitivity")) {
    ex.sensitivity = read_sensitivity(*sensitivity, sc, ex.levers);
  }
  if (const auto futures = toml_input::sub_table(root, "futures")) {
    ex.futures = read_futures(*futures, sc, ex.levers);
  }
  if (const auto discovery = toml_input::sub_table(root, "discovery")) {
    ex.discovery = read_discovery(*discovery, sc);
  }
  if (const auto output = toml_input::sub_table(root, "output")) {
    read_output(*output, ex);
  }
  return ex;
}

Experiment load_text(std::string_view text, const std::string& source_name,
                     std::optional<std::string> folder) {
  input_file::check_key_depth(text, source_name);
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    toml_input::fail_at(source_name, e.source().begin,
                        fmt::format("TOML syntax error: {}", e.description()));
  }
  const Table top(root, std::make_shared<toml_input::Place>(toml_input::Place{source_name, ""}));
  CsvContext csv{.folder = std::move(folder)};
  if (!csv.folder) csv.recorded = recorded_csv(text);
  Experiment ex = read_experiment_file(top, csv);
  ex.source_name = source_name;
  ex.source_text = std::string(text) + csv.appendix;
  return ex;
}

}  // namespace

// ---- helpers shared with load_shocks.cpp and load_policies.cpp ----

void name_early(const Table& t, std::string_view noun, std::string_view id_key) {
  // Not yet checked: cut short, so that a message about a 10 000-byte name stays one short line.
  if (const auto id = t.peek_string(id_key)) {
    t.set_label(fmt::format("{} '{}'", noun, names::shortened(*id, 60)));
  }
}

void KindSchema::check_keys(const Table& t) const {
  if (const auto kind = t.get("kind");
      kind && kind->node().is_string() && contains(kinds_not_yet, kind->string())) {
    kind->fail_with(fmt::format("{} kind '{}' is not supported yet", noun, kind->string()));
  }
  std::vector<std::string> every_key = common;
  for (const auto& [kind, keys] : kinds) {
    for (const auto& k : keys) {
      add_once(every_key, k);
    }
  }
  t.check_keys({.allowed = every_key, .not_yet = keys_not_yet});
}

std::string KindSchema::read_kind(const Table& t) const {
  std::vector<std::string> names;
  for (const auto& [kind, keys] : kinds) {
    names.push_back(kind);
  }
  const std::string kind = t.require("kind", one_of(names)).choice(names);

  std::vector<std::string> allowed = common, others;
  for (const auto& [k, keys] : kinds) {
    for (const auto& key : keys) {
      add_once(k == kind ? allowed : others, key);
    }
  }
  t.check_keys({.allowed = allowed,
                .not_yet = keys_not_yet,
                .other_kinds = others,
                .kind_phrase = fmt::format("{} {} {}", article(kind), kind, noun)});
  return kind;
}

std::string UniqueNames::add(const Value& v) {
  std::string name = v.name();
  if (name.empty()) v.fail("a non-empty string");
  const auto line = toml_input::line_in(v.place(), v.node().source().begin);
  const auto [it, inserted] = places_.emplace(name, std::pair(v.place().file, line));
  if (!inserted) {
    const auto& [file, first] = it->second;
    const std::string where =
        file == v.place().file ? fmt::format("line {}", first) : fmt::format("{}:{}", file, first);
    v.fail_with(fmt::format("duplicate {} '{}' ({} is already defined at {})", what_, name, v.key(),
                            where));
  }
  return name;
}

std::size_t resolve(const Value& v, std::span<const std::string> names, std::string_view what) {
  const std::string name = v.string();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
  v.fail_with(fmt::format("{} must name {}, got {}{}", v.key(), what, toml_input::show(v.node()),
                          toml_input::suggest(name, names)));
}

int resolve_material(const Value& v, const Scenario& sc) {
  std::vector<std::string> names;
  for (const auto& m : sc.materials) {
    names.push_back(m.name);
  }
  return static_cast<int>(resolve(v, names, "a [[material]]"));
}

int resolve_node(const Value& v, const Scenario& sc) {
  std::vector<std::string> ids;
  for (const auto& n : sc.nodes) {
    ids.push_back(n.id);
  }
  return static_cast<int>(resolve(v, ids, "a [[node]] id"));
}

std::vector<int> resolve_materials(const Table& t, std::string_view key, const Scenario& sc) {
  std::vector<int> out;
  if (const auto list = t.get(key)) {
    for (const auto& item : list->list(false)) {
      add_once(out, resolve_material(item, sc));
    }
  }
  return out;
}

std::vector<std::string> resolve_regions(const Value& list, const Scenario& sc,
                                         const Catalog& catalog) {
  const auto known = concat(catalog.consumer_regions, catalog.group_names);
  std::vector<std::string> regions;
  for (const auto& item : list.list(false)) {
    const std::string& name = known[resolve(item, known, "a consumer region or a group")];
    for (const auto& region : sc.member_regions(name)) {
      add_once(regions, region);
    }
  }
  return regions;
}

}  // namespace experiment_detail

Experiment load_experiment_text(std::string_view text, const std::string& source_name) {
  return experiment_detail::load_text(text, source_name, std::nullopt);
}

Experiment load_experiment_file(const std::string& path) {
  const input_file::Contents in = input_file::read(path);
  if (!in.error.empty()) {
    throw InputError(fmt::format("{}: cannot read the experiment file: {}", path, in.error));
  }
  const std::string folder = std::filesystem::path(path).parent_path().string();
  return experiment_detail::load_text(in.text, path, folder.empty() ? "." : folder);
}

}  // namespace crisp
