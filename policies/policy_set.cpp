#include "policies/policy_set.hpp"
#include <algorithm>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include "core/random.hpp"

namespace crisp {

namespace {

template <class Spec>
using KindOf = LeverKinds::KindOf<Spec>;

template <class Spec>
double Spec::*find_member(const Spec& /*spec*/, std::string_view name) {
  for (const auto& f : KindOf<Spec>::kFields) {
    if (f.name == name) return f.member;
  }
  return nullptr;
}

template <class Spec>
const std::vector<std::string_view>& names_of(const Spec& /*spec*/) {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const auto& f : KindOf<Spec>::kFields) {
      v.push_back(f.name);
    }
    return v;
  }();
  return names;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// What a policy column shows for a lever that is on: NaN in a field whose alternative it uses (a
// stockpile sized in tonnes has no size in days), rather than the field's placeholder.
double column_value(const LeverSpec& s, std::string_view field) {
  return std::visit(
      [&](const auto& spec) {
        using K = KindOf<std::decay_t<decltype(spec)>>;
        const auto& f = field_of<K>(field);
        if (!f.alternative.empty() && !K::inapplicable(spec, field).empty()) return kNaN;
        return spec.*f.member;
      },
      s);
}

// One swept field of one lever, flattened over all levers in file order.
struct GridAxis {
  std::size_t lever;
  const LeverAxis* axis;
};

std::vector<GridAxis> flatten_axes(const std::vector<Lever>& levers) {
  std::vector<GridAxis> axes;
  for (std::size_t i = 0; i < levers.size(); ++i) {
    for (const auto& a : levers[i].axes) {
      LeverSpec probe = levers[i].base;
      if (!set_field(probe, a.field, 0)) {
        throw std::logic_error(
            fmt::format("unknown {} field {}", lever_kind(levers[i].base), a.field));
      }
      if (a.values.empty()) throw std::logic_error("empty sweep axis " + a.field);
      axes.push_back({i, &a});
    }
  }
  return axes;
}

// "size_days=30, release.delay_days=8, early_warning NL all", levers in file order: a swept field
// as field=value, and a lever held fixed (no axis) by its name when it is on, so that no label
// hides a lever that acts ("size_days=0" alone would read as no policy at all). A fixed lever is
// on in every point or in none. A swept field
// is led by its lever's name when another lever in the label has a field of that name (swept, or
// fixed and on: it has every field of its kind). With nothing swept there is one point, named
// after the levers that are on.
std::string point_label(const std::vector<Lever>& levers, const std::vector<GridAxis>& axes,
                        const std::vector<std::size_t>& at) {
  std::string label;
  const auto append = [&label](const std::string& part) {
    if (!label.empty()) label += ", ";
    label += part;
  };
  const auto shown_fixed = [&levers](std::size_t i) {
    return levers[i].axes.empty() && !is_off(levers[i].base);
  };
  const auto shares_field = [&](std::size_t i, const std::string& field) {
    for (std::size_t j = 0; j < levers.size(); ++j) {
      if (j == i) continue;
      const auto& fields = numeric_fields(levers[j].base);
      const bool has = shown_fixed(j)
                           ? std::find(fields.begin(), fields.end(), field) != fields.end()
                           : std::any_of(levers[j].axes.begin(), levers[j].axes.end(),
                                         [&](const LeverAxis& a) { return a.field == field; });
      if (has) return true;
    }
    return false;
  };
  std::size_t k = 0;
  for (std::size_t i = 0; i < levers.size(); ++i) {
    if (shown_fixed(i)) append(lever_name(levers[i].base));
    for (; k < axes.size() && axes[k].lever == i; ++k) {
      const LeverAxis& a = *axes[k].axis;
      const std::string prefix = shares_field(i, a.field) ? lever_name(levers[i].base) + "." : "";
      append(fmt::format("{}{}={}", prefix, a.field, a.values[at[k]]));
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

// The columns and the baseline (set 0, every lever off) that every design starts with.
PolicyDesign baseline_design(const std::vector<Lever>& levers) {
  PolicyDesign design;
  for (const auto& lever : levers) {
    std::visit(
        [&](const auto& spec) {
          using K = KindOf<std::decay_t<decltype(spec)>>;
          for (const auto& f : K::kFields) {
            design.columns.push_back(fmt::format("{}.{}", spec.name, f.name));
            design.column_info.push_back({std::string(K::kName), spec.name, std::string(f.name),
                                          spec.material, f.unit, f.range, f.off,
                                          std::string(f.alternative)});
          }
        },
        lever.base);
  }
  PolicySet baseline;
  baseline.label = "baseline";
  baseline.params.assign(design.columns.size(), kNaN);
  design.sets.push_back(std::move(baseline));
  return design;
}

std::vector<LeverSpec> base_specs(const std::vector<Lever>& levers) {
  std::vector<LeverSpec> specs;
  for (const auto& lever : levers) {
    specs.push_back(lever.base);
  }
  return specs;
}

// A policy set of one value per lever field: its columns, and the levers that are on (id and
// label are the caller's).
PolicySet make_set(const std::vector<LeverSpec>& specs) {
  PolicySet set;
  for (const auto& spec : specs) {
    const bool off = is_off(spec);
    for (auto field : numeric_fields(spec)) {
      set.params.push_back(off ? kNaN : column_value(spec, field));
    }
    if (!off) set.levers.push_back(spec);
  }
  return set;
}

}  // namespace

const char* lever_kind(const LeverSpec& s) {
  // Each kName is a string literal, so data() is null-terminated.
  return LeverKinds::kNames[s.index()].data();
}

const std::string& lever_name(const LeverSpec& s) {
  return std::visit([](const auto& spec) -> const std::string& { return spec.name; }, s);
}

const std::vector<std::string_view>& numeric_fields(const LeverSpec& s) {
  return std::visit(
      [](const auto& spec) -> const std::vector<std::string_view>& { return names_of(spec); }, s);
}

bool set_field(LeverSpec& s, std::string_view field, double value) {
  return std::visit(
      [&](auto& spec) {
        const auto member = find_member(spec, field);
        if (!member) return false;
        spec.*member = value;
        return true;
      },
      s);
}

double get_field(const LeverSpec& s, std::string_view field) {
  return std::visit(
      [&](const auto& spec) {
        const auto member = find_member(spec, field);
        if (!member) {
          throw std::invalid_argument(fmt::format("unknown {} field '{}'", lever_kind(s), field));
        }
        return spec.*member;
      },
      s);
}

bool is_off(const LeverSpec& s) {
  return std::visit(
      [](const auto& spec) { return KindOf<std::decay_t<decltype(spec)>>::is_off(spec); }, s);
}

std::string inapplicable(const LeverSpec& spec, std::string_view field) {
  return std::visit(
      [&](const auto& s) { return KindOf<std::decay_t<decltype(s)>>::inapplicable(s, field); },
      spec);
}

std::span<const OffField> off_fields(std::string_view kind) {
  // Each kind's fields with an off value, in field order (policies/levers/<kind>.hpp).
  static const std::vector<std::pair<std::string_view, std::vector<OffField>>> kinds = [] {
    std::vector<std::pair<std::string_view, std::vector<OffField>>> out;
    LeverKinds::for_each([&]<class K>(std::type_identity<K>) {
      std::vector<OffField> fields;
      for (const auto& f : K::kFields) {
        if (!std::isnan(f.off)) fields.push_back({f.name, f.off});
      }
      out.emplace_back(K::kName, std::move(fields));
    });
    return out;
  }();
  for (const auto& [name, fields] : kinds) {
    if (name == kind) return fields;
  }
  return {};
}

PolicyDesign expand_grid(const std::vector<Lever>& levers) {
  PolicyDesign design = baseline_design(levers);
  if (levers.empty()) return design;

  const std::vector<GridAxis> axes = flatten_axes(levers);
  for (const auto& lever : levers) {
    if (!lever.ranges.empty()) {
      throw std::logic_error(fmt::format("{}: a range in a grid design", lever_name(lever.base)));
    }
  }
  std::vector<std::size_t> at(axes.size(), 0);
  do {
    std::vector<LeverSpec> specs = base_specs(levers);
    for (std::size_t k = 0; k < axes.size(); ++k) {
      set_field(specs[axes[k].lever], axes[k].axis->field, axes[k].axis->values[at[k]]);
    }
    PolicySet set = make_set(specs);
    // Every lever off is the baseline, which set 0 already is.
    if (set.levers.empty()) continue;
    set.id = static_cast<int>(design.sets.size());
    set.label = point_label(levers, axes, at);
    design.sets.push_back(std::move(set));
  } while (next_point(axes, at));
  return design;
}

std::vector<double> latin_hypercube(std::size_t samples, std::size_t dims, std::uint64_t seed) {
  std::vector<double> points(samples * dims);
  Rng rng = make_stream(seed, 0, StreamId::design);
  std::vector<std::size_t> perm(samples);
  for (std::size_t d = 0; d < dims; ++d) {
    for (std::size_t i = 0; i < samples; ++i) {
      perm[i] = i;
    }
    for (std::size_t i = samples; i-- > 1;) {
      const std::size_t j = boost::random::uniform_int_distribution<std::size_t>(0, i)(rng);
      std::swap(perm[i], perm[j]);
    }
    for (std::size_t i = 0; i < samples; ++i) {
      const double u = boost::random::uniform_01<double>()(rng);
      const double x = (static_cast<double>(perm[i]) + u) / static_cast<double>(samples);
      // Rounding could carry (N - 1 + u) / N up to 1; keep the point inside its stratum.
      points[i * dims + d] = std::min(x, std::nextafter(1.0, 0.0));
    }
  }
  return points;
}

PolicyDesign expand_lhs(const std::vector<Lever>& levers, std::int64_t samples,
                        std::uint64_t seed) {
  if (samples < 1) throw std::invalid_argument("a Latin hypercube needs at least one sample");
  std::vector<std::pair<std::size_t, const LeverRange*>> dims;
  for (std::size_t i = 0; i < levers.size(); ++i) {
    if (!levers[i].axes.empty()) {
      throw std::logic_error(
          fmt::format("{}: a sweep axis in a Latin hypercube", lever_name(levers[i].base)));
    }
    for (const auto& r : levers[i].ranges) {
      LeverSpec probe = levers[i].base;
      if (!set_field(probe, r.field, r.min)) {
        throw std::logic_error(fmt::format("unknown {} field {}", lever_kind(probe), r.field));
      }
      dims.emplace_back(i, &r);
    }
  }
  PolicyDesign design = baseline_design(levers);
  const auto n = static_cast<std::size_t>(samples);
  const std::vector<double> points = latin_hypercube(n, dims.size(), seed);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<LeverSpec> specs = base_specs(levers);
    for (std::size_t d = 0; d < dims.size(); ++d) {
      const LeverRange& r = *dims[d].second;
      set_field(specs[dims[d].first], r.field,
                r.min + (r.max - r.min) * points[i * dims.size() + d]);
    }
    PolicySet set = make_set(specs);
    set.id = static_cast<int>(design.sets.size());
    // "lhs 3: size_days=93.4, capacity_tpy=17.2": the point's number and its sampled values (the
    // lever's name leads a field only when another sampled lever has a field of that name).
    set.label = fmt::format("lhs {}", i + 1);
    for (std::size_t d = 0; d < dims.size(); ++d) {
      const LeverRange& r = *dims[d].second;
      const bool shared = std::any_of(dims.begin(), dims.end(), [&](const auto& other) {
        return other.first != dims[d].first && other.second->field == r.field;
      });
      set.label += fmt::format("{}{}{}={:.3g}", d == 0 ? ": " : ", ",
                               shared ? lever_name(levers[dims[d].first].base) + "." : "", r.field,
                               get_field(specs[dims[d].first], r.field));
    }
    design.sets.push_back(std::move(set));
  }
  return design;
}

PolicyDesign expand_list(const std::vector<Lever>& levers, const std::vector<ListedSet>& sets) {
  for (const auto& lever : levers) {
    if (!lever.axes.empty() || !lever.ranges.empty()) {
      throw std::logic_error(
          fmt::format("{}: a sweep axis or range in a list design", lever_name(lever.base)));
    }
  }
  PolicyDesign design = baseline_design(levers);
  for (const ListedSet& listed : sets) {
    std::vector<LeverSpec> specs = base_specs(levers);
    for (const ListedValue& v : listed.values) {
      if (v.lever >= specs.size() || !set_field(specs[v.lever], v.field, v.value)) {
        throw std::logic_error(
            fmt::format("set '{}': no lever field {}.{}", listed.label, v.lever, v.field));
      }
    }
    PolicySet set = make_set(specs);
    set.id = static_cast<int>(design.sets.size());
    set.label = listed.label;
    design.sets.push_back(std::move(set));
  }
  return design;
}

PolicySet set_of(const std::vector<Lever>& levers, const std::vector<ListedValue>& values,
                 std::string label) {
  std::vector<LeverSpec> specs = base_specs(levers);
  for (const ListedValue& v : values) {
    if (v.lever >= specs.size() || !set_field(specs[v.lever], v.field, v.value)) {
      throw std::logic_error(
          fmt::format("set '{}': no lever field {}.{}", label, v.lever, v.field));
    }
  }
  PolicySet set = make_set(specs);
  set.label = std::move(label);
  return set;
}

PolicySet baseline_set(const std::vector<Lever>& levers) {
  return std::move(baseline_design(levers).sets[0]);
}

PolicyDesign design_of(const std::vector<Lever>& levers, std::vector<PolicySet> sets) {
  PolicyDesign design = baseline_design(levers);
  design.sets = std::move(sets);
  for (std::size_t i = 0; i < design.sets.size(); ++i)
    design.sets[i].id = static_cast<int>(i);
  return design;
}

PolicyDesign scale_lever_field(PolicyDesign design, std::string_view lever, std::string_view field,
                               double factor) {
  for (PolicySet& set : design.sets)
    for (LeverSpec& spec : set.levers)
      if (lever_name(spec) == lever) set_field(spec, field, get_field(spec, field) * factor);
  return design;
}

}  // namespace crisp
