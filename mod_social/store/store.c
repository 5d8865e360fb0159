/* store.c: the store's infrastructure, under every store_<domain>.c:
 * connections (deadlines, the breaker, the background probe), statements
 * with named parameters prepared on each connection when first used,
 * reading rows, transactions with retries, and idempotency. */
#include "store_internal.h"

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_optional.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>
#include <ap_mpm.h>
#include <http_config.h>
#include <http_log.h>

#include <mysql.h>
#include <ma_pvio.h>

#include "breaker.h"

APLOG_USE_MODULE(social);

/* The infrastructure's own statements. */
static const social_statement core_statements[] = {
    { "social_schema_version",
      "SELECT version FROM social_schema_version ORDER BY version DESC LIMIT 1" },
    { "social_last_id", "SELECT LAST_INSERT_ID()" },
    { "social_idempotency_claim",
      "INSERT INTO social_idempotency (user, idem_key, kind, request_hash) "
      "VALUES (:user, :key, :kind, :hash)" },
    { "social_idempotency_find",
      "SELECT request_hash, target_id, "
      "created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY "
      "FROM social_idempotency WHERE user = :user AND idem_key = :key AND kind = :kind" },
    { "social_idempotency_settle",
      "UPDATE social_idempotency SET target_id = :id WHERE user = :user AND idem_key = :key" },
    { "social_idempotency_expire",
      "DELETE FROM social_idempotency WHERE user = :user AND idem_key = :key "
      "AND created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY" },
};
static SOCIAL_STATEMENT_TABLE(core_table, core_statements);

/* Every table, in the order they are learnt. */
static const social_statement_table *const statement_tables[] = {
    &core_table,
    &social_store_pages_statements,
    &social_store_comments_statements,
    &social_store_reactions_statements,
    &social_store_polls_statements,
    &social_store_ideas_statements,
    &social_store_surveys_statements,
    &social_store_activity_statements,
    &social_store_moderation_statements,
    &social_store_stats_statements,
};

/* A statement as apr_dbd prepares it: its SQL with a positional %s for
 * each :name, and the names in that order. */
typedef struct {
    const char *sql;
    int nparams;
    const char **params;
} compiled_statement;

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire_fn;
static APR_OPTIONAL_FN_TYPE(ap_dbd_open) *dbd_open_fn;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) *dbd_close_fn;

/* Per process: every statement by label (a compiled_statement), read-only
 * once the configuration is read. A statement is prepared on a connection
 * when it is first used there (see statement()), under the round-trip
 * deadline, rather than all of them by mod_dbd while it connects, where no
 * deadline reaches. */
static apr_hash_t *statements;

/* Per process: the round-trip deadline (SocialDBTimeout) and the breaker
 * every thread asks before touching the database. */
static apr_interval_time_t round_trip_deadline = SOCIAL_STORE_ROUND_TRIP_DEFAULT;
static social_breaker breaker;
static int probing_in_background;

void social_store_configure(apr_interval_time_t round_trip, int background_probe)
{
    round_trip_deadline = round_trip;
    probing_in_background = background_probe;
    social_breaker_init(&breaker, SOCIAL_STORE_BACKOFF_MIN, SOCIAL_STORE_BACKOFF_MAX);
}

/* Every new connection gets the client-side deadline on its socket: a
 * read or write the server does not answer in time fails with "lost
 * connection" instead of waiting for ever (apr_dbd_mysql has no such
 * parameter; MariaDB Connector/C keeps the deadline in the connection's
 * I/O layer, whose structure its public header ma_pvio.h declares). The
 * server's own limits end a lock or statement wait a little earlier, so
 * a slow statement is answered by the server while the connection stays
 * usable. */
static apr_status_t store_post_connect(apr_pool_t *pool, dbd_cfg_t *cfg, ap_dbd_t *dbd)
{
    MYSQL *mysql = apr_dbd_native_handle(dbd->driver, dbd->handle);
    long server_ms = (long)(apr_time_as_msec(round_trip_deadline) * 8 / 10);
    long whole = server_ms / 1000 > 0 ? server_ms / 1000 : 1;
    const char *settings[4];
    size_t k;
    int rows;

    if (mysql != NULL && mysql->net.pvio != NULL) {
        int ms = (int)apr_time_as_msec(round_trip_deadline);
        mysql->net.pvio->timeout[PVIO_READ_TIMEOUT] = ms;
        mysql->net.pvio->timeout[PVIO_WRITE_TIMEOUT] = ms;
    }
    settings[0] = apr_psprintf(pool, "SET SESSION innodb_lock_wait_timeout = %ld", whole);
    settings[1] = apr_psprintf(pool, "SET SESSION lock_wait_timeout = %ld", whole);
    /* MariaDB; MySQL has no such variable and refuses it harmlessly. */
    settings[2] = apr_psprintf(pool, "SET SESSION max_statement_time = %ld.%03ld",
                               server_ms / 1000, server_ms % 1000);
    /* Writes rely on unique keys, never on gap locks: without them,
     * people voting or liking at once no longer deadlock on the gaps
     * around rows they are about to insert. */
    settings[3] = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
    for (k = 0; k < sizeof(settings) / sizeof(settings[0]); k++) {
        apr_dbd_query(dbd->driver, dbd->handle, &rows, settings[k]);
    }
    return APR_SUCCESS;
}

