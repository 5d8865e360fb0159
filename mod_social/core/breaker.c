/* breaker.c: the database circuit breaker (see breaker.h). */
#include <apr_atomic.h>

#include "breaker.h"

void social_breaker_init(social_breaker *b, apr_interval_time_t backoff_min,
                         apr_interval_time_t backoff_max)
{
    b->state = SOCIAL_BREAKER_CLOSED;
    b->failures = 0;
    b->open_until = 0;
    b->backoff_min = backoff_min;
    b->backoff_max = backoff_max < backoff_min ? backoff_min : backoff_max;
}

social_breaker_verdict social_breaker_ask(social_breaker *b, apr_time_t now, int may_probe)
{
    switch (apr_atomic_read32(&b->state)) {
    case SOCIAL_BREAKER_CLOSED:
        return SOCIAL_BREAKER_USE;
    case SOCIAL_BREAKER_OPEN:
        if (!may_probe || (apr_time_t)apr_atomic_read64(&b->open_until) > now) {
            return SOCIAL_BREAKER_WAIT;
        }
        /* Due: the one caller that moves it to probing is the probe. */
        return apr_atomic_cas32(&b->state, SOCIAL_BREAKER_PROBING, SOCIAL_BREAKER_OPEN)
               == SOCIAL_BREAKER_OPEN ? SOCIAL_BREAKER_PROBE : SOCIAL_BREAKER_WAIT;
    default:
        return SOCIAL_BREAKER_WAIT;
    }
}

int social_breaker_success(social_breaker *b)
{
    apr_uint32_t was;

    if (apr_atomic_read32(&b->state) == SOCIAL_BREAKER_CLOSED) {
        return 0;   /* the common case costs one read */
    }
    apr_atomic_set32(&b->failures, 0);
    was = apr_atomic_xchg32(&b->state, SOCIAL_BREAKER_CLOSED);
    return was != SOCIAL_BREAKER_CLOSED;
}

int social_breaker_failure(social_breaker *b, apr_time_t now)
{
    apr_interval_time_t wait = b->backoff_min;
    apr_uint32_t n, was = apr_atomic_read32(&b->state);

    if (was == SOCIAL_BREAKER_OPEN) {
        return 0;   /* opened by another caller's failure: its period stands */
    }
    /* The first failure waits the minimum, every failed probe twice as
     * long as the one before, up to the maximum. */
    n = apr_atomic_inc32(&b->failures);
    while (n-- > 0 && wait < b->backoff_max) {
        wait *= 2;
    }
    if (wait > b->backoff_max) {
        wait = b->backoff_max;
    }
    apr_atomic_set64(&b->open_until, (apr_uint64_t)(now + wait));
    was = apr_atomic_xchg32(&b->state, SOCIAL_BREAKER_OPEN);
    return was == SOCIAL_BREAKER_CLOSED;
}

apr_interval_time_t social_breaker_remaining(social_breaker *b, apr_time_t now)
{
    apr_time_t until;

    if (apr_atomic_read32(&b->state) == SOCIAL_BREAKER_CLOSED) {
        return 0;
    }
    until = (apr_time_t)apr_atomic_read64(&b->open_until);
    return until > now ? until - now : 0;
}
