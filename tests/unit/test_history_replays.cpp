// The historical replays (experiments/history/*.toml): each is loaded, run by the Monte Carlo
// runner (one replication: fixed events, nothing drawn), and its key outputs are pinned to the
// simulated figures of docs/validation.md, which sets them beside the published ones. Each pin
// says which published figure (crm_facts.csv row: material, metric, source key) it stands beside.
//
// Two kinds of figure:
//   - metrics of the engine (models/simulator.hpp via run_monte_carlo): price_peak_multiple,
//     unmet_frac, peak_shortfall_frac, longest_shortage_days of a report region. A peak "up to
//     day D" is the engine's metric on a copy of the scenario whose horizon ends at D.
//   - figures that are not metrics (exports from the restricting country, prices on a given day,
//     days of high prices) read from the time-stepped oracle's day-by-day trace
//     (tests/oracle/stepped_oracle.hpp). On every replay the oracle agrees with the engine on
//     every metric of the regions checked below (docs/validation.md, "Engine and oracle").
//
// Pins hold to 1 % (relative) or 1e-3 (absolute, for figures near 0): a change of behaviour that
// moves a replay must come with a new docs/validation.md. CRISP_HISTORY_PRINT=1 prints every
// figure, to rewrite the pins and the table after a deliberate change:
//   CRISP_HISTORY_PRINT=1 build/release/tests/crisp_tests "[history]"
// "Direction and rough size" are checked as well: each check against a published figure says how
// far the model may be from it, and docs/validation.md says why where it is far.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "models/shocks.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"
#include "tests/oracle/stepped_oracle.hpp"

using namespace crisp;

