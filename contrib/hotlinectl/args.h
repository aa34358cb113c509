/*
 * Command-line options: each command declares a table of the options it takes, which
 * also says where an option's value goes (a member of the request's JSON body or a query
 * parameter), so that most commands need no code of their own to build a request. Long
 * options only, as --name VALUE or --name=VALUE; "--" ends the options. The global
 * options (--url, --token, --json, --timeout, --help) are accepted before or after the
 * command's name.
 */
#ifndef HLC_ARGS_H
#define HLC_ARGS_H

#include <stddef.h>
#include <stdio.h>

struct json_object;

enum hlc_opt_kind {
	HLC_FLAG,  /* no value */
	HLC_VALUE, /* one value; given again, the last one counts */
	HLC_LIST,  /* may be given again; every value is kept */
};

/* How an option's value goes into the request, when it does. */
enum hlc_into {
	HLC_NOWHERE,     /* the command reads it itself */
	HLC_STRING,      /* a string member */
	HLC_NUMBER,      /* a number member (a value that is not a number is refused) */
	HLC_TRUE,        /* a flag: the member is true (query: "true") */
	HLC_ARRAY,       /* each value one string of an array */
	HLC_COMMA_ARRAY, /* values split at commas into one array */
};

struct hlc_opt {
	const char *name; /* without the dashes */
	enum hlc_opt_kind kind;
	const char *metavar; /* shown in help: --name METAVAR */
	const char *help;
	enum hlc_into into;
	const char *member; /* body member ("a.b" nests) or query parameter */
};

#define HLC_MAX_OPTS 48
#define HLC_MAX_POSITIONAL 64 /* kb import takes the shipped set file by file */

struct hlc_args {
	const struct hlc_opt *opts[HLC_MAX_OPTS]; /* every option known to this parse */
	size_t nopts;
	const char **values[HLC_MAX_OPTS]; /* per option, the values given (argv strings) */
	size_t nvalues[HLC_MAX_OPTS];
	const char *positional[HLC_MAX_POSITIONAL];
	size_t npositional;
};

/* Parses argv[0..argc) against the options of the NULL-terminated list of tables
 * (each table ends with a {NULL} entry). Arguments that are not options are collected as
 * positional ones. Returns 0, or -1 after writing why to err. Release with
 * hlc_args_free. The strings stay argv's. */
int hlc_args_parse(struct hlc_args *a, int argc, char **argv,
		   const struct hlc_opt *const *tables, char *err, size_t errlen);
void hlc_args_free(struct hlc_args *a);

/* The last value given for an option, or NULL when it was not given (a flag gives ""). */
const char *hlc_arg(const struct hlc_args *a, const char *name);
/* Was the option given? */
int hlc_arg_given(const struct hlc_args *a, const char *name);
/* Every value given for an option; the count is the return value. */
size_t hlc_arg_values(const struct hlc_args *a, const char *name, const char *const **values_r);

/* Sets into `body` the members of the options of `table` that were given (those whose
 * `into` is not HLC_NOWHERE), replacing members already there. Returns 0, or -1 with
 * the reason in err (a number that is not one). */
int hlc_args_to_json(const struct hlc_args *a, const struct hlc_opt *table,
		     struct json_object *body, char *err, size_t errlen);
/* Appends to url (a NUL-terminated path in a buffer of cap bytes) the parameters of the
 * options of `table` that were given, escaped, each after '?' or '&' as needed. Returns
 * 0, or -1 when they do not fit or memory ran out. */
int hlc_args_to_query(const struct hlc_args *a, const struct hlc_opt *table, char *url,
		      size_t cap);
/* Appends one parameter the same way. */
int hlc_query_add(char *url, size_t cap, const char *name, const char *value);

/* Writes the options of a table as help text, one per line, aligned. */
void hlc_args_help(FILE *out, const struct hlc_opt *table);

#endif
