/*
 * What the fuzz harnesses (tests/fuzz/fuzz_*.c, `make fuzz`, clang and libFuzzer) and the
 * regression test of their corpora (tests/unit/test_fuzz_corpus.c, `make check`, gcc)
 * both run: one function per target, taking any bytes.
 */
#ifndef HL_FUZZ_TARGETS_H
#define HL_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

void hl_fuzz_ticket_input(const uint8_t *data, size_t size);
void hl_fuzz_config(const uint8_t *data, size_t size);
/* The routes loaders and the calendar: the first byte picks the file (modulo 5:
 * departments, sla, catalogue, districts, a calendar year), the rest is its text. */
void hl_fuzz_routes(const uint8_t *data, size_t size);
void hl_fuzz_duration(const uint8_t *data, size_t size);
/* The knowledge base's search: any bytes cut into terms both ways, as a query and as an
 * entry (its title and answer), searched for themselves, with the snippet. */
void hl_fuzz_kb_tokens(const uint8_t *data, size_t size);

#endif
