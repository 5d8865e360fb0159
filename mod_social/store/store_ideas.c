/* store_ideas.c: ideas boards as their page markers declare them, ideas,
 * votes, status changes (with notifications) and merges. */
#include "store_internal.h"
#include "marker.h"

#include <apr_strings.h>
#include <string.h>
#include <http_log.h>

APLOG_USE_MODULE(social);

/* An idea with its board; :viewer's vote. */
#define IDEA_SELECT \
    "SELECT i.id, b.id, p.path, b.name, b.title, COALESCE(b.closes_at, 0), b.statuses, " \
    "p.locked, i.author, " SOCIAL_CURRENT_NAME("i.author", "i.author_name") ", " \
    "i.title, i.body, i.status, i.response, i.responder, COALESCE(i.merged_into, 0), " \
    "i.deleted, (SELECT COUNT(*) FROM social_idea_votes v WHERE v.idea_id = i.id), " \
    "(SELECT COUNT(*) FROM social_idea_votes v WHERE v.idea_id = i.id AND v.user = :viewer), " \
    "(SELECT COUNT(*) FROM social_comments c JOIN social_pages tp ON tp.id = c.page_id " \
    "WHERE tp.site = p.site AND tp.path = CONCAT(p.path, '#idea-', i.id) " \
    "AND c.status = 'visible'), " \
    "UNIX_TIMESTAMP(i.created_at), COALESCE(UNIX_TIMESTAMP(i.edited_at), 0), " \
    "COALESCE(UNIX_TIMESTAMP(i.status_at), 0) " \
    "FROM social_ideas i JOIN social_idea_boards b ON b.id = i.board_id " \
    "JOIN social_pages p ON p.id = b.page_id "

static const social_statement ideas_statements[] = {
    { "social_ideas_board_find",
      "SELECT b.id, b.definition FROM social_idea_boards b JOIN social_pages p "
      "ON p.id = b.page_id WHERE p.site = :site AND p.path = :page AND b.name = :name" },
    { "social_ideas_board_upsert",
      "INSERT INTO social_idea_boards (page_id, name, title, closes_at, statuses, definition) "
      "VALUES (:page_id, :name, :title, NULLIF(:closes, '0'), :statuses, :definition) "
      "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), title = VALUES(title), "
      "closes_at = VALUES(closes_at), statuses = VALUES(statuses), "
      "definition = VALUES(definition), updated_at = CURRENT_TIMESTAMP(3)" },
    { "social_ideas_board_get",
      "SELECT b.id, p.path, b.name, b.title, COALESCE(b.closes_at, 0), b.statuses, p.locked "
      "FROM social_idea_boards b JOIN social_pages p ON p.id = b.page_id "
      "WHERE p.site = :site AND p.path = :page AND b.name = :name" },
    { "social_ideas_list",
      IDEA_SELECT "WHERE b.id = :board AND p.site = :site AND i.deleted = 0 "
      "AND i.merged_into IS NULL AND (:status = '' OR i.status = :status) "
      "AND (:before = 0 OR i.id < :before) ORDER BY i.id DESC LIMIT 500" },
    { "social_idea_get",
      IDEA_SELECT "WHERE i.id = :idea AND p.site = :site" },
    { "social_idea_add",
      "INSERT INTO social_ideas (board_id, author, author_name, title, body, status, response) "
      "VALUES (:board, :author, :author_name, :title, :body, :status, '')" },
    { "social_idea_edit",
      "UPDATE social_ideas SET title = :title, body = :body, "
      "edited_at = CURRENT_TIMESTAMP(3) WHERE id = :idea" },
    { "social_idea_delete",
      "UPDATE social_ideas SET deleted = 1 WHERE id = :idea" },
    { "social_idea_vote",
      "INSERT INTO social_idea_votes (idea_id, user) VALUES (:idea, :user) "
      "ON DUPLICATE KEY UPDATE user = user" },
    { "social_idea_unvote",
      "DELETE FROM social_idea_votes WHERE idea_id = :idea AND user = :user" },
    { "social_idea_status",
      "UPDATE social_ideas SET status = :status, response = :response, responder = :actor, "
      "status_at = CURRENT_TIMESTAMP(3) WHERE id = :idea" },
    /* The author and every voter but the actor; one row per person and
     * idea, unread again at each change. */
    { "social_idea_notify",
      "INSERT INTO social_notifications (user, kind, target_id, page_id, actor, actor_name) "
      "SELECT u.user, 'idea', :idea, b.page_id, :actor, :actor_name FROM "
      "(SELECT a.author AS user FROM social_ideas a WHERE a.id = :idea "
      "UNION SELECT v.user FROM social_idea_votes v WHERE v.idea_id = :idea) u "
      "JOIN social_ideas i ON i.id = :idea JOIN social_idea_boards b ON b.id = i.board_id "
      "WHERE u.user <> :actor AND u.user <> '' "
      /* (the boards and ideas have a created_at too: every column is named in full) */
      "ON DUPLICATE KEY UPDATE social_notifications.actor = VALUES(actor), "
      "social_notifications.actor_name = VALUES(actor_name), "
      "social_notifications.created_at = CURRENT_TIMESTAMP(3), "
      "social_notifications.read_at = NULL, social_notifications.mailed_at = NULL" },
    { "social_idea_merge_votes",
      "INSERT INTO social_idea_votes (idea_id, user, created_at) "
      "SELECT :into, v.user, v.created_at FROM social_idea_votes v WHERE v.idea_id = :idea "
      "ON DUPLICATE KEY UPDATE user = social_idea_votes.user" },
    { "social_idea_merge",
      "UPDATE social_ideas SET merged_into = :into WHERE id = :idea" },
};
SOCIAL_STATEMENT_TABLE(social_store_ideas_statements, ideas_statements);

