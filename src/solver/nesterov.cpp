// Nesterov's accelerated gradient: FISTA momentum with the 1/L step, restarted when the step goes
// against the gradient (O'Donoghue and Candes), which keeps it monotone-ish on ill-conditioned
// problems. w (Iterate::w) is the look-ahead point where the gradient is taken.
//
// Iterate::extra: x (the main sequence x_k, len values), then the momentum t_k.
#include <cmath>

#include "objective.hpp"

namespace linsweep::detail {

namespace {

class Nesterov final : public Method {
public:
    std::size_t extra_size(std::size_t len, std::size_t) const noexcept override { return len + 1; }

    void prepare(const Objective&, Iterate& it) const override { restart(it); }

    bool step(Objective& f, const Iterate& in, Iterate& out) const override
    {
        const std::size_t len = in.w.size();
        const double lr = f.setup().lr;
        const double* x = in.extra.data();
        double* xn = out.extra.data();
        double against = 0;
        for (std::size_t i = 0; i < len; ++i) {
            xn[i] = in.w[i] - lr * in.grad[i];
            against += in.grad[i] * (xn[i] - x[i]);
        }
        const double t = against > 0 ? 1.0 : in.extra[len];
        const double t_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
        const double beta = (t - 1.0) / t_next;
        for (std::size_t i = 0; i < len; ++i) out.w[i] = xn[i] + beta * (xn[i] - x[i]);
        out.extra[len] = t_next;
        if (f.evaluate(out.w.data(), out)) return true;
        keep(in, out);
        restart(out);
        return false;
    }

private:
    // Momentum from scratch at w: x = w, t = 1.
    static void restart(Iterate& it)
    {
        const std::size_t len = it.w.size();
        for (std::size_t i = 0; i < len; ++i) it.extra[i] = it.w[i];
        it.extra[len] = 1.0;
    }
};

}  // namespace

const Method& nesterov_method() noexcept
{
    static const Nesterov method;
    return method;
}

}  // namespace linsweep::detail
