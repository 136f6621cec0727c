// Householder QR's inner step (src/solver/preconditioner.cpp): one reflector I - tau v v^T applied
// to one column, in double. The dot product runs in eight interleaved partial sums added in a
// fixed tree, and the update is element-wise: the same arithmetic in the same order on every ISA
// (the vector width only changes how many lanes run at once), so the QR is bitwise the same on
// all of them. Plain loops the compiler vectorizes with the ISA's flags. Included only by the
// per-ISA files.
#pragma once

#include "common.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

struct Householder {
    // b[0..len) -= tau (v^T b) v with v = (head, v[1..len)).
    LINSWEEP_KERNEL_FLATTEN static void reflect(const double* v, double head, double tau, std::size_t len,
                                                double* b)
    {
        double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        std::size_t i = 1;
        for (; i + 8 <= len; i += 8)
            for (std::size_t u = 0; u < 8; ++u) part[u] += v[i + u] * b[i + u];
        for (std::size_t u = 0; i < len; ++i, ++u) part[u] += v[i] * b[i];
        const double dot =
            ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
        const double w = tau * (head * b[0] + dot);
        b[0] -= w * head;
        for (std::size_t j = 1; j < len; ++j) b[j] -= w * v[j];
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
