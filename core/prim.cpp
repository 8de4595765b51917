#include "core/prim.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_set>

#include <fmt/format.h>

namespace crisp {

bool PrimBox::restricted(std::size_t j) const {
  return std::isfinite(lo[j]) || std::isfinite(hi[j]);
}

std::vector<std::size_t> PrimBox::restricted_dims() const {
  std::vector<std::size_t> dims;
  for (std::size_t j = 0; j < lo.size(); ++j)
    if (restricted(j)) dims.push_back(j);
  return dims;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Data {
  std::span<const std::vector<double>> x;
  std::span<const std::uint8_t> y;
  std::size_t n = 0, d = 0, positives = 0;
};

// A cut between adjacent distinct values a < b of an input. Every cut lies midway, so that a
// bound reads as "about where the outcome changes" in the input's units; where a and b are
// adjacent doubles the midpoint rounds onto one of them, and the cut takes the one that still
// separates them under the strict inequalities of a box.
double cut_above(double a, double b) {  // the bound of "x > cut": a <= cut < b
  const double m = a / 2 + b / 2;
  return m < b ? m : a;
}
double cut_below(double a, double b) {  // the bound of "x < cut": a < cut <= b
  const double m = a / 2 + b / 2;
  return m > a ? m : b;
}

void set_stats(const Data& data, PrimBox& box, std::size_t points, std::size_t positives) {
  box.points = points;
  box.positives = positives;
  box.mass = static_cast<double>(points) / static_cast<double>(data.n);
  box.density = points ? static_cast<double>(positives) / static_cast<double>(points) : 0.0;
  box.coverage = static_cast<double>(positives) / static_cast<double>(data.positives);
}

// Bounds are numbered 2j (lo[j]) and 2j + 1 (hi[j]). For each point outside the box: how many
// bounds it violates, and the last one, so that a point violating exactly one is a candidate to
// paste back across it.
struct Violations {
  std::vector<std::uint32_t> count;
  std::vector<std::uint32_t> bound;
};

Violations violations(const Data& data, const PrimBox& box) {
  Violations v{std::vector<std::uint32_t>(data.n, 0), std::vector<std::uint32_t>(data.n, 0)};
  for (std::size_t j = 0; j < data.d; ++j) {
    const bool has_lo = std::isfinite(box.lo[j]), has_hi = std::isfinite(box.hi[j]);
    if (!has_lo && !has_hi) continue;
    for (std::size_t i = 0; i < data.n; ++i) {
      const double x = data.x[j][i];
      if (has_lo && !(x > box.lo[j])) {
        ++v.count[i];
        v.bound[i] = static_cast<std::uint32_t>(2 * j);
      } else if (has_hi && !(x < box.hi[j])) {
        ++v.count[i];
        v.bound[i] = static_cast<std::uint32_t>(2 * j + 1);
      }
    }
  }
  return v;
}

// Drops every bound that no point violates on its own: it excludes nothing the other bounds do
// not already exclude, so naming it would say more than the data do. One at a time, lowest
// first, since dropping one can leave the points it shared with another to that other alone.
void drop_redundant_bounds(const Data& data, PrimBox& box) {
  for (;;) {
    const Violations v = violations(data, box);
    std::vector<bool> needed(2 * data.d, false);
    for (std::size_t i = 0; i < data.n; ++i)
      if (v.count[i] == 1) needed[v.bound[i]] = true;
    bool dropped = false;
    for (std::size_t b = 0; b < 2 * data.d && !dropped; ++b) {
      double& bound = b % 2 == 0 ? box.lo[b / 2] : box.hi[b / 2];
      if (std::isfinite(bound) && !needed[b]) {
        bound = b % 2 == 0 ? -kInf : kInf;
        dropped = true;
      }
    }
    if (!dropped) return;
  }
}

// One peel: the bound it sets and the points it removes.
struct Peel {
  std::size_t dim = 0;
  bool upper = false;
  double bound = 0;
  std::size_t removed = 0, removed_positives = 0;
};

// The slab of about k points at the low (or high) end of `values` (the box's values of one
// input). The cut goes after the k-th lowest value q; where q's ties reach past it, the slab
// takes all of q's ties, and where they reach the top, the slab stops below q instead. nullopt
// when every value is equal (no cut removes anything without removing everything).
std::optional<Peel> slab(std::vector<double>& values, std::size_t k, bool upper) {
  const std::size_t m = values.size();
  // Work on the low end; the high end is the low end of the negated values, and a cut above q
  // there is, negated back, a cut below -q.
  if (upper)
    for (double& v : values)
      v = -v;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k - 1),
                   values.end());
  const double q = values[k - 1];
  std::size_t at_or_below = 0, below = 0;
  double next = kInf, prev = -kInf;
  for (const double v : values) {
    if (v <= q) ++at_or_below;
    if (v < q) {
      ++below;
      prev = std::max(prev, v);
    }
    if (v > q) next = std::min(next, v);
  }
  Peel p;
  p.upper = upper;
  if (at_or_below < m) {
    p.removed = at_or_below;
    p.bound = upper ? cut_below(-next, -q) : cut_above(q, next);
  } else if (below > 0) {
    p.removed = below;
    p.bound = upper ? cut_below(-q, -prev) : cut_above(prev, q);
  } else {
    return std::nullopt;
  }
  return p;
}

