// Reading [network] nodes_csv and edges_csv: each row of a CSV file becomes a table that the
// readers of [[node]] and [[edge]] check like any other, with messages at the file and line.

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/experiment/csv_reader.hpp"
#include "sim/experiment/input_file.hpp"
#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

namespace {

bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The number a cell spells, as a TOML float; else the cell as a string, which the reader of the
// key then refuses as "must be a number ..., got '<cell>'".
void insert_number(toml::table& row, const std::string& key, const std::string& cell) {
  std::string_view digits = cell;
  if (digits.size() > 1 && digits.front() == '+') digits.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error == std::errc() && end == digits.data() + digits.size()) {
    row.insert(key, value);
  } else {
    row.insert(key, cell);
  }
}

// "a;b; c" -> ["a", "b", "c"]; items are trimmed, so "a;;b" keeps an empty item to refuse.
toml::array split_list(const std::string& cell) {
  toml::array out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = cell.find(';', start);
    std::string item = cell.substr(start, end == std::string::npos ? end : end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    out.push_back(item);
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

// Checks the header: each column known, once, and the required ones present.
void check_header(const csv::Record& header, const CsvSchema& schema, const std::string& file) {
  const auto fail = [&](const std::string& message) {
    throw InputError(fmt::format("{}:{}: {}", file, header.line, message));
  };
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& column = header.fields[i];
    if (column.empty()) fail(fmt::format("column {} of the header has no name", i + 1));
    if (!contains(schema.columns, column)) {
      fail(fmt::format("unknown column '{}'{}", column,
                       toml_input::suggest(column, schema.columns)));
    }
    if (std::find(header.fields.begin(), header.fields.begin() + static_cast<long>(i), column) !=
        header.fields.begin() + static_cast<long>(i)) {
      fail(fmt::format("column '{}' appears twice", column));
    }
  }
  for (const auto& column : schema.required) {
    if (!contains(header.fields, column)) {
      fail(fmt::format("missing required column '{}' (the header names: {})", column,
                       fmt::join(header.fields, ", ")));
    }
  }
}

std::string commented(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out += line.empty() ? "#\n" : "# " + line + "\n";
  }
  return out;
}

// The line that opens a file's text in an appendix; a commented line of the file follows per line.
std::string appendix_marker(std::string_view key, std::string_view name) {
  return fmt::format("# ---- [network] {} = '{}', as read ----", key, name);
}

}  // namespace

std::map<std::string, std::string, std::less<>> recorded_csv(std::string_view text) {
  constexpr std::string_view kOpen = "# ---- [network] ", kClose = ", as read ----";
  std::map<std::string, std::string, std::less<>> files;
  std::string* current = nullptr;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(kOpen) && line.ends_with(kClose)) {
      const std::string_view spec = std::string_view(line).substr(kOpen.size());
      current = &files[std::string(spec.substr(0, spec.find(" = ")))];
      current->clear();
    } else if (current != nullptr && (line == "#" || line.starts_with("# "))) {
      *current += line.size() > 2 ? line.substr(2) : "";
      *current += '\n';
    } else {
      current = nullptr;  // the appendix ends at the first line that is not one of its comments
    }
  }
  return files;
}

std::vector<Table> read_csv_tables(const Table& network, std::string_view key,
                                   const CsvSchema& schema, CsvContext& context) {
  const auto v = network.get(key);
  if (!v) return {};
  const std::string name = v->string();
  if (name.empty()) v->fail("a non-empty file name");
  std::string file, text;
  if (!context.folder) {
    // Text: the file as the run recorded it (a results file's experiment_toml), else an error.
    const auto recorded = context.recorded.find(key);
    if (recorded == context.recorded.end()) {
      v->fail_with(fmt::format(
          "{} names a CSV file, but this experiment was given as text, with no folder to find it "
          "in: run it from a file",
          v->key()));
    }
    file = fmt::format("'{}' as recorded", name);
    text = recorded->second;
  } else {
    namespace fs = std::filesystem;
    const fs::path path =
        fs::path(name).is_absolute() ? fs::path(name) : fs::path(*context.folder) / name;
    file = path.lexically_normal().string();
    input_file::Contents in = input_file::read(path.string());
    if (!in.error.empty()) {
      v->fail_with(fmt::format("{}: cannot read '{}': {}", v->key(), file, in.error));
    }
    text = std::move(in.text);
    context.appendix += fmt::format("\n{}\n{}", appendix_marker(v->key(), name), commented(text));
  }
  const csv::Document doc = csv::parse(text, file);
  check_header(doc.header, schema, file);

  std::vector<Table> tables;
  for (std::size_t r = 0; r < doc.rows.size(); ++r) {
    const csv::Record& row = doc.rows[r];
    toml::table& t = context.rows.emplace_back();
    for (std::size_t c = 0; c < row.fields.size(); ++c) {
      const std::string& column = doc.header.fields[c];
      const std::string& cell = row.fields[c];
      if (cell.empty()) continue;  // an empty cell is an absent key
      if (contains(schema.text_columns, column)) {
        t.insert(column, cell);
      } else if (contains(schema.list_columns, column)) {
        t.insert(column, split_list(cell));
      } else {
        insert_number(t, column, cell);
      }
    }
    auto place = std::make_shared<toml_input::Place>(
        toml_input::Place{file, fmt::format("{} #{}", schema.noun, r + 1), row.line});
    tables.emplace_back(t, std::move(place));
  }
  return tables;
}

}  // namespace crisp::experiment_detail
