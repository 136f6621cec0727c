// A known-AVX object for KernelIsaIsolationSelfTest: built with -mavx -mfma, it holds VEX-encoded
// scalar instructions on xmm registers only (vfmadd...sd, vmovsd), which the isolation check must
// reject although no ymm/zmm register appears.
#include <immintrin.h>

double linsweep_isa_probe_fma(double a, double b, double c)
{
    return _mm_cvtsd_f64(_mm_fmadd_sd(_mm_set_sd(a), _mm_set_sd(b), _mm_set_sd(c)));
}
