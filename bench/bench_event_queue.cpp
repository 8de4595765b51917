// Push/pop throughput of crisp::EventQueue at the sizes a replication holds: tens of events for
// a small material, thousands for a large network, 64k as a stress point.
//
// Two patterns, each with two kinds of times:
// - hold: the queue keeps N events; each iteration pops the earliest and pushes one later event,
//   as the engine does in steady state (the classic "hold" model of event-queue benchmarks);
// - fill_drain: N pushes, then N pops, as when a replication schedules its history up front.
// - mixed: real-valued times, so ties are rare and the time comparison decides;
// - ties: whole days and three priorities, so most comparisons fall through to priority and
//   sequence (the engine settles many events at the same instant).
//
// Every benchmark reports s_per_op, the time of one push plus one pop (the console shows it with
// an SI prefix: 25n is 25 ns).

#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include "core/event_queue.hpp"
#include "core/random.hpp"

namespace {

enum class Times { mixed, ties };

// Precomputed draws, so the timed loop measures the queue, not the random number generator.
constexpr std::size_t kDraws = 4096;  // a power of two: index with a mask
static_assert((kDraws & (kDraws - 1)) == 0);

struct Draws {
  std::vector<double> delay;            // hold: time from the popped event to the pushed one
  std::vector<double> time;             // fill_drain: absolute times
  std::vector<std::uint32_t> priority;  // both
};

Draws make_draws(Times times) {
  crisp::Rng rng(42);
  boost::random::exponential_distribution<double> delay(1.0 / 10);  // mean 10 days
  boost::random::uniform_real_distribution<double> time(0, 3650);
  boost::random::uniform_int_distribution<int> day_delay(0, 7), day(0, 365), priority(0, 2);
  Draws d;
  for (std::size_t i = 0; i < kDraws; ++i) {
    if (times == Times::mixed) {
      d.delay.push_back(delay(rng));
      d.time.push_back(time(rng));
      d.priority.push_back(0);
    } else {
      d.delay.push_back(day_delay(rng));
      d.time.push_back(day(rng));
      d.priority.push_back(static_cast<std::uint32_t>(priority(rng)));
    }
  }
  return d;
}

crisp::Event event_at(double time, std::uint32_t priority, std::uint32_t target) {
  crisp::Event e;
  e.time = time;
  e.priority = priority;
  e.target = target;
  return e;
}

void per_op_counter(benchmark::State& state, double ops_per_iteration) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ops_per_iteration));
  state.counters["s_per_op"] =
      benchmark::Counter(ops_per_iteration, benchmark::Counter::kIsIterationInvariantRate |
                                                benchmark::Counter::kInvert);
}

void EventQueue_hold(benchmark::State& state, Times times) {
  const Draws d = make_draws(times);
  const auto n = static_cast<std::size_t>(state.range(0));
  crisp::EventQueue q;
  q.reserve(n + 1);
  for (std::size_t i = 0; i < n; ++i)
    q.push(event_at(d.time[i % kDraws], d.priority[i % kDraws], static_cast<std::uint32_t>(i)));
  std::size_t i = 0;
  for (auto _ : state) {
    crisp::Event e = q.pop();
    e.time += d.delay[i & (kDraws - 1)];
    e.priority = d.priority[i & (kDraws - 1)];
    q.push(e);
    ++i;
  }
  benchmark::DoNotOptimize(q.top());
  per_op_counter(state, 1);
}

void EventQueue_fill_drain(benchmark::State& state, Times times) {
  const Draws d = make_draws(times);
  const auto n = static_cast<std::size_t>(state.range(0));
  crisp::EventQueue q;
  q.reserve(n);
  for (auto _ : state) {
    q.clear();
    for (std::size_t i = 0; i < n; ++i)
      q.push(event_at(d.time[i & (kDraws - 1)] + static_cast<double>(i / kDraws),
                      d.priority[i & (kDraws - 1)], static_cast<std::uint32_t>(i)));
    for (std::size_t i = 0; i < n; ++i)
      benchmark::DoNotOptimize(q.pop());
  }
  per_op_counter(state, static_cast<double>(n));
}

// reschedule: N objects (stores) each with one pending crossing; each iteration moves 3 of them
// (a settle changes several rates) and fires the earliest live one, which is scheduled again.
// `lazy` pushes a new event with a version stamp and skips stale ones as they pop (the engine
// today); `slots` moves the one event of each object in place. s_per_op is per iteration.
template <bool kSlots>
void EventQueue_reschedule(benchmark::State& state) {
  const Draws d = make_draws(Times::mixed);
  const auto n = static_cast<std::uint32_t>(state.range(0));
  crisp::EventQueue q;
  q.reserve(4 * static_cast<std::size_t>(n) + 16);
  q.resize_slots(n);
  std::vector<std::uint64_t> version(n, 0);
  double now = 0;
  std::size_t i = 0;
  auto schedule = [&](std::uint32_t object, double when) {
    crisp::Event e = event_at(when, 0, object);
    if constexpr (kSlots) {
      q.schedule_slot(object, e);
    } else {
      e.version = ++version[object];
      q.push(e);
    }
  };
  for (std::uint32_t k = 0; k < n; ++k)
    schedule(k, d.time[k & (kDraws - 1)]);
  for (auto _ : state) {
    for (int j = 0; j < 3; ++j, ++i)
      schedule(static_cast<std::uint32_t>((i * 2654435761U) % n), now + d.delay[i & (kDraws - 1)]);
    crisp::Event e = q.pop();
    if constexpr (!kSlots)
      while (e.version != version[e.target])
        e = q.pop();
    now = e.time;
    schedule(e.target, now + d.delay[++i & (kDraws - 1)]);
  }
  benchmark::DoNotOptimize(q.top());
  per_op_counter(state, 1);
}

BENCHMARK_TEMPLATE(EventQueue_reschedule, false)
    ->Name("EventQueue_reschedule/lazy")
    ->Arg(64)
    ->Arg(1024)
    ->Arg(65536);
BENCHMARK_TEMPLATE(EventQueue_reschedule, true)
    ->Name("EventQueue_reschedule/slots")
    ->Arg(64)
    ->Arg(1024)
    ->Arg(65536);
BENCHMARK_CAPTURE(EventQueue_hold, mixed, Times::mixed)->Arg(64)->Arg(1024)->Arg(65536);
BENCHMARK_CAPTURE(EventQueue_hold, ties, Times::ties)->Arg(64)->Arg(1024)->Arg(65536);
BENCHMARK_CAPTURE(EventQueue_fill_drain, mixed, Times::mixed)->Arg(64)->Arg(1024)->Arg(65536);
BENCHMARK_CAPTURE(EventQueue_fill_drain, ties, Times::ties)->Arg(64)->Arg(1024)->Arg(65536);

}  // namespace

BENCHMARK_MAIN();
