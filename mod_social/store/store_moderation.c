/* store_moderation.c: the moderation console: the queue, moderating
 * comments and polls, bans, and the audit log. */
#include "store_internal.h"

#include <apr_strings.h>

/* The moderation queue: comments newest first with their like counts;
 * a leading filter (see the statements) and these optional ones. */
#define QUEUE_SELECT \
    "SELECT " SOCIAL_COMMENT_COLUMNS ", " \
    "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id), " \
    "c.removed_body, (SELECT COUNT(*) FROM social_flags f WHERE f.comment_id = c.id), " \
    "(SELECT GROUP_CONCAT(f.reason ORDER BY f.created_at DESC SEPARATOR '\\n') " \
    "FROM social_flags f WHERE f.comment_id = c.id), COALESCE(p.title, '') " \
    "FROM social_comments c JOIN social_pages p ON p.id = c.page_id WHERE "
#define QUEUE_FILTER \
    "p.site = :site AND (:page = '' OR p.path = :page) AND (:author = '' OR c.author = :author) " \
    "AND (:status = '' OR c.status = :status) AND (:before = '0' OR c.id < :before) " \
    "AND (:reported = '0' OR EXISTS (SELECT 1 FROM social_flags f WHERE f.comment_id = c.id)) " \
    "ORDER BY c.id DESC LIMIT 51"

/* A ban's columns, as ban_from_row reads them. */
#define BAN_COLUMNS \
    "SELECT user, reason, COALESCE(expires_at, 0), banned_by, UNIX_TIMESTAMP(created_at) " \
    "FROM social_bans WHERE "

static const social_statement moderation_statements[] = {
    { "social_audit_add",
      "INSERT INTO social_audit (site, actor, action, target_kind, target_id, target, reason) "
      "VALUES (:site, :actor, :action, :target_kind, :target_id, :target, :reason)" },
    { "social_audit_list",
      "SELECT id, actor, action, target_kind, target_id, target, reason, "
      "UNIX_TIMESTAMP(created_at) FROM social_audit "
      "WHERE site = :site AND (:before = '0' OR id < :before) ORDER BY id DESC LIMIT :limit" },
    { "social_comment_target",
      "SELECT p.path FROM social_comments c JOIN social_pages p ON p.id = c.page_id "
      "WHERE c.id = :id AND p.site = :site FOR UPDATE" },
    /* The queue: one statement per leading filter, so each has its index
     * (page_id, id), (author, id), (status, id) or the primary key. */
    { "social_queue_page", QUEUE_SELECT "p.path = :page AND " QUEUE_FILTER },
    { "social_queue_author", QUEUE_SELECT "c.author = :author AND " QUEUE_FILTER },
    { "social_queue_status", QUEUE_SELECT "c.status = :status AND " QUEUE_FILTER },
    { "social_queue_all", QUEUE_SELECT QUEUE_FILTER },
    { "social_comment_report",
      "INSERT INTO social_flags (comment_id, user, reason) VALUES (:id, :user, :reason) "
      "ON DUPLICATE KEY UPDATE reason = VALUES(reason), created_at = CURRENT_TIMESTAMP(3)" },
    { "social_poll_target",
      "SELECT p.path, po.name FROM social_polls po JOIN social_pages p ON p.id = po.page_id "
      "WHERE po.id = :poll AND p.site = :site FOR UPDATE" },
    { "social_poll_closed",
      "UPDATE social_polls SET closed = :closed WHERE id = :poll" },
    { "social_polls_recent",
      "SELECT po.id, p.path, po.name, po.question, po.closed, "
      "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id), "
      "COALESCE(p.title, '') "
      "FROM social_polls po JOIN social_pages p ON p.id = po.page_id "
      "WHERE p.site = :site ORDER BY po.id DESC LIMIT 100" },
    { "social_ban_get",
      BAN_COLUMNS "user = :user AND (expires_at IS NULL OR expires_at > UNIX_TIMESTAMP())" },
    { "social_ban_set",
      "INSERT INTO social_bans (user, reason, expires_at, banned_by) "
      "VALUES (:user, :reason, NULLIF(:expires, '0'), :banned_by) "
      "ON DUPLICATE KEY UPDATE reason = VALUES(reason), expires_at = VALUES(expires_at), "
      "banned_by = VALUES(banned_by), created_at = CURRENT_TIMESTAMP(3)" },
    { "social_ban_lift", "DELETE FROM social_bans WHERE user = :user" },
    { "social_bans_list",
      BAN_COLUMNS "expires_at IS NULL OR expires_at > UNIX_TIMESTAMP() "
      "ORDER BY created_at DESC LIMIT 200" },
};
SOCIAL_STATEMENT_TABLE(social_store_moderation_statements, moderation_statements);

social_store_status social_store_audit_write(request_rec *r, ap_dbd_t *dbd,
                                             const social_audit_entry *a,
                                             apr_int64_t target_id, const char *target)
{
    return social_store_run(r, dbd, "social_audit_add",
                            STORE_ARGS({ "actor", a->actor ? a->actor : "" },
                                       { "action", a->action },
                                       { "target_kind", a->target_kind },
                                       { "target_id", social_store_int_arg(r, target_id) },
                                       { "target", target ? target : "" },
                                       { "reason", a->reason ? a->reason : "" }),
                            NULL);
}

