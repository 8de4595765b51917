// Global sensitivity estimators (core/sensitivity_indices.hpp) against functions whose
// indices are known in closed form: Sobol indices of the Ishigami and Sobol g-functions, and the
// Morris mu* of the Ishigami function on its 4-level grid.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "core/sensitivity_indices.hpp"
#include "core/sobol_sequence.hpp"

using namespace crisp;

namespace {
constexpr double kPi = std::numbers::pi;

// Ishigami and Homma (1990): f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_k uniform on [-pi, pi].
constexpr double kIshA = 7.0, kIshB = 0.1;
double ishigami(std::span<const double> u) {
  const double x1 = -kPi + 2 * kPi * u[0], x2 = -kPi + 2 * kPi * u[1], x3 = -kPi + 2 * kPi * u[2];
  return std::sin(x1) + kIshA * std::sin(x2) * std::sin(x2) +
         kIshB * std::pow(x3, 4) * std::sin(x1);
}

// Sobol's g-function: f = prod_i (|4 u_i - 2| + a_i) / (1 + a_i), u_i uniform on [0, 1]. Each
// factor has mean 1 and variance V_i = 1 / (3 (1 + a_i)^2), and the function is a product of
// independent factors, so its ANOVA terms are products of the factors' centred parts:
//   V = prod_i (1 + V_i) - 1,  S_i = V_i / V,  ST_i = V_i prod_{j != i} (1 + V_j) / V.
// With a = (0, 1, 4.5, 9, 99, 99): V = 0.4653, S = (0.7163, 0.1791, 0.0237, 0.0072, 0.0001,
// 0.0001) and ST = (0.7873, 0.2422, 0.0343, 0.0105, 0.0001, 0.0001): one dominant input, one
// strong, two weak, two all but inert, and interactions (ST - S) of 0.07 at most.
const std::vector<double> kGa = {0, 1, 4.5, 9, 99, 99};
double g_function(std::span<const double> u) {
  double f = 1;
  for (std::size_t i = 0; i < kGa.size(); ++i)
    f *= (std::abs(4 * u[i] - 2) + kGa[i]) / (1 + kGa[i]);
  return f;
}

template <class F>
std::vector<double> evaluate(const SaltelliDesign& s, F f) {
  std::vector<double> y(s.rows());
  for (std::size_t r = 0; r < s.rows(); ++r)
    y[r] = f(s.row(r));
  return y;
}

std::vector<double> evaluate_morris(const MorrisDesign& m) {
  std::vector<double> y(m.rows());
  for (std::size_t k = 0; k < m.rows(); ++k)
    y[k] = ishigami(m.row(k));
  return y;
}

bool covers(const Interval& ci, double v) {
  return ci.lo <= v && v <= ci.hi;
}
}  // namespace

TEST_CASE("sobol_points: Boost's sequence from its point 1, inside the open unit cube", "[sobol]") {
  // Boost's documented start of the 2-dimensional sequence.
  const std::vector<double> p = sobol_points(5, 2);
  const std::vector<double> expected = {0.5,  0.5,   0.75,  0.25,  0.25,
                                        0.75, 0.375, 0.375, 0.875, 0.875};
  CHECK(p == expected);
  const std::vector<double> q = sobol_points(4096, 12);
  for (double x : q) {
    CHECK(x > 0.0);
    CHECK(x < 1.0);
  }
  CHECK_THROWS_AS(sobol_points(4, 0), std::invalid_argument);
  CHECK_THROWS_AS(sobol_points(4, kSobolMaxDimension + 1), std::invalid_argument);
}

TEST_CASE("saltelli_design: rows A, B, then A with one column of B, per base sample", "[sobol]") {
  const std::size_t n = 16, d = 3;
  const SaltelliDesign s = saltelli_design(n, d);
  REQUIRE(s.rows() == n * (d + 2));
  const std::vector<double> p = sobol_points(n, 2 * d);
  for (std::size_t j = 0; j < n; ++j) {
    const auto a = s.row(j * (d + 2)), b = s.row(j * (d + 2) + 1);
    for (std::size_t k = 0; k < d; ++k) {
      CHECK(a[k] == p[j * 2 * d + k]);
      CHECK(b[k] == p[j * 2 * d + d + k]);
    }
    for (std::size_t i = 0; i < d; ++i) {
      const auto ab = s.row(j * (d + 2) + 2 + i);
      for (std::size_t k = 0; k < d; ++k)
        CHECK(ab[k] == (k == i ? b[k] : a[k]));
    }
  }
  CHECK_THROWS_AS(saltelli_design(1, 3), std::invalid_argument);
  CHECK_THROWS_AS(saltelli_design(8, 0), std::invalid_argument);
}

