/*
 * The knowledge base's search at scale (issue 17; `make bench-kb`, contrib/bench/kb.sh):
 * the shipped set (routes/kb/, or the stand-in tests/data/kb-fixture/ while it is not
 * there) replicated into N entries (default 10,000) with variations, each copy a new id,
 * a district named in its title, its answer's lines turned round and a serial number in
 * it, so that copies are not the same document; put into the index the daemon uses
 * (core/tickets/kb_index.c); then every labelled question (tests/data/kb-questions.jsonl,
 * or the stand-in's) searched again and again, as the endpoint does: the query parsed,
 * the best 10 ranked and each one's snippet made. Prints key=value lines:
 *   entries=N build_ms=... heap_bytes=... bytes_per_entry=... searches=... p50_us=...
 *   p90_us=... p99_us=... max_us=... (wall clock), cpu_p50_us=... cpu_p99_us=... (the
 *   thread's CPU time: the same without the time the machine gave to others), and
 *   rank_cpu_* (parse and rank alone, without the snippets)
 * Memory is the heap the index took (glibc's mallinfo2, before and after the build).
 *
 * Usage: kb_bench KB_DIR QUESTIONS.jsonl [N] [SECONDS]
 */
#include <json-c/json.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tickets/kb_index.h"
#include "tickets/kb_yaml.h"

static const char *const districts[] = {"江岸", "江汉", "硚口", "汉阳", "武昌", "青山", "洪山",
					"东西湖", "蔡甸", "江夏", "黄陂", "新洲", "汉南"};

static double clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double now_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

/* The CPU this thread has used: what a search costs whatever else the machine runs. */
static double cpu_us(void)
{
	return clock_us(CLOCK_THREAD_CPUTIME_ID);
}

static const char *text(struct json_object *e, const char *key)
{
	struct json_object *v = json_object_object_get(e, key);

	return v ? json_object_get_string(v) : "";
}

/* The answer's lines turned round by `by`, with the copy's number in its last line. */
static char *vary_answer(const char *answer, size_t by, size_t copy)
{
	const char *lines[256];
	size_t n = 0, len = strlen(answer) + 64;
	char *out = malloc(len), *dup = strdup(answer), *save = NULL;

	if (!out || !dup)
		exit(1);
	for (char *l = strtok_r(dup, "\n", &save); l && n < 256; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(out, lines[(i + by) % n]);
		strcat(out, "\n");
	}
	snprintf(out + strlen(out), len - strlen(out), "（编号%zu）", copy);
	free(dup);
	return out;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct json_object *all;
	struct hl_kb_index *idx;
	char **questions = NULL;
	size_t nq = 0, target = argc > 3 ? strtoul(argv[3], NULL, 10) : 10000, put = 0;
	double seconds = argc > 4 ? atof(argv[4]) : 3, t0, *lat, *cpu, *rank;
	size_t nlat = 0, caplat = 1 << 20;
	struct mallinfo2 before, after;
	char line[4096], err[512];
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: kb_bench KB_DIR QUESTIONS.jsonl [N] [SECONDS]\n");
		return 2;
	}
	if (hl_kb_yaml_read_path(argv[1], &all, err, sizeof(err)) < 0) {
		fprintf(stderr, "kb_bench: %s\n", err);
		return 1;
	}
	if (!(f = fopen(argv[2], "r"))) {
		fprintf(stderr, "kb_bench: %s: cannot read\n", argv[2]);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct json_object *o = json_tokener_parse(line);

		if (o && *text(o, "q")) {
			questions = realloc(questions, (nq + 1) * sizeof(*questions));
			questions[nq++] = strdup(text(o, "q"));
		}
		json_object_put(o);
	}
	fclose(f);

	before = mallinfo2();
	t0 = now_us();
	idx = hl_kb_index_new();
	for (size_t copy = 0; put < target; copy++) {
		for (size_t k = 0; k < json_object_array_length(all) && put < target; k++, put++) {
			struct json_object *e = json_object_array_get_idx(all, k);
			char id[128], title[512];
			char *qs = hl_kb_yaml_joined(e, "questions", '\n');
			char *tags = hl_kb_yaml_joined(e, "tags", ' ');
			char *answer = copy ? vary_answer(text(e, "answer"), copy, copy)
					    : strdup(text(e, "answer"));
			struct hl_kb_doc_fields fd = {id, title, text(e, "unit"), qs, tags, answer,
						      text(e, "effective_until"), 1};

			snprintf(id, sizeof(id), "%s-%zu", text(e, "id"), copy);
			if (copy)
				snprintf(title, sizeof(title), "%s（%s区）", text(e, "title"),
					 districts[copy % (sizeof(districts) / sizeof(districts[0]))]);
			else
				snprintf(title, sizeof(title), "%s", text(e, "title"));
			if (hl_kb_index_put(idx, &fd) != 1) {
				fprintf(stderr, "kb_bench: put %s failed\n", id);
				return 1;
			}
			free(qs);
			free(tags);
			free(answer);
		}
	}
	after = mallinfo2();
	printf("entries=%zu source_entries=%zu build_ms=%.0f heap_bytes=%zu bytes_per_entry=%.0f\n",
	       hl_kb_index_size(idx), json_object_array_length(all), (now_us() - t0) / 1000,
	       after.uordblks - before.uordblks,
	       (double)(after.uordblks - before.uordblks) / hl_kb_index_size(idx));

	lat = malloc(caplat * sizeof(*lat));
	cpu = malloc(caplat * sizeof(*cpu));
	rank = malloc(caplat * sizeof(*rank));
	t0 = now_us();
	while (now_us() - t0 < seconds * 1e6 && nlat < caplat) {
		for (size_t i = 0; i < nq && nlat < caplat; i++) {
			struct hl_kb_query q;
			struct hl_kb_hit hits[10];
			double s = now_us(), c = cpu_us();
			int got;

			hl_kb_query_parse(questions[i], strlen(questions[i]), &q);
			got = hl_kb_index_search(idx, &q, "2026-12-06", 0, hits, 10);
			rank[nlat] = cpu_us() - c;
			for (int h = 0; h < got; h++) {
				struct hl_kb_snippet sn;

				hl_kb_snippet(hits[h].doc, &q, &sn);
			}
			cpu[nlat] = cpu_us() - c;
			lat[nlat++] = now_us() - s;
		}
	}
	qsort(lat, nlat, sizeof(*lat), cmp_double);
	qsort(cpu, nlat, sizeof(*cpu), cmp_double);
	qsort(rank, nlat, sizeof(*rank), cmp_double);
	printf("searches=%zu questions=%zu p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f\n", nlat,
	       nq, lat[nlat / 2], lat[nlat * 9 / 10], lat[nlat * 99 / 100], lat[nlat - 1]);
	printf("cpu_p50_us=%.0f cpu_p90_us=%.0f cpu_p99_us=%.0f cpu_max_us=%.0f rank_cpu_p50_us=%.0f "
	       "rank_cpu_p99_us=%.0f\n",
	       cpu[nlat / 2], cpu[nlat * 9 / 10], cpu[nlat * 99 / 100], cpu[nlat - 1], rank[nlat / 2],
	       rank[nlat * 99 / 100]);
	hl_kb_index_free(idx);
	json_object_put(all);
	for (size_t i = 0; i < nq; i++)
		free(questions[i]);
	free(questions);
	free(lat);
	free(cpu);
	free(rank);
	return 0;
}
