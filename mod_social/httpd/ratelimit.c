/* ratelimit.c: SocialRateLimit through mod_socache. */
#include "ratelimit.h"

#include <string.h>

#include <ap_provider.h>
#include <ap_socache.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <util_mutex.h>

#include "config.h"

APLOG_USE_MODULE(social);

#define SOCIAL_RATELIMIT_MUTEX "social-ratelimit"

/* One cache for the whole server: the counters are per person, not per
 * virtual host. */
static const ap_socache_provider_t *provider;
static ap_socache_instance_t *instance;
static apr_global_mutex_t *mutex;

static int ratelimit_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    provider = NULL;
    instance = NULL;
    mutex = NULL;
    return ap_mutex_register(pconf, SOCIAL_RATELIMIT_MUTEX, NULL, APR_LOCK_DEFAULT, 0);
}

static apr_status_t ratelimit_cleanup(void *data)
{
    if (provider != NULL && instance != NULL) {
        provider->destroy(instance, (server_rec *)data);
    }
    instance = NULL;
    return APR_SUCCESS;
}

static int ratelimit_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                 apr_pool_t *ptemp, server_rec *s)
{
    const social_srv_conf *sc = NULL;
    server_rec *sp;
    const char *name, *args, *error;
    struct ap_socache_hints hints = { 64, sizeof(apr_uint32_t), 3600 };
    apr_status_t rv;

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
    name = sc->rate_cache ? sc->rate_cache : "shmcb";
    args = strchr(name, ':');
    if (args != NULL) {
        name = apr_pstrmemdup(ptemp, name, (apr_size_t)(args - name));
        args++;
    }
    provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION);
    if (provider == NULL && sc->rate_window == 0 && sc->rate_cache == NULL) {
        /* Only the default limit: writes work, without a limit. */
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "SOCIAL1350: mod_socache_shmcb is not loaded: the default "
                     "SocialRateLimit (%d/%ds) is not applied (load it, or say "
                     "SocialRateLimit off)", SOCIAL_RATE_LIMIT_DEFAULT,
                     SOCIAL_RATE_WINDOW_DEFAULT);
        return OK;
    }
    if (provider == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "SOCIAL0801: SocialRateLimit needs the socache provider \"%s\": "
                     "load mod_socache_%s", name, name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    error = provider->create(&instance, args, ptemp, pconf);
    if (error != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "SOCIAL0802: SocialRateLimitCache %s: %s", name, error);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rv = ap_global_mutex_create(&mutex, NULL, SOCIAL_RATELIMIT_MUTEX, NULL, s, pconf, 0);
    if (rv != APR_SUCCESS) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rv = provider->init(instance, "mod_social-ratelimit", &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "SOCIAL0803: the rate-limit cache (%s) could not be initialised", name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, s, ratelimit_cleanup, apr_pool_cleanup_null);
    return OK;
}

static void ratelimit_child_init(apr_pool_t *p, server_rec *s)
{
    if (mutex != NULL) {
        apr_status_t rv = apr_global_mutex_child_init(&mutex,
                                                      apr_global_mutex_lockfile(mutex), p);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         "SOCIAL0804: the rate-limit lock could not be reopened");
        }
    }
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
    if (limit <= 0 || instance == NULL) {
        return 0;
    }
    window = seconds;
    index = (apr_int64_t)apr_time_sec(now) / window;
    ends = (index + 1) * window;
    who = r->user ? r->user : apr_pstrcat(r->pool, "anon:", r->useragent_ip, NULL);
    key = apr_psprintf(r->pool, "%s\n%" APR_INT64_T_FMT, who, index);

    if (apr_global_mutex_lock(mutex) != APR_SUCCESS) {
        return 0;
    }
    rv = provider->retrieve(instance, r->server, (const unsigned char *)key,
                            (unsigned int)strlen(key), value, &len, r->pool);
    if (rv == APR_SUCCESS && len == sizeof(value)) {
        memcpy(&count, value, sizeof(count));
    }
    if (count < (apr_uint32_t)limit) {
        count++;
        memcpy(value, &count, sizeof(count));
        rv = provider->store(instance, r->server, (const unsigned char *)key,
                             (unsigned int)strlen(key), apr_time_from_sec(ends) + apr_time_from_sec(1),
                             value, sizeof(value), r->pool);
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r,
                          "SOCIAL0805: the rate-limit cache refused a counter; "
                          "this write is let through");
        }
        count = 0;
    }
    apr_global_mutex_unlock(mutex);
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
