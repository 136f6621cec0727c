// What the participants of a distributed call must share (shapes, element type, options, budget,
// callback presence, whether the model is fitted, the start point's fingerprint), as values that
// one maximum of (v, -v) compares: after it, a term whose largest and smallest value differ names
// the disagreement.
#pragma once

#include <cstddef>

#include "linsweep/solver.hpp"

namespace linsweep::detail {

// What a call is, as far as the participants must agree.
struct CallTerms {
    std::size_t n = 0, k = 0;  // features, outputs
    std::size_t element_bytes = 0;
    std::size_t budget = 0;  // iterations of the call
    bool fitted = false;     // the model has weights
    double start = 0;        // fingerprint of the start point (0: none)
};

constexpr std::size_t call_term_count = 16;

// The terms as values: out[0..call_term_count).
void call_term_values(const FitOptions& o, const CallTerms& call, double* out);

// agreed[0..count) holds the maxima of the values, agreed[count..2 count) the maxima of their
// negations: throws Error (bad_shape or bad_option) naming the first term the participants
// disagree on.
void check_agreement(const double* agreed);

}  // namespace linsweep::detail
