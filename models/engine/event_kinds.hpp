#pragma once
// Every event kind of one material's run, in one table (docs/model.md "Time and events"): its
// priority among simultaneous events, the version stamp that makes it stale, and the part it
// plays in the run loop. What a kind does when it fires is the one line of MaterialSim::apply
// that names it, which calls the component owning the state it changes.

#include <array>
#include <cstdint>

#include "core/event_queue.hpp"

namespace crisp::engine {

// In priority order: at one instant arrivals land first, then shocks change, then stores cross,
// then the timers that depend on them fire; the horizon closes the instant. Equal priorities keep
// scheduling order (the sequence number).
enum EventKind : std::uint32_t {
  kArrivalEdge,        // an edge's arrival rate changes by `value`
  kArrivalSpot,        // the spot pairs of batch `target` change their arrival rates
  kShockEnd,           // occurrence `target` ends
  kShockStart,         // occurrence `target` bites
  kAnnounceStart,      // occurrence `target` is announced (buyers top up)
  kShockPhase,         // occurrence `target`'s licence delay ends or leakage starts
  kNodeCrossing,       // a buffer reaches 0, its target or its restart level (`value`), versioned
  kStockpileCrossing,  // a stockpile reaches 0 or its target (`value`), versioned
  kResourcingReady,    // a short buyer may buy spot, versioned
  kReleaseReady,       // an armed stockpile starts releasing, versioned
  kRefillAllowed,      // a stockpile may refill again: the instant is settled again
  kActivation,         // a standby refinery comes online
  kGrowthStep,         // demand grows a year
  kMarketReview,       // substitution and expansion step
  kPriceStep,          // a stepped price moves, and demand answers it
  kHorizon,            // the end
  kEventKindCount
};

// Which version stamp an event carries (lazy deletion): the event is stale, and changes nothing,
// once its object's stamp has moved on since it was scheduled.
enum class Staleness : std::uint8_t {
  never,               // no stamp: it always acts
  buffer,              // the node buffer's crossing stamp (Buffers::version)
  stockpile_crossing,  // the stockpile's crossing stamp
  resourcing,          // the buyer's short-spell stamp (Resourcing::version)
  stockpile_release,   // the stockpile's release stamp, and it must still be armed
};

// What the run loop does with a kind besides applying it.
enum class Role : std::uint8_t {
  settle,   // the instant is settled in full
  arrival,  // moves a pipeline's arrival rate: an instant of arrivals only may skip the settle
  horizon,  // ends the run once its instant is applied
};

struct EventKindInfo {
  EventKind kind;
  std::uint32_t priority;
  Staleness stale;
  Role role;
};

inline constexpr std::array<EventKindInfo, kEventKindCount> kEventKinds = {{
    {kArrivalEdge, 0, Staleness::never, Role::arrival},
    {kArrivalSpot, 0, Staleness::never, Role::arrival},
    {kShockEnd, 1, Staleness::never, Role::settle},
    {kShockStart, 2, Staleness::never, Role::settle},
    {kAnnounceStart, 2, Staleness::never, Role::settle},
    {kShockPhase, 2, Staleness::never, Role::settle},
    {kNodeCrossing, 3, Staleness::buffer, Role::settle},
    {kStockpileCrossing, 3, Staleness::stockpile_crossing, Role::settle},
    {kResourcingReady, 4, Staleness::resourcing, Role::settle},
    {kReleaseReady, 5, Staleness::stockpile_release, Role::settle},
    {kRefillAllowed, 6, Staleness::never, Role::settle},
    {kActivation, 6, Staleness::never, Role::settle},
    {kGrowthStep, 7, Staleness::never, Role::settle},
    {kMarketReview, 7, Staleness::never, Role::settle},
    // After the review of the same instant: a review reads the multiple in force before it.
    {kPriceStep, 8, Staleness::never, Role::settle},
    {kHorizon, 9, Staleness::never, Role::horizon},
}};

// The table is indexed by kind, and priorities never fall along it: a kind inserted out of place
// fails here instead of silently shifting the priority of every kind after it.
consteval bool kinds_in_order() {
  for (std::uint32_t k = 0; k < kEventKinds.size(); ++k) {
    if (kEventKinds[k].kind != k) return false;
    if (k > 0 && kEventKinds[k].priority < kEventKinds[k - 1].priority) return false;
  }
  return true;
}
static_assert(kinds_in_order(),
              "kEventKinds must list every kind in enum order, priorities rising");

constexpr std::uint32_t priority_of(EventKind kind) {
  return kEventKinds[kind].priority;
}

// Schedules an event of `kind`; the queue adds the sequence number.
inline void schedule(EventQueue& queue, double time, EventKind kind, std::uint32_t target,
                     std::uint64_t version, double value) {
  Event e;
  e.time = time;
  e.priority = priority_of(kind);
  e.kind = kind;
  e.target = target;
  e.version = version;
  e.value = value;
  queue.push(e);
}

}  // namespace crisp::engine
