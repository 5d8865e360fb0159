/* memo.c: per-process tables of short answers (see memo.h). */
#include "memo.h"

#include <string.h>

#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include "text.h"

#define MEMO_KEY_MAX 240
#define MEMO_VALUE_MAX 96

typedef struct {
    char key[MEMO_KEY_MAX];
    char value[MEMO_VALUE_MAX];
} memo_slot;

struct social_memo {
    int slots;
    memo_slot *slot;
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;
#endif
};

social_memo *social_memo_make(apr_pool_t *p, int slots)
{
    social_memo *memo = apr_pcalloc(p, sizeof(*memo));

    memo->slots = slots;
    memo->slot = apr_pcalloc(p, (apr_size_t)slots * sizeof(memo_slot));
#if APR_HAS_THREADS
    if (apr_thread_mutex_create(&memo->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS) {
        return NULL;
    }
#endif
    return memo;
}

static memo_slot *memo_lock(social_memo *memo, const char *key)
{
#if APR_HAS_THREADS
    if (apr_thread_mutex_lock(memo->lock) != APR_SUCCESS) {
        return NULL;
    }
#endif
    return &memo->slot[social_text_hash(key) % (apr_uint32_t)memo->slots];
}

static void memo_unlock(social_memo *memo)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(memo->lock);
#else
    (void)memo;
#endif
}

const char *social_memo_get(social_memo *memo, apr_pool_t *p, const char *key)
{
    const char *value = NULL;
    memo_slot *slot;

    if (memo == NULL || *key == '\0' || (slot = memo_lock(memo, key)) == NULL) {
        return NULL;
    }
    if (strcmp(slot->key, key) == 0) {
        value = apr_pstrdup(p, slot->value);
    }
    memo_unlock(memo);
    return value;
}

void social_memo_put(social_memo *memo, const char *key, const char *value)
{
    memo_slot *slot;

    if (memo == NULL || *key == '\0' || strlen(key) >= MEMO_KEY_MAX
        || strlen(value) >= MEMO_VALUE_MAX || (slot = memo_lock(memo, key)) == NULL) {
        return;
    }
    apr_cpystrn(slot->key, key, sizeof(slot->key));
    apr_cpystrn(slot->value, value, sizeof(slot->value));
    memo_unlock(memo);
}
