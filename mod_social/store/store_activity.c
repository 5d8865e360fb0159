/* store_activity.c: the activity stream, notifications (written in the
 * transaction of what caused them), people, and the mail digests. */
#include "store_internal.h"

#include <apr_strings.h>
#include <string.h>

/* One branch of the stream: the newest rows at or before a time, on the
 * site, under a path prefix (LIKE with the wildcards escaped: a range on
 * social_pages' (site, path) key), optionally by one person (then the
 * (person, created_at) keys serve); each branch otherwise walks its
 * *_created index. WHO is ACTIVITY_ANYONE or ACTIVITY_BY. */
#define ACTIVITY_ANYONE(actor) ""
#define ACTIVITY_BY(actor) " AND " actor " = :user"
#define ACTIVITY_WHERE(who, time, extra) \
    " WHERE p.site = :site AND " time " <= FROM_UNIXTIME(:before)" who \
    " AND p.path LIKE :prefix" extra " ORDER BY " time " DESC LIMIT 100"

/* Comments, public shares, page likes and comment likes. */
#define ACTIVITY_SQL(WHO) \
    "(SELECT 'c', c.id, p.path, c.author, " \
    SOCIAL_CURRENT_NAME("c.author", "c.author_name") ", c.body, " \
    "UNIX_TIMESTAMP(c.created_at) AS t, COALESCE(c.parent_id, 0), '', " \
    "COALESCE(p.title, '') " \
    "FROM social_comments c JOIN social_pages p ON p.id = c.page_id" \
    ACTIVITY_WHERE(WHO("c.author"), "c.created_at", " AND c.status = 'visible'") ") " \
    "UNION ALL " \
    "(SELECT 's', s.id, p.path, s.user, " \
    SOCIAL_CURRENT_NAME("s.user", "s.user_name") ", COALESCE(s.note, ''), " \
    "UNIX_TIMESTAMP(s.created_at), 0, '', COALESCE(p.title, '') " \
    "FROM social_shares s JOIN social_pages p ON p.id = s.page_id" \
    ACTIVITY_WHERE(WHO("s.user"), "s.created_at", " AND s.public = 1") ") " \
    "UNION ALL " \
    "(SELECT 'p', p.id, p.path, l.user, COALESCE(pe.display_name, l.user), '', " \
    "UNIX_TIMESTAMP(l.created_at), 0, '', COALESCE(p.title, '') " \
    "FROM social_likes l JOIN social_pages p ON l.target_kind = 'page' AND p.id = l.target_id " \
    "LEFT JOIN social_people pe ON pe.user = l.user" \
    ACTIVITY_WHERE(WHO("l.user"), "l.created_at", "") ") " \
    "UNION ALL " \
    "(SELECT 'l', c.id, p.path, l.user, COALESCE(pe.display_name, l.user), '', " \
    "UNIX_TIMESTAMP(l.created_at), 0, " \
    SOCIAL_CURRENT_NAME("c.author", "c.author_name") ", COALESCE(p.title, '') " \
    "FROM social_likes l JOIN social_comments c ON l.target_kind = 'comment' " \
    "AND c.id = l.target_id AND c.status = 'visible' " \
    "JOIN social_pages p ON p.id = c.page_id " \
    "LEFT JOIN social_people pe ON pe.user = l.user" \
    ACTIVITY_WHERE(WHO("l.user"), "l.created_at", "") ") " \
    "UNION ALL " \
    "(SELECT 'i', i.id, p.path, i.author, " \
    SOCIAL_CURRENT_NAME("i.author", "i.author_name") ", i.title, " \
    "UNIX_TIMESTAMP(i.created_at), 0, b.title, COALESCE(p.title, '') " \
    "FROM social_ideas i JOIN social_idea_boards b ON b.id = i.board_id " \
    "JOIN social_pages p ON p.id = b.page_id" \
    ACTIVITY_WHERE(WHO("i.author"), "i.created_at", " AND i.deleted = 0") ") " \
    "UNION ALL " \
    "(SELECT 'u', i.id, p.path, i.responder, " \
    "COALESCE(pe.display_name, i.responder), i.title, " \
    "UNIX_TIMESTAMP(i.status_at), 0, i.status, COALESCE(p.title, '') " \
    "FROM social_ideas i JOIN social_idea_boards b ON b.id = i.board_id " \
    "JOIN social_pages p ON p.id = b.page_id " \
    "LEFT JOIN social_people pe ON pe.user = i.responder" \
    ACTIVITY_WHERE(WHO("i.responder"), "i.status_at", " AND i.deleted = 0") ") "

