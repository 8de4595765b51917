// PRIM scenario discovery (core/prim.hpp): planted boxes it must recover, a peel computed by
// hand, discrete inputs, the choice rules, the sentence and the errors.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/prim.hpp"
#include "core/random.hpp"

using namespace crisp;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// Uniform on [0, 1) from the top 53 bits: the same on every platform, unlike std:: distributions.
double uniform(Rng& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

struct Sample {
  std::vector<std::string> names;
  std::vector<std::vector<double>> x;
  std::vector<std::uint8_t> y;
};

// n points uniform on [0, 1]^d; the outcome is 1 inside x0 > 0.7 and x2 < 0.4, and each label is
// flipped with probability `noise`.
Sample planted_box(std::size_t n, double noise, std::uint64_t seed) {
  Rng rng(seed);
  Sample s{{"x0", "x1", "x2", "x3", "x4"},
           std::vector<std::vector<double>>(5, std::vector<double>(n)),
           std::vector<std::uint8_t>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& column : s.x)
      column[i] = uniform(rng);
    bool in = s.x[0][i] > 0.7 && s.x[2][i] < 0.4;
    if (uniform(rng) < noise) in = !in;
    s.y[i] = in ? 1 : 0;
  }
  return s;
}

PrimResult run(const Sample& s, const PrimOptions& o = {}) {
  return prim(s.names, s.x, s.y, o);
}

void check_planted(const PrimBox& b) {
  CHECK(b.lo[0] == Approx(0.7).margin(0.03));
  CHECK(b.hi[0] == kInf);
  CHECK(b.lo[2] == -kInf);
  CHECK(b.hi[2] == Approx(0.4).margin(0.03));
  for (const std::size_t j : {1, 3, 4}) {
    CHECK(b.lo[j] == -kInf);
    CHECK(b.hi[j] == kInf);
  }
  CHECK(b.restricted_dims() == std::vector<std::size_t>{0, 2});
}
}  // namespace

TEST_CASE("PRIM recovers a box planted in 5 uniform inputs", "[prim]") {
  // Noise at rate p puts 0.88 p of all points as failures outside the box (mass 0.3 x 0.4 =
  // 0.12) and leaves 0.12 (1 - p) inside, so even the true box covers only 0.12 (1 - p) / (0.12
  // (1 - p) + 0.88 p) of the failures: 0.87 at p = 0.02, 0.72 at p = 0.05. Its density is 1 - p.
  SECTION("2 % label noise: density >= 0.9 and coverage >= 0.8") {
    const Sample s = planted_box(4000, 0.02, 7);
    const PrimResult r = run(s);
    INFO(describe_box(s.names, r.box));
    check_planted(r.box);
    CHECK(r.box.density >= 0.9);
    CHECK(r.box.coverage >= 0.8);
    // The trajectory peels from all points down to the minimum mass.
    CHECK(r.trajectory.front().mass == 1.0);
    CHECK(r.trajectory.front().restricted_dims().empty());
    CHECK(r.trajectory.back().mass >= 0.05);
    for (std::size_t b = 1; b < r.trajectory.size(); ++b)
      CHECK(r.trajectory[b].points < r.trajectory[b - 1].points);
    // Pasting only widens.
    CHECK(r.box.points >= r.trajectory[r.chosen].points);
  }
  SECTION("5 % label noise: the same bounds, and coverage near the true box's 0.72") {
    const Sample s = planted_box(4000, 0.05, 7);
    const PrimResult r = run(s);
    INFO(describe_box(s.names, r.box));
    check_planted(r.box);
    CHECK(r.box.density >= 0.9);
    CHECK(r.box.coverage >= 0.65);
  }
  SECTION("Friedman and Fisher's peel objective finds it too") {
    const Sample s = planted_box(4000, 0.02, 7);
    const PrimResult r = run(s, {.objective = PeelObjective::density});
    INFO(describe_box(s.names, r.box));
    check_planted(r.box);
    CHECK(r.box.density >= 0.9);
    CHECK(r.box.coverage >= 0.8);
  }
  SECTION("deterministic: the same input gives the same boxes") {
    const Sample s = planted_box(1000, 0.02, 3);
    const PrimResult a = run(s), b = run(s);
    REQUIRE(a.trajectory.size() == b.trajectory.size());
    for (std::size_t t = 0; t < a.trajectory.size(); ++t) {
      CHECK(a.trajectory[t].lo == b.trajectory[t].lo);
      CHECK(a.trajectory[t].hi == b.trajectory[t].hi);
    }
    CHECK(a.chosen == b.chosen);
    CHECK(a.box.lo == b.box.lo);
    CHECK(a.box.hi == b.box.hi);
  }
}

