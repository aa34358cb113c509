/* A fake Redis Sentinel that names a given node; see fake_sentinel.h. */
#include "fake_sentinel.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 16
#define MAX_ARGS 8

struct client {
	int fd;
	char buf[4096];
	size_t len;
};

static void send_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, text, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		text += n;
		len -= (size_t)n;
	}
}

static void send_text(int fd, const char *text)
{
	send_all(fd, text, strlen(text));
}

/* Parses one RESP array of bulk strings at the start of c->buf. Returns the bytes it
 * took (0: incomplete), argv pointing into a NUL-terminated copy in store. */
static size_t parse(const struct client *c, char store[4096], char **argv, int *argc)
{
	const char *p = c->buf, *end = c->buf + c->len;
	char *out = store;
	long n;

	*argc = 0;
	if (p >= end || *p != '*' || !memchr(p, '\n', (size_t)(end - p)))
		return 0;
	n = strtol(p + 1, NULL, 10);
	p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
	for (long i = 0; i < n; i++) {
		long len;

		if (p >= end || *p != '$' || !memchr(p, '\n', (size_t)(end - p)))
			return 0;
		len = strtol(p + 1, NULL, 10);
		p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
		if (len < 0 || end - p < len + 2 || (out - store) + len + 1 > 4096)
			return 0;
		if (*argc < MAX_ARGS)
			argv[(*argc)++] = out;
		memcpy(out, p, (size_t)len);
		out[len] = '\0';
		out += len + 1;
		p += len + 2;
	}
	return (size_t)(p - c->buf);
}

static void answer(struct hlt_fake_sentinel *f, int fd, char **argv, int argc)
{
	char out[512];

	if (argc >= 1 && strcasecmp(argv[0], "PING") == 0) {
		send_text(fd, "+PONG\r\n");
	} else if (argc == 3 && strcasecmp(argv[0], "SENTINEL") == 0 &&
		   strcasecmp(argv[1], "get-master-addr-by-name") == 0) {
		char port[16];
		snprintf(port, sizeof(port), "%d", f->names_port);
		snprintf(out, sizeof(out), "*2\r\n$%zu\r\n%s\r\n$%zu\r\n%s\r\n", strlen(f->names),
			 f->names, strlen(port), port);
		send_text(fd, out);
		f->asked++;
	} else if (argc >= 2 && strcasecmp(argv[0], "SUBSCRIBE") == 0) {
		for (int i = 1; i < argc; i++) {
			snprintf(out, sizeof(out), "*3\r\n$9\r\nsubscribe\r\n$%zu\r\n%s\r\n:%d\r\n",
				 strlen(argv[i]), argv[i], i);
			send_text(fd, out);
		}
	} else {
		send_text(fd, "-ERR unknown command\r\n");
	}
}

static void *serve(void *arg)
{
	struct hlt_fake_sentinel *f = arg;
	struct client clients[MAX_CLIENTS];
	size_t n = 0;

	while (!f->stop) {
		struct pollfd fds[MAX_CLIENTS + 1];

		fds[0] = (struct pollfd){.fd = f->listen_fd, .events = POLLIN};
		for (size_t i = 0; i < n; i++)
			fds[i + 1] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
		if (poll(fds, n + 1, 100) <= 0)
			continue;
		if ((fds[0].revents & POLLIN) && n < MAX_CLIENTS) {
			int fd = accept(f->listen_fd, NULL, NULL);
			if (fd >= 0)
				clients[n++] = (struct client){.fd = fd};
		}
		for (size_t i = n; i-- > 0;) {
			struct client *c = &clients[i];
			char store[4096], *argv[MAX_ARGS];
			int argc;
			size_t used;
			ssize_t got;

			if (!(fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
			if (got <= 0) {
				close(c->fd);
				clients[i] = clients[--n];
				continue;
			}
			c->len += (size_t)got;
			while ((used = parse(c, store, argv, &argc)) > 0) {
				answer(f, c->fd, argv, argc);
				memmove(c->buf, c->buf + used, c->len - used);
				c->len -= used;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		close(clients[i].fd);
	return NULL;
}

void hlt_fake_sentinel_start(struct hlt_fake_sentinel *f, const char *host, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int one = 1;

	snprintf(f->names, sizeof(f->names), "%s", host);
	f->names_port = port;
	f->stop = 0;
	f->asked = 0;
	f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(f->listen_fd, 0, "socket: %s", strerror(errno));
	setsockopt(f->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	cr_assert_eq(bind(f->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0, "bind: %s",
		     strerror(errno));
	cr_assert_eq(listen(f->listen_fd, 16), 0);
	cr_assert_eq(getsockname(f->listen_fd, (struct sockaddr *)&a, &len), 0);
	f->port = ntohs(a.sin_port);
	cr_assert_eq(pthread_create(&f->thread, NULL, serve, f), 0);
}

void hlt_fake_sentinel_stop(struct hlt_fake_sentinel *f)
{
	f->stop = 1;
	pthread_join(f->thread, NULL);
	close(f->listen_fd);
}
