/* background.c: the watchdog callback (see background.h). */
#include <apr_network_io.h>
#include <apr_optional.h>
#include <apr_thread_mutex.h>
#include <httpd.h>
#include <http_config.h>
#include <http_connection.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <ap_listen.h>
#include <mod_watchdog.h>

#include "background.h"
#include "config.h"
#include "store.h"

APLOG_USE_MODULE(social);

/* How often the callback runs: the breaker's probe is due at most this
 * late after its back-off ends. */
#define SOCIAL_BACKGROUND_TICK apr_time_from_msec(200)

#define SOCIAL_WATCHDOG_NAME "_social_"

/* The store speaks in requests (their pool, server, mod_dbd's per-request
 * connection, the log). Background work gets one of its own, made like
 * mod_proxy_hcheck makes the requests of its health checks: no client,
 * no headers, the server's defaults. */
static request_rec *background_request(apr_pool_t *p, server_rec *s)
{
    conn_rec *c = apr_pcalloc(p, sizeof(*c));
    request_rec *r = apr_pcalloc(p, sizeof(*r));

    c->pool = p;
    c->base_server = s;
    c->bucket_alloc = apr_bucket_alloc_create(p);
    c->id = -1;
    c->conn_config = ap_create_conn_config(p);
    c->notes = apr_table_make(p, 1);
    c->client_ip = "127.0.0.1";
    c->local_ip = "127.0.0.1";
    c->local_host = s->server_hostname;
    apr_sockaddr_info_get(&c->client_addr, c->client_ip, APR_UNSPEC, 0, 0, p);
    /* The address the server listens on, for the links of the digests. */
    c->local_addr = ap_listeners != NULL ? ap_listeners->bind_addr : c->client_addr;

    r->pool = p;
    r->connection = c;
    r->server = s;
    r->request_config = ap_create_request_config(p);
    r->per_dir_config = s->lookup_defaults;
    r->allowed_methods = ap_make_method_list(p, 2);
    r->headers_in = apr_table_make(p, 1);
    r->trailers_in = apr_table_make(p, 1);
    r->headers_out = apr_table_make(p, 1);
    r->trailers_out = apr_table_make(p, 1);
    r->err_headers_out = apr_table_make(p, 1);
    r->subprocess_env = apr_table_make(p, 1);
    r->notes = apr_table_make(p, 1);
    r->method = "GET";
    r->method_number = M_GET;
    r->protocol = "INCLUDED";
    r->proto_num = HTTP_VERSION(1, 1);
    r->hostname = s->server_hostname;
    r->uri = r->unparsed_uri = "/";
    /* As if asked for the server's own address (absolute links). */
    r->parsed_uri.hostname = s->server_hostname;
    r->parsed_uri.port = c->local_addr->port;
    r->parsed_uri.port_str = apr_itoa(p, c->local_addr->port);
    r->useragent_ip = c->client_ip;
    r->useragent_addr = c->client_addr;
    r->the_request = "GET / HTTP/1.1";
    r->status = HTTP_OK;
    r->read_body = REQUEST_NO_BODY;
    r->used_path_info = AP_REQ_DEFAULT_PATH_INFO;
    r->request_time = apr_time_now();
    /* What httpd does for every request it reads: the modules' per-request
     * set-up (core's among them, which subrequests of this one rely on). */
    ap_run_create_request(r);
    return r;
}

#define SOCIAL_BACKGROUND_TASKS 4

static const social_background_task *tasks[SOCIAL_BACKGROUND_TASKS];
static int ntasks;

void social_background_add(const social_background_task *task)
{
    if (ntasks < SOCIAL_BACKGROUND_TASKS) {
        tasks[ntasks++] = task;
    }
}

/* What the background would have done, for the log when it cannot run. */
static const char *background_missed(apr_pool_t *pool, server_rec *s)
{
    const char *missed = "";
    int k;

    for (k = 0; k < ntasks; k++) {
        if (tasks[k]->server(s) != NULL) {
            missed = apr_pstrcat(pool, missed, ", and no ", tasks[k]->what, " are sent", NULL);
        }
    }
    return missed;
}

/* A tick and the end of the child process must not meet. mod_watchdog
 * runs its thread from the process pool and joins it only when the
 * process itself ends, after the child pool (and mod_dbd's connection
 * pool in it) is gone: a tick still holding a connection then would make
 * apr_reslist assert (a child killed by SIGABRT at shutdown). So every
 * tick runs under tick_lock, and the child pool's pre-cleanup takes the
 * lock (waiting for a tick under way, which the store's deadlines bound)
 * and says stop before anything of the child is destroyed. */
static apr_thread_mutex_t *tick_lock;
static int stopping;

static apr_status_t background_stop(void *data)
{
    (void)data;
    apr_thread_mutex_lock(tick_lock);
    stopping = 1;
    apr_thread_mutex_unlock(tick_lock);
    return APR_SUCCESS;
}

void social_background_child_init(apr_pool_t *pchild)
{
    if (tick_lock != NULL) {
        apr_pool_pre_cleanup_register(pchild, NULL, background_stop);
    }
}

/* One tick's work runs in a pool of its own, destroyed when it is done:
 * mod_watchdog hands every tick its thread's pool, which lives until the
 * process ends, so what a background request acquires there (its
 * database connection, through ap_dbd_acquire) would be given back only
 * then, while every tick took another. */
static apr_status_t background_tick(int state, void *data, apr_pool_t *pool)
{
    server_rec *s = data;
    apr_pool_t *tick;
    int k;

    if (state != AP_WATCHDOG_STATE_RUNNING) {
        return APR_SUCCESS;
    }
    apr_thread_mutex_lock(tick_lock);
    if (stopping || apr_pool_create(&tick, pool) != APR_SUCCESS) {
        apr_thread_mutex_unlock(tick_lock);
        return APR_SUCCESS;
    }
    apr_pool_tag(tick, "social-background");
    social_store_probe(s, tick);
    for (k = 0; k < ntasks; k++) {
        server_rec *ts = tasks[k]->server(s);
        if (ts != NULL && tasks[k]->due(ts)) {
            tasks[k]->run(background_request(tick, ts));
        }
    }
    apr_pool_destroy(tick);
    apr_thread_mutex_unlock(tick_lock);
    return APR_SUCCESS;
}

int social_background_start(apr_pool_t *pconf, server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) *get_instance;
    APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) *register_callback;
    ap_watchdog_t *watchdog = NULL;
    apr_status_t rv;

    get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    register_callback = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    if (get_instance == NULL || register_callback == NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "SOCIAL0112: mod_watchdog is not loaded: requests find out "
                     "themselves when the database is back%s", background_missed(pconf, s));
        return 0;
    }
    /* One instance per child process, not a singleton: every process has
     * its own breaker to probe for. Digests take a lease row, so two
     * processes never send the same one. */
    rv = apr_thread_mutex_create(&tick_lock, APR_THREAD_MUTEX_DEFAULT, pconf);
    if (rv == APR_SUCCESS) {
        rv = get_instance(&watchdog, SOCIAL_WATCHDOG_NAME, 0, 0, pconf);
    }
    if (rv == APR_SUCCESS) {
        rv = register_callback(watchdog, SOCIAL_BACKGROUND_TICK, s, background_tick);
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     "SOCIAL0113: cannot start mod_social's background thread: "
                     "requests find out themselves when the database is back%s",
                     background_missed(pconf, s));
        tick_lock = NULL;
        return 0;
    }
    return 1;
}
