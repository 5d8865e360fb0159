/* store.c: every SQL statement, prepared through mod_dbd. */
#include "store.h"
#include "poll.h"

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
    "c.status, UNIX_TIMESTAMP(c.created_at), COALESCE(UNIX_TIMESTAMP(c.edited_at), 0), " \
    "COALESCE(c.anchor_exact, ''), COALESCE(c.anchor_prefix, ''), " \
    "COALESCE(c.anchor_suffix, ''), COALESCE(c.anchor_position, 0)"

/* Where the counters follow COMMENT_COLUMNS in a row. */
#define COMMENT_EXTRA 13

/* A poll with one row per option: results and the viewer's choices. */
#define POLL_SELECT \
    "SELECT po.id, p.path, po.name, po.question, po.multiple, " \
    "COALESCE(po.closes_at, 0), po.results, po.closed, " \
    "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id), " \
    "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id AND b.user = %s), " \
    "o.idx, o.label, o.removed, " \
    "(SELECT COUNT(*) FROM social_poll_choices c WHERE c.poll_id = po.id AND c.idx = o.idx), " \
    "(SELECT COUNT(*) FROM social_poll_choices c WHERE c.poll_id = po.id AND c.idx = o.idx " \
    "AND c.user = %s) " \
    "FROM social_polls po JOIN social_pages p ON p.id = po.page_id " \
    "JOIN social_poll_options o ON o.poll_id = po.id"

