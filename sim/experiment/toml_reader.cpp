#include "sim/experiment/toml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "core/names.hpp"
#include "sim/experiment/experiment.hpp"

namespace crisp::toml_input {

namespace {

std::string with_label(const Place& place, std::string_view message) {
  if (place.label.empty()) return std::string(message);
  return fmt::format("{}: {}", place.label, message);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions, the usual typos.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The known word nearest to `word`, when it is near enough to be a typo of it: at most two edits,
// and fewer edits than `word` has letters (so "x" does not suggest every one-letter key).
std::optional<std::string> closest(std::string_view word, std::span<const std::string> known) {
  const std::string w = lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = 3;
  for (const auto& k : known) {
    const std::size_t d = edit_distance(w, lower(k));
    if (d < best_distance && d < w.size()) {
      best = k;
      best_distance = d;
    }
  }
  return best;
}

std::string quoted_list(std::span<const std::string> words) {
  std::string out;
  for (const auto& w : words) {
    out += fmt::format("{}'{}'", out.empty() ? "" : ", ", w);
  }
  return out;
}

template <class T>
std::string stream(const T& value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

std::string show_full(const toml::node& n) {
  if (const auto* s = n.as_string()) return fmt::format("'{}'", s->get());
  if (const auto* i = n.as_integer()) return fmt::format("{}", i->get());
  if (const auto* f = n.as_floating_point()) return fmt::format("{}", f->get());
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* a = n.as_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < a->size(); ++i) {
      out += (i ? ", " : "") + show_full((*a)[i]);
    }
    return out + "]";
  }
  if (const auto* t = n.as_table()) {
    std::string out = "{";
    for (const auto& [k, v] : *t) {
      out += fmt::format("{} {} = {}", out.size() > 1 ? "," : "", k.str(), show_full(v));
    }
    return out + " }";
  }
  if (const auto* d = n.as_date()) return stream(*d);
  if (const auto* t = n.as_time()) return stream(*t);
  if (const auto* dt = n.as_date_time()) return stream(*dt);
  return "?";
}

// "a string 'abc'": what a type error says the file holds.
std::string with_type(const toml::node& n) {
  const char* type = "a value";
  switch (n.type()) {
    case toml::node_type::string:
      type = "a string";
      break;
    case toml::node_type::integer:
      type = "an integer";
      break;
    case toml::node_type::floating_point:
      type = "a float";
      break;
    case toml::node_type::boolean:
      type = "a boolean";
      break;
    case toml::node_type::array:
      type = "a list";
      break;
    case toml::node_type::table:
      type = "a table";
      break;
    case toml::node_type::date:
      type = "a date";
      break;
    case toml::node_type::time:
      type = "a time";
      break;
    case toml::node_type::date_time:
      type = "a date-time";
      break;
    case toml::node_type::none:
      break;
  }
  return fmt::format("{} {}", type, show(n));
}

std::string number_phrase(const Range& range) {
  const std::string d = range.describe();
  return d.empty() ? "a number" : "a number " + d;
}

}  // namespace

void fail_at(const std::string& file, const toml::source_position& pos, std::string_view message) {
  if (pos.line == 0) throw InputError(fmt::format("{}: {}", file, message));
  throw InputError(fmt::format("{}:{}:{}: {}", file, pos.line, pos.column, message));
}

void fail_in(const Place& place, const toml::source_position& pos, std::string_view message) {
  if (place.fixed_line > 0) {
    throw InputError(fmt::format("{}:{}: {}", place.file, place.fixed_line, message));
  }
  fail_at(place.file, pos, message);
}

std::uint32_t line_in(const Place& place, const toml::source_position& pos) {
  return place.fixed_line > 0 ? place.fixed_line : pos.line;
}

// ---- messages ----

std::string suggest(std::string_view word, std::span<const std::string> known) {
  if (known.empty()) return "";
  if (auto best = closest(word, known)) return fmt::format(" (did you mean '{}'?)", *best);
  constexpr std::size_t kMaxListed = 12;
  if (known.size() > kMaxListed) {
    return fmt::format(" (known: {}, ...)", quoted_list(known.first(kMaxListed)));
  }
  return fmt::format(" (known: {})", quoted_list(known));
}

std::string show(const toml::node& n) {
  constexpr std::size_t kMaxShown = 60;  // a message stays one readable line
  return names::shortened(show_full(n), kMaxShown);
}

bool earlier_in_file(const toml::source_position& a, const toml::source_position& b) {
  return std::tie(a.line, a.column) < std::tie(b.line, b.column);
}

// ---- Value ----

void Value::fail(std::string_view expected) const {
  fail_with(fmt::format("{} must be {}, got {}", key_, expected, show(*node_)));
}

void Value::fail_type(std::string_view expected) const {
  // Every cell of a CSV file is text: its type says nothing.
  const std::string got = place_->fixed_line > 0 ? show(*node_) : with_type(*node_);
  fail_with(fmt::format("{} must be {}, got {}", key_, expected, got));
}

void Value::fail_with(std::string_view message) const {
  fail_in(*place_, node_->source().begin, with_label(*place_, message));
}

double Value::number(const Range& range) const {
  if (!is_number()) fail_type(number_phrase(range));
  // toml++ gives no double for an integer past 2^53 that a double cannot hold exactly: it is
  // converted here (rounded), and then checked like any other number.
  const double v = node_->is_integer() ? static_cast<double>(node_->as_integer()->get())
                                       : node_->value<double>().value();
  if (std::isnan(v) || (std::isinf(v) && !range.allow_inf)) fail("finite");
  if (range.hi_is_cap && v > range.hi && !(std::isinf(v) && range.allow_inf)) {
    fail(fmt::format("<= {}", range.hi));
  }
  if (!range.contains(v)) fail(range.describe());
  return v;
}

std::int64_t Value::integer(std::int64_t min) const {
  const auto* i = node_->as_integer();
  if (!i) fail_type(fmt::format("an integer >= {}", min));
  if (i->get() < min) fail(fmt::format(">= {}", min));
  return i->get();
}

std::string Value::string() const {
  const auto* s = node_->as_string();
  if (!s) fail_type("a string");
  if (const std::string problem = names::text_problem(s->get()); !problem.empty()) {
    fail(fmt::format("UTF-8 text without control characters ({})", problem));
  }
  return s->get();
}

std::string Value::name() const {
  std::string name = string();  // text: what remains to check is the length
  if (const std::string problem = names::name_problem(name); !problem.empty()) {
    fail(fmt::format("at most {} bytes of UTF-8 ({})", names::kMaxNameBytes, problem));
  }
  return name;
}

std::string Value::choice(std::span<const std::string> options) const {
  std::string s = string();
  if (std::find(options.begin(), options.end(), s) != options.end()) return s;
  const auto best = closest(s, options);
  fail_with(fmt::format("{} must be one of {}, got {}{}", key_, quoted_list(options), show(*node_),
                        best ? fmt::format(" (did you mean '{}'?)", *best) : ""));
}

std::vector<Value> Value::list(bool allow_empty) const {
  const auto* a = node_->as_array();
  if (!a) fail_type("a list");
  if (a->empty() && !allow_empty) fail("a non-empty list");
  std::vector<Value> out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    out.emplace_back((*a)[i], fmt::format("{}[{}]", key_, i), place_);
  }
  return out;
}

