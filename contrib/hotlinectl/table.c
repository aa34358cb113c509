/* Text tables in display columns; see table.h. */
#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "width.h"

#define GAP 2          /* spaces between columns */
#define DEFAULT_MIN 10 /* the narrowest a flexible column gets unless it says */
#define MAX_COLUMNS 32

struct hlc_table {
	const struct hlc_column *cols;
	size_t ncols;
	char **cells; /* nrows * ncols, each printable (hlc_printable) */
	size_t nrows, cap;
};

/* A growing string. On allocation failure it stops growing and remembers. */
struct sbuf {
	char *s;
	size_t len, cap;
	int failed;
};

static void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *grown;

		while (b->len + n + 1 > cap)
			cap *= 2;
		grown = realloc(b->s, cap);
		if (!grown) {
			b->failed = 1;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sbuf_spaces(struct sbuf *b, size_t n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		sbuf_add(b, spaces, k);
		n -= k;
	}
}

struct hlc_table *hlc_table_new(const struct hlc_column *cols, size_t ncols)
{
	struct hlc_table *t;

	if (ncols == 0 || ncols > MAX_COLUMNS)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t) {
		t->cols = cols;
		t->ncols = ncols;
	}
	return t;
}

int hlc_table_add(struct hlc_table *t, const char *const *cells)
{
	char **row;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **grown = realloc(t->cells, cap * t->ncols * sizeof(*grown));

		if (!grown)
			return -1;
		t->cells = grown;
		t->cap = cap;
	}
	row = t->cells + t->nrows * t->ncols;
	for (size_t c = 0; c < t->ncols; c++) {
		row[c] = hlc_printable(cells[c] ? cells[c] : "", t->cols[c].flags & HLC_COL_WRAP);
		if (!row[c]) {
			while (c-- > 0)
				free(row[c]);
			return -1;
		}
	}
	t->nrows++;
	return 0;
}

int hlc_table_addv(struct hlc_table *t, ...)
{
	const char *cells[MAX_COLUMNS];
	va_list ap;

	va_start(ap, t);
	for (size_t c = 0; c < t->ncols; c++)
		cells[c] = va_arg(ap, const char *);
	va_end(ap);
	return hlc_table_add(t, cells);
}

size_t hlc_table_rows(const struct hlc_table *t)
{
	return t->nrows;
}

/* The widest line of s (lines end at newlines). */
static size_t widest_line(const char *s)
{
	size_t widest = 0;

	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		size_t w = hlc_width_n(s, len);

		if (w > widest)
			widest = w;
		if (!nl)
			return widest;
		s = nl + 1;
	}
}

/* The text of line `line` of a cell as laid out in a column `width` wide: the bytes from
 * *start_r, *len_r of them. Returns 0 when the cell has no such line (an empty cell has
 * one empty line). */
static int cell_line(const char *cell, int flags, size_t width, size_t line, size_t *start_r,
		     size_t *len_r)
{
	size_t at = 0;

	if (!(flags & HLC_COL_WRAP) || cell[0] == '\0') {
		*start_r = 0;
		*len_r = strlen(cell);
		return line == 0;
	}
	for (size_t i = 0; cell[at] != '\0'; i++) {
		size_t skip, n = hlc_wrap_next(cell + at, width, &skip);

		if (i == line) {
			*start_r = at;
			*len_r = n;
			return 1;
		}
		at += n + skip;
	}
	return 0;
}

static size_t cell_height(const char *cell, int flags, size_t width)
{
	size_t h = 1, s, l;

	while (cell_line(cell, flags, width, h, &s, &l))
		h++;
	return h;
}

/* Appends one physical line of a row: the given line of each cell, padded to its
 * column; the line's trailing spaces are dropped. Header cells break at newlines only. */
