/* The server address and token from options, environment or file; see config.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
			   end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* The configuration file's path: $HOTLINE_CONFIG (required to exist), or the per-user
 * file (optional). Returns 0, or -1 when there is no home to look in. */
static int config_path(char *path, size_t len, int *required_r)
{
	const char *env = getenv("HOTLINE_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME"),
		   *home = getenv("HOME");

	*required_r = 0;
	if (env && *env) {
		*required_r = 1;
		snprintf(path, len, "%s", env);
	} else if (xdg && *xdg) {
		snprintf(path, len, "%s/hotline/hotlinectl.conf", xdg);
	} else if (home && *home) {
		snprintf(path, len, "%s/.config/hotline/hotlinectl.conf", home);
	} else {
		return -1;
	}
	return 0;
}

/* Reads the file's url and token into c where c has none yet from a stronger source. */
static int read_file(struct hlc_config *c, const char *path, int required, int want_url,
		     int want_token, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;
	struct stat st;

	if (!f) {
		if (errno == ENOENT && !required)
			return 0;
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 required ? " (named by HOTLINE_CONFIG)" : "");
		return -1;
	}
	snprintf(c->file, sizeof(c->file), "%s", path);
	while (fgets(line, sizeof(line), f)) {
		char *key, *value, *eq;
		size_t n;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line too long", path, lineno);
			goto fail;
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected 'url = ...' or 'token = ...'", path,
				 lineno);
			goto fail;
		}
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		n = strlen(value);
		if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
			value[n - 1] = '\0';
			value++;
		}
		if (strcmp(key, "url") == 0) {
			if (want_url) {
				snprintf(c->url, sizeof(c->url), "%s", value);
				snprintf(c->url_from, sizeof(c->url_from), "%s:%d", path, lineno);
			}
		} else if (strcmp(key, "token") == 0) {
			if (want_token) {
				snprintf(c->token, sizeof(c->token), "%s", value);
				snprintf(c->token_from, sizeof(c->token_from), "%s:%d", path, lineno);
			}
			if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
				c->file_too_open = 1;
		} else {
			snprintf(err, errlen, "%s:%d: unknown key '%s' (known: url, token)", path,
				 lineno, key);
			goto fail;
		}
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

int hlc_config_load(struct hlc_config *c, const char *opt_url, const char *opt_token,
		    char *err, size_t errlen)
{
	const char *env_url = getenv("HOTLINE_URL"), *env_token = getenv("HOTLINE_TOKEN");
	char path[512];
	int required;

	memset(c, 0, sizeof(*c));
	if (opt_url) {
		snprintf(c->url, sizeof(c->url), "%s", opt_url);
		snprintf(c->url_from, sizeof(c->url_from), "--url");
	} else if (env_url && *env_url) {
		snprintf(c->url, sizeof(c->url), "%s", env_url);
		snprintf(c->url_from, sizeof(c->url_from), "HOTLINE_URL");
	}
	if (opt_token) {
		snprintf(c->token, sizeof(c->token), "%s", opt_token);
		snprintf(c->token_from, sizeof(c->token_from), "--token");
	} else if (env_token && *env_token) {
		snprintf(c->token, sizeof(c->token), "%s", env_token);
		snprintf(c->token_from, sizeof(c->token_from), "HOTLINE_TOKEN");
	}
	/* The file is read even when both are set, so that a broken one is noticed. */
	if (config_path(path, sizeof(path), &required) == 0 &&
	    read_file(c, path, required, !c->url_from[0], !c->token_from[0], err, errlen) < 0)
		return -1;
	if (!c->url_from[0]) {
		snprintf(c->url, sizeof(c->url), "%s", HLC_DEFAULT_URL);
		snprintf(c->url_from, sizeof(c->url_from), "default");
	}
	return 0;
}
