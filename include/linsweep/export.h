/* LINSWEEP_API marks the public C and C++ API. The shared library is built with hidden
 * visibility, so these are the only symbols it exports; for the static library the mark is
 * harmless. Usable from C and C++. */
#ifndef LINSWEEP_EXPORT_H
#define LINSWEEP_EXPORT_H

/* LINSWEEP_LOCAL keeps a private member class of an exported class (which would inherit its
 * visibility) out of the shared library's exports. */
#if defined(__GNUC__) || defined(__clang__)
#define LINSWEEP_API __attribute__((visibility("default")))
#define LINSWEEP_LOCAL __attribute__((visibility("hidden")))
#else
#define LINSWEEP_API
#define LINSWEEP_LOCAL
#endif

#endif /* LINSWEEP_EXPORT_H */
