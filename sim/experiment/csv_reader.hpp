#pragma once
// A small CSV reader (RFC 4180 with the usual leniencies), for networks kept in spreadsheets:
//
// - fields are separated by commas; records end at LF or CRLF; a UTF-8 byte-order mark at the
//   start is skipped;
// - a field may be quoted with double quotes, and then holds commas, line breaks and doubled
//   quotes ("" for one "); text after the closing quote (other than spaces) is an error, as is a
//   quote inside an unquoted field;
// - spaces and tabs around an unquoted field are trimmed; a quoted field is kept as it is;
// - lines that are empty or hold only spaces and commas are skipped (spreadsheets pad with them);
// - the first record is the header; every later record must have as many fields as it has;
// - every field is UTF-8 text without control characters (names::text_problem), so a line break
//   inside a quoted field is refused too.
//
// Errors throw InputError "<file>:<line>: <what>", the line being where the record starts.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crisp::csv {

struct Record {
  std::uint32_t line = 0;  // where the record starts, from 1
  std::vector<std::string> fields;
};

struct Document {
  Record header;
  std::vector<Record> rows;  // each with header.fields.size() fields
};

// `file` names the text in messages. An empty text (no header) is an error.
Document parse(std::string_view text, const std::string& file);
// Reads and parses `path`; `file` names it in messages.
Document read_file(const std::string& path, const std::string& file);

}  // namespace crisp::csv
