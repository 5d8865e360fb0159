/* ratelimit.h: at most N writes per person per window, counted in a
 * mod_socache provider so every httpd process (and, with memcache or
 * redis, every node) shares the counters. */
#ifndef SOCIAL_RATELIMIT_H
#define SOCIAL_RATELIMIT_H

#include <httpd.h>

void social_ratelimit_register_hooks(apr_pool_t *p);

/* Counts a write by the requester. Returns 0 if allowed, else the
 * seconds until the window ends (for Retry-After). Without a configured
 * limit, or if the cache fails (logged), writes are allowed. */
int social_ratelimit_exceeded(request_rec *r);

#endif /* SOCIAL_RATELIMIT_H */
