/* store_pages.c: page rows, their counters and locks, and what a page
 * view asks of the viewer. */
#include "store_internal.h"

#include <apr_strings.h>

#include <string.h>

/* Ten page parameters, :p<d>0 to :p<d>9 (:p00 to :p49 in all). */
#define COUNTS_MANY_10(d) \
    ":p" #d "0, :p" #d "1, :p" #d "2, :p" #d "3, :p" #d "4, " \
    ":p" #d "5, :p" #d "6, :p" #d "7, :p" #d "8, :p" #d "9"

static const social_statement pages_statements[] = {
    { "social_page_add",
      "INSERT INTO social_pages (site, path) VALUES (:site, :page) "
      "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)" },
    { "social_page_id",
      "SELECT id FROM social_pages WHERE site = :site AND path = :page" },
    /* The page's title as httpd serves it (NULL: none); written only when
     * it differs, so the usual case changes no row. */
    { "social_page_title_set",
      "UPDATE social_pages SET title = NULLIF(:title, '') "
      "WHERE site = :site AND path = :page AND NOT (title <=> NULLIF(:title, ''))" },
    { "social_page_counts",
      "SELECT (SELECT COUNT(*) FROM social_comments c WHERE c.page_id = p.id "
      "AND c.status = 'visible'), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'page' AND l.target_id = p.id), "
      "(SELECT COUNT(*) FROM social_shares s WHERE s.page_id = p.id) "
      "FROM social_pages p WHERE p.site = :site AND p.path = :page" },
    /* What a page view needs to know of the viewer: have they liked or
     * written anything on the page (then the discussion is rendered for
     * them, otherwise the cached one serves), and their unread count. */
    { "social_viewer_state",
      "SELECT EXISTS (SELECT 1 FROM social_pages p JOIN social_likes l "
      "ON l.target_kind = 'page' AND l.target_id = p.id "
      "WHERE p.site = :site AND p.path = :page AND l.user = :user) "
      "OR EXISTS (SELECT 1 FROM social_pages p JOIN social_comments c ON c.page_id = p.id "
      "WHERE p.site = :site AND p.path = :page AND c.author = :user) "
      "OR EXISTS (SELECT 1 FROM social_pages p JOIN social_comments c ON c.page_id = p.id "
      "JOIN social_likes l ON l.target_kind = 'comment' AND l.target_id = c.id "
      "WHERE p.site = :site AND p.path = :page AND l.user = :user), "
      "(" SOCIAL_UNREAD_COUNT "), "
      "(SELECT COALESCE(b.expires_at, -1) FROM social_bans b "
      "WHERE b.user = :user AND (b.expires_at IS NULL OR b.expires_at > UNIX_TIMESTAMP())), "
      /* an ENUM + 0 is its place, from 1 */
      "(SELECT o.thread_order + 0 - 1 FROM social_notify_settings o WHERE o.user = :user), "
      "EXISTS (SELECT 1 FROM social_pages p JOIN social_follows f ON f.page_id = p.id "
      "WHERE p.site = :site AND p.path = :page AND f.user = :user)" },
    /* A reader's part in a page: 'p' if they like it, 'l' for each
     * comment they like, 'o' for each visible comment they wrote (with
     * when) and 'x' for one of theirs not visible (hidden or pending). */
    { "social_viewer_part",
      "(SELECT 'p', 0, 0 FROM social_pages p JOIN social_likes l "
      "ON l.target_kind = 'page' AND l.target_id = p.id "
      "WHERE p.site = :site AND p.path = :page AND l.user = :user) "
      "UNION ALL (SELECT 'l', c.id, 0 FROM social_pages p JOIN social_comments c ON c.page_id = p.id "
      "JOIN social_likes l ON l.target_kind = 'comment' AND l.target_id = c.id "
      "WHERE p.site = :site AND p.path = :page AND l.user = :user) "
      "UNION ALL (SELECT IF(c.status = 'visible', 'o', 'x'), c.id, UNIX_TIMESTAMP(c.created_at) "
      "FROM social_pages p "
      "JOIN social_comments c ON c.page_id = p.id "
      "WHERE p.site = :site AND p.path = :page AND c.author = :user "
      "AND c.status <> 'deleted') LIMIT :limit" },
    { "social_page_lock",
      "UPDATE social_pages SET locked = :locked WHERE id = :page_id" },
    /* The discussions kept under a page's key (an idea's: PAGE#idea-ID)
     * are locked and unlocked with it; paths are ascii_bin, so they sort
     * between PAGE# and PAGE$. */
    { "social_page_children",
      "SELECT path FROM social_pages WHERE site = :site AND path > CONCAT(:page, '#') "
      "AND path < CONCAT(:page, '$') FOR UPDATE" },
    { "social_page_children_lock",
      "UPDATE social_pages SET locked = :locked WHERE site = :site "
      "AND path > CONCAT(:page, '#') AND path < CONCAT(:page, '$')" },
    { "social_page_locked",
      "SELECT locked FROM social_pages WHERE site = :site AND path = :page" },
    /* The visible comments of up to SOCIAL_STORE_COUNTS_MANY_MAX pages at
     * once (count markers); unused places repeat the first page. */
    { "social_counts_many",
      "SELECT p.path, (SELECT COUNT(*) FROM social_comments c WHERE c.page_id = p.id "
      "AND c.status = 'visible') FROM social_pages p WHERE p.site = :site AND p.path IN ("
      COUNTS_MANY_10(0) ", " COUNTS_MANY_10(1) ", " COUNTS_MANY_10(2) ", "
      COUNTS_MANY_10(3) ", " COUNTS_MANY_10(4) ")" },
    { "social_locked_pages",
      "SELECT p.path, COALESCE(a.reason, ''), COALESCE(a.actor, ''), "
      "COALESCE(UNIX_TIMESTAMP(a.created_at), 0), COALESCE(p.title, '') FROM social_pages p "
      "LEFT JOIN social_audit a ON a.id = (SELECT MAX(l.id) FROM social_audit l "
      "WHERE l.site = p.site AND l.target_kind = 'page' AND l.action = 'lock' "
      "AND l.target = p.path) "
      "WHERE p.site = :site AND p.locked = 1 ORDER BY p.path LIMIT 200" },
};
SOCIAL_STATEMENT_TABLE(social_store_pages_statements, pages_statements);

