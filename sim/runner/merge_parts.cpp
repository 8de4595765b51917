#include "sim/runner/merge_parts.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <optional>
#include <tuple>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "models/simulator.hpp"
#include "sim/runner/shock_table.hpp"
#include "sim/runner/timeseries.hpp"

namespace crisp {

namespace {

// Runs `body`, which reads the part `file`: anything but running out of memory that it throws
// means a damaged part, a usage error (exit 2) named in one line.
template <class Body>
void reading_part(const std::string& file, Body body) {
  try {
    body();
  } catch (const InputError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    // The reader's own messages name the file already.
    throw InputError(what.find(file) != std::string::npos
                         ? fmt::format("merge: {}", what)
                         : fmt::format("merge: part '{}': {}", file, what));
  }
}

// One part's identity, as its root attributes and /part table say.
struct PartIdentity {
  std::string experiment, version, commit;
  std::uint64_t seed = 0;
  std::int64_t replications = 0;
  PartInfo info;
};

PartIdentity read_identity(const std::string& file) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    throw InputError(fmt::format("merge: part '{}' is not a file", file));
  PartIdentity id;
  reading_part(file, [&] {
    const ResultsReader reader(file, ResultsReader::Kind::part);
    id = {reader.string_attribute("experiment_toml"),
          reader.string_attribute("crisp_version"),
          reader.string_attribute("git_commit"),
          reader.seed(),
          reader.replications(),
          reader.part()};
  });
  return id;
}

// "0, 4, 8, ..." for a message: the first few of `blocks`.
std::string some(const std::vector<std::int64_t>& blocks) {
  if (blocks.empty()) return "none";
  constexpr std::size_t kShown = 4;
  std::vector<std::int64_t> first(
      blocks.begin(),
      blocks.begin() + static_cast<std::ptrdiff_t>(std::min(blocks.size(), kShown)));
  return fmt::format("{} of them: {}{}", blocks.size(), fmt::join(first, ", "),
                     blocks.size() > kShown ? ", ..." : "");
}

// The blocks part `index` of `count` owns in a run of `all` blocks.
std::vector<std::int64_t> owned_blocks(std::int64_t index, std::int64_t count, std::int64_t all) {
  std::vector<std::int64_t> out;
  for (std::int64_t b = index - 1; b < all; b += count)
    out.push_back(b);
  return out;
}

// An unnamed file beside `file` for the values on their way (gone however the process ends); a
// named one, removed at once, where the file system has no unnamed files.
int scratch_file(const std::string& file) {
  const std::filesystem::path dir = std::filesystem::path(file).parent_path();
  const std::string where = dir.empty() ? std::string(".") : dir.string();
  int fd = ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  const std::string named = file + ".values";
  fd = ::open(named.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error(
        fmt::format("cannot create a scratch file '{}': {}", named, std::strerror(errno)));
  ::unlink(named.c_str());
  return fd;
}

void transfer(bool out, int fd, double* data, std::size_t count, off_t at) {
  auto* p = reinterpret_cast<char*>(data);
  std::size_t n = count * sizeof(double);
  while (n > 0) {
    const ssize_t done = out ? ::pwrite(fd, p, n, at) : ::pread(fd, p, n, at);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0)
      throw std::runtime_error(
          fmt::format("merge: scratch file: {}", done < 0 ? std::strerror(errno) : "cut short"));
    p += done;
    at += done;
    n -= static_cast<std::size_t>(done);
  }
}

struct Closer {
  int fd;
  ~Closer() { ::close(fd); }
};

}  // namespace

PartsOfRun check_parts(const std::vector<std::string>& files, const std::string& crisp_version,
                       const std::string& git_commit) {
  if (files.empty()) throw InputError("merge: no parts given");
  PartsOfRun run;
  std::optional<PartIdentity> first;
  std::string first_file;
  for (const std::string& file : files) {
    PartIdentity p = read_identity(file);
    const PartInfo& info = p.info;
    if (info.count < 1 || info.count > 1'000'000 || info.index < 1 || info.index > info.count)
      throw InputError(fmt::format("merge: part '{}' says it is part {}/{}, which cannot be", file,
                                   info.index, info.count));
    if (info.block_replications < 1 || p.replications < 1)
      throw InputError(fmt::format(
          "merge: part '{}' says it has {} replications in blocks of {}, which cannot be", file,
          p.replications, info.block_replications));
    // One crisp build: the blocks' values, and the merged file's provenance, are that build's.
    if (p.version != crisp_version || p.commit != git_commit)
      throw InputError(fmt::format(
          "merge: part '{}' was written by crisp {} (commit {}), this is crisp {} (commit {}): "
          "merge parts with the crisp that ran them",
          file, p.version, p.commit, crisp_version, git_commit));
    if (!first) {
      first = p;
      first_file = file;
      run.files.assign(static_cast<std::size_t>(info.count), std::string());
    } else {
      std::string differs;
      if (p.experiment != first->experiment)
        differs = "the experiment text differs";
      else if (p.seed != first->seed)
        differs = fmt::format("seed {} against {}", p.seed, first->seed);
      else if (p.replications != first->replications)
        differs = fmt::format("{} replications against {}", p.replications, first->replications);
      else if (info.count != first->info.count)
        differs = fmt::format("{} parts against {}", info.count, first->info.count);
      else if (info.block_replications != first->info.block_replications)
        differs = fmt::format("blocks of {} replications against {}", info.block_replications,
                              first->info.block_replications);
      if (!differs.empty())
        throw InputError(fmt::format("merge: part '{}' belongs to another run than '{}': {}", file,
                                     first_file, differs));
    }
    std::string& slot = run.files[static_cast<std::size_t>(info.index - 1)];
    if (!slot.empty())
      throw InputError(fmt::format("merge: part '{}' doubles part {}/{} ('{}')", file, info.index,
                                   info.count, slot));
    const std::vector<std::int64_t> owned =
        owned_blocks(info.index, info.count, block_count(p.replications, info.block_replications));
    if (info.blocks != owned)
      throw InputError(fmt::format(
          "merge: part '{}' lists blocks ({}) in /part, but part {}/{} of {} replications in "
          "blocks of {} has blocks ({})",
          file, some(info.blocks), info.index, info.count, p.replications, info.block_replications,
          some(owned)));
    slot = file;
  }
  for (std::size_t i = 0; i < run.files.size(); ++i)
    if (run.files[i].empty())
      throw InputError(fmt::format("merge: part {}/{} is missing (run it with --shard {}/{})",
                                   i + 1, run.files.size(), i + 1, run.files.size()));
  run.experiment_toml = first->experiment;
  run.seed = first->seed;
  run.replications = first->replications;
  run.block_replications = first->info.block_replications;
  return run;
}

