/* Replays every fuzz corpus file and every kept crash input (tests/fuzz/corpus/<target>/,
 * tests/fuzz/crashes/<target>/) through the fuzz targets, in the gcc build and under
 * ASan+UBSan: a fixed crash stays fixed. `make fuzz` finds new ones. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_targets.h"

/* Runs fn on every file of dir; returns how many there were. */
static int replay(const char *dir, void (*fn)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[1024];
		FILE *f;
		uint8_t *buf;
		long size;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(f = fopen(path, "rb")))
			continue;
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		buf = malloc(size > 0 ? (size_t)size : 1);
		cr_assert_not_null(buf);
		cr_assert_eq(fread(buf, 1, (size_t)size, f), (size_t)size, "%s", path);
		fclose(f);
		fn(buf, (size_t)size);
		free(buf);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void replay_target(const char *target, void (*fn)(const uint8_t *, size_t))
{
	char dir[512];

	snprintf(dir, sizeof(dir), HL_SOURCE_DIR "/tests/fuzz/corpus/%s", target);
	cr_expect_gt(replay(dir, fn), 0, "no seed corpus for %s", target);
	snprintf(dir, sizeof(dir), HL_SOURCE_DIR "/tests/fuzz/crashes/%s", target);
	replay(dir, fn);
}

Test(fuzz_corpus, ticket_input)
{
	replay_target("ticket_input", hl_fuzz_ticket_input);
}

Test(fuzz_corpus, config)
{
	replay_target("config", hl_fuzz_config);
}

Test(fuzz_corpus, duration)
{
	replay_target("duration", hl_fuzz_duration);
}

Test(fuzz_corpus, kb_tokens)
{
	replay_target("kb_tokens", hl_fuzz_kb_tokens);
}

Test(fuzz_corpus, routes)
{
	replay_target("routes", hl_fuzz_routes);
}