/* Newest first; ties by kind, then id (the stream's cursor order). */
#define ACTIVITY_ORDER " ORDER BY 7 DESC, 1 DESC, 2 DESC LIMIT 100"

/* The comments a follow notification tells of: visible ones by others on
 * the page (or in the thread) from its since_id on. */
#define FOLLOWED_NEW \
    "WHERE fc.page_id = n.page_id AND fc.id >= n.since_id AND fc.status = 'visible' " \
    "AND fc.author <> n.user AND (n.kind = 'follow' OR fc.root_id = n.target_id)"

/* The notification listing: mode is 'all', 'unread' or 'unmailed'. */
#define NOTIFICATION_SELECT \
    "SELECT n.id, n.kind, n.target_id, p.path, n.actor, n.actor_name, " \
    "UNIX_TIMESTAMP(n.created_at), n.read_at IS NOT NULL, " \
    "CASE WHEN n.kind = 'share' THEN COALESCE(s.note, '') " \
    "WHEN n.kind = 'idea' THEN COALESCE((SELECT CONCAT('\"', ni.title, '\" is now ', " \
    "ni.status) FROM social_ideas ni WHERE ni.id = n.target_id), '') " \
    "WHEN n.kind IN ('follow', 'thread') THEN COALESCE((SELECT fc.body FROM social_comments fc " \
    FOLLOWED_NEW " ORDER BY fc.id DESC LIMIT 1), '') ELSE COALESCE(c.body, '') END, " \
    "CASE WHEN n.kind = 'like' THEN (SELECT COUNT(*) FROM social_likes l " \
    "WHERE l.target_kind = 'comment' AND l.target_id = n.target_id AND l.user <> n.user) " \
    "WHEN n.kind IN ('follow', 'thread') THEN (SELECT COUNT(*) FROM social_comments fc " \
    FOLLOWED_NEW ") ELSE 0 END, COALESCE(n.since_id, 0), COALESCE(p.title, '') " \
    "FROM social_notifications n JOIN social_pages p ON p.id = n.page_id " \
    SOCIAL_NOTE_COMMENT_JOIN \
    "LEFT JOIN social_shares s ON n.kind = 'share' AND s.id = n.target_id "

/* The notification's columns: who is told, of what, by whom. */
#define NOTIFICATION_INSERT \
    "INSERT INTO social_notifications (user, kind, target_id, page_id, actor, actor_name) "