std::vector<std::string> Value::strings(bool allow_empty) const {
  std::vector<std::string> out;
  for (const auto& v : list(allow_empty)) {
    out.push_back(v.string());
  }
  return out;
}

Table Value::table() const {
  const auto* t = node_->as_table();
  if (!t) fail_type("a table");
  return Table(*t, place_, key_ + ".");
}

// ---- Table ----

void Table::check_keys(const KeyRules& rules) const {
  std::vector<const toml::key*> keys;
  for (const auto& entry : *table_) {
    keys.push_back(&entry.first);
  }
  // The table iterates in key order; the first bad key in the file is the one to report.
  std::stable_sort(keys.begin(), keys.end(), [](const toml::key* a, const toml::key* b) {
    return earlier_in_file(a->source().begin, b->source().begin);
  });
  const auto in = [](const std::vector<std::string>& names, std::string_view k) {
    return std::find(names.begin(), names.end(), k) != names.end();
  };
  for (const toml::key* key : keys) {
    const std::string_view k = key->str();
    if (in(rules.allowed, k)) continue;
    std::string message;
    if (in(rules.not_yet, k)) {
      message = fmt::format("{} is not supported yet", full_key(k));
    } else if (in(rules.other_kinds, k)) {
      message = fmt::format("{} does not apply to {}", full_key(k), rules.kind_phrase);
    } else {
      message = fmt::format("unknown key '{}'{}", full_key(k), suggest(k, rules.allowed));
    }
    fail_in(*place_, key->source().begin, with_label(*place_, message));
  }
}

