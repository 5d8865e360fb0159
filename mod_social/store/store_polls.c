/* store_polls.c: polls as their page markers declare them, results and
 * ballots. Which options change when a marker does is marker.c's to say. */
#include "store_internal.h"
#include "marker.h"

#include <apr_strings.h>
#include <string.h>
#include <http_log.h>

APLOG_USE_MODULE(social);

/* A poll with one row per option: results and the viewer's choices. */
#define POLL_SELECT \
    "SELECT po.id, p.path, po.name, po.question, po.multiple, " \
    "COALESCE(po.closes_at, 0), po.results, po.closed, " \
    "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id), " \
    "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id " \
    "AND b.user = :viewer), " \
    "o.idx, o.label, o.removed, " \
    "(SELECT COUNT(*) FROM social_poll_choices c WHERE c.poll_id = po.id AND c.idx = o.idx), " \
    "(SELECT COUNT(*) FROM social_poll_choices c WHERE c.poll_id = po.id AND c.idx = o.idx " \
    "AND c.user = :viewer), p.locked " \
    "FROM social_polls po JOIN social_pages p ON p.id = po.page_id " \
    "JOIN social_poll_options o ON o.poll_id = po.id"

static const social_statement polls_statements[] = {
    { "social_poll_find",
      "SELECT po.id, po.definition FROM social_polls po JOIN social_pages p ON p.id = po.page_id "
      "WHERE p.site = :site AND p.path = :page AND po.name = :name" },
    { "social_poll_upsert",
      "INSERT INTO social_polls (page_id, name, question, multiple, closes_at, results, definition) "
      "VALUES (:page_id, :name, :question, :multiple, NULLIF(:closes, '0'), :results, "
      ":definition) "
      "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), question = VALUES(question), "
      "multiple = VALUES(multiple), closes_at = VALUES(closes_at), results = VALUES(results), "
      "definition = VALUES(definition), updated_at = CURRENT_TIMESTAMP(3)" },
    { "social_poll_options",
      "SELECT idx, label, removed FROM social_poll_options WHERE poll_id = :poll ORDER BY idx" },
    { "social_poll_option_add",
      "INSERT INTO social_poll_options (poll_id, idx, label) VALUES (:poll, :idx, :label)" },
    { "social_poll_option_removed",
      "UPDATE social_poll_options SET removed = :removed WHERE poll_id = :poll AND idx = :idx" },
    { "social_polls_list",
      POLL_SELECT " WHERE p.site = :site AND p.path = :page ORDER BY po.id, o.idx" },
    { "social_poll_get",
      POLL_SELECT " WHERE po.id = :poll AND p.site = :site ORDER BY o.idx" },
    { "social_poll_ballot",
      "INSERT INTO social_poll_ballots (poll_id, user) VALUES (:poll, :user) "
      "ON DUPLICATE KEY UPDATE updated_at = CURRENT_TIMESTAMP(3)" },
    { "social_poll_choices_clear",
      "DELETE FROM social_poll_choices WHERE poll_id = :poll AND user = :user" },
    { "social_poll_choice_add",
      "INSERT INTO social_poll_choices (poll_id, user, idx) VALUES (:poll, :user, :idx)" },
};
SOCIAL_STATEMENT_TABLE(social_store_polls_statements, polls_statements);

typedef struct {
    const char *page;
    const social_poll_def *def;
    apr_int64_t id;
} poll_txn;

/* social_poll_options' columns: what marker.c matches the marker with. */
#define STORED_COLUMN(n, kind, field) STORE_COLUMN(n, kind, social_poll_stored_option, field)
static const social_store_column stored_option_columns[] = {
    STORED_COLUMN(0, INT, idx), STORED_COLUMN(1, TEXT, label), STORED_COLUMN(2, INT, removed),
};

