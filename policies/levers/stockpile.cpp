// The stockpile lever's applier and reader (stockpile.hpp).

#include "policies/levers/stockpile.hpp"

#include <fmt/format.h>

#include "policies/apply_detail.hpp"

namespace crisp {

std::string StockpileLever::inapplicable(const StockpileSpec& s, std::string_view field) {
  const bool tonnes = s.size_t_abs >= 0;
  if (field == "size_days" && tonnes) return "this stockpile's size is given in tonnes: set size_t";
  if (field == "size_t" && !tonnes) return "this stockpile's size is given in days: set size_days";
  if (field == "release.threshold" && s.trigger != ReleaseTrigger::supply_drop) {
    return "release.threshold applies only with release.trigger = 'supply_drop'";
  }
  return "";
}

void StockpileLever::apply(const StockpileSpec& spec, AppliedPolicy& out) {
  apply_detail::check_material(out.scenario, spec.material, spec.name);
  out.effects.stockpiles.push_back(spec);
}

namespace {

using K = StockpileLever;

void read_release(LeverFields& in, StockpileSpec& spec) {
  static constexpr std::array<std::string_view, 4> kAllowed = {"trigger", "threshold", "delay_days",
                                                               "max_rate_days"};
  in.check_keys("release", kAllowed);
  const std::vector<std::string> triggers = {"shortfall", "supply_drop"};
  const std::string trigger = in.choice("release.trigger", "shortfall", triggers);
  spec.trigger = trigger == "supply_drop" ? ReleaseTrigger::supply_drop : ReleaseTrigger::shortfall;
  if (spec.trigger == ReleaseTrigger::shortfall && in.has("release.threshold")) {
    in.fail_at("release.threshold", "release.threshold applies only with trigger = 'supply_drop'");
  }
  read_number<K>(in, spec, "release.threshold");
  read_number<K>(in, spec, "release.delay_days");
  read_number<K>(in, spec, "release.max_rate_days");
}

void read_refill(LeverFields& in, StockpileSpec& spec) {
  static constexpr std::array<std::string_view, 3> kAllowed = {"after_days", "rate_days",
                                                               "max_price_multiple"};
  in.check_keys("refill", kAllowed);
  read_number<K>(in, spec, "refill.after_days");
  read_number<K>(in, spec, "refill.rate_days");
  read_number<K>(in, spec, "refill.max_price_multiple");
}

// The target: size_days or size_t, exactly one.
void read_size(LeverFields& in, StockpileSpec& spec) {
  if (in.has("size_days") && in.has("size_t")) {
    in.fail_at("size_t", "give size_days or size_t, not both");
  }
  if (!in.has("size_days") && !in.has("size_t")) {
    in.fail("missing required key 'size_days' or 'size_t' (a number >= 0, or a list of them)");
  }
  read_number<K>(in, spec, "size_days");
  read_number<K>(in, spec, "size_t");
}

}  // namespace

StockpileSpec StockpileLever::read(LeverFields& in) {
  StockpileSpec spec = start_regional<K>(in, false);
  read_size(in, spec);
  read_number<K>(in, spec, "initial_fill");
  read_number<K>(in, spec, "holding_cost_per_year");
  // Absent, they are read as empty tables: their fields keep their defaults, and are recorded
  // for [[design.sets]].
  read_release(in, spec);
  read_refill(in, spec);
  return spec;
}

}  // namespace crisp
