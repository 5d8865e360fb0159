/* thread.c: arranging, permissions, JSON and HTML of a discussion. */
#include "thread.h"

#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <httpd.h>

#include "render.h"
#include "text.h"

APLOG_USE_MODULE(social);

static int is_author(const social_identity *viewer, const social_comment *c)
{
    return viewer->user != NULL && strcmp(viewer->user, c->author) == 0;
}

void social_thread_permissions(request_rec *r, const social_dir_conf *dc,
                               const social_identity *viewer,
                               social_thread_item *it)
{
    const social_comment *c = &it->c;
    int live = c->status != SOCIAL_COMMENT_DELETED;
    int author = is_author(viewer, c);
    apr_time_t window = apr_time_from_sec(social_config_edit_window(dc));

    it->can_moderate = viewer->moderator && live;
    it->can_delete = live && (author || viewer->moderator);
    it->can_edit = live && (viewer->moderator
                            || (author && c->status == SOCIAL_COMMENT_VISIBLE
                                && apr_time_now() - c->created <= window));
    it->can_reply = c->status == SOCIAL_COMMENT_VISIBLE
                    && social_identity_can_write(viewer);
    (void)r;
}

/* May viewer see this comment's text? */
static int visible_to(const social_identity *viewer, const social_comment *c)
{
    switch (c->status) {
    case SOCIAL_COMMENT_VISIBLE:
        return 1;
    case SOCIAL_COMMENT_HIDDEN:
        return viewer->moderator || is_author(viewer, c);
    default:
        return 0;
    }
}

typedef struct {
    const social_comment *c;
    int shown;              /* visible, or a tombstone above a visible reply */
    apr_array_header_t *children;   /* int indexes, ascending id */
} tree_node;

static void arrange(request_rec *r, social_thread *t, tree_node *nodes,
                    int index, int depth, const char *parent_name)
{
    tree_node *n = &nodes[index];
    social_thread_item *it;
    int k;

    if (!n->shown) {
        return;
    }
    it = apr_array_push(t->items);
    memset(it, 0, sizeof(*it));
    it->c = *n->c;
    it->depth = depth > SOCIAL_THREAD_MAX_DEPTH ? SOCIAL_THREAD_MAX_DEPTH : depth;
    it->in_reply_to = depth > SOCIAL_THREAD_MAX_DEPTH ? parent_name : NULL;
    it->tombstone = !visible_to(t->viewer, n->c);
    if (it->tombstone) {
        it->c.body = "";
        it->c.author = "";
        it->c.author_name = "";
    }
    else {
        social_thread_permissions(r, t->dc, t->viewer, it);
    }
    for (k = 0; k < n->children->nelts; k++) {
        arrange(r, t, nodes, APR_ARRAY_IDX(n->children, k, int), depth + 1,
                it->tombstone ? NULL : n->c->author_name);
    }
}