/* Applies one change of the poll's options. */
static social_store_status option_write(request_rec *r, ap_dbd_t *dbd, poll_txn *t,
                                        const social_poll_option_change *c)
{
    const char *poll = social_store_int_arg(r, t->id);
    const char *idx = apr_itoa(r->pool, c->idx);

    if (c->kind == SOCIAL_POLL_OPTION_ADD) {
        return social_store_run(r, dbd, "social_poll_option_add",
                                STORE_ARGS({ "poll", poll }, { "idx", idx },
                                           { "label", c->label }),
                                NULL);
    }
    if (c->kind == SOCIAL_POLL_OPTION_REMOVE) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "SOCIAL0601: poll %s on %s: option \"%s\" is no longer in the "
                      "marker; its votes are kept but not shown", t->def->name, t->page,
                      c->label);
    }
    return social_store_run(r, dbd, "social_poll_option_removed",
                            STORE_ARGS({ "removed",
                                         c->kind == SOCIAL_POLL_OPTION_REMOVE ? "1" : "0" },
                                       { "poll", poll }, { "idx", idx }),
                            NULL);
}

static social_store_status poll_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    poll_txn *t = data;
    const social_poll_def *def = t->def;
    apr_int64_t page_id = 0;
    apr_array_header_t *stored, *changes;
    int k;
    social_store_status st = social_store_page_id(r, dbd, t->page, 1, &page_id);

    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(
            r, dbd, "social_poll_upsert",
            STORE_ARGS({ "page_id", social_store_int_arg(r, page_id) }, { "name", def->name },
                       { "question", def->question }, { "multiple", def->multiple ? "1" : "0" },
                       { "closes", social_store_int_arg(r, apr_time_sec(def->closes)) },
                       { "results", social_poll_results_name(def->results) },
                       { "definition", def->definition }),
            NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = social_store_last_id(r, dbd, &t->id);
    }
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    stored = apr_array_make(r->pool, 8, sizeof(social_poll_stored_option));
    st = social_store_list(r, dbd, "social_poll_options",
                           STORE_ARGS({ "poll", social_store_int_arg(r, t->id) }),
                           STORE_COLUMNS(stored_option_columns), stored);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    changes = social_poll_options_match(r->pool, stored, def);
    for (k = 0; st == SOCIAL_STORE_OK && k < changes->nelts; k++) {
        st = option_write(r, dbd, t, &APR_ARRAY_IDX(changes, k, social_poll_option_change));
    }
    return st;
}

/* A poll as stored, to compare with its marker. */
typedef struct {
    apr_int64_t id;
    const char *definition;
} poll_stored;

static const social_store_column stored_columns[] = {
    STORE_COLUMN(0, INT64, poll_stored, id), STORE_COLUMN(1, TEXT, poll_stored, definition),
};

social_store_status social_store_poll_sync(request_rec *r, const char *page,
                                           const struct social_poll_def *def,
                                           apr_int64_t *id, int *changed)
{
    ap_dbd_t *dbd;
    poll_txn t = { page, def, 0 };
    poll_stored stored = { 0, NULL };
    social_store_status st;

    *changed = 0;
    st = social_store_record(r, social_store_reader(r), "social_poll_find",
                             STORE_ARGS({ "page", page }, { "name", def->name }),
                             STORE_COLUMNS(stored_columns), &stored);
    if (st == SOCIAL_STORE_OK) {
        *id = stored.id;
    }
    else if (st != SOCIAL_STORE_NOT_FOUND) {
        return st;
    }
    if (stored.definition != NULL && strcmp(stored.definition, def->definition) == 0) {
        return SOCIAL_STORE_OK;
    }
    if ((dbd = social_store_writer(r)) == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = social_store_transaction(r, dbd, poll_write, &t);
    if (st == SOCIAL_STORE_OK) {
        *id = t.id;
        *changed = 1;
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "SOCIAL0602: poll %s on %s %s from its marker", def->name, page,
                      stored.definition ? "updated" : "created");
    }
    return st;
}