// Peels from the box of all points down to min_mass: the trajectory.
std::vector<PrimBox> peel(const Data& data, const PrimOptions& options) {
  PrimBox box;
  box.lo.assign(data.d, -kInf);
  box.hi.assign(data.d, kInf);
  std::vector<std::size_t> in(data.n);
  for (std::size_t i = 0; i < data.n; ++i)
    in[i] = i;
  set_stats(data, box, data.n, data.positives);
  std::vector<PrimBox> trajectory{box};

  std::vector<double> values;
  for (;;) {
    const std::size_t m = in.size();
    const std::size_t k =
        static_cast<std::size_t>(std::floor(static_cast<double>(m - 1) * options.peel_alpha)) + 1;
    const std::size_t restricted = box.restricted_dims().size();
    std::optional<Peel> best;
    double best_score = 0;
    std::size_t best_restricted = 0;
    for (std::size_t j = 0; j < data.d; ++j) {
      for (const bool upper : {false, true}) {
        values.resize(m);
        for (std::size_t t = 0; t < m; ++t)
          values[t] = data.x[j][in[t]];
        std::optional<Peel> p = slab(values, std::min(k, m), upper);
        if (!p) continue;
        const std::size_t left = m - p->removed;
        if (static_cast<double>(left) / static_cast<double>(data.n) < options.min_mass) continue;
        p->dim = j;
        for (const std::size_t i : in) {
          const double v = data.x[j][i];
          if (upper ? !(v < p->bound) : !(v > p->bound)) p->removed_positives += data.y[i];
        }
        const double density =
            static_cast<double>(box.positives - p->removed_positives) / static_cast<double>(left);
        const double score = options.objective == PeelObjective::density
                                 ? density
                                 : (density - box.density) / static_cast<double>(p->removed);
        // Ties go to the peel that restricts no new input (fewer inputs to read), then to the
        // lower input, then to the lower side: a fixed order, so the trajectory is reproducible.
        const std::size_t restricted_after = restricted + (box.restricted(j) ? 0 : 1);
        if (!best || score > best_score ||
            (score == best_score && restricted_after < best_restricted)) {
          best = p;
          best_score = score;
          best_restricted = restricted_after;
        }
      }
    }
    if (!best) break;
    (best->upper ? box.hi : box.lo)[best->dim] = best->bound;
    std::erase_if(in, [&](std::size_t i) {
      const double v = data.x[best->dim][i];
      return best->upper ? !(v < best->bound) : !(v > best->bound);
    });
    set_stats(data, box, in.size(), box.positives - best->removed_positives);
    drop_redundant_bounds(data, box);
    trajectory.push_back(box);
  }
  return trajectory;
}

std::size_t choose(const std::vector<PrimBox>& trajectory, const PrimOptions& options) {
  std::size_t best = 0;
  if (options.density_threshold) {
    const double t = *options.density_threshold;
    bool any = false;
    for (std::size_t b = 0; b < trajectory.size(); ++b) {
      const PrimBox& x = trajectory[b];
      if (x.density < t) continue;
      const PrimBox& y = trajectory[best];
      if (!any || x.coverage > y.coverage || (x.coverage == y.coverage && x.density > y.density)) {
        best = b;
        any = true;
      }
    }
    if (any) return best;
    for (std::size_t b = 1; b < trajectory.size(); ++b) {
      const PrimBox& x = trajectory[b];
      const PrimBox& y = trajectory[best];
      if (x.density > y.density || (x.density == y.density && x.coverage > y.coverage)) best = b;
    }
    return best;
  }
  const double b2 = options.beta * options.beta;
  const auto f = [&](const PrimBox& x) {
    return x.positives == 0 ? 0.0
                            : (1 + b2) * x.density * x.coverage / (b2 * x.density + x.coverage);
  };
  for (std::size_t b = 1; b < trajectory.size(); ++b)
    if (f(trajectory[b]) > f(trajectory[best])) best = b;
  return best;
}

// One paste: a bound moved outward and the points it adds.
struct Paste {
  std::size_t bound_id = 0;
  double bound = 0;
  std::size_t added = 0, added_positives = 0;
};