void social_thread_load(request_rec *r, const social_dir_conf *dc,
                        const social_identity *viewer, const char *page,
                        int max_roots, apr_int64_t before, social_thread *t)
{
    apr_array_header_t *comments;
    apr_hash_t *index;
    apr_array_header_t *roots;
    tree_node *nodes;
    int k;

    memset(t, 0, sizeof(*t));
    t->page = page;
    t->dc = dc;
    t->viewer = viewer;
    t->items = apr_array_make(r->pool, 16, sizeof(social_thread_item));
    if (!social_identity_can_read(viewer)) {
        return;
    }
    t->url = ap_construct_url(r->pool, page, r);
    if (social_store_comments_list(r, page, viewer->user, &comments, &t->stats)
        != SOCIAL_STORE_OK) {
        t->unavailable = 1;
        return;
    }
    nodes = apr_pcalloc(r->pool, sizeof(tree_node) * (comments->nelts + 1));
    index = apr_hash_make(r->pool);
    roots = apr_array_make(r->pool, 8, sizeof(int));
    for (k = 0; k < comments->nelts; k++) {
        const social_comment *c = &APR_ARRAY_IDX(comments, k, social_comment);
        tree_node *parent = c->parent
            ? apr_hash_get(index, &c->parent, sizeof(c->parent)) : NULL;

        nodes[k].c = c;
        nodes[k].children = apr_array_make(r->pool, 2, sizeof(int));
        apr_hash_set(index, &c->id, sizeof(c->id), &nodes[k]);
        APR_ARRAY_PUSH(parent ? parent->children : roots, int) = k;
    }
    /* Replies have larger ids than their parents: walking backwards,
     * every node knows whether a reply below it is shown. */
    for (k = comments->nelts - 1; k >= 0; k--) {
        const social_comment *c = nodes[k].c;
        tree_node *parent = c->parent
            ? apr_hash_get(index, &c->parent, sizeof(c->parent)) : NULL;
        if (visible_to(viewer, c)) {
            nodes[k].shown = 1;
        }
        if (c->status == SOCIAL_COMMENT_VISIBLE) {
            t->count++;
        }
        if (nodes[k].shown && parent != NULL) {
            parent->shown = 1;
        }
    }
    {
        /* The window of top-level comments: older than before, the newest
         * max_roots of those. */
        int end = roots->nelts, start = 0;
        while (before > 0 && end > 0
               && nodes[APR_ARRAY_IDX(roots, end - 1, int)].c->id >= before) {
            end--;
        }
        if (max_roots > 0 && end - start > max_roots) {
            start = end - max_roots;
        }
        for (k = 0; k < start; k++) {
            t->earlier += nodes[APR_ARRAY_IDX(roots, k, int)].shown;
        }
        for (k = start; k < end; k++) {
            int root = APR_ARRAY_IDX(roots, k, int);
            if (nodes[root].shown && t->oldest == 0) {
                t->oldest = nodes[root].c->id;
            }
            arrange(r, t, nodes, root, 1, NULL);
        }
    }
}


static const char *time_absolute(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t tm;
    char buf[40];
    apr_size_t n;
    apr_time_exp_gmt(&tm, t);
    apr_strftime(buf, &n, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
    return apr_pstrmemdup(p, buf, n);
}

static const char *time_relative(apr_pool_t *p, apr_time_t t, apr_time_t now)
{
    apr_int64_t s = apr_time_sec(now - t);
    struct { apr_int64_t size; const char *one; const char *many; } units[] = {
        { 365 * 86400, "a year ago", "years ago" },
        { 30 * 86400, "a month ago", "months ago" },
        { 7 * 86400, "a week ago", "weeks ago" },
        { 86400, "yesterday", "days ago" },
        { 3600, "an hour ago", "hours ago" },
        { 60, "a minute ago", "minutes ago" },
    };
    size_t k;

    if (s < 45) {
        return "just now";
    }
    for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
        apr_int64_t n = s / units[k].size;
        if (n >= 2) {
            return apr_psprintf(p, "%" APR_INT64_T_FMT " %s", n, units[k].many);
        }
        if (n == 1) {
            return units[k].one;
        }
    }
    return "a minute ago";
}