namespace {

// Oracle step, days; every replay time is a whole day. With its demand response the cobalt
// replay's CN longest shortage spell came out 44.0 days at 1/8 day against the engine's 41.5
// (42.4 at 1/32; within tolerance at 1/128): the oracle's error shrinks with its step.
constexpr double kDt = 1.0 / 128;

struct Replay {
  Experiment x;
  RunResult result;          // the engine, one replication
  SteppedOracleTrace trace;  // the oracle, same scenario and shocks
  std::vector<double> oracle;
};

// CRISP_HISTORY_DIR reads the replays from another folder, to see what a changed assumption
// does (the pins then fail, and CRISP_HISTORY_PRINT shows the new figures).
Experiment load(const std::string& name) {
  const char* dir = std::getenv("CRISP_HISTORY_DIR");
  return load_experiment_file(
      (dir != nullptr ? std::string(dir) : std::string(CRISP_SOURCE_DIR "/experiments/history")) +
      "/" + name + ".toml");
}

RunResult run_engine(const Scenario& s, const std::vector<Lever>& levers) {
  RunOptions options;
  options.replications = 1;
  options.seed = s.seed;
  options.threads = 1;
  return run_monte_carlo(s, expand_grid(levers), options);
}

Replay run_replay(const std::string& name) {
  Replay r{load(name), {}, {}, {}};
  REQUIRE(r.x.scenario.replications == 1);  // fixed events: one replication says it all
  REQUIRE(r.x.levers.empty());              // a replay is the baseline only
  r.result = run_engine(r.x.scenario, r.x.levers);
  r.oracle.assign(stepped_oracle_layout(r.x.scenario).size(), 0.0);
  run_stepped_oracle(r.x.scenario, PolicyEffects{},
                     sample_shocks(r.x.scenario, r.x.scenario.seed, 0), kDt, r.oracle, &r.trace);
  return r;
}

int material_index(const MetricLayout& l, const std::string& material) {
  const auto it = std::find(l.materials.begin(), l.materials.end(), material);
  REQUIRE(it != l.materials.end());
  return static_cast<int>(it - l.materials.begin());
}

int region_index(const MetricLayout& l, const std::string& region) {
  const auto it = std::find(l.regions.begin(), l.regions.end(), region);
  REQUIRE(it != l.regions.end());
  return static_cast<int>(it - l.regions.begin());
}

double metric(const RunResult& r, const std::string& material, const std::string& region,
              Metric m) {
  const MetricLayout& l = r.layout;
  return r.at(0, 0)[l.slot(material_index(l, material), region_index(l, region), m)];
}

double oracle_metric(const Replay& r, const std::string& material, const std::string& region,
                     Metric m) {
  const MetricLayout& l = r.result.layout;
  return r.oracle[l.slot(material_index(l, material), region_index(l, region), m)];
}

// The engine's metric over [0, day): the same replay with its horizon ending at `day`.
double metric_until(const Replay& r, double day, const std::string& material,
                    const std::string& region, Metric m) {
  Scenario s = r.x.scenario;
  s.horizon_days = day;
  return metric(run_engine(s, r.x.levers), material, region, m);
}

// Contract edges carrying `material` from nodes in `country` to buyers elsewhere: its exports.
std::vector<int> export_edges(const Scenario& s, const std::string& material,
                              const std::string& country) {
  const int m = s.find_material(material);
  std::vector<int> out;
  for (int e = 0; e < static_cast<int>(s.edges.size()); ++e) {
    const NodeSpec& from = s.nodes[s.edges[e].from];
    const NodeSpec& to = s.nodes[s.edges[e].to];
    if (from.material == m && from.country == country && to.country != country) out.push_back(e);
  }
  REQUIRE(!out.empty());
  return out;
}

// Exports over days [a, b) as a multiple of the day-0 export rate (the year before the event).
double exports(const Replay& r, const std::string& material, const std::string& country, int a,
               int b) {
  const auto& t = r.trace;
  REQUIRE(b < static_cast<int>(t.edge_shipped.size()));
  double shipped = 0, rate0 = 0;
  for (int e : export_edges(r.x.scenario, material, country)) {
    shipped += t.edge_shipped[b][e] - t.edge_shipped[a][e];
    rate0 += t.edge_rate[0][e];
  }
  REQUIRE(rate0 > 0);
  return shipped / (rate0 * (b - a));
}

double price_on(const Replay& r, const std::string& material, int day) {
  return r.trace.price_multiple[day][r.x.scenario.find_material(material)];
}

double mean_price(const Replay& r, const std::string& material, int a, int b) {
  double sum = 0;
  for (int d = a; d < b; ++d)
    sum += price_on(r, material, d);
  return sum / (b - a);
}

// Days (whole-day samples) on which the price multiple is above 1.5: the market response's
// "high prices" (threshold 0.5).
double high_price_days(const Replay& r, const std::string& material) {
  const int m = r.x.scenario.find_material(material);
  return static_cast<double>(std::count_if(r.trace.price_multiple.begin(),
                                           r.trace.price_multiple.end(),
                                           [&](const auto& day) { return day[m] > 1.5; }));
}

// The last whole day on which the price multiple is above 1.5, -1 if none.
int last_high_price_day(const Replay& r, const std::string& material) {
  int last = -1;
  for (int d = 0; d < static_cast<int>(r.trace.price_multiple.size()); ++d)
    if (price_on(r, material, d) > 1.5) last = d;
  return last;
}

// The first whole day with the highest price multiple.
int peak_price_day(const Replay& r, const std::string& material) {
  int peak = 0;
  for (int d = 1; d < static_cast<int>(r.trace.price_multiple.size()); ++d)
    if (price_on(r, material, d) > price_on(r, material, peak)) peak = d;
  return peak;
}

// A simulated figure pinned to its value in docs/validation.md.
void pin(const char* what, double value, double expected) {
  if (std::getenv("CRISP_HISTORY_PRINT") != nullptr) std::printf("  %-58s %.4f\n", what, value);
  INFO(what << ": simulated " << value << ", pinned " << expected);
  CHECK(value == Approx(expected).epsilon(0.01).margin(1e-3));
}

// The engine and the oracle agree on a metric (tests/oracle: 1 % or a small absolute margin).
void agree(const Replay& r, const std::string& material, const std::string& region, Metric m) {
  const double e = metric(r.result, material, region, m), o = oracle_metric(r, material, region, m);
  INFO(material << " / " << region << " / " << kMetricNames[static_cast<int>(m)] << ": engine " << e
                << ", oracle " << o);
  CHECK(e == Approx(o).epsilon(0.01).margin(m == Metric::longest_shortage_days ? 0.3 : 1e-4));
}

void agree_all(const Replay& r, const std::string& material, const std::string& region) {
  for (Metric m : {Metric::unmet_frac, Metric::peak_shortfall_frac, Metric::longest_shortage_days,
                   Metric::price_peak_multiple}) {
    agree(r, material, region, m);
  }
}

// With CRISP_HISTORY_PRINT: the price path every `step` days, for the tables' descriptions.
void print_price_path(const Replay& r, const std::string& material, int step) {
  if (std::getenv("CRISP_HISTORY_PRINT") == nullptr) return;
  std::printf("  %s price multiple, every %d days:", material.c_str(), step);
  for (int d = 0; d < static_cast<int>(r.trace.price_multiple.size()); d += step)
    std::printf(" %d:%.2f", d, price_on(r, material, d));
  std::printf("\n");
}

void title(const char* name) {
  if (std::getenv("CRISP_HISTORY_PRINT") != nullptr) std::printf("%s\n", name);
}

}  // namespace

