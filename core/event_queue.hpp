#pragma once
// A binary-heap event queue for one replication.
//
// Simultaneous events are processed in a fixed order so that a replication is reproducible:
// the key is (time, priority, sequence). `sequence` is a per-replication counter handed out at
// scheduling, so two events with the same time and priority run in the order they were made,
// never in an order that depends on heap layout, thread or platform.
//
// Rescheduling uses lazy deletion: an event may carry a version stamp of the object it concerns;
// the owner bumps its stamp to invalidate older events and skips stale ones when they pop.

#include <cstdint>
#include <vector>

namespace crisp {

struct Event {
  double time = 0.0;
  std::uint32_t priority = 0;
  std::uint64_t sequence = 0;
  std::uint32_t kind = 0;     // meaning is the model's
  std::uint32_t target = 0;   // an index into the model's arrays
  std::uint64_t version = 0;  // lazy-deletion stamp, checked by the model
  double value = 0.0;         // payload (a rate change, for example)
};

// True when `a` must be processed before `b`.
inline bool event_before(const Event& a, const Event& b) {
  if (a.time != b.time) return a.time < b.time;
  if (a.priority != b.priority) return a.priority < b.priority;
  return a.sequence < b.sequence;
}

class EventQueue {
 public:
  void clear() {
    heap_.clear();
    next_sequence_ = 0;
  }
  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.front(); }

  // Fills in the sequence number; the caller sets everything else.
  void push(Event e) {
    e.sequence = next_sequence_++;
    heap_.push_back(e);
    sift_up(heap_.size() - 1);
  }

  Event pop() {
    Event out = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
    return out;
  }

 private:
  void sift_up(std::size_t i) {
    while (i > 0) {
      std::size_t parent = (i - 1) / 2;
      if (!event_before(heap_[i], heap_[parent])) break;
      std::swap(heap_[i], heap_[parent]);
      i = parent;
    }
  }
  void sift_down(std::size_t i) {
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t best = i, l = 2 * i + 1, r = l + 1;
      if (l < n && event_before(heap_[l], heap_[best])) best = l;
      if (r < n && event_before(heap_[r], heap_[best])) best = r;
      if (best == i) return;
      std::swap(heap_[i], heap_[best]);
      i = best;
    }
  }

  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace crisp