json_t *social_thread_item_json(request_rec *r, const social_thread_item *it)
{
    const social_comment *c = &it->c;
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer(c->id));
    json_object_set_new(o, "parent", c->parent ? json_integer(c->parent) : json_null());
    json_object_set_new(o, "page", json_string(c->page));
    json_object_set_new(o, "status", json_string(it->tombstone && c->status == SOCIAL_COMMENT_VISIBLE
                                                 ? "hidden" : social_comment_status_name(c->status)));
    json_object_set_new(o, "depth", json_integer(it->depth));
    json_object_set_new(o, "created", json_string(social_text_time_iso(r->pool, c->created)));
    json_object_set_new(o, "edited", c->edited ? json_string(social_text_time_iso(r->pool, c->edited))
                                               : json_null());
    if (it->tombstone) {
        json_object_set_new(o, "author", json_null());
        json_object_set_new(o, "body", json_null());
    }
    else {
        json_object_set_new(o, "author", json_pack("{s:o,s:s}", "user",
                                                   *c->author ? json_string(c->author)
                                                              : json_null(),
                                                   "name", c->author_name));
        json_object_set_new(o, "body", json_string(c->body));
        json_object_set_new(o, "html", json_string(
            social_text_format_comment(r->pool, c->body, strlen(c->body))));
    }
    json_object_set_new(o, "in_reply_to", it->in_reply_to ? json_string(it->in_reply_to)
                                                          : json_null());
    /* The quote is the page's text, not the author's: it stays on a
     * tombstone so the replies below keep their passage. */
    json_object_set_new(o, "anchor", c->anchor.exact
                        ? json_pack("{s:s,s:s,s:s,s:I}", "exact", c->anchor.exact,
                                    "prefix", c->anchor.prefix, "suffix", c->anchor.suffix,
                                    "position", (json_int_t)c->anchor.position)
                        : json_null());
    json_object_set_new(o, "likes", json_integer(c->likes));
    json_object_set_new(o, "liked", json_boolean(c->liked));
    json_object_set_new(o, "can", json_pack("{s:b,s:b,s:b,s:b}",
                                            "edit", it->can_edit, "delete", it->can_delete,
                                            "moderate", it->can_moderate,
                                            "reply", it->can_reply));
    return o;
}

/* ---- HTML ---- */

typedef struct {
    request_rec *r;
    const social_thread *t;
    const char *status;
} thread_fill_data;

static const char *set(HDF *hdf, apr_pool_t *p, const char *prefix,
                       const char *name, const char *value)
{
    return social_render_set(hdf, apr_pstrcat(p, prefix, name, NULL),
                             value ? value : "");
}

static const char *set_int(HDF *hdf, apr_pool_t *p, const char *prefix,
                           const char *name, apr_int64_t value)
{
    return set(hdf, p, prefix, name, apr_psprintf(p, "%" APR_INT64_T_FMT, value));
}

