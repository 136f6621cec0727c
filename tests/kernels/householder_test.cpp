// Householder QR of the sketch (src/solver/preconditioner.hpp), whose inner step is a per-ISA
// kernel: the same bits on every ISA and thread count, R^T R = A^T A to rounding, dependent
// columns left out, and the right-hand sides turned into Q^T b.
#include <cmath>
#include <cstring>

#include "kernel_test_support.hpp"
#include "solver/preconditioner.hpp"

namespace {

using namespace kt;

struct Qr {
    std::vector<double> A;  // column-major, after the QR
    std::vector<std::size_t> active;
};

Qr qr(const std::vector<double>& A, std::size_t rows, std::size_t p, std::size_t cols, Isa isa, int threads)
{
    Qr out{A, {}};
    out.active.reserve(p);
    std::vector<double> scratch(2 * p);
    linsweep::KernelOptions opt;
    opt.isa = isa;
    opt.threads = threads;
    linsweep::detail::householder_qr(out.A.data(), rows, p, cols, out.active, scratch.data(), opt);
    return out;
}

class KernelHouseholder : public testing::TestWithParam<Isa> {};

TEST_P(KernelHouseholder, SameBitsEverywhereAndRtRIsAtA)
{
    // 300 x 70 (more than two panels of 32 columns), columns of very different scales, a zero
    // column and a copy of another column; then two right-hand sides.
    const std::size_t rows = 300, p = 70, cols = p + 2;
    std::vector<double> A(rows * cols);
    for (std::size_t j = 0; j < cols; ++j)
        for (std::size_t i = 0; i < rows; ++i)
            A[j * rows + i] = std::sin(1.0 + 0.37 * double(i * (j + 1)) + 0.11 * double(j)) *
                              std::pow(10.0, double(j % 7) - 3);
    for (std::size_t i = 0; i < rows; ++i) {
        A[5 * rows + i] = 0;
        A[40 * rows + i] = A[3 * rows + i];
    }
    const Qr base = qr(A, rows, p, cols, GetParam(), 1);
    for (int threads : {2, 3, 7}) {
        const Qr again = qr(A, rows, p, cols, GetParam(), threads);
        EXPECT_EQ(again.active, base.active);
        EXPECT_EQ(std::memcmp(again.A.data(), base.A.data(), A.size() * sizeof(double)), 0) << threads;
    }
    for (Isa isa : runnable_isas()) {
        const Qr other = qr(A, rows, p, cols, isa, 2);
        EXPECT_EQ(std::memcmp(other.A.data(), base.A.data(), A.size() * sizeof(double)), 0)
            << linsweep::isa_name(isa);
    }
    // Columns 5 (zero) and 40 (a copy of 3) got no reflector; every other one did.
    ASSERT_EQ(base.active.size(), p - 2);
    for (std::size_t b = 0, j = 0; j < p; ++j) {
        if (j == 5 || j == 40) continue;
        EXPECT_EQ(base.active[b++], j);
    }
    // R^T R = A^T A on the active columns, to rounding relative to the columns' norms.
    const std::size_t q = base.active.size();
    const auto R = [&](std::size_t a, std::size_t b) {
        return a <= b ? base.A[base.active[b] * rows + a] : 0.0;
    };
    for (std::size_t a = 0; a < q; ++a)
        for (std::size_t b = a; b < q; ++b) {
            long double want = 0, na = 0, nb = 0, got = 0;
            for (std::size_t i = 0; i < rows; ++i) {
                const long double x = A[base.active[a] * rows + i], y = A[base.active[b] * rows + i];
                want += x * y;
                na += x * x;
                nb += y * y;
            }
            for (std::size_t c = 0; c <= a; ++c) got += (long double)R(c, a) * R(c, b);
            EXPECT_LE(std::fabs(double(got - want)), 1e-13 * double(std::sqrt(na * nb))) << a << "," << b;
        }
    // Q^T b keeps b's norm (an orthogonal map).
    for (std::size_t c = p; c < cols; ++c) {
        long double before = 0, after = 0;
        for (std::size_t i = 0; i < rows; ++i) {
            before += (long double)A[c * rows + i] * A[c * rows + i];
            after += (long double)base.A[c * rows + i] * base.A[c * rows + i];
        }
        EXPECT_NEAR(double(after / before), 1.0, 1e-14);
    }
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelHouseholder, testing::ValuesIn(runnable_isas()),
                         [](const testing::TestParamInfo<Isa>& info) {
                             return std::string(linsweep::isa_name(info.param));
                         });

}  // namespace