static const social_statement activity_statements[] = {
    { "social_activity",
      ACTIVITY_SQL(ACTIVITY_ANYONE)
      "UNION ALL "
      "(SELECT 'v', po.id, p.path, '', '', po.question, UNIX_TIMESTAMP(po.created_at), "
      "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id), '', "
      "COALESCE(p.title, '') "
      "FROM social_polls po JOIN social_pages p ON p.id = po.page_id"
      ACTIVITY_WHERE("", "po.created_at", "") ")"
      ACTIVITY_ORDER },
    /* By one person: polls are nobody's (pages declare them). */
    { "social_activity_by", ACTIVITY_SQL(ACTIVITY_BY) ACTIVITY_ORDER },
    { "social_notify_reply",
      NOTIFICATION_INSERT
      "SELECT pc.author, 'reply', :comment, pc.page_id, :actor, :actor_name "
      "FROM social_comments pc "
      "WHERE pc.id = :parent AND pc.author <> '' AND pc.author <> :actor "
      "ON DUPLICATE KEY UPDATE user = user" },
    { "social_notify_mention",
      NOTIFICATION_INSERT
      "SELECT pe.user, 'mention', :comment, nc.page_id, :actor, :actor_name "
      "FROM social_people pe JOIN social_comments nc ON nc.id = :comment "
      "WHERE pe.user = :user AND pe.user <> :actor "
      "ON DUPLICATE KEY UPDATE kind = VALUES(kind)" },
    { "social_notify_share",
      NOTIFICATION_INSERT
      "SELECT :user, 'share', :share, :page_id, :actor, :actor_name FROM DUAL "
      "WHERE :user <> :actor "
      "ON DUPLICATE KEY UPDATE user = user" },
    /* A new like makes the comment's one row unread (and unmailed) again. */
    { "social_notify_like",
      NOTIFICATION_INSERT
      "SELECT c.author, 'like', c.id, c.page_id, :actor, "
      "COALESCE((SELECT pe.display_name FROM social_people pe WHERE pe.user = :actor), :actor) "
      "FROM social_comments c "
      "WHERE c.id = :comment AND c.author <> '' AND c.author <> :actor "
      "AND c.status = 'visible' "
      "ON DUPLICATE KEY UPDATE actor = VALUES(actor), actor_name = VALUES(actor_name), "
      "created_at = CURRENT_TIMESTAMP(3), read_at = NULL, mailed_at = NULL" },
    /* A new comment makes each follower's one row for the page (and for
     * its thread) unread again, from this comment on; while it is unread
     * it only names the latest commenter, and counts from the lowest id
     * that arrived (ids are not in commit order: a comment may take its
     * id, then commit after one that took a higher id, on one server or
     * on another Galera node). */
    { "social_notify_followers",
      "INSERT INTO social_notifications (user, kind, target_id, page_id, actor, actor_name, "
      "since_id) "
      "SELECT f.user, IF(f.root_id = 0, 'follow', 'thread'), IF(f.root_id = 0, f.page_id, f.root_id), "
      "f.page_id, :actor, :actor_name, :comment FROM social_follows f "
      "JOIN social_comments nc ON nc.id = :comment "
      "WHERE f.page_id = nc.page_id AND f.user <> :actor AND f.root_id IN (0, nc.root_id) "
      /* (social_follows has a created_at too: every column is named in full) */
      "ON DUPLICATE KEY UPDATE social_notifications.since_id = "
      "IF(social_notifications.read_at IS NULL AND social_notifications.since_id IS NOT NULL, "
      "LEAST(social_notifications.since_id, :comment), :comment), "
      "social_notifications.created_at = IF(social_notifications.read_at IS NULL, "
      "social_notifications.created_at, CURRENT_TIMESTAMP(3)), "
      "social_notifications.mailed_at = IF(social_notifications.read_at IS NULL, "
      "social_notifications.mailed_at, NULL), "
      "social_notifications.actor = VALUES(actor), "
      "social_notifications.actor_name = VALUES(actor_name), "
      "social_notifications.read_at = NULL" },
    { "social_follow",
      "INSERT INTO social_follows (user, page_id, root_id) "
      "SELECT :user, :page_id, :root FROM DUAL WHERE :root = 0 OR EXISTS (SELECT 1 "
      "FROM social_comments c WHERE c.id = :root AND c.page_id = :page_id "
      "AND c.parent_id IS NULL) "
      "ON DUPLICATE KEY UPDATE user = user" },
    { "social_unfollow",
      "DELETE f FROM social_follows f JOIN social_pages p ON p.id = f.page_id "
      "WHERE f.user = :user AND p.site = :site AND p.path = :page AND f.root_id = :root" },
    { "social_follows_of",
      "SELECT f.root_id FROM social_follows f JOIN social_pages p ON p.id = f.page_id "
      "WHERE f.user = :user AND p.site = :site AND p.path = :page ORDER BY f.root_id "
      "LIMIT 1000" },
    { "social_notifications_list",
      NOTIFICATION_SELECT
      "WHERE n.user = :user AND p.site = :site AND " SOCIAL_NOTE_SHOWN " "
      "AND (:mode = 'all' OR (:mode = 'unread' AND n.read_at IS NULL) "
      "OR (:mode = 'unmailed' AND n.read_at IS NULL AND n.mailed_at IS NULL)) "
      "ORDER BY n.created_at DESC, n.id DESC LIMIT 100" },
    /* A notification of a hidden or pending comment is nobody's to see. */
    { "social_notification_get",
      NOTIFICATION_SELECT "WHERE n.id = :id AND n.user = :user AND p.site = :site "
      "AND " SOCIAL_NOTE_SHOWN },
    /* Unread notifications per page (the pages most recently notified
     * first), so the count can leave out pages the person may not read. */
    { "social_notifications_unread_pages",
      "SELECT p.path, COUNT(*) FROM social_notifications n "
      "JOIN social_pages p ON p.id = n.page_id "
      SOCIAL_NOTE_COMMENT_JOIN
      "WHERE n.user = :user AND p.site = :site AND n.read_at IS NULL "
      "AND " SOCIAL_NOTE_SHOWN " "
      "GROUP BY p.id, p.path ORDER BY MAX(n.created_at) DESC LIMIT 100" },
    { "social_notifications_unread", SOCIAL_UNREAD_COUNT },
    { "social_notification_read",
      "UPDATE social_notifications SET read_at = COALESCE(read_at, CURRENT_TIMESTAMP(3)) "
      "WHERE id = :id AND user = :user" },
    { "social_notifications_read_all",
      "UPDATE social_notifications SET read_at = CURRENT_TIMESTAMP(3) "
      "WHERE user = :user AND read_at IS NULL" },
    { "social_person_seen",
      "INSERT INTO social_people (user, display_name, email, lang) "
      "VALUES (:user, :name, NULLIF(:email, ''), NULLIF(:lang, '')) "
      /* A login that gives no name (the user name stands in) or no
       * address keeps what the directory (`social-db people`) gave. */
      "ON DUPLICATE KEY UPDATE display_name = IF(from_directory AND "
      "VALUES(display_name) = VALUES(user), display_name, VALUES(display_name)), "
      "email = IF(from_directory AND VALUES(email) IS NULL, email, VALUES(email)), "
      "lang = COALESCE(VALUES(lang), lang), last_seen = CURRENT_TIMESTAMP(3)" },
    { "social_person_get",
      "SELECT display_name FROM social_people WHERE user = :user" },
    { "social_people_search",
      "SELECT user, display_name FROM social_people "
      "WHERE user LIKE :prefix OR display_name LIKE :prefix ORDER BY user LIMIT 10" },
    { "social_notify_settings_get",
      "SELECT email_off FROM social_notify_settings WHERE user = :user" },
    { "social_notify_settings_email",
      "INSERT INTO social_notify_settings (user, email_off) VALUES (:user, :off) "
      "ON DUPLICATE KEY UPDATE email_off = VALUES(email_off)" },
    { "social_thread_order_get",
      "SELECT thread_order + 0 - 1 FROM social_notify_settings WHERE user = :user" },
    { "social_thread_order_set",
      "INSERT INTO social_notify_settings (user, thread_order) VALUES (:user, :order) "
      "ON DUPLICATE KEY UPDATE thread_order = VALUES(thread_order)" },
    /* Leases: work done once across every process and host (no
     * GET_LOCK: Galera refuses it). Claimed when expired or already ours. */
    { "social_lease_claim",
      "UPDATE social_leases SET holder = :holder, "
      "expires_at = NOW(3) + INTERVAL :seconds SECOND "
      "WHERE name = :name AND (expires_at < NOW(3) OR holder = :holder)" },
    { "social_lease_release",
      "UPDATE social_leases SET holder = '', expires_at = '1970-01-01 00:00:01' "
      "WHERE name = :name AND holder = :holder" },
    { "social_mail_due",
      "SELECT n.user, pe.display_name, pe.email, COALESCE(pe.lang, '') "
      "FROM social_notifications n "
      "JOIN social_people pe ON pe.user = n.user "
      "LEFT JOIN social_notify_settings ns ON ns.user = n.user "
      "WHERE n.mailed_at IS NULL AND n.read_at IS NULL AND pe.email IS NOT NULL "
      "AND COALESCE(ns.email_off, 0) = 0 AND (ns.last_mailed_at IS NULL "
      "OR ns.last_mailed_at <= CURRENT_TIMESTAMP(3) - INTERVAL :interval SECOND) "
      "GROUP BY n.user, pe.display_name, pe.email, pe.lang LIMIT 20" },
    { "social_mail_done",
      "UPDATE social_notifications SET mailed_at = CURRENT_TIMESTAMP(3) "
      "WHERE user = :user AND mailed_at IS NULL AND created_at <= FROM_UNIXTIME(:upto)" },
    { "social_mail_stamp",
      "INSERT INTO social_notify_settings (user, last_mailed_at) "
      "VALUES (:user, CURRENT_TIMESTAMP(3)) "
      "ON DUPLICATE KEY UPDATE last_mailed_at = CURRENT_TIMESTAMP(3)" },
};
SOCIAL_STATEMENT_TABLE(social_store_activity_statements, activity_statements);

