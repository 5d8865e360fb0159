/* store_reactions.c: likes (of pages and comments) and shares. */
#include "store_internal.h"

static const social_statement reactions_statements[] = {
    { "social_like_add",
      "INSERT INTO social_likes (target_kind, target_id, user) VALUES (:kind, :target, :user) "
      "ON DUPLICATE KEY UPDATE user = user" },
    { "social_like_remove",
      "DELETE FROM social_likes WHERE target_kind = :kind AND target_id = :target "
      "AND user = :user" },
    { "social_like_count",
      "SELECT COUNT(*), COALESCE(SUM(user = :user), 0) FROM social_likes "
      "WHERE target_kind = :kind AND target_id = :target" },
    { "social_likers",
      "SELECT l.user, COALESCE(pe.display_name, l.user) FROM social_likes l "
      "LEFT JOIN social_people pe ON pe.user = l.user "
      "WHERE l.target_kind = :kind AND l.target_id = :target "
      "ORDER BY l.created_at LIMIT 200" },
    { "social_share_add",
      "INSERT INTO social_shares (page_id, user, user_name, note, public) "
      "VALUES (:page_id, :user, :user_name, NULLIF(:note, ''), :public)" },
    { "social_share_recipient_add",
      "INSERT INTO social_share_recipients (share_id, user) VALUES (:share, :user) "
      "ON DUPLICATE KEY UPDATE user = user" },
    { "social_shares_inbox",
      "SELECT s.id, p.path, s.user, " SOCIAL_CURRENT_NAME("s.user", "s.user_name") ", "
      "COALESCE(s.note, ''), s.public, "
      "UNIX_TIMESTAMP(s.created_at) FROM social_share_recipients r "
      "JOIN social_shares s ON s.id = r.share_id JOIN social_pages p ON p.id = s.page_id "
      "WHERE r.user = :user AND p.site = :site ORDER BY s.id DESC LIMIT 50" },
};
SOCIAL_STATEMENT_TABLE(social_store_reactions_statements, reactions_statements);

static const char *like_kind_name(social_like_kind kind)
{
    return kind == SOCIAL_LIKE_PAGE ? "page" : "comment";
}

/* A new like of a comment, which notifies its author. */
typedef struct {
    apr_int64_t comment;
    const char *user;          /* who likes it */
} like_txn;

static social_store_status like_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    like_txn *t = data;
    int added = 0;
    social_store_status st = social_store_run(
        r, dbd, "social_like_add",
        STORE_ARGS({ "kind", "comment" }, { "target", social_store_int_arg(r, t->comment) },
                   { "user", t->user }),
        &added);

    if (st == SOCIAL_STORE_OK && added == 1) {   /* a new like, not a repeat */
        st = social_store_notify_like(r, dbd, t->comment, t->user);
    }
    return st;
}

/* A target's likes after a change. */
typedef struct {
    int count;
    int liked;                 /* by the user who changed it */
} like_row;

static const social_store_column like_columns[] = {
    STORE_COLUMN(0, INT, like_row, count), STORE_COLUMN(1, FLAG, like_row, liked),
};

social_store_status social_store_like(request_rec *r, social_like_kind kind,
                                      const char *page, apr_int64_t comment,
                                      const char *user, int on, int *count,
                                      int *liked)
{
    ap_dbd_t *dbd = social_store_writer(r);
    apr_int64_t target = comment;
    like_row now = { 0, 0 };
    social_store_status st = SOCIAL_STORE_OK;

    *count = 0;
    *liked = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    if (kind == SOCIAL_LIKE_PAGE) {
        st = social_store_page_id(r, dbd, page, on, &target);
        if (st == SOCIAL_STORE_NOT_FOUND) {
            return SOCIAL_STORE_OK;   /* unliking a page nobody touched */
        }
        if (st != SOCIAL_STORE_OK) {
            return st;
        }
    }
    if (kind == SOCIAL_LIKE_COMMENT && on) {
        /* The like and its notification commit together. */
        like_txn t = { target, user };
        st = social_store_transaction(r, dbd, like_write, &t);
    }
    else {
        st = social_store_run(r, dbd, on ? "social_like_add" : "social_like_remove",
                              STORE_ARGS({ "kind", like_kind_name(kind) },
                                         { "target", social_store_int_arg(r, target) },
                                         { "user", user }),
                              NULL);
    }
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    st = social_store_record(r, dbd, "social_like_count",
                             STORE_ARGS({ "user", user }, { "kind", like_kind_name(kind) },
                                        { "target", social_store_int_arg(r, target) }),
                             STORE_COLUMNS(like_columns), &now);
    *count = now.count;
    *liked = now.liked;
    return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
}

