/* A minimal test harness for the C tests: CHECK records a failure and goes on; main() ends with
 * the closing line "N passed, N failed" and a non-zero exit on any failure. The counts are
 * atomic: test_foundation checks from several threads at once, and a plain ++ lost counts (CI
 * printed "54 passed" for 55 checks; a lost failure would have passed the run). */
#ifndef SELLO_CHECK_H
#define SELLO_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) do { \
    if (cond) { __atomic_add_fetch(&check_passed, 1, __ATOMIC_RELAXED); } \
    else { __atomic_add_fetch(&check_failed, 1, __ATOMIC_RELAXED); fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

/* The envelope text contains the given fragment (the tests assert exact JSON fragments). */
#define CHECK_HAS(text, fragment) do { \
    const char *check_text_ = (text); \
    if (check_text_ && strstr(check_text_, (fragment))) { __atomic_add_fetch(&check_passed, 1, __ATOMIC_RELAXED); } \
    else { __atomic_add_fetch(&check_failed, 1, __ATOMIC_RELAXED); fprintf(stderr, "FAIL %s:%d: %s lacks %s\n", __FILE__, __LINE__, \
                                   check_text_ ? check_text_ : "(null)", (fragment)); } \
} while (0)

static int check_summary(void) {
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}
#endif