static const social_statement statements[] = {
    { "social_schema_version",
      "SELECT version FROM social_schema_version ORDER BY version DESC LIMIT 1" },
    { "social_page_add",
      "INSERT INTO social_pages (site, path) VALUES (%s, %s) "
      "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)" },
    { "social_last_id", "SELECT LAST_INSERT_ID()" },
    /* The page's own row first (id 0), then its comments: one round
     * trip for a page view. */
    { "social_comments_list",
      "SELECT 0, 0, p.path, '', '', '', 'visible', 0, 0, '', '', '', 0, "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'page' AND l.target_id = p.id), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'page' AND l.target_id = p.id "
      "AND l.user = %s), "
      "(SELECT COUNT(*) FROM social_shares s WHERE s.page_id = p.id) "
      "FROM social_pages p WHERE p.site = %s AND p.path = %s "
      "UNION ALL "
      "SELECT " COMMENT_COLUMNS ", "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id "
      "AND l.user = %s), 0 "
      "FROM social_pages p JOIN social_comments c ON c.page_id = p.id "
      "WHERE p.site = %s AND p.path = %s ORDER BY 1" },
    { "social_comment_get",
      "SELECT " COMMENT_COLUMNS ", (SELECT COUNT(*) FROM social_comments r "
      "WHERE r.parent_id = c.id AND r.status <> 'deleted'), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id "
      "AND l.user = %s) "
      "FROM social_comments c JOIN social_pages p ON p.id = c.page_id "
      "WHERE c.id = %s AND p.site = %s" },
    { "social_comment_add",
      "INSERT INTO social_comments (page_id, parent_id, author, author_name, body, "
      "anchor_exact, anchor_prefix, anchor_suffix, anchor_position) "
      /* Context may be white space alone, which a PAD SPACE collation
       * finds equal to '': NULL only when there is no anchor at all. */
      "VALUES (%s, NULLIF(%s, '0'), %s, %s, %s, NULLIF(%s, ''), IF(%s = 'y', %s, NULL), "
      "IF(%s = 'y', %s, NULL), NULLIF(%s, ''))" },
    { "social_comment_edit",
      "UPDATE social_comments SET body = %s, edited_at = CURRENT_TIMESTAMP(3) "
      "WHERE id = %s AND status <> 'deleted'" },
    { "social_comment_status",
      "UPDATE social_comments SET status = %s WHERE id = %s AND status <> 'deleted'" },
    { "social_comment_delete",
      "UPDATE social_comments SET status = 'deleted', body = '' WHERE id = %s" },
    { "social_page_counts",
      "SELECT (SELECT COUNT(*) FROM social_comments c WHERE c.page_id = p.id "
      "AND c.status = 'visible'), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'page' AND l.target_id = p.id), "
      "(SELECT COUNT(*) FROM social_shares s WHERE s.page_id = p.id) "
      "FROM social_pages p WHERE p.site = %s AND p.path = %s" },
    { "social_page_id",
      "SELECT id FROM social_pages WHERE site = %s AND path = %s" },
    { "social_like_add",
      "INSERT INTO social_likes (target_kind, target_id, user) VALUES (%s, %s, %s) "
      "ON DUPLICATE KEY UPDATE user = user" },
    { "social_like_remove",
      "DELETE FROM social_likes WHERE target_kind = %s AND target_id = %s AND user = %s" },
    { "social_like_count",
      "SELECT COUNT(*), COALESCE(SUM(user = %s), 0) FROM social_likes "
      "WHERE target_kind = %s AND target_id = %s" },
    { "social_likers",
      "SELECT l.user, COALESCE(pe.display_name, l.user) FROM social_likes l "
      "LEFT JOIN social_people pe ON pe.user = l.user "
      "WHERE l.target_kind = %s AND l.target_id = %s ORDER BY l.created_at LIMIT 200" },
    { "social_person_get",
      "SELECT display_name FROM social_people WHERE user = %s" },
    { "social_share_add",
      "INSERT INTO social_shares (page_id, user, user_name, note, public) "
      "VALUES (%s, %s, %s, NULLIF(%s, ''), %s)" },
    { "social_share_recipient_add",
      "INSERT INTO social_share_recipients (share_id, user) VALUES (%s, %s) "
      "ON DUPLICATE KEY UPDATE user = user" },
    { "social_shares_inbox",
      "SELECT s.id, p.path, s.user, s.user_name, COALESCE(s.note, ''), s.public, "
      "UNIX_TIMESTAMP(s.created_at) FROM social_share_recipients r "
      "JOIN social_shares s ON s.id = r.share_id JOIN social_pages p ON p.id = s.page_id "
      "WHERE r.user = %s AND p.site = %s ORDER BY s.id DESC LIMIT 50" },
    { "social_poll_find",
      "SELECT po.id, po.definition FROM social_polls po JOIN social_pages p ON p.id = po.page_id "
      "WHERE p.site = %s AND p.path = %s AND po.name = %s" },
    { "social_poll_upsert",
      "INSERT INTO social_polls (page_id, name, question, multiple, closes_at, results, definition) "
      "VALUES (%s, %s, %s, %s, NULLIF(%s, '0'), %s, %s) "
      "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), question = VALUES(question), "
      "multiple = VALUES(multiple), closes_at = VALUES(closes_at), results = VALUES(results), "
      "definition = VALUES(definition), updated_at = CURRENT_TIMESTAMP(3)" },
    { "social_poll_options",
      "SELECT idx, label, removed FROM social_poll_options WHERE poll_id = %s ORDER BY idx" },
    { "social_poll_option_add",
      "INSERT INTO social_poll_options (poll_id, idx, label) VALUES (%s, %s, %s)" },
    { "social_poll_option_removed",
      "UPDATE social_poll_options SET removed = %s WHERE poll_id = %s AND idx = %s" },
    { "social_polls_list",
      POLL_SELECT " WHERE p.site = %s AND p.path = %s ORDER BY po.id, o.idx" },
    { "social_poll_get",
      POLL_SELECT " WHERE po.id = %s AND p.site = %s ORDER BY o.idx" },
    { "social_poll_ballot",
      "INSERT INTO social_poll_ballots (poll_id, user) VALUES (%s, %s) "
      "ON DUPLICATE KEY UPDATE updated_at = CURRENT_TIMESTAMP(3)" },
    { "social_poll_choices_clear",
      "DELETE FROM social_poll_choices WHERE poll_id = %s AND user = %s" },
    { "social_poll_choice_add",
      "INSERT INTO social_poll_choices (poll_id, user, idx) VALUES (%s, %s, %s)" },
    { "social_poll_closed",
      "UPDATE social_polls SET closed = %s WHERE id = %s" },
    { "social_idempotency_claim",
      "INSERT INTO social_idempotency (user, idem_key, kind, request_hash) "
      "VALUES (%s, %s, %s, %s)" },
    { "social_idempotency_find",
      "SELECT request_hash, target_id, "
      "created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY "
      "FROM social_idempotency WHERE user = %s AND idem_key = %s AND kind = %s" },
    { "social_idempotency_settle",
      "UPDATE social_idempotency SET target_id = %s WHERE user = %s AND idem_key = %s" },
    { "social_idempotency_expire",
      "DELETE FROM social_idempotency WHERE user = %s AND idem_key = %s "
      "AND created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY" },
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

/* Every new connection waits at most this long for a lock or a
 * statement, so a stuck database degrades pages instead of holding them
 * (apr_dbd_mysql ignores DBDParams' read and write timeouts). */
#define SOCIAL_DB_WAIT_SECONDS "3"

static apr_status_t store_post_connect(apr_pool_t *pool, dbd_cfg_t *cfg, ap_dbd_t *dbd)
{
    static const char *const settings[] = {
        "SET SESSION innodb_lock_wait_timeout = " SOCIAL_DB_WAIT_SECONDS,
        "SET SESSION lock_wait_timeout = " SOCIAL_DB_WAIT_SECONDS,
        /* MariaDB; MySQL has no such variable and refuses it harmlessly. */
        "SET SESSION max_statement_time = " SOCIAL_DB_WAIT_SECONDS,
    };
    size_t k;
    int rows;

    for (k = 0; k < sizeof(settings) / sizeof(settings[0]); k++) {
        apr_dbd_query(dbd->driver, dbd->handle, &rows, settings[k]);
    }
    return APR_SUCCESS;
}