typedef struct {
    const apr_int64_t *ids;
    int n;
    social_comment_status status;
    const social_audit_entry *audit;
    apr_hash_t *pages;          /* the page paths of the comments, as keys */
} moderate_txn;

static void path_from_row(const social_store_row *row, void *target)
{
    *(const char **)target = social_store_row_text(row, 0);
}

static social_store_status moderate_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    moderate_txn *t = data;
    social_store_status st = SOCIAL_STORE_OK;
    int k;

    for (k = 0; k < t->n && st == SOCIAL_STORE_OK; k++) {
        const social_store_arg args[] = {
            { "id", social_store_int_arg(r, t->ids[k]) },
            { "status", social_comment_status_name(t->status) }
        };
        const char *path = NULL;

        st = social_store_one(r, dbd, "social_comment_target", args, 1, path_from_row, &path);
        if (st != SOCIAL_STORE_OK) {
            break;
        }
        apr_hash_set(t->pages, path, APR_HASH_KEY_STRING, path);
        st = social_store_run(r, dbd,
                              t->status == SOCIAL_COMMENT_DELETED ? "social_comment_remove"
                                                                  : "social_comment_status",
                              args, 2, NULL);
        if (st == SOCIAL_STORE_OK) {
            st = social_store_audit_write(r, dbd, t->audit, t->ids[k], path);
        }
    }
    return st;
}

social_store_status social_store_comments_moderate(request_rec *r,
                                                   const apr_int64_t *ids, int n,
                                                   social_comment_status status,
                                                   const social_audit_entry *audit,
                                                   apr_hash_t **pages)
{
    ap_dbd_t *dbd = social_store_writer(r);
    moderate_txn t = { ids, n, status, audit, apr_hash_make(r->pool) };

    if (pages != NULL) {
        *pages = t.pages;
    }
    return dbd ? social_store_transaction(r, dbd, moderate_write, &t) : SOCIAL_STORE_DOWN;
}

social_store_status social_store_comment_report(request_rec *r, apr_int64_t comment,
                                               const char *user, const char *reason)
{
    return social_store_run(r, social_store_writer(r), "social_comment_report",
                            STORE_ARGS({ "id", social_store_int_arg(r, comment) },
                                       { "user", user }, { "reason", reason }),
                            NULL);
}

typedef struct {
    apr_array_header_t *comments;
    int limit;
} queue_read;

static void queue_row(const social_store_row *row, void *target)
{
    queue_read *q = target;

    if (q->comments->nelts < q->limit) {
        social_comment *c = apr_array_push(q->comments);
        social_store_comment_from_row(row, c);
        c->likes = social_store_row_int(row, SOCIAL_COMMENT_EXTRA);
        c->page_title = social_store_row_text(row, SOCIAL_COMMENT_EXTRA + 4);
        c->reports = social_store_row_int(row, SOCIAL_COMMENT_EXTRA + 2);
        c->report_reasons = c->reports > 0
            ? social_store_row_text(row, SOCIAL_COMMENT_EXTRA + 3) : NULL;
        if (c->status == SOCIAL_COMMENT_DELETED
            && *social_store_row_raw(row, SOCIAL_COMMENT_EXTRA + 1) != '\0') {
            c->removed = social_store_row_text(row, SOCIAL_COMMENT_EXTRA + 1);
        }
    }
}

social_store_status social_store_queue(request_rec *r, const social_queue_filter *f,
                                       apr_array_header_t **comments)
{
    const char *page = f->page ? f->page : "";
    const char *author = f->author ? f->author : "";
    const char *status = f->status ? f->status : "";
    queue_read q;

    *comments = apr_array_make(r->pool, 16, sizeof(social_comment));
    q.comments = *comments;
    q.limit = f->limit;
    /* The most selective filter leads, so its index is used. */
    return social_store_rows(r, social_store_reader(r),
                             *page ? "social_queue_page" : *author ? "social_queue_author"
                             : *status ? "social_queue_status" : "social_queue_all",
                             STORE_ARGS({ "page", page }, { "author", author },
                                        { "status", status },
                                        { "reported", f->reported ? "1" : "0" },
                                        { "before", social_store_int_arg(r, f->before > 0
                                                                         ? f->before : 0) }),
                             queue_row, &q);
}

typedef struct {
    apr_int64_t id;
    int closed;
    const social_audit_entry *audit;
} poll_close_txn;

static void poll_target_from_row(const social_store_row *row, void *target)
{
    *(const char **)target = apr_pstrcat(row->r->pool, social_store_row_raw(row, 0), "#poll-",
                                         social_store_row_raw(row, 1), NULL);
}