void write_merged(const PartsOfRun& parts, const Experiment& x, const RunProvenance& provenance,
                  const std::string& file, const std::optional<FuturesContent>& futures,
                  const std::optional<TableGroup>& discovery) {
  const PolicyDesign design = make_design(x);
  const MetricLayout layout = make_layout(x.scenario);
  const std::int64_t P = std::ssize(design.sets), R = parts.replications;
  const std::int64_t B = parts.block_replications, N = std::ssize(parts.files);
  const std::int64_t all_blocks = block_count(R, B);
  std::vector<std::tuple<std::string, std::string, std::string>> series;
  for_each_series(layout,
                  [&](const std::string& group, const std::string& region, const std::string& name,
                      int) { series.emplace_back(group, region, name); });
  const auto value_at = [&](std::size_t s, std::int64_t q, std::int64_t r) {
    return static_cast<off_t>(((static_cast<std::int64_t>(s) * P + q) * R + r) * 8);
  };

  // Part by part: each series' own blocks checked and put in the scratch file at their place.
  const Closer scratch{scratch_file(file)};
  std::vector<char> own(static_cast<std::size_t>(R));
  for (std::int64_t i = 0; i < N; ++i) {
    const std::string& part = parts.files[static_cast<std::size_t>(i)];
    std::fill(own.begin(), own.end(), 0);
    for (std::int64_t b = i; b < all_blocks; b += N) {
      const auto [lo, hi] = block_range(b, B, R);
      std::fill(own.begin() + lo, own.begin() + hi, 1);
    }
    reading_part(part, [&] {
      const ResultsReader reader(part, ResultsReader::Kind::part);
      for (std::size_t s = 0; s < series.size(); ++s) {
        const auto& [group, region, name] = series[s];
        std::vector<double> v = reader.metric(group, region, name);
        if (std::ssize(v) != P * R)
          throw InputError(fmt::format("merge: part '{}' has no complete /metrics/{}/{}/{}", part,
                                       group, region, name));
        const bool finite = metric_is_finite(name);
        for (std::int64_t q = 0; q < P; ++q)
          for (std::int64_t r = 0; r < R; ++r) {
            const double value = v[static_cast<std::size_t>(q * R + r)];
            const bool mine = own[static_cast<std::size_t>(r)] != 0;
            if (mine ? std::isinf(value) || (finite && std::isnan(value)) : !std::isnan(value))
              throw InputError(fmt::format(
                  "merge: part '{}' is damaged: /metrics/{}/{}/{} holds {} for policy set {}, "
                  "replication {} ({})",
                  part, group, region, name, value, q, r,
                  !mine    ? "another part's, where a part holds NaN"
                  : finite ? fmt::format("its own, where {} must be finite", name)
                           : fmt::format("its own, where {} must not be infinite", name)));
          }
        for (std::int64_t b = i; b < all_blocks; b += N) {
          const auto [lo, hi] = block_range(b, B, R);
          for (std::int64_t q = 0; q < P; ++q)
            transfer(true, scratch.fd, v.data() + q * R + lo, static_cast<std::size_t>(hi - lo),
                     value_at(s, q, lo));
        }
      }
    });
  }

  ResultsContent header = make_results_header(x.scenario, design, R, provenance);
  header.futures = futures;
  header.discovery = discovery;
  const ReplicationRange all{0, R};
  header.shocks = make_shock_table(x.scenario, parts.seed, {&all, 1});
  if (x.timeseries > 0) {
    RunOptions options;
    options.replications = R;
    options.seed = parts.seed;
    header.timeseries =
        record_timeseries(x.scenario, design, options, x.timeseries, x.timeseries_step_days);
  }
  ResultsFileWriter writer(file, header);
  for (std::size_t s = 0; s < series.size(); ++s) {
    const auto& [group, region, name] = series[s];
    MetricSeries merged = metric_series(group, region, name);
    merged.values.resize(static_cast<std::size_t>(P * R));
    transfer(false, scratch.fd, merged.values.data(), merged.values.size(), value_at(s, 0, 0));
    writer.add(merged);
  }
  writer.finish();
}

}  // namespace crisp