TEST_CASE("PRIM finds a one-dimensional threshold within 2 %", "[prim]") {
  Rng rng(11);
  const std::size_t n = 2000;
  Sample s{{"x"}, {std::vector<double>(n)}, std::vector<std::uint8_t>(n)};
  std::size_t above = 0;
  for (std::size_t i = 0; i < n; ++i) {
    s.x[0][i] = uniform(rng);
    s.y[i] = s.x[0][i] > 0.37 ? 1 : 0;
    above += s.y[i];
  }
  const PrimResult r = run(s);
  INFO(describe_box(s.names, r.box));
  CHECK(r.box.lo[0] == Approx(0.37).epsilon(0.02));
  CHECK(r.box.hi[0] == kInf);
  // Clean labels. The chosen box may lie up to a fraction of a peel outside the edge (pasting
  // only widens), so it holds every point above 0.37 and perhaps a few below.
  CHECK(r.box.coverage == 1.0);
  CHECK(r.box.density >= 0.99);
  CHECK(r.box.points >= above);
}

TEST_CASE("PRIM on discrete and tied inputs cuts between values and ends", "[prim]") {
  // k takes the values 0..3; c is constant; t is 0 for 90 % of points (heavy ties). Failure:
  // k >= 2 and x < 0.5, so the box is k > 1.5 (a cut midway between 1 and 2) and x < 0.5.
  Rng rng(5);
  const std::size_t n = 2000;
  Sample s{{"k", "x", "c", "t"},
           std::vector<std::vector<double>>(4, std::vector<double>(n)),
           std::vector<std::uint8_t>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    s.x[0][i] = static_cast<double>(i % 4);
    s.x[1][i] = uniform(rng);
    s.x[2][i] = 42.0;
    s.x[3][i] = uniform(rng) < 0.9 ? 0.0 : 1.0;
    s.y[i] = s.x[0][i] >= 2 && s.x[1][i] < 0.5 ? 1 : 0;
  }
  const PrimResult r = run(s);
  INFO(describe_box(s.names, r.box));
  CHECK(r.box.lo[0] == 1.5);
  CHECK(r.box.hi[0] == kInf);
  CHECK(r.box.hi[1] == Approx(0.5).margin(0.01));
  CHECK(r.box.restricted_dims() == std::vector<std::size_t>{0, 1});
  CHECK(r.box.density >= 0.99);
  CHECK(r.box.coverage == 1.0);
  // Every step of the trajectory removed something; the constant input was never cut.
  for (std::size_t b = 1; b < r.trajectory.size(); ++b) {
    CHECK(r.trajectory[b].points < r.trajectory[b - 1].points);
    CHECK_FALSE(r.trajectory[b].restricted(2));
  }
  SECTION("an input whose values are all equal but one") {
    // The low slab of 5 % would end inside the ties of 1.0, and those reach the top: the peel
    // stops below them and removes only the single 0.
    Sample t{{"v"}, {std::vector<double>(100, 1.0)}, std::vector<std::uint8_t>(100, 1)};
    t.x[0][0] = 0.0;
    t.y[0] = 0;
    const PrimResult r = run(t);
    REQUIRE(r.trajectory.size() == 2);
    CHECK(r.trajectory[1].lo[0] == 0.5);
    CHECK(r.trajectory[1].points == 99);
    CHECK(r.box.density == 1.0);
  }
}

