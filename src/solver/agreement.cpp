// The terms of a call that participants compare (agreement.hpp).
#include "agreement.hpp"

#include <string>

#include "checks.hpp"
#include "validate.hpp"

namespace linsweep::detail {

namespace {

const char* const term_names[] = {"number of features",
                                  "number of outputs",
                                  "element type",
                                  "solver",
                                  "fit_intercept",
                                  "standardize",
                                  "l2",
                                  "tol",
                                  "learning_rate",
                                  "iterations",
                                  "callback (set or not)",
                                  "model (fitted or not)",
                                  "start point (W0, b0)",
                                  "preconditioner",
                                  "sketch_rows",
                                  "precise"};
static_assert(sizeof term_names / sizeof term_names[0] == call_term_count, "a name per term");

}  // namespace

void call_term_values(const FitOptions& o, const CallTerms& call, double* out)
{
    const double values[] = {double(call.n),
                             double(call.k),
                             double(call.element_bytes),
                             double(static_cast<int>(o.solver)),
                             double(o.fit_intercept),
                             double(o.standardize),
                             o.l2,
                             o.tol,
                             o.learning_rate ? *o.learning_rate : -1.0,
                             double(call.budget),
                             double(bool(o.callback)),
                             double(call.fitted),
                             call.start,
                             o.preconditioner ? double(static_cast<int>(*o.preconditioner)) : -1.0,
                             double(o.sketch_rows),
                             double(o.precise)};
    static_assert(sizeof values / sizeof values[0] == call_term_count, "a value per term");
    for (std::size_t i = 0; i < call_term_count; ++i) out[i] = values[i];
}

void check_agreement(const double* agreed)
{
    constexpr std::size_t count = call_term_count;
    for (std::size_t i = 0; i < count; ++i)
        if (agreed[i] != -agreed[count + i])
            fail(i < 2 ? Status::bad_shape : Status::bad_option,
                 std::string("the participants disagree on the ") + term_names[i] + " (from " +
                     number(-agreed[count + i]) + " to " + number(agreed[i]) + ")");
}

}  // namespace linsweep::detail
