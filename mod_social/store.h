/* store.h: mod_social's data in MySQL/MariaDB, reached through mod_dbd.
 * Only store.c knows SQL; callers get plain C values back. */
#ifndef SOCIAL_STORE_H
#define SOCIAL_STORE_H

#include <httpd.h>

/* The schema this build reads and writes (sql/migrations). */
#define SOCIAL_SCHEMA_VERSION 3

typedef enum {
    SOCIAL_STORE_OK = 0,
    SOCIAL_STORE_DOWN,         /* no connection: mod_dbd missing, or DB unreachable */
    SOCIAL_STORE_FAILED,       /* a statement failed */
    SOCIAL_STORE_NOT_FOUND     /* no such row */
} social_store_status;

typedef enum {
    SOCIAL_COMMENT_VISIBLE = 0,
    SOCIAL_COMMENT_HIDDEN,
    SOCIAL_COMMENT_DELETED
} social_comment_status;

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
} social_comment;

/* Which site (virtual host) a request belongs to, for page rows. */
const char *social_store_site(request_rec *r);

const char *social_comment_status_name(social_comment_status status);

/* Registers every statement with ap_dbd_prepare for each server; runs
 * in post_config before mod_dbd's own. */
void social_store_prepare_statements(apr_pool_t *p, server_rec *s);

/* Reads the schema version into *version. */
social_store_status social_store_schema_version(request_rec *r, int *version);

/* Every comment of a page, in id order (parents before replies), into
 * an array of social_comment. One round trip. */
social_store_status social_store_comments_list(request_rec *r, const char *page,
                                               apr_array_header_t **comments);

/* One comment by id, with the number of its replies not deleted. */
social_store_status social_store_comment_get(request_rec *r, apr_int64_t id,
                                             social_comment *c, int *replies);

/* Adds c (page, parent, author, author_name, body) and sets c->id and
 * c->created. The page row is made on first use. */
social_store_status social_store_comment_add(request_rec *r, social_comment *c);

social_store_status social_store_comment_edit(request_rec *r, apr_int64_t id,
                                              const char *body);

/* Sets the status; SOCIAL_COMMENT_DELETED also erases the text. */
social_store_status social_store_comment_set_status(request_rec *r, apr_int64_t id,
                                                    social_comment_status status);

/* Visible comments of a page. */
social_store_status social_store_comment_count(request_rec *r, const char *page,
                                               int *count);

/* Records that a person was seen (for name look-ups and mentions). */
social_store_status social_store_person_seen(request_rec *r, const char *user,
                                             const char *name, const char *email);

#endif /* SOCIAL_STORE_H */
