/* fragcache.c: SocialCache through mod_socache. */
#include "fragcache.h"

#include <string.h>

#include <ap_provider.h>
#include <ap_socache.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <util_mutex.h>

#include "config.h"
#include "store.h"

APLOG_USE_MODULE(social);

#define SOCIAL_FRAGCACHE_MUTEX "social-cache"

/* Bytes of shared memory for "SocialCache shmcb" without a size. */
#define SOCIAL_CACHE_SHMCB_SIZE 8388608

/* A version outlives the entries stored under it by far: when it is
 * evicted anyway, the next view simply starts a new one. */
#define VERSION_TTL apr_time_from_sec(86400)
#define VERSION_BYTES 8

/* One cache for the whole server; keys carry the site, so virtual hosts
 * never share entries. */
static const ap_socache_provider_t *provider;
static ap_socache_instance_t *instance;
static apr_global_mutex_t *mutex;     /* only for providers not safe across processes */

static int fragcache_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    provider = NULL;
    instance = NULL;
    mutex = NULL;
    return ap_mutex_register(pconf, SOCIAL_FRAGCACHE_MUTEX, NULL, APR_LOCK_DEFAULT, 0);
}

static apr_status_t fragcache_cleanup(void *data)
{
    if (provider != NULL && instance != NULL) {
        provider->destroy(instance, (server_rec *)data);
    }
    instance = NULL;
    return APR_SUCCESS;
}

static int fragcache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                 apr_pool_t *ptemp, server_rec *s)
{
    const social_srv_conf *sc = social_config_srv(s);
    const char *name, *args, *error;
    struct ap_socache_hints hints = { 256, 32768, 30 };
    apr_status_t rv;

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;   /* the first, dry reading of the configuration */
    }
    if (sc->cache != NULL && strcasecmp(sc->cache, "off") == 0) {
        return OK;
    }
    name = sc->cache ? sc->cache : "shmcb";
    args = strchr(name, ':');
    if (args != NULL) {
        name = apr_pstrmemdup(ptemp, name, (apr_size_t)(args - name));
        args++;
    }
    else if (strcmp(name, "shmcb") == 0) {
        /* shmcb's own default (512 KB in 32 parts) cannot hold a long
         * discussion: give it room, in the server's runtime directory. */
        args = apr_pstrcat(ptemp, ap_runtime_dir_relative(ptemp, "mod_social-cache"),
                           "(" APR_STRINGIFY(SOCIAL_CACHE_SHMCB_SIZE) ")", NULL);
    }
    provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION);
    if (provider == NULL) {
        if (sc->cache == NULL) {
            /* Only the default: pages work, each view renders. */
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                         "SOCIAL1201: mod_socache_shmcb is not loaded: discussions are "
                         "rendered for every view (load it, or say SocialCache off)");
            return OK;
        }
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "SOCIAL1202: SocialCache needs the socache provider \"%s\": "
                     "load mod_socache_%s", name, name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    error = provider->create(&instance, args, ptemp, pconf);
    if (error != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "SOCIAL1203: SocialCache %s: %s",
                     name, error);
        instance = NULL;
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&mutex, NULL, SOCIAL_FRAGCACHE_MUTEX, NULL, s, pconf, 0);
        if (rv != APR_SUCCESS) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    rv = provider->init(instance, "mod_social-cache", &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "SOCIAL1204: the discussion cache (%s) could not be initialised", name);
        instance = NULL;
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, s, fragcache_cleanup, apr_pool_cleanup_null);
    return OK;
}

static void fragcache_child_init(apr_pool_t *p, server_rec *s)
{
    if (mutex != NULL) {
        apr_status_t rv = apr_global_mutex_child_init(&mutex,
                                                      apr_global_mutex_lockfile(mutex), p);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         "SOCIAL1205: the discussion cache's lock could not be reopened; "
                         "the cache is off in this process");
            instance = NULL;
        }
    }
}

int social_fragcache_enabled(void)
{
    return instance != NULL;
}

static int lock(void)
{
    return mutex == NULL || apr_global_mutex_lock(mutex) == APR_SUCCESS;
}

static void unlock(void)
{
    if (mutex != NULL) {
        apr_global_mutex_unlock(mutex);
    }
}

