/* Redis primary, replica and three sentinels for the failover tests; see ha.h. */
#include "ha.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int hlt_free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "bind: %s", strerror(errno));
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void make_dir(const char *path)
{
	cr_assert(mkdir(path, 0700) == 0 || errno == EEXIST, "mkdir %s: %s", path,
		  strerror(errno));
}

/* The reply to one command on 127.0.0.1:port, flattened as hlt_redis_cmd does. */
static char *tcp_cmd(int port, const char *fmt, va_list ap)
{
	struct timeval tv = {1, 0};
	redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
	redisReply *reply;
	char *out = NULL;
	size_t len = 0;

	if (!c || c->err) {
		if (c)
			redisFree(c);
		return NULL;
	}
	redisSetTimeout(c, tv);
	reply = redisvCommand(c, fmt, ap);
	if (reply) {
		if (reply->type != REDIS_REPLY_ERROR) {
			out = calloc(1, 1);
			for (size_t i = 0; i <= reply->elements; i++) {
				const redisReply *e = reply->type == REDIS_REPLY_ARRAY
							      ? (i < reply->elements ? reply->element[i] : NULL)
							      : (i == 0 ? reply : NULL);
				char num[32];
				const char *text;
				size_t n;

				if (!e)
					break;
				if (e->type == REDIS_REPLY_INTEGER) {
					snprintf(num, sizeof(num), "%lld", e->integer);
					text = num;
				} else if (e->type == REDIS_REPLY_STRING ||
					   e->type == REDIS_REPLY_STATUS) {
					text = e->str;
				} else if (e->type == REDIS_REPLY_ARRAY) {
					text = "(array)";
				} else {
					text = "(nil)";
				}
				n = strlen(text);
				out = realloc(out, len + n + 2);
				memcpy(out + len, text, n);
				out[len + n] = '\n';
				len += n + 1;
				out[len] = '\0';
			}
		}
		freeReplyObject(reply);
	}
	redisFree(c);
	return out;
}

char *hlt_sentinel_cmd(const struct hlt_ha *ha, int i, const char *fmt, ...)
{
	va_list ap;
	char *out;

	if (ha->sentinel_pid[i] <= 0)
		return NULL;
	va_start(ap, fmt);
	out = tcp_cmd(ha->sentinel_port[i], fmt, ap);
	va_end(ap);
	return out;
}

static void write_sentinel_conf(const struct hlt_ha *ha, int i)
{
	char dir[300], text[1024], path[400];

	snprintf(dir, sizeof(dir), "%s/sentinel-%d", ha->dir, i);
	make_dir(dir);
	snprintf(text, sizeof(text),
		 "port %d\n"
		 "bind 127.0.0.1\n"
		 "daemonize no\n"
		 "dir %s\n"
		 "sentinel monitor " HLT_HA_MASTER_NAME " 127.0.0.1 %d 2\n"
		 "sentinel down-after-milliseconds " HLT_HA_MASTER_NAME " 1000\n"
		 "sentinel failover-timeout " HLT_HA_MASTER_NAME " 4000\n"
		 "sentinel parallel-syncs " HLT_HA_MASTER_NAME " 1\n",
		 ha->sentinel_port[i], dir, ha->node[0].port);
	hlt_write_file(dir, "sentinel.conf", text, path, sizeof(path));
}

void hlt_ha_sentinel_start(struct hlt_ha *ha, int i)
{
	char conf[400], log[400];
	const char *argv[] = {"/usr/bin/redis-server", conf, "--sentinel", NULL};

	snprintf(conf, sizeof(conf), "%s/sentinel-%d/sentinel.conf", ha->dir, i);
	snprintf(log, sizeof(log), "%s/sentinel-%d/sentinel.log", ha->dir, i);
	ha->sentinel_pid[i] = hlt_spawn(argv, log);
	for (int waited = 0; waited < 5000; waited += 20) {
		char *pong = hlt_sentinel_cmd(ha, i, "PING");
		int up = pong != NULL;

		free(pong);
		if (up)
			return;
		hlt_sleep_ms(20);
	}
	cr_assert_fail("sentinel %d did not answer on port %d within 5 s:\n%s", i,
		       ha->sentinel_port[i], hlt_read_file(log));
}

void hlt_ha_sentinel_stop(struct hlt_ha *ha, int i)
{
	if (ha->sentinel_pid[i] <= 0)
		return;
	kill(ha->sentinel_pid[i], SIGKILL);
	waitpid(ha->sentinel_pid[i], NULL, 0);
	ha->sentinel_pid[i] = 0;
}

static void node_start(struct hlt_ha *ha, int i)
{
	char dir[300];

	snprintf(dir, sizeof(dir), "%s/node-%d", ha->dir, i);
	make_dir(dir);
	hlt_redis_start(&ha->node[i], dir);
}

void hlt_ha_node_restart(struct hlt_ha *ha, int i)
{
	ha->node[i].replica_of = 0;
	node_start(ha, i);
}

