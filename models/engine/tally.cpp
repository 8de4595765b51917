#include "models/engine/tally.hpp"

#include <algorithm>
#include <cmath>

#include "models/engine/levels.hpp"

namespace crisp::engine {

Tally::Tally(const Scenario& scenario, const MaterialNet& net, const MetricLayout& layout)
    : net_(net),
      layout_(layout),
      discount_(Discount::from_yearly_rate(scenario.discount_rate)),
      regions_(scenario.report_regions.size()),
      spells_(scenario.report_regions.size()),
      costs_(net.costs.size()),
      watched_(net.nodes.size(), -1),
      stock_cost_(net.stockpiles.size()),
      min_frac_(net.stockpiles.size()) {
  for (const std::vector<int>& consumers : net.region_consumers)
    for (int c : consumers)
      if (watched_[c] < 0) {
        watched_[c] = static_cast<int>(watched_nodes_.size());
        watched_nodes_.push_back(c);
      }
  since_.resize(watched_nodes_.size());
  country_rate_.resize(watched_nodes_.size() * net.countries.size());
  country_t_.resize(country_rate_.size());
}

void Tally::reset(const Stockpiles& stockpiles, double horizon) {
  if (trajectory_ != nullptr) {
    Trajectory& tr = *trajectory_;
    tr.samples = static_cast<int>(std::floor(horizon / tr.step)) + 1;
    tr.values.assign(
        regions_.size() * kTrajectorySeriesCount * static_cast<std::size_t>(tr.samples), 0.0);
    if (tr.country >= 0)
      tr.country_inflow.assign(regions_.size() * static_cast<std::size_t>(tr.samples), 0.0);
    next_sample_ = 0;
  }
  price_peak_ = 1.0;
  for (std::size_t k = 0; k < stockpiles.size(); ++k) {
    const double target = net_.stockpiles[k].target, level = stockpiles[k].level;
    min_frac_[k] = target > 0 ? level / target : kNaN;
    stock_cost_[k] = level * net_.spec.price_eur_per_t;  // the initial fill, bought on day 0
  }
  for (Region& r : regions_)
    r = Region{};
  std::fill(costs_.begin(), costs_.end(), 0.0);
  std::fill(since_.begin(), since_.end(), 0.0);
  std::fill(country_rate_.begin(), country_rate_.end(), 0.0);
  std::fill(country_t_.begin(), country_t_.end(), 0.0);
  for (auto& s : spells_)
    s.clear();
}

void Tally::set_rates(const Buffers& buffers, const DemandNow& demand) {
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    Region& g = regions_[r];
    g.unmet = g.demand = g.released = g.given_up = g.given_up_value = 0;
    for (int c : net_.region_consumers[r]) {
      // demand(c), with the reference demand kept for what was given up.
      const double reference = demand.reference(c), now = reference * demand.response[c];
      g.unmet += buffers.unmet[c];
      g.demand += now;
      g.released += buffers.release[c];
      if (demand.response[c] != 1.0) {
        g.given_up += reference - now;
        g.given_up_value += reference * demand.given_up_value[c];
      }
    }
  }
}

