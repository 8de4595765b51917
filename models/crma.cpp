#include "models/crma.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include <fmt/format.h>

#include "models/baseline.hpp"

namespace crisp {

namespace {

// Shares of a country -> tonnes map, largest first (ties by country name); empty when the total
// is zero.
std::vector<CountryShare> shares_of(const std::map<std::string, double>& tonnes) {
  double total = 0;
  for (const auto& [country, t] : tonnes)
    total += t;
  std::vector<CountryShare> out;
  if (total <= 0) return out;
  for (const auto& [country, t] : tonnes)
    if (t > 0) out.push_back({country, t / total});
  std::stable_sort(out.begin(), out.end(), [](const CountryShare& a, const CountryShare& b) {
    return a.share > b.share;  // the map already ordered them by name
  });
  return out;
}

// The member states of the European Union (2024), ISO 3166-1 alpha-2; Greece also as the EU's "EL".
constexpr const char* kEuMemberStates[] = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "GR", "HR",
    "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"};

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The largest share held by a country outside `own` (supply nobody can trace is no country's).
CountryShare largest_third(const std::vector<CountryShare>& shares,
                           const std::vector<std::string>& own) {
  for (const CountryShare& c : shares)
    if (!c.country.empty() && !contains(own, c.country)) return c;
  return {};
}

double share_in(const std::vector<CountryShare>& shares,
                const std::vector<std::string>& countries) {
  double sum = 0;
  for (const CountryShare& c : shares)
    if (contains(countries, c.country)) sum += c.share;
  return sum;
}

StageConcentration concentration(const Scenario& s, int material, NodeKind kind) {
  std::map<std::string, double> capacity;
  StageConcentration out;
  for (const NodeSpec& n : s.nodes)
    if (n.material == material && n.kind == kind && !n.standby && n.capacity_tpy > 0) {
      capacity[n.country] += n.capacity_tpy;
      out.capacity_tpy += n.capacity_tpy;
    }
  out.shares = shares_of(capacity);
  for (const CountryShare& c : out.shares)
    out.hhi += (100 * c.share) * (100 * c.share);
  return out;
}

// The countries of the consumers (any material) of the given consumer regions; a region with no
// consumers stands for the country of the same name.
std::vector<std::string> countries_of(const Scenario& s, const std::vector<std::string>& regions) {
  std::set<std::string> out;
  for (const std::string& r : regions) {
    bool any = false;
    for (const NodeSpec& n : s.nodes)
      if (n.kind == NodeKind::consumer && n.region == r) {
        out.insert(n.country);
        any = true;
      }
    if (!any) out.insert(r);
  }
  return {out.begin(), out.end()};
}

// The contract share an edge uses on day 0: a standby node's switch edges use their standby share.
double day0_share(const Scenario& s, const EdgeSpec& e) {
  if (e.switch_node >= 0 && e.switch_node < static_cast<int>(s.nodes.size()) &&
      s.nodes[e.switch_node].standby)
    return e.standby_share;
  return e.share;
}

std::string percent(double fraction) {
  return fmt::format("{:.1f} %", 100 * fraction);
}

std::string thousands(double x) {
  std::string digits = fmt::format("{:.0f}", x);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string country_name(const std::string& c) {
  return c.empty() ? "untraced" : c;
}

std::string stage_text(const StageConcentration& st) {
  if (st.empty()) return "-";
  return fmt::format("{} {} (HHI {})", country_name(st.largest().country),
                     percent(st.largest().share), thousands(st.hhi));
}

}  // namespace

CrmaIndicators crma_indicators(const Scenario& s) {
  CrmaIndicators out;
  if (const auto eu = s.groups.find("EU"); eu != s.groups.end()) {
    out.has_eu = true;
    std::set<std::string> countries(kEuMemberStates, std::end(kEuMemberStates));
    for (std::string& c : countries_of(s, eu->second))
      countries.insert(std::move(c));
    out.eu_countries.assign(countries.begin(), countries.end());
  }

  // Day 0: each supplier fills the same fraction of all its contract requests; a consumer's
  // requirement is what it requests.
  const std::size_t N = s.nodes.size();
  std::vector<double> fill(N, 0.0), requirement(N, 0.0);
  for (const NodeBalance& b : baseline_balance(s)) {
    if (b.node < 0 || b.node >= static_cast<int>(N)) continue;
    if (s.nodes[b.node].kind == NodeKind::consumer)
      requirement[b.node] = b.requested_tpy;
    else if (b.requested_tpy > 0)
      fill[b.node] = std::min(1.0, b.supplied_tpy / b.requested_tpy);
  }

  // A refinery's output, traced back to mine countries in proportion to its day-0 inflows (its
  // requirement is common to all its inputs, so share * fill weighs them).
  std::vector<std::map<std::string, double>> refinery_origin(N);
  for (const EdgeSpec& e : s.edges)
    if (s.nodes[e.from].kind == NodeKind::mine && s.nodes[e.to].kind == NodeKind::refinery)
      refinery_origin[e.to][s.nodes[e.from].country] += day0_share(s, e) * fill[e.from];
  for (auto& origin : refinery_origin) {
    double total = 0;
    for (const auto& [country, w] : origin)
      total += w;
    for (auto& [country, w] : origin)
      w = total > 0 ? w / total : 0.0;
  }

  for (int m = 0; m < static_cast<int>(s.materials.size()); ++m) {
    MaterialCrma mc;
    mc.material = m;
    mc.name = s.materials[m].name;
    mc.mine = concentration(s, m, NodeKind::mine);
    mc.refinery = concentration(s, m, NodeKind::refinery);

    for (const std::string& region : s.report_regions) {
      RegionCrma rc;
      rc.region = region;
      const std::vector<std::string> members = s.member_regions(region);
      rc.own_countries = countries_of(s, members);

      std::map<std::string, double> by_supplier, by_mine;
      double home = 0, eu = 0, total = 0;
      for (const EdgeSpec& e : s.edges) {
        const NodeSpec& buyer = s.nodes[e.to];
        const NodeSpec& seller = s.nodes[e.from];
        if (buyer.material != m || buyer.kind != NodeKind::consumer ||
            !contains(members, buyer.region))
          continue;
        const double t = day0_share(s, e) * requirement[e.to] * fill[e.from];
        if (t <= 0) continue;
        total += t;
        by_supplier[seller.country] += t;
        if (seller.kind == NodeKind::refinery) {
          if (contains(rc.own_countries, seller.country)) home += t;
          if (contains(out.eu_countries, seller.country)) eu += t;
          const auto& origin = refinery_origin[e.from];
          if (origin.empty()) by_mine[""] += t;
          for (const auto& [country, w] : origin)
            by_mine[country] += t * w;
        } else {
          by_mine[seller.country] += t;
        }
      }
      rc.supply_tpy = total;
      rc.supplier_shares = shares_of(by_supplier);
      rc.mined_shares = shares_of(by_mine);
      rc.largest_third = largest_third(rc.supplier_shares, rc.own_countries);
      rc.largest_third_mined = largest_third(rc.mined_shares, rc.own_countries);
      rc.above_cap = rc.largest_third.share > kCrmaMaxThirdCountryShare;
      rc.mined_above_cap = rc.largest_third_mined.share > kCrmaMaxThirdCountryShare;
      rc.refined_at_home = total > 0 ? home / total : 0.0;
      if (out.has_eu) {
        rc.refined_in_eu = total > 0 ? eu / total : 0.0;
        rc.mined_in_eu = share_in(rc.mined_shares, out.eu_countries);
      }
      mc.regions.push_back(std::move(rc));
    }
    out.materials.push_back(std::move(mc));
  }
  return out;
}

std::string format_crma(const CrmaIndicators& c, const std::string& indent) {
  std::string out;
  for (const MaterialCrma& mc : c.materials) {
    out += fmt::format("{}{}  mine: {}  refinery: {}\n", indent, mc.name, stage_text(mc.mine),
                       stage_text(mc.refinery));
    for (const RegionCrma& r : mc.regions) {
      out += fmt::format("{}  {}: ", indent, r.region);
      if (r.supply_tpy <= 0) {
        out += "no day-0 supply\n";
        continue;
      }
      const auto third = [](const CountryShare& x, bool above) {
        if (x.country.empty()) return std::string("none (all own supply)");
        return fmt::format("{} {}{}", x.country, percent(x.share),
                           above ? " (above the 65 % CRMA cap)" : "");
      };
      out += fmt::format("largest third country {}  refined at home {}  refined in the EU {}",
                         third(r.largest_third, r.above_cap), percent(r.refined_at_home),
                         r.refined_in_eu ? percent(*r.refined_in_eu) : "n/a");
      out += fmt::format("  mined: {}", third(r.largest_third_mined, r.mined_above_cap));
      if (r.mined_in_eu) out += fmt::format(", in the EU {}", percent(*r.mined_in_eu));
      out += '\n';
    }
  }
  return out;
}

}  // namespace crisp