void social_store_register_hooks(apr_pool_t *p)
{
    APR_OPTIONAL_HOOK(dbd, post_connect, store_post_connect, NULL, NULL, APR_HOOK_MIDDLE);
}

/* sql with each :name (outside quotes) made a %s, and the names in order. */
static compiled_statement *statement_compile(apr_pool_t *p, const char *sql)
{
    compiled_statement *cs = apr_pcalloc(p, sizeof(*cs));
    apr_array_header_t *params = apr_array_make(p, 8, sizeof(const char *));
    char *out = apr_palloc(p, strlen(sql) + 1);
    char quote = 0;
    size_t o = 0;
    const char *c = sql;

    while (*c) {
        if (quote) {
            quote = *c == quote ? 0 : quote;
        }
        else if (*c == '\'' || *c == '"') {
            quote = *c;
        }
        else if (*c == ':' && (apr_isalpha(c[1]) || c[1] == '_')) {
            const char *name = ++c;
            while (apr_isalnum(*c) || *c == '_') {
                c++;
            }
            APR_ARRAY_PUSH(params, const char *) = apr_pstrmemdup(p, name, c - name);
            out[o++] = '%';
            out[o++] = 's';
            continue;
        }
        out[o++] = *c++;
    }
    out[o] = '\0';
    cs->sql = out;
    cs->nparams = params->nelts;
    cs->params = (const char **)params->elts;
    return cs;
}

void social_store_prepare_statements(apr_pool_t *p, server_rec *s)
{
    size_t t, k;

    dbd_acquire_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    dbd_open_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (dbd_acquire_fn == NULL || dbd_open_fn == NULL || dbd_close_fn == NULL) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "SOCIAL0101: mod_dbd is not loaded: pages get the block, "
                     "but comments, likes, shares and polls are unavailable");
        dbd_acquire_fn = NULL;
        return;
    }
    statements = apr_hash_make(p);
    for (t = 0; t < sizeof(statement_tables) / sizeof(statement_tables[0]); t++) {
        for (k = 0; k < statement_tables[t]->count; k++) {
            const social_statement *def = &statement_tables[t]->statements[k];
            apr_hash_set(statements, def->label, APR_HASH_KEY_STRING,
                         statement_compile(p, def->sql));
        }
    }
}

/* Deadlocks between racing writers are normal for InnoDB (and, on
 * Galera, conflicts with another node's write set found at commit): the
 * loser is rolled back and runs again, this many times in all, each
 * after a little longer random wait. */
#define TRANSACTION_ATTEMPTS 8

/* MySQL's error numbers the store treats apart. */
#define MYSQL_DEADLOCK 1213
#define MYSQL_STATEMENT_TIMEOUT 1969   /* MariaDB's max_statement_time */

/* Did the database itself fail (not one statement)? Client-side errors
 * (2000-2999: lost connection, gone away, a deadline missed) and a
 * statement the server gave up on for time both say it cannot serve
 * this process now. */
static int connection_failed(ap_dbd_t *dbd)
{
    MYSQL *mysql = apr_dbd_native_handle(dbd->driver, dbd->handle);
    unsigned int e = mysql != NULL ? mysql_errno(mysql) : 0;
    return (e >= 2000 && e < 3000) || e == MYSQL_STATEMENT_TIMEOUT;
}

/* The database failed: every thread of the process stops touching it
 * (logged once per outage, not per request). */
static void store_down(request_rec *r, const char *what, int connecting)
{
    if (social_breaker_failure(&breaker, apr_time_now())) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "%s: the database is unavailable (%s): pages are served "
                      "without it and writes answer 503 until it answers again "
                      "(deadline %" APR_TIME_T_FMT " ms per round trip, see "
                      "SocialDBTimeout)", connecting ? "SOCIAL0102" : "SOCIAL0110", what,
                      apr_time_as_msec(round_trip_deadline));
    }
}

static void store_up(server_rec *s)
{
    if (social_breaker_success(&breaker)) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "SOCIAL0111: the database answers again: discussions and writes "
                     "are back");
    }
}

int social_store_retry_after(void)
{
    apr_interval_time_t left = social_breaker_remaining(&breaker, apr_time_now());
    /* Whole seconds (RFC 9110), rounded up, at least one. */
    int seconds = (int)((left + APR_USEC_PER_SEC - 1) / APR_USEC_PER_SEC);
    return seconds > 0 ? seconds : 1;
}

