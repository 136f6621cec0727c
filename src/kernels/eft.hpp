// Error-free transformations over Simd<T, Arch> and the compensated sums built from them (Ogita,
// Rump, Oishi, "Accurate sum and dot product", SIAM J. Sci. Comput. 26, 2005): the arithmetic of
// the precise sweep. A value is carried as an unevaluated pair hi + lo, so sums and dot products
// come out as accurate as if computed in twice the working precision. Exact barring overflow (and
// underflow of a product's low part). Included only by the per-ISA files, inside the ISA's namespace.
#pragma once

#include "common.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

// hi + lo, unevaluated (|lo| is at most about one unit in the last place of hi, or hi is 0).
template <class V> struct Pair {
    V hi, lo;
};

template <class S> struct Eft {
    using T = typename S::value_type;
    using vec = typename S::vec;
    static constexpr std::size_t W = S::width;

    // s + e == a + b exactly with s = fl(a + b), whatever the magnitudes (Knuth's TwoSum).
    LINSWEEP_KERNEL_INLINE static void two_sum(vec a, vec b, vec& s, vec& e)
    {
        s = a + b;
        const vec bb = s - a;
        e = (a - (s - bb)) + (b - bb);
    }

    // p + e == a * b exactly with p = fl(a * b): one fused multiply-add where the ISA has it,
    // Veltkamp's splitting and Dekker's product where it has not (the portable path).
    LINSWEEP_KERNEL_INLINE static void two_product(vec a, vec b, vec& p, vec& e)
    {
        p = a * b;
        if constexpr (S::has_fma) {
            e = S::fmsub(a, b, p);
        } else {
            vec ah, al, bh, bl;
            split(a, ah, al);
            split(b, bh, bl);
            e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
        }
    }

    // acc += a * b (one step of Dot2).
    LINSWEEP_KERNEL_INLINE static void add_product(Pair<vec>& acc, vec a, vec b)
    {
        vec p, pe, q;
        two_product(a, b, p, pe);
        two_sum(acc.hi, p, acc.hi, q);
        acc.lo = acc.lo + (q + pe);
    }

    // acc += x * (rh + rl): the low part of the pair needs no error-free product.
    LINSWEEP_KERNEL_INLINE static void add_pair_product(Pair<vec>& acc, vec x, vec rh, vec rl)
    {
        add_product(acc, x, rh);
        acc.lo = S::fmadd(x, rl, acc.lo);
    }

    // acc += v.
    LINSWEEP_KERNEL_INLINE static void add(Pair<vec>& acc, const Pair<vec>& v)
    {
        vec q;
        two_sum(acc.hi, v.hi, acc.hi, q);
        acc.lo = acc.lo + (q + v.lo);
    }

    // Lane r of the result sums the lanes of rows[r] (W pairs; destroys them), compensated: the
    // exact counterpart of S::transpose_sum. log2(W) levels; at level h, rows[r] and rows[r + h]
    // merge into one vector holding rows[r]'s partial sums in its even blocks of h lanes and
    // rows[r + h]'s in its odd ones, each lane adding itself and the lane h away.
    LINSWEEP_KERNEL_INLINE static Pair<vec> transpose_sum(Pair<vec>* rows)
    {
        if constexpr (W > 1) {
            static_for<log2(W)>([&](auto level) LINSWEEP_LAMBDA_INLINE {
                constexpr std::size_t h = W >> (decltype(level)::value + 1);
                const typename S::mask even = S::load(EvenBlocks<h>::lanes) != S::zero();
                for (std::size_t r = 0; r < h; ++r) {
                    Pair<vec>& x = rows[r];
                    const Pair<vec>& y = rows[r + h];
                    const Pair<vec> a = {S::blend(even, x.hi, y.hi), S::blend(even, x.lo, y.lo)};
                    const Pair<vec> b = {S::template permute<Flip<h>>(S::blend(even, y.hi, x.hi)),
                                         S::template permute<Flip<h>>(S::blend(even, y.lo, x.lo))};
                    vec e;
                    two_sum(a.hi, b.hi, x.hi, e);
                    x.lo = (a.lo + b.lo) + e;
                }
            });
        }
        return rows[0];
    }

private:
    static constexpr std::size_t log2(std::size_t v) { return v <= 1 ? 0 : 1 + log2(v / 2); }

    // a == hi + lo with hi holding the upper half of the significand (Veltkamp): the products of
    // halves are exact. No FMA needed.
    LINSWEEP_KERNEL_INLINE static void split(vec a, vec& hi, vec& lo)
    {
        constexpr T factor = sizeof(T) == 4 ? T(4097) : T(134217729);  // 2^12 + 1, 2^27 + 1
        const vec c = S::broadcast(factor) * a;
        hi = c - (c - a);
        lo = a - hi;
    }

    // Lane l reads lane l ^ H (swaps neighbouring blocks of H lanes).
    template <std::size_t H> struct Flip {
        static constexpr std::size_t get(std::size_t l, std::size_t) { return l ^ H; }
    };
    // 1 in the lanes of the even blocks of H lanes, 0 in the odd ones.
    template <std::size_t H> struct EvenBlocks {
        static constexpr T at(std::size_t l) { return (l & H) == 0 ? T(1) : T(0); }
        alignas(64) static constexpr T lanes[16] = {at(0),  at(1),  at(2),  at(3), at(4),  at(5),
                                                    at(6),  at(7),  at(8),  at(9), at(10), at(11),
                                                    at(12), at(13), at(14), at(15)};
    };
};

