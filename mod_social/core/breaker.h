/* breaker.h: a circuit breaker for the database, shared by the threads
 * of a process. Pure APR (atomics), no httpd: unit-tested alone.
 *
 * Closed, every caller may use the database. A failure opens it: for a
 * back-off period nobody does, then exactly one caller (the probe) may
 * try; its success closes the breaker, its failure opens it again for a
 * longer period (doubling up to a maximum). */
#ifndef SOCIAL_BREAKER_H
#define SOCIAL_BREAKER_H

#include <apr_time.h>

typedef struct {
    volatile apr_uint32_t state;      /* SOCIAL_BREAKER_CLOSED, ... */
    volatile apr_uint32_t failures;   /* failed probes in a row, for the back-off */
    volatile apr_uint64_t open_until; /* apr_time_t: when a probe may run */
    apr_interval_time_t backoff_min;
    apr_interval_time_t backoff_max;
} social_breaker;

enum {
    SOCIAL_BREAKER_CLOSED = 0,
    SOCIAL_BREAKER_OPEN,
    SOCIAL_BREAKER_PROBING
};

/* What a caller may do now. */
typedef enum {
    SOCIAL_BREAKER_USE = 0,    /* closed: go ahead */
    SOCIAL_BREAKER_WAIT,       /* open, or another caller is probing: do not touch */
    SOCIAL_BREAKER_PROBE       /* this caller is the one probe: try, then report */
} social_breaker_verdict;

void social_breaker_init(social_breaker *b, apr_interval_time_t backoff_min,
                         apr_interval_time_t backoff_max);

/* may_probe 0: a caller that never probes (another thread does) gets
 * WAIT where it would have been the probe. */
social_breaker_verdict social_breaker_ask(social_breaker *b, apr_time_t now, int may_probe);

/* The database answered. Returns nonzero if this closed an open breaker. */
int social_breaker_success(social_breaker *b);

/* The database failed or missed a deadline. Returns nonzero if this
 * opened a closed breaker (the caller logs that once). */
int social_breaker_failure(social_breaker *b, apr_time_t now);

/* How long until a probe may run (0 if closed or due now). */
apr_interval_time_t social_breaker_remaining(social_breaker *b, apr_time_t now);

#endif /* SOCIAL_BREAKER_H */