/* mod_dbd hands out each dead pooled connection once (it pings it,
 * logs AH00639 and drops it), so after a database restart a few quick
 * tries get a fresh one. A try that took longer than that was a real
 * connection attempt: its failure is the answer. Either r (a request's
 * connection, given back with the request) or p and s (the background's,
 * closed by the caller). */
#define DEAD_POOLED_TRIES 10
#define DEAD_POOLED_QUICK apr_time_from_msec(50)

static ap_dbd_t *open_past_dead_ones(request_rec *r, apr_pool_t *p, server_rec *s)
{
    ap_dbd_t *dbd = NULL;
    int attempt;

    for (attempt = 0; attempt < DEAD_POOLED_TRIES && dbd == NULL; attempt++) {
        apr_time_t started = apr_time_now();
        dbd = r != NULL ? dbd_acquire_fn(r) : dbd_open_fn(p, s);
        if (dbd == NULL && apr_time_now() - started > DEAD_POOLED_QUICK) {
            break;
        }
    }
    return dbd;
}

/* A connection with our statements, or NULL. While the breaker is open
 * nothing waits: the answer is NULL at once; only when a fresh
 * connection fails too is the database taken as down. */
ap_dbd_t *social_store_reader(request_rec *r)
{
    ap_dbd_t *dbd;

    if (dbd_acquire_fn == NULL
        || social_breaker_ask(&breaker, apr_time_now(), !probing_in_background)
           == SOCIAL_BREAKER_WAIT) {
        return NULL;
    }
    dbd = open_past_dead_ones(r, NULL, NULL);
    if (dbd == NULL) {
        store_down(r, "no connection; see mod_dbd's message above, and check "
                      "DBDriver/DBDParams and that the server is up", 1);
        return NULL;
    }
    store_up(r->server);   /* connected or pinged: it answers */
    return dbd;
}

/* Background work (mod_watchdog): while the breaker is open and a probe
 * is due, one connection from mod_dbd's pool (mod_dbd pings it, or makes
 * a new one under the connect deadline) tells whether the database is
 * back; no reader's request waits for that. */
void social_store_probe(server_rec *s, apr_pool_t *p)
{
    ap_dbd_t *dbd;

    if (dbd_acquire_fn == NULL
        || social_breaker_ask(&breaker, apr_time_now(), 1) != SOCIAL_BREAKER_PROBE) {
        return;
    }
    dbd = open_past_dead_ones(NULL, p, s);
    if (dbd == NULL) {
        social_breaker_failure(&breaker, apr_time_now());
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "SOCIAL0117: the database is still unavailable (see mod_dbd's "
                     "message above); next try in %" APR_TIME_T_FMT " ms",
                     apr_time_as_msec(social_breaker_remaining(&breaker, apr_time_now())));
        return;
    }
    dbd_close_fn(s, dbd);
    store_up(s);
}

/* Per process: the schema version last read, and when. */
static volatile int schema_seen;
static volatile apr_time_t schema_seen_at;

#define SOCIAL_SCHEMA_RECHECK apr_time_from_sec(30)

/* A connection for writing: only against the schema this build knows
 * (checked every 30 s); otherwise NULL, logged once per interval. */
