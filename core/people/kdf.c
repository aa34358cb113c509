/* The password-hashing worker thread and its queue; see kdf.h. */
#include "people/kdf.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

enum job_op { JOB_VERIFY, JOB_HASH };

struct job {
	struct job *next;
	enum job_op op;
	char password[HL_PASSWORD_MAX + 1];
	char hash[crypto_pwhash_STRBYTES];     /* to check against; "" for the dummy */
	char new_hash[crypto_pwhash_STRBYTES]; /* made by the worker */
	enum hl_kdf_outcome outcome;
	hl_kdf_done_fn fn;
	void *arg;
};

struct hl_kdf {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct job *first, *last; /* waiting, under lock */
	int stop;                 /* under lock */
	size_t pending, max;      /* loop side: queued + running + in the pipe */
	int pipe_r, pipe_w;       /* finished jobs, as pointers, worker to loop */
	struct event *done_ev;
	char dummy[crypto_pwhash_STRBYTES]; /* worker only */
};

static int make_hash(const char *password, char out[crypto_pwhash_STRBYTES])
{
	return crypto_pwhash_str(out, password, strlen(password),
				 crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

static void run_job(struct hl_kdf *k, struct job *j)
{
	size_t plen = strlen(j->password);

	if (j->op == JOB_HASH) {
		j->outcome = make_hash(j->password, j->new_hash) == 0 ? HL_KDF_HASHED : HL_KDF_FAILED;
	} else {
		const char *hash = j->hash[0] ? j->hash : k->dummy;
		int ok = crypto_pwhash_str_verify(hash, j->password, plen) == 0;

		j->outcome = ok && j->hash[0] ? HL_KDF_MATCH : HL_KDF_MISMATCH;
		if (j->outcome == HL_KDF_MATCH &&
		    crypto_pwhash_str_needs_rehash(j->hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
						   crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0 &&
		    make_hash(j->password, j->new_hash) != 0)
			j->new_hash[0] = '\0';
	}
	sodium_memzero(j->password, sizeof(j->password));
}

static void *worker(void *arg)
{
	struct hl_kdf *k = arg;
	char random[33];

	/* the dummy hash, of a password nobody knows, before any job */
	randombytes_buf(random, sizeof(random) - 1);
	for (size_t i = 0; i < sizeof(random) - 1; i++)
		random[i] = (char)('a' + (unsigned char)random[i] % 26);
	random[sizeof(random) - 1] = '\0';
	if (make_hash(random, k->dummy) != 0)
		k->dummy[0] = '\0';
	for (;;) {
		struct job *j;

		pthread_mutex_lock(&k->lock);
		while (!k->stop && !k->first)
			pthread_cond_wait(&k->wake, &k->lock);
		if (k->stop) {
			pthread_mutex_unlock(&k->lock);
			return NULL;
		}
		j = k->first;
		k->first = j->next;
		if (!k->first)
			k->last = NULL;
		pthread_mutex_unlock(&k->lock);
		run_job(k, j);
		/* a pointer is fewer than PIPE_BUF bytes: written whole or not at all; the
		 * pipe holds thousands, more than the queue's bound */
		while (write(k->pipe_w, &j, sizeof(j)) < 0 && errno == EINTR)
			;
	}
}

static void deliver(struct job *j)
{
	struct hl_kdf_result r = {j->outcome, j->new_hash};

	j->fn(&r, j->arg);
	sodium_memzero(j, sizeof(*j));
	free(j);
}

/* Reads finished jobs off the pipe and calls them back; returns how many. */
static size_t drain(struct hl_kdf *k)
{
	struct job *j;
	size_t n = 0;

	while (read(k->pipe_r, &j, sizeof(j)) == (ssize_t)sizeof(j)) {
		k->pending--;
		n++;
		deliver(j);
	}
	return n;
}

static void jobs_done(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drain(arg);
}

struct hl_kdf *hl_kdf_start(struct event_base *base, size_t queue_max)
{
	struct hl_kdf *k = calloc(1, sizeof(*k));
	int fds[2];

	if (!k)
		return NULL;
	k->max = queue_max;
	k->pipe_r = k->pipe_w = -1;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(k);
		return NULL;
	}
	k->pipe_r = fds[0];
	k->pipe_w = fds[1];
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->wake, NULL);
	if (!(k->done_ev = event_new(base, k->pipe_r, EV_READ | EV_PERSIST, jobs_done, k)) ||
	    event_add(k->done_ev, NULL) < 0 || pthread_create(&k->thread, NULL, worker, k) != 0) {
		if (k->done_ev)
			event_free(k->done_ev);
		close(k->pipe_r);
		close(k->pipe_w);
		pthread_mutex_destroy(&k->lock);
		pthread_cond_destroy(&k->wake);
		free(k);
		return NULL;
	}
	return k;
}

static int queue(struct hl_kdf *k, enum job_op op, const char *password, const char *hash,
		 hl_kdf_done_fn fn, void *arg)
{
	struct job *j;

	if (k->pending >= k->max || strlen(password) > HL_PASSWORD_MAX ||
	    (hash && strlen(hash) >= crypto_pwhash_STRBYTES) || !(j = calloc(1, sizeof(*j))))
		return -1;
	j->op = op;
	memcpy(j->password, password, strlen(password) + 1);
	if (hash)
		memcpy(j->hash, hash, strlen(hash) + 1);
	j->fn = fn;
	j->arg = arg;
	k->pending++;
	pthread_mutex_lock(&k->lock);
	if (k->last)
		k->last->next = j;
	else
		k->first = j;
	k->last = j;
	pthread_cond_signal(&k->wake);
	pthread_mutex_unlock(&k->lock);
	return 0;
}

int hl_kdf_verify(struct hl_kdf *k, const char *password, const char *hash, hl_kdf_done_fn fn,
		  void *arg)
{
	return queue(k, JOB_VERIFY, password, hash ? hash : "", fn, arg);
}

int hl_kdf_hash(struct hl_kdf *k, const char *password, hl_kdf_done_fn fn, void *arg)
{
	return queue(k, JOB_HASH, password, NULL, fn, arg);
}

size_t hl_kdf_pending(const struct hl_kdf *k)
{
	return k->pending;
}

void hl_kdf_free(struct hl_kdf *k)
{
	struct job *j;

	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	k->stop = 1;
	pthread_cond_signal(&k->wake);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->thread, NULL);
	drain(k);
	while ((j = k->first)) {
		k->first = j->next;
		k->pending--;
		j->outcome = HL_KDF_CANCELLED;
		deliver(j);
	}
	if (k->pending)
		hl_log(HL_LOG_WARN, "people", "kdf_lost jobs=%zu", k->pending);
	event_free(k->done_ev);
	close(k->pipe_r);
	close(k->pipe_w);
	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->wake);
	sodium_memzero(k->dummy, sizeof(k->dummy));
	free(k);
}
