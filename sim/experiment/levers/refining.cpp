// Reading a [[policy]] of kind "refining" (policies/levers/refining.hpp).

#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "sim/experiment/lever_reader.hpp"

namespace crisp {

using namespace experiment_detail;
using toml_input::above;
using toml_input::at_least;
using toml_input::capped;
using toml_input::closed;
using toml_input::left_open;

namespace {

std::string read_refining_region(const Table& t, const Catalog& catalog) {
  const Value v = t.require("region", "a consumer region");
  const std::string name = v.string();
  if (std::find(catalog.group_names.begin(), catalog.group_names.end(), name) !=
      catalog.group_names.end()) {
    v.fail_with(
        fmt::format("region must name a consumer region, not a group, got '{}': a "
                    "refinery belongs to one region",
                    name));
  }
  return catalog.consumer_regions[resolve(v, catalog.consumer_regions, "a consumer region")];
}

// feedstock = { "mine-id" = share, ... }: mines of the material, shares summing to 1.
void read_feedstock(const Table& t, RefiningSpec& spec, const Scenario& sc) {
  constexpr double kShareTolerance = 1e-6;  // as for the shares of [[edge]]s
  const Value v = t.require("feedstock", "a table { \"mine-id\" = share, ... }");
  const Table feedstock = v.table();
  if (feedstock.raw().empty()) v.fail("a non-empty table { \"mine-id\" = share, ... }");
  const auto mines =
      node_ids(sc, spec.material, [](const NodeSpec& n) { return n.kind == NodeKind::mine; });
  const std::string what = fmt::format("a mine of '{}'", sc.materials[spec.material].name);

  std::vector<Value> entries;
  for (const auto& entry : feedstock.raw()) {
    entries.push_back(*feedstock.get(entry.first.str()));
  }
  std::sort(entries.begin(), entries.end(), [](const Value& a, const Value& b) {
    const auto &pa = a.node().source().begin, &pb = b.node().source().begin;
    return std::tie(pa.line, pa.column) < std::tie(pb.line, pb.column);
  });
  double sum = 0;
  for (const Value& share : entries) {
    const std::string id = share.key().substr(std::string("feedstock.").size());
    resolve_among(share.renamed("feedstock key"), id, mines, sc, what);
    const double x = share.number(closed(0, 1));
    spec.feedstock.emplace_back(id, x);
    sum += x;
  }
  if (std::abs(sum - 1) > kShareTolerance) {
    v.fail_with(fmt::format("feedstock shares must sum to 1, got {:.9g}", sum));
  }
}

// customers = ["consumer-id", ...]: consumers of the material in the region; default all of them.
void read_customers(const Table& t, RefiningSpec& spec, const Scenario& sc) {
  const auto v = t.get("customers");
  if (!v) return;
  const auto consumers = node_ids(sc, spec.material, [&](const NodeSpec& n) {
    return n.kind == NodeKind::consumer && n.region == spec.region;
  });
  const std::string what = fmt::format("a consumer of '{}' in region '{}'",
                                       sc.materials[spec.material].name, spec.region);
  for (const auto& item : v->list(false)) {
    const std::string id = resolve_among(item, item.string(), consumers, sc, what).id;
    if (std::find(spec.customers.begin(), spec.customers.end(), id) != spec.customers.end()) {
      item.fail_with(fmt::format("customers lists '{}' twice", id));
    }
    spec.customers.push_back(id);
  }
}

}  // namespace

Lever RefiningLever::read(const LeverInput& in) {
  const Table& t = in.t;
  const Scenario& sc = in.sc;
  const Catalog& catalog = in.catalog;
  FieldRanges& fields = in.fields;
  Lever lever{RefiningSpec{}, {}};
  auto& spec = std::get<RefiningSpec>(lever.base);
  spec.region = read_refining_region(t, catalog);
  spec.material = resolve_material(t.require("material", "the name of a [[material]]"), sc);
  spec.name = fmt::format("refining {} {}", spec.region, sc.materials[spec.material].name);
  t.set_label(fmt::format("policy '{}'", spec.name));
  const bool has_consumers = !node_ids(sc, spec.material, [&](const NodeSpec& n) {
                                return n.kind == NodeKind::consumer && n.region == spec.region;
                              }).empty();
  if (!has_consumers) {
    t.get("region")->fail_with(fmt::format("region '{}' holds no consumer of '{}'", spec.region,
                                           sc.materials[spec.material].name));
  }
  read_feedstock(t, spec, sc);
  read_customers(t, spec, sc);
  const std::vector<std::string> modes = {"operating", "standby"};
  spec.standby = t.choice_or("mode", "operating", modes) == "standby";
  if (!spec.standby) {
    for (const char* key : {"activation_days", "standby_cost_per_year"}) {
      if (const auto v = t.get(key)) {
        v->fail_with(fmt::format("{} applies only with mode = 'standby'", key));
      }
    }
  }

  LeverNumbers numbers(lever, catalog, fields);
  numbers.require(t, "capacity_tpy", capped(0, kMaxTonnes));
  numbers.read(t, "activation_days", at_least(0));
  numbers.read(t, "capex_eur_per_tpy", capped(0, kMaxEur));
  numbers.read(t, "lifetime_years", above(0));
  numbers.read(t, "opex_premium_eur_per_t", capped(0, kMaxEur));
  numbers.read(t, "standby_cost_per_year", capped(0, kMaxEur));
  numbers.read(t, "feedstock_lead_time_days", at_least(0));
  numbers.read(t, "lead_time_days", at_least(0));
  numbers.read(t, "yield", left_open(0, 1e3));
  numbers.read(t, "buffer_days", at_least(0));
  numbers.finish();
  return lever;
}

}  // namespace crisp