ap_dbd_t *social_store_writer(request_rec *r)
{
    ap_dbd_t *dbd = social_store_reader(r);
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

/* Nonzero for an error that says the database cannot answer now (the
 * connection is gone, or a lock or the statement ran out of time), as
 * opposed to a statement it refused (bad data, a constraint, the schema):
 * the first is answered 503 "unavailable", the second 500. */
static int error_is_unavailable(int rv)
{
    /* Below 1000 is no server error number: apr_dbd_mysql passes on the
     * bare failure of mysql_autocommit, mysql_commit or mysql_rollback,
     * which fail when the connection is lost. */
    return rv < 1000
        || (rv >= 2000 && rv < 3000)   /* client: CR_SERVER_GONE_ERROR, CR_SERVER_LOST, ... */
        || rv == 1180                  /* ER_ERROR_DURING_COMMIT */
        || rv == 1040                  /* ER_CON_COUNT_ERROR */
        || rv == 1053                  /* ER_SERVER_SHUTDOWN */
        || rv == 1205                  /* ER_LOCK_WAIT_TIMEOUT */
        || rv == 1317                  /* ER_QUERY_INTERRUPTED */
        || rv == 1927                  /* ER_CONNECTION_KILLED (MariaDB) */
        || rv == 1969                  /* ER_STATEMENT_TIMEOUT (MariaDB) */
        || rv == 3024;                 /* ER_QUERY_TIMEOUT (MySQL) */
}

/* Logs a failed statement; a deadlock is only noted (it is retried). A
 * failure of the database itself opens the breaker. */
static social_store_status statement_failed(request_rec *r, ap_dbd_t *dbd,
                                            const char *label, int rv)
{
    MYSQL *mysql = apr_dbd_native_handle(dbd->driver, dbd->handle);

    /* apr_dbd_mysql passes on only the bare failure (1) of
     * mysql_autocommit and mysql_commit; the server's own number says
     * what it was (a deadlock is retried, not answered 503). */
    if (rv > 0 && rv < 1000 && mysql != NULL && mysql_errno(mysql) >= 1000
        && mysql_errno(mysql) < 2000) {
        rv = (int)mysql_errno(mysql);
    }
    /* A deadlock is over at once and the transaction may simply run
     * again; a lock held past the wait means a stuck database, answered
     * (503) rather than waited on again. */
    int retry = rv == MYSQL_DEADLOCK;
    int down = !retry && connection_failed(dbd);
    /* While the process stops, mod_dbd closes its connections under
     * background work that is still running (a digest): expected then,
     * and not an error of the database. */
    int mpm_state = AP_MPMQ_RUNNING;
    int stopping = ap_mpm_query(AP_MPMQ_MPM_STATE, &mpm_state) == APR_SUCCESS
                   && mpm_state == AP_MPMQ_STOPPING;

    ap_log_rerror(APLOG_MARK, retry || stopping ? APLOG_INFO : APLOG_ERR, 0, r,
                  "SOCIAL0105: statement %s failed (%d): %s%s", label, rv,
                  apr_dbd_error(dbd->driver, dbd->handle, rv),
                  retry ? " (the transaction is run again)"
                  : stopping ? " (the process is stopping)" : "");
    if (down) {
        store_down(r, apr_pstrcat(r->pool, "statement ", label, " got no answer in time",
                                  NULL), 0);
        return SOCIAL_STORE_DOWN;
    }
    return retry ? SOCIAL_STORE_RETRY
         : error_is_unavailable(rv) ? SOCIAL_STORE_DOWN : SOCIAL_STORE_FAILED;
}


/* The statement on this connection, prepared there on first use; NULL
 * with *why the reason if it cannot be prepared. On Galera the prepare
 * may be what hears that another node's write set aborted the
 * transaction (a deadlock, 1213): *why is then RETRY. */
static apr_dbd_prepared_t *statement(request_rec *r, ap_dbd_t *dbd, const char *label,
                                     const compiled_statement **cs, social_store_status *why)
{
    apr_dbd_prepared_t *st = apr_hash_get(dbd->prepared, label, APR_HASH_KEY_STRING);
    int rv;

    *why = SOCIAL_STORE_FAILED;

    *cs = statements ? apr_hash_get(statements, label, APR_HASH_KEY_STRING) : NULL;
    if (*cs == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0103: no statement is called %s", label);
        return NULL;
    }
    if (st != NULL) {
        return st;
    }
    rv = apr_dbd_prepare(dbd->driver, dbd->pool, dbd->handle, (*cs)->sql, label, &st);
    if (rv != 0) {
        *why = statement_failed(r, dbd, label, rv);
        return NULL;
    }
    apr_hash_set(dbd->prepared, label, APR_HASH_KEY_STRING, st);
    return st;
}

/* The positional values of a statement's parameters, from the named
 * arguments of the call (":site" is the request's site unless given);
 * NULL, logged, if one is missing. */
static const char **bind_arguments(request_rec *r, const char *label,
                                   const compiled_statement *cs,
                                   const social_store_arg *args, int nargs)
{
    const char **values = apr_palloc(r->pool, (cs->nparams + 1) * sizeof(*values));
    int k, a;

    for (k = 0; k < cs->nparams; k++) {
        values[k] = NULL;
        for (a = 0; a < nargs && values[k] == NULL; a++) {
            if (strcmp(args[a].name, cs->params[k]) == 0) {
                values[k] = args[a].value ? args[a].value : "";
            }
        }
        if (values[k] == NULL && strcmp(cs->params[k], "site") == 0) {
            values[k] = social_store_site(r);
        }
        if (values[k] == NULL) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "SOCIAL0108: statement %s was given no :%s", label,
                          cs->params[k]);
            return NULL;
        }
    }
    return values;
}

/* Prepares and binds: the statement and its values; DOWN without a
 * connection, FAILED if the statement cannot be prepared or bound. */
static social_store_status statement_bound(request_rec *r, ap_dbd_t *dbd,
                                           const char *label,
                                           const social_store_arg *args, int nargs,
                                           apr_dbd_prepared_t **st, int *nvalues,
                                           const char ***values)
{
    const compiled_statement *cs = NULL;
    social_store_status why;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;   /* no connection to be had */
    }
    *st = statement(r, dbd, label, &cs, &why);
    if (*st == NULL) {
        return why;
    }
    *nvalues = cs->nparams;
    *values = bind_arguments(r, label, cs, args, nargs);
    return *values != NULL ? SOCIAL_STORE_OK : SOCIAL_STORE_FAILED;
}

