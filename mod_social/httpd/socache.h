/* socache.h: the one mod_socache set-up shared by every cache of the
 * module (SocialCache, SocialRateLimitCache): the provider named by
 * "name[:args]", its instance, the global mutex around it, and the
 * pre_config / post_config / child_init / cleanup steps. */
#ifndef SOCIAL_SOCACHE_H
#define SOCIAL_SOCACHE_H

#include <httpd.h>
#include <ap_socache.h>
#include <apr_global_mutex.h>

typedef struct {
    /* Said by the owner. */
    const char *mutex_type;     /* the Mutex directive's name, e.g. "social-cache" */
    const char *namespace;      /* the provider's namespace, e.g. "mod_social-cache" */
    const char *directive;      /* the directive naming the provider, for the log */
    const char *what;           /* what the cache is, for the log */
    int always_locked;          /* lock even a provider safe across processes */
    /* Set up here; instance is NULL while the cache is off. */
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
    apr_global_mutex_t *mutex;
} social_socache;

/* pre_config: forgets the last generation, registers the mutex type. */
int social_socache_pre_config(social_socache *c, apr_pool_t *pconf);

/* post_config, first half: splits spec ("name[:args]") into *name and
 * *args (NULL without) and looks the provider up (c->provider is NULL if
 * its module is not loaded; the owner says what that means). */
void social_socache_lookup(social_socache *c, const char *spec, apr_pool_t *ptemp,
                           const char **name, const char **args);

/* post_config, second half: creates and initialises the instance, with
 * its mutex, destroyed with pconf. Returns OK, or logs (crit) and returns
 * HTTP_INTERNAL_SERVER_ERROR (httpd does not start). */
int social_socache_open(social_socache *c, const char *name, const char *args,
                        struct ap_socache_hints *hints, server_rec *s,
                        apr_pool_t *pconf, apr_pool_t *ptemp);

/* child_init: reopens the mutex; the cache is off in a process that
 * cannot (logged). */
void social_socache_child_init(social_socache *c, apr_pool_t *p, server_rec *s);

/* Takes the mutex if there is one; 0 if it cannot be taken. */
int social_socache_lock(social_socache *c);
void social_socache_unlock(social_socache *c);

/* One locked call to the provider each. */
apr_status_t social_socache_retrieve(social_socache *c, request_rec *r, const char *key,
                                     unsigned char *buf, unsigned int *len);
apr_status_t social_socache_store(social_socache *c, request_rec *r, const char *key,
                                  apr_time_t expiry, const void *data, unsigned int len);
void social_socache_remove(social_socache *c, request_rec *r, const char *key);

#endif /* SOCIAL_SOCACHE_H */
