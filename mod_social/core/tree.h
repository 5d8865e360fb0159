/* tree.h: a page's comments arranged into threads, and who may see and
 * do what with each, as plain rules with no httpd or store types.
 *
 * view/discussion.c reads the comments from the store, hands them here
 * (in ascending id order: a reply always has a larger id than its
 * parent) and renders what comes back; the rules are unit-tested alone
 * (tests/unit/check_tree.c).
 */
#ifndef SOCIAL_TREE_H
#define SOCIAL_TREE_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

/* Replies nest to this depth; deeper ones show flat under their
 * level-3 ancestor, "in reply to" their parent's author. */
#define SOCIAL_TREE_MAX_DEPTH 3

/* A comment's state (the same order as the store's). */
typedef enum {
    SOCIAL_TREE_VISIBLE = 0,
    SOCIAL_TREE_HIDDEN,        /* hidden by a moderator */
    SOCIAL_TREE_DELETED,
    SOCIAL_TREE_PENDING        /* awaiting a moderator's approval */
} social_tree_status;

/* What the rules need of one comment. */
typedef struct {
    apr_int64_t id;
    apr_int64_t parent;        /* 0: a top-level comment */
    const char *author;        /* the author's user name ("" if unknown) */
    social_tree_status status;
    apr_time_t created;
    int likes;                 /* only for SOCIAL_TREE_MOST_LIKED */
} social_tree_comment;

/* The order of a discussion's threads (replies stay in the order they
 * were written, under their thread). */
typedef enum {
    SOCIAL_TREE_OLDEST = 0,    /* the oldest thread first (the default) */
    SOCIAL_TREE_NEWEST,        /* the newest thread first */
    SOCIAL_TREE_MOST_LIKED     /* the thread whose top-level comment has the
                                  most likes first; newest first among equals */
} social_tree_order;

/* The order named by s ("oldest", "newest", "liked"); -1 for anything else. */
int social_tree_order_parse(const char *s);

/* The name of order, as social_tree_order_parse reads it. */
const char *social_tree_order_name(social_tree_order order);

/* What the rules need of the viewer. */
typedef struct {
    const char *user;          /* NULL: anonymous */
    int moderator;
    int can_write;             /* may comment at all (logged in, or anonymous
                                  writing allowed; not banned) */
} social_tree_viewer;

/* What the viewer may do with one comment. */
typedef struct {
    int edit;
    int delete_;
    int moderate;
    int reply;
} social_tree_can;

/* Nonzero if viewer wrote c. */
int social_tree_is_author(const social_tree_viewer *viewer, const social_tree_comment *c);

/* Nonzero if viewer may read c's words: visible comments to everyone,
 * hidden ones to moderators and their author, pending ones to their
 * author alone, deleted ones to nobody. */
int social_tree_visible_to(const social_tree_viewer *viewer, const social_tree_comment *c);

/* What viewer may do with c at now: moderate and delete (their author or
 * a moderator) while it is not deleted; edit as a moderator, or as its
 * author while it is visible and younger than edit_window; reply while it
 * is visible and the viewer may write. In a locked discussion nobody
 * replies and only moderators edit (deleting one's own words stays). */
void social_tree_permissions(const social_tree_viewer *viewer, const social_tree_comment *c,
                             apr_time_t now, apr_interval_time_t edit_window, int locked,
                             social_tree_can *can);

/* One comment's place in the arranged discussion. */
typedef struct {
    int index;                 /* into the comments given */
    int depth;                 /* 1 for a top-level comment, at most SOCIAL_TREE_MAX_DEPTH */
    int tombstone;             /* shown only as "deleted"/"hidden" to keep replies in place */
    int in_reply_to;           /* index of the comment whose author it answers, shown when
                                  deeper than the max depth or its parent is left out;
                                  -1: none */
    int replies_omitted;       /* top-level comment: shown replies left out (older) */
    apr_int64_t replies_before;   /* ... fetched with before= this (the oldest kept) */
    social_tree_can can;       /* all 0 on a tombstone */
} social_tree_place;

/* How to arrange. */
typedef struct {
    const social_tree_viewer *viewer;
    int reply_limit;           /* each thread keeps its newest this many replies ... */
    apr_int64_t reply_before;  /* ... older than this id (0: any) */
    int cap;                   /* > 0: the newest threads whose comments fit in cap
                                  (at least one); the older ones are counted */
    int locked;                /* the discussion is locked */
    apr_time_t now;
    apr_interval_time_t edit_window;
} social_tree_rules;

typedef struct {
    apr_array_header_t *places;   /* social_tree_place, threaded order */
    int earlier;               /* shown threads left out by the cap */
    apr_int64_t oldest;        /* id of the oldest shown top-level comment arranged; 0: none */
} social_tree;

/* Arranges comments[0..n) (ascending id) for rules->viewer: threads in id
 * order, each comment followed by its replies; a comment the viewer may
 * not read is shown as a tombstone only if a reply below it is shown;
 * a thread's older replies beyond reply_limit are left out (counted on
 * the top-level comment) and their shown replies move up in their place,
 * "in reply to" the left-out author. */
void social_tree_arrange(apr_pool_t *p, const social_tree_comment *comments, int n,
                         const social_tree_rules *rules, social_tree *out);

/* Puts the threads of an arranged tree (arranged from comments) in
 * order, each thread kept whole: a top-level place and every place after
 * it up to the next top-level one. */
void social_tree_sort(apr_pool_t *p, const social_tree_comment *comments,
                      social_tree_order order, social_tree *tree);

#endif /* SOCIAL_TREE_H */
