/* fragcache.c: SocialCache through mod_socache. */
#include "fragcache.h"

#include <string.h>

#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>

#include "config.h"
#include "request.h"
#include "socache.h"
#include "store.h"

APLOG_USE_MODULE(social);

/* Bytes of shared memory for "SocialCache shmcb" without a size. */
#define SOCIAL_CACHE_SHMCB_SIZE 8388608

/* A version outlives the entries stored under it by far: when it is
 * evicted anyway, the next view simply starts a new one. */
#define VERSION_TTL apr_time_from_sec(86400)
#define VERSION_BYTES 8

/* One cache for the whole server; keys carry the site, so virtual hosts
 * never share entries. Locked only for providers not safe across
 * processes. */
static social_socache cache = {
    "social-cache", "mod_social-cache", "SocialCache", "the discussion cache", 0,
    NULL, NULL, NULL
};

static int fragcache_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    return social_socache_pre_config(&cache, pconf);
}

static int fragcache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                 apr_pool_t *ptemp, server_rec *s)
{
    const social_srv_conf *sc = social_config_srv(s);
    const char *name, *args;
    struct ap_socache_hints hints = { 256, 32768, 30 };

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;   /* the first, dry reading of the configuration */
    }
    if (sc->cache != NULL && strcasecmp(sc->cache, "off") == 0) {
        return OK;
    }
    social_socache_lookup(&cache, sc->cache ? sc->cache : "shmcb", ptemp, &name, &args);
    if (args == NULL && strcmp(name, "shmcb") == 0) {
        /* shmcb's own default (512 KB in 32 parts) cannot hold a long
         * discussion: give it room, in the server's runtime directory. */
        args = apr_pstrcat(ptemp, ap_runtime_dir_relative(ptemp, "mod_social-cache"),
                           "(" APR_STRINGIFY(SOCIAL_CACHE_SHMCB_SIZE) ")", NULL);
    }
    if (cache.provider == NULL) {
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
    return social_socache_open(&cache, name, args, &hints, s, pconf, ptemp);
}

static void fragcache_child_init(apr_pool_t *p, server_rec *s)
{
    social_socache_child_init(&cache, p, s);
}

int social_fragcache_enabled(void)
{
    return cache.instance != NULL;
}

const char *social_fragcache_get(request_rec *r, const char *key, apr_size_t max,
                                 apr_size_t *len)
{
    unsigned char *buf;
    unsigned int n;
    apr_status_t rv;

    if (cache.instance == NULL || max > SOCIAL_FRAGCACHE_ENTRY_MAX) {
        return NULL;
    }
    n = (unsigned int)max;
    buf = apr_palloc(r->pool, max + 1);
    rv = social_socache_retrieve(&cache, r, key, buf, &n);
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

    if (cache.instance == NULL || len > SOCIAL_FRAGCACHE_ENTRY_MAX
        || apr_table_get(r->notes, SOCIAL_STORE_BROKEN_NOTE) != NULL) {
        return;   /* (what a cut-off result gave is never kept) */
    }
    rv = social_socache_store(&cache, r, key, apr_time_now() + ttl, data, (unsigned int)len);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, r,
                      "SOCIAL1206: the discussion cache did not keep %" APR_SIZE_T_FMT
                      " bytes (too large for it?)", len);
    }
}

int social_fragcache_remembered(request_rec *r, const char *key, apr_interval_time_t ttl)
{
    unsigned char buf[2];
    unsigned int n = sizeof(buf);

    if (cache.instance == NULL) {
        return -1;
    }
    if (social_socache_retrieve(&cache, r, key, buf, &n) == APR_SUCCESS) {
        return 1;
    }
    social_socache_store(&cache, r, key, apr_time_now() + ttl, "1", 1);
    return 0;
}

void social_fragcache_forget(request_rec *r, const char *key)
{
    if (cache.instance != NULL) {
        social_socache_remove(&cache, r, key);
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
    rv = social_socache_store(&cache, r, key, apr_time_now() + VERSION_TTL,
                              hex, 2 * VERSION_BYTES);
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

    rv = social_socache_retrieve(&cache, r, key, buf, &n);
    if (rv == APR_SUCCESS && n == 2 * VERSION_BYTES) {
        return apr_pstrmemdup(r->pool, (const char *)buf, n);
    }
    return version_new(r, key);
}

const char *social_fragcache_version(request_rec *r, const char *page)
{
    return cache.instance == NULL ? NULL : version_get(r, version_key(r, page));
}

/* Notifications are counted across sites: one epoch for all. */
#define EPOCH_KEY "e\nnotifications"

const char *social_fragcache_epoch(request_rec *r)
{
    return cache.instance == NULL ? NULL : version_get(r, EPOCH_KEY);
}

void social_fragcache_notified(request_rec *r)
{
    if (cache.instance != NULL && version_new(r, EPOCH_KEY) == NULL) {
        social_socache_remove(&cache, r, EPOCH_KEY);
    }
}

void social_fragcache_touch(request_rec *r, const char *page)
{
    const char *key;

    if (cache.instance == NULL || page == NULL) {
        return;
    }
    social_fragcache_notified(r);   /* the write may have notified someone */
    key = version_key(r, page);
    if (version_new(r, key) == NULL) {
        /* The old version may live on: remove it, so nothing stored
         * under it is found again. */
        social_socache_remove(&cache, r, key);
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

/* How long a person's visit counts as their visit of the day. */
#define PERSON_SEEN_TTL apr_time_from_sec(86400)

void social_fragcache_person_seen(request_rec *r, const char *user, const char *name,
                                  const char *email)
{
    const char *key, *lang;

    if (user == NULL) {
        return;
    }
    /* The language is part of what is remembered: a reader whose browser
     * now asks for another one is recorded again at once. */
    lang = social_request_reader_lang(r);
    key = apr_psprintf(r->pool, "u\n%" APR_TIME_T_FMT "\n%s\n%s\n%s\n%s",
                       apr_time_sec(apr_time_now()) / 86400, user,
                       name ? name : "", email ? email : "", lang);
    if (social_fragcache_remembered(r, key, PERSON_SEEN_TTL) == 1) {
        return;
    }
    if (social_store_person_seen(r, user, name, email, lang) != SOCIAL_STORE_OK) {
        social_fragcache_forget(r, key);   /* the next visit tries again */
    }
}