void social_store_register_hooks(apr_pool_t *p)
{
    APR_OPTIONAL_HOOK(dbd, post_connect, store_post_connect, NULL, NULL, APR_HOOK_MIDDLE);
}

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

/* A connection with our statements, or NULL (logged once per interval).
 * mod_dbd hands out each dead pooled connection once (and drops it), so
 * after a database restart a few tries get a fresh one; only when those
 * fail too is the database taken as down. */
static ap_dbd_t *store_connection(request_rec *r)
{
    ap_dbd_t *dbd = NULL;
    apr_time_t now = apr_time_now();
    int attempt;

    if (dbd_acquire_fn == NULL || now < down_until) {
        return NULL;
    }
    for (attempt = 0; attempt < 10 && dbd == NULL; attempt++) {
        apr_time_t started = apr_time_now();
        dbd = dbd_acquire_fn(r);
        if (dbd == NULL && apr_time_now() - started > apr_time_from_msec(50)) {
            break;   /* a real connection attempt failed, not a dead pooled one */
        }
    }
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
/* MySQL's error numbers for a deadlock and a lock wait timeout: the
 * transaction is rolled back and may simply run again. */
#define MYSQL_DEADLOCK 1213
#define MYSQL_LOCK_WAIT_TIMEOUT 1205

/* Logs a failed statement; a deadlock is only noted (it is retried). */
static social_store_status statement_failed(request_rec *r, ap_dbd_t *dbd,
                                            const char *label, int rv)
{
    int retry = rv == MYSQL_DEADLOCK || rv == MYSQL_LOCK_WAIT_TIMEOUT;

    ap_log_rerror(APLOG_MARK, retry ? APLOG_INFO : APLOG_ERR, 0, r,
                  "SOCIAL0105: statement %s failed: %s%s", label,
                  apr_dbd_error(dbd->driver, dbd->handle, rv),
                  retry ? " (the transaction is run again)" : "");
    return retry ? SOCIAL_STORE_RETRY : SOCIAL_STORE_FAILED;
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
    c->likes = 0;
    c->liked = 0;
    memset(&c->anchor, 0, sizeof(c->anchor));
    if (*column(dbd, row, 9) != '\0') {
        c->anchor.exact = apr_pstrdup(r->pool, column(dbd, row, 9));
        c->anchor.prefix = apr_pstrdup(r->pool, column(dbd, row, 10));
        c->anchor.suffix = apr_pstrdup(r->pool, column(dbd, row, 11));
        c->anchor.position = apr_atoi64(column(dbd, row, 12));
    }
}

/* The id of a page row, made if make is set; NOT_FOUND otherwise. */
static social_store_status page_id_get(request_rec *r, ap_dbd_t *dbd,
                                       const char *page, int make, apr_int64_t *id)
{
    apr_dbd_results_t *res;
    const char *args[2];
    social_store_status st;

    args[0] = social_store_site(r);
    args[1] = page;
    if (!make) {
        st = run_select(r, dbd, "social_page_id", &res, 2, args);
        return st == SOCIAL_STORE_OK ? read_int(r, dbd, res, id) : st;
    }
    st = run_query(r, dbd, "social_page_add", NULL, 2, args);
    if (st == SOCIAL_STORE_OK) {
        st = run_select(r, dbd, "social_last_id", &res, 0, NULL);
    }
    return st == SOCIAL_STORE_OK ? read_int(r, dbd, res, id) : st;
}

/* Runs a statement inside a transaction that commits only if fn succeeds. */
typedef social_store_status (*txn_body)(request_rec *r, ap_dbd_t *dbd, void *data);

static social_store_status transaction_once(request_rec *r, ap_dbd_t *dbd,
                                            txn_body fn, void *data);

/* Deadlocks between racing writers are normal for InnoDB: the loser is
 * rolled back and runs again, up to three times in all. */
static social_store_status in_transaction(request_rec *r, ap_dbd_t *dbd,
                                          txn_body fn, void *data)
{
    social_store_status st = SOCIAL_STORE_FAILED;
    int attempt;

    for (attempt = 0; attempt < 3; attempt++) {
        st = transaction_once(r, dbd, fn, data);
        if (st != SOCIAL_STORE_RETRY) {
            return st;
        }
        apr_sleep(apr_time_from_msec(5 + 20 * attempt));
    }
    return SOCIAL_STORE_FAILED;
}

static social_store_status transaction_once(request_rec *r, ap_dbd_t *dbd,
                                            txn_body fn, void *data)
{
    apr_dbd_transaction_t *txn = NULL;
    social_store_status st;
    int rv = apr_dbd_transaction_start(dbd->driver, r->pool, dbd->handle, &txn);

    if (rv != 0) {
        return statement_failed(r, dbd, "transaction start", rv);
    }
    st = fn(r, dbd, data);
    if (st != SOCIAL_STORE_OK) {
        apr_dbd_transaction_mode_set(dbd->driver, txn, APR_DBD_TRANSACTION_ROLLBACK);
    }
    rv = apr_dbd_transaction_end(dbd->driver, r->pool, txn);
    if (rv != 0 && st == SOCIAL_STORE_OK) {
        return statement_failed(r, dbd, "commit", rv);
    }
    return st;
}

social_store_status social_store_comments_list(request_rec *r, const char *page,
                                               const char *viewer,
                                               apr_array_header_t **comments,
                                               social_page_stats *stats)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[6];
    social_store_status st;

    *comments = apr_array_make(r->pool, 16, sizeof(social_comment));
    memset(stats, 0, sizeof(*stats));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = args[3] = viewer ? viewer : "";
    args[1] = args[4] = social_store_site(r);
    args[2] = args[5] = page;
    st = run_select(r, dbd, "social_comments_list", &res, 6, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        if (apr_atoi64(column(dbd, row, 0)) == 0) {
            stats->likes = atoi(column(dbd, row, COMMENT_EXTRA));
            stats->liked = atoi(column(dbd, row, COMMENT_EXTRA + 1)) > 0;
            stats->shares = atoi(column(dbd, row, COMMENT_EXTRA + 2));
        }
        else {
            social_comment *c = apr_array_push(*comments);
            comment_from_row(r, dbd, row, c);
            c->likes = atoi(column(dbd, row, COMMENT_EXTRA));
            c->liked = atoi(column(dbd, row, COMMENT_EXTRA + 1)) > 0;
        }
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_comment_get(request_rec *r, apr_int64_t id,
                                             social_comment *c, int *replies)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[3];
    social_store_status st;
    int found = 0;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = r->user ? r->user : "";
    args[1] = int_arg(r, id);
    args[2] = social_store_site(r);
    st = run_select(r, dbd, "social_comment_get", &res, 3, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        if (!found) {
            comment_from_row(r, dbd, row, c);
            *replies = atoi(column(dbd, row, COMMENT_EXTRA));
            c->likes = atoi(column(dbd, row, COMMENT_EXTRA + 1));
            c->liked = atoi(column(dbd, row, COMMENT_EXTRA + 2)) > 0;
            found = 1;
        }
    }
    return found ? SOCIAL_STORE_OK : SOCIAL_STORE_NOT_FOUND;
}

/* MySQL's error number for a duplicate key. */
#define MYSQL_DUPLICATE_KEY 1062

/* Claims an Idempotency-Key inside the write's transaction. A second
 * request with the key waits here on the first one's row lock until it
 * commits, then gets a duplicate key: REPLAYED (the transaction must end
 * before idempotency_result can look; MySQL refuses further statements
 * in a failed transaction). */
static social_store_status idempotency_claim(request_rec *r, ap_dbd_t *dbd,
                                             const social_idempotency *idem,
                                             const char *kind)
{
    apr_dbd_prepared_t *st = statement(r, dbd, "social_idempotency_claim");
    const char *args[4] = { idem->user, idem->key, kind, idem->request_hash };
    int rows = 0, rv;

    if (st == NULL) {
        return SOCIAL_STORE_FAILED;
    }
    rv = apr_dbd_pquery(dbd->driver, r->pool, dbd->handle, &rows, st, 4, args);
    if (rv == 0) {
        return SOCIAL_STORE_OK;
    }
    if (rv == MYSQL_DUPLICATE_KEY) {
        return SOCIAL_STORE_REPLAYED;
    }
    return statement_failed(r, dbd, "social_idempotency_claim", rv);
}

/* After a claim found the key taken: the first request's result
 * (REPLAYED, *first), MISMATCH, or OK if the key is free again (a day
 * old, and now removed) so the write may be tried once more. */
static social_store_status idempotency_result(request_rec *r, ap_dbd_t *dbd,
                                              const social_idempotency *idem,
                                              const char *kind, apr_int64_t *first)
{
    const char *args[3] = { idem->user, idem->key, kind };
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *hash = NULL;
    int found = 0, expired = 0;
    social_store_status st = run_select(r, dbd, "social_idempotency_find", &res, 3, args);

    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        if (!found) {
            hash = apr_pstrdup(r->pool, column(dbd, row, 0));
            *first = apr_atoi64(column(dbd, row, 1));
            expired = atoi(column(dbd, row, 2));
            found = 1;
        }
    }
    if (!found) {
        return SOCIAL_STORE_MISMATCH;   /* the key was used for another kind */
    }
    if (expired) {
        return run_query(r, dbd, "social_idempotency_expire", NULL, 2, args);
    }
    return strcmp(hash, idem->request_hash) == 0 && *first != 0
           ? SOCIAL_STORE_REPLAYED : SOCIAL_STORE_MISMATCH;
}