TEST_CASE("PRIM's first peels on 10 points, by hand", "[prim]") {
  //   point  0  1  2  3  4  5  6  7  8  9
  //   a      1  2  3  4  5  6  7  8  9 10
  //   b      5  3 10  1  7  2  9  4  6  8
  //   y      0  1  0  1  1  0  1  1  0  1
  // 6 of 10 fail: density 0.6. peel_alpha 0.1 removes floor(9 x 0.1) + 1 = 1 point per peel, so
  // the density gain per point removed ranks peels as the density left does.
  // Peel 1: a's low end (point 0, y 0) leaves 6/9; a's high end (point 9, y 1) 5/9; b's low end
  // (point 3, y 1) 5/9; b's high end (point 2, y 0) 6/9. a-low and b-high tie; neither input is
  // restricted yet, so the lower input wins: a > 1.5 (midway between 1 and 2).
  // Peel 2 (9 points left, k = floor(8 x 0.1) + 1 = 1): a-low removes point 1 (y 1): 5/8;
  // a-high point 9 (y 1): 5/8; b-low point 3 (y 1): 5/8; b-high point 2 (y 0): 6/8. So b < 9.5.
  // A third peel would leave 7 points, below the minimum mass 0.8.
  const Sample s{{"a", "b"},
                 {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {5, 3, 10, 1, 7, 2, 9, 4, 6, 8}},
                 {0, 1, 0, 1, 1, 0, 1, 1, 0, 1}};
  const PrimResult r = run(s, {.peel_alpha = 0.1, .min_mass = 0.8});
  REQUIRE(r.trajectory.size() == 3);
  CHECK(r.points == 10);
  CHECK(r.positives == 6);
  const PrimBox &b0 = r.trajectory[0], &b1 = r.trajectory[1], &b2 = r.trajectory[2];
  CHECK(b0.mass == 1.0);
  CHECK(b0.density == 0.6);
  CHECK(b0.coverage == 1.0);
  CHECK(b1.lo == std::vector<double>{1.5, -kInf});
  CHECK(b1.hi == std::vector<double>{kInf, kInf});
  CHECK(b1.points == 9);
  CHECK(b1.positives == 6);
  CHECK(b1.mass == 0.9);
  CHECK(b1.density == Approx(6.0 / 9));
  CHECK(b1.coverage == 1.0);
  CHECK(b2.lo == std::vector<double>{1.5, -kInf});
  CHECK(b2.hi == std::vector<double>{kInf, 9.5});
  CHECK(b2.points == 8);
  CHECK(b2.mass == 0.8);
  CHECK(b2.density == 0.75);
  CHECK(b2.coverage == 1.0);
  // F (beta 0.5) = 1.25 d c / (0.25 d + c): 0.652, 0.714, 0.789: the last box.
  CHECK(r.chosen == 2);
  // Pasting: across a > 1.5 lies point 0 (b 5, inside b < 9.5; y 0) and across b < 9.5 point 2
  // (a 3; y 0): either would lower the density, so the box stays.
  CHECK(r.box.lo == b2.lo);
  CHECK(r.box.hi == b2.hi);
  CHECK(describe_box(s.names, r.box) ==
        "fails in 75 % of histories where a > 1.5 and b < 9.5; such histories are 80 % of all "
        "(and hold 100 % of all failures)");
}

TEST_CASE("PRIM pastes a box back out while its density does not fall", "[prim]") {
  // x = 1..20, failure for x >= 9. With peel_alpha 0.5 peeling cuts at 10.5 (the lowest 10 go,
  // density 10/10) and stops there (a further peel would leave 5 < 0.3 x 20 points). Pasting
  // adds floor(9 x 0.05) + 1 = 1 point at a time: 10 (y 1), 9 (y 1), then 8 (y 0) would lower
  // the density: the box ends at x > 8.5.
  Sample s{{"x"}, {std::vector<double>(20)}, std::vector<std::uint8_t>(20)};
  for (std::size_t i = 0; i < 20; ++i) {
    s.x[0][i] = static_cast<double>(i + 1);
    s.y[i] = i + 1 >= 9 ? 1 : 0;
  }
  const PrimResult r = run(s, {.peel_alpha = 0.5, .min_mass = 0.3});
  REQUIRE(r.trajectory.size() == 2);
  CHECK(r.trajectory[1].lo[0] == 10.5);
  CHECK(r.chosen == 1);
  CHECK(r.box.lo[0] == 8.5);
  CHECK(r.box.points == 12);
  CHECK(r.box.density == 1.0);
  CHECK(r.box.coverage == 1.0);
}

