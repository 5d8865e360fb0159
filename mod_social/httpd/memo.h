/* memo.h: small per-process tables of short answers worth remembering
 * (a person's form token for its minute, that a person was recorded
 * today): one slot per hash of the key, the newest answer winning a
 * slot, shared by the process's threads under one lock. Nothing in
 * them is needed: a miss only costs the work again. */
#ifndef SOCIAL_MEMO_H
#define SOCIAL_MEMO_H

#include <apr_pools.h>

typedef struct social_memo social_memo;

/* A table of slots, made in a child's pool at its start (it goes with
 * the pool); NULL if no lock could be made (then nothing is remembered). */
social_memo *social_memo_make(apr_pool_t *p, int slots);

/* The value remembered under key, copied into p; NULL if none (or memo
 * is NULL). */
const char *social_memo_get(social_memo *memo, apr_pool_t *p, const char *key);

/* Remembers value under key; a key or value too long for a slot (240
 * and 96 bytes) is not remembered. */
void social_memo_put(social_memo *memo, const char *key, const char *value);

#endif /* SOCIAL_MEMO_H */
