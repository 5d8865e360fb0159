/* ratelimit.c: SocialRateLimit through mod_socache. */
#include "ratelimit.h"

#include <string.h>

#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>

#include "config.h"
#include "socache.h"

APLOG_USE_MODULE(social);

/* One cache for the whole server: the counters are per person, not per
 * virtual host. Always locked: a count is read, then written. */
static social_socache cache = {
    "social-ratelimit", "mod_social-ratelimit", "SocialRateLimitCache",
    "the rate-limit cache", 1, NULL, NULL, NULL
};

static int ratelimit_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    return social_socache_pre_config(&cache, pconf);
}

static int ratelimit_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                 apr_pool_t *ptemp, server_rec *s)
{
    const social_srv_conf *sc = NULL;
    server_rec *sp;
    const char *name, *args;
    struct ap_socache_hints hints = { 64, sizeof(apr_uint32_t), 3600 };

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;   /* the first, dry reading of the configuration */
    }
    for (sp = s; sp; sp = sp->next) {
        const social_srv_conf *c = social_config_srv(sp);
        int limit, window;
        social_config_rate_limit(c, &limit, &window);
        if (limit > 0) {
            sc = c;
            break;
        }
    }
    if (sc == NULL) {
        return OK;
    }
    social_socache_lookup(&cache, sc->rate_cache ? sc->rate_cache : "shmcb", ptemp,
                          &name, &args);
    if (cache.provider == NULL && sc->rate_window == 0 && sc->rate_cache == NULL) {
        /* Only the default limit: writes work, without a limit. */
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "SOCIAL1350: mod_socache_shmcb is not loaded: the default "
                     "SocialRateLimit (%d/%ds) is not applied (load it, or say "
                     "SocialRateLimit off)", SOCIAL_RATE_LIMIT_DEFAULT,
                     SOCIAL_RATE_WINDOW_DEFAULT);
        return OK;
    }
    if (cache.provider == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "SOCIAL0801: SocialRateLimit needs the socache provider \"%s\": "
                     "load mod_socache_%s", name, name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return social_socache_open(&cache, name, args, &hints, s, pconf, ptemp);
}

static void ratelimit_child_init(apr_pool_t *p, server_rec *s)
{
    social_socache_child_init(&cache, p, s);
}

int social_ratelimit_exceeded(request_rec *r)
{
    const social_srv_conf *sc = social_config_srv(r->server);
    apr_time_t now = apr_time_now();
    apr_int64_t window, index, ends;
    int limit, seconds;
    const char *who, *key;
    unsigned char value[sizeof(apr_uint32_t)];
    unsigned int len = sizeof(value);
    apr_uint32_t count = 0;
    apr_status_t rv;

    social_config_rate_limit(sc, &limit, &seconds);
    if (limit <= 0 || cache.instance == NULL) {
        return 0;
    }
    window = seconds;
    index = (apr_int64_t)apr_time_sec(now) / window;
    ends = (index + 1) * window;
    who = r->user ? r->user : apr_pstrcat(r->pool, "anon:", r->useragent_ip, NULL);
    key = apr_psprintf(r->pool, "%s\n%" APR_INT64_T_FMT, who, index);

    if (!social_socache_lock(&cache)) {
        return 0;
    }
    rv = cache.provider->retrieve(cache.instance, r->server, (const unsigned char *)key,
                            (unsigned int)strlen(key), value, &len, r->pool);
    if (rv == APR_SUCCESS && len == sizeof(value)) {
        memcpy(&count, value, sizeof(count));
    }
    if (count < (apr_uint32_t)limit) {
        count++;
        memcpy(value, &count, sizeof(count));
        rv = cache.provider->store(cache.instance, r->server, (const unsigned char *)key,
                             (unsigned int)strlen(key), apr_time_from_sec(ends) + apr_time_from_sec(1),
                             value, sizeof(value), r->pool);
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r,
                          "SOCIAL0805: the rate-limit cache refused a counter; "
                          "this write is let through");
        }
        count = 0;
    }
    social_socache_unlock(&cache);
    if (count == 0) {
        return 0;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL0806: %s made more than %d writes in %d s; refused with 429",
                  who, limit, seconds);
    return (int)(ends - apr_time_sec(now)) > 0 ? (int)(ends - apr_time_sec(now)) : 1;
}

void social_ratelimit_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(ratelimit_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(ratelimit_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(ratelimit_child_init, NULL, NULL, APR_HOOK_MIDDLE);
}