// (hi[l], lo[l]) += v for the lanes of v: a double-double pair in memory (the slots). No
// renormalization: the memory pair stays an unevaluated sum.
template <class D> LINSWEEP_KERNEL_INLINE void add_to(double* hi, double* lo, const Pair<typename D::vec>& v)
{
    Pair<typename D::vec> acc = {D::load(hi), D::load(lo)};
    Eft<D>::add(acc, v);
    D::store(hi, acc.hi);
    D::store(lo, acc.lo);
}

// How the precise sweep computes, on double vectors D: for double data, pairs with error-free
// transformations (double-double); for float data, plain double, whose 53 bits are more than
// twice float's 24 (products of floats are exact in double), so the low parts stay zero and cost
// nothing.
template <class D, bool Pairs> struct PreciseArithmetic;

template <class D> struct PreciseArithmetic<D, true> {
    using vec = typename D::vec;
    using E = Eft<D>;
    LINSWEEP_KERNEL_INLINE static Pair<vec> product(vec a, vec b)
    {
        Pair<vec> p;
        E::two_product(a, b, p.hi, p.lo);
        return p;
    }
    LINSWEEP_KERNEL_INLINE static void add_product(Pair<vec>& acc, vec a, vec b)
    {
        E::add_product(acc, a, b);
    }
    LINSWEEP_KERNEL_INLINE static void add(Pair<vec>& acc, const Pair<vec>& v) { E::add(acc, v); }
    // acc += x * (rh + rl): the low part needs no error-free product.
    LINSWEEP_KERNEL_INLINE static void add_pair_product(Pair<vec>& acc, vec x, vec rh, vec rl)
    {
        E::add_product(acc, x, rh);
        acc.lo = D::fmadd(x, rl, acc.lo);
    }
    // acc += x * rl for the low part rl of a pair.
    LINSWEEP_KERNEL_INLINE static void add_low_product(Pair<vec>& acc, vec x, vec rl)
    {
        acc.lo = D::fmadd(x, rl, acc.lo);
    }
    LINSWEEP_KERNEL_INLINE static Pair<vec> transpose_sum(Pair<vec>* rows) { return E::transpose_sum(rows); }
    // y - (d.hi + d.lo) - b: exact up to the roundings of the low parts, renormalized (after
    // cancellation the low parts can outweigh t2; r^2 and x * rl need |rl| <= ulp(rh) / 2).
    LINSWEEP_KERNEL_INLINE static Pair<vec> residual(vec y, const Pair<vec>& d, vec b)
    {
        vec t, e1, t2, e2;
        E::two_sum(y, D::zero() - d.hi, t, e1);
        E::two_sum(t, D::zero() - b, t2, e2);
        Pair<vec> r;
        E::two_sum(t2, (e1 + e2) - d.lo, r.hi, r.lo);
        return r;
    }
};

template <class D> struct PreciseArithmetic<D, false> {
    using vec = typename D::vec;
    LINSWEEP_KERNEL_INLINE static Pair<vec> product(vec a, vec b) { return {a * b, D::zero()}; }
    LINSWEEP_KERNEL_INLINE static void add_product(Pair<vec>& acc, vec a, vec b)
    {
        acc.hi = D::fmadd(a, b, acc.hi);
    }
    LINSWEEP_KERNEL_INLINE static void add(Pair<vec>& acc, const Pair<vec>& v) { acc.hi = acc.hi + v.hi; }
    LINSWEEP_KERNEL_INLINE static void add_pair_product(Pair<vec>& acc, vec x, vec rh, vec)
    {
        acc.hi = D::fmadd(x, rh, acc.hi);
    }
    LINSWEEP_KERNEL_INLINE static void add_low_product(Pair<vec>&, vec, vec) {}
    LINSWEEP_KERNEL_INLINE static Pair<vec> transpose_sum(Pair<vec>* rows)
    {
        vec hi[D::width];
        for (std::size_t r = 0; r < D::width; ++r) hi[r] = rows[r].hi;
        return {D::transpose_sum(hi), D::zero()};
    }
    LINSWEEP_KERNEL_INLINE static Pair<vec> residual(vec y, const Pair<vec>& d, vec b)
    {
        return {(y - d.hi) - b, D::zero()};
    }
};

// (s_hi, s_lo) += r and (e_hi, e_lo) += r^2 for the lanes of r = rh + rl (r^2 = rh^2 exactly, plus
// (2 rh + rl) rl).
template <class D>
LINSWEEP_KERNEL_INLINE void add_sum_and_square(double* s_hi, double* s_lo, double* e_hi, double* e_lo,
                                               const Pair<typename D::vec>& r)
{
    add_to<D>(s_hi, s_lo, r);
    Pair<typename D::vec> sq;
    Eft<D>::two_product(r.hi, r.hi, sq.hi, sq.lo);
    sq.lo = D::fmadd((r.hi + r.hi) + r.lo, r.lo, sq.lo);
    add_to<D>(e_hi, e_lo, sq);
}

}  // namespace linsweep::kernels::LINSWEEP_ISA