static social_store_status poll_close_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    poll_close_txn *t = data;
    const social_store_arg args[] = {
        { "poll", social_store_int_arg(r, t->id) }, { "closed", t->closed ? "1" : "0" }
    };
    const char *target = NULL;
    social_store_status st = social_store_one(r, dbd, "social_poll_target", args, 1,
                                              poll_target_from_row, &target);

    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(r, dbd, "social_poll_closed", args, 2, NULL);
    }
    return st == SOCIAL_STORE_OK ? social_store_audit_write(r, dbd, t->audit, t->id, target)
                                 : st;
}

social_store_status social_store_poll_moderate(request_rec *r, apr_int64_t id, int closed,
                                               const social_audit_entry *audit)
{
    ap_dbd_t *dbd = social_store_writer(r);
    poll_close_txn t = { id, closed, audit };

    return dbd ? social_store_transaction(r, dbd, poll_close_write, &t) : SOCIAL_STORE_DOWN;
}

static const social_store_column poll_summary_columns[] = {
    STORE_COLUMN(0, INT64, social_poll, id), STORE_COLUMN(1, TEXT, social_poll, page),
    STORE_COLUMN(2, TEXT, social_poll, name), STORE_COLUMN(3, TEXT, social_poll, question),
    STORE_COLUMN(4, INT, social_poll, closed), STORE_COLUMN(5, INT, social_poll, ballots),
    STORE_COLUMN(6, TEXT, social_poll, page_title),
};

social_store_status social_store_polls_recent(request_rec *r, apr_array_header_t **polls)
{
    *polls = apr_array_make(r->pool, 8, sizeof(social_poll));
    return social_store_list(r, social_store_reader(r), "social_polls_recent", STORE_NO_ARGS,
                             STORE_COLUMNS(poll_summary_columns), *polls);
}

static const social_store_column ban_columns[] = {
    STORE_COLUMN(0, TEXT, social_ban, user), STORE_COLUMN(1, TEXT, social_ban, reason),
    STORE_COLUMN(2, SECONDS, social_ban, expires), STORE_COLUMN(3, TEXT, social_ban, banned_by),
    STORE_COLUMN(4, TIME, social_ban, created),
};

social_store_status social_store_ban_get(request_rec *r, const char *user, social_ban *ban)
{
    return social_store_record(r, social_store_reader(r), "social_ban_get",
                               STORE_ARGS({ "user", user }), STORE_COLUMNS(ban_columns), ban);
}

typedef struct {
    const char *user;
    const social_ban *ban;
    const social_audit_entry *audit;
} ban_txn;

static social_store_status ban_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    ban_txn *t = data;
    social_store_status st;

    if (t->ban != NULL) {
        st = social_store_run(r, dbd, "social_ban_set",
                              STORE_ARGS({ "user", t->user }, { "reason", t->ban->reason },
                                         { "expires", social_store_int_arg(
                                               r, apr_time_sec(t->ban->expires)) },
                                         { "banned_by", t->ban->banned_by }),
                              NULL);
    }
    else {
        st = social_store_run(r, dbd, "social_ban_lift", STORE_ARGS({ "user", t->user }), NULL);
    }
    return st == SOCIAL_STORE_OK ? social_store_audit_write(r, dbd, t->audit, 0, t->user) : st;
}

social_store_status social_store_ban_set(request_rec *r, const char *user,
                                         const social_ban *ban,
                                         const social_audit_entry *audit)
{
    ap_dbd_t *dbd = social_store_writer(r);
    ban_txn t = { user, ban, audit };

    return dbd ? social_store_transaction(r, dbd, ban_write, &t) : SOCIAL_STORE_DOWN;
}

social_store_status social_store_bans_list(request_rec *r, apr_array_header_t **bans)
{
    *bans = apr_array_make(r->pool, 8, sizeof(social_ban));
    return social_store_list(r, social_store_reader(r), "social_bans_list", STORE_NO_ARGS,
                             STORE_COLUMNS(ban_columns), *bans);
}

/* An audit entry's columns, in social_audit_list's order. */
#define AUDIT_COLUMN(n, kind, field) STORE_COLUMN(n, kind, social_audit_entry, field)
static const social_store_column audit_columns[] = {
    AUDIT_COLUMN(0, INT64, id), AUDIT_COLUMN(1, TEXT, actor), AUDIT_COLUMN(2, TEXT, action),
    AUDIT_COLUMN(3, TEXT, target_kind), AUDIT_COLUMN(4, INT64, target_id),
    AUDIT_COLUMN(5, TEXT, target), AUDIT_COLUMN(6, TEXT, reason),
    AUDIT_COLUMN(7, TIME, created),
};

social_store_status social_store_audit_list(request_rec *r, apr_int64_t before, int limit,
                                            apr_array_header_t **entries)
{
    *entries = apr_array_make(r->pool, 16, sizeof(social_audit_entry));
    return social_store_list(r, social_store_reader(r), "social_audit_list",
                             STORE_ARGS({ "before", social_store_int_arg(r, before > 0
                                                                         ? before : 0) },
                                        { "limit", social_store_int_arg(r, limit) }),
                             STORE_COLUMNS(audit_columns), *entries);
}
