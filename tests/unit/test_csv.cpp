// Networks from spreadsheets: the CSV reader, a network in CSV files that gives the same results
// as the same network in TOML (tests/cases/csv/), and bad rows reported at their file and line.

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim/experiment/csv_reader.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace fs = std::filesystem;
using namespace crisp;
using Catch::Matchers::Contains;

namespace {

const std::string kCases = CRISP_SOURCE_DIR "/tests/cases/csv/";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out);
}

std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// A fresh folder holding a copy of tests/cases/csv/, removed with everything in it.
struct CaseDir {
  fs::path path;
  CaseDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("crisp_csv_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
    for (const char* name : {"from_csv.toml", "nodes.csv", "edges.csv", "network.toml"}) {
      fs::copy_file(kCases + name, path / name);
    }
  }
  ~CaseDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string error_loading(const std::string& path) {
  try {
    load_experiment_file(path);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("no InputError loading " << path);
  return "";
}

csv::Document parse(const std::string& text) {
  return csv::parse(text, "t.csv");
}

std::string parse_error(const std::string& text) {
  try {
    csv::parse(text, "t.csv");
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("no InputError parsing:\n" << text);
  return "";
}

bool bit_identical(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

RunResult run(const Experiment& x) {
  RunOptions options;
  options.replications = x.scenario.replications;
  options.seed = x.scenario.seed;
  options.threads = 2;
  return run_monte_carlo(x.scenario, make_design(x), options);
}

}  // namespace

TEST_CASE("the CSV reader follows RFC 4180", "[csv]") {
  SECTION("quoted fields hold commas and doubled quotes") {
    const csv::Document d = parse(
        "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"z\xc3\xbcrich\"\nplain ,  trimmed\t, \" kept \"\n");
    REQUIRE(d.header.fields == std::vector<std::string>{"a", "b", "c"});
    REQUIRE(d.rows.size() == 2);
    CHECK(d.rows[0].fields == std::vector<std::string>{"x, y", "say \"hi\"", "z\xc3\xbcrich"});
    CHECK(d.rows[0].line == 2);
    CHECK(d.rows[1].fields == std::vector<std::string>{"plain", "trimmed", " kept "});
    CHECK(d.rows[1].line == 3);
  }
  SECTION("every field is UTF-8 text without control characters (docs/model.md \"Names\")") {
    // A quoted line break is RFC 4180, but no field crisp reads may hold one: the record is
    // refused at the line it starts on.
    CHECK(parse_error("a,b\n1,\"two\nlines\"\n") ==
          "t.csv:2: field 2 (b) must be UTF-8 text without control characters (it holds the "
          "control character U+000A at byte 4), got 'two\\nlines'");
    CHECK(parse_error("a,b\n1,z\xfcrich\n") ==
          "t.csv:2: field 2 (b) must be UTF-8 text without control characters (byte 2 (0xfc) is "
          "not UTF-8), got 'z\\xfcrich'");
    CHECK(parse_error("a,\x1b[2J\n") ==
          "t.csv:1: column name 2 must be UTF-8 text without control characters (it holds the "
          "control character U+001B at byte 1), got '\\x1b[2J'");
  }
  SECTION("CRLF, a byte-order mark, blank lines and a missing last newline") {
    const csv::Document d = parse("\xEF\xBB\xBFid,x\r\n\r\na,1\r\n , \r\nb,\"\"");
    CHECK(d.header.fields == std::vector<std::string>{"id", "x"});
    REQUIRE(d.rows.size() == 2);
    CHECK(d.rows[0].fields == std::vector<std::string>{"a", "1"});
    CHECK(d.rows[0].line == 3);
    CHECK(d.rows[1].fields == std::vector<std::string>{"b", ""});
    CHECK(d.rows[1].line == 5);
  }
  SECTION("errors name the file and line") {
    CHECK(parse_error("a,b\n1,2\n3\n") ==
          "t.csv:3: this row has 1 fields, the header (line 1) has 2");
    CHECK_THAT(parse_error("a,b\n1,x\"y\n"), Contains("t.csv:2: a quote inside an unquoted field"));
    CHECK_THAT(parse_error("a,b\n1,\"x\"y\n"), Contains("t.csv:2: text after a closing quote"));
    CHECK_THAT(parse_error("a,b\n1,\"x\n2,3\n"),
               Contains("t.csv:2: a quoted field opened here (in the record of line 2) is never "
                        "closed"));
    CHECK_THAT(parse_error("a,b\n1,\"x\n2,\"3\"\n"),
               Contains("t.csv:2: a quoted field opened here runs on to line 3, where text "
                        "follows its closing quote: is a quote missing?"));
    CHECK_THAT(parse_error("\n\n"), Contains("t.csv: the file is empty"));
  }
}

TEST_CASE("a network from CSV files gives the same results as the same network in TOML", "[csv]") {
  const Experiment toml = load_experiment_file(kCases + "network.toml");
  const Experiment csv = load_experiment_file(kCases + "from_csv.toml");

  REQUIRE(csv.scenario.nodes.size() == 8);
  REQUIRE(csv.scenario.edges.size() == 8);
  for (std::size_t i = 0; i < toml.scenario.nodes.size(); ++i) {
    const NodeSpec &a = toml.scenario.nodes[i], &b = csv.scenario.nodes[i];
    INFO("node " << a.id);
    CHECK(a.id == b.id);
    CHECK(a.kind == b.kind);
    CHECK(a.material == b.material);
    CHECK(a.country == b.country);
    CHECK(a.region == b.region);
    CHECK(a.capacity_tpy == b.capacity_tpy);
    CHECK(a.yield == b.yield);
    CHECK(a.buffer_days == b.buffer_days);
    CHECK(a.buffer_refill_days == b.buffer_refill_days);
    CHECK(a.demand_tpy == b.demand_tpy);
    CHECK(a.growth_per_year == b.growth_per_year);
  }
  CHECK(csv.scenario.nodes[2].id == "jp-ref, osaka");
  CHECK(csv.scenario.nodes[4].id == "de \"north\" users");
  for (std::size_t i = 0; i < toml.scenario.edges.size(); ++i) {
    const EdgeSpec &a = toml.scenario.edges[i], &b = csv.scenario.edges[i];
    CHECK(a.from == b.from);
    CHECK(a.to == b.to);
    CHECK(a.share == b.share);
    CHECK(a.lead_time_days == b.lead_time_days);
    CHECK(a.routes == b.routes);
  }
  CHECK(csv.scenario.edges[2].routes == std::vector<std::string>{"suez", "malacca"});

  const RunResult a = run(toml), b = run(csv);
  CHECK(bit_identical(a.values, b.values));

  // The results file keeps the CSV files with the experiment text.
  CHECK_THAT(csv.source_text, Contains("# ---- [network] nodes_csv = 'nodes.csv', as read ----"));
  CHECK_THAT(csv.source_text, Contains("# \"jp-ref, osaka\",refinery,gallium,JP,,120,,10,,,"));
  CHECK_THAT(csv.source_text, Contains("# ---- [network] edges_csv = 'edges.csv', as read ----"));
}

TEST_CASE("[[node]] and [[edge]] tables and CSV files combine", "[csv]") {
  // The first three nodes and first two edges as tables, the rest in the CSV files: TOML rows
  // come first, so the network is the same one in the same order.
  CaseDir dir;
  std::string nodes = read(dir.file("nodes.csv")), edges = read(dir.file("edges.csv"));
  const auto header_end = [](const std::string& t) { return t.find('\n') + 1; };
  const auto drop_rows = [&](const std::string& t, int n) {
    std::size_t at = header_end(t);
    for (int i = 0; i < n; ++i) {
      at = t.find('\n', at) + 1;
    }
    return t.substr(0, header_end(t)) + t.substr(at);
  };
  write(dir.path / "nodes.csv", drop_rows(nodes, 3));
  write(dir.path / "edges.csv", drop_rows(edges, 2));
  const std::string network = read(dir.file("network.toml"));
  const auto slice = [&](const std::string& from, const std::string& to) {
    const std::size_t begin = network.find(from) + 1, end = network.find(to) + 1;
    REQUIRE(begin > 0);
    REQUIRE(end > begin);
    return network.substr(begin, end - begin);
  };
  const std::string tables = slice("\n[[node]]\n", "\n[[node]]\nid = \"nl-ga-users\"");
  const std::string edge_tables =
      slice("\n[[edge]]\n", "\n[[edge]]\nfrom = \"cn-ga-ref\"\nto = \"nl-ga-users\"");
  write(dir.path / "mixed.toml", edited(read(dir.file("from_csv.toml")), "\n[network]",
                                        "\n" + tables + edge_tables + "[network]"));

  const Experiment mixed = load_experiment_file(dir.file("mixed.toml"));
  const Experiment toml = load_experiment_file(kCases + "network.toml");
  REQUIRE(mixed.scenario.nodes.size() == toml.scenario.nodes.size());
  for (std::size_t i = 0; i < toml.scenario.nodes.size(); ++i) {
    CHECK(mixed.scenario.nodes[i].id == toml.scenario.nodes[i].id);
  }
  CHECK(bit_identical(run(mixed).values, run(toml).values));
}

TEST_CASE("a bad CSV row is reported at its file and line", "[csv]") {
  struct Case {
    std::string name, file, from, to;
    int line;
    std::vector<std::string> says;
  };
  const std::vector<Case> cases = {
      {"not a number",
       "nodes.csv",
       "cn-ga-ref,refinery,gallium,CN,,800",
       "cn-ga-ref,refinery,gallium,CN,,abc",
       3,
       {"node 'cn-ga-ref': capacity_tpy must be a number >= 0, got 'abc'"}},
      {"a number out of range",
       "nodes.csv",
       "nl-ga-users,consumer,gallium,NL,,,,45,,4,0.03",
       "nl-ga-users,consumer,gallium,NL,,,,45,,-4,0.03",
       5,
       {"node 'nl-ga-users': demand_tpy must be >= 0, got -4"}},
      {"an unknown column",
       "nodes.csv",
       "capacity_tpy",
       "capacity_tp",
       1,
       {"unknown column 'capacity_tp' (did you mean 'capacity_tpy'?)"}},
      {"an unknown column in edges.csv",
       "edges.csv",
       "from,to,share,lead_time_days,routes",
       "from,to,share,lead_time_day,routes",
       1,
       {"unknown column 'lead_time_day' (did you mean 'lead_time_days'?)"}},
      {"an unknown kind",
       "nodes.csv",
       "cn-ga-mine,mine",
       "cn-ga-mine,mien",
       2,
       {"node 'cn-ga-mine': kind must be one of 'mine', 'refinery', 'consumer', got 'mien' (did "
        "you mean 'mine'?)"}},
      {"an unknown material",
       "nodes.csv",
       "cn-ge-mine,mine,germanium",
       "cn-ge-mine,mine,germanum",
       8,
       {"(did you mean 'germanium'?)"}},
      {"a key of another kind",
       "nodes.csv",
       "nl-ga-users,consumer,gallium,NL,,,",
       "nl-ga-users,consumer,gallium,NL,,5,",
       5,
       {"node 'nl-ga-users': capacity_tpy does not apply to a consumer node"}},
      {"a required cell left empty",
       "nodes.csv",
       "nl-ge-users,consumer,germanium,NL,,,,20,30,2,",
       "nl-ge-users,consumer,germanium,NL,,,,20,30,,",
       9,
       {"missing required key 'demand_tpy'"}},
      {"a duplicate id",
       "nodes.csv",
       "cn-ge-mine,mine,germanium",
       "cn-ga-mine,mine,germanium",
       8,
       {"duplicate node id 'cn-ga-mine' (id is already defined at line 2)"}},
      {"a row too short",
       "nodes.csv",
       "cn-ga-users,consumer,gallium,CN,,,,,,600,",
       "cn-ga-users,consumer,gallium,CN,,,,,,600",
       7,
       {"this row has 10 fields, the header (line 1) has 11"}},
      {"an unclosed quote",
       "edges.csv",
       "\"jp-ref, osaka\",nl-ga-users",
       "\"jp-ref, osaka,nl-ga-users",
       5,
       {"a quoted field opened here runs on to line 6"}},
      {"a share out of range",
       "edges.csv",
       "cn-ga-ref,nl-ga-users,0.7",
       "cn-ga-ref,nl-ga-users,1.7",
       4,
       {"edge 'cn-ga-ref -> nl-ga-users': share must be in [0, 1], got 1.7"}},
      {"an unknown node",
       "edges.csv",
       "cn-ge-mine,nl-ge-users",
       "cn-ge-mine,nl-ge-user",
       9,
       {"to must name a [[node]] id, got 'nl-ge-user' (did you mean 'nl-ge-users'?)"}},
      {"an empty route",
       "edges.csv",
       "suez;malacca",
       "suez;;malacca",
       4,
       {"routes[1] must be a non-empty string"}},
      // Checked once every edge is read, at the node's row.
      {"shares that do not sum to 1",
       "edges.csv",
       "\"jp-ref, osaka\",nl-ga-users,0.3",
       "\"jp-ref, osaka\",nl-ga-users,0.2",
       5,
       {"node 'nl-ga-users': the shares of the edges into it must sum to 1, got 0.9"}},
  };
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    CaseDir dir;
    write(dir.path / c.file, edited(read(dir.file(c.file)), c.from, c.to));
    const std::string message = error_loading(dir.file("from_csv.toml"));
    INFO("message: " << message);
    // The shares are a node's: reported in nodes.csv.
    const std::string file = c.name == "shares that do not sum to 1" ? "nodes.csv" : c.file;
    CHECK(message.rfind(fmt::format("{}:{}: ", dir.file(file), c.line), 0) == 0);
    for (const auto& s : c.says) {
      CHECK_THAT(message, Contains(s));
    }
    CHECK(message.find('\n') == std::string::npos);
  }
}

TEST_CASE("CSV files must exist and need an experiment file", "[csv]") {
  SECTION("a missing file") {
    CaseDir dir;
    fs::remove(dir.path / "edges.csv");
    const std::string message = error_loading(dir.file("from_csv.toml"));
    CHECK_THAT(message, Contains("[network]: edges_csv: cannot read '" + dir.file("edges.csv")));
  }
  SECTION("an experiment given as text has no folder to find them in") {
    try {
      load_experiment_text(read(kCases + "from_csv.toml"), "text.toml");
      FAIL("no error");
    } catch (const InputError& e) {
      CHECK_THAT(e.what(), Contains("text.toml:"));
      CHECK_THAT(e.what(), Contains("nodes_csv names a CSV file, but this experiment was given "
                                    "as text"));
    }
  }
  SECTION("a missing required column") {
    CaseDir dir;
    write(dir.path / "edges.csv", "from,to,share\ncn-ga-mine,cn-ga-ref,1\n");
    CHECK(error_loading(dir.file("from_csv.toml")) ==
          dir.file("edges.csv") +
              ":1: missing required column 'lead_time_days' (the header names: from, to, share)");
  }
  SECTION("an unknown [network] key") {
    CaseDir dir;
    write(dir.path / "from_csv.toml",
          edited(read(dir.file("from_csv.toml")), "nodes_csv =", "node_csv ="));
    CHECK_THAT(error_loading(dir.file("from_csv.toml")),
               Contains("[network]: unknown key 'node_csv' (did you mean 'nodes_csv'?)"));
  }
}