/* The value of `field` in INFO's text, or "" (into buf). */
static const char *info_field(const char *info, const char *field, char *buf, size_t len)
{
	const char *at = info ? strstr(info, field) : NULL;
	size_t n = 0;

	buf[0] = '\0';
	if (!at || (at != info && at[-1] != '\n'))
		return buf;
	at += strlen(field);
	if (*at++ != ':')
		return buf;
	while (at[n] && at[n] != '\r' && at[n] != '\n' && n + 1 < len)
		n++;
	memcpy(buf, at, n);
	buf[n] = '\0';
	return buf;
}

int hlt_ha_primary(const struct hlt_ha *ha)
{
	for (int i = 0; i < HLT_HA_NODES; i++) {
		char *role = ha->node[i].pid > 0 ? hlt_redis_cmd(&ha->node[i], "ROLE") : NULL;
		int master = role && strncmp(role, "master\n", 7) == 0;

		free(role);
		if (master)
			return i;
	}
	return -1;
}

/* Does every running sentinel name node i as the master? */
static int sentinels_name(const struct hlt_ha *ha, int i)
{
	char want[32];

	snprintf(want, sizeof(want), "127.0.0.1\n%d\n", ha->node[i].port);
	for (int s = 0; s < HLT_HA_SENTINELS; s++) {
		char *addr;
		int same;

		if (ha->sentinel_pid[s] <= 0)
			continue;
		addr = hlt_sentinel_cmd(ha, s, "SENTINEL get-master-addr-by-name %s",
					HLT_HA_MASTER_NAME);
		same = addr && strcmp(addr, want) == 0;
		free(addr);
		if (!same)
			return 0;
	}
	return 1;
}

int hlt_ha_wait_primary(const struct hlt_ha *ha, int i, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		if (hlt_ha_primary(ha) == i && sentinels_name(ha, i))
			return 1;
		hlt_sleep_ms(50);
	}
	return 0;
}

int hlt_ha_wait_replica_synced(const struct hlt_ha *ha, int i, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		int p = hlt_ha_primary(ha);
		char *mine = hlt_redis_cmd(&ha->node[i], "INFO replication");
		char *theirs = p >= 0 && p != i ? hlt_redis_cmd(&ha->node[p], "INFO replication")
						 : NULL;
		char link[32], off[32], master_off[32];
		int synced;

		info_field(mine, "master_link_status", link, sizeof(link));
		info_field(mine, "slave_repl_offset", off, sizeof(off));
		info_field(theirs, "master_repl_offset", master_off, sizeof(master_off));
		synced = strcmp(link, "up") == 0 && off[0] && strcmp(off, master_off) == 0;
		free(mine);
		free(theirs);
		if (synced)
			return 1;
		hlt_sleep_ms(50);
	}
	return 0;
}

/* Does every sentinel see one replica and the two other sentinels? */
static int sentinels_settled(const struct hlt_ha *ha)
{
	for (int s = 0; s < HLT_HA_SENTINELS; s++) {
		char *m = hlt_sentinel_cmd(ha, s, "SENTINEL master %s", HLT_HA_MASTER_NAME);
		int ok = m && strstr(m, "\nnum-slaves\n1\n") &&
			 strstr(m, "\nnum-other-sentinels\n2\n");

		free(m);
		if (!ok)
			return 0;
	}
	return 1;
}

void hlt_ha_start(struct hlt_ha *ha, const char *dir, const char *appendfsync)
{
	snprintf(ha->dir, sizeof(ha->dir), "%s", dir);
	for (int i = 0; i < HLT_HA_NODES; i++) {
		ha->node[i].appendfsync = appendfsync ? appendfsync : "everysec";
		ha->node[i].port = hlt_free_port();
	}
	ha->node[1].replica_of = ha->node[0].port;
	for (int i = 0; i < HLT_HA_NODES; i++)
		node_start(ha, i);
	cr_assert(hlt_ha_wait_replica_synced(ha, 1, 10000),
		  "the replica did not sync with the primary in 10 s");
	for (int s = 0; s < HLT_HA_SENTINELS; s++) {
		ha->sentinel_port[s] = hlt_free_port();
		write_sentinel_conf(ha, s);
		hlt_ha_sentinel_start(ha, s);
	}
	for (int waited = 0; !sentinels_settled(ha); waited += 100) {
		cr_assert_lt(waited, 15000,
			     "the sentinels did not find the replica and each other in 15 s");
		hlt_sleep_ms(100);
	}
}

void hlt_ha_stop(struct hlt_ha *ha)
{
	for (int s = 0; s < HLT_HA_SENTINELS; s++)
		hlt_ha_sentinel_stop(ha, s);
	for (int i = 0; i < HLT_HA_NODES; i++)
		hlt_redis_stop(&ha->node[i], 1);
}

void hlt_ha_redis_yaml(const struct hlt_ha *ha, char *buf, size_t len)
{
	snprintf(buf, len, "  sentinels: [127.0.0.1:%d, 127.0.0.1:%d, 127.0.0.1:%d]\n"
			   "  master_name: " HLT_HA_MASTER_NAME "\n",
		 ha->sentinel_port[0], ha->sentinel_port[1], ha->sentinel_port[2]);
}