// ---- 2010 rare-earth quota cut (day 0 = 1 Jan 2010; H2 quota from day 181, quotas to 2014) ----

TEST_CASE("history: the 2010 rare-earth quota cut", "[history]") {
  title("ree-2010");
  const Replay r = run_replay("ree-2010");
  const std::string ree = "rare_earths";
  agree_all(r, ree, "importers");
  agree_all(r, ree, "JP");

  // The replay's market is calibrated on 2010-11 (calibration/ree-2010.toml: exports and the
  // neodymium-oxide price); 2012 on is out of sample (docs/validation.md).
  // WSJ10 (REE, disruption, actual 2010 exports vs quota): 39813 t, -9.3 % on 2009. The fit
  // weighs it with the other 2010-11 figures and misses it: the model has the quota bind from
  // July, where exports ran near the 2009 rate to September (MOC10).
  const double exports_2010 = exports(r, ree, "CN", 0, 365);
  pin("exports 2010 / 2009 rate", exports_2010, 0.740);
  CHECK(exports_2010 < 1.0);
  pin("exports H2 2010 / 2009 rate", exports(r, ree, "CN", 181, 365), 0.484);
  // WSJ10: exports ran 39813 / 30258 = 1.32x the quota. The model's 2010 quota: H1 unrestricted,
  // H2 at 28 % of the 2009 rate; with the leakage, exports run above it too.
  const double over_quota = exports_2010 / ((181 + 0.28 * 184) / 365.0);
  pin("exports 2010 / quota", over_quota, 1.162);
  CHECK(over_quota > 1.0);

  // CD12D, GT13: 16900 t in 2011 and 16265 t in 2012, 0.385 and 0.371 of 2009 (-62.9 %). Issue
  // 21's test of the calibrated market: 2012, out of sample, within 15 points of the published
  // fall. The quota (0.69 of 2009) goes unfilled as demand answers the price.
  const double exports_2011 = exports(r, ree, "CN", 365, 730);
  const double exports_2012 = exports(r, ree, "CN", 730, 1095);
  pin("exports 2011 / 2009 rate", exports_2011, 0.633);
  pin("exports 2012 / 2009 rate", exports_2012, 0.488);
  CHECK(exports_2011 < 0.69);
  CHECK(exports_2012 < exports_2011);
  CHECK(std::abs(exports_2012 - 16265.0 / 43896) < 0.15);

  // RER (REO index FOB China +1100 % end-2009 to Q3-2011: 12x), MIN (Dy oxide 7.8x 2008 to
  // Q2-2011): the peak comes in 2011 and within a factor 2 of the index.
  const double peak = metric(r.result, ree, "importers", Metric::price_peak_multiple);
  print_price_path(r, ree, 91);
  pin("price_peak_multiple", peak, 11.92);
  CHECK(peak > 12.0 / 2);
  CHECK(peak < 12.0 * 2);
  const int peak_day = peak_price_day(r, ree);
  pin("day of the price peak", peak_day, 623);
  CHECK(peak_day >= 365);  // 2011
  CHECK(peak_day < 730);
  pin("price multiple at the end of 2010", price_on(r, ree, 364), 6.671);
  // Issue 21: the price at the end of 2012 at least 40 % below its 2011 peak (out of sample;
  // U16RE: neodymium oxide 75-80 USD/kg at the end of 2012, 4.05x 2009, from 13.6x in late 2011).
  const double end_2012 = price_on(r, ree, 1094);
  pin("price multiple at the end of 2012", end_2012, 5.395);
  CHECK(1 - end_2012 / peak >= 0.40);
  // U16RE: neodymium oxide 65-70 USD/kg at the end of 2013, 3.53x 2009: within a factor 1.5.
  const double end_2013 = price_on(r, ree, 1459);
  pin("price multiple at the end of 2013", end_2013, 3.16);
  CHECK(end_2013 > 3.53 / 1.5);
  CHECK(end_2013 < 3.53 * 1.5);
  // PMR/RER (REO -85 % from the peak by Q4-2014): the price falls from 2012 to the horizon.
  pin("last day with price multiple above 1.5", last_high_price_day(r, ree), 1824);
  pin("days with price multiple above 1.5", high_price_days(r, ree), 1629);
  CHECK(1 - price_on(r, ree, 1735) / peak > 0.8);
  CHECK(price_on(r, ree, 1824) < price_on(r, ree, 1095));
  // The thrift: substitution reaches its 30 % cap (docs/model.md "Market response").
  double substituted = 0;
  for (const auto& day : r.trace.substitution)
    substituted = std::max(substituted, day[0]);
  pin("highest substitution fraction", substituted, 0.30);

  // No source publishes unmet demand. With the demand response, buyers give up demand to the
  // price instead: nothing is left unserved at the price, and about a year of 2009's exports
  // (43896 t) is given up over 2010-14.
  pin("importers unmet_frac", metric(r.result, ree, "importers", Metric::unmet_frac), 0.0);
  pin("importers demand_given_up_t", metric(r.result, ree, "importers", Metric::demand_given_up_t),
      43795);
}