social_store_status social_store_page_id(request_rec *r, ap_dbd_t *dbd, const char *page,
                                         int make, apr_int64_t *id)
{
    social_store_status st;

    /* Read first: the insert's duplicate-key path locks an existing row
     * exclusively until the commit, which made every write on a page wait
     * for the one before it. Reading locks nothing; a write that must
     * see the page's lock reads the row with a shared lock itself. */
    st = social_store_int(r, dbd, "social_page_id", STORE_ARGS({ "page", page }), id);
    if (st != SOCIAL_STORE_NOT_FOUND || !make) {
        return st;
    }
    st = social_store_run(r, dbd, "social_page_add", STORE_ARGS({ "page", page }), NULL);
    return st == SOCIAL_STORE_OK ? social_store_last_id(r, dbd, id) : st;
}

social_store_status social_store_page_title_set(request_rec *r, const char *page,
                                                const char *title)
{
    ap_dbd_t *dbd = social_store_writer(r);

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    return social_store_run(r, dbd, "social_page_title_set",
                            STORE_ARGS({ "page", page }, { "title", title ? title : "" }),
                            NULL);
}

/* The viewer's part of a page view. */
typedef struct {
    int involved;              /* liked or wrote something on the page */
    int unread;
    apr_int64_t banned;        /* NULL (0): not banned; -1: no end; the end */
    int order;                 /* NULL (0): oldest first */
    int follows;               /* follows the page or one of its threads */
} viewer_row;

static const social_store_column viewer_columns[] = {
    STORE_COLUMN(0, FLAG, viewer_row, involved), STORE_COLUMN(1, INT, viewer_row, unread),
    STORE_COLUMN(2, INT64, viewer_row, banned), STORE_COLUMN(3, INT, viewer_row, order),
    STORE_COLUMN(4, FLAG, viewer_row, follows),
};

social_store_status social_store_viewer_state(request_rec *r, const char *page,
                                              const char *viewer, int *involved,
                                              int *unread, apr_int64_t *banned,
                                              int *order, int *follows)
{
    viewer_row v = { 0, 0, 0, 0, 0 };
    social_store_status st = social_store_record(r, social_store_reader(r),
                                                 "social_viewer_state",
                                                 STORE_ARGS({ "page", page },
                                                            { "user", viewer }),
                                                 STORE_COLUMNS(viewer_columns), &v);

    *involved = v.involved;
    *unread = v.unread;
    *banned = v.banned;
    *order = v.order;
    *follows = v.follows;
    return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
}

static void part_row(const social_store_row *row, void *target)
{
    social_viewer_mark *m = apr_array_push(target);
    const char *kind = social_store_row_text(row, 0);

    m->kind = kind != NULL ? kind[0] : 'x';
    m->id = social_store_row_int64(row, 1);
    m->created = social_store_row_int64(row, 2);
}

social_store_status social_store_viewer_part(request_rec *r, const char *page,
                                             const char *viewer, int limit,
                                             apr_array_header_t **marks)
{
    *marks = apr_array_make(r->pool, 8, sizeof(social_viewer_mark));
    return social_store_rows(r, social_store_reader(r), "social_viewer_part",
                             STORE_ARGS({ "page", page }, { "user", viewer },
                                        { "limit", social_store_int_arg(r, limit) }),
                             part_row, *marks);
}

/* A page's counters: comments, likes, shares. */
static const social_store_column counts_columns[] = {
    STORE_COLUMN(0, INT, social_page_stats, comments),
    STORE_COLUMN(1, INT, social_page_stats, likes), STORE_COLUMN(2, INT, social_page_stats, shares),
};