social_store_status social_store_notify_comment(request_rec *r, ap_dbd_t *dbd,
                                                const social_comment *c,
                                                const apr_array_header_t *mentions)
{
    social_store_arg args[] = {
        { "comment", social_store_int_arg(r, c->id) },
        { "actor", c->author }, { "actor_name", c->author_name },
        { "parent", social_store_int_arg(r, c->parent) },
        { "user", NULL }
    };
    int nargs = sizeof(args) / sizeof(args[0]);
    social_store_status st = SOCIAL_STORE_OK;
    int k;

    if (c->author == NULL || *c->author == '\0') {
        return SOCIAL_STORE_OK;   /* anonymous comments notify nobody */
    }
    if (c->parent != 0) {
        st = social_store_run(r, dbd, "social_notify_reply", args, nargs - 1, NULL);
    }
    for (k = 0; st == SOCIAL_STORE_OK && k < mentions->nelts; k++) {
        args[nargs - 1].value = APR_ARRAY_IDX(mentions, k, const char *);
        st = social_store_run(r, dbd, "social_notify_mention", args, nargs, NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(r, dbd, "social_notify_followers", args, nargs - 1, NULL);
    }
    return st;
}

typedef struct {
    const char *user;
    const char *page;
    apr_int64_t root;
} follow_txn;

static social_store_status follow_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    follow_txn *t = data;
    apr_int64_t page_id = 0;
    int affected = 0;
    social_store_status st = social_store_page_id(r, dbd, t->page, 1, &page_id);

    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(r, dbd, "social_follow",
                              STORE_ARGS({ "user", t->user },
                                         { "page_id", social_store_int_arg(r, page_id) },
                                         { "root", social_store_int_arg(r, t->root) }),
                              &affected);
    }
    if (st == SOCIAL_STORE_OK && affected == 0 && t->root != 0) {
        /* no such thread on the page: nothing is kept (not even the page row) */
        return SOCIAL_STORE_NOT_FOUND;
    }
    return st;
}