// ---- 2023 gallium and germanium licensing (day 0 = 1 Jun 2023; announced day 32, in force 61) --

TEST_CASE("history: the 2023 gallium and germanium licensing", "[history]") {
  title("ga-ge-2023");
  const Replay r = run_replay("ga-ge-2023");
  for (const char* m : {"gallium", "germanium"}) {
    agree_all(r, m, "importers");
    agree_all(r, m, "EU");
  }

  // REU23 (GaGe, disruption, pre-emptive buying): germanium exports in July more than double
  // June's. Gallium: July 5.15 t (REU23) against 2.93 t a month in January-June (BIZ: 22.72 t in
  // January-August, less July and August) = 1.76x. June is the model's baseline month.
  const double ga_july = exports(r, "gallium", "CN", 30, 61);
  const double ge_july = exports(r, "germanium", "CN", 30, 61);
  pin("gallium exports July / June", ga_july, 1.890);
  pin("germanium exports July / June", ge_july, 1.936);
  CHECK(ga_july > 1.4);
  CHECK(ge_july > 1.4);
  // REU23 (Aug-2023 exports Ga/Ge): 0 / 0 t.
  pin("gallium exports August", exports(r, "gallium", "CN", 61, 92), 0);
  pin("germanium exports August", exports(r, "germanium", "CN", 61, 92), 0);
  // RMN/CNA (2024 exports Ga 69.4 t, Ge 29.4 t against 94 t and 43.7 t in 2022): 0.74 and 0.67
  // of 2022. Gallium: strict licensing to March 2024 (calibrated, calibration/ga-2023.toml), then
  // licences at the pace that gives 2024's total (the replay's header); germanium: the licensed
  // quota's severity. The model, January-November 2024:
  const double ga_2024 = exports(r, "gallium", "CN", 214, 547);
  const double ge_2024 = exports(r, "germanium", "CN", 214, 547);
  pin("gallium exports 2024 / 2022 rate", ga_2024, 0.747);
  pin("germanium exports 2024 / 2022 rate", ge_2024, 0.670);
  CHECK(std::abs(ga_2024 - 0.738) < 0.02);
  CHECK(std::abs(ge_2024 - 0.673) < 0.02);
  // Issue 21: exports in Q4 2023 - Q1 2024 within a factor 1.5 of the published tonnes: REU23O,
  // REU23D, GAD24F, GEC24M: 0.25 + 1.53 + 7.03 + 2.76 + 1.214 = 12.784 t; the model's shipments
  // from China from 1 October 2023 (day 122) to 1 April 2024 (day 305), as customs count them.
  const double ga_rate = 94.0 / 365;  // t a day in 2022 (CNA), the replay's export rate
  const double ga_q4q1 = exports(r, "gallium", "CN", 122, 305) * (305 - 122) * ga_rate;
  pin("gallium exports Oct 2023 - Mar 2024, t", ga_q4q1, 10.21);
  CHECK(ga_q4q1 > 12.784 / 1.5);
  CHECK(ga_q4q1 < 12.784 * 1.5);

  // FMR (Rotterdam Ga 99.99 % +114 % from 30 Jun to 15 Dec 2023): 2.14x; RFI24: 575 USD/kg in
  // late March 2024, 2.23x, still rising. U25 (China Ga price 240 / 380 / 420 $/kg Jun23 / Jun24
  // / Oct24): 1.58x and 1.75x.
  const double ga_peak = metric(r.result, "gallium", "importers", Metric::price_peak_multiple);
  pin("gallium price_peak_multiple", ga_peak, 2.056);
  CHECK(ga_peak > 1.5);
  CHECK(ga_peak < 3.0);
  const double ga_dec = price_on(r, "gallium", 197);
  pin("gallium price on 15 Dec 2023", ga_dec, 2.036);
  CHECK(std::abs(std::log(ga_dec / 2.1359)) < std::log(1.25));
  // Issue 21: the price still rising in Q1 2024 (1 January to 31 March, days 214-304): it never
  // falls, and ends the quarter higher (it moves at weekly steps).
  bool rising = true;
  for (int day = 214; day < 304; ++day)
    rising = rising && price_on(r, "gallium", day + 1) >= price_on(r, "gallium", day);
  CHECK(rising);
  CHECK(price_on(r, "gallium", 304) > price_on(r, "gallium", 214));
  pin("gallium mean price Jan-Nov 2024", mean_price(r, "gallium", 214, 547), 1.694);
  // U25 (China 1.58x in June 2024, 1.75x in October 2024): the rough size.
  CHECK(mean_price(r, "gallium", 214, 547) > 1.75 / 2);
  // UOFR (modelled price response to a full ban, Ge): +26 %. The model's peak comes on the first
  // day of the licence wait, before anyone may buy spot; a year on it is back to 1.
  pin("germanium price_peak_multiple",
      metric(r.result, "germanium", "importers", Metric::price_peak_multiple), 3.211);
  pin("germanium mean price Jan-Nov 2024", mean_price(r, "germanium", 214, 547), 1.0);
  // UOFR's +26 % is a modelled response to a ban, not a spike: beside it, the model's mean over
  // the year from 1 August 2023.
  const double ge_year = mean_price(r, "germanium", 61, 426);
  pin("germanium mean price Aug 2023 - Jul 2024", ge_year, 1.292);
  CHECK(ge_year > 1.0);
  CHECK(ge_year - 1 < 2 * 0.26);
  print_price_path(r, "gallium", 15);
  print_price_path(r, "germanium", 15);

  // No source publishes unmet demand. The model: EU gallium users (71 % from China, FL) go short
  // once their stock is drawn, while the licences stop everything; buyers give up demand to the
  // price besides; germanium buyers re-source from Canada and Belgium.
  pin("gallium importers unmet_frac", metric(r.result, "gallium", "importers", Metric::unmet_frac),
      0.00652);
  pin("gallium EU unmet_frac", metric(r.result, "gallium", "EU", Metric::unmet_frac), 0.0382);
  pin("gallium EU peak_shortfall_frac",
      metric(r.result, "gallium", "EU", Metric::peak_shortfall_frac), 0.3644);
  pin("gallium EU longest_shortage_days",
      metric(r.result, "gallium", "EU", Metric::longest_shortage_days), 63.13);
  pin("gallium importers demand_given_up_t",
      metric(r.result, "gallium", "importers", Metric::demand_given_up_t), 47.53);
  pin("germanium importers unmet_frac",
      metric(r.result, "germanium", "importers", Metric::unmet_frac), 0);
}

