#include "core/random.hpp"

#include <cmath>

#include <fmt/format.h>
#include <boost/random/beta_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include "core/overloaded.hpp"

namespace crisp {

double sample(const Distribution& d, Rng& rng) {
  return std::visit(Overloaded{
                        [](const Fixed& f) { return f.value; },
                        [&](const Uniform& u) {
                          return boost::random::uniform_real_distribution<double>(u.a, u.b)(rng);
                        },
                        [&](const LogNormal& l) {
                          // Boost's lognormal takes the mean and sd of the underlying normal:
                          // log(median), sigma.
                          return boost::random::lognormal_distribution<double>(std::log(l.median),
                                                                               l.sigma)(rng);
                        },
                        [&](const Exponential& e) {
                          return boost::random::exponential_distribution<double>(1.0 / e.mean)(rng);
                        },
                        [&](const Beta& b) {
                          return b.scale * boost::random::beta_distribution<double>(b.a, b.b)(rng);
                        },
                    },
                    d);
}

double mean(const Distribution& d) {
  return std::visit(
      Overloaded{
          [](const Fixed& f) { return f.value; },
          [](const Uniform& u) { return 0.5 * (u.a + u.b); },
          [](const LogNormal& l) { return l.median * std::exp(0.5 * l.sigma * l.sigma); },
          [](const Exponential& e) { return e.mean; },
          [](const Beta& b) { return b.scale * b.a / (b.a + b.b); },
      },
      d);
}

std::string describe(const Distribution& d) {
  return std::visit(
      Overloaded{
          [](const Fixed& f) { return fmt::format("{}", f.value); },
          [](const Uniform& u) { return fmt::format("uniform({}, {})", u.a, u.b); },
          [](const LogNormal& l) {
            return fmt::format("lognormal(median {}, sigma {})", l.median, l.sigma);
          },
          [](const Exponential& e) { return fmt::format("exponential(mean {})", e.mean); },
          [](const Beta& b) {
            if (b.scale == 1) return fmt::format("beta({}, {})", b.a, b.b);
            return fmt::format("{} * beta({}, {})", b.scale, b.a, b.b);
          },
      },
      d);
}

}  // namespace crisp
