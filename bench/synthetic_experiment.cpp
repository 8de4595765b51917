// Writes the synthetic network of bench/synthetic_network.cpp as an experiment crisp reads, so
// that the command line itself (load, `crisp check`, `crisp run`) can be timed at sizes the
// bundled experiments do not reach: DIR/experiment.toml with its materials, report regions and
// shocks, and the network in DIR/nodes.csv and DIR/edges.csv ([network]). Numbers are written
// with 17 significant digits, so the experiment read back is the scenario built here.
//
// Usage: synthetic_experiment NODES EDGES SEED YEARS REPLICATIONS DIR

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "bench/synthetic_network.hpp"
#include "models/shocks/kinds.hpp"

namespace {

using namespace crisp;

std::string number(double x) {
  return fmt::format("{:.17g}", x);
}

std::string quoted(const std::string& s) {
  return fmt::format("\"{}\"", s);
}

std::string distribution(const Distribution& d) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Fixed>) return number(x.value);
        if constexpr (std::is_same_v<T, Uniform>)
          return fmt::format("{{ uniform = [{}, {}] }}", number(x.a), number(x.b));
        if constexpr (std::is_same_v<T, LogNormal>)
          return fmt::format("{{ lognormal = {{ median = {}, sigma = {} }} }}", number(x.median),
                             number(x.sigma));
        if constexpr (std::is_same_v<T, Exponential>)
          return fmt::format("{{ exponential = {{ mean = {} }} }}", number(x.mean));
        if constexpr (std::is_same_v<T, Beta>)
          throw std::invalid_argument("synthetic_experiment: no beta distributions");
      },
      d);
}

// The fields of the kinds synthetic_scenario uses (outage, export restriction, chokepoint).
std::string shock_table(const Scenario& s, const ShockSpec& k) {
  std::string t = fmt::format("[[shock]]\nname = {}\nkind = {}\nrate_per_year = {}\n",
                              quoted(k.name), quoted(to_string(k.kind)), number(k.rate_per_year));
  t += fmt::format("duration_days = {}\nseverity = {}\n", distribution(k.duration),
                   distribution(k.severity));
  switch (k.kind) {
    case ShockKind::outage: {
      const auto& o = k.as<OutageSpec>();
      if (!o.nodes.empty()) {
        std::vector<std::string> ids;
        for (const std::string& id : o.nodes)
          ids.push_back(quoted(id));
        t += fmt::format("nodes = [{}]\n", fmt::join(ids, ", "));
      } else {
        t += fmt::format("country = {}\n", quoted(k.country));
        if (o.node_kind) t += fmt::format("node_kind = {}\n", quoted(to_string(*o.node_kind)));
      }
      break;
    }
    case ShockKind::export_restriction: {
      const auto& r = k.as<ExportRestrictionSpec>();
      t += fmt::format("country = {}\nstage = {}\n", quoted(k.country),
                       quoted(r.stage == Stage::refined ? "refined"
                              : r.stage == Stage::ore   ? "ore"
                                                        : "both"));
      if (r.licence_delay_days > 0)
        t += fmt::format("licence_delay_days = {}\n", number(r.licence_delay_days));
      break;
    }
    case ShockKind::chokepoint: {
      const auto& c = k.as<ChokepointSpec>();
      t += fmt::format("route = {}\nextra_delay_days = {}\n", quoted(c.route),
                       distribution(c.extra_delay));
      break;
    }
    default:
      throw std::invalid_argument(
          fmt::format("synthetic_experiment: shock kind '{}' is not written", to_string(k.kind)));
  }
  (void)s;
  return t + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s NODES EDGES SEED YEARS REPLICATIONS DIR\n", argv[0]);
    return 2;
  }
  const Scenario s = synthetic_scenario(std::atoi(argv[1]), std::atoi(argv[2]),
                                        std::strtoull(argv[3], nullptr, 10));
  const std::filesystem::path dir = argv[6];
  std::filesystem::create_directories(dir);

  std::ofstream nodes(dir / "nodes.csv");
  nodes << "id,kind,material,country,capacity_tpy,demand_tpy,buffer_days\n";
  for (const NodeSpec& n : s.nodes) {
    const bool consumer = n.kind == NodeKind::consumer;
    nodes << fmt::format(
        "{},{},{},{},{},{},{}\n", n.id, to_string(n.kind), s.materials[n.material].name, n.country,
        consumer ? "" : number(n.capacity_tpy), consumer ? number(n.demand_tpy) : "",
        n.kind == NodeKind::mine ? "" : number(n.buffer_days));
  }
  std::ofstream edges(dir / "edges.csv");
  edges << "from,to,share,lead_time_days,routes\n";
  for (const EdgeSpec& e : s.edges)
    edges << fmt::format("{},{},{},{},{}\n", s.nodes[e.from].id, s.nodes[e.to].id, number(e.share),
                         number(e.lead_time_days), fmt::join(e.routes, ";"));

  const MaterialSpec& m = s.materials.front();
  std::string toml = fmt::format(
      "# {} (bench/synthetic_experiment), written for timing only: not a model of any market.\n"
      "[experiment]\nname = {}\nhorizon_years = {}\nreplications = {}\nseed = {}\n"
      "discount_rate = {}\nreport_regions = [{}]\n\n",
      s.name, quoted(s.name), argv[4], argv[5], s.seed, number(s.discount_rate),
      fmt::format("{}", fmt::join(
                            [&] {
                              std::vector<std::string> r;
                              for (const std::string& x : s.report_regions)
                                r.push_back(quoted(x));
                              return r;
                            }(),
                            ", ")));
  toml += "[groups]\n";
  for (const auto& [group, members] : s.groups) {
    std::vector<std::string> q;
    for (const std::string& x : members)
      q.push_back(quoted(x));
    toml += fmt::format("{} = [{}]\n", group, fmt::join(q, ", "));
  }
  toml += fmt::format(
      "\n[[material]]\nname = {}\nprice_eur_per_t = {}\nvalue_of_lost_load_eur_per_t = {}\n"
      "resourcing_delay_days = {}\nspot_lead_time_days = {}\n{}\n",
      quoted(m.name), number(m.price_eur_per_t), number(m.value_of_lost_load_eur_per_t),
      number(m.resourcing_delay_days), number(m.spot_lead_time_days),
      m.market.enabled ? "market = {}\n" : "");
  toml += "[network]\nnodes_csv = \"nodes.csv\"\nedges_csv = \"edges.csv\"\n\n";
  for (const ShockSpec& k : s.shocks)
    toml += shock_table(s, k);
  std::ofstream(dir / "experiment.toml") << toml;
  return 0;
}