const char *social_fragcache_get(request_rec *r, const char *key, apr_size_t max,
                                 apr_size_t *len)
{
    unsigned char *buf;
    unsigned int n;
    apr_status_t rv;

    if (instance == NULL || max > SOCIAL_FRAGCACHE_ENTRY_MAX || !lock()) {
        return NULL;
    }
    n = (unsigned int)max;
    buf = apr_palloc(r->pool, max + 1);
    rv = provider->retrieve(instance, r->server, (const unsigned char *)key,
                            (unsigned int)strlen(key), buf, &n, r->pool);
    unlock();
    if (rv != APR_SUCCESS) {
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return (const char *)buf;
}

void social_fragcache_put(request_rec *r, const char *key, const char *data,
                          apr_size_t len)
{
    const social_srv_conf *sc = social_config_srv(r->server);
    apr_interval_time_t ttl = apr_time_from_sec(sc->cache_ttl ? sc->cache_ttl
                                                              : SOCIAL_CACHE_TTL_DEFAULT);
    apr_status_t rv;

    if (instance == NULL || len > SOCIAL_FRAGCACHE_ENTRY_MAX
        || apr_table_get(r->notes, SOCIAL_STORE_BROKEN_NOTE) != NULL || !lock()) {
        return;   /* (what a cut-off result gave is never kept) */
    }
    rv = provider->store(instance, r->server, (const unsigned char *)key,
                         (unsigned int)strlen(key), apr_time_now() + ttl,
                         (unsigned char *)data, (unsigned int)len, r->pool);
    unlock();
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, r,
                      "SOCIAL1206: the discussion cache did not keep %" APR_SIZE_T_FMT
                      " bytes (too large for it?)", len);
    }
}

const char *social_fragcache_vhost(request_rec *r)
{
    return apr_psprintf(r->pool, "%s:%u", social_store_site(r), (unsigned)r->server->port);
}

static const char *version_key(request_rec *r, const char *page)
{
    return apr_pstrcat(r->pool, "v\n", social_fragcache_vhost(r), "\n", page, NULL);
}

/* Stores a new random version for the page; NULL if the cache fails. */
static const char *version_new(request_rec *r, const char *key)
{
    unsigned char raw[VERSION_BYTES];
    char *hex = apr_palloc(r->pool, 2 * VERSION_BYTES + 1);
    static const char digits[] = "0123456789abcdef";
    apr_status_t rv;
    int k;

    if (apr_generate_random_bytes(raw, sizeof(raw)) != APR_SUCCESS) {
        return NULL;
    }
    for (k = 0; k < VERSION_BYTES; k++) {
        hex[2 * k] = digits[raw[k] >> 4];
        hex[2 * k + 1] = digits[raw[k] & 15];
    }
    hex[2 * VERSION_BYTES] = '\0';
    if (!lock()) {
        return NULL;
    }
    rv = provider->store(instance, r->server, (const unsigned char *)key,
                         (unsigned int)strlen(key), apr_time_now() + VERSION_TTL,
                         (unsigned char *)hex, 2 * VERSION_BYTES, r->pool);
    unlock();
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r,
                      "SOCIAL1207: the discussion cache refused a page version; "
                      "this view is rendered without it");
        return NULL;
    }
    return hex;
}

/* The version stored under key; a new one if there is none. */
static const char *version_get(request_rec *r, const char *key)
{
    unsigned char buf[2 * VERSION_BYTES + 1];
    unsigned int n = 2 * VERSION_BYTES;
    apr_status_t rv;

    if (!lock()) {
        return NULL;
    }
    rv = provider->retrieve(instance, r->server, (const unsigned char *)key,
                            (unsigned int)strlen(key), buf, &n, r->pool);
    unlock();
    if (rv == APR_SUCCESS && n == 2 * VERSION_BYTES) {
        return apr_pstrmemdup(r->pool, (const char *)buf, n);
    }
    return version_new(r, key);
}

const char *social_fragcache_version(request_rec *r, const char *page)
{
    return instance == NULL ? NULL : version_get(r, version_key(r, page));
}

/* Notifications are counted across sites: one epoch for all. */
#define EPOCH_KEY "e\nnotifications"

const char *social_fragcache_epoch(request_rec *r)
{
    return instance == NULL ? NULL : version_get(r, EPOCH_KEY);
}

void social_fragcache_notified(request_rec *r)
{
    if (instance != NULL && version_new(r, EPOCH_KEY) == NULL && lock()) {
        provider->remove(instance, r->server, (const unsigned char *)EPOCH_KEY,
                         (unsigned int)strlen(EPOCH_KEY), r->pool);
        unlock();
    }
}

void social_fragcache_touch(request_rec *r, const char *page)
{
    const char *key;

    if (instance == NULL || page == NULL) {
        return;
    }
    social_fragcache_notified(r);   /* the write may have notified someone */
    key = version_key(r, page);
    if (version_new(r, key) == NULL) {
        /* The old version may live on: remove it, so nothing stored
         * under it is found again. */
        if (lock()) {
            provider->remove(instance, r->server, (const unsigned char *)key,
                             (unsigned int)strlen(key), r->pool);
            unlock();
        }
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL1208: could not give %s a new version in the discussion "
                      "cache; views may show the discussion before this change for up "
                      "to SocialCacheTTL", page);
    }
}

void social_fragcache_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(fragcache_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(fragcache_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(fragcache_child_init, NULL, NULL, APR_HOOK_MIDDLE);
}
