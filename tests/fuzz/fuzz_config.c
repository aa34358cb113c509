/* libFuzzer harness: hotlined.yaml as the daemon loads it (core/config/config.c over the YAML
 * reader of core/base/yaml_tree.c): accepted, or refused with file:line:column. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hl_fuzz_config(data, size);
	return 0;
}
