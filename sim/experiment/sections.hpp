#pragma once
// Internal to sim/experiment: what the readers of the experiment file's sections share. The
// network (load_experiment.cpp) is read first; shocks (load_shocks.cpp) and policies
// (load_policies.cpp) then refer to its names through a Catalog.

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "models/scenario.hpp"
#include "models/sensitivity.hpp"
#include "policies/decision_problem.hpp"
#include "policies/policy_set.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/experiment/toml_reader.hpp"

namespace crisp::experiment_detail {

using toml_input::Table;
using toml_input::Value;

// Upper bounds that keep every sum, product and event count of a run finite (README.md,
// "Experiment file reference"): far above any real market, far below overflow. kMaxTonnes, kMaxEur
// and kMaxPriceMultiple, which the lever kinds share, are in core/number_range.hpp.
inline constexpr double kMaxHorizonYears = 1000;  // 365 000 days
// Any duration or delay in days: the longest horizon. Longer is no different from "never" and
// only risks overflow in the arithmetic of event times.
inline constexpr double kMaxDays = 365'000;
inline constexpr std::int64_t kMaxReplications = 100'000'000;
inline constexpr double kMaxShockRatePerYear = 1000;  // Poisson arrivals of one shock
inline constexpr double kMaxGrownDemand = 1e15;       // t/yr a consumer's demand may grow to
// A demand elasticity: at 10 a doubled price leaves 1/1024 of demand; far beyond any measured
// short-run response (0.05-0.5), and m^(-e) stays finite for every capped multiple.
inline constexpr double kMaxDemandElasticity = 10;
// Policy sets of one design: each is simulated on every replication, and the design is held in
// memory; a sweep past this is a mistake (three lists of 1 000 values: 1e9 sets) or wants "lhs".
inline constexpr std::int64_t kMaxPolicySets = 100'000;
// What a message refusing more policy sets says after "more than 100000 policy sets".
inline constexpr std::string_view kTooManySets =
    " (each is simulated on every replication): sweep fewer values, or sample with [design] kind "
    "= \"lhs\"";
// The column names of the results file's /policies table, one per numeric key of each policy
// ("<policy name>.<key>"): HDF5 keeps a table's column names and types in one header message of
// at most 64 KiB, each column taking its name with a NUL rounded up to 8 bytes plus 52 bytes.
inline constexpr std::size_t kMaxPolicyColumnBytes = 60'000;
// Trajectory values of [output] timeseries (P x K x T x series): held in memory as doubles while
// recorded (8 bytes each) and written as float32; 10^8 values is 800 MB of memory, 400 MB of file.
inline constexpr double kMaxTimeseriesValues = 1e8;

// Names the network defines, gathered while it is read, for the sections that refer to them.
struct Catalog {
  std::vector<std::string> consumer_regions;  // in order of first appearance
  std::vector<std::string> countries;         // of every node, in order of first appearance
  std::vector<std::string> routes;            // every edge's route tags
  std::vector<std::string> group_names;
  std::vector<Table> node_tables;  // for messages about a node, by node index
  // Node index by id, and the (from, to) pairs of the edges read so far: each edge looks its ends
  // up and checks it is new in O(1), where scans of every node and edge made loading quadratic.
  std::unordered_map<std::string, int> node_index;
  std::unordered_set<std::uint64_t> edge_pairs;
  std::string design_kind = "grid";  // [design] kind: how numeric policy keys may vary
};

// The numeric keys a lever may have, each dotted name ("release.delay_days") with the numbers it
// accepts: what [[design.sets]] values are checked against.
using FieldRanges = std::vector<std::pair<std::string, toml_input::Range>>;

struct PolicySection {
  std::vector<Lever> levers;        // in file order
  std::vector<FieldRanges> fields;  // per lever
  std::vector<Table> tables;        // per lever, for messages
};

// The keys of a table whose kind decides which keys it may hold ([[node]], [[shock]], ...).
struct KindSchema {
  std::string noun;                 // "node": messages say "a consumer node"
  std::vector<std::string> common;  // keys of every kind, `kind` included
  std::vector<std::pair<std::string, std::vector<std::string>>> kinds;  // kind -> its own keys
  std::vector<std::string> kinds_not_yet = {};                          // kinds of a later version
  std::vector<std::string> keys_not_yet = {};                           // keys of a later version

  // Fails on a kind of a later version, then on a key that no kind has. Runs before anything
  // is read, so that a misspelt key is reported as such and not as the key it was meant to be.
  void check_keys(const Table& t) const;
  // Reads `kind`, then fails on a key that belongs to another kind.
  std::string read_kind(const Table& t) const;
};

// Remembers where each name was first defined, to report a second definition.
class UniqueNames {
 public:
  explicit UniqueNames(std::string what) : what_(std::move(what)) {}
  // Reads the string `v` holds; fails when it is empty or already defined.
  std::string add(const Value& v);

