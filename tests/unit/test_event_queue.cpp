#include <catch2/catch.hpp>

#include "core/event_queue.hpp"

using crisp::Event;
using crisp::EventQueue;

namespace {
Event at(double time, std::uint32_t priority, std::uint32_t tag) {
  Event e;
  e.time = time;
  e.priority = priority;
  e.target = tag;
  return e;
}
}  // namespace

TEST_CASE("events pop in (time, priority, sequence) order", "[core][queue]") {
  EventQueue q;
  q.push(at(5.0, 1, 0));
  q.push(at(2.0, 3, 1));
  q.push(at(5.0, 0, 2));
  q.push(at(2.0, 3, 3));  // same time and priority as tag 1: scheduled later, so pops later
  q.push(at(1.0, 9, 4));
  q.push(at(5.0, 1, 5));
  std::vector<std::uint32_t> order;
  while (!q.empty())
    order.push_back(q.pop().target);
  CHECK(order == std::vector<std::uint32_t>{4, 1, 3, 2, 0, 5});
}

TEST_CASE("ties keep scheduling order across many events", "[core][queue]") {
  EventQueue q;
  for (std::uint32_t i = 0; i < 1000; ++i)
    q.push(at(7.0, 2, i));
  for (std::uint32_t i = 0; i < 1000; ++i)
    REQUIRE(q.pop().target == i);
}

TEST_CASE("clear resets the sequence so a replication is reproducible", "[core][queue]") {
  EventQueue q;
  q.push(at(1.0, 0, 0));
  q.clear();
  q.push(at(1.0, 0, 0));
  CHECK(q.top().sequence == 0);
}

TEST_CASE("scheduling a slot again moves its one event", "[core][queue]") {
  EventQueue q;
  q.resize_slots(2);
  q.schedule_slot(0, at(5.0, 0, 10));
  q.schedule_slot(1, at(3.0, 0, 11));
  q.schedule_slot(0, at(1.0, 0, 12));  // replaces tag 10
  q.push(at(2.0, 0, 13));
  CHECK(q.size() == 3);
  CHECK(q.slot_pending(0));
  std::vector<std::uint32_t> order;
  while (!q.empty())
    order.push_back(q.pop().target);
  CHECK(order == std::vector<std::uint32_t>{12, 13, 11});
  CHECK_FALSE(q.slot_pending(0));
  CHECK_FALSE(q.slot_pending(1));
}

TEST_CASE("cancelling a slot removes its event and only it", "[core][queue]") {
  EventQueue q;
  q.resize_slots(3);
  for (std::uint32_t s = 0; s < 3; ++s)
    q.schedule_slot(s, at(1.0 + s, 0, s));
  q.cancel_slot(1);
  q.cancel_slot(1);  // nothing pending: a no-op
  CHECK(q.size() == 2);
  CHECK(q.pop().target == 0);
  CHECK(q.pop().target == 2);
  CHECK(q.empty());
}

// The slots must fire exactly the events lazy deletion fires, in the same order: the engine's
// results may not move when it switches. A reference queue with version stamps replays the same
// random operations (whole-day times and three priorities, so ties decide often).
TEST_CASE("slots fire what lazy deletion fires, in the same order", "[core][queue]") {
  constexpr std::uint32_t kSlots = 16;
  EventQueue slotted, lazy;
  slotted.resize_slots(kSlots);
  std::vector<std::uint64_t> version(kSlots, 0);
  std::vector<char> pending(kSlots, 0);
  std::uint64_t state = 12345;
  auto next = [&](std::uint64_t n) {  // a small LCG: the test needs no statistics
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  double now = 0;
  std::uint32_t tag = 0;
  std::size_t fired = 0;
  for (int step = 0; step < 20000; ++step) {
    const auto op = next(10);
    const double when = now + static_cast<double>(next(5));
    const auto priority = static_cast<std::uint32_t>(next(3));
    if (op < 3) {  // an unslotted event
      slotted.push(at(when, priority, tag));
      lazy.push(at(when, priority, tag));
      ++tag;
    } else if (op < 7) {  // (re)schedule a slot
      const auto s = static_cast<std::uint32_t>(next(kSlots));
      Event e = at(when, priority, tag++);
      slotted.schedule_slot(s, e);
      e.kind = 1 + s;  // the reference marks slotted events by kind and stamps them
      e.version = ++version[s];
      lazy.push(e);
      pending[s] = 1;
    } else if (op < 8) {  // cancel a slot
      const auto s = static_cast<std::uint32_t>(next(kSlots));
      slotted.cancel_slot(s);
      ++version[s];
      pending[s] = 0;
    } else {  // pop one live event from each
      while (!lazy.empty() && lazy.top().kind > 0 &&
             lazy.top().version != version[lazy.top().kind - 1])
        lazy.pop();
      REQUIRE(slotted.empty() == lazy.empty());
      if (lazy.empty()) continue;
      const Event a = slotted.pop(), b = lazy.pop();
      REQUIRE(a.target == b.target);
      REQUIRE(a.time == b.time);
      if (b.kind > 0) {
        ++version[b.kind - 1];  // fired: no longer pending
        pending[b.kind - 1] = 0;
      }
      now = a.time;
      ++fired;
    }
    for (std::uint32_t s = 0; s < kSlots; ++s)
      REQUIRE(static_cast<bool>(pending[s]) == slotted.slot_pending(s));
  }
  CHECK(fired > 3000);
}
