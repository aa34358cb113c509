/*
 * POST /v1/test/clock: moves the daemon's clock (base/clock.h), for the deadline tests.
 * Built into tests/hotlined-testclock only (HL_TEST_CLOCK); the shipped daemon refuses
 * a configuration that asks for it.
 */
#ifndef HL_TEST_CLOCK_H
#define HL_TEST_CLOCK_H

struct hl_service;

/* Returns 0, or -1 when out of memory. */
int hl_test_clock_register(struct hl_service *svc);

#endif