 private:
  std::string what_;
  std::map<std::string, std::pair<std::string, std::uint32_t>> places_;  // name -> file, line
};

// The enumerator whose to_string() is `name`, a name the schema has already checked.
template <class Enum, std::size_t N>
Enum from_name(std::string_view name, const std::array<Enum, N>& all) {
  for (Enum e : all) {
    if (name == to_string(e)) return e;
  }
  throw std::logic_error("no enumerator named " + std::string(name));
}
inline constexpr std::array kNodeKinds = {NodeKind::mine, NodeKind::refinery, NodeKind::consumer};

// Names a table by its id ("node 'cn-ref'") as soon as it has a readable one, so that even the
// messages about its other keys say which table they are about.
void name_early(const Table& t, std::string_view noun, std::string_view id_key);

// The index in `names` of the name `v` holds; otherwise an error saying that `v` must name
// `what` ("a node"), with a did-you-mean.
std::size_t resolve(const Value& v, std::span<const std::string> names, std::string_view what);
int resolve_material(const Value& v, const Scenario& sc);
int resolve_node(const Value& v, const Scenario& sc);
// An optional list of material names (`key` absent: every material, the empty list).
std::vector<int> resolve_materials(const Table& t, std::string_view key, const Scenario& sc);
// A list of consumer regions and groups, groups expanded to their members, each region once.
std::vector<std::string> resolve_regions(const Value& list, const Scenario& sc,
                                         const Catalog& catalog);

void read_shocks(const Table& root, Scenario& sc, const Catalog& catalog);
PolicySection read_policies(const Table& root, const Scenario& sc, const Catalog& catalog);

// [design] (load_design.cpp): its kind and the keys of that kind, read before the policies
// (whose numeric keys the kind governs); then the listed sets, which name the policies.
void read_design(const Table& design, Experiment& ex);
void read_design_sets(const Table& design, Experiment& ex, const PolicySection& policies);
// Checks that the design has something to vary, once the policies are read.
void check_design(const std::optional<Table>& design, const Experiment& ex);
// The lever and the accepted numbers of the policy key `key` ("stockpile NL gallium.size_days")
// that `v` gives, or an error at `v` led by `what` (the key being read: "values").
std::pair<std::size_t, const toml_input::Range*> resolve_column(const Value& v,
                                                                const std::string& key,
                                                                const PolicySection& policies,
                                                                std::string_view what);

// [[optimise]] (load_optimise.cpp): the decision problems, once the policies are read.
std::vector<DecisionProblem> read_optimise(const Table& root, const Scenario& sc,
                                           const PolicySection& policies);

// [sensitivity] (load_sensitivity.cpp).
SensitivitySpec read_sensitivity(const Table& t, const Scenario& sc,
                                 const std::vector<Lever>& levers);
// A scenario parameter named as [sensitivity] and [futures] name them (docs/model.md
// "Sensitivity"), or a clear error at `item`.
SensitivityParameter resolve_parameter(const Value& item, const Scenario& sc,
                                       const std::vector<Lever>& levers);
// The first value of `scaled` (sc with `p` scaled) past the limit the loader holds its field to,
// said in a phrase; none when every value keeps within.
std::optional<std::string> past_limit(const Scenario& sc, const Scenario& scaled,
                                      const SensitivityParameter& p);

// [futures] (load_futures.cpp): the uncertain parameters and how futures are sampled.
FuturesSpec read_futures(const Table& t, const Scenario& sc, const std::vector<Lever>& levers);
// [discovery] (load_futures.cpp): what counts as a failure in scenario discovery over histories.
DiscoverySpec read_discovery(const Table& t, const Scenario& sc);

// [network] (load_network_csv.cpp): [[node]] and [[edge]] tables kept in CSV files, one row a
// table. Each row becomes a toml::table in `rows` (which must outlive the Tables over them),
// placed at its file and line, so that the readers of [[node]] and [[edge]] check it as they
// check a table of the experiment file.
struct CsvSchema {
  std::string noun = {};                       // "node": rows are "node #i" until named
  std::vector<std::string> columns = {};       // every column the header may name
  std::vector<std::string> required = {};      // columns the header must name
  std::vector<std::string> text_columns = {};  // kept as strings; the others are numbers ...
  std::vector<std::string> list_columns = {};  // ... or ';'-separated lists of strings
};
struct CsvContext {
  std::optional<std::string> folder = {};  // the experiment file's folder; none from text
  std::deque<toml::table> rows = {};
  std::string appendix = {};  // each file as read, as TOML comments, for source_text
  // From text: the files a results file's experiment_toml recorded in its appendix, by key
  // ("nodes_csv" -> its text), so that merge and check rebuild the run's network.
  std::map<std::string, std::string, std::less<>> recorded = {};
};
// The CSV files an appendix (CsvContext::appendix) records in `text`, by key.
std::map<std::string, std::string, std::less<>> recorded_csv(std::string_view text);
// The rows of the file `key` of [network] names ("nodes_csv"), or none when it names none.
std::vector<Table> read_csv_tables(const Table& network, std::string_view key,
                                   const CsvSchema& schema, CsvContext& context);

}  // namespace crisp::experiment_detail
