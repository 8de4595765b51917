#pragma once
// Random streams and the distributions the model draws from.
//
// Seeds come from the work item, never the worker: replication r of experiment seed s always
// draws from the stream keyed (s, r, stream id), whatever thread, rank or shard runs it.
// Stream ids are an append-only enum: a new stream gets a new number and never moves the
// seeds of an existing one, so old results stay reproducible.
//
// Distributions are Boost.Random's: the C++ standard leaves the algorithms of std:: distributions
// to each library, so their draws differ between platforms.

#include <cstdint>
#include <string>
#include <variant>

#include <boost/random/mersenne_twister.hpp>

namespace crisp {

enum class StreamId : std::uint64_t {
  shocks = 0,  // the shock history of a replication (every policy set sees the same one)
  design = 1,  // the points of a Latin hypercube design (replication 0 of the design's seed)
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

inline Rng make_stream(std::uint64_t seed, std::uint64_t replication, StreamId id) {
  std::uint64_t k = mix64(seed);
  k = mix64(k ^ replication);
  k = mix64(k ^ static_cast<std::uint64_t>(id));
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
