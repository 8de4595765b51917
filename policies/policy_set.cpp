#include "policies/policy_set.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace crisp {

namespace {

struct StockpileField {
  std::string_view name;  // dotted as in the experiment file
  double StockpileSpec::*member;
};

// The one list of a stockpile's numeric keys: the loader's sweep axes, the policy columns and
// set/get all go through it.
constexpr std::array<StockpileField, 10> kStockpileFields{{
    {"size_days", &StockpileSpec::size_days},
    {"size_t", &StockpileSpec::size_t_abs},
    {"initial_fill", &StockpileSpec::initial_fill},
    {"release.threshold", &StockpileSpec::threshold},
    {"release.delay_days", &StockpileSpec::delay_days},
    {"release.max_rate_days", &StockpileSpec::max_rate_days},
    {"refill.after_days", &StockpileSpec::refill_after_days},
    {"refill.rate_days", &StockpileSpec::refill_rate_days},
    {"refill.max_price_multiple", &StockpileSpec::refill_max_price_multiple},
    {"holding_cost_per_year", &StockpileSpec::holding_cost_per_year},
}};

const StockpileField* find_field(std::string_view name) {
  for (const auto& f : kStockpileFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// What a policy column shows for a lever that is on. The target is given either in days or in
// tonnes; the unit not in use shows NaN rather than its placeholder (size_t_abs = -1).
double column_value(const StockpileSpec& s, std::string_view field) {
  const bool in_tonnes = s.size_t_abs >= 0;
  if (field == "size_t" && !in_tonnes) return kNaN;
  if (field == "size_days" && in_tonnes) return kNaN;
  return get_stockpile_field(s, field);
}

// One swept field of one lever, flattened over all levers in file order.
struct GridAxis {
  std::size_t lever;
  const LeverAxis* axis;
};

std::vector<GridAxis> flatten_axes(const std::vector<StockpileLever>& levers) {
  std::vector<GridAxis> axes;
  for (std::size_t i = 0; i < levers.size(); ++i) {
    for (const auto& a : levers[i].axes) {
      if (!find_field(a.field)) throw std::logic_error("unknown stockpile field " + a.field);
      if (a.values.empty()) throw std::logic_error("empty sweep axis " + a.field);
      axes.push_back({i, &a});
    }
  }
  return axes;
}

// "size_days=30, release.delay_days=8"; the lever's name leads each field when several levers
// could own it. With nothing swept there is one point, named after the levers that are on.
std::string point_label(const std::vector<StockpileLever>& levers,
                        const std::vector<GridAxis>& axes, const std::vector<std::size_t>& at,
                        const std::vector<StockpileSpec>& on) {
  std::string label;
  const auto append = [&label](const std::string& part) {
    if (!label.empty()) label += ", ";
    label += part;
  };
  for (std::size_t k = 0; k < axes.size(); ++k) {
    const LeverAxis& a = *axes[k].axis;
    const std::string prefix = levers.size() > 1 ? levers[axes[k].lever].base.name + "." : "";
    append(fmt::format("{}{}={}", prefix, a.field, a.values[at[k]]));
  }
  if (axes.empty()) {
    for (const auto& s : on) {
      append(s.name);
    }
  }
  return label;
}

// Advances the odometer `at` (the last axis fastest); false once every point has been visited.
bool next_point(const std::vector<GridAxis>& axes, std::vector<std::size_t>& at) {
  for (std::size_t k = axes.size(); k-- > 0;) {
    if (++at[k] < axes[k].axis->values.size()) return true;
    at[k] = 0;
  }
  return false;
}

}  // namespace

const std::vector<std::string_view>& stockpile_numeric_fields() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const auto& f : kStockpileFields) {
      v.push_back(f.name);
    }
    return v;
  }();
  return names;
}

bool set_stockpile_field(StockpileSpec& s, std::string_view field, double value) {
  const StockpileField* f = find_field(field);
  if (!f) return false;
  s.*(f->member) = value;
  return true;
}

double get_stockpile_field(const StockpileSpec& s, std::string_view field) {
  const StockpileField* f = find_field(field);
  if (!f) throw std::invalid_argument(fmt::format("unknown stockpile field '{}'", field));
  return s.*(f->member);
}

bool is_off(const StockpileSpec& s) {
  return s.size_t_abs == 0 || (s.size_t_abs < 0 && s.size_days == 0);
}

PolicyDesign expand_grid(const std::vector<StockpileLever>& levers) {
  PolicyDesign design;
  for (const auto& lever : levers) {
    for (auto field : kStockpileFields) {
      design.columns.push_back(fmt::format("{}.{}", lever.base.name, field.name));
    }
  }

  PolicySet baseline;
  baseline.label = "baseline";
  baseline.params.assign(design.columns.size(), kNaN);
  design.sets.push_back(std::move(baseline));
  if (levers.empty()) return design;

  const std::vector<GridAxis> axes = flatten_axes(levers);
  std::vector<std::size_t> at(axes.size(), 0);
  do {
    std::vector<StockpileSpec> specs;
    for (const auto& lever : levers) {
      specs.push_back(lever.base);
    }
    for (std::size_t k = 0; k < axes.size(); ++k) {
      set_stockpile_field(specs[axes[k].lever], axes[k].axis->field, axes[k].axis->values[at[k]]);
    }

    PolicySet set;
    for (const auto& spec : specs) {
      const bool off = is_off(spec);
      for (auto field : kStockpileFields) {
        set.params.push_back(off ? kNaN : column_value(spec, field.name));
      }
      if (!off) set.stockpiles.push_back(spec);
    }
    // Every lever off is the baseline, which set 0 already is.
    if (set.stockpiles.empty()) continue;
    set.id = static_cast<int>(design.sets.size());
    set.label = point_label(levers, axes, at, set.stockpiles);
    design.sets.push_back(std::move(set));
  } while (next_point(axes, at));
  return design;
}

}  // namespace crisp
