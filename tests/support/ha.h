/*
 * The high-availability test harness (issue 18): a Redis primary and its replica on free
 * loopback ports (each also on its own unix socket, so that hlt_redis_cmd reaches it), and
 * three Redis Sentinels watching them under the master name "hotline", quorum 2, a node
 * judged down after 1 s, so that a failover completes in about 2-3 s.
 */
#ifndef HL_TEST_HA_H
#define HL_TEST_HA_H

#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

#define HLT_HA_NODES 2
#define HLT_HA_SENTINELS 3
#define HLT_HA_MASTER_NAME "hotline"

struct hlt_ha {
	char dir[256];
	struct hlt_redis node[HLT_HA_NODES]; /* node[0] starts as primary, node[1] replicates it */
	int sentinel_port[HLT_HA_SENTINELS];
	pid_t sentinel_pid[HLT_HA_SENTINELS];
};

/* A TCP port on 127.0.0.1 that nothing listens on now. */
int hlt_free_port(void);

/* Starts the two nodes (AOF everysec when appendfsync is NULL) under dir/node-N and the
 * sentinels under dir/sentinel-N, and waits until the replica is in sync and every
 * sentinel sees the replica and the other sentinels. Fails the test otherwise. */
void hlt_ha_start(struct hlt_ha *ha, const char *dir, const char *appendfsync);
/* Stops every process still running (SIGKILL); the directory is left to the caller. */
void hlt_ha_stop(struct hlt_ha *ha);

/* Starts node i again (after hlt_redis_stop) on the same port, socket and directory, as
 * a primary: the sentinels turn it into a replica of whichever node they promoted. */
void hlt_ha_node_restart(struct hlt_ha *ha, int i);
/* Stops sentinel i (SIGKILL), or starts it again with its configuration as it rewrote it. */
void hlt_ha_sentinel_stop(struct hlt_ha *ha, int i);
void hlt_ha_sentinel_start(struct hlt_ha *ha, int i);
/* Runs one command on sentinel i (as hlt_redis_cmd does); caller frees; NULL on error. */
char *hlt_sentinel_cmd(const struct hlt_ha *ha, int i, const char *fmt, ...);

/* The index of the running node whose ROLE is master, or -1. */
int hlt_ha_primary(const struct hlt_ha *ha);
/* Waits until node i is master and every running sentinel names it; returns 1 when so. */
int hlt_ha_wait_primary(const struct hlt_ha *ha, int i, int timeout_ms);
/* Waits until node i is a replica whose link to the primary is up and whose replication
 * offset has caught up with the primary's; returns 1 when so. */
int hlt_ha_wait_replica_synced(const struct hlt_ha *ha, int i, int timeout_ms);

/* The lines of hotlined.yaml's redis section that reach the nodes through the sentinels
 * ("  sentinels: [...]\n  master_name: hotline\n"), for hlt_daemon.redis_yaml. */
void hlt_ha_redis_yaml(const struct hlt_ha *ha, char *buf, size_t len);

#endif
