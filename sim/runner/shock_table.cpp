#include "sim/runner/shock_table.hpp"

#include <algorithm>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "models/shocks/kinds.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace crisp {

namespace {

struct InForce {
  double start, end;
  bool operator<(const InForce& o) const {
    return start != o.start ? start < o.start : end < o.end;
  }
};

// The union of `spells` (sorted here), as shock_features defines it.
ShockDays join(std::vector<InForce>& spells) {
  ShockDays out;
  if (spells.empty()) return out;
  std::sort(spells.begin(), spells.end());
  InForce current = spells.front();
  const auto close = [&] {
    out.days += current.end - current.start;
    out.longest = std::max(out.longest, current.end - current.start);
  };
  for (std::size_t i = 1; i < spells.size(); ++i) {
    if (spells[i].start <= current.end) {
      current.end = std::max(current.end, spells[i].end);
    } else {
      close();
      current = spells[i];
    }
  }
  close();
  return out;
}

std::size_t count(const Column& c) {
  return std::visit([](const auto& v) { return v.size(); }, c.values);
}

std::string values_text(const Column& c) {
  return std::visit(
      [](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::vector<std::string>>)
          return fmt::format("{} strings", v.size());
        else if constexpr (std::is_same_v<T, std::vector<double>>)
          return fmt::format("{} float64 values", v.size());
        else
          return fmt::format("{} integers", v.size());
      },
      c.values);
}

}  // namespace

std::vector<ShockDays> shock_features(std::span<const ShockOccurrence> draws,
                                      const Scenario& scenario) {
  const double horizon = scenario.horizon_days;
  std::vector<ShockDays> out(scenario.shocks.size());
  std::vector<InForce> spells;
  for (int k = 0; k < static_cast<int>(scenario.shocks.size()); ++k) {
    spells.clear();
    for (const ShockOccurrence& o : draws) {
      if (o.shock != k && o.parent != k) continue;
      // The engine's instants (models/material_sim.cpp reset): it starts at `start`, ends at
      // `start + duration`, and nothing happens past the horizon.
      const InForce s{o.start, std::min(o.start + o.duration, horizon)};
      if (s.end > s.start) spells.push_back(s);
    }
    out[static_cast<std::size_t>(k)] = join(spells);
  }
  return out;
}

std::vector<ReplicationRange> block_replications(std::span<const std::int64_t> blocks,
                                                 std::int64_t block_size,
                                                 std::int64_t replications) {
  std::vector<ReplicationRange> out;
  for (std::int64_t b : blocks) {
    const auto [first, last] = block_range(b, block_size, replications);
    if (first < last) out.push_back({first, last});
  }
  return out;
}

std::vector<ArrayDataset> make_shock_table(const Scenario& scenario, std::uint64_t seed,
                                           std::span<const ReplicationRange> ranges) {
  std::vector<std::string> names, kinds, reach;
  for (const ShockSpec& k : scenario.shocks) {
    names.push_back(k.name);
    kinds.push_back(to_string(k.kind));
    reach.push_back(describe_shock(k, scenario));
  }
  const std::size_t K = scenario.shocks.size();
  std::vector<std::int64_t> replication, shock, parent, rows;
  std::vector<double> start, end, severity, extra_delay;
  std::vector<std::vector<double>> days(K), longest(K);
  for (const ReplicationRange& range : ranges)
    for (std::int64_t r = range.first; r < range.last; ++r) {
      const std::vector<ShockOccurrence> draws =
          sample_shocks(scenario, seed, static_cast<std::uint64_t>(r));
      for (const ShockOccurrence& o : draws) {
        replication.push_back(r);
        shock.push_back(o.shock);
        parent.push_back(o.parent);
        start.push_back(o.start);
        end.push_back(o.start + o.duration);  // as the engine computes its end
        severity.push_back(o.severity);
        extra_delay.push_back(o.extra_delay);
      }
      rows.push_back(r);
      const std::vector<ShockDays> f = shock_features(draws, scenario);
      for (std::size_t k = 0; k < K; ++k) {
        days[k].push_back(f[k].days);
        longest[k].push_back(f[k].longest);
      }
    }
  const auto column = [](const char* path, auto values, const char* units,
                         const char* description) {
    return ArrayDataset{{path, std::move(values)}, -1, -1, units, description};
  };
  // [K, R'] row-major: one shock's row is its value in each replication of the file.
  const auto matrix = [&](const char* path, const std::vector<std::vector<double>>& per_shock,
                          const char* description) {
    std::vector<double> m;
    for (const auto& row : per_shock)
      m.insert(m.end(), row.begin(), row.end());
    return ArrayDataset{{path, std::move(m)},
                        static_cast<std::int64_t>(K),
                        static_cast<std::int64_t>(rows.size()),
                        "days",
                        description};
  };
  return {
      column("names", names, "text",
             "each shock's name, in the experiment's order (row k is shock k)"),
      column("kinds", kinds, "text", "each shock's kind"),
      column("reach", reach, "text",
             "what each shock acts on, in its kind's words (the target column of "
             "/scenario/shocks)"),
      column("draws/replication", replication, "1",
             "the replication of each shock occurrence drawn (ascending; within one, in the "
             "order sampled)"),
      column("draws/shock", shock, "1", "the shock of each occurrence: its row of /shocks/names"),
      column("draws/parent", parent, "1",
             "the crisis whose arrival started the occurrence (its row of /shocks/names), -1 for "
             "none"),
      column("draws/start_day", start, "days", "the day the occurrence starts (bites)"),
      column("draws/end_day", end, "days",
             "start_day + its duration: the day it ends, not clipped to the horizon"),
      column("draws/severity", severity, "1", "its severity, in [0, 1]"),
      column("draws/extra_delay_days", extra_delay, "days",
             "the days a chokepoint's occurrence adds to lead times (0 for the other kinds)"),
      column("features/replication", rows, "1",
             "the replication of each column of features/days and features/longest_days"),
      matrix("features/days", days,
             "[shock, replication]: the days the shock was in force (the union of its spells, "
             "clipped to the horizon; for a crisis, of the spells of the children it started)"),
      matrix("features/longest_days", longest,
             "[shock, replication]: the shock's longest spell in force (overlapping or touching "
             "spells joined)"),
  };
}

std::string shock_table_damage(const ResultsReader& reader,
                               const std::vector<ArrayDataset>& expected) {
  for (const ArrayDataset& want : expected) {
    const std::string path = "/shocks/" + want.column.name;
    const std::optional<ArrayDataset> got = reader.array(path);
    if (!got) return fmt::format("{} is missing", path);
    const auto shape = [](const ArrayDataset& a) {
      return a.rows >= 0 ? fmt::format(" [{}, {}]", a.rows, a.cols) : std::string();
    };
    if (got->rows != want.rows || got->cols != want.cols ||
        got->column.values.index() != want.column.values.index() ||
        count(got->column) != count(want.column))
      return fmt::format("{} holds {}{}, expected {}{}", path, values_text(got->column),
                         shape(*got), values_text(want.column), shape(want));
    if (got->column.values != want.column.values)
      return fmt::format(
          "{} differs from the draws of the file's experiment, seed and "
          "replications",
          path);
  }
  return {};
}

}  // namespace crisp
