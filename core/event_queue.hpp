#pragma once
// A binary-heap event queue for one replication.
//
// Simultaneous events are processed in a fixed order so that a replication is reproducible:
// the key is (time, priority, sequence). `sequence` is a per-replication counter handed out at
// scheduling, so two events with the same time and priority run in the order they were made,
// never in an order that depends on heap layout, thread or platform.
//
// Rescheduling, two ways:
// - lazy deletion: an event may carry a version stamp of the object it concerns; the owner bumps
//   its stamp to invalidate older events and skips stale ones when they pop;
// - slots: an object with at most one pending event (a store's next crossing) owns a slot, and
//   scheduling into the slot again moves its one event in place (an indexed heap), so superseded
//   events never fill the heap or pop. The moved event takes a fresh sequence number, exactly
//   as a new push would: the order of the events that fire is the same either way.

#include <cstdint>
#include <limits>
#include <vector>

namespace crisp {

struct Event {
  double time = 0.0;
  std::uint32_t priority = 0;
  std::uint32_t slot = kNoSlot;  // the slot it occupies (schedule_slot), or none
  std::uint64_t sequence = 0;
  std::uint32_t kind = 0;     // meaning is the model's
  std::uint32_t target = 0;   // an index into the model's arrays
  std::uint64_t version = 0;  // lazy-deletion stamp, checked by the model
  double value = 0.0;         // payload (a rate change, for example)

  static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();
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
    for (const Event& e : heap_)
      if (e.slot != Event::kNoSlot) position_[e.slot] = kAbsent;
    heap_.clear();
    next_sequence_ = 0;
  }
  // Slots 0 to n - 1, all empty; a queue without slots needs none.
  void resize_slots(std::size_t n) { position_.assign(n, kAbsent); }
  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.front(); }

  // Fills in the sequence number; the caller sets everything else.
  void push(Event e) {
    e.sequence = next_sequence_++;
    e.slot = Event::kNoSlot;
    heap_.push_back(e);
    sift_up(heap_.size() - 1);
  }

  // `e` becomes the one event of `slot`, replacing the one pending there (if any), with a fresh
  // sequence number.
  void schedule_slot(std::uint32_t slot, Event e) {
    e.sequence = next_sequence_++;
    e.slot = slot;
    const std::size_t at = position_[slot];
    if (at == kAbsent) {
      heap_.push_back(e);
      place(heap_.size() - 1);
      sift_up(heap_.size() - 1);
      return;
    }
    heap_[at] = e;
    restore(at);
  }

  // Removes the event pending in `slot`, if any.
  void cancel_slot(std::uint32_t slot) {
    const std::size_t at = position_[slot];
    if (at == kAbsent) return;
    position_[slot] = kAbsent;
    const std::size_t last = heap_.size() - 1;
    heap_[at] = heap_[last];
    heap_.pop_back();
    if (at != last) {
      place(at);
      restore(at);
    }
  }

  bool slot_pending(std::uint32_t slot) const { return position_[slot] != kAbsent; }

  Event pop() {
    Event out = heap_.front();
    if (out.slot != Event::kNoSlot) position_[out.slot] = kAbsent;
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) {
      place(0);
      sift_down(0);
    }
    return out;
  }

 private:
  static constexpr std::size_t kAbsent = std::numeric_limits<std::size_t>::max();

  // Records where heap_[i] now is, when it occupies a slot.
  void place(std::size_t i) {
    if (heap_[i].slot != Event::kNoSlot) position_[heap_[i].slot] = i;
  }
  // Moves heap_[i], whose key changed, up or down to where the heap order wants it.
  void restore(std::size_t i) {
    if (i > 0 && event_before(heap_[i], heap_[(i - 1) / 2]))
      sift_up(i);
    else
      sift_down(i);
  }
  void swap_at(std::size_t a, std::size_t b) {
    std::swap(heap_[a], heap_[b]);
    place(a);
    place(b);
  }
  void sift_up(std::size_t i) {
    while (i > 0) {
      std::size_t parent = (i - 1) / 2;
      if (!event_before(heap_[i], heap_[parent])) break;
      swap_at(i, parent);
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
      swap_at(i, best);
      i = best;
    }
  }

  std::vector<Event> heap_;
  std::vector<std::size_t> position_;  // per slot: its event's index in heap_, or kAbsent
  std::uint64_t next_sequence_ = 0;
};

}  // namespace crisp