TEST_CASE("Sobol indices of the Ishigami function lie in their bootstrap intervals", "[sobol]") {
  // Closed form (Ishigami and Homma 1990):
  //   V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,  V1 = (1 + b pi^4/5)^2 / 2,  V2 = a^2/8,
  //   V13 = b^2 pi^8 (1/18 - 1/50),  V3 = V12 = V23 = V123 = 0.
  const double a = kIshA, b = kIshB, pi4 = std::pow(kPi, 4), pi8 = pi4 * pi4;
  const double v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
  const double v1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5), v2 = a * a / 8;
  const double v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
  const std::vector<double> s1 = {v1 / v, v2 / v, 0.0};
  const std::vector<double> st = {(v1 + v13) / v, v2 / v, v13 / v};
  // The published values.
  CHECK(s1[0] == Approx(0.3139).margin(5e-5));
  CHECK(s1[1] == Approx(0.4424).margin(5e-5));
  CHECK(st[0] == Approx(0.5576).margin(5e-5));
  CHECK(st[2] == Approx(0.2437).margin(5e-5));

  const std::size_t n = 8192;
  const SaltelliDesign s = saltelli_design(n, 3);
  const std::vector<double> y = evaluate(s, ishigami);
  const SobolIndices idx = sobol_indices(y, n, 3, {.resamples = 1000, .seed = 19});
  CHECK(idx.variance == Approx(v).epsilon(0.02));
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("x" << i + 1 << ": S1 " << idx.first[i].value << " [" << idx.first[i].ci.lo << ", "
             << idx.first[i].ci.hi << "] vs " << s1[i] << "; ST " << idx.total[i].value << " ["
             << idx.total[i].ci.lo << ", " << idx.total[i].ci.hi << "] vs " << st[i]);
    CHECK(covers(idx.first[i].ci, s1[i]));
    CHECK(covers(idx.total[i].ci, st[i]));
    CHECK(covers(idx.first[i].ci, idx.first[i].value));
    CHECK(covers(idx.total[i].ci, idx.total[i].value));
    // Narrow: the closest distinct indices (ST1 and ST2) differ by 0.115, so two intervals
    // narrower than 0.1 around them cannot overlap.
    CHECK(idx.first[i].ci.hi - idx.first[i].ci.lo < 0.1);
    CHECK(idx.total[i].ci.hi - idx.total[i].ci.lo < 0.1);
  }
  // And so they rank the inputs as the closed form does.
  CHECK(idx.first[1].ci.lo > idx.first[0].ci.hi);
  CHECK(idx.first[0].ci.lo > idx.first[2].ci.hi);
  CHECK(idx.total[0].ci.lo > idx.total[1].ci.hi);
  CHECK(idx.total[1].ci.lo > idx.total[2].ci.hi);
}

TEST_CASE("Sobol indices of the g-function lie in their bootstrap intervals", "[sobol]") {
  const std::size_t d = kGa.size();
  std::vector<double> vi(d);
  double v = 1;
  for (std::size_t i = 0; i < d; ++i) {
    vi[i] = 1.0 / (3 * (1 + kGa[i]) * (1 + kGa[i]));
    v *= 1 + vi[i];
  }
  v -= 1;
  // The values the comment above gives.
  CHECK(v == Approx(0.4653).margin(5e-5));
  CHECK(vi[0] / v == Approx(0.7163).margin(5e-5));
  CHECK(vi[0] * (1 + v) / (1 + vi[0]) / v == Approx(0.7873).margin(5e-5));

  const std::size_t n = 8192;
  const SaltelliDesign s = saltelli_design(n, d);
  const std::vector<double> y = evaluate(s, g_function);
  const SobolIndices idx = sobol_indices(y, n, d, {.resamples = 1000, .seed = 19});
  CHECK(idx.variance == Approx(v).epsilon(0.02));
  for (std::size_t i = 0; i < d; ++i) {
    const double s1 = vi[i] / v, st = vi[i] * (1 + v) / (1 + vi[i]) / v;
    INFO("x" << i + 1 << ": S1 " << idx.first[i].value << " [" << idx.first[i].ci.lo << ", "
             << idx.first[i].ci.hi << "] vs " << s1 << "; ST " << idx.total[i].value << " ["
             << idx.total[i].ci.lo << ", " << idx.total[i].ci.hi << "] vs " << st);
    CHECK(covers(idx.first[i].ci, s1));
    CHECK(covers(idx.total[i].ci, st));
    CHECK(idx.first[i].ci.hi - idx.first[i].ci.lo < 0.1);
    CHECK(idx.total[i].ci.hi - idx.total[i].ci.lo < 0.1);
  }
  // The weak inputs are told apart from the inert ones.
  CHECK(idx.total[3].ci.lo > idx.total[4].ci.hi);
  CHECK(idx.total[3].ci.lo > idx.total[5].ci.hi);
}