social_store_status social_store_follow(request_rec *r, const char *user, const char *page,
                                        apr_int64_t root, int follow)
{
    ap_dbd_t *dbd = social_store_writer(r);
    follow_txn t = { user, page, root };

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    if (!follow) {
        return social_store_run(r, dbd, "social_unfollow",
                                STORE_ARGS({ "user", user }, { "page", page },
                                           { "root", social_store_int_arg(r, root) }), NULL);
    }
    return social_store_transaction(r, dbd, follow_write, &t);
}

static void follow_row(const social_store_row *row, void *target)
{
    *(apr_int64_t *)apr_array_push(target) = social_store_row_int64(row, 0);
}

social_store_status social_store_follows(request_rec *r, const char *user, const char *page,
                                         apr_array_header_t **roots)
{
    *roots = apr_array_make(r->pool, 4, sizeof(apr_int64_t));
    return social_store_rows(r, social_store_reader(r), "social_follows_of",
                             STORE_ARGS({ "user", user }, { "page", page }),
                             follow_row, *roots);
}

social_store_status social_store_notify_share(request_rec *r, ap_dbd_t *dbd,
                                              const social_share *sh, apr_int64_t page_id,
                                              const char *recipient)
{
    return social_store_run(r, dbd, "social_notify_share",
                            STORE_ARGS({ "user", recipient },
                                       { "share", social_store_int_arg(r, sh->id) },
                                       { "page_id", social_store_int_arg(r, page_id) },
                                       { "actor", sh->user }, { "actor_name", sh->user_name }),
                            NULL);
}

