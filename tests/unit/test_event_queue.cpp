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