/* Runs a write; the driver's error number in *rv (0: done). */
static social_store_status query(request_rec *r, ap_dbd_t *dbd, const char *label,
                                 const social_store_arg *args, int nargs,
                                 int *affected, int *rv)
{
    apr_dbd_prepared_t *st;
    const char **values;
    int nvalues, rows = 0;
    social_store_status status;

    *rv = 0;
    status = statement_bound(r, dbd, label, args, nargs, &st, &nvalues, &values);
    if (status != SOCIAL_STORE_OK) {
        return status;
    }
    *rv = apr_dbd_pquery(dbd->driver, r->pool, dbd->handle, &rows, st, nvalues, values);
    if (*rv != 0) {
        return SOCIAL_STORE_FAILED;
    }
    if (affected) {
        *affected = rows;
    }
    return SOCIAL_STORE_OK;
}

/* Set in r->notes while a transaction of social_store_transaction runs:
 * a deadlock there is retried by running the whole transaction again. */
#define IN_TRANSACTION_NOTE "social-in-transaction"

static void retry_wait(int attempt);

/* A write that kept meeting concurrent writes: given up, and said so. */
static social_store_status given_up(request_rec *r)
{
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  "SOCIAL0107: a write deadlocked %d times with concurrent writes and "
                  "was given up (answered 503: the client may retry)", TRANSACTION_ATTEMPTS);
    return SOCIAL_STORE_DOWN;
}

social_store_status social_store_run(request_rec *r, ap_dbd_t *dbd, const char *label,
                                     const social_store_arg *args, int nargs,
                                     int *affected)
{
    int rv, attempt;
    social_store_status st = SOCIAL_STORE_FAILED;

    /* A statement on its own is a transaction of its own (autocommit):
     * on Galera another node's write set may abort it (a deadlock, 1213)
     * even when nothing here races; it runs again, with the same limits
     * and logs as a transaction. Inside a transaction the whole
     * transaction runs again instead. */
    for (attempt = 0; attempt < TRANSACTION_ATTEMPTS; attempt++) {
        st = query(r, dbd, label, args, nargs, affected, &rv);
        if (rv != 0) {
            st = statement_failed(r, dbd, label, rv);
        }
        if (st != SOCIAL_STORE_RETRY || apr_table_get(r->notes, IN_TRANSACTION_NOTE)) {
            return st;
        }
        retry_wait(attempt);
    }
    return given_up(r);
}

/* The next row of a result, or 0 at its end. Rows arrive as they are
 * read: if the database stops answering on the way, the end comes early;
 * then the breaker opens and the request is marked, so what it read is
 * not cached as if it were whole. The server may also end the rows with
 * an error (a deadlock: on Galera another node's write set aborting this
 * transaction): *failed gets its number, for the caller to report, since
 * the transaction is gone and nothing may be written after it as if it
 * were not (apr_dbd_mysql keeps no note of an error met while fetching). */
static int next_row(request_rec *r, ap_dbd_t *dbd, apr_dbd_results_t *res,
                    apr_dbd_row_t **row, int *failed)
{
    int rv = apr_dbd_get_row(dbd->driver, r->pool, res, row, -1);

    if (rv == 0) {
        return 1;
    }
    if (connection_failed(dbd)) {
        apr_table_setn(r->notes, SOCIAL_STORE_BROKEN_NOTE, "1");
        store_down(r, "rows were cut off", 0);
    }
    else if (rv > 0) {
        *failed = rv;
    }
    return 0;
}

/* How the rows of a select are handed on. */
typedef enum { EVERY_ROW, FIRST_ROW, ARRAY_ELEMENT } row_delivery;

/* Runs a SELECT and reads every row (always to the end: the driver
 * cleans up only then), delivering them to fn; *rows: how many came. */
static social_store_status select_rows(request_rec *r, ap_dbd_t *dbd, const char *label,
                                       const social_store_arg *args, int nargs,
                                       row_delivery delivery, social_store_row_fn fn,
                                       void *target, int *rows)
{
    apr_dbd_prepared_t *st;
    apr_dbd_results_t *res = NULL;
    const char **values;
    social_store_row row = { r, dbd, NULL };
    int nvalues, rv, failed = 0;
    social_store_status status;

    *rows = 0;
    status = statement_bound(r, dbd, label, args, nargs, &st, &nvalues, &values);
    if (status != SOCIAL_STORE_OK) {
        return status;
    }
    rv = apr_dbd_pselect(dbd->driver, r->pool, dbd->handle, &res, st, 0, nvalues, values);
    if (rv != 0) {
        return statement_failed(r, dbd, label, rv);
    }
    while (next_row(r, dbd, res, &row.row, &failed)) {
        if (delivery == ARRAY_ELEMENT) {
            fn(&row, apr_array_push(target));
        }
        else if (delivery == EVERY_ROW || *rows == 0) {
            fn(&row, target);
        }
        (*rows)++;
    }
    return failed ? statement_failed(r, dbd, label, failed) : SOCIAL_STORE_OK;
}

