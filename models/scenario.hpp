#pragma once
// The scenario as the engine sees it: typed, validated and frozen. The experiment loader
// (sim/experiment) builds it from a file; policy sets add to a copy of it (policies/).
// Units: tonnes, days, euros. Yearly input figures are converted on load (a year is 365 days).

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/random.hpp"

namespace crisp {

inline constexpr double kDaysPerYear = 365.0;

enum class NodeKind : std::uint8_t { mine, refinery, consumer };
const char* to_string(NodeKind k);

struct MaterialSpec {
  std::string name;
  double price_eur_per_t = 0;
  double value_of_lost_load_eur_per_t = 0;
  double resourcing_delay_days = 0;
  double spot_lead_time_days = 0;
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
};

struct EdgeSpec {
  int from = 0, to = 0;  // node indices
  double share = 0;      // fraction of the buyer's requirement bought from this supplier
  double lead_time_days = 0;
  std::vector<std::string> routes;  // chokepoint tags
};

enum class ShockKind : std::uint8_t {
  outage,
  export_restriction,
  chokepoint,
  demand_surge,
  crisis
};
const char* to_string(ShockKind k);

enum class ArrivalKind : std::uint8_t { poisson, fixed_start, replay, child };
enum class Stage : std::uint8_t { both, refined, ore };

struct ShockEvent {  // one replayed occurrence
  double start_day = 0, duration_days = 0, severity = 0;
};

struct CrisisChild {
  int shock = 0;  // index into Scenario::shocks
  double probability = 1.0;
};

struct ShockSpec {
  std::string name;
  ShockKind kind = ShockKind::outage;

  ArrivalKind arrival = ArrivalKind::poisson;
  double rate_per_year = 0;        // poisson
  double start_day = 0;            // fixed_start
  std::vector<ShockEvent> events;  // replay
  Distribution duration = Fixed{0};
  Distribution severity = Fixed{1};
  Distribution extra_delay = Fixed{0};  // chokepoint: days added to lead times while active

  // Targets. Empty `materials` means every material.
  std::vector<std::string> nodes;         // outage by node id
  std::string country;                    // outage by country, export_restriction
  std::optional<NodeKind> node_kind;      // outage by country
  std::vector<int> materials;             // outage by country, export_restriction, demand_surge
  bool destinations_foreign = true;       // export_restriction
  std::vector<std::string> destinations;  // export_restriction: countries or regions
  Stage stage = Stage::both;              // export_restriction
  std::string route;                      // chokepoint
  std::vector<std::string> regions;       // demand_surge
  std::vector<CrisisChild> children;      // crisis
};

enum class ReleaseTrigger : std::uint8_t { shortfall, supply_drop };

// A strategic stockpile with one value per field: what a policy set resolves a stockpile lever
// to. The mechanics are MODEL.md section 4 and live in models/ (the store), the sweep in policies/.
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

struct Scenario {
  std::string name;
  double horizon_days = 3650;
  std::uint64_t seed = 1;
  std::int64_t replications = 100;
  double discount_rate = 0.0225;
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
