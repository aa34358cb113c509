/*
 * Password hashing off the event loop. argon2id (libsodium's crypto_pwhash_str, the
 * "interactive" limits: 64 MiB and a few tenths of a second of CPU) would stall every
 * ticket if the loop ran it, so one worker thread runs the hashes and checks, one at a
 * time, from a bounded queue; each result comes back to the loop through a pipe watched
 * by an event, and its callback runs on the loop. A check of an unknown login runs
 * against a dummy hash the worker makes first, so that it costs what a real one does.
 * Everything here but the worker itself is called on the event loop.
 */
#ifndef HL_KDF_H
#define HL_KDF_H

#include <stddef.h>

struct event_base;
struct hl_kdf;

#define HL_PASSWORD_MAX 1024 /* longest password accepted, in bytes */

enum hl_kdf_outcome {
	HL_KDF_MATCH,     /* the password matches the hash */
	HL_KDF_MISMATCH,  /* it does not (or the hash was the dummy, or not a hash) */
	HL_KDF_HASHED,    /* a hash was made */
	HL_KDF_FAILED,    /* libsodium failed (out of memory) */
	HL_KDF_CANCELLED, /* the worker was stopped before it got to the job */
};

/* A job's result, borrowed for the callback's call. hash is the new hash (HASHED), or a
 * rehash of a password that matched a hash made with weaker limits than today's (MATCH;
 * crypto_pwhash_str_needs_rehash), or "". */
struct hl_kdf_result {
	enum hl_kdf_outcome outcome;
	const char *hash;
};

typedef void (*hl_kdf_done_fn)(const struct hl_kdf_result *r, void *arg);

/* Starts the worker thread, with at most queue_max jobs waiting or running. Returns NULL
 * when out of memory or without a thread. Call sodium_init() before. */
struct hl_kdf *hl_kdf_start(struct event_base *base, size_t queue_max);

/* Checks password against hash (a crypto_pwhash_str string; NULL or "": the dummy, which
 * never matches). Both are copied; the copy of the password is wiped after use. Returns 0
 * (fn will be called once, on the loop), or -1 when the queue is full or the password too
 * long (fn will not be called: answer 503). */
int hl_kdf_verify(struct hl_kdf *k, const char *password, const char *hash, hl_kdf_done_fn fn,
		  void *arg);

/* Hashes password; as hl_kdf_verify. */
int hl_kdf_hash(struct hl_kdf *k, const char *password, hl_kdf_done_fn fn, void *arg);

/* Jobs waiting or running. */
size_t hl_kdf_pending(const struct hl_kdf *k);

/* Stops the worker (after the job it runs), calls the callbacks of finished jobs with
 * their results and of the others with HL_KDF_CANCELLED, before returning, then frees. */
void hl_kdf_free(struct hl_kdf *k);

#endif