social_store_status social_store_rows(request_rec *r, ap_dbd_t *dbd, const char *label,
                                      const social_store_arg *args, int nargs,
                                      social_store_row_fn fn, void *target)
{
    int rows;
    return select_rows(r, dbd, label, args, nargs, EVERY_ROW, fn, target, &rows);
}

social_store_status social_store_array(request_rec *r, ap_dbd_t *dbd, const char *label,
                                       const social_store_arg *args, int nargs,
                                       apr_array_header_t *array, social_store_row_fn fn)
{
    int rows;
    return select_rows(r, dbd, label, args, nargs, ARRAY_ELEMENT, fn, array, &rows);
}

social_store_status social_store_one(request_rec *r, ap_dbd_t *dbd, const char *label,
                                     const social_store_arg *args, int nargs,
                                     social_store_row_fn fn, void *target)
{
    int rows;
    social_store_status st = select_rows(r, dbd, label, args, nargs, FIRST_ROW, fn,
                                         target, &rows);

    return st == SOCIAL_STORE_OK && rows == 0 ? SOCIAL_STORE_NOT_FOUND : st;
}

const char *social_store_row_raw(const social_store_row *row, int n)
{
    const char *v = apr_dbd_get_entry(row->dbd->driver, row->row, n);
    return v ? v : "";
}

const char *social_store_row_text(const social_store_row *row, int n)
{
    return apr_pstrdup(row->r->pool, social_store_row_raw(row, n));
}

int social_store_row_int(const social_store_row *row, int n)
{
    return atoi(social_store_row_raw(row, n));
}

apr_int64_t social_store_row_int64(const social_store_row *row, int n)
{
    return apr_atoi64(social_store_row_raw(row, n));
}

/* "1764294000.123" (UNIX_TIMESTAMP of a TIMESTAMP(3)) -> apr_time_t. */
apr_time_t social_store_row_time(const social_store_row *row, int n)
{
    char *end;
    apr_int64_t sec = apr_strtoi64(social_store_row_raw(row, n), &end, 10);
    apr_int64_t usec = 0, scale = 100000;

    if (*end == '.') {
        for (end++; apr_isdigit(*end) && scale > 0; end++, scale /= 10) {
            usec += (*end - '0') * scale;
        }
    }
    return apr_time_from_sec(sec) + usec;
}

void social_store_columns(const social_store_row *row, const social_store_column *columns,
                          int ncolumns, void *element)
{
    int k;

    for (k = 0; k < ncolumns; k++) {
        void *field = (char *)element + columns[k].offset;
        int n = columns[k].column;

        switch (columns[k].kind) {
        case SOCIAL_COLUMN_TEXT: *(const char **)field = social_store_row_text(row, n); break;
        case SOCIAL_COLUMN_INT: *(int *)field = social_store_row_int(row, n); break;
        case SOCIAL_COLUMN_FLAG: *(int *)field = social_store_row_int(row, n) > 0; break;
        case SOCIAL_COLUMN_INT64: *(apr_int64_t *)field = social_store_row_int64(row, n); break;
        case SOCIAL_COLUMN_TIME: *(apr_time_t *)field = social_store_row_time(row, n); break;
        case SOCIAL_COLUMN_SECONDS:
            *(apr_time_t *)field = apr_time_from_sec(social_store_row_int64(row, n));
            break;
        case SOCIAL_COLUMN_CHAR: *(char *)field = social_store_row_raw(row, n)[0]; break;
        }
    }
}

/* What a read by columns fills: an element, or a new one of an array. */
typedef struct {
    const social_store_column *columns;
    int ncolumns;
    void *target;
} columns_read;

static void columns_into_element(const social_store_row *row, void *data)
{
    columns_read *c = data;
    social_store_columns(row, c->columns, c->ncolumns, c->target);
}

static void columns_into_array(const social_store_row *row, void *data)
{
    columns_read *c = data;
    social_store_columns(row, c->columns, c->ncolumns, apr_array_push(c->target));
}

/* Runs a SELECT and reads rows by columns: every row into a new element
 * of an array (EVERY_ROW), or the first into one element (FIRST_ROW). */
static social_store_status select_columns(request_rec *r, ap_dbd_t *dbd, const char *label,
                                          const social_store_arg *args, int nargs,
                                          const social_store_column *columns, int ncolumns,
                                          row_delivery delivery, void *target)
{
    columns_read c = { columns, ncolumns, target };
    int rows;
    social_store_status st = select_rows(r, dbd, label, args, nargs, delivery,
                                         delivery == EVERY_ROW ? columns_into_array
                                                               : columns_into_element,
                                         &c, &rows);

    return st == SOCIAL_STORE_OK && delivery == FIRST_ROW && rows == 0
           ? SOCIAL_STORE_NOT_FOUND : st;
}

social_store_status social_store_list(request_rec *r, ap_dbd_t *dbd, const char *label,
                                      const social_store_arg *args, int nargs,
                                      const social_store_column *columns, int ncolumns,
                                      apr_array_header_t *array)
{
    return select_columns(r, dbd, label, args, nargs, columns, ncolumns, EVERY_ROW, array);
}

