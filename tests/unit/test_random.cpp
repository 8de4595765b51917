#include <cmath>

#include <catch2/catch.hpp>

#include "core/random.hpp"

using namespace crisp;

namespace {
// Mean of n draws, with its standard error.
std::pair<double, double> sample_mean(const Distribution& d, int n) {
  Rng rng = make_stream(42, 7, StreamId::shocks);
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = sample(d, rng);
    sum += x;
    sum2 += x * x;
  }
  const double m = sum / n;
  return {m, std::sqrt((sum2 / n - m * m) / n)};
}
}  // namespace

TEST_CASE("each distribution's sample mean matches its closed form", "[core][random]") {
  const int n = 200000;
  struct Case {
    const char* name;
    Distribution d;
    double closed_form;
  };
  const std::vector<Case> cases = {
      {"uniform(2, 6): (a+b)/2", Uniform{2, 6}, 4.0},
      {"lognormal(median 240, sigma 0.8): median*exp(sigma^2/2)", LogNormal{240, 0.8},
       240 * std::exp(0.32)},
      {"exponential(mean 30)", Exponential{30}, 30.0},
      {"beta(2, 5): a/(a+b)", Beta{2, 5}, 2.0 / 7.0},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(mean(c.d) == Approx(c.closed_form).epsilon(1e-12));
    const auto [m, se] = sample_mean(c.d, n);
    CHECK(std::abs(m - c.closed_form) < 4 * se);  // a 4-sigma band: fails about once in 16000 runs
  }
  CHECK(sample_mean(Fixed{3.5}, 10).first == 3.5);
}

TEST_CASE("streams depend on (seed, replication, stream) only", "[core][random]") {
  Rng a = make_stream(1, 5, StreamId::shocks), b = make_stream(1, 5, StreamId::shocks);
  Rng c = make_stream(1, 6, StreamId::shocks), d = make_stream(2, 5, StreamId::shocks);
  const auto x = a();
  CHECK(x == b());
  CHECK(x != c());
  CHECK(x != d());
}