/* ---- boards ---- */

typedef struct {
    const char *page;
    const social_ideas_def *def;
    apr_int64_t id;
} board_txn;

static social_store_status board_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    board_txn *t = data;
    apr_int64_t page_id = 0;
    social_store_status st = social_store_page_id(r, dbd, t->page, 1, &page_id);

    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(
            r, dbd, "social_ideas_board_upsert",
            STORE_ARGS({ "page_id", social_store_int_arg(r, page_id) },
                       { "name", t->def->name }, { "title", t->def->title },
                       { "closes", social_store_int_arg(r, apr_time_sec(t->def->closes)) },
                       { "statuses", t->def->status_list },
                       { "definition", t->def->definition }),
            NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = social_store_last_id(r, dbd, &t->id);
    }
    return st;
}

typedef struct {
    apr_int64_t id;
    const char *definition;
} board_stored;

static const social_store_column stored_columns[] = {
    STORE_COLUMN(0, INT64, board_stored, id), STORE_COLUMN(1, TEXT, board_stored, definition),
};

social_store_status social_store_ideas_board_sync(request_rec *r, const char *page,
                                                  const struct social_ideas_def *def,
                                                  apr_int64_t *id)
{
    ap_dbd_t *dbd;
    board_txn t = { page, def, 0 };
    board_stored stored = { 0, NULL };
    social_store_status st = social_store_record(
        r, social_store_reader(r), "social_ideas_board_find",
        STORE_ARGS({ "page", page }, { "name", def->name }), STORE_COLUMNS(stored_columns),
        &stored);

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
    st = social_store_transaction(r, dbd, board_write, &t);
    if (st == SOCIAL_STORE_OK) {
        *id = t.id;
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "SOCIAL2000: ideas board %s on %s %s from its marker", def->name, page,
                      stored.definition ? "updated" : "created");
    }
    return st;
}

#define BOARD_COLUMN(n, kind, field) STORE_COLUMN(n, kind, social_idea_board, field)
static const social_store_column board_columns[] = {
    BOARD_COLUMN(0, INT64, id), BOARD_COLUMN(1, TEXT, page), BOARD_COLUMN(2, TEXT, name),
    BOARD_COLUMN(3, TEXT, title), BOARD_COLUMN(4, TIME, closes),
    BOARD_COLUMN(5, TEXT, statuses), BOARD_COLUMN(6, INT, locked),
};