void Tally::sample_until(double t, double t1, bool through, const Buffers& buffers,
                         const Stockpiles& stockpiles, double price_multiple) {
  Trajectory& tr = *trajectory_;
  for (; next_sample_ < tr.samples; ++next_sample_) {
    const int k = next_sample_;
    const double ts = k * tr.step;
    if (ts > t1 || (ts == t1 && !through)) return;
    const double dt = ts - t;
    for (std::size_t r = 0; r < regions_.size(); ++r) {
      const int g = static_cast<int>(r);
      const Region& tally = regions_[r];
      double stock = 0, buffer = 0, inflow = 0;
      for (std::size_t j = 0; j < stockpiles.size(); ++j) {
        const double w = net_.region_stockpile_weight[r][j];
        const Stockpile& sp = stockpiles[j];
        if (w > 0) stock += w * std::max(0.0, sp.level + (sp.inflow - sp.release) * dt);
      }
      for (int c : net_.region_consumers[r]) {
        buffer += buffers.level[c] + buffers.net_rate[c] * dt;
        inflow += buffers.inflow[c];
      }
      const double values[kTrajectorySeriesCount] = {
          ts, stock, buffer, inflow, tally.unmet, price_multiple, tally.unmet_t + tally.unmet * dt};
      for (int q = 0; q < kTrajectorySeriesCount; ++q)
        tr.at(g, q, k) = values[q];
      if (tr.country >= 0) {
        double from = 0;
        const std::size_t countries = net_.countries.size();
        for (int c : net_.region_consumers[r])
          from += country_rate_[static_cast<std::size_t>(watched_[c]) * countries +
                                static_cast<std::size_t>(tr.country)];
        tr.country_inflow[r * static_cast<std::size_t>(tr.samples) + static_cast<std::size_t>(k)] =
            from;
      }
    }
  }
}

void Tally::watch_arrivals(int consumer, double t, const Pipelines& pipes) {
  const int w = watched_[consumer];
  if (w < 0) return;
  const std::size_t countries = net_.countries.size();
  double* rate = &country_rate_[static_cast<std::size_t>(w) * countries];
  double* tonnes = &country_t_[static_cast<std::size_t>(w) * countries];
  const double dt = t - since_[w];
  for (std::size_t k = 0; k < countries; ++k) {
    tonnes[k] += rate[k] * dt;
    rate[k] = 0;
  }
  since_[w] = t;
  for (int e : net_.in_edges[consumer])
    rate[net_.nodes[net_.edges[e].from].country] += pipes.arrive[e];
  for (int p : pipes.arriving[consumer])
    rate[net_.nodes[net_.spot_pairs[p].supplier].country] += pipes.spot_arrive[p];
}

void Tally::arrivals_changed(std::span<const int> nodes, double t, const Pipelines& pipes) {
  for (int n : nodes)
    watch_arrivals(n, t, pipes);
}

void Tally::arrivals_changed_everywhere(double t, const Pipelines& pipes) {
  for (int c : watched_nodes_)
    watch_arrivals(c, t, pipes);
}

void Tally::accrue(double t, double dt, double price_multiple, const Stockpiles& stockpiles,
                   const Pipelines& pipes, const Allocator& alloc,
                   const std::vector<char>& online) {
  const double price = net_.spec.price_eur_per_t;
  const double disc_const = discount_.constant(t, dt);
  const double disc_linear = discount_.linear(t, dt);
  price_peak_ = std::max(price_peak_, price_multiple);
  for (std::size_t k = 0; k < stockpiles.size(); ++k) {
    const Stockpile& sp = stockpiles[k];
    const NetStockpile& spec = net_.stockpiles[k];
    const double net_rate = sp.inflow - sp.release;
    const double held = sp.level * disc_const + net_rate * disc_linear;  // integral of level * disc
    // Bought and sold at the current price; held at the base price (docs/model.md).
    stock_cost_[k] += (sp.inflow - sp.release) * price * price_multiple * disc_const +
                      spec.spec.holding_cost_per_year / kDaysPerYear * price * held;
  }

  for (std::size_t k = 0; k < costs_.size(); ++k) {
    const NetCost& cost = net_.costs[k];
    double rate = cost.fixed;
    if (cost.node >= 0)
      rate += cost.per_t * alloc.shipped[cost.node] + (online[cost.node] ? 0.0 : cost.standby);
    for (std::size_t i = 0; i < cost.edges.size(); ++i)
      rate += cost.edge_per_t[i] * pipes.ship_rate[cost.edges[i]];
    costs_[k] += rate * disc_const;
  }

  const double voll = net_.spec.value_of_lost_load_eur_per_t;
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    Region& g = regions_[r];
    g.unmet_t += g.unmet * dt;
    g.demand_t += g.demand * dt;
    g.released_t += g.released * dt;
    g.loss += g.unmet * voll * disc_const;
    g.given_up_t += g.given_up * dt;
    g.given_up_eur += g.given_up_value * price * disc_const;
    if (g.unmet > tol_of(g.demand)) {
      g.shortage_days += dt;
      // A rate held for less than kInstantDays is rounding between two events of one instant.
      if (g.demand > 0 && dt > kInstantDays) g.peak = std::max(g.peak, g.unmet / g.demand);
      if (!g.in_spell) {
        g.in_spell = true;
        g.spell_start = t;
      }
    } else if (g.in_spell) {
      g.in_spell = false;
      spells_[r].push_back({g.spell_start, t});
      g.longest = std::max(g.longest, t - g.spell_start);
    }
  }
}

