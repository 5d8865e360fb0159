/* store.h: mod_social's data in MySQL/MariaDB, reached through mod_dbd.
 * Only store.c knows SQL; callers get plain C values back. */
#ifndef SOCIAL_STORE_H
#define SOCIAL_STORE_H

#include <httpd.h>

/* The schema this build reads and writes (sql/migrations). */
#define SOCIAL_SCHEMA_VERSION 6

typedef enum {
    SOCIAL_STORE_OK = 0,
    SOCIAL_STORE_DOWN,         /* no connection: mod_dbd missing, or DB unreachable */
    SOCIAL_STORE_FAILED,       /* a statement failed */
    SOCIAL_STORE_NOT_FOUND,    /* no such row */
    SOCIAL_STORE_REPLAYED,     /* an Idempotency-Key seen before: the first result */
    SOCIAL_STORE_MISMATCH,     /* an Idempotency-Key reused for another request */
    SOCIAL_STORE_RETRY         /* a deadlock: the transaction may run again (store.c only) */
} social_store_status;

/* A client's Idempotency-Key for one write. */
typedef struct {
    const char *user;          /* whose key (REMOTE_USER or "anon:" + address) */
    const char *key;
    const char *request_hash;  /* hex SHA-1 of what was asked */
} social_idempotency;

typedef enum {
    SOCIAL_COMMENT_VISIBLE = 0,
    SOCIAL_COMMENT_HIDDEN,
    SOCIAL_COMMENT_DELETED
} social_comment_status;

/* The passage of the page a top-level comment is about: a text-quote
 * selector (exact, with up to 64 characters of context either side)
 * and the quote's character offset in the page's text as a hint. */
typedef struct {
    const char *exact;         /* NULL: not a passage comment */
    const char *prefix;        /* may be "" */
    const char *suffix;        /* may be "" */
    apr_int64_t position;
} social_anchor;

typedef struct {
    apr_int64_t id;
    apr_int64_t parent;        /* 0: a top-level comment */
    const char *page;          /* page key */
    const char *author;        /* REMOTE_USER of the author */
    const char *author_name;   /* display name when written */
    const char *body;          /* plain text; "" once deleted */
    social_comment_status status;
    apr_time_t created;
    apr_time_t edited;         /* 0: never edited */
    int likes;                 /* likes of the comment */
    int liked;                 /* liked by the viewer */
    social_anchor anchor;      /* anchor.exact NULL: about the whole page */
} social_comment;

/* A page's own counters, and the viewer's like. */
typedef struct {
    int likes;
    int liked;
    int shares;
} social_page_stats;

typedef enum { SOCIAL_LIKE_PAGE = 0, SOCIAL_LIKE_COMMENT } social_like_kind;

typedef struct {
    const char *user;
    const char *name;
} social_person;

typedef struct {
    apr_int64_t id;
    const char *page;
    const char *user;
    const char *user_name;
    const char *note;          /* may be "" */
    int public;                /* shown in the activity stream */
    apr_time_t created;
} social_share;

typedef struct {
    int idx;                   /* stable for the life of the poll */
    const char *label;
    int removed;               /* gone from the marker: votes kept, not shown */
    int votes;
    int mine;                  /* chosen by the viewer */
} social_poll_option;

typedef struct {
    apr_int64_t id;
    const char *page;
    const char *name;
    const char *question;
    int multiple;
    apr_time_t closes;         /* 0: no closing date */
    int results;               /* social_poll_results */
    int closed;                /* closed by a moderator */
    int ballots;
    int voted;                 /* the viewer has a ballot */
    apr_array_header_t *options;   /* social_poll_option, by idx */
} social_poll;

/* Which site (virtual host) a request belongs to, for page rows. */
const char *social_store_site(request_rec *r);

const char *social_comment_status_name(social_comment_status status);

/* Hooks mod_dbd's post_connect to bound every connection's lock and
 * statement waits. */
void social_store_register_hooks(apr_pool_t *p);

/* Registers every statement with ap_dbd_prepare for each server; runs
 * in post_config before mod_dbd's own. */
