/* store_comments.c: comments, the threads a page view reads, and writing
 * a comment (with its notifications). */
#include "store_internal.h"
#include "mention.h"

#include <apr_strings.h>
#include <string.h>

/* The window of threads a page view reads: one row whose cutoff is the
 * id of the oldest of the newest (offset + 1) top-level comments older
 * than :older on the page; 0 if the page has fewer. A derived table of
 * one row is a constant to the optimizer, so "root_id >= cutoff" is an
 * index range, not a filter over every comment of the page. */
#define THREAD_WINDOW \
    "(SELECT COALESCE((SELECT t.id FROM social_comments t " \
    "JOIN social_pages tp ON tp.id = t.page_id WHERE tp.site = :site AND tp.path = :page " \
    "AND t.parent_id IS NULL AND t.id < :older ORDER BY t.id DESC LIMIT 1 OFFSET :offset), 0) " \
    "AS cutoff) w"

/* The window of threads a "most liked" view reads: the ids of the
 * :limit top-level comments of the page with the most likes (the newest
 * first among equals). A derived table, so that LIMIT is allowed. */
#define LIKED_WINDOW \
    "(SELECT t.id FROM social_comments t " \
    "JOIN social_pages tp ON tp.id = t.page_id WHERE tp.site = :site AND tp.path = :page " \
    "AND t.parent_id IS NULL ORDER BY (SELECT COUNT(*) FROM social_likes tl " \
    "WHERE tl.target_kind = 'comment' AND tl.target_id = t.id) DESC, t.id DESC " \
    "LIMIT :limit)"

/* A page view's first row (id 0): the page's own counters, then how
 * many threads (roots with a visible comment) the window leaves out:
 * PAGE_ROW is followed by that condition. */
#define PAGE_ROW \
    "SELECT 0, 0, p.path, '', '', '', 'visible', p.locked, 0, '', '', '', 0, -1, 0, " \
    "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'page' AND l.target_id = p.id), " \
    "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'page' AND l.target_id = p.id " \
    "AND l.user = :viewer), " \
    "(SELECT COUNT(*) FROM social_shares s WHERE s.page_id = p.id), " \
    "(SELECT COUNT(*) FROM social_comments c WHERE c.page_id = p.id AND c.status = 'visible'), " \
    "(SELECT COUNT(DISTINCT c.root_id) FROM social_comments c WHERE c.page_id = p.id "

/* The comment rows of a page view (c), with their likes and the viewer's. */
#define COMMENT_ROWS \
    "SELECT " SOCIAL_COMMENT_COLUMNS ", " \
    "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id), " \
    "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id " \
    "AND l.user = :viewer), 0, 0, 0 "

