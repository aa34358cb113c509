/* Test harness: temp files, a private redis-server, hotlined, HTTP; see harness.h. */
#include "harness.h"
#include "store_dump.h"

#include "base/digest.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void hlt_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int64_t hlt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void hlt_tmpdir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/hotline-test-XXXXXX");
	cr_assert_not_null(mkdtemp(buf), "mkdtemp: %s", strerror(errno));
}

void hlt_rmtree(const char *dir)
{
	char cmd[512];

	if (strncmp(dir, "/tmp/hotline-test-", 18) != 0)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

void hlt_write_file(const char *dir, const char *name, const char *content, char *path_r,
		    size_t len)
{
	FILE *f;

	snprintf(path_r, len, "%s/%s", dir, name);
	f = fopen(path_r, "w");
	cr_assert_not_null(f, "cannot write %s", path_r);
	fputs(content, f);
	fclose(f);
}

char *hlt_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int hlt_wait_for_text(const char *path, const char *needle, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		char *text = hlt_read_file(path);
		int found = text && strstr(text, needle);
		free(text);
		if (found)
			return 1;
		hlt_sleep_ms(20);
	}
	return 0;
}

pid_t hlt_spawn(const char *const *argv, const char *out_path)
{
	pid_t pid = fork();

	cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND,
			      0644);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1) /* the test died before prctl took effect */
			_exit(127);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int redis_answers(const char *socket)
{
	struct timeval tv = {0, 200000};
	redisContext *c = redisConnectUnixWithTimeout(socket, tv);
	int ok = 0;

	if (c && !c->err) {
		redisReply *reply = redisCommand(c, "PING");
		ok = reply && reply->type == REDIS_REPLY_STATUS;
		if (reply)
			freeReplyObject(reply);
	}
	if (c)
		redisFree(c);
	return ok;
}

void hlt_redis_spawn(struct hlt_redis *r, const char *dir)
{
	char log[320], port[16], primary[16];
	const char *argv[24] = {"/usr/bin/redis-server", "--port", port, "--bind", "127.0.0.1",
				"--unixsocket", r->socket, "--dir", r->dir, "--save", "",
				"--daemonize", "no", "--appendonly", r->appendfsync ? "yes" : "no",
				"--appendfsync", r->appendfsync ? r->appendfsync : "everysec",
				"--enable-debug-command", "local"};
	int argc = 19;

	snprintf(port, sizeof(port), "%d", r->port > 0 ? r->port : 0);
	if (r->replica_of > 0) {
		snprintf(primary, sizeof(primary), "%d", r->replica_of);
		argv[argc++] = "--replicaof";
		argv[argc++] = "127.0.0.1";
		argv[argc++] = primary;
	}
	argv[argc] = NULL;
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	snprintf(r->socket, sizeof(r->socket), "%s/redis.sock", dir);
	snprintf(log, sizeof(log), "%s/redis.log", dir);
	r->pid = hlt_spawn(argv, log);
}

void hlt_redis_start(struct hlt_redis *r, const char *dir)
{
	hlt_redis_spawn(r, dir);
	for (int waited = 0; waited < 5000; waited += 20) {
		if (redis_answers(r->socket))
			return;
		hlt_sleep_ms(20);
	}
	cr_assert_fail("redis-server did not answer on %s within 5 s", r->socket);
}

void hlt_redis_stop(struct hlt_redis *r, int hard)
{
	if (r->pid <= 0)
		return;
	if (hard) {
		kill(r->pid, SIGKILL);
	} else {
		char *reply = hlt_redis_cmd(r, "SHUTDOWN NOSAVE");
		free(reply);
	}
	for (int waited = 0; waited < 5000; waited += 10) {
		if (waitpid(r->pid, NULL, WNOHANG) == r->pid) {
			r->pid = 0;
			return;
		}
		hlt_sleep_ms(10);
	}
	kill(r->pid, SIGKILL);
	waitpid(r->pid, NULL, 0); /* SIGKILL cannot be ignored: this returns */
	r->pid = 0;
}

