/* tree.c: threads, visibility and permissions of a page's comments. */
#include "tree.h"

#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>

int social_tree_is_author(const social_tree_viewer *viewer, const social_tree_comment *c)
{
    return viewer->user != NULL && c->author != NULL && strcmp(viewer->user, c->author) == 0;
}

int social_tree_visible_to(const social_tree_viewer *viewer, const social_tree_comment *c)
{
    switch (c->status) {
    case SOCIAL_TREE_VISIBLE:
        return 1;
    case SOCIAL_TREE_HIDDEN:
        return viewer->moderator || social_tree_is_author(viewer, c);
    case SOCIAL_TREE_PENDING:
        /* Awaiting approval: its author alone sees it (moderators use
         * the console's queue). */
        return social_tree_is_author(viewer, c);
    default:
        return 0;
    }
}

void social_tree_permissions(const social_tree_viewer *viewer, const social_tree_comment *c,
                             apr_time_t now, apr_interval_time_t edit_window, int locked,
                             social_tree_can *can)
{
    int live = c->status != SOCIAL_TREE_DELETED;
    int author = social_tree_is_author(viewer, c);

    can->moderate = viewer->moderator && live;
    can->delete_ = live && (author || viewer->moderator);
    can->edit = live && (viewer->moderator
                         || (author && c->status == SOCIAL_TREE_VISIBLE
                             && now - c->created <= edit_window));
    can->reply = c->status == SOCIAL_TREE_VISIBLE && viewer->can_write;
    if (locked) {
        can->reply = 0;
        if (!viewer->moderator) {
            can->edit = 0;   /* deleting one's own words stays possible */
        }
    }
}

typedef struct {
    const social_tree_comment *c;
    int shown;              /* visible, or a tombstone above a visible reply */
    int kept;               /* in this view (a long thread's older replies are not) */
    int root;               /* index of its top-level comment */
    int kept_replies;       /* top-level: replies kept */
    int omitted;            /* top-level: shown replies left out, older than the kept */
    apr_int64_t oldest_kept;   /* top-level: the oldest reply kept */
    apr_array_header_t *children;   /* int indexes, ascending id */
} tree_node;

static void place(const social_tree_rules *rules, social_tree *out, tree_node *nodes,
                  int index, int depth, int parent_author, int parent_left_out)
{
    tree_node *n = &nodes[index];
    social_tree_place *pl;
    int k, tombstone;

    if (!n->shown) {
        return;
    }
    if (!n->kept) {
        /* An older reply of a long thread, left out: its replies in this
         * view take its place, "in reply to" its author. */
        int author = social_tree_visible_to(rules->viewer, n->c) ? index : -1;
        for (k = 0; k < n->children->nelts; k++) {
            place(rules, out, nodes, APR_ARRAY_IDX(n->children, k, int), depth, author, 1);
        }
        return;
    }
    pl = apr_array_push(out->places);
    memset(pl, 0, sizeof(*pl));
    pl->index = index;
    pl->depth = depth > SOCIAL_TREE_MAX_DEPTH ? SOCIAL_TREE_MAX_DEPTH : depth;
    pl->in_reply_to = depth > SOCIAL_TREE_MAX_DEPTH || parent_left_out ? parent_author : -1;
    if (n->root == index) {
        pl->replies_omitted = n->omitted;
        pl->replies_before = n->omitted > 0 ? n->oldest_kept : 0;
    }
    tombstone = pl->tombstone = !social_tree_visible_to(rules->viewer, n->c);
    if (!tombstone) {
        social_tree_permissions(rules->viewer, n->c, rules->now, rules->edit_window,
                                rules->locked, &pl->can);
    }
    /* pl may move as the array grows: nothing of it is used below. */
    for (k = 0; k < n->children->nelts; k++) {
        place(rules, out, nodes, APR_ARRAY_IDX(n->children, k, int), depth + 1,
              tombstone ? -1 : index, 0);
    }
}

