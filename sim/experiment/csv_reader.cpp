#include "sim/experiment/csv_reader.hpp"

#include <fmt/format.h>

#include "core/names.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/experiment/input_file.hpp"

namespace crisp::csv {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_blank(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : text_(text), file_(file) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
  }

  // The next record, or false at the end of the text.
  bool next(Record& record) {
    if (at_ >= text_.size()) return false;
    record.line = line_;
    record.fields.clear();
    while (true) {
      record.fields.push_back(field(record.line));
      if (at_ >= text_.size()) return true;
      const char c = text_[at_];
      if (c == ',') {
        ++at_;
        continue;
      }
      end_of_line();  // field() stops only at a comma or a line end
      return true;
    }
  }

 private:
  [[noreturn]] void fail(std::uint32_t line, std::string_view message) const {
    throw InputError(fmt::format("{}:{}: {}", file_, line, message));
  }

  bool at_line_end() const {
    return at_ < text_.size() &&
           (text_[at_] == '\n' ||
            (text_[at_] == '\r' && at_ + 1 < text_.size() && text_[at_ + 1] == '\n'));
  }

  void end_of_line() {
    at_ += text_[at_] == '\r' ? 2 : 1;
    ++line_;
  }

  // One field, leaving `at_` on the comma or line end after it (or the end of the text).
  std::string field(std::uint32_t record_line) {
    const std::size_t start = at_;
    while (at_ < text_.size() && is_blank(text_[at_])) {
      ++at_;
    }
    if (at_ < text_.size() && text_[at_] == '"') return quoted(record_line);
    at_ = start;
    while (at_ < text_.size() && text_[at_] != ',' && !at_line_end()) {
      if (text_[at_] == '"') {
        fail(line_,
             "a quote inside an unquoted field: quote the whole field (\"...\") and double "
             "the quotes in it");
      }
      if (text_[at_] == '\r') {
        fail(line_, "a carriage return that does not end a line");
      }
      ++at_;
    }
    return std::string(trim(text_.substr(start, at_ - start)));
  }

  std::string quoted(std::uint32_t record_line) {
    const std::uint32_t opened = line_;
    ++at_;  // the opening quote
    std::string out;
    while (true) {
      if (at_ >= text_.size()) {
        fail(opened, fmt::format("a quoted field opened here (in the record of line {}) is never "
                                 "closed",
                                 record_line));
      }
      const char c = text_[at_];
      if (c == '"') {
        if (at_ + 1 < text_.size() && text_[at_ + 1] == '"') {
          out += '"';
          at_ += 2;
          continue;
        }
        ++at_;
        break;
      }
      if (c == '\n') ++line_;
      out += c;
      ++at_;
    }
    while (at_ < text_.size() && is_blank(text_[at_])) {
      ++at_;
    }
    if (at_ < text_.size() && text_[at_] != ',' && !at_line_end()) {
      if (opened != line_) {
        fail(opened, fmt::format("a quoted field opened here runs on to line {}, where text "
                                 "follows its closing quote: is a quote missing?",
                                 line_));
      }
      fail(line_, "text after a closing quote: a quoted field must end at its closing quote");
    }
    return out;
  }

  std::string_view text_;
  const std::string& file_;
  std::size_t at_ = 0;
  std::uint32_t line_ = 1;
};

// Every field is text (names::text_problem): a file saved as Latin-1 or UTF-16 is refused at its
// first bad field, rather than recorded in a results file that nothing could read. `header` names
// the columns of a row; none for the header itself.
void check_text(const Record& r, const Record* header, const std::string& file) {
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    const std::string problem = names::text_problem(r.fields[i]);
    if (problem.empty()) continue;
    const std::string what = header ? fmt::format("field {} ({})", i + 1, header->fields[i])
                                    : fmt::format("column name {}", i + 1);
    throw InputError(
        fmt::format("{}:{}: {} must be UTF-8 text without control characters ({}), "
                    "got '{}'",
                    file, r.line, what, problem, names::shortened(r.fields[i], 60)));
  }
}

bool blank_record(const Record& r) {
  for (const auto& f : r.fields) {
    if (!f.empty()) return false;
  }
  return true;
}

}  // namespace

Document parse(std::string_view text, const std::string& file) {
  Parser parser(text, file);
  Document doc;
  Record record;
  bool have_header = false;
  while (parser.next(record)) {
    if (blank_record(record)) continue;
    if (!have_header) {
      check_text(record, nullptr, file);
      doc.header = record;
      have_header = true;
      continue;
    }
    if (record.fields.size() != doc.header.fields.size()) {
      throw InputError(fmt::format("{}:{}: this row has {} fields, the header (line {}) has {}",
                                   file, record.line, record.fields.size(), doc.header.line,
                                   doc.header.fields.size()));
    }
    check_text(record, &doc.header, file);
    doc.rows.push_back(record);
  }
  if (!have_header) {
    throw InputError(
        fmt::format("{}: the file is empty: it needs a header row naming its columns", file));
  }
  return doc;
}

Document read_file(const std::string& path, const std::string& file) {
  const input_file::Contents in = input_file::read(path);
  if (!in.error.empty())
    throw InputError(fmt::format("{}: cannot read the file: {}", file, in.error));
  return parse(in.text, file);
}

}  // namespace crisp::csv