/* A POLL_SELECT row: the poll's columns, then the option's. */
static const social_store_column poll_columns[] = {
    STORE_COLUMN(0, INT64, social_poll, id), STORE_COLUMN(1, TEXT, social_poll, page),
    STORE_COLUMN(2, TEXT, social_poll, name), STORE_COLUMN(3, TEXT, social_poll, question),
    STORE_COLUMN(4, INT, social_poll, multiple), STORE_COLUMN(5, TIME, social_poll, closes),
    STORE_COLUMN(7, INT, social_poll, closed), STORE_COLUMN(8, INT, social_poll, ballots),
    STORE_COLUMN(9, FLAG, social_poll, voted), STORE_COLUMN(15, INT, social_poll, locked),
};
#define OPTION_COLUMN(n, kind, field) STORE_COLUMN(n, kind, social_poll_option, field)
static const social_store_column poll_option_columns[] = {
    OPTION_COLUMN(10, INT, idx), OPTION_COLUMN(11, TEXT, label), OPTION_COLUMN(12, INT, removed),
    OPTION_COLUMN(13, INT, votes), OPTION_COLUMN(14, FLAG, mine),
};

/* Reads POLL_SELECT rows (one per option) into polls (array of social_poll). */
static void poll_from_row(const social_store_row *row, void *target)
{
    apr_array_header_t *polls = target;
    social_poll *poll = polls->nelts > 0 ? &APR_ARRAY_IDX(polls, polls->nelts - 1, social_poll)
                                         : NULL;

    if (poll == NULL || poll->id != social_store_row_int64(row, 0)) {
        poll = apr_array_push(polls);
        social_store_columns(row, STORE_COLUMNS(poll_columns), poll);
        poll->results = social_poll_results_parse(social_store_row_raw(row, 6));
        poll->options = apr_array_make(row->r->pool, 4, sizeof(social_poll_option));
    }
    social_store_columns(row, STORE_COLUMNS(poll_option_columns),
                         apr_array_push(poll->options));
}

social_store_status social_store_polls_list(request_rec *r, const char *page,
                                            const char *viewer,
                                            apr_array_header_t **polls)
{
    *polls = apr_array_make(r->pool, 2, sizeof(social_poll));
    return social_store_rows(r, social_store_reader(r), "social_polls_list",
                             STORE_ARGS({ "viewer", viewer ? viewer : "" }, { "page", page }),
                             poll_from_row, *polls);
}

social_store_status social_store_poll_get(request_rec *r, apr_int64_t id,
                                          const char *viewer, social_poll *poll)
{
    apr_array_header_t *polls = apr_array_make(r->pool, 1, sizeof(social_poll));
    social_store_status st = social_store_rows(
        r, social_store_reader(r), "social_poll_get",
        STORE_ARGS({ "viewer", viewer ? viewer : "" }, { "poll", social_store_int_arg(r, id) }),
        poll_from_row, polls);

    if (st != SOCIAL_STORE_OK) {
        return st;
    }
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
    social_store_arg args[] = {
        { "poll", social_store_int_arg(r, t->id) }, { "user", t->user }, { "idx", NULL }
    };
    social_store_status st;
    int k;

    /* The ballot row is locked first: racing votes of one person queue
     * here, and the last one wins whole. */
    st = social_store_run(r, dbd, "social_poll_ballot", args, 2, NULL);
    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(r, dbd, "social_poll_choices_clear", args, 2, NULL);
    }
    for (k = 0; st == SOCIAL_STORE_OK && k < t->n; k++) {
        args[2].value = apr_itoa(r->pool, t->choices[k]);
        st = social_store_run(r, dbd, "social_poll_choice_add", args, 3, NULL);
    }
    return st;
}

social_store_status social_store_poll_vote(request_rec *r, apr_int64_t id,
                                           const char *user, const int *choices,
                                           int n)
{
    ap_dbd_t *dbd = social_store_writer(r);
    vote_txn t = { id, user, choices, n };

    return dbd ? social_store_transaction(r, dbd, vote_write, &t) : SOCIAL_STORE_DOWN;
}
