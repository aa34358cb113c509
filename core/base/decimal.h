/* Integers written in decimal without printf: snprintf's machinery costs a few hundred
 * instructions a number, and hotlined writes dozens of numbers per ticket (Redis
 * commands, SLA clocks). Pure functions, callable from anywhere. */
#ifndef HL_BASE_DECIMAL_H
#define HL_BASE_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/* Room for any long long, its sign and the NUL. */
#define HL_DECIMAL_MAX 21

/* The digits of n in decimal. */
size_t hl_decimal_len(uint64_t n);

/* Writes v in decimal ("-" first when negative, as "%lld" does) and a NUL at out, which
 * has room for HL_DECIMAL_MAX bytes. Returns the characters written, NUL not counted. */
size_t hl_decimal_write(char *out, long long v);

#endif
