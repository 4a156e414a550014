/*
 * check.h: the assertion helper of the C test programs. A failed check prints file:line, the
 * expression and a message, then the tally line and exits 1; a passing program ends with
 * printf("%lu passed, 0 failed\n", checks_passed).
 */
#ifndef SIGV4_TEST_CHECK_H
#define SIGV4_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Checks passed by the main thread (threads count into their own counters via CHECK_T). */
static unsigned long checks_passed;

#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
static void check_at(unsigned long *passed, int ok, const char *file, int line, const char *expr,
                     const char *fmt, ...)
{
    va_list ap;
    if (ok) {
        (*passed)++;
        return;
    }
    fprintf(stderr, "%s:%d: check failed: %s\n    ", file, line, expr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    printf("%lu passed, 1 failed\n", *passed);
    exit(1);
}

#define CHECK(cond, ...) \
    check_at(&checks_passed, (cond) != 0, __FILE__, __LINE__, #cond, __VA_ARGS__)
#define CHECK_T(counter, cond, ...) \
    check_at((counter), (cond) != 0, __FILE__, __LINE__, #cond, __VA_ARGS__)

#endif /* SIGV4_TEST_CHECK_H */
