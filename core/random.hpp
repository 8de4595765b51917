#pragma once
// Random streams and the distributions the model draws from.
//
// Seeds come from the work item, never the worker: replication r of experiment seed s always
// draws from the stream keyed (s, r, stream id, element), whatever thread, rank or shard runs it.
// The element is a named part of the model (a shock): each has streams of its own, keyed by its
// name, so that changing one element (scaling its rate in a sensitivity run, adding another
// shock, reordering the file) leaves every other element's draws unchanged: common random
// numbers that hold (docs/model.md "Reproducibility, progress and shortcuts").
// Stream ids are an append-only enum: a new stream gets a new number and never moves the
// seeds of an existing one.
//
// Distributions are Boost.Random's: the C++ standard leaves the algorithms of std:: distributions
// to each library, so their draws differ between platforms.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <boost/random/mersenne_twister.hpp>

namespace crisp {

enum class StreamId : std::uint64_t {
  // 0 is retired: one stream for every shock of a replication, in file order, before each shock
  // had streams of its own. Never give it to a new stream.
  design = 1,  // the points of a Latin hypercube design (replication 0 of the design's seed)
  shock_arrivals = 2,  // one shock's arrival times
  shock_marks = 3,     // one shock's occurrences: duration, severity, extra delay, crisis children
  bootstrap = 4,       // one bootstrap resample of a sensitivity estimate (replication = resample)
  morris = 5,          // one Morris trajectory (replication = trajectory)
  // append new streams here, never reorder
};

using Rng = boost::random::mt19937_64;

// SplitMix64 finaliser: spreads nearby keys (seed, r, r+1, ...) over the whole seed space.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The element key of a name; never 0. FNV-1a with the 64-bit FNV prime, but an offset basis one
// digit short of FNV's published 14695981039346656037: every stream rests on it, so it stays
// (tests/unit/test_random.cpp pins it).
inline std::uint64_t element_key(std::string_view name) {
  std::uint64_t h = 1469598103934665603ull;
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h == 0 ? 1 : h;
}

// element 0: a stream of the whole replication (or design).
inline Rng make_stream(std::uint64_t seed, std::uint64_t replication, StreamId id,
                       std::uint64_t element = 0) {
  std::uint64_t k = mix64(seed);
  k = mix64(k ^ replication);
  k = mix64(k ^ static_cast<std::uint64_t>(id));
  if (element != 0) k = mix64(k ^ element);
  return Rng(k);
}

// A scalar that is either fixed or drawn from a named distribution.
struct Fixed {
  double value = 0.0;
};
struct Uniform {
  double a = 0.0, b = 1.0;
};
struct LogNormal {
  double median = 1.0, sigma = 0.0;
};
struct Exponential {
  double mean = 1.0;
};
struct Beta {
  double a = 1.0, b = 1.0;
  double scale = 1.0;  // draws are scale * Beta(a, b): a sensitivity run scales a beta severity
};

using Distribution = std::variant<Fixed, Uniform, LogNormal, Exponential, Beta>;

double sample(const Distribution& d, Rng& rng);
double mean(const Distribution& d);
std::string describe(const Distribution& d);

}  // namespace crisp