static const char *thread_fill(HDF *hdf, void *data)
{
    thread_fill_data *d = data;
    request_rec *r = d->r;
    const social_thread *t = d->t;
    const social_identity *v = t->viewer;
    apr_pool_t *p = r->pool;
    apr_time_t now = apr_time_now();
    const char *err = NULL;
    int k;

#define TRY(expr) do { if ((err = (expr)) != NULL) return err; } while (0)
    TRY(set(hdf, p, "Social.", "endpoint", social_config_srv(r->server)->endpoint));
    TRY(set(hdf, p, "Social.", "page", t->page));
    TRY(set(hdf, p, "Social.", "page_q", social_text_percent_encode(p, t->page)));
    TRY(set(hdf, p, "Social.", "status", d->status));
    TRY(set_int(hdf, p, "Social.", "count", t->count));
    TRY(set_int(hdf, p, "Social.", "earlier", t->earlier));
    TRY(set_int(hdf, p, "Social.", "unavailable", t->unavailable));
    TRY(set_int(hdf, p, "Social.", "can_read", social_identity_can_read(v)));
    TRY(set_int(hdf, p, "Social.", "can_comment", social_identity_can_write(v)));
    TRY(set_int(hdf, p, "Social.", "moderator", v->moderator));
    TRY(set_int(hdf, p, "Social.", "max_length", social_config_max_comment_length(t->dc)));
    TRY(set(hdf, p, "Social.", "user", v->user));
    TRY(set_int(hdf, p, "Social.", "likes", t->stats.likes));
    TRY(set_int(hdf, p, "Social.", "liked", t->stats.liked));
    TRY(set_int(hdf, p, "Social.", "shares", t->stats.shares));
    TRY(set(hdf, p, "Social.", "url", t->url));
    TRY(set(hdf, p, "Social.", "mailto", apr_pstrcat(p, "mailto:?subject=",
        social_text_percent_encode(p, "Worth a read on the intranet"), "&body=",
        social_text_percent_encode(p, t->url ? t->url : ""), NULL)));
    TRY(set(hdf, p, "Social.", "name", v->name));
    if (social_identity_can_write(v)) {
        TRY(set(hdf, p, "Social.", "token", social_identity_form_token(r, v)));
    }
    for (k = 0; k < t->items->nelts; k++) {
        const social_thread_item *it = &APR_ARRAY_IDX(t->items, k, social_thread_item);
        const social_thread_item *next = k + 1 < t->items->nelts
            ? &APR_ARRAY_IDX(t->items, k + 1, social_thread_item) : NULL;
        int next_depth = next ? next->depth : 1;
        const char *pre = apr_psprintf(p, "Comments.%d.", k);
        const social_comment *c = &it->c;

        TRY(set_int(hdf, p, pre, "id", c->id));
        TRY(set_int(hdf, p, pre, "depth", it->depth));
        TRY(set_int(hdf, p, pre, "opens", next_depth > it->depth));
        TRY(set_int(hdf, p, pre, "closes", it->depth > next_depth ? it->depth - next_depth : 0));
        TRY(set(hdf, p, pre, "status", social_comment_status_name(c->status)));
        TRY(set_int(hdf, p, pre, "tombstone", it->tombstone));
        TRY(set(hdf, p, pre, "created_iso", social_text_time_iso(p, c->created)));
        TRY(set(hdf, p, pre, "created_abs", time_absolute(p, c->created)));
        TRY(set(hdf, p, pre, "created_rel", time_relative(p, c->created, now)));
        if (c->edited) {
            TRY(set(hdf, p, pre, "edited_abs", time_absolute(p, c->edited)));
        }
        if (it->in_reply_to) {
            TRY(set(hdf, p, pre, "in_reply_to", it->in_reply_to));
        }
        if (c->anchor.exact) {
            TRY(set(hdf, p, pre, "anchor.exact", c->anchor.exact));
            TRY(set(hdf, p, pre, "anchor.prefix", c->anchor.prefix));
            TRY(set(hdf, p, pre, "anchor.suffix", c->anchor.suffix));
            TRY(set_int(hdf, p, pre, "anchor.position", c->anchor.position));
        }
        if (!it->tombstone) {
            TRY(set(hdf, p, pre, "user", c->author));
            TRY(set(hdf, p, pre, "name", c->author_name));
            TRY(set(hdf, p, pre, "body", c->body));
            TRY(set(hdf, p, pre, "html",
                    social_text_format_comment(p, c->body, strlen(c->body))));
            TRY(set_int(hdf, p, pre, "mine", is_author(v, c)));
            TRY(set_int(hdf, p, pre, "can_edit", it->can_edit));
            TRY(set_int(hdf, p, pre, "can_delete", it->can_delete));
            TRY(set_int(hdf, p, pre, "can_moderate", it->can_moderate));
            TRY(set_int(hdf, p, pre, "can_reply", it->can_reply));
            TRY(set_int(hdf, p, pre, "likes", c->likes));
            TRY(set_int(hdf, p, pre, "liked", c->liked));
        }
    }
#undef TRY
    return NULL;
}

char *social_thread_render(request_rec *r, const social_thread *t,
                           const char *status, apr_size_t *len,
                           const char **error)
{
    thread_fill_data d = { r, t, status };
    apr_size_t raw_len = 0;
    char *raw = social_render_template(r->pool,
                                       social_config_srv(r->server)->template_dir,
                                       "thread.cs", thread_fill, &d, &raw_len, error);
    char *out;

    if (raw == NULL) {
        return NULL;
    }
    out = social_text_ascii_refs(r->pool, raw, raw_len);
    *len = strlen(out);
    return out;
}