social_store_status social_store_ideas_board_get(request_rec *r, const char *page,
                                                 const char *name, social_idea_board *board)
{
    memset(board, 0, sizeof(*board));
    return social_store_record(r, social_store_reader(r), "social_ideas_board_get",
                               STORE_ARGS({ "page", page }, { "name", name }),
                               STORE_COLUMNS(board_columns), board);
}

/* ---- ideas ---- */

#define IDEA_COLUMN(n, kind, field) STORE_COLUMN(n, kind, social_idea, field)
static const social_store_column idea_columns[] = {
    IDEA_COLUMN(0, INT64, id), IDEA_COLUMN(1, INT64, board.id), IDEA_COLUMN(2, TEXT, board.page),
    IDEA_COLUMN(3, TEXT, board.name), IDEA_COLUMN(4, TEXT, board.title),
    IDEA_COLUMN(5, TIME, board.closes), IDEA_COLUMN(6, TEXT, board.statuses),
    IDEA_COLUMN(7, INT, board.locked), IDEA_COLUMN(8, TEXT, author),
    IDEA_COLUMN(9, TEXT, author_name), IDEA_COLUMN(10, TEXT, title),
    IDEA_COLUMN(11, TEXT, body), IDEA_COLUMN(12, TEXT, status),
    IDEA_COLUMN(13, TEXT, response), IDEA_COLUMN(14, TEXT, responder),
    IDEA_COLUMN(15, INT64, merged_into), IDEA_COLUMN(16, INT, deleted),
    IDEA_COLUMN(17, INT, votes), IDEA_COLUMN(18, FLAG, voted), IDEA_COLUMN(19, INT, comments),
    IDEA_COLUMN(20, TIME, created), IDEA_COLUMN(21, TIME, edited),
    IDEA_COLUMN(22, TIME, status_at),
};

social_store_status social_store_ideas_list(request_rec *r, apr_int64_t board,
                                            const char *viewer, const char *status,
                                            apr_int64_t before, apr_array_header_t **ideas)
{
    *ideas = apr_array_make(r->pool, 16, sizeof(social_idea));
    return social_store_list(r, social_store_reader(r), "social_ideas_list",
                             STORE_ARGS({ "viewer", viewer ? viewer : "" },
                                        { "board", social_store_int_arg(r, board) },
                                        { "status", status ? status : "" },
                                        { "before", social_store_int_arg(r, before) }),
                             STORE_COLUMNS(idea_columns), *ideas);
}

social_store_status social_store_idea_get(request_rec *r, apr_int64_t id, const char *viewer,
                                          social_idea *idea)
{
    memset(idea, 0, sizeof(*idea));
    return social_store_record(r, social_store_reader(r), "social_idea_get",
                               STORE_ARGS({ "viewer", viewer ? viewer : "" },
                                          { "idea", social_store_int_arg(r, id) }),
                               STORE_COLUMNS(idea_columns), idea);
}

/* One statement in a transaction of its own. */
typedef struct {
    const char *label;
    const social_store_arg *args;
    int nargs;
    int affected;
} one_txn;

static social_store_status one_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    one_txn *t = data;
    return social_store_run(r, dbd, t->label, t->args, t->nargs, &t->affected);
}

static social_store_status write_one(request_rec *r, const char *label,
                                     const social_store_arg *args, int nargs)
{
    ap_dbd_t *dbd = social_store_writer(r);
    one_txn t = { label, args, nargs, 0 };

    return dbd ? social_store_transaction(r, dbd, one_write, &t) : SOCIAL_STORE_DOWN;
}

typedef struct {
    const social_idea *idea;
    const social_idempotency *idem;
    apr_int64_t id;
} add_txn;

