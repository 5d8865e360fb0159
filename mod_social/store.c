/* store.c: every SQL statement, prepared through mod_dbd. */
#include "store.h"

#include <apr_dbd.h>
#include <apr_lib.h>
#include <apr_optional.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>
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

#define COMMENT_COLUMNS \
    "c.id, COALESCE(c.parent_id, 0), p.path, c.author, c.author_name, c.body, " \
    "c.status, UNIX_TIMESTAMP(c.created_at), COALESCE(UNIX_TIMESTAMP(c.edited_at), 0)"

static const social_statement statements[] = {
    { "social_schema_version",
      "SELECT version FROM social_schema_version ORDER BY version DESC LIMIT 1" },
    { "social_page_add",
      "INSERT INTO social_pages (site, path) VALUES (%s, %s) "
      "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)" },
    { "social_last_id", "SELECT LAST_INSERT_ID()" },
    { "social_comments_list",
      "SELECT " COMMENT_COLUMNS " FROM social_pages p "
      "JOIN social_comments c ON c.page_id = p.id "
      "WHERE p.site = %s AND p.path = %s ORDER BY c.id" },
    { "social_comment_get",
      "SELECT " COMMENT_COLUMNS ", (SELECT COUNT(*) FROM social_comments r "
      "WHERE r.parent_id = c.id AND r.status <> 'deleted') "
      "FROM social_comments c JOIN social_pages p ON p.id = c.page_id "
      "WHERE c.id = %s AND p.site = %s" },
    { "social_comment_add",
      "INSERT INTO social_comments (page_id, parent_id, author, author_name, body) "
      "VALUES (%s, NULLIF(%s, '0'), %s, %s, %s)" },
    { "social_comment_edit",
      "UPDATE social_comments SET body = %s, edited_at = CURRENT_TIMESTAMP(3) "
      "WHERE id = %s AND status <> 'deleted'" },
    { "social_comment_status",
      "UPDATE social_comments SET status = %s WHERE id = %s AND status <> 'deleted'" },
    { "social_comment_delete",
      "UPDATE social_comments SET status = 'deleted', body = '' WHERE id = %s" },
    { "social_comment_count",
      "SELECT COUNT(*) FROM social_pages p JOIN social_comments c ON c.page_id = p.id "
      "WHERE p.site = %s AND p.path = %s AND c.status = 'visible'" },
    { "social_person_seen",
      "INSERT INTO social_people (user, display_name, email) VALUES (%s, %s, NULLIF(%s, '')) "
      "ON DUPLICATE KEY UPDATE display_name = VALUES(display_name), "
      "email = VALUES(email), last_seen = CURRENT_TIMESTAMP(3)" },
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
                                     const char *label);

/* Per process: the schema version last read, and when. */
static volatile int schema_seen;
static volatile apr_time_t schema_seen_at;

#define SOCIAL_SCHEMA_RECHECK apr_time_from_sec(30)

/* A connection for writing: only against the schema this build knows
 * (checked every 30 s); otherwise NULL, logged once per interval. */
static ap_dbd_t *store_writer(request_rec *r)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_time_t now = apr_time_now();

    if (dbd == NULL) {
        return NULL;
    }
    if (schema_seen != SOCIAL_SCHEMA_VERSION || now - schema_seen_at > SOCIAL_SCHEMA_RECHECK) {
        int version = 0;
        if (social_store_schema_version(r, &version) != SOCIAL_STORE_OK) {
            return NULL;
        }
        if (version != SOCIAL_SCHEMA_VERSION
            && (schema_seen != version || now - schema_seen_at > SOCIAL_SCHEMA_RECHECK)) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "SOCIAL0106: the database has schema version %d, this "
                          "mod_social needs %d: writes are refused until "
                          "`social-db upgrade` brings it up to date", version,
                          SOCIAL_SCHEMA_VERSION);
        }
        schema_seen = version;
        schema_seen_at = now;
    }
    return schema_seen == SOCIAL_SCHEMA_VERSION ? dbd : NULL;
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

/* Logs a failed statement. */
static social_store_status statement_failed(request_rec *r, ap_dbd_t *dbd,
                                            const char *label, int rv)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                  "SOCIAL0105: statement %s failed: %s", label,
                  apr_dbd_error(dbd->driver, dbd->handle, rv));
    return SOCIAL_STORE_FAILED;
}

