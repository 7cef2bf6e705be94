#include "zipfian_distribution.h"

#include <cmath>

namespace mapscope::scenarios {
namespace {

// Below this many terms zeta is summed term by term; above, the tail is the Euler-Maclaurin estimate,
// whose first omitted term is of order K^-(skew + 5): far below double precision at this K.
constexpr std::uint64_t kExactTerms = 10000;

double tail_estimate(double from, double to, double skew) {
  const auto f = [skew](double x) { return std::pow(x, -skew); };
  const auto f1 = [skew](double x) { return -skew * std::pow(x, -skew - 1); };
  const auto f3 = [skew](double x) { return -skew * (skew + 1) * (skew + 2) * std::pow(x, -skew - 3); };
  const double integral = (std::pow(to, 1 - skew) - std::pow(from, 1 - skew)) / (1 - skew);
  return integral + (f(from) + f(to)) / 2 + (f1(to) - f1(from)) / 12 - (f3(to) - f3(from)) / 720;
}

}  // namespace

double ZipfianDistribution::zeta(std::uint64_t n, double skew) {
  double sum = 0;
  const std::uint64_t exact = n <= kExactTerms ? n : kExactTerms - 1;
  for (std::uint64_t i = 1; i <= exact; ++i) {
    sum += std::pow(static_cast<double>(i), -skew);
  }
  if (exact < n) {
    sum += tail_estimate(static_cast<double>(kExactTerms), static_cast<double>(n), skew);
  }
  return sum;
}

ZipfianDistribution::ZipfianDistribution(std::uint64_t n, double skew)
    : n_(n),
      skew_(skew),
      zeta_n_(zeta(n, skew)),
      alpha_(1 / (1 - skew)),
      second_threshold_(1 + std::pow(0.5, skew)) {
  if (n_ > 2) {
    const double zeta2 = zeta(2, skew);
    eta_ = (1 - std::pow(2.0 / static_cast<double>(n_), 1 - skew_)) / (1 - zeta2 / zeta_n_);
  }
}

std::uint64_t ZipfianDistribution::operator()(RandomSource& random) const {
  const double u = random.unit();
  const double uz = u * zeta_n_;
  if (uz < 1 || n_ == 1) {
    return 0;
  }
  if (uz < second_threshold_ || n_ == 2) {
    return 1;
  }
  const auto rank =
      static_cast<std::uint64_t>(static_cast<double>(n_) * std::pow(eta_ * u - eta_ + 1, alpha_));
  return rank < n_ ? rank : n_ - 1;
}

}  // namespace mapscope::scenarios