/* Runs an idempotent write: the transaction, and if its key was taken,
 * the first result (or one more try once an expired key is freed). */
static social_store_status idempotent_write(request_rec *r, ap_dbd_t *dbd,
                                            const social_idempotency *idem,
                                            const char *kind, apr_int64_t *id,
                                            social_store_status (*fn)(request_rec *, ap_dbd_t *, void *),
                                            void *data)
{
    int attempt;
    social_store_status st = SOCIAL_STORE_FAILED;

    for (attempt = 0; attempt < 2; attempt++) {
        st = in_transaction(r, dbd, fn, data);
        if (st != SOCIAL_STORE_REPLAYED || idem == NULL) {
            return st;
        }
        st = idempotency_result(r, dbd, idem, kind, id);
        if (st != SOCIAL_STORE_OK) {
            return st;
        }
    }
    return st;
}

static social_store_status idempotency_settle(request_rec *r, ap_dbd_t *dbd,
                                              const social_idempotency *idem,
                                              apr_int64_t id)
{
    const char *args[3] = { int_arg(r, id), idem->user, idem->key };
    return run_query(r, dbd, "social_idempotency_settle", NULL, 3, args);
}

typedef struct {
    social_comment *c;
    const social_idempotency *idem;
} comment_txn;

static social_store_status comment_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    comment_txn *t = data;
    social_comment *c = t->c;
    apr_dbd_results_t *res;
    const char *args[11];
    apr_int64_t page_id = 0;
    social_store_status st = SOCIAL_STORE_OK;

    if (t->idem != NULL) {
        st = idempotency_claim(r, dbd, t->idem, "comment");
        if (st != SOCIAL_STORE_OK) {
            return st;
        }
    }
    st = page_id_get(r, dbd, c->page, 1, &page_id);
    if (st == SOCIAL_STORE_OK) {
        args[0] = int_arg(r, page_id);
        args[1] = int_arg(r, c->parent);
        args[2] = c->author;
        args[3] = c->author_name;
        args[4] = c->body;
        args[5] = c->anchor.exact ? c->anchor.exact : "";
        args[6] = args[8] = c->anchor.exact ? "y" : "n";
        args[7] = c->anchor.exact ? c->anchor.prefix : "";
        args[9] = c->anchor.exact ? c->anchor.suffix : "";
        args[10] = c->anchor.exact ? int_arg(r, c->anchor.position) : "";
        st = run_query(r, dbd, "social_comment_add", NULL, 11, args);
    }
    if (st == SOCIAL_STORE_OK) {
        st = run_select(r, dbd, "social_last_id", &res, 0, NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = read_int(r, dbd, res, &c->id);
    }
    if (st == SOCIAL_STORE_OK && t->idem != NULL) {
        st = idempotency_settle(r, dbd, t->idem, c->id);
    }
    return st;
}

