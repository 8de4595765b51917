#pragma once
// The scenario as the engine sees it: typed, validated and frozen. The experiment loader
// (sim/experiment) builds it from a file; policy sets add to a copy of it (policies/).
// Units: tonnes, days, euros. Yearly input figures are converted on load (a year is 365 days).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/random.hpp"
#include "models/node_kind.hpp"
#include "models/shocks/kinds.hpp"

namespace crisp {

inline constexpr double kDaysPerYear = 365.0;

// Market response of one material (docs/model.md "Market response"); each part is off unless given.
struct MarketSpec {
  bool enabled = false;
  double price_elasticity = 0.2;  // multiple = (1 - tightness)^(-1 / elasticity)
  double price_cap_multiple = 10;
  double review_days = 30;  // substitution and expansion step at reviews
  // The demand response and stepped price (docs/model.md "Demand response and a stepped
  // price"): 0 = the price follows every allocation; > 0 = it moves at steps of this many days.
  double price_step_days = 0;
  double price_adjust_days = 0;    // partial adjustment toward the step's target (0: at once)
  double demand_elasticity = 0;    // consumers' short-run response, unless a node sets its own
  double stock_building_days = 0;  // consumers' extra stock target while the price rises
  bool stepped() const { return price_step_days > 0; }
};
struct SubstitutionSpec {
  bool enabled = false;
  double rate_per_year = 0.10;  // fraction of demand substituted per year of high prices
  double max_fraction = 0.3;
  double threshold = 0.5;         // high prices: multiple above 1 + threshold
  double irreversible_share = 0;  // of the highest fraction reached: thrift that stays
};
struct ExpansionSpec {
  bool enabled = false;
  double rate_per_year = 0.04;  // new capacity per year, as a fraction of world demand
  double delay_days = 365;      // of continuous high prices before capacity grows
  double threshold = 0.5;       // high prices: multiple above 1 + threshold
};

struct MaterialSpec {
  std::string name;
  double price_eur_per_t = 0;
  double value_of_lost_load_eur_per_t = 0;
  // The LOW and HIGH of the value of lost load (docs/values-of-lost-load.md), NaN when the
  // experiment gives none. Read by the report and the uncertainty analysis, never by a run.
  double value_of_lost_load_low_eur_per_t = std::numeric_limits<double>::quiet_NaN();
  double value_of_lost_load_high_eur_per_t = std::numeric_limits<double>::quiet_NaN();
  double resourcing_delay_days = 0;
  double spot_lead_time_days = 0;
  MarketSpec market;
  SubstitutionSpec substitution;
  ExpansionSpec expansion;
};

struct NodeSpec {
  std::string id;
  NodeKind kind = NodeKind::mine;
  int material = 0;
  std::string country;
  std::string region;              // consumers: defaults to the country
  double capacity_tpy = 0;         // mines, refineries
  double yield = 1.0;              // refineries: t out per t in
  double buffer_days = 0;          // refineries (input stock), consumers (private stock)
  double buffer_refill_days = 60;  // a store below target asks for target / this per day
  double demand_tpy = 0;           // consumers
  double growth_per_year = 0;      // consumers: demand steps up by this fraction each year
  double demand_elasticity = -1;   // consumers: short-run response to price; < 0: the material's

  // Nodes a policy adds (a domestic refinery, a recycler) belong to a region. A standby node has
  // no capacity until `activation_days` after the owner region's first unmet demand of its
  // material; until then the edges that name it as `switch_node` use their standby shares.
  std::string owner_region;
  bool standby = false;
  double activation_days = 0;
};

struct EdgeSpec {
  int from = 0, to = 0;  // node indices
  double share = 0;      // fraction of the buyer's requirement bought from this supplier
  double lead_time_days = 0;
  std::vector<std::string> routes;  // chokepoint tags
  // Contracts that change when a standby refinery starts: while `switch_node` (a node index) is
  // on standby the edge uses `standby_share` instead of `share`.
  int switch_node = -1;
  double standby_share = 0;
};

// The shock kinds (ShockKind) are listed in models/shocks/kinds.hpp.
const char* to_string(ShockKind k);

enum class ArrivalKind : std::uint8_t { poisson, fixed_start, replay, child };

struct ShockEvent {  // one replayed occurrence
  double start_day = 0, duration_days = 0, severity = 0;
};

// One [[shock]]: what every kind has, and what only its kind has (`own`, the kind's Spec of
// models/shocks/<kind>.hpp). A field that two kinds share belongs here, not in both kinds' Specs.
struct ShockSpec {
  std::string name;
  ShockKind kind = ShockKind::outage;  // always the kind whose Spec `own` holds: see set_kind()
  ShockKinds::Variant own;

