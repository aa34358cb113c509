/*
 * hotlinectl: the command-line client of hotlined's HTTP API, for agents, dispatchers
 * and supervisors. This file finds the command, reads the global options and the
 * configuration (config.h), prints help, and runs the command (commands.h).
 *
 *   hotlinectl [--url URL] [--token TOKEN] [--json] COMMAND [ARGS]
 */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../../core/base/version.h" /* hotlinectl is versioned with hotlined */
#include "commands.h"

static const struct hlc_opt global_opts[] = {
	{"url", HLC_VALUE, "URL", "the server (else HOTLINE_URL, the file, " HLC_DEFAULT_URL ")",
	 HLC_NOWHERE, NULL},
	{"token", HLC_VALUE, "TOKEN", "the API token (else HOTLINE_TOKEN, the file)",
	 HLC_NOWHERE, NULL},
	{"json", HLC_FLAG, NULL, "print the server's JSON as it came, for scripts", HLC_NOWHERE,
	 NULL},
	{"timeout", HLC_VALUE, "SECONDS", "how long to wait for an answer (default 30)",
	 HLC_NOWHERE, NULL},
	{"help", HLC_FLAG, NULL, "this help, or a command's", HLC_NOWHERE, NULL},
	{"version", HLC_FLAG, NULL, "the version", HLC_NOWHERE, NULL},
	{NULL, 0, NULL, NULL, 0, NULL},
};

static const struct hlc_command *find_command(const char *name)
{
	const struct hlc_command *lists[] = {hlc_ticket_commands, hlc_supervision_commands,
					     hlc_tool_commands};

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		for (const struct hlc_command *c = lists[l]; c->name; c++) {
			if (strcmp(c->name, name) == 0)
				return c;
		}
	}
	if (strcmp(name, hlc_user_command.name) == 0)
		return &hlc_user_command;
	if (strcmp(name, hlc_kb_command.name) == 0)
		return &hlc_kb_command;
	return strcmp(name, hlc_tail_command.name) == 0 ? &hlc_tail_command : NULL;
}

static void list_commands(FILE *out, const struct hlc_command *list)
{
	for (const struct hlc_command *c = list; c->name; c++)
		fprintf(out, "  %-18s %s\n", c->name, c->summary);
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: hotlinectl [--url URL] [--token TOKEN] [--json] COMMAND [ARGS]\n"
		"The command-line client of hotlined, the 12345 hotline's ticket router.\n"
		"\n"
		"Tickets:\n");
	list_commands(out, hlc_ticket_commands);
	fprintf(out, "\nSupervision (督办, 问责):\n");
	list_commands(out, hlc_supervision_commands);
	fprintf(out, "\nOther:\n");
	list_commands(out, hlc_tool_commands);
	fprintf(out, "  %-18s %s\n", hlc_tail_command.name, hlc_tail_command.summary);
	fprintf(out, "  %-18s %s\n", hlc_user_command.name, hlc_user_command.summary);
	fprintf(out, "  %-18s %s\n", hlc_kb_command.name, hlc_kb_command.summary);
	fprintf(out, "\nOptions (before or after the command):\n");
	hlc_args_help(out, global_opts);
	fprintf(out,
		"\n"
		"The URL and token come from --url/--token, else HOTLINE_URL/HOTLINE_TOKEN, else\n"
		"the configuration file: $HOTLINE_CONFIG, or ~/.config/hotline/hotlinectl.conf,\n"
		"with lines 'url = http://127.0.0.1:12345' and 'token = ...' (keep it mode 0600).\n"
		"Tables are fitted to the terminal (or to $COLUMNS); Chinese text takes two\n"
		"columns a character.\n"
		"\n"
		"Exit status: 0 done; 1 the server refused (its status, error and field are\n"
		"printed); 2 bad command line or configuration; 3 no answer from the server.\n"
		"\n"
		"'hotlinectl COMMAND --help' tells more about a command.\n");
}

static void command_help(FILE *out, const struct hlc_command *cmd)
{
	fprintf(out, "Usage: hotlinectl %s %s\n%c%s.\n", cmd->name, cmd->synopsis,
		cmd->summary[0] >= 'a' && cmd->summary[0] <= 'z' ? cmd->summary[0] - 'a' + 'A'
								 : cmd->summary[0],
		cmd->summary + 1);
	if (cmd->help) {
		/* folded at spaces to 88 columns; the texts are ASCII but for a few terms */
		const char *p = cmd->help;

		fputc('\n', out);
		while (*p) {
			size_t len = strlen(p), cut = len;

			if (len > 88) {
				cut = 88;
				while (cut > 0 && p[cut] != ' ')
					cut--;
				if (cut == 0)
					cut = 88;
			}
			fprintf(out, "%.*s\n", (int)cut, p);
			p += cut;
			while (*p == ' ')
				p++;
		}
	}
	if (cmd->opts && cmd->opts[0].name) {
		fprintf(out, "\nOptions:\n");
		hlc_args_help(out, cmd->opts);
	}
	fprintf(out, "\nGlobal options (see hotlinectl --help):\n");
	hlc_args_help(out, global_opts);
}