/* Runs a prepared query (INSERT/UPDATE/DELETE) with string arguments. */
static social_store_status run_query(request_rec *r, ap_dbd_t *dbd,
                                     const char *label, int *affected,
                                     int nargs, const char **args)
{
    apr_dbd_prepared_t *st = statement(r, dbd, label);
    int rows = 0, rv;

    if (st == NULL) {
        return SOCIAL_STORE_FAILED;
    }
    rv = apr_dbd_pquery(dbd->driver, r->pool, dbd->handle, &rows, st, nargs, args);
    if (rv != 0) {
        return statement_failed(r, dbd, label, rv);
    }
    if (affected) {
        *affected = rows;
    }
    return SOCIAL_STORE_OK;
}

/* Runs a prepared SELECT; rows are then read with apr_dbd_get_row. */
static social_store_status run_select(request_rec *r, ap_dbd_t *dbd,
                                      const char *label, apr_dbd_results_t **res,
                                      int nargs, const char **args)
{
    apr_dbd_prepared_t *st = statement(r, dbd, label);
    int rv;

    *res = NULL;
    if (st == NULL) {
        return SOCIAL_STORE_FAILED;
    }
    rv = apr_dbd_pselect(dbd->driver, r->pool, dbd->handle, res, st, 0, nargs, args);
    if (rv != 0) {
        return statement_failed(r, dbd, label, rv);
    }
    return SOCIAL_STORE_OK;
}

static const char *column(ap_dbd_t *dbd, apr_dbd_row_t *row, int n)
{
    const char *v = apr_dbd_get_entry(dbd->driver, row, n);
    return v ? v : "";
}

/* Reads one integer from a single-row result, draining it. */
static social_store_status read_int(request_rec *r, ap_dbd_t *dbd,
                                    apr_dbd_results_t *res, apr_int64_t *value)
{
    apr_dbd_row_t *row = NULL;
    int found = 0;

    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        if (!found) {
            *value = apr_atoi64(column(dbd, row, 0));
            found = 1;
        }
    }
    return found ? SOCIAL_STORE_OK : SOCIAL_STORE_NOT_FOUND;
}

static const char *int_arg(request_rec *r, apr_int64_t v)
{
    return apr_psprintf(r->pool, "%" APR_INT64_T_FMT, v);
}

const char *social_store_site(request_rec *r)
{
    return r->server->server_hostname ? r->server->server_hostname : "";
}

const char *social_comment_status_name(social_comment_status status)
{
    switch (status) {
    case SOCIAL_COMMENT_HIDDEN: return "hidden";
    case SOCIAL_COMMENT_DELETED: return "deleted";
    default: return "visible";
    }
}

static social_comment_status status_parse(const char *s)
{
    if (strcmp(s, "hidden") == 0) {
        return SOCIAL_COMMENT_HIDDEN;
    }
    if (strcmp(s, "deleted") == 0) {
        return SOCIAL_COMMENT_DELETED;
    }
    return SOCIAL_COMMENT_VISIBLE;
}

/* "1764294000.123" (UNIX_TIMESTAMP of a TIMESTAMP(3)) -> apr_time_t. */
static apr_time_t time_from_seconds(const char *s)
{
    char *end;
    apr_int64_t sec = apr_strtoi64(s, &end, 10);
    apr_int64_t usec = 0, scale = 100000;

    if (*end == '.') {
        for (end++; apr_isdigit(*end) && scale > 0; end++, scale /= 10) {
            usec += (*end - '0') * scale;
        }
    }
    return apr_time_from_sec(sec) + usec;
}

/* Fills c from a row of COMMENT_COLUMNS. */
static void comment_from_row(request_rec *r, ap_dbd_t *dbd, apr_dbd_row_t *row,
                             social_comment *c)
{
    c->id = apr_atoi64(column(dbd, row, 0));
    c->parent = apr_atoi64(column(dbd, row, 1));
    c->page = apr_pstrdup(r->pool, column(dbd, row, 2));
    c->author = apr_pstrdup(r->pool, column(dbd, row, 3));
    c->author_name = apr_pstrdup(r->pool, column(dbd, row, 4));
    c->body = apr_pstrdup(r->pool, column(dbd, row, 5));
    c->status = status_parse(column(dbd, row, 6));
    c->created = time_from_seconds(column(dbd, row, 7));
    c->edited = time_from_seconds(column(dbd, row, 8));
}

