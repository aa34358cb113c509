/*
 * The user command: people's accounts, for an admin (an admin token): user add, disable,
 * enable, passwd (POST /v1/users, /v1/users/LOGIN/{disable,enable,password}) and user list
 * (GET /v1/users) as a table. A password comes from --password or, better (a command
 * line is visible to every user of the machine), from the first line of standard input
 * (from a terminal: prompted, not echoed).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "table.h"

#define PLAIN (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define PASSWORD_MAX 1024

static const struct hlc_opt user_opts[] = {
	{"name", HLC_VALUE, "TEXT", "add: the display name (required)", HLC_STRING,
	 "display_name"},
	{"role", HLC_VALUE, "ROLE", "add: agent, supervisor, admin or dept:CODE (required)",
	 HLC_STRING, "role"},
	{"password", HLC_VALUE, "TEXT", "add, passwd: the password (else the first line of "
					"standard input)",
	 HLC_NOWHERE, NULL},
	{"permanent", HLC_FLAG, NULL, "add, passwd: the person keeps this password (else it "
				      "must change at the first login)",
	 HLC_NOWHERE, NULL},
	{NULL, 0, NULL, NULL, 0, NULL},
};

/* The password of --password, else the first line of standard input, into buf; from a
 * terminal, after a prompt on standard error and without echoing it. Returns 0, or -1
 * (nothing there). */
static int read_password(const struct hlc_args *a, char *buf, size_t len)
{
	const char *given = hlc_arg(a, "password");
	struct termios was, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &was) == 0;
	char *got;
	size_t n;

	if (given) {
		snprintf(buf, len, "%s", given);
		return 0;
	}
	if (tty) {
		fputs("password: ", stderr);
		quiet = was;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	got = fgets(buf, (int)len, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &was);
		fputs("\n", stderr);
	}
	if (!got)
		return -1;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return n ? 0 : -1;
}

static int print_list(struct hlc_ctx *c)
{
	static const struct hlc_column cols[] = {
		{"LOGIN", 0, 0}, {"NAME", HLC_COL_SHRINK, 8}, {"ROLE", 0, 0},
		{"STATE", 0, 0}, {"PASSWORD", 0, 0},	      {"CREATED", 0, 0},
	};
	struct json_object *o, *users;
	struct hlc_table *t;
	int rc = hlc_get_rows(c, "/v1/users", "users", &o, &users);

	if (rc || !o)
		return rc;
	t = hlc_table_new(cols, 6);
	if (t && users) {
		for (size_t i = 0; i < json_object_array_length(users); i++) {
			struct json_object *u = json_object_array_get_idx(users, i), *v;
			char created[40] = "-";
			int disabled = json_object_object_get_ex(u, "disabled", &v) &&
				       json_object_get_boolean(v);
			int must = json_object_object_get_ex(u, "must_change_password", &v) &&
				   json_object_get_boolean(v);

			if (json_object_object_get_ex(u, "created_at", &v)) {
				time_t s = (time_t)(json_object_get_int64(v) / 1000);
				struct tm tm;

				if (localtime_r(&s, &tm))
					strftime(created, sizeof(created), "%Y-%m-%d %H:%M", &tm);
			}
			hlc_table_addv(t, hlc_str_or(u, "login", "?"), hlc_str_or(u, "display_name", ""),
				       hlc_str_or(u, "role", ""), disabled ? "disabled" : "active",
				       must ? "must change" : "set", created);
		}
	}
	if (t && hlc_table_rows(t) == 0)
		printf("no accounts\n");
	else if (t)
		hlc_table_print(t, stdout, c->width, 1);
	hlc_table_free(t);
	json_object_put(o);
	return HLC_EXIT_OK;
}

static int run_user(struct hlc_ctx *c, const struct hlc_command *cmd, const struct hlc_args *a)
{
	static const char *const shown[] = {"login", "display_name", "role", "disabled",
					     "must_change_password", NULL};
	const char *verb = a->npositional ? a->positional[0] : NULL;
	struct json_object *body = NULL, *o = NULL;
	char path[256], err[256], password[PASSWORD_MAX + 2], *login = NULL;
	struct hlc_response r;
	int rc;

	if (!verb)
		return hlc_usage_error(c, "which: add, disable, enable, passwd or list?");
	if (strcmp(verb, "list") == 0) {
		if (a->npositional > 1)
			return hlc_usage_error(c, "unexpected argument '%s'", a->positional[1]);
		return print_list(c);
	}
	if (strcmp(verb, "add") && strcmp(verb, "disable") && strcmp(verb, "enable") &&
	    strcmp(verb, "passwd"))
		return hlc_usage_error(c, "unknown '%s': add, disable, enable, passwd or list", verb);
	if (a->npositional != 2)
		return hlc_usage_error(c, "user %s takes one LOGIN", verb);
	body = json_object_new_object();
	if (strcmp(verb, "add") == 0 || strcmp(verb, "passwd") == 0) {
		if (strcmp(verb, "add") == 0 &&
		    (!hlc_arg(a, "name") || !hlc_arg(a, "role"))) {
			json_object_put(body);
			return hlc_usage_error(c, "user add needs --name and --role");
		}
		if (read_password(a, password, sizeof(password)) < 0) {
			json_object_put(body);
			return hlc_usage_error(c, "no password: give --password or a line on "
						  "standard input");
		}
		json_object_object_add(body, "password", json_object_new_string(password));
		json_object_object_add(body, "temporary",
				       json_object_new_boolean(!hlc_arg_given(a, "permanent")));
		memset(password, 0, sizeof(password));
	}
	if (strcmp(verb, "add") == 0) {
		json_object_object_add(body, "login", json_object_new_string(a->positional[1]));
		if (hlc_args_to_json(a, cmd->opts, body, err, sizeof(err)) < 0) {
			json_object_put(body);
			return hlc_usage_error(c, "%s", err);
		}
		snprintf(path, sizeof(path), "/v1/users");
	} else {
		login = hlc_escape(a->positional[1]);
		snprintf(path, sizeof(path), "/v1/users/%s/%s", login ? login : "",
			 strcmp(verb, "passwd") == 0 ? "password" : verb);
		free(login);
	}
	rc = hlc_call(c, "POST", path, json_object_to_json_string_ext(body, PLAIN), NULL, &r,
		      c->json ? NULL : &o);
	json_object_put(body);
	if (rc)
		return rc;
	return hlc_print_answer(c, &r, o, shown, NULL);
}

const struct hlc_command hlc_user_command = {
	"user", "add|disable|enable|passwd|list [LOGIN] [--name TEXT --role ROLE] "
		"[--password TEXT] [--permanent]",
	"people's accounts (an admin token)",
	"user add LOGIN --name TEXT --role ROLE: POST /v1/users; user passwd LOGIN: a new "
	"password (POST /v1/users/LOGIN/password), which ends the person's sessions; user "
	"disable LOGIN and user enable LOGIN (disabling ends them too); user list: GET "
	"/v1/users. A password is temporary (changed at the first login) unless --permanent.",
	user_opts, run_user, 0};
