// fit_grid's held-out scores (grid_sweep.hpp).
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "collective.hpp"
#include "grid_sweep.hpp"
#include "validate.hpp"

namespace linsweep::detail {

// Each model's squared error on the held-out rows: one sweep of Xv at every model's weights,
// combined over the participants with sum (y - mean y)^2 for R^2.
template <class T>
void score_grid(GridResult<T>& out, const MatrixView<const T>& Xv, const MatrixView<const T>& yv,
                const FitOptions& o)
{
    const std::size_t K = out.models.size(), n = out.models.front().weights.size(), mv = Xv.rows;
    Collective comm;
    comm.bind(o.reducer.get());
    std::vector<T> W(n * K), b(K), G(n * K), s(K);
    std::vector<double> sums(K + 3), spread(2);
    double* e = sums.data();
    comm.run(
        [&] {
            if (Xv.cols != n || yv.cols != 1 || yv.rows != mv)
                fail(Status::bad_shape, "the validation rows are " + shape(Xv.rows, Xv.cols) + " and " +
                                            shape(yv.rows, yv.cols) + ", expected r x " + std::to_string(n) +
                                            " and r x 1");
            std::fill(sums.begin(), sums.end(), 0.0);
            if (mv == 0) {
                if (comm.alone()) fail(Status::bad_shape, "the validation rows are empty");
                return;
            }
            for (std::size_t c = 0; c < K; ++c) {
                for (std::size_t j = 0; j < n; ++j) W[j * K + c] = out.models[c].weights[j];
                b[c] = out.models[c].intercept[0];
            }
            Workspace ws;
            try {
                sweep_models(Xv, yv, W.data(), o.fit_intercept ? b.data() : nullptr, G.data(), s.data(), e, K,
                             ws, KernelOptions{o.threads, o.isa, std::nullopt});
            } catch (const Error& err) {
                if (err.code() != Status::non_finite_data) throw;
                fail(Status::non_finite_data, "the validation rows hold NaN or Inf (or a model's residuals "
                                              "there overflow)");
            }
            for (std::size_t i = 0; i < mv; ++i) sums[K] += double(yv(i, 0));
            sums[K + 1] = double(mv);
        },
        sums.data(), K + 2, ReduceOp::sum);
    if (sums[K + 1] == 0) fail(Status::bad_shape, "the validation rows are empty on every participant");
    const double mean = sums[K] / sums[K + 1];
    comm.run(
        [&] {
            spread[0] = 0;
            for (std::size_t i = 0; i < mv; ++i) {
                const double d = double(yv(i, 0)) - mean;
                spread[0] += d * d;
            }
        },
        spread.data(), 1, ReduceOp::sum);
    for (std::size_t c = 0; c < K; ++c) {
        out.validation_mse.push_back(e[c] / sums[K + 1]);
        out.validation_r2.push_back(spread[0] > 0 ? 1.0 - e[c] / spread[0]
                                                  : std::numeric_limits<double>::quiet_NaN());
        if (out.validation_mse[c] < out.validation_mse[out.best]) out.best = c;
    }
}

template void score_grid<float>(GridResult<float>&, const MatrixView<const float>&,
                                const MatrixView<const float>&, const FitOptions&);
template void score_grid<double>(GridResult<double>&, const MatrixView<const double>&,
                                 const MatrixView<const double>&, const FitOptions&);

}  // namespace linsweep::detail