social_store_status social_store_comments_list(request_rec *r, const char *page,
                                               apr_array_header_t **comments)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[2];
    social_store_status st;

    *comments = apr_array_make(r->pool, 16, sizeof(social_comment));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = social_store_site(r);
    args[1] = page;
    st = run_select(r, dbd, "social_comments_list", &res, 2, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        comment_from_row(r, dbd, row, apr_array_push(*comments));
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_comment_get(request_rec *r, apr_int64_t id,
                                             social_comment *c, int *replies)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[2];
    social_store_status st;
    int found = 0;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = int_arg(r, id);
    args[1] = social_store_site(r);
    st = run_select(r, dbd, "social_comment_get", &res, 2, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        if (!found) {
            comment_from_row(r, dbd, row, c);
            *replies = atoi(column(dbd, row, 9));
            found = 1;
        }
    }
    return found ? SOCIAL_STORE_OK : SOCIAL_STORE_NOT_FOUND;
}

social_store_status social_store_comment_add(request_rec *r, social_comment *c)
{
    ap_dbd_t *dbd = store_writer(r);
    apr_dbd_transaction_t *txn = NULL;
    apr_dbd_results_t *res;
    const char *args[5];
    apr_int64_t page_id = 0;
    social_store_status st;
    int rv;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    rv = apr_dbd_transaction_start(dbd->driver, r->pool, dbd->handle, &txn);
    if (rv != 0) {
        return statement_failed(r, dbd, "transaction start", rv);
    }
    args[0] = social_store_site(r);
    args[1] = c->page;
    st = run_query(r, dbd, "social_page_add", NULL, 2, args);
    if (st == SOCIAL_STORE_OK) {
        st = run_select(r, dbd, "social_last_id", &res, 0, NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = read_int(r, dbd, res, &page_id);
    }
    if (st == SOCIAL_STORE_OK) {
        args[0] = int_arg(r, page_id);
        args[1] = int_arg(r, c->parent);
        args[2] = c->author;
        args[3] = c->author_name;
        args[4] = c->body;
        st = run_query(r, dbd, "social_comment_add", NULL, 5, args);
    }
    if (st == SOCIAL_STORE_OK) {
        st = run_select(r, dbd, "social_last_id", &res, 0, NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = read_int(r, dbd, res, &c->id);
    }
    if (st != SOCIAL_STORE_OK) {
        apr_dbd_transaction_mode_set(dbd->driver, txn, APR_DBD_TRANSACTION_ROLLBACK);
    }
    rv = apr_dbd_transaction_end(dbd->driver, r->pool, txn);
    if (rv != 0 && st == SOCIAL_STORE_OK) {
        return statement_failed(r, dbd, "commit", rv);
    }
    c->created = apr_time_now();
    c->edited = 0;
    c->status = SOCIAL_COMMENT_VISIBLE;
    return st;
}

social_store_status social_store_comment_edit(request_rec *r, apr_int64_t id,
                                              const char *body)
{
    ap_dbd_t *dbd = store_writer(r);
    const char *args[2];
    int affected = 0;
    social_store_status st;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = body;
    args[1] = int_arg(r, id);
    st = run_query(r, dbd, "social_comment_edit", &affected, 2, args);
    return st == SOCIAL_STORE_OK && affected == 0 ? SOCIAL_STORE_NOT_FOUND : st;
}

social_store_status social_store_comment_set_status(request_rec *r, apr_int64_t id,
                                                    social_comment_status status)
{
    ap_dbd_t *dbd = store_writer(r);
    const char *args[2];

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    if (status == SOCIAL_COMMENT_DELETED) {
        args[0] = int_arg(r, id);
        return run_query(r, dbd, "social_comment_delete", NULL, 1, args);
    }
    args[0] = social_comment_status_name(status);
    args[1] = int_arg(r, id);
    return run_query(r, dbd, "social_comment_status", NULL, 2, args);
}

social_store_status social_store_comment_count(request_rec *r, const char *page,
                                               int *count)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    const char *args[2];
    apr_int64_t n = 0;
    social_store_status st;

    *count = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = social_store_site(r);
    args[1] = page;
    st = run_select(r, dbd, "social_comment_count", &res, 2, args);
    if (st == SOCIAL_STORE_OK) {
        st = read_int(r, dbd, res, &n);
        *count = (int)n;
    }
    return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
}

social_store_status social_store_person_seen(request_rec *r, const char *user,
                                             const char *name, const char *email)
{
    ap_dbd_t *dbd = store_writer(r);
    const char *args[3];

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = user;
    args[1] = name;
    args[2] = email ? email : "";
    return run_query(r, dbd, "social_person_seen", NULL, 3, args);
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