TEST_CASE("Sobol indices: the same inputs give bit-identical intervals, a new seed new ones",
          "[sobol]") {
  const SaltelliDesign s = saltelli_design(256, 3);
  const std::vector<double> y = evaluate(s, ishigami);
  const SobolIndices a = sobol_indices(y, 256, 3, {.resamples = 200, .seed = 5});
  const SobolIndices b = sobol_indices(y, 256, 3, {.resamples = 200, .seed = 5});
  const SobolIndices c = sobol_indices(y, 256, 3, {.resamples = 200, .seed = 6});
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(a.first[i].ci.lo == b.first[i].ci.lo);
    CHECK(a.total[i].ci.hi == b.total[i].ci.hi);
    CHECK(a.first[i].value == c.first[i].value);
  }
  CHECK(a.first[0].ci.lo != c.first[0].ci.lo);
}

TEST_CASE("Sobol indices refuse a wrong size, a non-finite output and a constant one", "[sobol]") {
  const SaltelliDesign s = saltelli_design(8, 2);
  std::vector<double> y(s.rows(), 1.0);
  CHECK_THROWS_WITH(sobol_indices(y, 8, 2), Catch::Contains("constant"));
  CHECK_THROWS_WITH(sobol_indices(std::span(y).first(10), 8, 2), Catch::Contains("need 32"));
  y[0] = 2.0;
  y[7] = std::nan("");
  CHECK_THROWS_WITH(sobol_indices(y, 8, 2), Catch::Contains("row 7"));
}

TEST_CASE("morris_design: trajectories on the grid, one input moved by Delta per step",
          "[morris]") {
  const MorrisDesign m = morris_design(50, 5, 4, 3);
  REQUIRE(m.rows() == 50 * 6);
  CHECK(m.delta == Approx(2.0 / 3.0));
  for (std::size_t t = 0; t < m.r; ++t) {
    std::vector<int> moved(m.d, 0);
    for (std::size_t k = 0; k < m.d; ++k) {
      const auto p = m.row(t * (m.d + 1) + k), q = m.row(t * (m.d + 1) + k + 1);
      const std::size_t i = m.moved[t * m.d + k];
      ++moved[i];
      for (std::size_t c = 0; c < m.d; ++c) {
        CHECK(q[c] >= 0.0);
        CHECK(q[c] <= 1.0);
        CHECK(q[c] - p[c] == Approx(c == i ? m.step[t * m.d + k] * m.delta : 0.0).margin(1e-15));
      }
    }
    for (int c : moved)
      CHECK(c == 1);
  }
  CHECK_THROWS_AS(morris_design(10, 3, 5, 0), std::invalid_argument);
  CHECK_THROWS_AS(morris_design(1, 3, 4, 0), std::invalid_argument);
}

