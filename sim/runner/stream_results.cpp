#include "sim/runner/stream_results.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "sim/runner/results_content.hpp"

namespace crisp {

namespace {

// Memory for the series of one batch; a batch holds at least one series whatever its size.
constexpr std::size_t kBatchBytes = std::size_t{8} << 20;

struct SeriesSlot {
  std::string group, region, name;
  int slot;
};

// Calls `fill(first, last, n, values)` for every block the journal holds, where values holds slots
// [s0, s1) of the block slot-major: value (s, p, i) at ((s - s0) * policies + p) * n + i.
template <class Fill>
void read_slots(const Journal& journal, std::int64_t policies, std::int64_t replications,
                std::int64_t block_size, int s0, int s1, Fill fill) {
  std::vector<double> values;
  for (std::int64_t b : journal.blocks()) {
    if (b * block_size >= replications) break;  // an adaptive run's blocks past its stop
    const auto [first, last] = block_range(b, block_size, replications);
    const auto n = static_cast<std::size_t>(last - first);
    const std::size_t per_slot = static_cast<std::size_t>(policies) * n;
    values.resize(static_cast<std::size_t>(s1 - s0) * per_slot);
    journal.read(b, static_cast<std::size_t>(s0) * per_slot, values);
    fill(first, n, values);
  }
}

}  // namespace

void write_from_journal(const std::string& file, const ResultsContent& header,
                        const MetricLayout& layout, const Journal& journal,
                        std::int64_t block_size) {
  std::vector<SeriesSlot> all;
  for_each_series(layout, [&](const std::string& group, const std::string& region,
                              const std::string& name, int slot) {
    all.push_back({group, region, name, slot});
  });
  const auto P = static_cast<std::size_t>(header.policies);
  const auto R = static_cast<std::size_t>(header.replications);
  const std::size_t per_batch =
      std::max<std::size_t>(1, kBatchBytes / std::max<std::size_t>(1, P * R * sizeof(double)));

  ResultsFileWriter writer(file, header);
  std::vector<MetricSeries> batch;
  for (std::size_t i0 = 0; i0 < all.size(); i0 += per_batch) {
    const std::size_t i1 = std::min(all.size(), i0 + per_batch);
    batch.resize(i1 - i0);
    for (std::size_t k = i0; k < i1; ++k) {
      MetricSeries& m = batch[k - i0];
      m = metric_series(all[k].group, all[k].region, all[k].name);
      m.values.assign(P * R, std::numeric_limits<double>::quiet_NaN());
    }
    const int s0 = all[i0].slot, s1 = all[i1 - 1].slot + 1;  // slots ascend in series order
    read_slots(journal, header.policies, header.replications, block_size, s0, s1,
               [&](std::int64_t first, std::size_t n, const std::vector<double>& values) {
                 for (std::size_t k = i0; k < i1; ++k) {
                   const auto s = static_cast<std::size_t>(all[k].slot - s0);
                   double* out = batch[k - i0].values.data() + first;
                   for (std::size_t p = 0; p < P; ++p)
                     std::copy_n(values.data() + (s * P + p) * n, n, out + p * R);
                 }
               });
    for (const MetricSeries& m : batch)
      writer.add(m);
  }
  writer.finish();
}

RunResult load_from_journal(const Journal& journal, const MetricLayout& layout,
                            std::int64_t policies, std::int64_t replications,
                            std::int64_t block_size) {
  RunResult result;
  result.layout = layout;
  result.policies = policies;
  result.replications = replications;
  result.values.assign(static_cast<std::size_t>(policies * replications * layout.size()),
                       std::numeric_limits<double>::quiet_NaN());
  read_slots(journal, policies, replications, block_size, 0, layout.size(),
             [&](std::int64_t first, std::size_t n, const std::vector<double>& values) {
               result.store(first, n, values);
             });
  result.blocks = journal.blocks();
  return result;
}

}  // namespace crisp