void social_tree_arrange(apr_pool_t *p, const social_tree_comment *comments, int n,
                         const social_tree_rules *rules, social_tree *out)
{
    apr_hash_t *index = apr_hash_make(p);
    apr_array_header_t *roots = apr_array_make(p, 8, sizeof(int));
    tree_node *nodes = apr_pcalloc(p, sizeof(tree_node) * ((apr_size_t)n + 1));
    int k, first = 0, total = 0, dropped = 0;

    out->places = apr_array_make(p, n > 0 ? n : 1, sizeof(social_tree_place));
    out->earlier = 0;
    out->oldest = 0;
    for (k = 0; k < n; k++) {
        const social_tree_comment *c = &comments[k];
        tree_node *parent = c->parent
            ? apr_hash_get(index, &c->parent, sizeof(c->parent)) : NULL;

        nodes[k].c = c;
        nodes[k].children = apr_array_make(p, 2, sizeof(int));
        nodes[k].root = parent ? parent->root : k;
        apr_hash_set(index, &c->id, sizeof(c->id), &nodes[k]);
        APR_ARRAY_PUSH(parent ? parent->children : roots, int) = k;
    }
    /* Replies have larger ids than their parents: walking backwards,
     * every node knows whether a reply below it is shown, and each
     * thread keeps its newest replies first. */
    for (k = n - 1; k >= 0; k--) {
        const social_tree_comment *c = nodes[k].c;
        tree_node *parent = c->parent
            ? apr_hash_get(index, &c->parent, sizeof(c->parent)) : NULL;
        tree_node *root = &nodes[nodes[k].root];

        if (social_tree_visible_to(rules->viewer, c)) {
            nodes[k].shown = 1;
        }
        if (nodes[k].shown && parent != NULL) {
            parent->shown = 1;
        }
        if (parent == NULL) {
            nodes[k].kept = 1;
        }
        else if (nodes[k].shown && (rules->reply_before == 0 || c->id < rules->reply_before)) {
            if (root->kept_replies < rules->reply_limit) {
                nodes[k].kept = 1;
                root->kept_replies++;
                root->oldest_kept = c->id;
            }
            else {
                root->omitted++;
            }
        }
    }
    /* The newest threads that fit in the view; older ones are "earlier". */
    if (rules->cap > 0) {
        for (k = roots->nelts - 1; k >= 0; k--) {
            tree_node *t = &nodes[APR_ARRAY_IDX(roots, k, int)];
            int cost = t->shown ? 1 + t->kept_replies : 0;
            if (total > 0 && total + cost > rules->cap) {
                first = k + 1;
                break;
            }
            total += cost;
        }
        for (k = 0; k < first; k++) {
            dropped += nodes[APR_ARRAY_IDX(roots, k, int)].shown;
        }
    }
    out->earlier = dropped;
    for (k = first; k < roots->nelts; k++) {
        int root = APR_ARRAY_IDX(roots, k, int);
        if (nodes[root].shown && out->oldest == 0) {
            out->oldest = nodes[root].c->id;
        }
        place(rules, out, nodes, root, 1, -1, 0);
    }
}

int social_tree_order_parse(const char *s)
{
    if (s == NULL) {
        return -1;
    }
    if (strcmp(s, "oldest") == 0) {
        return SOCIAL_TREE_OLDEST;
    }
    if (strcmp(s, "newest") == 0) {
        return SOCIAL_TREE_NEWEST;
    }
    if (strcmp(s, "liked") == 0) {
        return SOCIAL_TREE_MOST_LIKED;
    }
    return -1;
}

const char *social_tree_order_name(social_tree_order order)
{
    switch (order) {
    case SOCIAL_TREE_NEWEST: return "newest";
    case SOCIAL_TREE_MOST_LIKED: return "liked";
    default: return "oldest";
    }
}

/* One thread of an arranged tree: where its places start and how many. */
typedef struct {
    int first;
    int count;
    apr_int64_t id;            /* its top-level comment's */
    int likes;
} tree_run;

/* qsort's comparison: more likes first, then the newer (the likes of
 * every run are 0 when the order is by age alone). */
static int run_compare(const void *a, const void *b)
{
    const tree_run *x = a, *y = b;

    if (x->likes != y->likes) {
        return x->likes > y->likes ? -1 : 1;
    }
    return x->id == y->id ? 0 : x->id > y->id ? -1 : 1;
}

void social_tree_sort(apr_pool_t *p, const social_tree_comment *comments,
                      social_tree_order order, social_tree *tree)
{
    apr_array_header_t *places = tree->places, *sorted;
    tree_run *runs;
    int k, n = 0;

    if (order == SOCIAL_TREE_OLDEST || places->nelts < 2) {
        return;   /* arranged in id order already */
    }
    runs = apr_pcalloc(p, sizeof(*runs) * (apr_size_t)places->nelts);
    for (k = 0; k < places->nelts; k++) {
        const social_tree_place *pl = &APR_ARRAY_IDX(places, k, social_tree_place);

        if (pl->depth == 1 || n == 0) {
            runs[n].first = k;
            runs[n].id = comments[pl->index].id;
            runs[n].likes = order == SOCIAL_TREE_MOST_LIKED ? comments[pl->index].likes : 0;
            n++;
        }
        runs[n - 1].count++;
    }
    /* ids are unique: no two runs compare equal, so the order is total. */
    qsort(runs, (size_t)n, sizeof(*runs), run_compare);
    sorted = apr_array_make(p, places->nelts, sizeof(social_tree_place));
    for (k = 0; k < n; k++) {
        int j;

        for (j = runs[k].first; j < runs[k].first + runs[k].count; j++) {
            *(social_tree_place *)apr_array_push(sorted) =
                APR_ARRAY_IDX(places, j, social_tree_place);
        }
    }
    tree->places = sorted;
}
