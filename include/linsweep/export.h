/* LINSWEEP_API marks the public C and C++ API. The shared library is built with hidden
 * visibility, so these are the only symbols it exports; for the static library the mark is
 * harmless. Usable from C and C++. */
#ifndef LINSWEEP_EXPORT_H
#define LINSWEEP_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define LINSWEEP_API __attribute__((visibility("default")))
#else
#define LINSWEEP_API
#endif

#endif /* LINSWEEP_EXPORT_H */