TEST_CASE("Morris mu-star of the Ishigami function: its value on the grid, none for a dummy",
          "[morris]") {
  // With p = 4 levels the grid is {-pi, -pi/3, pi/3, pi} in each x_k, Delta = 2/3 of the range,
  // and a move pairs -pi with pi/3 or -pi/3 with pi. Each level of the other inputs is equally
  // likely, so the expected effects per whole range follow by enumeration:
  //   x1: sin x1 rises by sqrt(3)/2 in both pairs, times (1 + b x3^4), whose mean over the grid
  //       is 1 + b pi^4 (1 + 1/81) / 2: mu*1 = mu1 = (3/2) (sqrt(3)/2) (1 + b pi^4 (82/81) / 2)
  //       = 7.704.
  //   x2: a sin^2 x2 moves by +-3a/4, its sign set by the pair: mu*2 = (3/2) (3a/4) = 7.875,
  //       mu2 = 0, sigma2 = 7.875.
  //   x3: b sin x1 (x3'^4 - x3^4) has |x3'^4 - x3^4| = pi^4 (80/81) in both pairs and
  //       E|sin x1| = sqrt(3)/4: mu*3 = (3/2) b (sqrt(3)/4) pi^4 (80/81) = 6.249, mu3 = 0.
  //   x4 (not in f, a dummy): every effect is 0.
  // So x2 > x1 > x3 > x4 = 0 in mu*. x3's mu* is large although its first-order index is 0:
  // mu* ranks by total effect, and x3 acts only with x1. x1 and x2 differ by 2 %, which r = 4000
  // trajectories do not resolve. x3 is 1.45 below x1: |EE1| and |EE3| each take two values with
  // a standard deviation of about 6.25, so with r = 4000 the standard error of each mu* is 0.1 and
  // the 99 % intervals (half-width 0.26) separate them.
  const double a = kIshA, b = kIshB, pi4 = std::pow(kPi, 4), r3 = std::sqrt(3.0);
  const double mu1 = 1.5 * (r3 / 2) * (1 + b * pi4 * (82.0 / 81.0) / 2);
  const double mu2 = 1.5 * 0.75 * a;
  const double mu3 = 1.5 * b * (r3 / 4) * pi4 * (80.0 / 81.0);

  // Trajectories are random, not low-discrepancy: a 95 % interval misses its value one time in
  // 20, and this test checks several. Coverage is asserted at 99 % here; the next test checks
  // that the 95 % intervals cover at their rate.
  const MorrisDesign m = morris_design(4000, 4, 4, 19);
  const std::vector<double> y = evaluate_morris(m);
  const std::vector<MorrisEffect> e =
      morris_effects(m, y, {.resamples = 1000, .seed = 19, .level = 0.99});
  CAPTURE(e[0].mu, e[0].mu_star, e[0].mu_star_ci.lo, e[0].mu_star_ci.hi, e[0].sigma);
  CAPTURE(e[1].mu, e[1].mu_star, e[1].mu_star_ci.lo, e[1].mu_star_ci.hi, e[1].sigma);
  CAPTURE(e[2].mu, e[2].mu_star, e[2].mu_star_ci.lo, e[2].mu_star_ci.hi, e[2].sigma);
  CAPTURE(e[3].mu, e[3].mu_star, e[3].mu_star_ci.lo, e[3].mu_star_ci.hi, e[3].sigma);
  for (const MorrisEffect& ei : e)
    CHECK(covers(ei.mu_star_ci, ei.mu_star));
  CHECK(covers(e[0].mu_star_ci, mu1));
  CHECK(e[0].mu == Approx(e[0].mu_star));  // every effect of x1 is positive
  // x2's effects are all +-7.875, up to rounding.
  CHECK(e[1].mu_star == Approx(mu2).epsilon(1e-12));
  CHECK(e[1].sigma == Approx(mu2).epsilon(0.01));
  CHECK(std::abs(e[1].mu) < 0.1 * mu2);
  CHECK(covers(e[2].mu_star_ci, mu3));
  CHECK(std::abs(e[2].mu) < 0.1 * mu3);
  // The ranking that screening needs: x1 and x2 above x3, beyond the intervals.
  CHECK(e[2].mu_star_ci.hi < e[0].mu_star_ci.lo);
  CHECK(e[2].mu_star_ci.hi < e[1].mu_star_ci.lo);
  CHECK(e[3].mu_star == 0.0);
  CHECK(e[3].sigma == 0.0);
  CHECK(e[3].mu_star_ci.hi == 0.0);
}

TEST_CASE("Morris: the 95 % interval of mu-star covers its value in about 95 % of designs",
          "[morris]") {
  // 1 000 independent designs of 100 trajectories (x1 of the Ishigami function, mu*1 from the
  // test above): the count of covering intervals is Binomial(1000, coverage), with a standard
  // deviation of about 7. These designs give 940 (the percentile bootstrap of a mean runs a
  // little under its level at this size); a 90 % interval taken for a 95 % one gives 889. The
  // bounds sit about 3 standard deviations from each.
  const double mu1 =
      1.5 * (std::sqrt(3.0) / 2) * (1 + kIshB * std::pow(kPi, 4) * (82.0 / 81.0) / 2);
  int covered = 0;
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    const MorrisDesign m = morris_design(100, 3, 4, 1000 + seed);
    const auto e = morris_effects(m, evaluate_morris(m), {.resamples = 500, .seed = seed});
    covered += covers(e[0].mu_star_ci, mu1) ? 1 : 0;
  }
  CAPTURE(covered);
  CHECK(covered >= 915);
  CHECK(covered <= 965);
}

TEST_CASE("Morris: the same seed gives the same design and effects", "[morris]") {
  const MorrisDesign m1 = morris_design(20, 3, 6, 8), m2 = morris_design(20, 3, 6, 8);
  const MorrisDesign m3 = morris_design(20, 3, 6, 9);
  CHECK(m1.x == m2.x);
  CHECK(m1.x != m3.x);
  const std::vector<double> y = evaluate_morris(m1);
  CHECK_THROWS_WITH(morris_effects(m1, std::span(y).first(5)), Catch::Contains("need 80"));
  const auto e1 = morris_effects(m1, y, {.resamples = 100, .seed = 1});
  const auto e2 = morris_effects(m1, y, {.resamples = 100, .seed = 1});
  for (std::size_t i = 0; i < 3; ++i)
    CHECK(e1[i].mu_star_ci.lo == e2[i].mu_star_ci.lo);
}
