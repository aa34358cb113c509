/* The daemon's notion of now. One place, so that deadline tests can move it later. */
#ifndef HL_CLOCK_H
#define HL_CLOCK_H

#include <stdint.h>

/* Wall-clock Unix time in milliseconds. */
int64_t hl_clock_now_ms(void);

#endif