social_store_status social_store_comment_add(request_rec *r, social_comment *c,
                                             const social_idempotency *idem)
{
    ap_dbd_t *dbd = store_writer(r);
    comment_txn t = { c, idem };
    social_store_status st;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = idempotent_write(r, dbd, idem, "comment", &c->id, comment_write, &t);
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

social_store_status social_store_page_counts(request_rec *r, const char *page,
                                             int *comments, social_page_stats *stats)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[2];
    social_store_status st;

    *comments = 0;
    memset(stats, 0, sizeof(*stats));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = social_store_site(r);
    args[1] = page;
    st = run_select(r, dbd, "social_page_counts", &res, 2, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        *comments = atoi(column(dbd, row, 0));
        stats->likes = atoi(column(dbd, row, 1));
        stats->shares = atoi(column(dbd, row, 2));
    }
    return SOCIAL_STORE_OK;
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

static const char *like_kind_name(social_like_kind kind)
{
    return kind == SOCIAL_LIKE_PAGE ? "page" : "comment";
}

social_store_status social_store_like(request_rec *r, social_like_kind kind,
                                      const char *page, apr_int64_t comment,
                                      const char *user, int on, int *count,
                                      int *liked)
{
    ap_dbd_t *dbd = store_writer(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[3];
    apr_int64_t target = comment;
    social_store_status st = SOCIAL_STORE_OK;

    *count = 0;
    *liked = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    if (kind == SOCIAL_LIKE_PAGE) {
        st = page_id_get(r, dbd, page, on, &target);
        if (st == SOCIAL_STORE_NOT_FOUND) {
            return SOCIAL_STORE_OK;   /* unliking a page nobody touched */
        }
        if (st != SOCIAL_STORE_OK) {
            return st;
        }
    }
    args[0] = like_kind_name(kind);
    args[1] = int_arg(r, target);
    args[2] = user;
    st = run_query(r, dbd, on ? "social_like_add" : "social_like_remove", NULL, 3, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    args[0] = user;
    args[1] = like_kind_name(kind);
    args[2] = int_arg(r, target);
    st = run_select(r, dbd, "social_like_count", &res, 3, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        *count = atoi(column(dbd, row, 0));
        *liked = atoi(column(dbd, row, 1)) > 0;
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_likers(request_rec *r, social_like_kind kind,
                                        const char *page, apr_int64_t comment,
                                        apr_array_header_t **people)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[2];
    apr_int64_t target = comment;
    social_store_status st;

    *people = apr_array_make(r->pool, 8, sizeof(social_person));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    if (kind == SOCIAL_LIKE_PAGE) {
        st = page_id_get(r, dbd, page, 0, &target);
        if (st != SOCIAL_STORE_OK) {
            return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
        }
    }
    args[0] = like_kind_name(kind);
    args[1] = int_arg(r, target);
    st = run_select(r, dbd, "social_likers", &res, 2, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        social_person *pe = apr_array_push(*people);
        pe->user = apr_pstrdup(r->pool, column(dbd, row, 0));
        pe->name = apr_pstrdup(r->pool, column(dbd, row, 1));
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_person_get(request_rec *r, const char *user,
                                            const char **name)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[1];
    social_store_status st;
    int found = 0;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = user;
    st = run_select(r, dbd, "social_person_get", &res, 1, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        if (!found) {
            *name = apr_pstrdup(r->pool, column(dbd, row, 0));
            found = 1;
        }
    }
    return found ? SOCIAL_STORE_OK : SOCIAL_STORE_NOT_FOUND;
}

typedef struct {
    social_share *share;
    apr_array_header_t *recipients;
    const social_idempotency *idem;
} share_txn;

static social_store_status share_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    share_txn *t = data;
    social_share *sh = t->share;
    apr_int64_t page_id = 0;
    apr_dbd_results_t *res;
    const char *args[5];
    social_store_status st = SOCIAL_STORE_OK;
    int k;

    if (t->idem != NULL
        && (st = idempotency_claim(r, dbd, t->idem, "share")) != SOCIAL_STORE_OK) {
        return st;
    }
    st = page_id_get(r, dbd, sh->page, 1, &page_id);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    args[0] = int_arg(r, page_id);
    args[1] = sh->user;
    args[2] = sh->user_name;
    args[3] = sh->note ? sh->note : "";
    args[4] = sh->public ? "1" : "0";
    st = run_query(r, dbd, "social_share_add", NULL, 5, args);
    if (st == SOCIAL_STORE_OK) {
        st = run_select(r, dbd, "social_last_id", &res, 0, NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = read_int(r, dbd, res, &sh->id);
    }
    for (k = 0; st == SOCIAL_STORE_OK && k < t->recipients->nelts; k++) {
        args[0] = int_arg(r, sh->id);
        args[1] = APR_ARRAY_IDX(t->recipients, k, const char *);
        st = run_query(r, dbd, "social_share_recipient_add", NULL, 2, args);
    }
    if (st == SOCIAL_STORE_OK && t->idem != NULL) {
        st = idempotency_settle(r, dbd, t->idem, sh->id);
    }
    return st;
}

social_store_status social_store_share_add(request_rec *r, social_share *share,
                                           apr_array_header_t *recipients,
                                           const social_idempotency *idem)
{
    ap_dbd_t *dbd = store_writer(r);
    share_txn t = { share, recipients, idem };

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    share->created = apr_time_now();
    return idempotent_write(r, dbd, idem, "share", &share->id, share_write, &t);
}

social_store_status social_store_shares_inbox(request_rec *r, const char *user,
                                              apr_array_header_t **shares)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[2];
    social_store_status st;

    *shares = apr_array_make(r->pool, 8, sizeof(social_share));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = user;
    args[1] = social_store_site(r);
    st = run_select(r, dbd, "social_shares_inbox", &res, 2, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        social_share *sh = apr_array_push(*shares);
        sh->id = apr_atoi64(column(dbd, row, 0));
        sh->page = apr_pstrdup(r->pool, column(dbd, row, 1));
        sh->user = apr_pstrdup(r->pool, column(dbd, row, 2));
        sh->user_name = apr_pstrdup(r->pool, column(dbd, row, 3));
        sh->note = apr_pstrdup(r->pool, column(dbd, row, 4));
        sh->public = atoi(column(dbd, row, 5));
        sh->created = time_from_seconds(column(dbd, row, 6));
    }
    return SOCIAL_STORE_OK;
}

/* ---- polls ---- */

typedef struct {
    const char *page;
    const social_poll_def *def;
    apr_int64_t id;
} poll_txn;

static social_store_status poll_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    poll_txn *t = data;
    const social_poll_def *def = t->def;
    apr_int64_t page_id = 0;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[8];
    const char *closes = apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                                      (apr_int64_t)apr_time_sec(def->closes));
    apr_array_header_t *labels;
    int *kept, next_idx = 0, k, j;
    social_store_status st = page_id_get(r, dbd, t->page, 1, &page_id);

    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    args[0] = int_arg(r, page_id);
    args[1] = def->name;
    args[2] = def->question;
    args[3] = def->multiple ? "1" : "0";
    args[4] = closes;
    args[5] = social_poll_results_name(def->results);
    args[6] = def->definition;
    st = run_query(r, dbd, "social_poll_upsert", NULL, 7, args);
    if (st == SOCIAL_STORE_OK) {
        st = run_select(r, dbd, "social_last_id", &res, 0, NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = read_int(r, dbd, res, &t->id);
    }
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    /* Options: matched by label; new labels get the next index. */
    args[0] = int_arg(r, t->id);
    st = run_select(r, dbd, "social_poll_options", &res, 1, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    labels = apr_array_make(r->pool, 8, sizeof(social_poll_option));
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        social_poll_option *o = apr_array_push(labels);
        o->idx = atoi(column(dbd, row, 0));
        o->label = apr_pstrdup(r->pool, column(dbd, row, 1));
        o->removed = atoi(column(dbd, row, 2));
        if (o->idx >= next_idx) {
            next_idx = o->idx + 1;
        }
    }
    kept = apr_pcalloc(r->pool, sizeof(int) * (labels->nelts + 1));
    for (k = 0; st == SOCIAL_STORE_OK && k < def->noptions; k++) {
        int found = -1;
        for (j = 0; j < labels->nelts; j++) {
            if (strcmp(APR_ARRAY_IDX(labels, j, social_poll_option).label, def->options[k]) == 0) {
                found = j;
                break;
            }
        }
        if (found >= 0) {
            social_poll_option *o = &APR_ARRAY_IDX(labels, found, social_poll_option);
            kept[found] = 1;
            if (o->removed) {
                args[0] = "0";
                args[1] = int_arg(r, t->id);
                args[2] = apr_itoa(r->pool, o->idx);
                st = run_query(r, dbd, "social_poll_option_removed", NULL, 3, args);
            }
            continue;
        }
        args[0] = int_arg(r, t->id);
        args[1] = apr_itoa(r->pool, next_idx++);
        args[2] = def->options[k];
        st = run_query(r, dbd, "social_poll_option_add", NULL, 3, args);
    }
    for (j = 0; st == SOCIAL_STORE_OK && j < labels->nelts; j++) {
        social_poll_option *o = &APR_ARRAY_IDX(labels, j, social_poll_option);
        if (!kept[j] && !o->removed) {
            args[0] = "1";
            args[1] = int_arg(r, t->id);
            args[2] = apr_itoa(r->pool, o->idx);
            st = run_query(r, dbd, "social_poll_option_removed", NULL, 3, args);
            ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                          "SOCIAL0601: poll %s on %s: option \"%s\" is no longer in the "
                          "marker; its votes are kept but not shown", def->name, t->page,
                          o->label);
        }
    }
    return st;
}

social_store_status social_store_poll_sync(request_rec *r, const char *page,
                                           const struct social_poll_def *def,
                                           apr_int64_t *id, int *changed)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[3];
    const char *stored = NULL;
    poll_txn t = { page, def, 0 };
    social_store_status st;

    *changed = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = social_store_site(r);
    args[1] = page;
    args[2] = def->name;
    st = run_select(r, dbd, "social_poll_find", &res, 3, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        *id = apr_atoi64(column(dbd, row, 0));
        stored = apr_pstrdup(r->pool, column(dbd, row, 1));
    }
    if (stored != NULL && strcmp(stored, def->definition) == 0) {
        return SOCIAL_STORE_OK;
    }
    if ((dbd = store_writer(r)) == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = in_transaction(r, dbd, poll_write, &t);
    if (st == SOCIAL_STORE_OK) {
        *id = t.id;
        *changed = 1;
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "SOCIAL0602: poll %s on %s %s from its marker", def->name, page,
                      stored ? "updated" : "created");
    }
    return st;
}

/* Reads POLL_SELECT rows into polls (array of social_poll). */
static void polls_read(request_rec *r, ap_dbd_t *dbd, apr_dbd_results_t *res,
                       apr_array_header_t *polls)
{
    apr_dbd_row_t *row = NULL;
    social_poll *poll = NULL;

    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        apr_int64_t id = apr_atoi64(column(dbd, row, 0));
        social_poll_option *o;

        if (poll == NULL || poll->id != id) {
            poll = apr_array_push(polls);
            poll->id = id;
            poll->page = apr_pstrdup(r->pool, column(dbd, row, 1));
            poll->name = apr_pstrdup(r->pool, column(dbd, row, 2));
            poll->question = apr_pstrdup(r->pool, column(dbd, row, 3));
            poll->multiple = atoi(column(dbd, row, 4));
            poll->closes = time_from_seconds(column(dbd, row, 5));
            poll->results = strcmp(column(dbd, row, 6), "after-vote") == 0
                            ? SOCIAL_POLL_RESULTS_AFTER_VOTE
                            : strcmp(column(dbd, row, 6), "after-close") == 0
                            ? SOCIAL_POLL_RESULTS_AFTER_CLOSE : SOCIAL_POLL_RESULTS_ALWAYS;
            poll->closed = atoi(column(dbd, row, 7));
            poll->ballots = atoi(column(dbd, row, 8));
            poll->voted = atoi(column(dbd, row, 9)) > 0;
            poll->options = apr_array_make(r->pool, 4, sizeof(social_poll_option));
        }
        o = apr_array_push(poll->options);
        o->idx = atoi(column(dbd, row, 10));
        o->label = apr_pstrdup(r->pool, column(dbd, row, 11));
        o->removed = atoi(column(dbd, row, 12));
        o->votes = atoi(column(dbd, row, 13));
        o->mine = atoi(column(dbd, row, 14)) > 0;
    }
}