social_store_status social_store_notify_like(request_rec *r, ap_dbd_t *dbd,
                                             apr_int64_t comment, const char *user)
{
    return social_store_run(r, dbd, "social_notify_like",
                            STORE_ARGS({ "actor", user },
                                       { "comment", social_store_int_arg(r, comment) }),
                            NULL);
}

/* prefix with LIKE's wildcards and escape character escaped, then '%'. */
static const char *like_prefix(apr_pool_t *p, const char *prefix)
{
    size_t n = strlen(prefix), k, o = 0;
    char *out = apr_palloc(p, 2 * n + 2);

    for (k = 0; k < n; k++) {
        if (prefix[k] == '%' || prefix[k] == '_' || prefix[k] == '\\') {
            out[o++] = '\\';
        }
        out[o++] = prefix[k];
    }
    out[o++] = '%';
    out[o] = '\0';
    return out;
}

static const social_store_column activity_columns[] = {
    STORE_COLUMN(0, CHAR, social_activity, kind), STORE_COLUMN(1, INT64, social_activity, id),
    STORE_COLUMN(2, TEXT, social_activity, page), STORE_COLUMN(3, TEXT, social_activity, user),
    STORE_COLUMN(4, TEXT, social_activity, name), STORE_COLUMN(5, TEXT, social_activity, text),
    STORE_COLUMN(6, TIME, social_activity, created),
    STORE_COLUMN(7, INT64, social_activity, number),
    STORE_COLUMN(8, TEXT, social_activity, subject),
    STORE_COLUMN(9, TEXT, social_activity, page_title),
};

social_store_status social_store_activity(request_rec *r, apr_time_t before,
                                          const char *user, const char *section,
                                          apr_array_header_t **items)
{
    *items = apr_array_make(r->pool, SOCIAL_ACTIVITY_BATCH, sizeof(social_activity));
    /* comments, shares, page likes, comment likes (and polls for anyone) */
    return social_store_list(r, social_store_reader(r),
                             user ? "social_activity_by" : "social_activity",
                             STORE_ARGS({ "before", social_store_seconds_arg(r, before) },
                                        { "user", user },
                                        { "prefix", like_prefix(r->pool,
                                                                section ? section : "/") }),
                             STORE_COLUMNS(activity_columns), *items);
}

/* NOTIFICATION_SELECT's columns. */
#define NOTIFICATION_COLUMN(n, kind, field) STORE_COLUMN(n, kind, social_notification, field)
static const social_store_column notification_columns[] = {
    NOTIFICATION_COLUMN(0, INT64, id), NOTIFICATION_COLUMN(1, TEXT, kind),
    NOTIFICATION_COLUMN(2, INT64, target), NOTIFICATION_COLUMN(3, TEXT, page),
    NOTIFICATION_COLUMN(4, TEXT, actor), NOTIFICATION_COLUMN(5, TEXT, actor_name),
    NOTIFICATION_COLUMN(6, TIME, created), NOTIFICATION_COLUMN(7, INT, read),
    NOTIFICATION_COLUMN(8, TEXT, text), NOTIFICATION_COLUMN(9, INT, likes),
    NOTIFICATION_COLUMN(10, INT64, since), NOTIFICATION_COLUMN(11, TEXT, page_title),
};

/* A like notification whose likes were all taken back is not listed, nor
 * a follow notification whose new comments are all gone. */
static void notification_listed(const social_store_row *row, void *target)
{
    apr_array_header_t *list = target;
    social_notification *n = apr_array_push(list);

    social_store_columns(row, STORE_COLUMNS(notification_columns), n);
    if ((strcmp(n->kind, "like") == 0 || strcmp(n->kind, "follow") == 0
         || strcmp(n->kind, "thread") == 0) && n->likes == 0) {
        list->nelts--;
    }
}