static void append_reply(const redisReply *reply, char **out, size_t *len)
{
	char buf[64];
	const char *text = buf;
	size_t n;

	switch (reply->type) {
	case REDIS_REPLY_ARRAY:
		for (size_t i = 0; i < reply->elements; i++)
			append_reply(reply->element[i], out, len);
		return;
	case REDIS_REPLY_INTEGER:
		snprintf(buf, sizeof(buf), "%lld", reply->integer);
		break;
	case REDIS_REPLY_NIL:
		text = "(nil)";
		break;
	default:
		text = reply->str;
	}
	n = strlen(text);
	*out = realloc(*out, *len + n + 2);
	memcpy(*out + *len, text, n);
	(*out)[*len + n] = '\n';
	*len += n + 1;
	(*out)[*len] = '\0';
}

char *hlt_redis_cmd(const struct hlt_redis *r, const char *fmt, ...)
{
	struct timeval tv = {2, 0};
	redisContext *c = redisConnectUnixWithTimeout(r->socket, tv);
	redisReply *reply;
	char *out = NULL;
	size_t len = 0;
	va_list ap;

	if (!c || c->err) {
		if (c)
			redisFree(c);
		return NULL;
	}
	va_start(ap, fmt);
	reply = redisvCommand(c, fmt, ap);
	va_end(ap);
	if (reply) {
		out = calloc(1, 1);
		append_reply(reply, &out, &len);
		freeReplyObject(reply);
	}
	redisFree(c);
	return out;
}

char *hlt_events(const struct hlt_redis *r, const char *field, const char *value,
		 const char *flag)
{
	static const char script[] =
		"local out = {}\n"
		"for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do\n"
		"  local f = {}\n"
		"  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end\n"
		"  if f[ARGV[1]] == ARGV[2] and (ARGV[3] == '' or f[ARGV[3]] == '1') then\n"
		"    out[#out + 1] = e\n"
		"  end\n"
		"end\n"
		"return out\n";

	return hlt_redis_cmd(r, "EVAL %s 1 hl:events %s %s %s", script, field, value,
			     flag ? flag : "");
}

/* dir/tokens.yaml: the hashes of the HLT_TOKEN_* tokens. */
static void write_tokens(const char *dir)
{
	static const struct {
		const char *name, *role, *token;
	} tokens[] = {
		{"agent-test", "agent", HLT_TOKEN_AGENT},
		{"board-test", "channel:board", HLT_TOKEN_BOARD},
		{"tv-test", "channel:tv", HLT_TOKEN_TV},
		{"supervisor-test", "supervisor", HLT_TOKEN_SUPERVISOR},
		{"admin-test", "admin", HLT_TOKEN_ADMIN},
		{"water-test", "dept:water", HLT_TOKEN_WATER},
		{"gas-test", "dept:gas", HLT_TOKEN_GAS},
	};
	char text[4096] = "tokens:\n", path[512];
	size_t used = strlen(text);

	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		char hash[HL_SHA256_HEX_LEN + 1];

		hl_sha256_hex(tokens[i].token, strlen(tokens[i].token), hash);
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "  - name: %s\n    role: \"%s\"\n    sha256: %s\n",
					 tokens[i].name, tokens[i].role, hash);
	}
	hlt_write_file(dir, "tokens.yaml", text, path, sizeof(path));
}