static const social_statement comments_statements[] = {
    /* The page's own row first (id 0), then the comments of the threads
     * in THREAD_WINDOW: one round trip for a page view, and the rows read
     * stay bounded by what is shown however long the discussion grows. */
    { "social_comments_list",
      PAGE_ROW
      "AND c.root_id < w.cutoff AND c.status = 'visible') "
      "FROM social_pages p JOIN " THREAD_WINDOW " WHERE p.site = :site AND p.path = :page "
      "UNION ALL "
      COMMENT_ROWS
      "FROM social_pages p JOIN " THREAD_WINDOW " JOIN social_comments c ON c.page_id = p.id "
      "WHERE p.site = :site AND p.path = :page AND c.root_id < :older "
      "AND c.root_id >= w.cutoff "
      "ORDER BY 1" },
    /* The same rows for the most liked threads (LIKED_WINDOW); the
     * threads left out are those with a visible comment outside it. */
    { "social_comments_list_liked",
      PAGE_ROW
      "AND c.status = 'visible' AND c.root_id NOT IN (SELECT w.id FROM " LIKED_WINDOW " w)) "
      "FROM social_pages p WHERE p.site = :site AND p.path = :page "
      "UNION ALL "
      COMMENT_ROWS
      "FROM social_pages p JOIN social_comments c ON c.page_id = p.id "
      "JOIN " LIKED_WINDOW " w ON w.id = c.root_id "
      "WHERE p.site = :site AND p.path = :page "
      "ORDER BY 1" },
    { "social_comment_get",
      "SELECT " SOCIAL_COMMENT_COLUMNS ", (SELECT COUNT(*) FROM social_comments r "
      "WHERE r.parent_id = c.id AND r.status <> 'deleted'), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id "
      "AND l.user = :viewer) "
      "FROM social_comments c JOIN social_pages p ON p.id = c.page_id "
      "WHERE c.id = :id AND p.site = :site" },
    /* Written only if the page has a row, neither it nor, for a part of
     * a page ("PATH#..."), the page it belongs to is locked, and the
     * author is not banned: finding the page, these checks and the
     * insert are one round trip. The page's row is read with a shared
     * lock held to the commit (READ COMMITTED would read it unlocked), so
     * a lock taken meanwhile waits for this write, one taken before stops
     * it, and posts on one page do not wait for each other. */
    { "social_comment_add",
      "INSERT INTO social_comments (page_id, parent_id, author, author_name, body, status, "
      "anchor_exact, anchor_prefix, anchor_suffix, anchor_position, position_time, position_page) "
      /* Context may be white space alone, which a PAD SPACE collation
       * finds equal to '': NULL only when there is no anchor at all. */
      "SELECT p.id, NULLIF(:parent, '0'), :author, :author_name, :body, :status, "
      "NULLIF(:exact, ''), IF(:anchored = 'y', :prefix, NULL), "
      "IF(:anchored = 'y', :suffix, NULL), NULLIF(:position, ''), "
      "NULLIF(:at_time, ''), NULLIF(:at_page, '') FROM social_pages p "
      "WHERE p.site = :site AND p.path = :page AND p.locked = 0 AND NOT EXISTS (SELECT 1 FROM social_pages b "
      "WHERE LOCATE('#', p.path) > 0 AND b.site = p.site "
      "AND b.path = SUBSTRING_INDEX(p.path, '#', 1) AND b.locked <> 0) "
      "AND NOT EXISTS (SELECT 1 FROM social_bans bn WHERE bn.user = :author "
      "AND (bn.expires_at IS NULL OR bn.expires_at > UNIX_TIMESTAMP())) LOCK IN SHARE MODE" },
    { "social_comment_root",
      "UPDATE social_comments c LEFT JOIN social_comments pc ON pc.id = c.parent_id "
      "SET c.root_id = COALESCE(pc.root_id, c.id) WHERE c.id = :id" },
    { "social_comment_edit",
      "UPDATE social_comments SET body = :body, edited_at = CURRENT_TIMESTAMP(3) "
      "WHERE id = :id AND status <> 'deleted'" },
    { "social_comment_status",
      "UPDATE social_comments SET status = :status WHERE id = :id AND status <> 'deleted'" },
    { "social_comment_delete",
      "UPDATE social_comments SET status = 'deleted', body = '' WHERE id = :id" },
    /* A moderator's delete: the text stays readable in the console. */
    { "social_comment_remove",
      "UPDATE social_comments SET status = 'deleted', "
      "removed_body = IF(body = '', removed_body, body), body = '' WHERE id = :id" },
};
SOCIAL_STATEMENT_TABLE(social_store_comments_statements, comments_statements);

