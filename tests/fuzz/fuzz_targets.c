/* The fuzz targets; see fuzz_targets.h. Besides not crashing, each checks what its parser
 * promises, and aborts when a promise is broken: a refusal always says why (the input's
 * field, the file:line:column), an accepted input is well formed. */
#include "fuzz_targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "duration.h"
#include "routes.h"
#include "ticket_input.h"
#include "yaml_tree.h"

void hl_fuzz_ticket_input(const uint8_t *data, size_t size)
{
	static struct hl_routes *routes;
	struct hl_ticket_input in;
	struct hl_input_error e;

	if (!routes) {
		char err[512];

		if (hl_routes_load(HL_SOURCE_DIR "/routes", &routes, err, sizeof(err)) < 0)
			abort();
	}
	memset(&e, 0, sizeof(e));
	if (hl_ticket_input_parse((const char *)data, size, routes, &in, &e) < 0) {
		if (!e.message[0])
			abort(); /* a 400 says what was wrong (field "" is the body as a whole) */
	} else {
		for (size_t i = 0; i < in.nfields; i++)
			if (!in.fields[i].name || !in.fields[i].value)
				abort();
	}
	hl_ticket_input_free(&in);
}

void hl_fuzz_config(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/hotline-fuzz-config-XXXXXX", err[1024];
	struct hl_config *cfg = NULL;
	int fd = mkstemp(path);

	if (fd < 0)
		return;
	err[0] = '\0';
	if (write(fd, data, size) == (ssize_t)size) {
		if (hl_config_load(path, &cfg, err, sizeof(err)) == 0)
			hl_config_free(cfg);
		else if (strncmp(err, path, strlen(path)) != 0)
			abort(); /* every configuration error starts with the file's name */
	}
	close(fd);
	unlink(path);
}

void hl_fuzz_duration(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[160];
	struct hl_duration d;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (hl_duration_parse(text, &d, err, sizeof(err)) < 0 && !err[0])
		abort(); /* a refusal says why */
	free(text);
}