void hlt_daemon_configure(struct hlt_daemon *d, const char *dir, const struct hlt_redis *r,
			  const char *plugins_yaml)
{
	char text[4096];

	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	snprintf(d->log, sizeof(d->log), "%s/hotlined.log", dir);
	write_tokens(dir);
	snprintf(text, sizeof(text),
		 "http:\n"
		 "  listen: 127.0.0.1:0\n"
		 "%s%s%s%s"
		 "redis:\n"
		 "%s%s%s%s"
		 "log:\n"
		 "  level: debug\n"
		 "shutdown_timeout: 5s\n"
		 "routes: %s/routes\n"
		 "calendar:\n"
		 "  dir: " HL_SOURCE_DIR "/etc/calendar\n"
		 "auth:\n"
		 "  tokens_file: tokens.yaml\n"
		 "%s"
		 "plugin_dir: %s/plugins\n"
		 "%s"
		 "plugins:\n%s",
		 d->http_timeout ? "  timeout: " : "", d->http_timeout ? d->http_timeout : "",
		 d->http_timeout ? "\n" : "", d->http_yaml ? d->http_yaml : "",
		 d->redis_yaml ? d->redis_yaml : "  socket: ", d->redis_yaml ? "" : r->socket,
		 d->redis_yaml ? "" : "\n",
		 d->redis_reconnect_yaml ? d->redis_reconnect_yaml
					 : "  reconnect_min: 50ms\n  reconnect_max: 500ms\n",
		 HL_SOURCE_DIR, d->auth_yaml ? d->auth_yaml : "", HL_BUILD_DIR,
		 d->extra_yaml ? d->extra_yaml : "",
		 plugins_yaml ? plugins_yaml : "  - name: log\n");
	hlt_write_file(dir, "hotlined.yaml", text, d->config, sizeof(d->config));
}

int hlt_daemon_start(struct hlt_daemon *d)
{
	const char *argv[] = {d->binary ? d->binary : HL_BUILD_DIR "/hotlined", "-c", d->config,
			      NULL};
	const char *marker = "event=listening addr=127.0.0.1:";

	char *before = hlt_read_file(d->log);
	size_t skip = before ? strlen(before) : 0; /* the log of an earlier start */

	free(before);
	d->pid = hlt_spawn(argv, d->log);
	for (int waited = 0; waited < 5000; waited += 20) {
		char *text = hlt_read_file(d->log);
		char *at = text && strlen(text) >= skip ? strstr(text + skip, marker) : NULL;
		if (at) {
			d->port = atoi(at + strlen(marker));
			free(text);
			return 0;
		}
		free(text);
		if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
			d->pid = 0;
			return -1;
		}
		hlt_sleep_ms(20);
	}
	return -1;
}

int hlt_daemon_wait_ready(const struct hlt_daemon *d, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		char *body = NULL;
		int status = hlt_http(d->port, "GET", "/healthz", NULL, &body);
		int ok = status == 200 && body && strstr(body, "\"status\":\"ok\"");
		free(body);
		if (ok)
			return 1;
		hlt_sleep_ms(20);
	}
	return 0;
}

void hlt_daemon_start_ready(struct hlt_daemon *d)
{
	cr_assert_eq(hlt_daemon_start(d), 0, "hotlined did not start:\n%s", hlt_read_file(d->log));
	cr_assert(hlt_daemon_wait_ready(d, 5000), "not ready in 5 s:\n%s", hlt_read_file(d->log));
}

void hlt_teardown(struct hlt_daemon *d, struct hlt_redis *r, const char *dir)
{
	if (d->pid > 0)
		hlt_daemon_stop(d, SIGKILL, 2000);
	hlt_redis_stop(r, 1);
	hlt_rmtree(dir);
}

void hlt_fixture_setup(struct hlt_fixture *f)
{
	hlt_tmpdir(f->dir, sizeof(f->dir));
	hlt_redis_start(&f->redis, f->dir);
	if (f->setup == HLT_SETUP_CONFIG)
		hlt_daemon_configure(&f->daemon, f->dir, &f->redis, f->plugins);
	else if (f->setup == HLT_SETUP_DAEMON)
		hlt_fixture_start(f, &f->daemon, NULL, f->plugins);
}

void hlt_fixture_teardown(struct hlt_fixture *f)
{
	hlt_teardown(&f->daemon, &f->redis, f->dir);
}

void hlt_fixture_start(struct hlt_fixture *f, struct hlt_daemon *d, const char *sub,
		       const char *plugins)
{
	char path[sizeof(d->dir)];

	if (sub) {
		cr_assert_lt((size_t)snprintf(path, sizeof(path), "%s/%s", f->dir, sub),
			     sizeof(path), "%s/%s: too long", f->dir, sub);
		cr_assert_eq(mkdir(path, 0700), 0, "mkdir %s: %s", path, strerror(errno));
	} else {
		snprintf(path, sizeof(path), "%s", f->dir);
	}
	hlt_daemon_configure(d, path, &f->redis, plugins);
	hlt_daemon_start_ready(d);
	/* and its dispatcher's consumer group made (it creates the routing stream): a test
	 * that compares the store before and after a refused request must not see it come */
	for (int waited = 0; waited < 5000; waited += 10) {
		char *v = hlt_redis_cmd(&f->redis, "EXISTS hl:intake");
		int made = v && strcmp(v, "1\n") == 0;

		free(v);
		if (made)
			return;
		usleep(10000);
	}
	cr_assert_fail("the dispatcher made no routing stream in 5 s:\n%s", hlt_read_file(d->log));
}