const char *social_comment_status_name(social_comment_status status)
{
    switch (status) {
    case SOCIAL_COMMENT_HIDDEN: return "hidden";
    case SOCIAL_COMMENT_DELETED: return "deleted";
    case SOCIAL_COMMENT_PENDING: return "pending";
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
    if (strcmp(s, "pending") == 0) {
        return SOCIAL_COMMENT_PENDING;
    }
    return SOCIAL_COMMENT_VISIBLE;
}

/* SOCIAL_COMMENT_COLUMNS but the status; the anchor's when there is one. */
static const social_store_column comment_columns[] = {
    STORE_COLUMN(0, INT64, social_comment, id), STORE_COLUMN(1, INT64, social_comment, parent),
    STORE_COLUMN(2, TEXT, social_comment, page), STORE_COLUMN(3, TEXT, social_comment, author),
    STORE_COLUMN(4, TEXT, social_comment, author_name),
    STORE_COLUMN(5, TEXT, social_comment, body), STORE_COLUMN(7, TIME, social_comment, created),
    STORE_COLUMN(8, TIME, social_comment, edited),
};
static const social_store_column anchor_columns[] = {
    STORE_COLUMN(9, TEXT, social_anchor, exact), STORE_COLUMN(10, TEXT, social_anchor, prefix),
    STORE_COLUMN(11, TEXT, social_anchor, suffix),
    STORE_COLUMN(12, INT64, social_anchor, position),
};

void social_store_comment_from_row(const social_store_row *row, social_comment *c)
{
    social_store_columns(row, STORE_COLUMNS(comment_columns), c);
    c->status = status_parse(social_store_row_raw(row, 6));
    c->likes = 0;
    c->liked = 0;
    memset(&c->anchor, 0, sizeof(c->anchor));
    if (*social_store_row_raw(row, 9) != '\0') {
        social_store_columns(row, STORE_COLUMNS(anchor_columns), &c->anchor);
    }
    memset(&c->position, 0, sizeof(c->position));
    if (social_store_row_int64(row, 13) >= 0) {
        c->position.kind = SOCIAL_POSITION_TIME;
        c->position.value = (long)social_store_row_int64(row, 13);
    }
    else if (social_store_row_int64(row, 14) > 0) {
        c->position.kind = SOCIAL_POSITION_PAGE;
        c->position.value = (long)social_store_row_int64(row, 14);
    }
}

/* What a read of comment rows fills. */
typedef struct {
    apr_array_header_t *comments;  /* a page's: its comments */
    social_page_stats *stats;      /* a page's: its counters */
    social_comment *comment;       /* one comment by id */
    int *replies;                  /* its replies */
} comments_read;

/* The page's row (id 0) fills the counters; the others are comments. */
static void comments_list_row(const social_store_row *row, void *target)
{
    comments_read *t = target;

    if (social_store_row_int64(row, 0) == 0) {
        t->stats->likes = social_store_row_int(row, SOCIAL_COMMENT_EXTRA);
        t->stats->liked = social_store_row_int(row, SOCIAL_COMMENT_EXTRA + 1) > 0;
        t->stats->shares = social_store_row_int(row, SOCIAL_COMMENT_EXTRA + 2);
        t->stats->comments = social_store_row_int(row, SOCIAL_COMMENT_EXTRA + 3);
        t->stats->earlier = social_store_row_int(row, SOCIAL_COMMENT_EXTRA + 4);
        t->stats->locked = social_store_row_int(row, 7);
    }
    else {
        social_comment *c = apr_array_push(t->comments);
        social_store_comment_from_row(row, c);
        c->likes = social_store_row_int(row, SOCIAL_COMMENT_EXTRA);
        c->liked = social_store_row_int(row, SOCIAL_COMMENT_EXTRA + 1) > 0;
    }
}

social_store_status social_store_comments_list(request_rec *r, const char *page,
                                               const char *viewer, int max_roots,
                                               apr_int64_t before, int most_liked,
                                               apr_array_header_t **comments,
                                               social_page_stats *stats)
{
    comments_read t = { NULL, stats, NULL, NULL };

    *comments = apr_array_make(r->pool, 16, sizeof(social_comment));
    memset(stats, 0, sizeof(*stats));
    t.comments = *comments;
    if (most_liked) {
        return social_store_rows(
            r, social_store_reader(r), "social_comments_list_liked",
            STORE_ARGS({ "viewer", viewer ? viewer : "" }, { "page", page },
                       { "limit", social_store_int_arg(r, max_roots > 0 ? max_roots
                                                                        : APR_INT32_MAX) }),
            comments_list_row, &t);
    }
    return social_store_rows(
        r, social_store_reader(r), "social_comments_list",
        STORE_ARGS({ "viewer", viewer ? viewer : "" }, { "page", page },
                   { "older", social_store_int_arg(r, before > 0 ? before : APR_INT64_MAX) },
                   /* Every thread: an offset past any page's top-level comments. */
                   { "offset", social_store_int_arg(r, max_roots > 0 ? max_roots - 1
                                                                     : APR_INT32_MAX) }),
        comments_list_row, &t);
}

static void comment_get_row(const social_store_row *row, void *target)
{
    comments_read *t = target;

    social_store_comment_from_row(row, t->comment);
    *t->replies = social_store_row_int(row, SOCIAL_COMMENT_EXTRA);
    t->comment->likes = social_store_row_int(row, SOCIAL_COMMENT_EXTRA + 1);
    t->comment->liked = social_store_row_int(row, SOCIAL_COMMENT_EXTRA + 2) > 0;
}

social_store_status social_store_comment_get(request_rec *r, apr_int64_t id,
                                             social_comment *c, int *replies)
{
    comments_read t = { NULL, NULL, c, replies };

    return social_store_one(r, social_store_reader(r), "social_comment_get",
                            STORE_ARGS({ "viewer", r->user ? r->user : "" },
                                       { "id", social_store_int_arg(r, id) }),
                            comment_get_row, &t);
}

typedef struct {
    social_comment *c;
    const social_idempotency *idem;
} comment_txn;

/* Adds the comment on its page's row if that is not locked and its
 * author not banned (else LOCKED, nothing written); the page's row is
 * made on its first comment. */
static social_store_status comment_insert(request_rec *r, ap_dbd_t *dbd, social_comment *c)
{
    const char *anchored = c->anchor.exact ? "y" : "n";
    social_store_arg args[] = {
        { "page", c->page },
        { "parent", social_store_int_arg(r, c->parent) },
        { "author", c->author }, { "author_name", c->author_name },
        { "body", c->body }, { "status", social_comment_status_name(c->status) },
        { "exact", c->anchor.exact ? c->anchor.exact : "" },
        { "anchored", anchored },
        { "prefix", c->anchor.exact ? c->anchor.prefix : "" },
        { "suffix", c->anchor.exact ? c->anchor.suffix : "" },
        { "position", c->anchor.exact ? social_store_int_arg(r, c->anchor.position) : "" },
        { "at_time", c->position.kind == SOCIAL_POSITION_TIME
                     ? social_store_int_arg(r, c->position.value) : "" },
        { "at_page", c->position.kind == SOCIAL_POSITION_PAGE
                     ? social_store_int_arg(r, c->position.value) : "" },
    };
    int nargs = sizeof(args) / sizeof(args[0]);
    apr_int64_t page_id = 0;
    int added = 0;
    social_store_status st = social_store_run(r, dbd, "social_comment_add", args, nargs,
                                              &added);

    if (st == SOCIAL_STORE_OK && added == 0) {
        /* Locked, banned, or the page had no row when the insert looked:
         * its first comment makes it, and a first comment of someone else
         * may just have made it (on this server or another node). Once
         * the row is there, the insert again is the answer. */
        st = social_store_page_id(r, dbd, c->page, 1, &page_id);
        if (st == SOCIAL_STORE_OK) {
            st = social_store_run(r, dbd, "social_comment_add", args, nargs, &added);
        }
        if (st == SOCIAL_STORE_OK && added == 0) {
            return SOCIAL_STORE_LOCKED;   /* rolled back: nothing written */
        }
    }
    if (st == SOCIAL_STORE_OK) {
        st = social_store_last_id(r, dbd, &c->id);
    }
    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(r, dbd, "social_comment_root",
                              STORE_ARGS({ "id", social_store_int_arg(r, c->id) }), NULL);
    }
    return st;
}