social_store_status social_store_polls_list(request_rec *r, const char *page,
                                            const char *viewer,
                                            apr_array_header_t **polls)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    const char *args[4];
    social_store_status st;

    *polls = apr_array_make(r->pool, 2, sizeof(social_poll));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = args[1] = viewer ? viewer : "";
    args[2] = social_store_site(r);
    args[3] = page;
    st = run_select(r, dbd, "social_polls_list", &res, 4, args);
    if (st == SOCIAL_STORE_OK) {
        polls_read(r, dbd, res, *polls);
    }
    return st;
}

social_store_status social_store_poll_get(request_rec *r, apr_int64_t id,
                                          const char *viewer, social_poll *poll)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    const char *args[4];
    apr_array_header_t *polls = apr_array_make(r->pool, 1, sizeof(social_poll));
    social_store_status st;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = args[1] = viewer ? viewer : "";
    args[2] = int_arg(r, id);
    args[3] = social_store_site(r);
    st = run_select(r, dbd, "social_poll_get", &res, 4, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    polls_read(r, dbd, res, polls);
    if (polls->nelts == 0) {
        return SOCIAL_STORE_NOT_FOUND;
    }
    *poll = APR_ARRAY_IDX(polls, 0, social_poll);
    return SOCIAL_STORE_OK;
}

