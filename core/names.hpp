#pragma once
// What crisp accepts as text and as a name (docs/model.md "Names"), and how it cuts and shows text.
// Every name of an experiment (a material, node, country, region, group, shock, route, design set
// label, the experiment's own) becomes an HDF5 link or column name, a TOML string in the results
// file, a JSON string, a CSV cell, a cell of a terminal table and words of the report. What every
// one of them can hold is checked once, at load, here:
//
// - text (every string of an experiment file or CSV file) is valid UTF-8 without control
//   characters: a Latin-1 byte would make the recorded experiment unreadable TOML and the JSON
//   invalid, a NUL would cut a fixed-length HDF5 string short, an ESC would drive the terminal;
// - a name is text of at most kMaxNameBytes bytes.

#include <cstddef>
#include <string>
#include <string_view>

namespace crisp::names {

// The longest name, in bytes of UTF-8. Names head the columns of `crisp check` and `crisp show`
// and the sentences of the report; in a results file each is a link name, repeated in the column
// names of /policies, whose names HDF5 keeps in one header message of at most 64 KiB. 64 bytes is
// twice the longest name of the bundled experiments.
inline constexpr std::size_t kMaxNameBytes = 64;

// One character of UTF-8 text at a byte offset: its code point and its length in bytes, or
// length 0 where the bytes there are not UTF-8 (a stray continuation byte, an overlong or
// truncated sequence, a surrogate, beyond U+10FFFF).
struct Decoded {
  char32_t code = 0;
  std::size_t length = 0;
};
Decoded decode(std::string_view text, std::size_t at);

// C0 (U+0000-U+001F: NUL, tab, line breaks, ESC ...), DEL, C1 (U+0080-U+009F), the line and
// paragraph separators and the bidirectional controls (which reorder what a terminal shows).
bool is_control(char32_t code);

// Why `text` is not text crisp accepts, as a phrase ("byte 2 (0xfc) is not UTF-8", "it holds the
// control character U+001B at byte 4"); "" when it is.
std::string text_problem(std::string_view text);
// Why `name` is not a name crisp accepts: a text problem, or "it is 10000 bytes long"; "" when it
// is one. Empty names are refused by each caller, which knows what the name is for.
std::string name_problem(std::string_view name);

// `text` safe on a terminal and on one line: a line feed, carriage return and tab written as \n,
// \r and \t, every other control character and each byte that is not UTF-8 as \xNN (\u{NNNN}
// above U+00FF); everything else as it is. Applying it twice changes nothing more.
std::string printable(std::string_view text);

// The longest start of `text` of at most `max_bytes` that ends at a character boundary: a cut
// that never splits a character into bytes that are not UTF-8.
std::string_view cut(std::string_view text, std::size_t max_bytes);
// `text` cut to at most `max_bytes` (at least 4), ending in "..." when cut: how a message quotes
// a value, so that it stays one readable line.
std::string shortened(std::string_view text, std::size_t max_bytes);

}  // namespace crisp::names