static social_store_status add_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    add_txn *t = data;
    const social_idea *i = t->idea;
    social_store_status st;

    if (t->idem != NULL
        && (st = social_store_idempotency_claim(r, dbd, t->idem, "idea")) != SOCIAL_STORE_OK) {
        return st;
    }
    st = social_store_run(
        r, dbd, "social_idea_add",
        STORE_ARGS({ "board", social_store_int_arg(r, i->board.id) }, { "author", i->author },
                   { "author_name", i->author_name }, { "title", i->title },
                   { "body", i->body }, { "status", i->status }),
        NULL);

    if (st == SOCIAL_STORE_OK) {
        st = social_store_last_id(r, dbd, &t->id);
    }
    if (st == SOCIAL_STORE_OK && t->idem != NULL) {
        st = social_store_idempotency_settle(r, dbd, t->idem, t->id);
    }
    return st;
}

social_store_status social_store_idea_add(request_rec *r, const social_idea *idea,
                                          const social_idempotency *idem, apr_int64_t *id)
{
    ap_dbd_t *dbd = social_store_writer(r);
    add_txn t = { idea, idem, 0 };
    social_store_status st = dbd ? social_store_idempotent_write(r, dbd, idem, "idea", &t.id,
                                                                 add_write, &t)
                                 : SOCIAL_STORE_DOWN;

    *id = t.id;
    return st;
}

social_store_status social_store_idea_edit(request_rec *r, apr_int64_t id, const char *title,
                                           const char *body)
{
    return write_one(r, "social_idea_edit",
                     STORE_ARGS({ "title", title }, { "body", body },
                                { "idea", social_store_int_arg(r, id) }));
}

social_store_status social_store_idea_delete(request_rec *r, apr_int64_t id)
{
    return write_one(r, "social_idea_delete", STORE_ARGS({ "idea", social_store_int_arg(r, id) }));
}

social_store_status social_store_idea_vote(request_rec *r, apr_int64_t id, const char *user,
                                           int on)
{
    return write_one(r, on ? "social_idea_vote" : "social_idea_unvote",
                     STORE_ARGS({ "idea", social_store_int_arg(r, id) }, { "user", user }));
}

typedef struct {
    apr_int64_t id;
    apr_int64_t into;
    const char *status;
    const char *response;
    const char *actor_name;
    const social_audit_entry *audit;
} status_txn;

static social_store_status status_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    status_txn *t = data;
    const char *idea = social_store_int_arg(r, t->id);
    const char *actor = t->audit->actor ? t->audit->actor : "";
    social_store_status st = social_store_run(
        r, dbd, "social_idea_status",
        STORE_ARGS({ "status", t->status }, { "response", t->response }, { "actor", actor },
                   { "idea", idea }),
        NULL);

    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(r, dbd, "social_idea_notify",
                              STORE_ARGS({ "idea", idea }, { "actor", actor },
                                         { "actor_name", t->actor_name }),
                              NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = social_store_audit_write(r, dbd, t->audit, t->id, t->status);
    }
    return st;
}

social_store_status social_store_idea_status(request_rec *r, apr_int64_t id,
                                             const char *status, const char *response,
                                             const char *actor_name,
                                             const struct social_audit_entry *audit)
{
    ap_dbd_t *dbd = social_store_writer(r);
    status_txn t = { id, 0, status, response, actor_name, audit };

    return dbd ? social_store_transaction(r, dbd, status_write, &t) : SOCIAL_STORE_DOWN;
}

static social_store_status merge_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    status_txn *t = data;
    const char *idea = social_store_int_arg(r, t->id);
    const char *into = social_store_int_arg(r, t->into);
    social_store_status st = social_store_run(r, dbd, "social_idea_merge_votes",
                                              STORE_ARGS({ "into", into }, { "idea", idea }),
                                              NULL);

    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(r, dbd, "social_idea_merge",
                              STORE_ARGS({ "into", into }, { "idea", idea }), NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = social_store_audit_write(r, dbd, t->audit, t->id,
                                      apr_psprintf(r->pool, "idea %" APR_INT64_T_FMT, t->into));
    }
    return st;
}

social_store_status social_store_idea_merge(request_rec *r, apr_int64_t id, apr_int64_t into,
                                            const struct social_audit_entry *audit)
{
    ap_dbd_t *dbd = social_store_writer(r);
    status_txn t = { id, into, NULL, NULL, NULL, audit };

    return dbd ? social_store_transaction(r, dbd, merge_write, &t) : SOCIAL_STORE_DOWN;
}
