/*
 * Text tables measured in display columns (width.h), so that Chinese and Latin text line
 * up. Columns are separated by two spaces; no line ends in spaces. When the table is
 * wider than the room given, the columns marked to shrink are cut (ending in "...") and
 * those marked to wrap are folded onto more lines, widest first, down to their minimum.
 * A newline in a header or in a wrapping cell starts a new line; other control
 * characters print as spaces.
 */
#ifndef HLC_TABLE_H
#define HLC_TABLE_H

#include <stddef.h>
#include <stdio.h>

enum {
	HLC_COL_RIGHT = 1,  /* right-aligned (numbers) */
	HLC_COL_SHRINK = 2, /* may be cut to fit */
	HLC_COL_WRAP = 4,   /* may be folded onto more lines to fit */
};

struct hlc_column {
	const char *header; /* NULL or "" for none; "\n" separates header lines */
	int flags;
	size_t min; /* the narrowest a shrinking or wrapping column gets; 0 means 10 */
};

struct hlc_table;

/* A table with these columns (borrowed: cols must outlive the table). NULL when out of
 * memory. */
struct hlc_table *hlc_table_new(const struct hlc_column *cols, size_t ncols);
/* Appends a row of ncols cells (copied; a NULL cell is empty). Returns 0, or -1 when out
 * of memory. */
int hlc_table_add(struct hlc_table *t, const char *const *cells);
/* Appends a row from cells given as arguments, ncols of them. */
int hlc_table_addv(struct hlc_table *t, ...);
size_t hlc_table_rows(const struct hlc_table *t);
/* The table as text, each line ending in "\n", fitted into max_width columns when that is
 * not 0 (as far as the columns' minimums allow); headers printed when show_header is
 * set and some column has one. The caller frees; NULL when out of memory. */
char *hlc_table_render(const struct hlc_table *t, size_t max_width, int show_header);
/* Renders and writes to out. Returns 0, or -1 when out of memory. */
int hlc_table_print(const struct hlc_table *t, FILE *out, size_t max_width, int show_header);
void hlc_table_free(struct hlc_table *t);

#endif
