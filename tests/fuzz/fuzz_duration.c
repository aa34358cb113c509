/* libFuzzer harness: durations as policies write them (core/base/duration.c). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hl_fuzz_duration(data, size);
	return 0;
}
