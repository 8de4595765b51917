// Names and text (core/names.hpp, docs/model.md "Names"): what crisp accepts at load, and how
// it shows what it refuses.
#include <catch2/catch.hpp>

#include <string>

#include "core/names.hpp"
#include "sim/experiment/experiment.hpp"

using namespace crisp;

TEST_CASE("UTF-8 is decoded one character at a time, and what is not UTF-8 is found", "[names]") {
  CHECK(names::decode("z\xc3\xbcrich", 1).code == U'\u00fc');
  CHECK(names::decode("z\xc3\xbcrich", 1).length == 2);
  CHECK(names::decode("\xf0\x9f\x98\x80", 0).code == U'\U0001F600');
  CHECK(names::decode("\xf0\x9f\x98\x80", 0).length == 4);
  CHECK(names::decode("z\xfcrich", 1).length == 0);         // Latin-1
  CHECK(names::decode("\xc0\xaf", 0).length == 0);          // overlong '/'
  CHECK(names::decode("\xed\xa0\x80", 0).length == 0);      // a surrogate
  CHECK(names::decode("\xf4\x90\x80\x80", 0).length == 0);  // beyond U+10FFFF
  CHECK(names::decode("\xe2\x82", 0).length == 0);          // cut short
  CHECK(names::decode("\x80", 0).length == 0);              // a stray continuation byte
}

TEST_CASE("text is UTF-8 without control characters", "[names]") {
  CHECK(names::text_problem("z\xc3\xbcrich").empty());
  CHECK(names::text_problem("North Sea").empty());
  CHECK(names::text_problem("NdPr.2").empty());
  CHECK(names::text_problem("z\xfcrich") == "byte 2 (0xfc) is not UTF-8");
  CHECK(names::text_problem(std::string("jp\0mine", 7)) ==
        "it holds the control character U+0000 at byte 3");
  CHECK(names::text_problem("a\x1b[2Jb") == "it holds the control character U+001B at byte 2");
  CHECK(names::text_problem("tab\there") == "it holds the control character U+0009 at byte 4");
  CHECK(names::text_problem("del\x7f") == "it holds the control character U+007F at byte 4");
  CHECK(names::text_problem("c1\xc2\x9b") == "it holds the control character U+009B at byte 3");
  CHECK(names::text_problem("C\xe2\x80\xaeN") == "it holds the control character U+202E at byte 2");
}

TEST_CASE("a name is text of at most 64 bytes", "[names]") {
  CHECK(names::name_problem(std::string(64, 'x')).empty());
  CHECK(names::name_problem(std::string(65, 'x')) == "it is 65 bytes long");
  CHECK(names::name_problem(std::string(10'000, 'x')) == "it is 10000 bytes long");
  // 32 two-byte letters are 64 bytes: the limit counts bytes, as HDF5 and the tables store them.
  std::string umlauts;
  for (int i = 0; i < 32; ++i)
    umlauts += "\xc3\xbc";
  CHECK(names::name_problem(umlauts).empty());
  CHECK(names::name_problem(umlauts + "u") == "it is 65 bytes long");
  CHECK(names::name_problem("a\x1b").find("control character") != std::string::npos);
}

TEST_CASE("printable text has no control character and no byte that is not UTF-8", "[names]") {
  CHECK(names::printable("z\xc3\xbcrich") == "z\xc3\xbcrich");
  CHECK(names::printable("z\xfcrich") == "z\\xfcrich");
  CHECK(names::printable(std::string("a\0b\x1b[31m", 8)) == "a\\x00b\\x1b[31m");
  CHECK(names::printable("C\xe2\x80\xaeN") == "C\\u{202e}N");
  CHECK(names::printable("two\nlines\tand\r") == "two\\nlines\\tand\\r");
  const std::string once = names::printable("a\x1b\xff");
  CHECK(names::printable(once) == once);
  // An InputError's message is printable whatever it quotes.
  CHECK(std::string(InputError("bad 'a\x1b' \xfc").what()) == "bad 'a\\x1b' \\xfc");
}

TEST_CASE("text is cut at a character boundary", "[names]") {
  CHECK(names::cut("z\xc3\xbcrich", 2) == "z");  // not "z\xc3"
  CHECK(names::cut("z\xc3\xbcrich", 3) == "z\xc3\xbc");
  CHECK(names::cut("abc", 10) == "abc");
  CHECK(names::shortened("z\xc3\xbcrich-z\xc3\xbcrich", 8) == "z\xc3\xbcri...");
  CHECK(names::shortened("short", 8) == "short");
}
