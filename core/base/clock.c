/* The daemon's clock in milliseconds; see clock.h. */
#include "base/clock.h"

#include <time.h>

static int64_t read_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t hl_clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#ifdef HL_TEST_CLOCK
/* Test builds only (tests/hotlined-testclock): how far tests have moved the clock. */
static int64_t offset_ms;

void hl_clock_advance(int64_t ms)
{
	offset_ms += ms;
}
#else
enum { offset_ms = 0 };
#endif

int64_t hl_clock_now_ms(void)
{
	return read_ms(CLOCK_REALTIME) + offset_ms;
}
