#pragma once
// Typed, checked access to the tables of a TOML file. Every read checks one value's type and
// range; a failed check throws an InputError that names the file, line and column, the table it
// is in, the key, the bad value and what was expected (README "Experiment file reference"):
//
//   gallium.toml:14:9: edge 'cn-ref -> nl-users': share must be in [0, 1], got 1.4
//
// Knows nothing of crisp's model: sim/experiment/load_*.cpp say which keys a table holds.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/number_range.hpp"

namespace crisp::toml_input {

// Where messages point: the file name and the label of the table being read, such as
// "node 'cn-ref'". Shared by a table, its inline sub-tables and every value read from them, so
// naming the table once its id is known renames it in every later message.
// A table built from a row of a CSV file has no TOML positions: `fixed_line` (from 1) is the
// row's line, and every message about it points there, without a column.
struct Place {
  std::string file;
  std::string label;
  std::uint32_t fixed_line = 0;
};
using PlacePtr = std::shared_ptr<Place>;

[[noreturn]] void fail_at(const std::string& file, const toml::source_position& pos,
                          std::string_view message);
// As fail_at, at the place's fixed line when it has one.
[[noreturn]] void fail_in(const Place& place, const toml::source_position& pos,
                          std::string_view message);
// The line a value at `pos` is reported at: the place's fixed line, else `pos.line`.
std::uint32_t line_in(const Place& place, const toml::source_position& pos);

// The numbers a key accepts (core/number_range.hpp).
using Range = NumberRange;
using range::above;
using range::above_capped;
using range::any_number;
using range::at_least;
using range::capped;
using range::closed;
using range::left_open;

// " (did you mean 'share'?)" when a known word is close to `word`, else " (expected one of: a,
// b, c)"; "" when nothing is known.
std::string suggest(std::string_view word, std::span<const std::string> known);

// A value as a message quotes it: 1.4, 'abc', [1, 2].
std::string show(const toml::node& n);

// Whether `a` stands before `b` in the file (line, then column). A TOML table iterates its keys
// alphabetically; what is reported or kept "in file order" is sorted by this.
bool earlier_in_file(const toml::source_position& a, const toml::source_position& b);

class Table;

// One value of the file with the key it was read under ("share", "release.delay_days",
// "events[2]"): converts it to a C++ type or says why it cannot.
class Value {
 public:
  Value(const toml::node& node, std::string key, PlacePtr place)
      : node_(&node), key_(std::move(key)), place_(std::move(place)) {}

  const toml::node& node() const { return *node_; }
  const std::string& key() const { return key_; }
  const Place& place() const { return *place_; }
  // The same value under another name in messages: "events[0] severity" for "events[0][2]".
  Value renamed(std::string key) const { return Value(*node_, std::move(key), place_); }
  bool is_number() const { return node_->is_integer() || node_->is_floating_point(); }

  double number(const Range& range = any_number()) const;  // integers are accepted
  std::int64_t integer(std::int64_t min) const;
  // A string: UTF-8 text without control characters (names::text_problem), else an error.
  std::string string() const;
  // A string that names something (names::name_problem): text of at most names::kMaxNameBytes.
  std::string name() const;
  // One of `options`, else an error with a did-you-mean.
  std::string choice(std::span<const std::string> options) const;
  std::vector<Value> list(bool allow_empty = true) const;  // elements keyed "key[i]"
  std::vector<std::string> strings(bool allow_empty = true) const;
  Table table() const;  // an inline table; its keys are read as "key.sub"

  // "<label>: <key> must be <expected>, got <value>", at this value.
  [[noreturn]] void fail(std::string_view expected) const;
  // "<label>: <key> must be <expected>, got <its type and value>": a value of the wrong type.
  [[noreturn]] void fail_type(std::string_view expected) const;
  // "<label>: <message>", at this value.
  [[noreturn]] void fail_with(std::string_view message) const;

 private:
  const toml::node* node_;
  std::string key_;
  PlacePtr place_;
};

// Keys a table may hold beyond the ones it reads. Checked before anything is read, so that a
// misspelt key is reported as such rather than as the missing key it was meant to be.
struct KeyRules {
  std::vector<std::string> allowed = {};
  std::vector<std::string> not_yet = {};      // keys of a later version: "not supported yet"
  std::vector<std::string> other_kinds = {};  // keys of the table's other kinds ...
  std::string kind_phrase = {};               // ... which "do not apply to <kind_phrase>"
};

class Table {
 public:
  Table(const toml::table& table, PlacePtr place, std::string key_prefix = "")
      : table_(&table), place_(std::move(place)), prefix_(std::move(key_prefix)) {}

  const toml::table& raw() const { return *table_; }
  const toml::source_position& position() const { return table_->source().begin; }
  const std::string& file() const { return place_->file; }
  const Place& place() const { return *place_; }
  // Names the table in messages, its values' included (they share its Place).
  void set_label(std::string label) const { place_->label = std::move(label); }

  // Fails on the first key, in file order, that `rules` does not allow.
  void check_keys(const KeyRules& rules) const;

  bool has(std::string_view key) const { return table_->contains(key); }
  // The string at `key` when there is one, without complaint otherwise: for naming a table in
  // messages before its keys are checked.
  std::optional<std::string> peek_string(std::string_view key) const {
    if (const auto* s = table_->get_as<std::string>(key)) return s->get();
    return std::nullopt;
  }
  std::optional<Value> get(std::string_view key) const;
  // Every value of the table, in file order (an inline table's entries as the user wrote them).
  std::vector<Value> values_in_file_order() const;
  // The inline table at `key`, or an empty one (keyed "key.") when it is absent.
  Table sub_or_empty(std::string_view key) const;
  // The value of `key`, or a "missing required key" error describing `expected`.
  Value require(std::string_view key, std::string_view expected) const;

  double number(std::string_view key, const Range& range) const;
  double number_or(std::string_view key, double fallback, const Range& range) const;
  std::int64_t integer_or(std::string_view key, std::int64_t fallback, std::int64_t min) const;
  std::string string(std::string_view key) const;
  std::string string_or(std::string_view key, std::string fallback) const;
  std::string choice_or(std::string_view key, std::string fallback,
                        std::span<const std::string> options) const;

  // "<label>: <message>", at the table's header.
  [[noreturn]] void fail(std::string_view message) const;

  // `key` as messages name it: "release.delay_days" in the table of `release`.
  std::string full_key(std::string_view key) const { return prefix_ + std::string(key); }

 private:
  const toml::table* table_;
  PlacePtr place_;
  std::string prefix_;
};

// The tables of `key` in `parent`, an array of tables ([[node]]); none when the key is absent.
// Each gets a Place of its own, labelled "<label> #i" (from 1) until the caller names it.
std::vector<Table> array_of_tables(const Table& parent, std::string_view key,
                                   std::string_view label);
// The table of `key` in `parent` ([experiment]), labelled "[key]"; nullopt when absent.
std::optional<Table> sub_table(const Table& parent, std::string_view key);

}  // namespace crisp::toml_input
