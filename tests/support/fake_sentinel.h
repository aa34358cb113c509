/*
 * A fake Redis Sentinel for the tests that need one that lies: a thread serving RESP on a
 * free 127.0.0.1 port, which answers PING, `SENTINEL get-master-addr-by-name <any>` with
 * the address it was given (whatever node that is), and SUBSCRIBE with its
 * acknowledgement (and never publishes). Anything else gets an error. It counts the
 * questions it answered.
 */
#ifndef HL_TEST_FAKE_SENTINEL_H
#define HL_TEST_FAKE_SENTINEL_H

#include <pthread.h>

struct hlt_fake_sentinel {
	int port;          /* set by hlt_fake_sentinel_start */
	char names[64];    /* the host it names */
	int names_port;    /* and the port */
	int listen_fd;
	volatile int stop;
	volatile int asked; /* get-master-addr-by-name questions answered */
	pthread_t thread;
};

/* Listens and starts serving: it names host:port as the master. Fails the test when it
 * cannot. */
void hlt_fake_sentinel_start(struct hlt_fake_sentinel *f, const char *host, int port);
/* Stops the thread and closes every connection. */
void hlt_fake_sentinel_stop(struct hlt_fake_sentinel *f);

#endif
