/* Unit tests for the password-hashing worker (core/people/kdf.c): a hash made on the
 * worker comes back on the event loop and verifies; a wrong password and the dummy (an
 * unknown login) do not match; the queue's bound refuses at once; freeing the worker
 * calls back what it had not run, as cancelled. The loop is guarded by a timeout. */
#include <criterion/criterion.h>
#include <event2/event.h>
#include <sodium.h>
#include <string.h>

#include "people/kdf.h"

struct seen {
	int calls;
	enum hl_kdf_outcome outcome;
	char hash[crypto_pwhash_STRBYTES];
	struct event_base *base;
};

static void done(const struct hl_kdf_result *r, void *arg)
{
	struct seen *s = arg;

	s->calls++;
	s->outcome = r->outcome;
	snprintf(s->hash, sizeof(s->hash), "%s", r->hash);
	if (s->base)
		event_base_loopbreak(s->base);
}

/* Runs the loop until done() breaks it, or 20 s pass (a failure, not a hang). */
static void wait_for(struct event_base *base, struct seen *s)
{
	struct timeval guard = {20, 0};

	s->base = base;
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
	cr_assert_eq(s->calls, 1, "no answer from the worker");
}

Test(kdf, hashes_and_verifies_off_the_loop)
{
	struct event_base *base = event_base_new();
	struct hl_kdf *k;
	struct seen made = {0}, right = {0}, wrong = {0}, unknown = {0};

	cr_assert_eq(sodium_init() >= 0, 1);
	cr_assert_not_null(k = hl_kdf_start(base, 4));
	cr_assert_eq(hl_kdf_hash(k, "正确的马 battery staple", done, &made), 0);
	cr_expect_eq(made.calls, 0, "answered on the caller's stack");
	wait_for(base, &made);
	cr_assert_eq(made.outcome, HL_KDF_HASHED);
	cr_expect(strncmp(made.hash, "$argon2id$", 10) == 0, "%s", made.hash);
	cr_assert_eq(hl_kdf_verify(k, "正确的马 battery staple", made.hash, done, &right), 0);
	wait_for(base, &right);
	cr_expect_eq(right.outcome, HL_KDF_MATCH);
	cr_expect_str_eq(right.hash, "", "a current hash needs no rehash");
	cr_assert_eq(hl_kdf_verify(k, "wrong", made.hash, done, &wrong), 0);
	wait_for(base, &wrong);
	cr_expect_eq(wrong.outcome, HL_KDF_MISMATCH);
	cr_assert_eq(hl_kdf_verify(k, "anything", NULL, done, &unknown), 0);
	wait_for(base, &unknown);
	cr_expect_eq(unknown.outcome, HL_KDF_MISMATCH, "the dummy hash matched");
	cr_expect_eq(hl_kdf_pending(k), 0);
	hl_kdf_free(k);
	event_base_free(base);
}

Test(kdf, the_queue_is_bounded_and_a_stop_cancels_what_waits)
{
	struct event_base *base = event_base_new();
	struct hl_kdf *k;
	struct seen a = {0}, b = {0}, c = {0};
	char huge[HL_PASSWORD_MAX + 2];

	cr_assert_eq(sodium_init() >= 0, 1);
	cr_assert_not_null(k = hl_kdf_start(base, 2));
	cr_assert_eq(hl_kdf_hash(k, "first password", done, &a), 0);
	cr_assert_eq(hl_kdf_hash(k, "second password", done, &b), 0);
	cr_expect_eq(hl_kdf_hash(k, "third password", done, &c), -1, "past the bound");
	memset(huge, 'x', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	cr_expect_eq(hl_kdf_verify(k, huge, NULL, done, &c), -1, "a password too long");
	hl_kdf_free(k); /* the worker finishes one at most; the other is cancelled */
	cr_expect_eq(a.calls, 1);
	cr_expect_eq(b.calls, 1);
	cr_expect_eq(c.calls, 0);
	cr_expect(a.outcome == HL_KDF_HASHED || a.outcome == HL_KDF_CANCELLED);
	cr_expect_eq(b.outcome, HL_KDF_CANCELLED);
	event_base_free(base);
}
