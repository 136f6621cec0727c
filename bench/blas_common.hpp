// Shared by the BLAS baselines: the residual loop between the two gemv (or gemm) calls, and the
// check that the symbols we call come from the library we linked.
#pragma once

#include <dlfcn.h>

#include <climits>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "problem.hpp"

namespace bench {

// R = Y - Yhat - 1*b^T in place of Yhat (m x k, row-major), and s = 1^T*R: the loop a numpy user
// writes between the two BLAS calls.
template <class T> void residual(const T* Y, const T* b, T* R, T* s, std::size_t m, std::size_t k)
{
    for (std::size_t c = 0; c < k; ++c) s[c] = 0;
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t c = 0; c < k; ++c) {
            R[i * k + c] = Y[i * k + c] - R[i * k + c] - b[c];
            s[c] += R[i * k + c];
        }
}

inline std::string real_path(const std::string& path)
{
    char buf[PATH_MAX];
    return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

// Both OpenBLAS and BLIS export cblas_* and the Fortran BLAS names; the dynamic linker binds
// each name to the first library that defines it. Look each symbol up the way the executable's
// own references are bound (global scope) and report the file that provides it.
inline BlasInfo locate_symbols(std::initializer_list<const char*> symbols, const std::string& expected)
{
    BlasInfo info;
    info.library = real_path(expected);
    for (const char* name : symbols) {
        void* address = dlsym(RTLD_DEFAULT, name);
        Dl_info where{};
        if (address == nullptr || dladdr(address, &where) == 0 || where.dli_fname == nullptr) {
            info.problem = std::string(name) + " not found";
            break;
        }
        const std::string found = real_path(where.dli_fname);
        if (found != info.library) {
            info.problem = std::string(name) + " resolves to " + found + ", not " + info.library;
            break;
        }
    }
    return info;
}

}  // namespace bench
