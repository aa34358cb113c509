/*
 * bare: the baseline of `make bench` (issue 8). A bare evhttp server on 127.0.0.1, set
 * up as hotlined sets up its own (body limit, header limit, idle timeout), that answers
 * every POST with the same 201: a Location header and a fixed JSON body of the shape and
 * size of hotlined's. Anything else gets 200 {"status":"ok"}, so that the same readiness
 * probe works for both. It does no work between reading a request and answering it, so
 * its rate is what the HTTP layer and the load generator allow on this machine.
 *
 *   bare [-p PORT] [-t LIFETIME_SECS]
 *
 * PORT 0 (the default) takes a free one. It prints "listening 127.0.0.1:PORT" on stdout
 * once it accepts, and stops on SIGTERM or SIGINT, or by itself after LIFETIME_SECS
 * (default 900) so that it never outlives a benchmark.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char created_body[] =
	"{\"id\":\"20261126-000002\",\"state\":\"received\",\"channel\":\"hotline\","
	"\"created_at\":\"2026-11-26T18:27:39+08:00\","
	"\"promised_answer_by\":\"2026-12-03T18:27:39+08:00\"}\n";
static const char ok_body[] = "{\"status\":\"ok\"}\n";

static void answer(struct evhttp_request *req, void *arg)
{
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
	struct evbuffer *buf = evbuffer_new();
	int post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;

	(void)arg;
	evhttp_add_header(headers, "Content-Type", "application/json; charset=utf-8");
	if (post)
		evhttp_add_header(headers, "Location", "/v1/tickets/20261126-000002");
	if (buf) {
		if (post)
			evbuffer_add(buf, created_body, sizeof(created_body) - 1);
		else
			evbuffer_add(buf, ok_body, sizeof(ok_body) - 1);
	}
	evhttp_send_reply(req, post ? 201 : 200, post ? "Created" : "OK", buf);
	if (buf)
		evbuffer_free(buf);
}

static void stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

int main(int argc, char **argv)
{
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	struct event *sigterm, *sigint, *lifetime;
	struct timeval idle = {30, 0}, life = {900, 0};
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	int port = 0, opt;

	while ((opt = getopt(argc, argv, "p:t:")) != -1) {
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 't': life.tv_sec = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bare [-p PORT] [-t LIFETIME_SECS]\n");
			return 2;
		}
	}
	if (port < 0 || port > 65535 || life.tv_sec <= 0) {
		fprintf(stderr, "bare: bad port or lifetime\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	http = base ? evhttp_new(base) : NULL;
	if (!http) {
		fprintf(stderr, "bare: out of memory\n");
		return 1;
	}
	/* hotlined's settings: http.max_body 64KiB, 16KiB of headers, http.timeout 30s */
	evhttp_set_max_body_size(http, 65536);
	evhttp_set_max_headers_size(http, 16384);
	evhttp_set_timeout_tv(http, &idle);
	evhttp_set_gencb(http, answer, NULL);
	bound = evhttp_bind_socket_with_handle(http, "127.0.0.1", (ev_uint16_t)port);
	if (!bound || getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&sa,
				  &salen) < 0) {
		fprintf(stderr, "bare: cannot listen on 127.0.0.1:%d\n", port);
		return 1;
	}
	sigterm = evsignal_new(base, SIGTERM, stop, base);
	sigint = evsignal_new(base, SIGINT, stop, base);
	lifetime = evtimer_new(base, stop, base);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	evtimer_add(lifetime, &life);
	printf("listening 127.0.0.1:%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	event_base_dispatch(base);
	event_free(sigterm);
	event_free(sigint);
	event_free(lifetime);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
