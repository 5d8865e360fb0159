/* store.c: every SQL statement, prepared through mod_dbd. */
#include "store.h"

#include <apr_dbd.h>
#include <apr_optional.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <mod_dbd.h>

APLOG_USE_MODULE(social);

/* How long to skip the database after a failed connection, so an outage
 * costs each request nothing and the log one line per interval. */
#define SOCIAL_STORE_RETRY apr_time_from_sec(1)

typedef struct {
    const char *label;
    const char *sql;
} social_statement;

static const social_statement statements[] = {
    { "social_schema_version",
      "SELECT version FROM social_schema_version ORDER BY version DESC LIMIT 1" },
};

static APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *dbd_prepare_fn;
static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire_fn;

/* Per process: until when the database counts as down. A plain word
 * written and read without a lock: a stale read only means one request
 * more or less tries to connect. */
static volatile apr_time_t down_until;

void social_store_prepare_statements(apr_pool_t *p, server_rec *s)
{
    server_rec *sp;
    size_t k;

    dbd_prepare_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    dbd_acquire_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    if (dbd_prepare_fn == NULL || dbd_acquire_fn == NULL) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "SOCIAL0101: mod_dbd is not loaded: pages get the block, "
                     "but comments, likes, shares and polls are unavailable");
        dbd_acquire_fn = NULL;
        return;
    }
    for (sp = s; sp; sp = sp->next) {
        for (k = 0; k < sizeof(statements) / sizeof(statements[0]); k++) {
            dbd_prepare_fn(sp, statements[k].sql, statements[k].label);
        }
    }
}

/* A connection with our statements, or NULL (logged once per interval). */
static ap_dbd_t *store_connection(request_rec *r)
{
    ap_dbd_t *dbd;
    apr_time_t now = apr_time_now();

    if (dbd_acquire_fn == NULL || now < down_until) {
        return NULL;
    }
    dbd = dbd_acquire_fn(r);
    if (dbd == NULL) {
        down_until = now + SOCIAL_STORE_RETRY;
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0102: no database connection (see mod_dbd's message "
                      "above; check DBDriver/DBDParams and that the server is up); "
                      "retrying in %d s", (int)apr_time_sec(SOCIAL_STORE_RETRY));
        return NULL;
    }
    return dbd;
}

static apr_dbd_prepared_t *statement(request_rec *r, ap_dbd_t *dbd,
                                     const char *label)
{
    apr_dbd_prepared_t *st = apr_hash_get(dbd->prepared, label,
                                          APR_HASH_KEY_STRING);
    if (st == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0103: statement %s is not prepared on this "
                      "connection (is DBDPersist off or the schema missing?)",
                      label);
    }
    return st;
}

social_store_status social_store_schema_version(request_rec *r, int *version)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_prepared_t *st;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rv;

    *version = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = statement(r, dbd, "social_schema_version");
    if (st == NULL) {
        return SOCIAL_STORE_FAILED;
    }
    rv = apr_dbd_pselect(dbd->driver, r->pool, dbd->handle, &res, st, 0, 0, NULL);
    if (rv != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0104: reading the schema version failed: %s",
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
        return SOCIAL_STORE_FAILED;
    }
    /* Read every row: apr_dbd leaves results uncleaned otherwise. */
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        const char *v = apr_dbd_get_entry(dbd->driver, row, 0);
        if (v != NULL && *version == 0) {
            *version = atoi(v);
        }
    }
    return SOCIAL_STORE_OK;
}
