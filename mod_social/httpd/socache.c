/* socache.c: the one mod_socache set-up (see socache.h). */
#include "socache.h"

#include <string.h>

#include <ap_provider.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <util_mutex.h>

APLOG_USE_MODULE(social);

int social_socache_pre_config(social_socache *c, apr_pool_t *pconf)
{
    c->provider = NULL;
    c->instance = NULL;
    c->mutex = NULL;
    return ap_mutex_register(pconf, c->mutex_type, NULL, APR_LOCK_DEFAULT, 0);
}

void social_socache_lookup(social_socache *c, const char *spec, apr_pool_t *ptemp,
                           const char **name, const char **args)
{
    const char *colon = strchr(spec, ':');

    *name = colon ? apr_pstrmemdup(ptemp, spec, (apr_size_t)(colon - spec)) : spec;
    *args = colon ? colon + 1 : NULL;
    c->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, *name,
                                     AP_SOCACHE_PROVIDER_VERSION);
}

typedef struct {
    social_socache *cache;
    server_rec *s;
} cleanup_data;

static apr_status_t socache_cleanup(void *data)
{
    cleanup_data *d = data;

    if (d->cache->provider != NULL && d->cache->instance != NULL) {
        d->cache->provider->destroy(d->cache->instance, d->s);
    }
    d->cache->instance = NULL;
    return APR_SUCCESS;
}

int social_socache_open(social_socache *c, const char *name, const char *args,
                        struct ap_socache_hints *hints, server_rec *s,
                        apr_pool_t *pconf, apr_pool_t *ptemp)
{
    cleanup_data *d;
    const char *error = c->provider->create(&c->instance, args, ptemp, pconf);
    apr_status_t rv;

    if (error != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "SOCIAL1360: %s %s: %s",
                     c->directive, name, error);
        c->instance = NULL;
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (c->always_locked || (c->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE)) {
        /* (ap_global_mutex_create logs why it failed) */
        rv = ap_global_mutex_create(&c->mutex, NULL, c->mutex_type, NULL, s, pconf, 0);
        if (rv != APR_SUCCESS) {
            c->instance = NULL;
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    rv = c->provider->init(c->instance, c->namespace, hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "SOCIAL1361: %s (%s) could not be initialised", c->what, name);
        c->instance = NULL;
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    d = apr_palloc(pconf, sizeof(*d));
    d->cache = c;
    d->s = s;
    apr_pool_cleanup_register(pconf, d, socache_cleanup, apr_pool_cleanup_null);
    return OK;
}

void social_socache_child_init(social_socache *c, apr_pool_t *p, server_rec *s)
{
    apr_status_t rv;

    if (c->mutex == NULL) {
        return;
    }
    rv = apr_global_mutex_child_init(&c->mutex, apr_global_mutex_lockfile(c->mutex), p);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "SOCIAL1362: the lock of %s could not be reopened; "
                     "it is off in this process", c->what);
        c->instance = NULL;
    }
}

int social_socache_lock(social_socache *c)
{
    return c->mutex == NULL || apr_global_mutex_lock(c->mutex) == APR_SUCCESS;
}

void social_socache_unlock(social_socache *c)
{
    if (c->mutex != NULL) {
        apr_global_mutex_unlock(c->mutex);
    }
}

apr_status_t social_socache_retrieve(social_socache *c, request_rec *r, const char *key,
                                     unsigned char *buf, unsigned int *len)
{
    apr_status_t rv;

    if (!social_socache_lock(c)) {
        return APR_EGENERAL;
    }
    rv = c->provider->retrieve(c->instance, r->server, (const unsigned char *)key,
                               (unsigned int)strlen(key), buf, len, r->pool);
    social_socache_unlock(c);
    return rv;
}

apr_status_t social_socache_store(social_socache *c, request_rec *r, const char *key,
                                  apr_time_t expiry, const void *data, unsigned int len)
{
    apr_status_t rv;

    if (!social_socache_lock(c)) {
        return APR_EGENERAL;
    }
    rv = c->provider->store(c->instance, r->server, (const unsigned char *)key,
                            (unsigned int)strlen(key), expiry,
                            (unsigned char *)data, len, r->pool);
    social_socache_unlock(c);
    return rv;
}

void social_socache_remove(social_socache *c, request_rec *r, const char *key)
{
    if (social_socache_lock(c)) {
        c->provider->remove(c->instance, r->server, (const unsigned char *)key,
                            (unsigned int)strlen(key), r->pool);
        social_socache_unlock(c);
    }
}