Table Table::sub_or_empty(std::string_view key) const {
  if (const auto v = get(key)) return v->table();
  static const toml::table kEmpty;
  return Table(kEmpty, place_, full_key(key) + ".");
}

std::optional<Value> Table::get(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (!n) return std::nullopt;
  return Value(*n, full_key(key), place_);
}

std::vector<Value> Table::values_in_file_order() const {
  std::vector<Value> entries;
  for (const auto& entry : *table_) {
    entries.push_back(*get(entry.first.str()));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Value& a, const Value& b) {
    return earlier_in_file(a.node().source().begin, b.node().source().begin);
  });
  return entries;
}

Value Table::require(std::string_view key, std::string_view expected) const {
  if (auto v = get(key)) return *v;
  fail(fmt::format("missing required key '{}' ({})", full_key(key), expected));
}

double Table::number(std::string_view key, const Range& range) const {
  return require(key, number_phrase(range)).number(range);
}

double Table::number_or(std::string_view key, double fallback, const Range& range) const {
  const auto v = get(key);
  return v ? v->number(range) : fallback;
}

std::int64_t Table::integer_or(std::string_view key, std::int64_t fallback,
                               std::int64_t min) const {
  const auto v = get(key);
  return v ? v->integer(min) : fallback;
}

std::string Table::string(std::string_view key) const {
  return require(key, "a string").string();
}

std::string Table::string_or(std::string_view key, std::string fallback) const {
  const auto v = get(key);
  return v ? v->string() : fallback;
}

std::string Table::choice_or(std::string_view key, std::string fallback,
                             std::span<const std::string> options) const {
  const auto v = get(key);
  return v ? v->choice(options) : fallback;
}

void Table::fail(std::string_view message) const {
  fail_in(*place_, position(), with_label(*place_, message));
}

// ---- top-level tables ----

std::vector<Table> array_of_tables(const Table& parent, std::string_view key,
                                   std::string_view label) {
  const auto v = parent.get(key);
  if (!v) return {};
  const auto* array = v->node().as_array();
  if (!array || !array->is_array_of_tables()) {
    v->fail_type(fmt::format("an array of tables ([[{}]])", key));
  }
  std::vector<Table> tables;
  for (std::size_t i = 0; i < array->size(); ++i) {
    auto place = std::make_shared<Place>(Place{parent.file(), fmt::format("{} #{}", label, i + 1)});
    tables.emplace_back(*(*array)[i].as_table(), std::move(place));
  }
  return tables;
}

std::optional<Table> sub_table(const Table& parent, std::string_view key) {
  const auto v = parent.get(key);
  if (!v) return std::nullopt;
  const auto* t = v->node().as_table();
  if (!t) v->fail_type(fmt::format("a table ([{}])", key));
  return Table(*t, std::make_shared<Place>(Place{parent.file(), fmt::format("[{}]", key)}));
}

}  // namespace crisp::toml_input