void Tally::close_spells(double t) {
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    Region& g = regions_[r];
    if (!g.in_spell) continue;
    g.in_spell = false;
    spells_[r].push_back({g.spell_start, t});
    g.longest = std::max(g.longest, t - g.spell_start);
  }
}

void Tally::finish(double t, const Stockpiles& stockpiles, const Pipelines& pipes,
                   std::span<double> out) {
  close_spells(t);
  arrivals_changed_everywhere(t, pipes);  // the arrivals' last stretch
  const double price = net_.spec.price_eur_per_t;
  for (std::size_t k = 0; k < stockpiles.size(); ++k)
    // What is left at the horizon is credited at the base price.
    stock_cost_[k] = stock_cost_[k] - stockpiles[k].level * price * discount_.factor(t);

  const int m = net_.material;
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    const Region& g = regions_[r];
    auto put = [&](Metric metric, double v) {
      out[layout_.slot(m, static_cast<int>(r), metric)] = v;
    };
    double policy_cost = 0, min_frac = kNaN;
    for (std::size_t k = 0; k < costs_.size(); ++k)
      policy_cost += net_.costs[k].region_weight[r] * costs_[k];
    // Tonnes arrived by supplier country, and in all, over the region's consumers.
    const std::size_t countries = net_.countries.size();
    country_in_.assign(countries, 0.0);
    double region_in = 0;
    for (int c : net_.region_consumers[r]) {
      const double* tonnes = &country_t_[static_cast<std::size_t>(watched_[c]) * countries];
      for (std::size_t k = 0; k < countries; ++k) {
        country_in_[k] += tonnes[k];
        region_in += tonnes[k];
      }
    }
    double largest_third = 0;
    for (std::size_t k = 0; k < countries; ++k)
      if (!net_.region_own_country[r][k]) largest_third = std::max(largest_third, country_in_[k]);
    for (std::size_t k = 0; k < stockpiles.size(); ++k) {
      const double w = net_.region_stockpile_weight[r][k];
      if (w <= 0) continue;
      policy_cost += w * stock_cost_[k];
      if (!std::isnan(min_frac_[k]))
        min_frac = std::isnan(min_frac) ? min_frac_[k] : std::min(min_frac, min_frac_[k]);
    }
    put(Metric::unmet_t, g.unmet_t);
    put(Metric::unmet_frac, g.demand_t > 0 ? g.unmet_t / g.demand_t : 0.0);
    put(Metric::shortage_days, g.shortage_days);
    put(Metric::longest_shortage_days, g.longest);
    put(Metric::peak_shortfall_frac, g.peak);
    put(Metric::loss_eur, g.loss);
    put(Metric::policy_cost_eur, policy_cost);
    // Demand given up last: with no demand response it adds 0, and the sum is as before.
    put(Metric::total_cost_eur, g.loss + policy_cost + g.given_up_eur);
    put(Metric::stock_released_t, g.released_t);
    put(Metric::stock_min_frac, min_frac);
    put(Metric::price_peak_multiple, price_peak_);
    put(Metric::max_country_share, region_in > 0 ? largest_third / region_in : 0.0);
    put(Metric::demand_given_up_t, g.given_up_t);
    put(Metric::demand_given_up_eur, g.given_up_eur);
  }
}

}  // namespace crisp::engine