social_store_status social_store_notifications(request_rec *r, const char *user,
                                               const char *mode,
                                               apr_array_header_t **list)
{
    *list = apr_array_make(r->pool, 16, sizeof(social_notification));
    return social_store_rows(r, social_store_reader(r), "social_notifications_list",
                             STORE_ARGS({ "user", user }, { "mode", mode }),
                             notification_listed, *list);
}

social_store_status social_store_notification_get(request_rec *r, const char *user,
                                                  apr_int64_t id, social_notification *n)
{
    return social_store_record(r, social_store_reader(r), "social_notification_get",
                               STORE_ARGS({ "id", social_store_int_arg(r, id) },
                                          { "user", user }),
                               STORE_COLUMNS(notification_columns), n);
}

/* An int read by label for user, 0 when there is no row. */
static social_store_status user_int(request_rec *r, ap_dbd_t *dbd, const char *label,
                                    const char *user, int *value)
{
    apr_int64_t v = 0;
    social_store_status st = social_store_int(r, dbd, label, STORE_ARGS({ "user", user }), &v);

    *value = (int)v;
    return st;
}

social_store_status social_store_notifications_unread(request_rec *r, const char *user,
                                                      int *count)
{
    return user_int(r, social_store_reader(r), "social_notifications_unread", user, count);
}

static const social_store_column page_unread_columns[] = {
    STORE_COLUMN(0, TEXT, social_page_unread, page),
    STORE_COLUMN(1, INT, social_page_unread, count),
};

social_store_status social_store_notifications_unread_pages(request_rec *r, const char *user,
                                                            apr_array_header_t **pages)
{
    *pages = apr_array_make(r->pool, 8, sizeof(social_page_unread));
    return social_store_list(r, social_store_reader(r), "social_notifications_unread_pages",
                             STORE_ARGS({ "user", user }), STORE_COLUMNS(page_unread_columns),
                             *pages);
}

social_store_status social_store_notification_read(request_rec *r, const char *user,
                                                   apr_int64_t id)
{
    int rows = 0;
    social_store_status st = social_store_run(r, social_store_writer(r),
                                              "social_notification_read",
                                              STORE_ARGS({ "id", social_store_int_arg(r, id) },
                                                         { "user", user }),
                                              &rows);

    if (st == SOCIAL_STORE_OK && rows == 0) {
        /* Nothing changed: read before, or not the user's at all. */
        social_notification n;
        st = social_store_notification_get(r, user, id, &n);
    }
    return st;
}

social_store_status social_store_notifications_read_all(request_rec *r, const char *user,
                                                        int *changed)
{
    *changed = 0;
    return social_store_run(r, social_store_writer(r), "social_notifications_read_all",
                            STORE_ARGS({ "user", user }), changed);
}

/* ---- people ---- */

social_store_status social_store_person_seen(request_rec *r, const char *user,
                                             const char *name, const char *email,
                                             const char *lang)
{
    return social_store_run(r, social_store_writer(r), "social_person_seen",
                            STORE_ARGS({ "user", user }, { "name", name },
                                       { "email", email ? email : "" },
                                       { "lang", lang ? lang : "" }),
                            NULL);
}

static void name_from_row(const social_store_row *row, void *target)
{
    *(const char **)target = social_store_row_text(row, 0);
}

social_store_status social_store_person_get(request_rec *r, const char *user,
                                            const char **name)
{
    return social_store_one(r, social_store_reader(r), "social_person_get",
                            STORE_ARGS({ "user", user }), name_from_row, name);
}

const social_store_column social_store_person_columns[2] = {
    STORE_COLUMN(0, TEXT, social_person, user), STORE_COLUMN(1, TEXT, social_person, name),
};

social_store_status social_store_people_search(request_rec *r, const char *prefix,
                                               apr_array_header_t **people)
{
    *people = apr_array_make(r->pool, 10, sizeof(social_person));
    return social_store_list(r, social_store_reader(r), "social_people_search",
                             STORE_ARGS({ "prefix", like_prefix(r->pool, prefix) }),
                             social_store_person_columns, 2, *people);
}

