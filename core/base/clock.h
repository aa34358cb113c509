/* The daemon's notion of now, in one place, so that deadline tests can move it: a build
 * with HL_TEST_CLOCK (tests/hotlined-testclock only) has hl_clock_advance, reached
 * through POST /v1/test/clock when the configuration says test_clock: true. */
#ifndef HL_CLOCK_H
#define HL_CLOCK_H

#include <stdint.h>

/* Wall-clock Unix time in milliseconds. */
int64_t hl_clock_now_ms(void);

/* A monotonic clock in nanoseconds, for measuring how long something took. */
int64_t hl_clock_mono_ns(void);

#ifdef HL_TEST_CLOCK
/* Moves the clock forward by ms (test builds only). */
void hl_clock_advance(int64_t ms);
#endif

#endif
