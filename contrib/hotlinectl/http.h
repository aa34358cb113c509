/*
 * A blocking HTTP/1.1 client for hotlined's API, on libevent's evhttp client: each call
 * runs the event loop until the answer is in or the timeout passes. One connection is
 * kept and reused (keep-alive), so that `tail` does not reconnect every second; evhttp
 * reconnects by itself when the server closed it. Plain http only: put a TLS proxy in
 * front for anything that leaves the machine.
 *
 * Not thread-safe; one struct hlc_http per thread.
 */
#ifndef HLC_HTTP_H
#define HLC_HTTP_H

#include <stddef.h>

struct event_base;
struct evhttp_connection;

struct hlc_http {
	struct event_base *base;
	struct evhttp_connection *conn;
	char host[300];   /* for the Host header: host[:port] */
	char prefix[256]; /* the URL's path, without the trailing slash ("" for none) */
	char url[320];    /* scheme://host:port, for messages */
	char hostname[256]; /* the host alone, to connect to */
	int port;
	const char *token; /* borrowed; NULL or "" for none */
	int timeout_s;
};

struct hlc_response {
	int status;           /* the HTTP status, or 0 when no answer came (see error) */
	char reason[64];      /* the status line's reason phrase */
	char *body;           /* NUL-terminated; the caller frees with hlc_response_free */
	size_t len;
	char content_type[128];
	char retry_after[32]; /* the Retry-After header, or "" */
	char date[64];        /* the Date header, or "" */
	int replayed;         /* Idempotent-Replayed: true (a retried submit) */
	char error[512];      /* why there was no answer */
};

/* Prepares a client for url (http://host[:port][/prefix]; "http://" may be left out).
 * token is borrowed and sent as a bearer token. Returns 0, or -1 with the reason in err
 * (a URL that is not http, out of memory). Connecting happens at the first request. */
int hlc_http_open(struct hlc_http *h, const char *url, const char *token, int timeout_s,
		  char *err, size_t errlen);
/* Sends method (GET, POST or PUT) to the prefix + path (path starts with "/" and is already
 * escaped), with a JSON body when body is not NULL and extra header lines ("Name: value",
 * NULL-terminated list, may be NULL). Fills r (release with hlc_response_free). Returns
 * r->status: 0 when there was no answer. */
int hlc_http_request(struct hlc_http *h, const char *method, const char *path,
		     const char *body, const char *const *headers, struct hlc_response *r);
void hlc_response_free(struct hlc_response *r);
void hlc_http_close(struct hlc_http *h);

#endif