// ---- 2023 graphite permits (day 0 = 1 Nov 2023; December from day 30) ------------------------

TEST_CASE("history: the 2023 graphite export permits", "[history]") {
  title("graphite-2023");
  const Replay r = run_replay("graphite-2023");
  agree_all(r, "graphite", "importers");
  agree_all(r, "graphite", "EU");

  // FMG (flake 23502 -> 1427 t, spherical 12186 -> 948 t, November -> December 2023): -93 %.
  const double december = exports(r, "graphite", "CN", 30, 61);
  pin("exports December / November", december, 0.0700);
  CHECK(std::abs((1 - december) - 0.93) < 0.05);
  // FMG2 (January-February 2024 y/y: flake -78 %, spherical -65 %): -74 % weighted.
  const double jan_feb = exports(r, "graphite", "CN", 61, 121);
  pin("exports January-February 2024 / baseline", jan_feb, 0.260);
  CHECK(std::abs((1 - jan_feb) - 0.74) < 0.05);
  // No published figure after February 2024; the model's buyers rebuild their stocks.
  pin("exports March-October 2024 / baseline", exports(r, "graphite", "CN", 121, 364), 1.122);

  // No published price figure for this episode.
  pin("price_peak_multiple", metric(r.result, "graphite", "importers", Metric::price_peak_multiple),
      4.678);
  pin("days with price multiple above 1.5", high_price_days(r, "graphite"), 91);
  print_price_path(r, "graphite", 15);
  pin("importers unmet_frac", metric(r.result, "graphite", "importers", Metric::unmet_frac), 0);
  pin("importers longest_shortage_days",
      metric(r.result, "graphite", "importers", Metric::longest_shortage_days), 0);
}

