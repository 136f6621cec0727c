// Plain gradient descent, the numpy loop: theta <- theta - lr * grad, one sweep per iteration.
#include "objective.hpp"

namespace linsweep::detail {

namespace {

class GradientDescent final : public Method {
public:
    std::size_t extra_size(std::size_t, std::size_t) const noexcept override { return 0; }
    void prepare(const Objective&, Iterate&) const override {}
    bool step(Objective& f, const Iterate& in, Iterate& out) const override
    {
        const double lr = f.setup().lr;
        for (std::size_t i = 0; i < in.w.size(); ++i) out.w[i] = in.w[i] - lr * in.grad[i];
        if (f.evaluate(out.w.data(), out)) return true;
        keep(in, out);
        return false;
    }
};

}  // namespace

const Method& gd_method() noexcept
{
    static const GradientDescent method;
    return method;
}

}  // namespace linsweep::detail