TEST_CASE("PRIM's density-threshold rule", "[prim]") {
  SECTION("by hand: ties in coverage go to the denser box; none reaching it, the densest") {
    // The 10 points of the hand-computed peels: densities 0.6, 0.667, 0.75, each covering all.
    const Sample s{{"a", "b"},
                   {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {5, 3, 10, 1, 7, 2, 9, 4, 6, 8}},
                   {0, 1, 0, 1, 1, 0, 1, 1, 0, 1}};
    const auto chosen = [&](double t) {
      return run(s, {.peel_alpha = 0.1, .min_mass = 0.8, .density_threshold = t}).chosen;
    };
    CHECK(chosen(0.0) == 2);
    CHECK(chosen(0.7) == 2);
    CHECK(chosen(0.9) == 2);
  }
  SECTION("on the planted box: the widest box that is dense enough") {
    const Sample s = planted_box(4000, 0.02, 7);
    for (const double t : {0.3, 0.5, 0.8, 0.95, 1.0}) {
      const PrimResult r = run(s, {.density_threshold = t});
      const PrimBox& c = r.trajectory[r.chosen];
      double densest = 0;
      for (const PrimBox& b : r.trajectory)
        densest = std::max(densest, b.density);
      INFO("threshold " << t << ": box " << r.chosen << " density " << c.density << " coverage "
                        << c.coverage << "; densest " << densest);
      if (densest >= t) {
        CHECK(c.density >= t);
        for (const PrimBox& b : r.trajectory)
          if (b.density >= t) CHECK(b.coverage <= c.coverage);
      } else {
        CHECK(c.density == densest);
      }
    }
    // A low threshold takes a wider, looser box than the default rule.
    const PrimResult low = run(s, {.density_threshold = 0.5}), tight = run(s);
    const PrimBox& loose = low.trajectory[low.chosen];
    CHECK(loose.density < 0.9);
    CHECK(loose.density < tight.trajectory[tight.chosen].density);
    CHECK(loose.coverage > tight.trajectory[tight.chosen].coverage);
  }
}

TEST_CASE("PRIM's sentence and its numbers", "[prim]") {
  CHECK(format_3sig(0.7) == "0.7");
  CHECK(format_3sig(0.70012) == "0.7");
  CHECK(format_3sig(410) == "410");
  CHECK(format_3sig(409.96) == "410");
  CHECK(format_3sig(93.24) == "93.2");
  CHECK(format_3sig(0.012345) == "0.0123");
  CHECK(format_3sig(12345) == "12300");
  CHECK(format_3sig(99960) == "1e5");
  CHECK(format_3sig(210000) == "2.1e5");
  CHECK(format_3sig(0.000123456) == "1.23e-4");
  CHECK(format_3sig(-2.5) == "-2.5");
  CHECK(format_3sig(0) == "0");

  const std::vector<std::string> names = {"china-gallium.days", "nl.vol", "price"};
  PrimBox b;
  b.lo = {410, -kInf, 0.5};
  b.hi = {kInf, 2.1e5, 1.25};
  b.density = 0.9312;
  b.mass = 0.0604;
  b.coverage = 0.8127;
  CHECK(describe_box(names, b) ==
        "fails in 93.1 % of histories where china-gallium.days > 410, nl.vol < 2.1e5 and 0.5 < "
        "price < 1.25; such histories are 6.04 % of all (and hold 81.3 % of all failures)");
  CHECK(describe_box(names, b, {"runs short", "futures", "shortages"}) ==
        "runs short in 93.1 % of futures where china-gallium.days > 410, nl.vol < 2.1e5 and 0.5 "
        "< price < 1.25; such futures are 6.04 % of all (and hold 81.3 % of all shortages)");
  b.lo = {-kInf, -kInf, -kInf};
  b.hi = {kInf, kInf, kInf};
  b.density = 0.2;
  CHECK(describe_box(names, b) ==
        "fails in 20 % of all histories; no box of the inputs singles out the failures");
}