social_store_status social_store_page_counts(request_rec *r, const char *page,
                                             int *comments, social_page_stats *stats)
{
    social_page_stats read;
    social_store_status st;

    memset(&read, 0, sizeof(read));
    memset(stats, 0, sizeof(*stats));
    st = social_store_record(r, social_store_reader(r), "social_page_counts",
                             STORE_ARGS({ "page", page }), STORE_COLUMNS(counts_columns), &read);
    *comments = read.comments;   /* the page's own, not in stats */
    stats->likes = read.likes;
    stats->shares = read.shares;
    return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
}

social_store_status social_store_page_locked(request_rec *r, const char *page, int *locked)
{
    apr_int64_t value = 0;
    social_store_status st = social_store_int(r, social_store_reader(r),
                                              "social_page_locked",
                                              STORE_ARGS({ "page", page }), &value);

    *locked = st == SOCIAL_STORE_OK && value != 0;
    return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;   /* no row: not locked */
}

static const social_store_column lock_columns[] = {
    STORE_COLUMN(0, TEXT, social_lock, page), STORE_COLUMN(1, TEXT, social_lock, reason),
    STORE_COLUMN(2, TEXT, social_lock, by), STORE_COLUMN(3, TIME, social_lock, when),
    STORE_COLUMN(4, TEXT, social_lock, title),
};

social_store_status social_store_locked_pages(request_rec *r, apr_array_header_t **pages)
{
    *pages = apr_array_make(r->pool, 8, sizeof(social_lock));
    return social_store_list(r, social_store_reader(r), "social_locked_pages", STORE_NO_ARGS,
                             STORE_COLUMNS(lock_columns), *pages);
}

/* A moderator locks or unlocks a page's discussion. */
typedef struct {
    const char *page;
    int locked;                /* 1: lock, 0: unlock */
    const social_audit_entry *audit;
    apr_array_header_t *children;   /* const char *: the keys locked with it */
} lock_txn;

typedef struct {
    const char *path;
} child_key;

static const social_store_column child_columns[] = {
    STORE_COLUMN(0, TEXT, child_key, path),
};

static social_store_status lock_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    lock_txn *t = data;
    apr_int64_t page_id = 0;
    social_store_status st = social_store_page_id(r, dbd, t->page, 1, &page_id);

    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(r, dbd, "social_page_lock",
                              STORE_ARGS({ "locked", t->locked ? "1" : "0" },
                                         { "page_id", social_store_int_arg(r, page_id) }),
                              NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        apr_array_clear(t->children);
        st = social_store_list(r, dbd, "social_page_children", STORE_ARGS({ "page", t->page }),
                               STORE_COLUMNS(child_columns), t->children);
    }
    if (st == SOCIAL_STORE_OK && t->children->nelts > 0) {
        st = social_store_run(r, dbd, "social_page_children_lock",
                              STORE_ARGS({ "locked", t->locked ? "1" : "0" },
                                         { "page", t->page }), NULL);
    }
    return st == SOCIAL_STORE_OK ? social_store_audit_write(r, dbd, t->audit, 0, t->page) : st;
}

social_store_status social_store_page_lock(request_rec *r, const char *page, int locked,
                                           const social_audit_entry *audit,
                                           apr_array_header_t **children)
{
    lock_txn t = { page, locked, audit, apr_array_make(r->pool, 4, sizeof(child_key)) };
    ap_dbd_t *dbd = social_store_writer(r);
    social_store_status st = dbd ? social_store_transaction(r, dbd, lock_write, &t)
                                 : SOCIAL_STORE_DOWN;

    if (children != NULL) {
        *children = t.children;
    }
    return st;
}

/* Counts of many pages: each row read lands on every place that asked for
 * its path. */
typedef struct {
    int n;
    const char *const *pages;
    int *comments;
} counts_many_target;

static void counts_many_row(const social_store_row *row, void *data)
{
    counts_many_target *t = data;
    const char *path = social_store_row_raw(row, 0);
    int count = social_store_row_int(row, 1);
    int k;

    for (k = 0; k < t->n; k++) {
        if (strcmp(t->pages[k], path) == 0) {
            t->comments[k] = count;
        }
    }
}

social_store_status social_store_counts_many(request_rec *r, int n, const char *const *pages,
                                             int *comments)
{
    social_store_arg args[SOCIAL_STORE_COUNTS_MANY_MAX];
    counts_many_target t = { n, pages, comments };
    int k;

    for (k = 0; k < n; k++) {
        comments[k] = 0;
    }
    if (n <= 0) {
        return SOCIAL_STORE_OK;
    }
    if (n > SOCIAL_STORE_COUNTS_MANY_MAX) {
        return SOCIAL_STORE_FAILED;
    }
    for (k = 0; k < SOCIAL_STORE_COUNTS_MANY_MAX; k++) {
        args[k].name = apr_psprintf(r->pool, "p%02d", k);
        args[k].value = pages[k < n ? k : 0];
    }
    return social_store_rows(r, social_store_reader(r), "social_counts_many", args,
                             SOCIAL_STORE_COUNTS_MANY_MAX, counts_many_row, &t);
}