social_store_status social_store_record(request_rec *r, ap_dbd_t *dbd, const char *label,
                                        const social_store_arg *args, int nargs,
                                        const social_store_column *columns, int ncolumns,
                                        void *element)
{
    return select_columns(r, dbd, label, args, nargs, columns, ncolumns, FIRST_ROW, element);
}

static void int_from_row(const social_store_row *row, void *value)
{
    *(apr_int64_t *)value = social_store_row_int64(row, 0);
}

social_store_status social_store_int(request_rec *r, ap_dbd_t *dbd, const char *label,
                                     const social_store_arg *args, int nargs,
                                     apr_int64_t *value)
{
    return social_store_one(r, dbd, label, args, nargs, int_from_row, value);
}

static void string_from_row(const social_store_row *row, void *element)
{
    *(const char **)element = social_store_row_text(row, 0);
}

social_store_status social_store_strings(request_rec *r, ap_dbd_t *dbd, const char *label,
                                         const social_store_arg *args, int nargs,
                                         apr_array_header_t *array)
{
    return social_store_array(r, dbd, label, args, nargs, array, string_from_row);
}

/* The id the connection's last INSERT made (or named with
 * LAST_INSERT_ID(expr)): the client library has it from the server's
 * answer to that statement, so no round trip asks for it; a statement
 * that set none (0) is asked the server's way. */
social_store_status social_store_last_id(request_rec *r, ap_dbd_t *dbd, apr_int64_t *id)
{
    MYSQL *mysql = apr_dbd_native_handle(dbd->driver, dbd->handle);
    my_ulonglong known = mysql != NULL ? mysql_insert_id(mysql) : 0;

    if (known > 0 && known <= (my_ulonglong)APR_INT64_MAX) {
        *id = (apr_int64_t)known;
        return SOCIAL_STORE_OK;
    }
    return social_store_int(r, dbd, "social_last_id", STORE_NO_ARGS, id);
}

const char *social_store_int_arg(request_rec *r, apr_int64_t v)
{
    return apr_psprintf(r->pool, "%" APR_INT64_T_FMT, v);
}

const char *social_store_seconds_arg(request_rec *r, apr_time_t t)
{
    return apr_psprintf(r->pool, "%" APR_INT64_T_FMT ".%06d",
                        (apr_int64_t)apr_time_sec(t), (int)apr_time_usec(t));
}

const char *social_store_site(request_rec *r)
{
    return r->server->server_hostname ? r->server->server_hostname : "";
}

static social_store_status transaction_once(request_rec *r, ap_dbd_t *dbd,
                                            social_store_txn_fn fn, void *data);

/* Racing writers that deadlocked wait apart before the next try. */
static void retry_wait(int attempt)
{
    unsigned char jitter = 0;

    apr_generate_random_bytes(&jitter, 1);
    apr_sleep(apr_time_from_msec(2 + (jitter % 20) * (attempt + 1)));
}


social_store_status social_store_transaction(request_rec *r, ap_dbd_t *dbd,
                                             social_store_txn_fn fn, void *data)
{
    social_store_status st = SOCIAL_STORE_FAILED;
    int attempt;

    for (attempt = 0; attempt < TRANSACTION_ATTEMPTS; attempt++) {
        apr_table_setn(r->notes, IN_TRANSACTION_NOTE, "1");
        st = transaction_once(r, dbd, fn, data);
        apr_table_unset(r->notes, IN_TRANSACTION_NOTE);
        if (st != SOCIAL_STORE_RETRY) {
            return st;
        }
        retry_wait(attempt);
    }
    return given_up(r);
}

/* A transaction is its own two statements, START TRANSACTION and COMMIT
 * (or ROLLBACK). apr_dbd's transactions cost four round trips (autocommit
 * off, COMMIT, COMMIT again, autocommit on), and would only say "failed"
 * of a COMMIT: its number must be the server's, since on Galera a write
 * set that fails certification against another node's is a deadlock
 * (1213) reported on COMMIT, and the whole transaction then runs again,
 * as for an InnoDB deadlock. A failed COMMIT has ended the transaction;
 * the ROLLBACK after it makes sure, so the connection goes back to the
 * pool with none open. */
static social_store_status transaction_once(request_rec *r, ap_dbd_t *dbd,
                                            social_store_txn_fn fn, void *data)
{
    int nrows = 0;
    social_store_status st;
    int rv = apr_dbd_query(dbd->driver, dbd->handle, &nrows, "START TRANSACTION");

    if (rv != 0) {
        return statement_failed(r, dbd, "transaction start", rv);
    }
    st = fn(r, dbd, data);
    if (st == SOCIAL_STORE_OK) {
        rv = apr_dbd_query(dbd->driver, dbd->handle, &nrows, "COMMIT");
        if (rv == 0) {
            return SOCIAL_STORE_OK;
        }
        st = statement_failed(r, dbd, "commit", rv);
    }
    rv = apr_dbd_query(dbd->driver, dbd->handle, &nrows, "ROLLBACK");
    if (rv != 0 && !connection_failed(dbd)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0122: a transaction could not be rolled back (%d): %s", rv,
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
    }
    return st;
}