TEST_CASE("PRIM rejects input it cannot use, saying why", "[prim]") {
  const std::vector<std::string> names = {"a", "b"};
  const std::vector<std::vector<double>> x = {{1, 2, 3}, {4, 5, 6}};
  const std::vector<std::uint8_t> y = {0, 1, 0};
  const auto fails = [](auto&& call, const std::string& message) {
    CHECK_THROWS_WITH(call(), message);
    CHECK_THROWS_AS(call(), std::invalid_argument);
  };
  fails([&] { prim(std::vector<std::string>{"a"}, x, y); },
        "PRIM: 1 input names for 2 input columns");
  fails([&] { prim({}, std::vector<std::vector<double>>{}, y); }, "PRIM: no inputs to restrict");
  fails(
      [&] {
        prim(names, std::vector<std::vector<double>>{{1, 2}, {3, 4, 5}}, y);
      },
      "PRIM: input 'a' has 2 values for 3 outcomes");
  fails(
      [&] {
        prim(names, std::vector<std::vector<double>>{{1, 2, 3}, {4, std::nan(""), 6}}, y);
      },
      "PRIM: input 'b' is nan at row 1");
  fails(
      [&] {
        prim(names, std::vector<std::vector<double>>{{1, kInf, 3}, {4, 5, 6}}, y);
      },
      "PRIM: input 'a' is inf at row 1");
  fails(
      [&] {
        prim(std::vector<std::string>{"a", "a"}, x, y);
      },
      "PRIM: input name 'a' appears twice");
  fails([&] { prim(std::vector<std::string>{"a", ""}, x, y); }, "PRIM: input 1 has no name");
  fails(
      [&] {
        prim(names, x, std::vector<std::uint8_t>{0, 2, 1});
      },
      "PRIM: outcome at row 1 is 2, not 0 or 1");
  fails(
      [&] {
        prim(names, x, std::vector<std::uint8_t>{0, 0, 0});
      },
      "PRIM: none of the 3 points is of interest: nothing to discover");
  fails(
      [&] {
        prim(names, x, std::vector<std::uint8_t>{1, 1, 1});
      },
      "PRIM: all 3 points are of interest: nothing to discover");
  fails([&] { prim(names, x, y, {.peel_alpha = 0}); },
        "PRIM: peel alpha must lie in (0, 0.5], not 0");
  fails([&] { prim(names, x, y, {.paste_alpha = 0.7}); },
        "PRIM: paste alpha must lie in (0, 0.5], not 0.7");
  fails([&] { prim(names, x, y, {.min_mass = 1}); },
        "PRIM: minimum box mass must lie in (0, 1), not 1");
  fails([&] { prim(names, x, y, {.density_threshold = 1.5}); },
        "PRIM: density threshold must lie in [0, 1], not 1.5");
  fails([&] { prim(names, x, y, {.beta = 0}); }, "PRIM: beta must be positive and finite, not 0");
}

TEST_CASE("PRIM's pruning frees the inputs fitted to a few points", "[prim]") {
  // 300 points and 5 % label noise: the box the choice rule picks often restricts an input that
  // does not matter (fitted to a handful of points). Pruning at a density cost of at most 0.05
  // frees those and keeps the two that matter, in every one of 20 samples.
  int extra_without = 0, exact_with = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Sample s = planted_box(300, 0.05, seed);
    const PrimResult plain = run(s);
    PrimOptions o;
    o.prune_tolerance = 0.05;
    const PrimResult pruned = run(s, o);
    INFO("seed " << seed << ": " << describe_box(s.names, pruned.box));
    for (std::size_t j : plain.box.restricted_dims())
      if (j != 0 && j != 2) {
        ++extra_without;
        break;
      }
    if (pruned.box.restricted_dims() == std::vector<std::size_t>{0, 2}) ++exact_with;
    // Pruning costs at most the tolerance in density per freed input, and only widens the box.
    CHECK(pruned.box.points >= plain.box.points);
    CHECK(pruned.box.density >=
          plain.box.density - 0.05 * static_cast<double>(plain.box.restricted_dims().size()));
  }
  UNSCOPED_INFO("boxes with an input that does not matter, unpruned: " << extra_without);
  CHECK(extra_without > 0);  // the case pruning is for occurs
  CHECK(exact_with == 20);
}