/* Columns tables may use: the terminal's, else $COLUMNS, else no limit. */
static size_t output_width(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (env && atoi(env) > 0)
		return (size_t)atoi(env);
	return 0;
}

/* Finds the command: the first argument that is not an option or an option's value. */
static int command_index(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--") == 0)
			return i + 1 < argc ? i + 1 : -1;
		if (arg[0] != '-')
			return i;
		if ((strcmp(arg, "--url") == 0 || strcmp(arg, "--token") == 0 ||
		     strcmp(arg, "--timeout") == 0) &&
		    i + 1 < argc)
			i++;
	}
	return -1;
}

/* Does the command take a --version of its own (an entry's version), not the program's? */
static int own_version(const struct hlc_command *cmd)
{
	for (const struct hlc_opt *o = cmd->opts; o && o->name; o++)
		if (strcmp(o->name, "version") == 0)
			return 1;
	return 0;
}

static int run(int argc, char **argv)
{
	const struct hlc_opt *tables[3] = {global_opts, NULL, NULL};
	const struct hlc_command *cmd = NULL;
	struct hlc_ctx c = {0};
	struct hlc_args a;
	char err[1024];
	int at = command_index(argc, argv), rc;
	const char *timeout;

	if (at > 0) {
		if (strcmp(argv[at], "help") == 0) { /* hotlinectl help [COMMAND] */
			cmd = at + 1 < argc ? find_command(argv[at + 1]) : NULL;
			if (cmd)
				command_help(stdout, cmd);
			else
				usage(stdout);
			return at + 1 < argc && !cmd ? HLC_EXIT_USAGE : HLC_EXIT_OK;
		}
		cmd = find_command(argv[at]);
		if (!cmd) {
			fprintf(stderr, "hotlinectl: unknown command '%s'\nTry 'hotlinectl --help'.\n",
				argv[at]);
			return HLC_EXIT_USAGE;
		}
		c.command = cmd->name;
		tables[1] = cmd->opts;
		if (own_version(cmd)) { /* kb show --version N: the command's option wins */
			tables[0] = cmd->opts;
			tables[1] = global_opts;
		}
		/* the command's own name is not an argument */
		memmove(&argv[at], &argv[at + 1], (size_t)(argc - at - 1) * sizeof(*argv));
		argc--;
	}
	if (hlc_args_parse(&a, argc - 1, argv + 1, tables, err, sizeof(err)) < 0)
		return hlc_usage_error(&c, "%s", err);
	if (hlc_arg_given(&a, "version") && !(cmd && own_version(cmd))) {
		printf("hotlinectl %s\n", HL_VERSION);
		rc = HLC_EXIT_OK;
		goto out;
	}
	if (hlc_arg_given(&a, "help") || !cmd) {
		if (cmd)
			command_help(stdout, cmd);
		else
			usage(cmd || hlc_arg_given(&a, "help") ? stdout : stderr);
		rc = hlc_arg_given(&a, "help") ? HLC_EXIT_OK : HLC_EXIT_USAGE;
		goto out;
	}
	c.json = hlc_arg_given(&a, "json");
	c.width = output_width();
	timeout = hlc_arg(&a, "timeout");
	if (timeout && atoi(timeout) <= 0) {
		rc = hlc_usage_error(&c, "--timeout: expected whole seconds, got '%s'", timeout);
		goto out;
	}
	if (hlc_config_load(&c.config, hlc_arg(&a, "url"), hlc_arg(&a, "token"), err,
			    sizeof(err)) < 0) {
		hlc_error(&c, "%s", err);
		rc = HLC_EXIT_USAGE;
		goto out;
	}
	if (c.config.file_too_open)
		hlc_error(&c, "warning: %s holds a token and others may read it (chmod 600 it)",
			  c.config.file);
	if (!cmd->offline && hlc_http_open(&c.http, c.config.url, c.config.token,
					   timeout ? atoi(timeout) : 30, err, sizeof(err)) < 0) {
		hlc_error(&c, "%s (from %s)", err, c.config.url_from);
		rc = HLC_EXIT_USAGE;
		goto out;
	}
	rc = cmd->run(&c, cmd, &a);
	hlc_http_close(&c.http);
out:
	hlc_args_free(&a);
	return rc;
}

int main(int argc, char **argv)
{
	int rc;

	signal(SIGPIPE, SIG_IGN);
	rc = run(argc, argv);
	if (fflush(stdout) != 0 && rc == HLC_EXIT_OK)
		rc = HLC_EXIT_UNREACHABLE;
	libevent_global_shutdown();
	return rc;
}