social_store_status social_store_likers(request_rec *r, social_like_kind kind,
                                        const char *page, apr_int64_t comment,
                                        apr_array_header_t **people)
{
    ap_dbd_t *dbd = social_store_reader(r);
    apr_int64_t target = comment;
    social_store_status st;

    *people = apr_array_make(r->pool, 8, sizeof(social_person));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    if (kind == SOCIAL_LIKE_PAGE) {
        st = social_store_page_id(r, dbd, page, 0, &target);
        if (st != SOCIAL_STORE_OK) {
            return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
        }
    }
    return social_store_list(r, dbd, "social_likers",
                             STORE_ARGS({ "kind", like_kind_name(kind) },
                                        { "target", social_store_int_arg(r, target) }),
                             social_store_person_columns, 2, *people);
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
    social_store_status st = SOCIAL_STORE_OK;
    int k;

    if (t->idem != NULL
        && (st = social_store_idempotency_claim(r, dbd, t->idem, "share")) != SOCIAL_STORE_OK) {
        return st;
    }
    st = social_store_page_id(r, dbd, sh->page, 1, &page_id);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    st = social_store_run(r, dbd, "social_share_add",
                          STORE_ARGS({ "page_id", social_store_int_arg(r, page_id) },
                                     { "user", sh->user }, { "user_name", sh->user_name },
                                     { "note", sh->note ? sh->note : "" },
                                     { "public", sh->public ? "1" : "0" }),
                          NULL);
    if (st == SOCIAL_STORE_OK) {
        st = social_store_last_id(r, dbd, &sh->id);
    }
    for (k = 0; st == SOCIAL_STORE_OK && k < t->recipients->nelts; k++) {
        const char *recipient = APR_ARRAY_IDX(t->recipients, k, const char *);
        st = social_store_run(r, dbd, "social_share_recipient_add",
                              STORE_ARGS({ "share", social_store_int_arg(r, sh->id) },
                                         { "user", recipient }),
                              NULL);
        if (st == SOCIAL_STORE_OK) {
            st = social_store_notify_share(r, dbd, sh, page_id, recipient);
        }
    }
    if (st == SOCIAL_STORE_OK && t->idem != NULL) {
        st = social_store_idempotency_settle(r, dbd, t->idem, sh->id);
    }
    return st;
}

social_store_status social_store_share_add(request_rec *r, social_share *share,
                                           apr_array_header_t *recipients,
                                           const social_idempotency *idem)
{
    ap_dbd_t *dbd = social_store_writer(r);
    share_txn t = { share, recipients, idem };

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    share->created = apr_time_now();
    return social_store_idempotent_write(r, dbd, idem, "share", &share->id, share_write, &t);
}

static const social_store_column share_columns[] = {
    STORE_COLUMN(0, INT64, social_share, id), STORE_COLUMN(1, TEXT, social_share, page),
    STORE_COLUMN(2, TEXT, social_share, user), STORE_COLUMN(3, TEXT, social_share, user_name),
    STORE_COLUMN(4, TEXT, social_share, note), STORE_COLUMN(5, INT, social_share, public),
    STORE_COLUMN(6, TIME, social_share, created),
};

social_store_status social_store_shares_inbox(request_rec *r, const char *user,
                                              apr_array_header_t **shares)
{
    *shares = apr_array_make(r->pool, 8, sizeof(social_share));
    return social_store_list(r, social_store_reader(r), "social_shares_inbox",
                             STORE_ARGS({ "user", user }), STORE_COLUMNS(share_columns), *shares);
}
