/* libFuzzer harness: the files under routes/ (departments, SLA policies, the dispatch
 * catalogue, the district gazetteer) and a calendar year, as hotlined and the routing
 * plugins load them: accepted, or refused with file:line:column. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hl_fuzz_routes(data, size);
	return 0;
}