static void emit_line(struct sbuf *b, const struct hlc_table *t, const char *const *cells,
		      const size_t *widths, size_t line, int header)
{
	size_t mark = b->len;

	for (size_t c = 0; c < t->ncols; c++) {
		int flags = header ? (t->cols[c].flags & HLC_COL_RIGHT) | HLC_COL_WRAP
				   : t->cols[c].flags;
		size_t start = 0, len = 0;
		char *piece, *fitted;

		if (c > 0)
			sbuf_spaces(b, GAP);
		if (!cell_line(cells[c], flags, header ? (size_t)-1 : widths[c], line, &start,
			       &len))
			len = 0;
		piece = strndup(cells[c] + start, len);
		fitted = piece ? hlc_fit(piece, widths[c],
					 (flags & HLC_COL_RIGHT ? HLC_FIT_RIGHT : 0) | HLC_FIT_CUT)
			       : NULL;
		free(piece);
		if (!fitted) {
			b->failed = 1;
			return;
		}
		sbuf_add(b, fitted, strlen(fitted));
		free(fitted);
	}
	while (!b->failed && b->len > mark && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
	sbuf_add(b, "\n", 1);
}

static void emit_row(struct sbuf *b, const struct hlc_table *t, const char *const *cells,
		     const size_t *widths, int header)
{
	size_t height = 1;

	for (size_t c = 0; c < t->ncols; c++) {
		int flags = header ? HLC_COL_WRAP : t->cols[c].flags;
		size_t h = cell_height(cells[c], flags, header ? (size_t)-1 : widths[c]);

		if (h > height)
			height = h;
	}
	for (size_t line = 0; line < height; line++)
		emit_line(b, t, cells, widths, line, header);
}

static size_t min_of(const struct hlc_column *col)
{
	return col->min ? col->min : DEFAULT_MIN;
}

/* Narrows the flexible columns until the table fits or none can give: the wrapping ones
 * first (folding loses nothing), widest first, then the ones that are cut. */
static void fit_widths(const struct hlc_table *t, size_t *widths, size_t max_width)
{
	size_t total = GAP * (t->ncols - 1);

	for (size_t c = 0; c < t->ncols; c++)
		total += widths[c];
	for (int pass = 0; pass < 2 && total > max_width; pass++) {
		int kind = pass == 0 ? HLC_COL_WRAP : HLC_COL_SHRINK;

		while (total > max_width) {
			size_t best = t->ncols;

			for (size_t c = 0; c < t->ncols; c++) {
				if ((t->cols[c].flags & kind) && widths[c] > min_of(&t->cols[c]) &&
				    (best == t->ncols || widths[c] > widths[best]))
					best = c;
			}
			if (best == t->ncols)
				break;
			widths[best]--;
			total--;
		}
	}
}

char *hlc_table_render(const struct hlc_table *t, size_t max_width, int show_header)
{
	size_t widths[MAX_COLUMNS] = {0};
	const char *headers[MAX_COLUMNS];
	char *clean[MAX_COLUMNS] = {0};
	struct sbuf b = {0};
	int any_header = 0;

	for (size_t c = 0; c < t->ncols; c++) {
		clean[c] = hlc_printable(t->cols[c].header ? t->cols[c].header : "", 1);
		if (!clean[c])
			goto out;
		headers[c] = clean[c];
		any_header |= clean[c][0] != '\0';
	}
	show_header = show_header && any_header;
	for (size_t c = 0; c < t->ncols; c++) {
		if (show_header)
			widths[c] = widest_line(headers[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = widest_line(t->cells[r * t->ncols + c]);

			if (w > widths[c])
				widths[c] = w;
		}
	}
	if (max_width)
		fit_widths(t, widths, max_width);
	sbuf_add(&b, "", 0);
	if (show_header)
		emit_row(&b, t, headers, widths, 1);
	for (size_t r = 0; r < t->nrows; r++)
		emit_row(&b, t, (const char *const *)t->cells + r * t->ncols, widths, 0);
out:
	for (size_t c = 0; c < t->ncols; c++)
		free(clean[c]);
	if (b.failed || !b.s) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

int hlc_table_print(const struct hlc_table *t, FILE *out, size_t max_width, int show_header)
{
	char *text = hlc_table_render(t, max_width, show_header);

	if (!text)
		return -1;
	fputs(text, out);
	free(text);
	return 0;
}

void hlc_table_free(struct hlc_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