static social_store_status comment_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    comment_txn *t = data;
    social_comment *c = t->c;
    social_store_status st = SOCIAL_STORE_OK;

    if (t->idem != NULL) {
        st = social_store_idempotency_claim(r, dbd, t->idem, "comment");
        if (st != SOCIAL_STORE_OK) {
            return st;
        }
    }
    st = comment_insert(r, dbd, c);
    if (st == SOCIAL_STORE_OK && c->status == SOCIAL_COMMENT_VISIBLE) {
        /* A pending comment notifies no one: until it is approved only
         * its author sees it, and approving it later notifies no one
         * either (its moment has passed). */
        st = social_store_notify_comment(r, dbd, c, social_mention_names(r->pool, c->body));
    }
    if (st == SOCIAL_STORE_OK && t->idem != NULL) {
        st = social_store_idempotency_settle(r, dbd, t->idem, c->id);
    }
    return st;
}

social_store_status social_store_comment_add(request_rec *r, social_comment *c,
                                             const social_idempotency *idem)
{
    ap_dbd_t *dbd = social_store_writer(r);
    comment_txn t = { c, idem };
    social_store_status st;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = social_store_idempotent_write(r, dbd, idem, "comment", &c->id, comment_write, &t);
    c->created = apr_time_now();
    c->edited = 0;
    return st;
}

social_store_status social_store_comment_edit(request_rec *r, apr_int64_t id,
                                              const char *body)
{
    int affected = 0;
    social_store_status st = social_store_run(r, social_store_writer(r), "social_comment_edit",
                                              STORE_ARGS({ "body", body },
                                                         { "id", social_store_int_arg(r, id) }),
                                              &affected);

    return st == SOCIAL_STORE_OK && affected == 0 ? SOCIAL_STORE_NOT_FOUND : st;
}

social_store_status social_store_comment_set_status(request_rec *r, apr_int64_t id,
                                                    social_comment_status status)
{
    return social_store_run(r, social_store_writer(r),
                            status == SOCIAL_COMMENT_DELETED ? "social_comment_delete"
                                                             : "social_comment_status",
                            STORE_ARGS({ "status", social_comment_status_name(status) },
                                       { "id", social_store_int_arg(r, id) }),
                            NULL);
}
