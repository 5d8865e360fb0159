/* discussion.h: a page's discussion as one viewer sees it.
 *
 * Shared by the filter (Inline render), the fragment endpoint and the
 * JSON API, so the three never disagree on who sees what.
 */
#ifndef SOCIAL_DISCUSSION_H
#define SOCIAL_DISCUSSION_H

#include <httpd.h>
#include <jansson.h>

#include "config.h"
#include "identity.h"
#include "request.h"
#include "store.h"
#include "tree.h"

/* Replies nest to this depth; deeper ones show flat under their
 * level-3 ancestor, "in reply to" their parent's author. */
#define SOCIAL_THREAD_MAX_DEPTH SOCIAL_TREE_MAX_DEPTH

/* The rendered discussion shows the newest this many top-level comments
 * (with their replies); "show earlier comments" fetches the rest. */
#define SOCIAL_THREAD_RENDER_ROOTS 50

/* Bounds of one view (page, fragment or listing) whatever the shape of
 * the threads: each thread shows its newest this many replies (with "show
 * N earlier replies" for the rest) ... */
#define SOCIAL_THREAD_REPLIES_SHOWN 20
/* ... a view holds at most about this many comments (older threads move
 * to "earlier comments"; one thread is always shown) ... */
#define SOCIAL_THREAD_COMMENTS_MAX 300
/* ... and one thread's earlier replies are fetched this many at a time. */
#define SOCIAL_THREAD_REPLIES_PAGE 100

typedef struct {
    social_comment c;
    int depth;              /* 1 for a top-level comment */
    int tombstone;          /* shown only as "deleted"/"hidden" to keep replies in place */
    int can_edit;
    int can_delete;
    int can_moderate;
    int can_reply;
    int mine;               /* written by the viewer */
    const char *in_reply_to;   /* parent's author name, deeper than the max depth
                                  or when the parent is left out */
    int replies_omitted;       /* top-level comment: older replies left out */
    apr_int64_t replies_before;   /* ... fetched with thread=ID&before= this */
} social_thread_item;

typedef struct {
    const char *page;                 /* page key */
    const social_dir_conf *dc;        /* the page's configuration */
    const social_identity *viewer;
    apr_array_header_t *items;        /* social_thread_item, threaded order */
    int count;                        /* visible comments */
    int unavailable;                  /* the store could not be read */
    social_page_stats stats;          /* page likes (and viewer's), shares */
    int earlier;                      /* older top-level comments left out */
    apr_int64_t oldest;               /* oldest top-level comment arranged */
    const char *url;                  /* absolute URL of the page, for sharing */
    apr_int64_t thread;               /* one thread's replies only: its top-level id */
    int found;                        /* that thread is on the page */
    int all;                          /* every thread asked for (the "earlier" view) */
    social_tree_order order;          /* the order of its threads */
    apr_array_header_t *follows;      /* what the viewer follows here (apr_int64_t:
                                         0 the page, else a thread); NULL: nothing */
} social_thread;

/* Loads and arranges the page's comments for viewer (one round trip).
 * With roots > 0, only the newest that many top-level comments (and
 * their replies) are arranged, and with before > 0 only top-level
 * comments older than that id; t->earlier counts the older ones left
 * out, t->oldest is the id of the oldest top-level comment arranged.
 * Threads come in order; SOCIAL_TREE_MOST_LIKED reads the roots threads
 * with the most liked top-level comments instead (before is ignored). */
void social_thread_load(request_rec *r, const social_dir_conf *dc,
                        const social_identity *viewer, const char *page,
                        int roots, apr_int64_t before, social_tree_order order,
                        social_thread *t);

/* One thread of the page: top-level comment root with its newest
 * SOCIAL_THREAD_REPLIES_PAGE replies older than before (every reply if
 * before is 0); t->found is 0 if root is no top-level comment of page. */
void social_thread_load_replies(request_rec *r, const social_dir_conf *dc,
                                const social_identity *viewer, const char *page,
                                apr_int64_t root, apr_int64_t before, social_thread *t);

/* The HTML of that thread (see social_thread_html), never cached; or,
 * with root 0, every thread older than before (the "earlier comments"
 * view, bounded as every view is). */
char *social_thread_html_window(request_rec *r, const social_dir_conf *dc,
                                const social_identity *who, const char *page,
                                apr_int64_t root, apr_int64_t before,
                                social_tree_order order,
                                apr_size_t *len, const char **error);

/* What viewer may do with comment c (whatever its place in a thread). */
void social_thread_permissions(request_rec *r, const social_dir_conf *dc,
                               const social_identity *viewer,
                               social_thread_item *it);

/* The API's JSON for one item. */
json_t *social_thread_item_json(request_rec *r, const social_thread_item *it);

/* Does who see the page's discussion at version as any other uninvolved
 * viewer of their kind does (anonymous; or logged in, with no comment or
 * like of theirs on the page and no ban)? 1 yes, 0 no, -1 the store
 * cannot say. From the cached viewer state where there is one. */
int social_thread_viewer_shares(request_rec *r, const char *page, const char *version,
                                const social_identity *who);

/* The discussion of page as who sees it, rendered from templates/thread.cs
 * (pure ASCII; NULL with *error set if the render fails), with max_roots
 * threads; status, if not NULL, is a message for screen readers (e.g.
 * "Comment posted"). A reader who has not
 * liked or written anything on the page and is not a moderator gets it
 * from the cache (SocialCache) when status is NULL and max_roots is
 * SOCIAL_THREAD_RENDER_ROOTS: no round trip to the database while the
 * page and the notifications are unchanged, instead of two and a render. */
char *social_thread_html(request_rec *r, const social_dir_conf *dc,
                         const social_identity *who, const char *page,
                         int max_roots, const char *status,
                         apr_size_t *len, const char **error);

/* Sends the page's discussion as rendered for the viewer (the widget's
 * fragment); status is announced to screen readers. */
int social_discussion_fragment_send(request_rec *r, const social_page *pg,
                                    const char *status);

#endif /* SOCIAL_DISCUSSION_H */
