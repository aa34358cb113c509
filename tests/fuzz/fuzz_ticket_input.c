/* libFuzzer harness: the JSON body of POST /v1/tickets (core/tickets/ticket_input.c). Any input
 * must be accepted or refused with a reason, never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hl_fuzz_ticket_input(data, size);
	return 0;
}