/* MySQL's error number for a duplicate key. */
#define MYSQL_DUPLICATE_KEY 1062

/* Claims an Idempotency-Key inside the write's transaction. A second
 * request with the key waits here on the first one's row lock until it
 * commits, then gets a duplicate key: REPLAYED (the transaction must end
 * before idempotency_result can look; MySQL refuses further statements
 * in a failed transaction). */
social_store_status social_store_idempotency_claim(request_rec *r, ap_dbd_t *dbd,
                                                   const social_idempotency *idem,
                                                   const char *kind)
{
    int rv;
    social_store_status st = query(r, dbd, "social_idempotency_claim",
                                   STORE_ARGS({ "user", idem->user }, { "key", idem->key },
                                              { "kind", kind },
                                              { "hash", idem->request_hash }),
                                   NULL, &rv);

    if (rv == MYSQL_DUPLICATE_KEY) {
        return SOCIAL_STORE_REPLAYED;
    }
    return rv != 0 ? statement_failed(r, dbd, "social_idempotency_claim", rv) : st;
}

/* After a claim found the key taken: the first request's result
 * (REPLAYED, *first), MISMATCH, or OK if the key is free again (a day
 * old, and now removed) so the write may be tried once more. */
typedef struct {
    const char *hash;
    apr_int64_t first;
    int expired;
} idempotency_row;

static const social_store_column idempotency_columns[] = {
    STORE_COLUMN(0, TEXT, idempotency_row, hash), STORE_COLUMN(1, INT64, idempotency_row, first),
    STORE_COLUMN(2, INT, idempotency_row, expired),
};

static social_store_status idempotency_result(request_rec *r, ap_dbd_t *dbd,
                                              const social_idempotency *idem,
                                              const char *kind, apr_int64_t *first)
{
    const social_store_arg args[] = {
        { "user", idem->user }, { "key", idem->key }, { "kind", kind }
    };
    idempotency_row found = { NULL, 0, 0 };
    social_store_status st = social_store_record(r, dbd, "social_idempotency_find", args, 3,
                                                 STORE_COLUMNS(idempotency_columns), &found);

    if (st == SOCIAL_STORE_NOT_FOUND) {
        return SOCIAL_STORE_MISMATCH;   /* the key was used for another kind */
    }
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    *first = found.first;
    if (found.expired) {
        return social_store_run(r, dbd, "social_idempotency_expire", args, 3, NULL);
    }
    return strcmp(found.hash, idem->request_hash) == 0 && *first != 0
           ? SOCIAL_STORE_REPLAYED : SOCIAL_STORE_MISMATCH;
}

/* Runs an idempotent write: the transaction, and if its key was taken,
 * the first result (or one more try once an expired key is freed). */
social_store_status social_store_idempotent_write(request_rec *r, ap_dbd_t *dbd,
                                                  const social_idempotency *idem,
                                                  const char *kind, apr_int64_t *id,
                                                  social_store_txn_fn fn, void *data)
{
    int attempt;
    social_store_status st = SOCIAL_STORE_FAILED;

    for (attempt = 0; attempt < 2; attempt++) {
        st = social_store_transaction(r, dbd, fn, data);
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

/* The claim row must still be there: if it is not, the transaction that
 * claimed it was aborted under this request without a word reaching it
 * (what follows would write in a new transaction, outside the key), so
 * the whole write runs again, as after a deadlock. */
social_store_status social_store_idempotency_settle(request_rec *r, ap_dbd_t *dbd,
                                                    const social_idempotency *idem,
                                                    apr_int64_t id)
{
    int affected = 0;
    social_store_status st = social_store_run(r, dbd, "social_idempotency_settle",
                                              STORE_ARGS({ "id", social_store_int_arg(r, id) },
                                                         { "user", idem->user },
                                                         { "key", idem->key }),
                                              &affected);

    if (st == SOCIAL_STORE_OK && affected != 1) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL0109: the Idempotency-Key claimed by this write is gone from its "
                      "transaction (aborted by the database): the write is run again");
        return SOCIAL_STORE_RETRY;
    }
    return st;
}

social_store_status social_store_schema_version(request_rec *r, int *version)
{
    apr_int64_t v = 0;
    social_store_status st = social_store_int(r, social_store_reader(r),
                                              "social_schema_version", STORE_NO_ARGS, &v);

    if (st == SOCIAL_STORE_FAILED) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0104: reading the schema version failed (see above): "
                      "has `social-db upgrade` created the tables?");
    }
    *version = (int)v;
    return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
}