// Widens the box a slab at a time while its density does not fall. A slab holds about
// paste_alpha of the box's points, nearest first, across one bound; where no slab of that size
// keeps the density, slabs of half, a quarter ... down to one point are tried, so the box can
// reach the edge of the region of interest more closely than one slab.
PrimBox paste(const Data& data, PrimBox box, const PrimOptions& options) {
  for (;;) {
    const Violations v = violations(data, box);
    // Candidates across each bound, nearest first.
    std::vector<std::vector<std::size_t>> across(2 * data.d);
    for (std::size_t i = 0; i < data.n; ++i)
      if (v.count[i] == 1) across[v.bound[i]].push_back(i);
    for (std::size_t b = 0; b < across.size(); ++b) {
      const std::vector<double>& x = data.x[b / 2];
      std::stable_sort(across[b].begin(), across[b].end(), [&](std::size_t p, std::size_t q) {
        return b % 2 == 0 ? x[p] > x[q] : x[p] < x[q];
      });
    }
    const std::size_t k = static_cast<std::size_t>(std::floor(static_cast<double>(box.points - 1) *
                                                              options.paste_alpha)) +
                          1;
    std::optional<Paste> chosen;
    for (std::size_t size = k; size >= 1 && !chosen; size /= 2) {
      std::optional<Paste> best;
      double best_density = 0;
      for (std::size_t b = 0; b < across.size(); ++b) {
        const std::vector<std::size_t>& c = across[b];
        if (c.empty()) continue;
        const std::vector<double>& x = data.x[b / 2];
        std::size_t take = std::min(size, c.size());
        while (take < c.size() && x[c[take]] == x[c[take - 1]])
          ++take;  // all ties of the last
        Paste p;
        p.bound_id = b;
        p.added = take;
        for (std::size_t t = 0; t < take; ++t)
          p.added_positives += data.y[c[t]];
        const double last = x[c[take - 1]];
        if (take == c.size())
          p.bound = b % 2 == 0 ? -kInf : kInf;
        else
          p.bound = b % 2 == 0 ? cut_above(x[c[take]], last) : cut_below(last, x[c[take]]);
        const double density = static_cast<double>(box.positives + p.added_positives) /
                               static_cast<double>(box.points + p.added);
        if (!best || density > best_density || (density == best_density && p.added > best->added)) {
          best = p;
          best_density = density;
        }
      }
      if (best && best_density >= box.density) chosen = best;
    }
    if (!chosen) return box;
    (chosen->bound_id % 2 == 0 ? box.lo : box.hi)[chosen->bound_id / 2] = chosen->bound;
    set_stats(data, box, box.points + chosen->added, box.positives + chosen->added_positives);
    drop_redundant_bounds(data, box);
  }
}

void check_options(const PrimOptions& o) {
  const auto in = [](double v, double lo, double hi) { return v > lo && v <= hi; };
  if (!in(o.peel_alpha, 0, 0.5))
    throw std::invalid_argument(
        fmt::format("PRIM: peel alpha must lie in (0, 0.5], not {}", o.peel_alpha));
  if (!in(o.paste_alpha, 0, 0.5))
    throw std::invalid_argument(
        fmt::format("PRIM: paste alpha must lie in (0, 0.5], not {}", o.paste_alpha));
  if (!(o.min_mass > 0 && o.min_mass < 1))
    throw std::invalid_argument(
        fmt::format("PRIM: minimum box mass must lie in (0, 1), not {}", o.min_mass));
  if (o.density_threshold && !(*o.density_threshold >= 0 && *o.density_threshold <= 1))
    throw std::invalid_argument(
        fmt::format("PRIM: density threshold must lie in [0, 1], not {}", *o.density_threshold));
  if (!(o.beta > 0 && std::isfinite(o.beta)))
    throw std::invalid_argument(
        fmt::format("PRIM: beta must be positive and finite, not {}", o.beta));
}