int hlt_daemon_stop(struct hlt_daemon *d, int sig, int timeout_ms)
{
	int status;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, sig);
	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		hlt_sleep_ms(10);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, NULL, 0);
	d->pid = 0;
	return -1;
}

int hlt_run_hotlined(const char *const *args, const char *out_path)
{
	const char *argv[16] = {HL_BUILD_DIR "/hotlined"};
	int status;
	size_t n = 1;
	pid_t pid;

	for (; args[n - 1] && n < 15; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	pid = hlt_spawn(argv, out_path);
	for (int waited = 0; waited < 10000; waited += 10) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		hlt_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

int hlt_run(const char *const *argv, const char *const *env, const char *cwd,
	    const char *out_path, int timeout_ms)
{
	int status;
	pid_t pid = fork();

	cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND,
			      0644);

		setpgid(0, 0); /* so that a timeout kills what it started too (make, cc) */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		for (size_t i = 0; env && env[i]; i++) {
			if (strchr(env[i], '='))
				putenv((char *)env[i]);
			else
				unsetenv(env[i]);
		}
		if (cwd && chdir(cwd) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid); /* also here: whichever of the two runs first */
	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		hlt_sleep_ms(10);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

int hlt_request_raw(int port, const char *data, size_t len, struct hlt_response *r)
{
	char *copy = strndup(data, len); /* whole strings for hlt_request_parts */
	const char *parts[] = {copy};
	int status = hlt_request_parts(port, parts, copy ? 1 : 0, 0, r);

	free(copy);
	return status;
}

int hlt_request_parts(int port, const char *const *parts, size_t nparts, int gap_ms,
		      struct hlt_response *r)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct timeval tv = {5, 0};
	char *resp = NULL, *split;
	size_t got_total = 0;
	int fd;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto out;
	/* The server may answer and close before it has read everything (413): a short
	 * write is not an error here; the answer is what counts. */
	for (size_t i = 0; i < nparts; i++) {
		size_t len = strlen(parts[i]);

		if (i > 0 && gap_ms > 0)
			hlt_sleep_ms(gap_ms);
		for (size_t sent = 0; sent < len;) {
			ssize_t n = send(fd, parts[i] + sent, len - sent, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			sent += (size_t)n;
		}
	}
	for (;;) {
		char buf[4096];
		ssize_t got = read(fd, buf, sizeof(buf));
		if (got <= 0)
			break;
		resp = realloc(resp, got_total + (size_t)got + 1);
		memcpy(resp + got_total, buf, (size_t)got);
		got_total += (size_t)got;
		resp[got_total] = '\0';
	}
	if (resp && sscanf(resp, "HTTP/1.%*d %d", &r->status) == 1) {
		split = strstr(resp, "\r\n\r\n");
		r->body = strdup(split ? split + 4 : "");
		if (split)
			*split = '\0';
		r->headers = strdup(resp);
	}
out:
	free(resp);
	close(fd);
	return r->status;
}

int hlt_request(int port, const char *method, const char *path, const char *token,
		const char *headers, const char *body, struct hlt_response *r)
{
	char auth[256] = "";
	char *req = NULL;
	int n, status;

	if (token)
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", token);
	n = asprintf(&req,
		     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s"
		     "Content-Length: %zu\r\n\r\n%s",
		     method, path, auth, headers ? headers : "",
		     headers && strcasestr(headers, "Content-Type:") ? ""
								     : "Content-Type: application/json\r\n",
		     body ? strlen(body) : 0, body ? body : "");
	if (n < 0) {
		memset(r, 0, sizeof(*r));
		return r->status = -1;
	}
	status = hlt_request_raw(port, req, (size_t)n, r);
	free(req);
	return status;
}

int hlt_status(int port, const char *method, const char *path, const char *token,
	       const char *body)
{
	struct hlt_response r;
	int status = hlt_request(port, method, path, token, NULL, body, &r);

	hlt_response_free(&r);
	return status;
}

const char *hlt_response_header(const struct hlt_response *r, const char *name, char *buf,
				size_t len)
{
	size_t n = strlen(name);

	for (const char *line = r->headers; line; line = strstr(line, "\r\n")) {
		if (line[0] == '\r')
			line += 2;
		if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
			const char *v = line + n + 1;
			size_t vlen;
			while (*v == ' ')
				v++;
			vlen = strcspn(v, "\r\n");
			snprintf(buf, len, "%.*s", (int)vlen, v);
			return buf;
		}
	}
	return NULL;
}

void hlt_response_free(struct hlt_response *r)
{
	free(r->headers);
	free(r->body);
	r->headers = r->body = NULL;
}

int hlt_http(int port, const char *method, const char *path, const char *body, char **body_r)
{
	struct hlt_response r;
	int status = hlt_request(port, method, path, NULL, NULL, body, &r);

	if (body_r)
		*body_r = r.body ? strdup(r.body) : NULL;
	hlt_response_free(&r);
	return status;
}

const char *hlt_json_member(const char *json, const char *key, char *buf, size_t len)
{
	struct json_object *o = json ? json_tokener_parse(json) : NULL, *v;

	buf[0] = '\0';
	if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		snprintf(buf, len, "%s", json_object_get_string(v));
	json_object_put(o);
	return buf;
}

void hlt_advance_clock(int port, const char *by, char *now, size_t len)
{
	struct hlt_response r;
	char body[64];

	snprintf(body, sizeof(body), "{\"advance\":\"%s\"}", by);
	cr_assert_eq(hlt_request(port, "POST", "/v1/test/clock", HLT_TOKEN_ADMIN, NULL, body, &r),
		     200, "%s", r.body ? r.body : "");
	if (now)
		hlt_json_member(r.body, "now", now, len);
	hlt_response_free(&r);
}

const char *hlt_create_ticket(int port, const char *token, const char *body, char *id,
			      size_t len)
{
	struct hlt_response r;

	cr_assert_eq(hlt_request(port, "POST", "/v1/tickets", token, NULL, body, &r), 201,
		     "ticket not created (%d): %s\n%s", r.status, r.body, body);
	hlt_json_member(r.body, "id", id, len);
	hlt_response_free(&r);
	cr_assert(id[0], "no id in the 201");
	return id;
}

int hlt_ticket_step(int port, const char *token, const char *id, const char *step,
		    const char *body, char **body_r)
{
	struct hlt_response r;
	char path[256];
	int status;

	snprintf(path, sizeof(path), "/v1/tickets/%s/%s", id, step);
	status = hlt_request(port, "POST", path, token, NULL, body ? body : "{}", &r);
	if (body_r)
		*body_r = r.body ? strdup(r.body) : NULL;
	hlt_response_free(&r);
	return status;
}

int hlt_audit_count(const struct hlt_redis *r, const char *id, const char *needle)
{
	char *audit = hlt_audit(r, id, 0);
	int n = 0;

	for (const char *p = audit; p && (p = strstr(p, needle)); p++)
		n++;
	free(audit);
	return n;
}

char *hlt_ticket_field(const struct hlt_redis *r, const char *id, const char *name)
{
	char *v = hlt_redis_cmd(r, "HGET hl:t:%s %s", id, name);

	if (v && *v)
		v[strlen(v) - 1] = '\0';
	return v;
}

int hlt_wait_state(const struct hlt_redis *r, const char *id, const char *state)
{
	for (int waited = 0; waited < 5000; waited += 20) {
		char *s = hlt_ticket_field(r, id, "state");
		int there = s && strcmp(s, state) == 0;

		free(s);
		if (there)
			return 1;
		hlt_sleep_ms(20);
	}
	return 0;
}
