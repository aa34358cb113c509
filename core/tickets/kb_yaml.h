/*
 * The knowledge base's files (政策通, issue 17; the shipped set is routes/kb/, a file per area; its
 * format in the contract): `entries:`, a list of entries, each a map of id, title,
 * questions (a list), answer, unit, tags (a list), source, effective_from,
 * effective_until, reviewed_at. Read into the bodies POST /v1/kb/entries takes, and
 * written back from the entries GET gives. The file's shape is checked here (known keys,
 * texts and lists of texts, every entry with an id, ids unique); what an entry must hold
 * the server checks (tickets/kb_input.h). Used by hotlinectl's kb import and export, the
 * relevance test and the search bench. Pure: json-c and the YAML reader (base/).
 */
#ifndef HL_KB_YAML_H
#define HL_KB_YAML_H

#include <stdio.h>

struct json_object;

/* Reads a file into *entries_r, a JSON array of entry bodies (the caller puts it), in the
 * file's order. Returns 0, or -1 with "file:line:column: reason" in err. */
int hl_kb_yaml_read(const char *path, struct json_object **entries_r, char *err,
		    size_t errlen);

/* Reads a file, or every .yaml file of a folder in the order of their names, into
 * *entries_r: one JSON array, the files' entries one after another. Returns 0, or -1 with
 * "file:line:column: reason" (or why the folder could not be read) in err. */
int hl_kb_yaml_read_path(const char *path, struct json_object **entries_r, char *err,
			 size_t errlen);

/* The texts of an entry's list (questions, tags) joined by sep, as a new string ("" when
 * the entry has none); NULL when out of memory. */
char *hl_kb_yaml_joined(struct json_object *entry, const char *key, char sep);

/* Writes entries (a JSON array of entries as GET /v1/kb/entries/{id} gives them; the
 * members the file has no place for, such as version, are left out) as a file that
 * hl_kb_yaml_read reads back the same. Returns 0, or -1 when writing failed. */
int hl_kb_yaml_write(FILE *out, struct json_object *entries);

#endif