// ---- 2025 DRC cobalt stop and quotas (day 0 = 23 Jan 2025; stop from day 30 to 265) -----------

TEST_CASE("history: the 2025 DRC cobalt export stop and quotas", "[history]") {
  title("cobalt-drc-2025");
  const Replay r = run_replay("cobalt-drc-2025");
  // The engine and the oracle agree on this replay (the next test checks it); the export
  // figures come from the oracle's trace.

  // FMC/INK (stop 22 Feb - 15 Oct 2025): nothing leaves the DRC.
  pin("exports during the stop (oracle)", exports(r, "cobalt", "CD", 30, 266), 0);
  // FMC/INK (quota 96600 t/yr in 2026-27, ~44 % of 2024 output): 0.52 of the model's day-0 DRC
  // flow (184.35 kt/yr), the quota's severity (calibrated): the quota binds throughout.
  const double quota_exports = exports(r, "cobalt", "CD", 343, 1073);
  pin("exports 2026-27 / baseline (oracle)", quota_exports, 0.520);
  CHECK(std::abs(quota_exports - 0.524) < 0.02);

  // INK (~10 $/lb Feb 2025 -> ~16 $/lb Sep 2025: 1.6x), ECO (42725 $/t on 12 Oct 2025: 1.94x).
  // The replay's market is gallium's fit with no refit (issue 21's hold-out; the errors are in
  // docs/validation.md, from calibration/cobalt-2025-check.toml).
  const double peak_to_oct =
      metric_until(r, 266, "cobalt", "importers", Metric::price_peak_multiple);
  pin("price_peak_multiple up to 15 Oct 2025", peak_to_oct, 1.695);
  CHECK(peak_to_oct > 1.3);
  CHECK(peak_to_oct < 2.5);
  print_price_path(r, "cobalt", 30);
  // No published figures after October 2025: the model's outlook under the quotas. Buyers give
  // up demand to the price (4.5x at most) rather than go short at it.
  pin("price_peak_multiple, whole horizon",
      metric(r.result, "cobalt", "importers", Metric::price_peak_multiple), 4.506);
  pin("importers unmet_frac up to end-2025",
      metric_until(r, 343, "cobalt", "importers", Metric::unmet_frac), 0);
  pin("importers unmet_frac", metric(r.result, "cobalt", "importers", Metric::unmet_frac), 0);
  pin("importers demand_given_up_t",
      metric(r.result, "cobalt", "importers", Metric::demand_given_up_t), 66426);
  pin("CN unmet_frac", metric(r.result, "cobalt", "CN", Metric::unmet_frac), 0.000956);
}

// ---- engine and oracle on the cobalt replay ------------------------------------------------

// The engine and the oracle agree on the cobalt replay, where refineries' input buffers run dry
// and buyers re-source on the spot market (docs/validation.md, "Engine and oracle").
TEST_CASE("history: engine and oracle agree on the cobalt replay", "[history]") {
  const Replay r = run_replay("cobalt-drc-2025");
  for (const char* region : {"importers", "EU", "NL", "CN"})
    agree_all(r, "cobalt", region);
}