social_store_status social_store_notify_email_off(request_rec *r, const char *user,
                                                  int *off)
{
    social_store_status st = user_int(r, social_store_reader(r),
                                      "social_notify_settings_get", user, off);

    *off = *off != 0;
    return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
}

social_store_status social_store_notify_set_email_off(request_rec *r, const char *user,
                                                      int off)
{
    return social_store_run(r, social_store_writer(r), "social_notify_settings_email",
                            STORE_ARGS({ "user", user }, { "off", off ? "1" : "0" }), NULL);
}

social_store_status social_store_thread_order(request_rec *r, const char *user, int *order)
{
    social_store_status st = user_int(r, social_store_reader(r), "social_thread_order_get",
                                      user, order);

    return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
}

social_store_status social_store_thread_order_set(request_rec *r, const char *user,
                                                  const char *order)
{
    return social_store_run(r, social_store_writer(r), "social_thread_order_set",
                            STORE_ARGS({ "user", user }, { "order", order }), NULL);
}

/* ---- mail digests ---- */

typedef struct {
    const char *name, *holder, *seconds;
    int affected;
} lease_claim;

static social_store_status lease_claim_txn(request_rec *r, ap_dbd_t *dbd, void *data)
{
    lease_claim *c = data;

    return social_store_run(r, dbd, "social_lease_claim",
                            STORE_ARGS({ "holder", c->holder }, { "seconds", c->seconds },
                                       { "name", c->name }), &c->affected);
}

social_store_status social_store_lease_claim(request_rec *r, const char *name,
                                             const char *holder, int seconds, int *held)
{
    lease_claim c = { name, holder, social_store_int_arg(r, seconds), 0 };
    ap_dbd_t *dbd = social_store_writer(r);
    social_store_status st;

    *held = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    /* In a transaction of its own: two claims at once on two Galera nodes
     * conflict at commit; the loser runs again and finds the row taken. */
    st = social_store_transaction(r, dbd, lease_claim_txn, &c);
    *held = st == SOCIAL_STORE_OK && c.affected == 1;
    return st;
}

social_store_status social_store_lease_release(request_rec *r, const char *name,
                                               const char *holder)
{
    return social_store_run(r, social_store_writer(r), "social_lease_release",
                            STORE_ARGS({ "name", name }, { "holder", holder }), NULL);
}

static const social_store_column recipient_columns[] = {
    STORE_COLUMN(0, TEXT, social_recipient, user), STORE_COLUMN(1, TEXT, social_recipient, name),
    STORE_COLUMN(2, TEXT, social_recipient, email), STORE_COLUMN(3, TEXT, social_recipient, lang),
};

social_store_status social_store_mail_due(request_rec *r, int interval,
                                          apr_array_header_t **people)
{
    *people = apr_array_make(r->pool, 4, sizeof(social_recipient));
    return social_store_list(r, social_store_writer(r), "social_mail_due",
                             STORE_ARGS({ "interval", apr_itoa(r->pool, interval) }),
                             STORE_COLUMNS(recipient_columns), *people);
}

typedef struct {
    const char *user;
    apr_time_t upto;
} mail_txn;

static social_store_status mail_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    mail_txn *t = data;
    const social_store_arg args[] = {
        { "user", t->user }, { "upto", social_store_seconds_arg(r, t->upto) }
    };
    social_store_status st = social_store_run(r, dbd, "social_mail_done", args, 2, NULL);

    return st == SOCIAL_STORE_OK ? social_store_run(r, dbd, "social_mail_stamp", args, 2, NULL)
                                 : st;
}

social_store_status social_store_mail_done(request_rec *r, const char *user,
                                           apr_time_t upto)
{
    ap_dbd_t *dbd = social_store_writer(r);
    mail_txn t = { user, upto };

    return dbd ? social_store_transaction(r, dbd, mail_write, &t) : SOCIAL_STORE_DOWN;
}
