/* libFuzzer harness: the knowledge base's search tokenizer, query, index and snippet
 * (core/tickets/kb_tokens.c, kb_index.c). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hl_fuzz_kb_tokens(data, size);
	return 0;
}
