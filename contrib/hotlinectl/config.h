/*
 * Where hotlinectl finds its server and token. Each setting comes from the first of:
 * the option (--url, --token), the environment (HOTLINE_URL, HOTLINE_TOKEN), the
 * configuration file, and (the URL only) the default http://127.0.0.1:12345.
 *
 * The configuration file is $HOTLINE_CONFIG when that is set (then it must exist), else
 * $XDG_CONFIG_HOME/hotline/hotlinectl.conf, else ~/.config/hotline/hotlinectl.conf (which
 * may be absent). It holds `key = value` lines, keys `url` and `token`; `#` starts a
 * comment line; a value may be in double quotes. Anything else is an error that names the
 * file and line.
 */
#ifndef HLC_CONFIG_H
#define HLC_CONFIG_H

#include <stddef.h>

#define HLC_DEFAULT_URL "http://127.0.0.1:12345"

struct hlc_config {
	char url[512];
	char token[512];
	char file[512];        /* the configuration file read, or "" */
	char url_from[600];    /* "--url", "HOTLINE_URL", "FILE:LINE" or "default" */
	char token_from[600];  /* the same for the token, or "" when there is none */
	int file_too_open;     /* the file holds a token and others may read it */
};

/* Resolves the settings; opt_url and opt_token are the options' values or NULL. Returns
 * 0, or -1 with the reason (naming file and line) in err. */
int hlc_config_load(struct hlc_config *c, const char *opt_url, const char *opt_token,
		    char *err, size_t errlen);

#endif