typedef struct {
    apr_int64_t id;
    const char *user;
    const int *choices;
    int n;
} vote_txn;

static social_store_status vote_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    vote_txn *t = data;
    const char *args[3];
    social_store_status st;
    int k;

    args[0] = int_arg(r, t->id);
    args[1] = t->user;
    /* The ballot row is locked first: racing votes of one person queue
     * here, and the last one wins whole. */
    st = run_query(r, dbd, "social_poll_ballot", NULL, 2, args);
    if (st == SOCIAL_STORE_OK) {
        st = run_query(r, dbd, "social_poll_choices_clear", NULL, 2, args);
    }
    for (k = 0; st == SOCIAL_STORE_OK && k < t->n; k++) {
        args[2] = apr_itoa(r->pool, t->choices[k]);
        st = run_query(r, dbd, "social_poll_choice_add", NULL, 3, args);
    }
    return st;
}

social_store_status social_store_poll_vote(request_rec *r, apr_int64_t id,
                                           const char *user, const int *choices,
                                           int n)
{
    ap_dbd_t *dbd = store_writer(r);
    vote_txn t = { id, user, choices, n };

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    return in_transaction(r, dbd, vote_write, &t);
}

social_store_status social_store_poll_set_closed(request_rec *r, apr_int64_t id,
                                                 int closed)
{
    ap_dbd_t *dbd = store_writer(r);
    const char *args[2];

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = closed ? "1" : "0";
    args[1] = int_arg(r, id);
    return run_query(r, dbd, "social_poll_closed", NULL, 2, args);
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