  // Makes this a shock of the kind whose Spec is `Spec`, with that kind's fields at their
  // defaults, and returns them.
  template <class Spec>
  Spec& set_kind() {
    kind = static_cast<ShockKind>(ShockKinds::index_of<Spec>());
    return own.emplace<Spec>();
  }
  // The same, for a kind known only when running.
  void set_kind(ShockKind k) {
    visit_shock_kind(k, [&](auto each) { set_kind<typename decltype(each)::type::Spec>(); });
  }
  // The fields of its kind, which must be Spec's (std::bad_variant_access otherwise).
  template <class Spec>
  Spec& as() {
    return std::get<Spec>(own);
  }
  template <class Spec>
  const Spec& as() const {
    return std::get<Spec>(own);
  }

  ArrivalKind arrival = ArrivalKind::poisson;
  double rate_per_year = 0;        // poisson
  double start_day = 0;            // fixed_start
  std::vector<ShockEvent> events;  // replay
  Distribution duration = Fixed{0};
  Distribution severity = Fixed{1};

  // Targets several kinds have. Empty `materials` means every material.
  std::string country;         // outage by country, export_restriction
  std::vector<int> materials;  // outage by country, export_restriction, demand_surge
};

enum class ReleaseTrigger : std::uint8_t { shortfall, supply_drop };

// A strategic stockpile with one value per field: what a policy set resolves a stockpile lever
// to. The mechanics are docs/model.md "Stores: private buffers and strategic stockpiles" and live
// in models/ (the store), the sweep in policies/.
struct StockpileSpec {
  std::string name;                  // e.g. "stockpile NL gallium"
  std::vector<std::string> regions;  // consumer regions served (a group expands to its members)
  int material = 0;
  double size_days = 0;       // target in days of the regions' baseline demand ...
  double size_t_abs = -1;     // ... or in tonnes when >= 0 (overrides size_days)
  double initial_fill = 1.0;  // fraction of target held on day 0
  ReleaseTrigger trigger = ReleaseTrigger::shortfall;
  double threshold = 0.9;         // supply_drop: trigger when inflow < threshold * demand
  double delay_days = 0;          // from trigger to first release
  double max_rate_days = 1.0;     // release cap, days of baseline demand per day
  double refill_after_days = 90;  // quiet time after the last release before refilling
  double refill_rate_days = 0.1;  // refill purchases, days of baseline demand per day
  double refill_max_price_multiple = std::numeric_limits<double>::infinity();
  double holding_cost_per_year = 0;  // fraction of the value held (at base price) per year
};

// What a policy lever costs, charged to `regions` pro rata to their day-0 demand of `material`.
struct LeverCost {
  std::string lever;  // the lever's name, for reports
  int material = 0;
  std::vector<std::string> regions;
  double eur_per_year = 0;          // fixed: capex annuity, monitoring
  std::string node;                 // per-tonne costs on what this node ships ("" for none):
  double eur_per_t = 0;             //   opex premium, recycling opex
  double standby_eur_per_year = 0;  //   only while `node` is on standby
  std::vector<std::pair<std::string, std::string>> edges;  // (from id, to id): a per-tonne ...
  std::vector<double> edge_eur_per_t;                      // ... charge on each edge's flow
};

// Monitoring that warns a region early (the early_warning lever).
struct EarlyWarningSpec {
  std::string name;
  std::vector<std::string> regions;
  int material = -1;  // -1: every material
  double lead_days = 0;
  double cost_per_year = 0;
};

// What a policy set asks of the engine beyond its network changes (policies/ fills it).
struct PolicyEffects {
  std::vector<StockpileSpec> stockpiles;
  std::vector<LeverCost> costs;
  std::vector<EarlyWarningSpec> early_warnings;
};

struct Scenario {
  std::string name;
  double horizon_days = 3650;
  std::uint64_t seed = 1;
  std::int64_t replications = 100;
  double discount_rate = 0.0225;
  // The progress guard: events one simulated day may take, per store, edge and spot pair of a
  // material (docs/model.md "Progress"). Far above any legitimate day; a bound, not a tuning knob.
  std::uint64_t event_budget = 1000;
  // Replications per work unit (each with every policy set): the grain of parallel work, of the
  // journal and of shards. Results do not depend on it; the journal and parts record it.
  std::int64_t block_replications = 32;
  std::vector<std::string> report_regions;
  std::map<std::string, std::vector<std::string>> groups;  // group name -> member regions

  std::vector<MaterialSpec> materials;
  std::vector<NodeSpec> nodes;
  std::vector<EdgeSpec> edges;
  std::vector<ShockSpec> shocks;

  int find_material(const std::string& name) const;  // -1 when absent
  int find_node(const std::string& id) const;        // -1 when absent
  // The consumer regions a report region stands for: a group's members, or the region itself.
  std::vector<std::string> member_regions(const std::string& report_region) const;
};

}  // namespace crisp