Data check_data(std::span<const std::string> names, std::span<const std::vector<double>> columns,
                std::span<const std::uint8_t> outcome) {
  if (names.size() != columns.size())
    throw std::invalid_argument(
        fmt::format("PRIM: {} input names for {} input columns", names.size(), columns.size()));
  if (columns.empty()) throw std::invalid_argument("PRIM: no inputs to restrict");
  if (outcome.empty()) throw std::invalid_argument("PRIM: no points");
  std::unordered_set<std::string> seen;
  for (std::size_t j = 0; j < columns.size(); ++j) {
    if (names[j].empty()) throw std::invalid_argument(fmt::format("PRIM: input {} has no name", j));
    if (!seen.insert(names[j]).second)
      throw std::invalid_argument(fmt::format("PRIM: input name '{}' appears twice", names[j]));
    if (columns[j].size() != outcome.size())
      throw std::invalid_argument(fmt::format("PRIM: input '{}' has {} values for {} outcomes",
                                              names[j], columns[j].size(), outcome.size()));
    for (std::size_t i = 0; i < outcome.size(); ++i)
      if (!std::isfinite(columns[j][i]))
        throw std::invalid_argument(
            fmt::format("PRIM: input '{}' is {} at row {}", names[j], columns[j][i], i));
  }
  Data data{columns, outcome, outcome.size(), columns.size(), 0};
  for (std::size_t i = 0; i < outcome.size(); ++i) {
    if (outcome[i] > 1)
      throw std::invalid_argument(
          fmt::format("PRIM: outcome at row {} is {}, not 0 or 1", i, outcome[i]));
    data.positives += outcome[i];
  }
  if (data.positives == 0)
    throw std::invalid_argument(
        fmt::format("PRIM: none of the {} points is of interest: nothing to discover", data.n));
  if (data.positives == data.n)
    throw std::invalid_argument(
        fmt::format("PRIM: all {} points are of interest: nothing to discover", data.n));
  return data;
}

// Pruning (PrimOptions::prune_tolerance): frees restricted inputs while density allows.
PrimBox prune(const Data& data, PrimBox box, double tolerance) {
  const auto stats = [&](const PrimBox& b) {
    std::size_t points = 0, positives = 0;
    const Violations v = violations(data, b);
    for (std::size_t i = 0; i < data.n; ++i)
      if (v.count[i] == 0) {
        ++points;
        positives += data.y[i];
      }
    PrimBox out = b;
    set_stats(data, out, points, positives);
    return out;
  };
  for (;;) {
    std::optional<PrimBox> best;
    for (std::size_t j : box.restricted_dims()) {
      PrimBox freed = box;
      freed.lo[j] = -kInf;
      freed.hi[j] = kInf;
      freed = stats(freed);
      if (freed.density >= box.density - tolerance && (!best || freed.density > best->density))
        best = freed;
    }
    if (!best) return box;
    box = *best;
    drop_redundant_bounds(data, box);
  }
}

}  // namespace

PrimResult prim(std::span<const std::string> names, std::span<const std::vector<double>> columns,
                std::span<const std::uint8_t> outcome, const PrimOptions& options) {
  check_options(options);
  const Data data = check_data(names, columns, outcome);
  PrimResult r;
  r.points = data.n;
  r.positives = data.positives;
  r.trajectory = peel(data, options);
  r.chosen = choose(r.trajectory, options);
  r.box = paste(data, r.trajectory[r.chosen], options);
  if (options.prune_tolerance >= 0) r.box = prune(data, r.box, options.prune_tolerance);
  return r;
}

std::string format_3sig(double v) {
  if (v == 0 || !std::isfinite(v)) return fmt::format("{}", v);
  // Round to 3 significant figures first, so that 99960 reads 1e5 and not 1e4's 1.00e5.
  const std::string sci = fmt::format("{:.2e}", v);
  const std::size_t e_at = sci.find('e');
  const int exponent = std::stoi(sci.substr(e_at + 1));
  const auto trim = [](std::string s) {
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0')
        s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    return s;
  };
  if (exponent >= -3 && exponent < 5)
    return trim(fmt::format("{:.{}f}", std::stod(sci), std::max(0, 2 - exponent)));
  return fmt::format("{}e{}", trim(sci.substr(0, e_at)), exponent);
}

std::string describe_box(std::span<const std::string> names, const PrimBox& box,
                         const BoxWording& wording) {
  const auto percent = [](double share) { return format_3sig(100 * share) + " %"; };
  std::vector<std::string> terms;
  for (const std::size_t j : box.restricted_dims()) {
    const bool lo = std::isfinite(box.lo[j]), hi = std::isfinite(box.hi[j]);
    if (lo && hi)
      terms.push_back(
          fmt::format("{} < {} < {}", format_3sig(box.lo[j]), names[j], format_3sig(box.hi[j])));
    else if (lo)
      terms.push_back(fmt::format("{} > {}", names[j], format_3sig(box.lo[j])));
    else
      terms.push_back(fmt::format("{} < {}", names[j], format_3sig(box.hi[j])));
  }
  if (terms.empty())
    return fmt::format("{} in {} of all {}; no box of the inputs singles out the {}",
                       wording.outcome, percent(box.density), wording.points, wording.positives);
  std::string where = terms[0];
  for (std::size_t t = 1; t < terms.size(); ++t)
    where += (t + 1 == terms.size() ? " and " : ", ") + terms[t];
  return fmt::format("{} in {} of {} where {}; such {} are {} of all (and hold {} of all {})",
                     wording.outcome, percent(box.density), wording.points, where, wording.points,
                     percent(box.mass), percent(box.coverage), wording.positives);
}

}  // namespace crisp
