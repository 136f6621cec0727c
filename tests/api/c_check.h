/* Checks for the C test programs (C99): CHECK counts, CHECK_ERROR also matches the status and
 * the thread's message, and "watched" output bytes must survive a failing call unchanged. */
#ifndef LINSWEEP_TEST_C_CHECK_H
#define LINSWEEP_TEST_C_CHECK_H

#include <stdio.h>
#include <string.h>

#include "linsweep/linsweep.h"

static int passed = 0, failed = 0;

#define CHECK(cond)                                                                                          \
    do {                                                                                                     \
        if (cond) {                                                                                          \
            ++passed;                                                                                        \
        } else {                                                                                             \
            ++failed;                                                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                         \
        }                                                                                                    \
    } while (0)

/* The call returns `code` (not LINSWEEP_OK) and the thread's message contains `text` (not ""). */
#define CHECK_ERROR(call, code, text)                                                                        \
    do {                                                                                                     \
        const linsweep_status st_ = (call);                                                                  \
        const int ok_ = st_ == (code) && st_ != LINSWEEP_OK && (text)[0] != '\0' &&                          \
                        strstr(linsweep_last_error(), (text)) != NULL;                                       \
        CHECK(ok_);                                                                                          \
        if (!ok_)                                                                                            \
            fprintf(stderr, "  %s\n  got %s: %s\n", #call, linsweep_status_name(st_),                        \
                    linsweep_last_error());                                                                  \
    } while (0)

/* Output buffers watched across a failing call: watch() records their bytes, unchanged() says
 * whether every byte is still the same (and names the first buffer that changed). */
enum { MAX_WATCHED = 8, MAX_WATCHED_BYTES = 1024 };
static struct {
    const char* name;
    const unsigned char* at;
    size_t bytes;
    unsigned char before[MAX_WATCHED_BYTES];
} watched[MAX_WATCHED];
static int n_watched = 0;

/* A byte pattern no call writes as a value. */
static void sentinel(void* at, size_t bytes)
{
    size_t i;
    for (i = 0; i < bytes; ++i) ((unsigned char*)at)[i] = (unsigned char)(0xA5 ^ i);
}

static void watch(const char* name, const void* at, size_t bytes)
{
    if (n_watched == MAX_WATCHED || bytes > MAX_WATCHED_BYTES) {
        fprintf(stderr, "watch: too much to watch (%s)\n", name);
        ++failed;
        return;
    }
    watched[n_watched].name = name;
    watched[n_watched].at = (const unsigned char*)at;
    watched[n_watched].bytes = bytes;
    memcpy(watched[n_watched].before, at, bytes);
    ++n_watched;
}

static int unchanged(void)
{
    int i;
    for (i = 0; i < n_watched; ++i)
        if (memcmp(watched[i].at, watched[i].before, watched[i].bytes) != 0) {
            fprintf(stderr, "  output %s was written\n", watched[i].name);
            return 0;
        }
    return 1;
}

static void unwatch_all(void)
{
    n_watched = 0;
}

/* The call fails as CHECK_ERROR says and leaves every watched byte as it was. */
#define CHECK_FAILS_UNCHANGED(call, code, text)                                                              \
    do {                                                                                                     \
        CHECK_ERROR(call, code, text);                                                                       \
        CHECK(unchanged());                                                                                  \
    } while (0)

/* Like the gtest main of the C++ tests: the log records which kernels ran. */
static void print_isa(void)
{
    const linsweep_isa active = linsweep_active_isa();
    if (active == LINSWEEP_ISA_AUTO)
        printf("[linsweep] ISA selection error: %s\n", linsweep_last_error());
    else
        printf("[linsweep] active ISA at start: %s (best on this CPU: %s)\n", linsweep_isa_name(active),
               linsweep_isa_name(linsweep_best_isa()));
}

static int report(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

#endif /* LINSWEEP_TEST_C_CHECK_H */