void social_store_prepare_statements(apr_pool_t *p, server_rec *s);

/* Reads the schema version into *version. */
social_store_status social_store_schema_version(request_rec *r, int *version);

/* Every comment of a page, in id order (parents before replies), into
 * an array of social_comment, with like counts, the viewer's likes and
 * the page's own counters in *stats. One round trip. */
social_store_status social_store_comments_list(request_rec *r, const char *page,
                                               const char *viewer,
                                               apr_array_header_t **comments,
                                               social_page_stats *stats);

/* One comment by id, with the number of its replies not deleted. */
social_store_status social_store_comment_get(request_rec *r, apr_int64_t id,
                                             social_comment *c, int *replies);

/* Adds c (page, parent, author, author_name, body, anchor) and sets c->id and
 * c->created. The page row is made on first use. With idem (may be
 * NULL): SOCIAL_STORE_REPLAYED and c->id of the first request if the key
 * was used for the same request before; SOCIAL_STORE_MISMATCH if for
 * another. */
social_store_status social_store_comment_add(request_rec *r, social_comment *c,
                                             const social_idempotency *idem);

social_store_status social_store_comment_edit(request_rec *r, apr_int64_t id,
                                              const char *body);

/* Sets the status; SOCIAL_COMMENT_DELETED also erases the text. */
social_store_status social_store_comment_set_status(request_rec *r, apr_int64_t id,
                                                    social_comment_status status);

/* Visible comments, likes and shares of a page (all 0 for a page
 * nobody has touched). */
social_store_status social_store_page_counts(request_rec *r, const char *page,
                                             int *comments, social_page_stats *stats);

/* Records that a person was seen (for name look-ups and mentions). */
social_store_status social_store_person_seen(request_rec *r, const char *user,
                                             const char *name, const char *email);

/* Likes (on) or unlikes (off) a page or a comment for user; idempotent.
 * Sets the count after the change and whether user likes it now. */
social_store_status social_store_like(request_rec *r, social_like_kind kind,
                                      const char *page, apr_int64_t comment,
                                      const char *user, int on, int *count,
                                      int *liked);

/* Who likes a page or comment (at most 200, oldest first). */
social_store_status social_store_likers(request_rec *r, social_like_kind kind,
                                        const char *page, apr_int64_t comment,
                                        apr_array_header_t **people);

/* The display name of a person the module has seen, or NOT_FOUND. */
social_store_status social_store_person_get(request_rec *r, const char *user,
                                            const char **name);

/* Stores a share (sets id) and its recipients (user names, checked by
 * the caller), in one transaction. */
social_store_status social_store_share_add(request_rec *r, social_share *share,
                                           apr_array_header_t *recipients,
                                           const social_idempotency *idem);

/* Pages shared with user, newest first (at most 50). */
social_store_status social_store_shares_inbox(request_rec *r, const char *user,
                                              apr_array_header_t **shares);

/* Makes the poll of a page marker exist as declared: created the first
 * time, updated when the marker changed (options matched by label;
 * removed ones kept out of sight). Sets *id. *changed tells whether a
 * write happened. */
struct social_poll_def;
social_store_status social_store_poll_sync(request_rec *r, const char *page,
                                           const struct social_poll_def *def,
                                           apr_int64_t *id, int *changed);

/* The polls of a page with results and viewer's choices (array of
 * social_poll), or one poll by id. */
social_store_status social_store_polls_list(request_rec *r, const char *page,
                                            const char *viewer,
                                            apr_array_header_t **polls);
social_store_status social_store_poll_get(request_rec *r, apr_int64_t id,
                                          const char *viewer, social_poll *poll);

/* Replaces user's ballot with choices[0..n) in one transaction. */
social_store_status social_store_poll_vote(request_rec *r, apr_int64_t id,
                                           const char *user, const int *choices,
                                           int n);

social_store_status social_store_poll_set_closed(request_rec *r, apr_int64_t id,
                                                 int closed);

#endif /* SOCIAL_STORE_H */
