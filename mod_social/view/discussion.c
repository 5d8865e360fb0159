/* discussion.c: a page's discussion as one viewer sees it: read from the
 * cache, or loaded from the store and arranged (core/tree.c), then rendered. */
#include "mention.h"
#include "discussion.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <httpd.h>

#include "fragcache.h"
#include "request.h"
#include "render.h"
#include "text.h"
#include "tree.h"

APLOG_USE_MODULE(social);

/* The rules' view of a comment and of a viewer (core/tree.h). */
static social_tree_status tree_status(social_comment_status status)
{
    switch (status) {
    case SOCIAL_COMMENT_VISIBLE:
        return SOCIAL_TREE_VISIBLE;
    case SOCIAL_COMMENT_HIDDEN:
        return SOCIAL_TREE_HIDDEN;
    case SOCIAL_COMMENT_PENDING:
        return SOCIAL_TREE_PENDING;
    default:
        return SOCIAL_TREE_DELETED;
    }
}

static void tree_comment(const social_comment *c, social_tree_comment *tc)
{
    tc->id = c->id;
    tc->parent = c->parent;
    tc->author = c->author;
    tc->status = tree_status(c->status);
    tc->created = c->created;
    tc->likes = c->likes;
}

static void tree_viewer(const social_identity *viewer, social_tree_viewer *tv)
{
    tv->user = viewer->user;
    tv->moderator = viewer->moderator;
    tv->can_write = social_identity_can_write(viewer);
}

static void item_can(social_thread_item *it, const social_tree_can *can)
{
    it->can_edit = can->edit;
    it->can_delete = can->delete_;
    it->can_moderate = can->moderate;
    it->can_reply = can->reply;
}

void social_thread_permissions(request_rec *r, const social_dir_conf *dc,
                               const social_identity *viewer,
                               social_thread_item *it)
{
    social_tree_comment tc;
    social_tree_viewer tv;
    social_tree_can can;

    tree_comment(&it->c, &tc);
    tree_viewer(viewer, &tv);
    social_tree_permissions(&tv, &tc, apr_time_now(),
                            apr_time_from_sec(social_config_edit_window(dc)), 0, &can);
    item_can(it, &can);
    it->mine = social_tree_is_author(&tv, &tc);
    (void)r;
}

/* An empty discussion of page for viewer. */
static void thread_init(request_rec *r, const social_dir_conf *dc,
                        const social_identity *viewer, const char *page,
                        social_thread *t)
{
    memset(t, 0, sizeof(*t));
    t->page = page;
    t->dc = dc;
    t->viewer = viewer;
    t->items = apr_array_make(r->pool, 16, sizeof(social_thread_item));
    t->url = social_identity_can_read(viewer)
        ? social_config_absolute_url(r->pool, r->server, page) : NULL;
}

/* Arranges the comments read for t (core/tree.c): each thread keeps its
 * newest reply_limit replies older than reply_before (0: any), and, with
 * cap > 0, the newest threads whose comments fit in cap (at least one);
 * the older threads are counted in t->earlier. */
static void thread_arrange(request_rec *r, social_thread *t, apr_array_header_t *comments,
                           int reply_limit, apr_int64_t reply_before, int cap)
{
    social_tree_comment *tcs = apr_pcalloc(r->pool, sizeof(*tcs) * ((apr_size_t)comments->nelts + 1));
    social_tree_viewer tv;
    social_tree_rules rules;
    social_tree tree;
    int k;

    for (k = 0; k < comments->nelts; k++) {
        tree_comment(&APR_ARRAY_IDX(comments, k, social_comment), &tcs[k]);
    }
    tree_viewer(t->viewer, &tv);
    memset(&rules, 0, sizeof(rules));
    rules.viewer = &tv;
    rules.reply_limit = reply_limit;
    rules.reply_before = reply_before;
    rules.cap = cap;
    rules.locked = t->stats.locked;
    rules.now = apr_time_now();
    rules.edit_window = apr_time_from_sec(social_config_edit_window(t->dc));
    social_tree_arrange(r->pool, tcs, comments->nelts, &rules, &tree);
    social_tree_sort(r->pool, tcs, t->order, &tree);

    t->earlier += tree.earlier;
    t->oldest = tree.oldest;
    for (k = 0; k < tree.places->nelts; k++) {
        const social_tree_place *pl = &APR_ARRAY_IDX(tree.places, k, social_tree_place);
        social_thread_item *it = apr_array_push(t->items);

        memset(it, 0, sizeof(*it));
        it->c = APR_ARRAY_IDX(comments, pl->index, social_comment);
        it->depth = pl->depth;
        it->in_reply_to = pl->in_reply_to >= 0
            ? APR_ARRAY_IDX(comments, pl->in_reply_to, social_comment).author_name : NULL;
        it->replies_omitted = pl->replies_omitted;
        it->replies_before = pl->replies_before;
        it->tombstone = pl->tombstone;
        if (it->tombstone) {
            it->c.body = "";
            it->c.author = "";
            it->c.author_name = "";
        }
        else {
            item_can(it, &pl->can);
            it->mine = social_tree_is_author(&tv, &tcs[pl->index]);
        }
    }
}

void social_thread_load(request_rec *r, const social_dir_conf *dc,
                        const social_identity *viewer, const char *page,
                        int max_roots, apr_int64_t before, social_tree_order order,
                        social_thread *t)
{
    apr_array_header_t *comments;

    thread_init(r, dc, viewer, page, t);
    t->all = max_roots <= 0;
    t->order = order;
    if (!social_identity_can_read(viewer)) {
        return;
    }
    /* The most liked threads are their own window (and have no "older"). */
    if (social_store_comments_list(r, page, viewer->user, max_roots,
                                   order == SOCIAL_TREE_MOST_LIKED ? 0 : before,
                                   order == SOCIAL_TREE_MOST_LIKED,
                                   &comments, &t->stats) != SOCIAL_STORE_OK) {
        t->unavailable = 1;
        return;
    }
    /* The store read only the window of threads asked for; it counted
     * the rest. */
    t->count = t->stats.comments;
    t->earlier = t->stats.earlier;
    thread_arrange(r, t, comments, SOCIAL_THREAD_REPLIES_SHOWN, 0, SOCIAL_THREAD_COMMENTS_MAX);
}

void social_thread_load_replies(request_rec *r, const social_dir_conf *dc,
                                const social_identity *viewer, const char *page,
                                apr_int64_t root, apr_int64_t before, social_thread *t)
{
    apr_array_header_t *comments;

    thread_init(r, dc, viewer, page, t);
    t->thread = root;
    if (!social_identity_can_read(viewer) || root <= 0 || root == APR_INT64_MAX) {
        return;
    }
    /* The newest thread whose top-level comment is older than root + 1:
     * root's own, if root is a top-level comment of this page. */
    if (social_store_comments_list(r, page, viewer->user, 1, root + 1, 0,
                                   &comments, &t->stats) != SOCIAL_STORE_OK) {
        t->unavailable = 1;
        return;
    }
    t->count = t->stats.comments;
    if (comments->nelts == 0 || APR_ARRAY_IDX(comments, 0, social_comment).id != root
        || APR_ARRAY_IDX(comments, 0, social_comment).parent != 0) {
        return;
    }
    thread_arrange(r, t, comments, SOCIAL_THREAD_REPLIES_PAGE, before, 0);
    t->found = t->items->nelts > 0;
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
    json_object_set_new(o, "position",
        c->position.kind == SOCIAL_POSITION_TIME
            ? json_pack("{s:I}", "t", (json_int_t)c->position.value)
        : c->position.kind == SOCIAL_POSITION_PAGE
            ? json_pack("{s:I}", "page", (json_int_t)c->position.value)
        : json_null());
    if (it->replies_omitted > 0) {
        /* A long thread: its older replies are fetched with
         * comments?page=PAGE&thread=ID&before=replies_before. */
        json_object_set_new(o, "replies_omitted", json_integer(it->replies_omitted));
        json_object_set_new(o, "replies_before", json_integer(it->replies_before));
    }
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
    const char *token;      /* the viewer's form token, or a stand-in */
    const char *name;       /* the viewer's display name, or a stand-in */
    const char *unread_word;   /* a stand-in for the unread count, or NULL */
    int unread;             /* the viewer's unread count; -1: not read yet */
    const char *variant_word;  /* the cache's: every personal variant, grouped */
} thread_fill_data;

/* Nonzero if the viewer follows root (0: the page) in t. */
static int thread_follows(const social_thread *t, apr_int64_t root)
{
    int k;

    for (k = 0; t->follows != NULL && k < t->follows->nelts; k++) {
        if (APR_ARRAY_IDX(t->follows, k, apr_int64_t) == root) {
            return 1;
        }
    }
    return 0;
}

/* The discussion's relative times in the request's language. */
static const char *time_say(void *ctx, social_time_style style, const char *unit,
                            apr_int64_t n)
{
    request_rec *r = ctx;

    if (style != SOCIAL_TIME_LONG) {
        return NULL;
    }
    return social_i18n_format(r->pool, social_request_lang(r),
                              apr_pstrcat(r->pool, "block.time_", unit, NULL), n, NULL);
}

static void thread_fill(social_render_data *data, void *ctx)
{
    thread_fill_data *d = ctx;
    request_rec *r = d->r;
    const social_thread *t = d->t;
    const social_identity *v = t->viewer;
    apr_pool_t *p = r->pool;
    apr_time_t now = apr_time_now();
    social_render_data *s = social_render_child(data, "Social");
    const social_tz *zone = social_config_time_zone(t->dc);
    int k;

    social_render_set(s, "endpoint", social_config_srv(r->server)->endpoint);
    social_render_set(s, "page", t->page);
    social_render_set(s, "page_q", social_text_percent_encode(p, t->page));
    social_render_set(s, "status", social_request_notice_say(r, d->status));
    social_render_set_int(s, "count", t->count);
    social_render_set_int(s, "earlier", t->earlier);
    social_render_set(s, "order", social_tree_order_name(t->order));
    social_render_set_int(s, "following", thread_follows(t, 0));
    if (t->all && t->earlier > 0 && t->oldest > 0 && t->order != SOCIAL_TREE_MOST_LIKED) {
        /* The "earlier" view itself was bounded: its link goes on from
         * the oldest thread it shows. */
        social_render_set_int(s, "earlier_before", t->oldest);
    }
    social_render_set_int(s, "thread", t->thread);
    /* A document's new comments may name a time or a page of it (the
     * same for every viewer of the file, so the cache holds it too). */
    switch (social_document_position_kind(social_request_page_kind(r, t->page, NULL))) {
    case SOCIAL_POSITION_TIME: social_render_set(s, "position", "time"); break;
    case SOCIAL_POSITION_PAGE: social_render_set(s, "position", "page"); break;
    default: break;
    }
    social_render_set_int(s, "unavailable", t->unavailable);
    social_render_set_int(s, "can_read", social_identity_can_read(v));
    social_render_set_int(s, "can_comment", social_identity_can_write(v));
    social_render_set_int(s, "banned", v->banned);
    if (v->banned_until > 0) {
        social_render_set(s, "banned_until", social_text_time_abs(p, v->banned_until, zone));
    }
    social_render_set_int(s, "moderator", v->moderator);
    social_render_set_int(s, "locked", t->stats.locked);
    social_render_set_int(s, "max_length", social_config_max_comment_length(t->dc));
    social_render_set(s, "user", v->user);
    social_render_set_int(s, "likes", t->stats.likes);
    social_render_set_int(s, "liked", t->stats.liked);
    social_render_set_int(s, "shares", t->stats.shares);
    social_render_set(s, "url", t->url);
    social_render_set(s, "mailto", apr_pstrcat(p, "mailto:?subject=",
        social_text_percent_encode(p, SOCIAL_MSG(r, "block.mail_subject")), "&body=",
        social_text_percent_encode(p, t->url ? t->url : ""), NULL));
    social_render_set(s, "name", d->name);
    if (d->unread_word != NULL) {
        social_render_set(s, "unread_word", d->unread_word);
    }
    else if (d->unread >= 0) {
        /* "for you": the viewer's unread notifications, read beforehand */
        social_render_set_int(s, "unread", d->unread);
    }
    if (social_identity_can_write(v)) {
        social_render_set(s, "token", d->token);
    }
    if (d->variant_word != NULL) {
        social_render_set(s, "variant", d->variant_word);
    }
    for (k = 0; k < t->items->nelts; k++) {
        const social_thread_item *it = &APR_ARRAY_IDX(t->items, k, social_thread_item);
        const social_thread_item *next = k + 1 < t->items->nelts
            ? &APR_ARRAY_IDX(t->items, k + 1, social_thread_item) : NULL;
        int next_depth = next ? next->depth : 1;
        social_render_data *c_data = social_render_child(data, "Comments.%d", k);
        const social_comment *c = &it->c;

        social_render_set_int(c_data, "id", c->id);
        social_render_set_int(c_data, "depth", it->depth);
        social_render_set_int(c_data, "opens", next_depth > it->depth);
        social_render_set_int(c_data, "closes",
                              it->depth > next_depth ? it->depth - next_depth : 0);
        social_render_set(c_data, "status", social_comment_status_name(c->status));
        social_render_set_int(c_data, "tombstone", it->tombstone);
        if (it->replies_omitted > 0) {
            social_render_set_int(c_data, "more", it->replies_omitted);
            social_render_set_int(c_data, "more_before", it->replies_before);
        }
        social_render_set(c_data, "created_iso", social_text_time_iso(p, c->created));
        social_render_set(c_data, "created_abs", social_text_time_abs(p, c->created, zone));
        social_render_set(c_data, "created_rel", social_text_time_relative_say(
            p, c->created, now, SOCIAL_TIME_LONG, time_say, r));
        if (c->edited) {
            social_render_set(c_data, "edited_abs", social_text_time_abs(p, c->edited, zone));
        }
        if (it->in_reply_to) {
            social_render_set(c_data, "in_reply_to", it->in_reply_to);
        }
        if (c->anchor.exact) {
            social_render_set(c_data, "anchor.exact", c->anchor.exact);
            social_render_set(c_data, "anchor.prefix", c->anchor.prefix);
            social_render_set(c_data, "anchor.suffix", c->anchor.suffix);
            social_render_set_int(c_data, "anchor.position", c->anchor.position);
        }
        if (c->position.kind != SOCIAL_POSITION_NONE) {
            social_render_set(c_data, "position.href", apr_pstrcat(p, t->page, "#",
                              social_position_fragment(p, &c->position), NULL));
            social_render_set(c_data, "position.label", social_position_label(p, &c->position));
        }
        if (!it->tombstone) {
            social_render_set(c_data, "user", c->author);
            social_render_set(c_data, "name", c->author_name);
            social_render_set(c_data, "body", c->body);
            social_render_set(c_data, "html", social_mention_link_html(p,
                    social_text_format_comment(p, c->body, strlen(c->body)),
                    apr_pstrcat(p, social_config_srv(r->server)->endpoint, "/activity", NULL)));
            social_render_set_int(c_data, "mine", it->mine);
            social_render_set_int(c_data, "can_edit", it->can_edit);
            social_render_set_int(c_data, "can_delete", it->can_delete);
            social_render_set_int(c_data, "can_moderate", it->can_moderate);
            social_render_set_int(c_data, "can_reply", it->can_reply);
            social_render_set_int(c_data, "likes", c->likes);
            social_render_set_int(c_data, "liked", c->liked);
            if (it->depth == 1 && c->parent == 0) {
                social_render_set_int(c_data, "top", 1);
                social_render_set_int(c_data, "followed", thread_follows(t, c->id));
            }
        }
    }
}

/* The rendered discussion (templates/thread.cs), pure ASCII, with the
 * given words for the viewer's token and name and, if unread_word is not
 * NULL, a stand-in for the unread count; otherwise unread is the
 * viewer's count (-1: read it). NULL with *error set. */
static char *thread_render_words(request_rec *r, const social_thread *t,
                                 const char *status, const char *token,
                                 const char *name, const char *unread_word, int unread,
                                 const char *variant_word,
                                 apr_size_t *len, const char **error)
{
    thread_fill_data d = { r, t, status, token, name, unread_word, unread, variant_word };
    apr_size_t raw_len = 0;
    char *raw = social_render_template_lang(r->pool,
                                            social_config_srv(r->server)->template_dir,
                                            "thread.cs", social_request_lang(r),
                                            thread_fill, &d, &raw_len, error);
    char *out;

    if (raw == NULL) {
        return NULL;
    }
    out = social_text_ascii_refs(r->pool, raw, raw_len);
    *len = strlen(out);
    return out;
}

/* The discussion as its viewer sees it, with unread their unread count
 * (-1: left out), read beforehand. status, if not NULL, is a message for
 * screen readers. Touches neither the store nor the cache. */
static char *thread_render(request_rec *r, const social_thread *t,
                           const char *status, int unread,
                           apr_size_t *len, const char **error)
{
    const social_identity *v = t->viewer;
    const char *token = social_identity_can_write(v)
        ? social_identity_form_token(r, v) : NULL;

    if (v->user == NULL || t->unavailable) {
        unread = -1;
    }
    return thread_render_words(r, t, status, token, v->name, NULL, unread, NULL, len, error);
}

/* "For you" shows a logged-in viewer's unread count: read from the store
 * when the view has loaded (-1 when it cannot be, or for nobody). */
static int thread_unread(request_rec *r, const social_thread *t)
{
    int unread = -1;

    if (t->viewer->user == NULL || t->unavailable
        || social_request_unread(r, t->viewer->user, &unread) != SOCIAL_STORE_OK) {
        return -1;
    }
    return unread;
}

/* ---- The cached discussion ----
 *
 * A reader who is no moderator sees the same discussion as every reader
 * with the same rights (logged in or not, may comment or not), but for
 * their form token, their name, their unread count ("for you") and, if
 * they have a part of their own in the page, what they liked and wrote.
 * The discussion is rendered once with a random stand-in for each of the
 * three words and a fourth that marks every variant of what differs for
 * a reader with a part of their own (no comment can contain them: they
 * are drawn after the comments were read); it is kept as
 * "4\nTOKEN\nNAME\nUNREAD\nVARIANT\nPLACES\nHTML", PLACES being where in
 * HTML the stand-ins stand ("OFFSET.WHICH ...", found once, when it is
 * kept). Each view copies the HTML with the viewer's own words in those
 * places and, of each group "VARIANT ID.KIND. v0 VARIANT v1 VARIANT",
 * the variant that is theirs (thread.cs): no search, no render. A long
 * discussion is kept without variants (VARIANT is "-"); readers with a
 * part of their own are then rendered for. */

#define PERSONAL_WORDS 4
#define WORD_VARIANT 3

#define STAND_IN_BYTES 12

static const char *stand_in(apr_pool_t *p)
{
    unsigned char raw[STAND_IN_BYTES];
    char *word = apr_palloc(p, 2 * STAND_IN_BYTES + 8);
    static const char digits[] = "0123456789abcdef";
    int k;

    if (apr_generate_random_bytes(raw, sizeof(raw)) != APR_SUCCESS) {
        return NULL;
    }
    memcpy(word, "social-", 7);
    for (k = 0; k < STAND_IN_BYTES; k++) {
        word[7 + 2 * k] = digits[raw[k] >> 4];
        word[7 + 2 * k + 1] = digits[raw[k] & 15];
    }
    word[7 + 2 * STAND_IN_BYTES] = '\0';
    return word;
}

/* The viewer's "(N unread)" after "For you", as thread.cs writes it. */
static const char *unread_html(request_rec *r, int unread)
{
    const char *words;

    if (unread <= 0) {
        return "";
    }
    words = social_i18n_format(r->pool, social_request_lang(r), "block.unread", unread, NULL);
    return apr_psprintf(r->pool, " <span class=\"social-unread\" data-social-unread=\"%d\">"
                        "%s</span>", unread,
                        social_text_html_escape(r->pool, words, strlen(words)));
}

/* What a reader with a part of their own in the page has there: their
 * like of the page, the comments they liked and the visible comments they
 * wrote (a reader with none has none of it: NULL). */
typedef struct {
    int page_liked;
    apr_hash_t *liked;      /* apr_int64_t id -> non-NULL */
    apr_hash_t *own;
} viewer_part;

static int part_has(apr_hash_t *ids, apr_int64_t id)
{
    return ids != NULL && apr_hash_get(ids, &id, sizeof(id)) != NULL;
}

/* Which variant of a group the reader gets, in the order thread.cs
 * writes them; -1 for a kind not known here. */
static int variant_of(const viewer_part *part, apr_int64_t id, char kind)
{
    switch (kind) {
    case 'p':
        return part != NULL && part->page_liked;
    case 'l':
        return part != NULL && part_has(part->liked, id);
    case 'm':
    case 'r':
    case 'o':
        return part != NULL && part_has(part->own, id);
    default:
        return -1;
    }
}

/* Every group holds two variants: for a reader without, and with, the part. */
#define GROUP_VARIANTS 2

/* The places of the stand-ins words[] in html, as the entry keeps them
 * ("OFFSET.WHICH ..."): one walk, when the entry is made. */
static const char *places_find(apr_pool_t *p, const char *html, const char *const *words)
{
    const char *found[PERSONAL_WORDS], *at = html;
    apr_size_t word_len = strlen(words[0]);
    apr_array_header_t *out = apr_array_make(p, 32, sizeof(const char *));
    int k;

    for (k = 0; k < PERSONAL_WORDS; k++) {
        found[k] = strstr(html, words[k]);
    }
    for (;;) {
        const char *next = NULL;
        int which = 0;

        for (k = 0; k < PERSONAL_WORDS; k++) {
            if (found[k] != NULL && (next == NULL || found[k] < next)) {
                next = found[k];
                which = k;
            }
        }
        if (next == NULL) {
            break;
        }
        APR_ARRAY_PUSH(out, const char *) = apr_psprintf(p, "%" APR_SIZE_T_FMT ".%d",
                                                         (apr_size_t)(next - html), which);
        at = next + word_len;
        found[which] = strstr(at, words[which]);
    }
    return apr_array_pstrcat(p, out, ' ');
}

typedef struct {
    apr_size_t offset;
    int which;
} word_place;

/* The decimal number at s (digits only, at most 18 of them) in *v; the
 * byte after it, or s itself if there is none. What strtol does, without
 * its locale and sign: these numbers were written by this file. */
static const char *decimal(const char *s, const char *end, apr_int64_t *v)
{
    const char *at = s;
    apr_int64_t n = 0;

    while (at < end && at - s < 18 && *at >= '0' && *at <= '9') {
        n = n * 10 + (*at - '0');
        at++;
    }
    *v = n;
    return at;
}

/* The places line [at, end) read, each checked: in order, inside the
 * HTML, holding its word. NULL if any is not. */
static apr_array_header_t *places_read(apr_pool_t *p, const char *at, const char *end,
                                       const char *html, apr_size_t html_len,
                                       const char *const *words, apr_size_t word_len)
{
    apr_array_header_t *places = apr_array_make(p, 64, sizeof(word_place));
    apr_size_t after = 0;

    while (at < end) {
        apr_int64_t offset;
        const char *next = decimal(at, end, &offset);
        int which;
        word_place *wp;

        if (next == at || next + 1 >= end || *next != '.'
            || next[1] < '0' || next[1] >= '0' + PERSONAL_WORDS) {
            return NULL;
        }
        which = next[1] - '0';
        if (offset < 0 || (apr_size_t)offset < after
            || (apr_size_t)offset + word_len > html_len
            || memcmp(html + offset, words[which], word_len) != 0) {
            return NULL;
        }
        wp = apr_array_push(places);
        wp->offset = (apr_size_t)offset;
        wp->which = which;
        after = wp->offset + word_len;
        at = next + 2;
        if (at < end && *at == ' ') {
            at++;
        }
    }
    return places;
}

/* The view is made of segments: bytes of the entry, or a word of the
 * viewer's (word >= 0). */
typedef struct {
    const char *base;
    apr_size_t len;
    int word;
} segment;

static void text_add(apr_array_header_t *plan, const char *base, apr_size_t len)
{
    segment *v;

    if (len > 0) {
        v = apr_array_push(plan);
        v->base = base;
        v->len = len;
        v->word = -1;
    }
}

static void word_add(apr_array_header_t *plan, int which)
{
    segment *v = apr_array_push(plan);

    v->base = NULL;
    v->len = 0;
    v->word = which;
}

/* A cache entry read: its HTML and the places of its stand-ins. */
typedef struct {
    const char *html;
    apr_size_t html_len;
    apr_size_t word_len;
    int variants;                /* holds the variants of readers with a part */
    int n;                       /* places */
    const word_place *places;
} entry_read;

/* Reads entry into *e (the places in p); 0 if it is malformed. */
static int entry_parse(apr_pool_t *p, const char *entry, apr_size_t entry_len, entry_read *e)
{
    const char *words[PERSONAL_WORDS];
    const char *at = entry, *end = entry + entry_len, *nl;
    apr_array_header_t *places;
    int k;

    if (entry_len < 2 || memcmp(entry, "4\n", 2) != 0) {
        return 0;
    }
    at += 2;
    e->word_len = 0;
    e->variants = 1;
    for (k = 0; k < PERSONAL_WORDS; k++) {
        nl = memchr(at, '\n', (apr_size_t)(end - at));
        if (nl == NULL || nl == at) {
            return 0;
        }
        if (k == WORD_VARIANT && nl == at + 1 && *at == '-') {
            /* kept without variants: only for readers with no part */
            e->variants = 0;
            words[k] = apr_pstrdup(p, words[0]);   /* never among the places */
        }
        else if (k > 0 && (apr_size_t)(nl - at) != e->word_len) {
            return 0;
        }
        else {
            e->word_len = (apr_size_t)(nl - at);
            words[k] = apr_pstrmemdup(p, at, e->word_len);
        }
        at = nl + 1;
    }
    if ((nl = memchr(at, '\n', (apr_size_t)(end - at))) == NULL) {
        return 0;
    }
    e->html = nl + 1;
    e->html_len = (apr_size_t)(end - e->html);
    places = places_read(p, at, nl, e->html, e->html_len, words, e->word_len);
    if (places == NULL) {
        return 0;
    }
    e->n = places->nelts;
    e->places = (const word_place *)places->elts;
    return 1;
}

/* The segments of a read entry as a reader with part sees it (part
 * NULL: a reader with no part of their own): of every group the variant
 * that is theirs, every stand-in a word of theirs; NULL if the entry is
 * malformed. The segments point into the entry. */
static apr_array_header_t *plan_make(apr_pool_t *p, const viewer_part *part,
                                     const entry_read *e)
{
    const char *html = e->html, *end = e->html + e->html_len;
    apr_size_t word_len = e->word_len, copied = 0;
    apr_array_header_t *plan;
    const word_place *pl;
    int k, j;

    if (part != NULL && !e->variants) {
        return NULL;
    }
    plan = apr_array_make(p, e->n * 2 + 2, sizeof(segment));
    for (k = 0; k < e->n; k++) {
        const word_place *sep[GROUP_VARIANTS];
        apr_int64_t id;
        apr_size_t keep_from, keep_to;
        const char *h, *next;
        int n, m, choice, last = k;

        pl = &e->places[k];
        if (pl->which != WORD_VARIANT) {
            text_add(plan, html + copied, pl->offset - copied);
            word_add(plan, pl->which);
            copied = pl->offset + word_len;
            continue;
        }
        /* A group: "ID.KIND." then its variants, each ended by the
         * variant word; of its places, those in the variant kept are
         * the viewer's words too. */
        h = html + pl->offset + word_len;
        next = decimal(h, end, &id);
        if (next == h || next + 3 > end || *next != '.' || next[2] != '.'
            || (choice = variant_of(part, id, next[1])) < 0) {
            return NULL;
        }
        next += 2;
        n = GROUP_VARIANTS;
        for (m = 0, j = k + 1; m < n && j < e->n; j++) {
            if (e->places[j].which == WORD_VARIANT) {
                sep[m++] = &e->places[j];
                last = j;
            }
        }
        if (m < n || (apr_size_t)(next + 1 - html) > sep[0]->offset) {
            return NULL;
        }
        keep_from = choice == 0 ? (apr_size_t)(next + 1 - html)
                                : sep[choice - 1]->offset + word_len;
        keep_to = sep[choice]->offset;
        text_add(plan, html + copied, pl->offset - copied);
        copied = keep_from;
        for (j = k + 1; j < last; j++) {
            const word_place *q = &e->places[j];
            if (q->which != WORD_VARIANT && q->offset >= keep_from && q->offset < keep_to) {
                text_add(plan, html + copied, q->offset - copied);
                word_add(plan, q->which);
                copied = q->offset + word_len;
            }
        }
        text_add(plan, html + copied, keep_to - copied);
        copied = sep[n - 1]->offset + word_len;
        k = last;
    }
    text_add(plan, html + copied, e->html_len - copied);
    return plan;
}

/* The view of who from the n segments of a plan: the entry's bytes, and
 * in place of every stand-in the viewer's own word (the name escaped as
 * the template would have). */
static char *plan_fill(request_rec *r, const social_identity *who, int unread,
                       const segment *seg, int n, apr_size_t *len)
{
    const char *own[PERSONAL_WORDS];
    const char *name = who->name ? who->name : "";
    apr_size_t own_len[PERSONAL_WORDS], total = 0;
    char *out, *o;
    int k;

    own[0] = social_identity_can_write(who) ? social_identity_form_token(r, who) : "";
    name = social_text_html_escape(r->pool, name, strlen(name));
    own[1] = social_text_ascii_refs(r->pool, name, strlen(name));
    own[2] = unread_html(r, unread);
    own[WORD_VARIANT] = "";
    for (k = 0; k < PERSONAL_WORDS; k++) {
        own_len[k] = strlen(own[k]);
    }
    for (k = 0; k < n; k++) {
        total += seg[k].word < 0 ? seg[k].len : own_len[seg[k].word];
    }
    out = o = apr_palloc(r->pool, total + 1);
    for (k = 0; k < n; k++) {
        if (seg[k].word < 0) {
            memcpy(o, seg[k].base, seg[k].len);
            o += seg[k].len;
        }
        else {
            memcpy(o, own[seg[k].word], own_len[seg[k].word]);
            o += own_len[seg[k].word];
        }
    }
    *o = '\0';
    *len = total;
    return out;
}

/* What the process keeps with its copy of an entry, made once by its
 * first view, in malloc'd memory, freed with the entry: the entry read,
 * and the plan of readers with no part of their own (the most common
 * view). */
typedef struct {
    entry_read read;
    int n;                       /* segments of the plan */
    segment *seg;
} kept_plan;

static kept_plan *kept_plan_of(request_rec *r, social_fragcache_kept *kept,
                               const char *entry, apr_size_t entry_len)
{
    kept_plan *kp = social_fragcache_kept_note(kept);
    apr_array_header_t *plan;
    entry_read e;
    apr_size_t places_size, seg_size;

    if (kp != NULL) {
        return kp;
    }
    if (!entry_parse(r->pool, entry, entry_len, &e)
        || (plan = plan_make(r->pool, NULL, &e)) == NULL) {
        return NULL;
    }
    places_size = (apr_size_t)e.n * sizeof(word_place);
    seg_size = (apr_size_t)plan->nelts * sizeof(segment);
    /* one block: the note, the plan's segments, then the places */
    if ((kp = malloc(sizeof(*kp) + seg_size + places_size)) == NULL) {
        return NULL;
    }
    kp->read = e;
    kp->n = plan->nelts;
    kp->seg = (segment *)(kp + 1);
    memcpy(kp->seg, plan->elts, seg_size);
    memcpy((char *)(kp + 1) + seg_size, e.places, places_size);
    kp->read.places = (const word_place *)((char *)(kp + 1) + seg_size);
    return social_fragcache_kept_note_set(kept, kp, free);
}

/* The entry read: as the process keeps it with its copy (kept), or read
 * now into r's pool (kept NULL: the shared cache's answer alone, or an
 * entry just made); NULL if it is malformed. */
static const entry_read *entry_of(request_rec *r, social_fragcache_kept *kept,
                                  const char *entry, apr_size_t entry_len)
{
    const kept_plan *kp;
    entry_read *e;

    if (kept != NULL && (kp = kept_plan_of(r, kept, entry, entry_len)) != NULL) {
        return &kp->read;
    }
    e = apr_palloc(r->pool, sizeof(*e));
    return entry_parse(r->pool, entry, entry_len, e) ? e : NULL;
}

/* The view of who (with their part, or NULL) from a read entry; NULL if
 * it holds no variants for a part, or is malformed. */
static char *view_of(request_rec *r, const social_identity *who, int unread,
                     const viewer_part *part, const entry_read *e, apr_size_t *len)
{
    apr_array_header_t *plan = plan_make(r->pool, part, e);

    return plan != NULL ? plan_fill(r, who, unread, (const segment *)plan->elts,
                                    plan->nelts, len)
                        : NULL;
}

/* The view of who from an entry: for a reader without a part of their
 * own, the plan kept with the process's copy; NULL if malformed. */
static char *kept_view(request_rec *r, const social_identity *who, int unread,
                       const viewer_part *part, social_fragcache_kept *kept,
                       const char *entry, apr_size_t entry_len, apr_size_t *len)
{
    const kept_plan *kp;
    const entry_read *e;

    if (part == NULL && kept != NULL && (kp = kept_plan_of(r, kept, entry, entry_len)) != NULL) {
        return plan_fill(r, who, unread, kp->seg, kp->n, len);
    }
    e = entry_of(r, kept, entry, entry_len);
    return e != NULL ? view_of(r, who, unread, part, e, len) : NULL;
}

/* The cache key of the discussion of page at version as an uninvolved
 * reader like who sees it. */
static const char *cache_key(request_rec *r, const social_dir_conf *dc,
                             const social_identity *who, const char *page,
                             const char *version)
{
    /* one entry per language (its words are in the template) and per
     * time zone (its absolute times) */
    return apr_psprintf(r->pool, "b\n%s\n%s\n%s\n%c%c%d\n%s %s", social_fragcache_vhost(r), page,
                        version, who->user ? 'u' : 'a',
                        social_identity_can_write(who) ? 'w' : 'r',
                        social_config_max_comment_length(dc),
                        social_i18n_tag(social_request_lang(r)),
                        social_tz_name(social_config_time_zone(dc)));
}

/* The discussion for who (their part in the page, or NULL; unread their
 * unread count, 0 if anonymous) from the cache entry under key, or NULL
 * when there is none (or it is malformed). */
static char *cache_get(request_rec *r, const char *key, const social_identity *who,
                       const viewer_part *part, int unread, apr_size_t *len)
{
    apr_size_t entry_len = 0;
    social_fragcache_kept *kept = NULL;
    const char *entry = social_fragcache_get_kept(r, key, &entry_len, &kept);

    return entry != NULL ? kept_view(r, who, unread, part, kept, entry, entry_len, len) : NULL;
}

/* A discussion showing more comments than this is kept without the
 * variants of readers with a part of their own (they are then rendered
 * for): every variant makes the entry, and every view's copy, longer. */
#define VARIANT_COMMENTS_MAX 60

/* The loaded discussion t (read as a reader with no part of their own)
 * rendered with stand-ins and, for logged-in readers, every variant; kept
 * in the cache under key, then personalised for who (with their part, or
 * NULL); NULL if it cannot be (then the caller renders it for who alone). */
static char *cache_render_put(request_rec *r, const char *key, const social_thread *t,
                              const social_identity *who, const viewer_part *part,
                              int unread, apr_size_t *len, const char **error)
{
    const char *entry, *words[PERSONAL_WORDS];
    apr_size_t entry_len, html_len = 0;
    char *html;
    int k, variants = who->user != NULL && t->items->nelts <= VARIANT_COMMENTS_MAX;

    for (k = 0; k < PERSONAL_WORDS; k++) {
        if ((words[k] = stand_in(r->pool)) == NULL) {
            return NULL;
        }
    }
    html = thread_render_words(r, t, NULL, words[0], words[1],
                               who->user ? words[2] : NULL, -1,
                               variants ? words[WORD_VARIANT] : NULL, &html_len, error);
    if (html == NULL) {
        return NULL;
    }
    entry = apr_pstrcat(r->pool, "4\n", words[0], "\n", words[1], "\n", words[2], "\n",
                        variants ? words[WORD_VARIANT] : "-", "\n",
                        places_find(r->pool, html, words), "\n", html, NULL);
    entry_len = strlen(entry);
    social_fragcache_put(r, key, entry, entry_len);
    return kept_view(r, who, unread, part, NULL, entry, entry_len, len);
}

/* A viewer's state is "INVOLVED UNREAD BANNED ORDER FOLLOWS": five small numbers. */
#define VIEWER_STATE_MAX 48

/* The five numbers of a kept state (as viewer_state writes them, each
 * after one space but the first) in v; 1 if all five are there. */
static int state_read(const char *kept, apr_int64_t v[5])
{
    const char *at = kept;
    char *end;
    int k;

    for (k = 0; k < 5; k++) {
        if (k > 0 && *at++ != ' ') {
            return 0;
        }
        if (*at != '-' && !apr_isdigit(*at)) {
            return 0;
        }
        v[k] = apr_strtoi64(at, &end, 10);
        if (end == at || (k != 2 && (v[k] < INT_MIN || v[k] > INT_MAX))) {
            return 0;
        }
        at = end;
    }
    return *at == '\0';
}

/* What the page view needs of a logged-in viewer (involved, unread,
 * banned: see social_store_viewer_state). With
 * the page's cache version, it is kept in the cache under that version and
 * the notification epoch: any write that could change it starts a new
 * version or epoch. */
static social_store_status viewer_state(request_rec *r, const char *page,
                                        const char *version,
                                        const social_identity *who,
                                        int *involved, int *unread,
                                        apr_int64_t *banned, int *order, int *follows)
{
    const char *epoch, *key = NULL, *kept;
    apr_size_t kept_len = 0;
    apr_int64_t v[5];
    social_store_status st;

    if (version != NULL && (epoch = social_fragcache_epoch(r)) != NULL) {
        key = apr_pstrcat(r->pool, "s\n", social_fragcache_vhost(r), "\n", page, "\n",
                          version, "\n", epoch, "\n", who->user, NULL);
        kept = social_fragcache_get(r, key, VIEWER_STATE_MAX, &kept_len);
        if (kept != NULL && state_read(kept, v)) {
            *involved = (int)v[0];
            *unread = (int)v[1];
            *banned = v[2];
            *order = (int)v[3];
            *follows = (int)v[4];
            return SOCIAL_STORE_OK;
        }
    }
    st = social_store_viewer_state(r, page, who->user, involved, unread, banned, order,
                                   follows);
    if (st == SOCIAL_STORE_OK && *unread > 0) {
        /* Only notifications of pages the viewer may read count. */
        st = social_request_unread(r, who->user, unread);
    }
    if (st == SOCIAL_STORE_OK && key != NULL) {
        const char *value = apr_psprintf(r->pool, "%d %d %" APR_INT64_T_FMT " %d %d",
                                         *involved, *unread, *banned, *order, *follows);
        social_fragcache_put(r, key, value, strlen(value));
    }
    return st;
}

/* A reader's part in a page is kept for at most this many marks; a
 * reader with more is rendered for. */
#define VIEWER_PART_MAX 200

/* The part in page of a reader who has one (their likes and comments),
 * from the cache under the page's version or from the store, in *part.
 * 0 when the cached discussion cannot show it: a comment of theirs others
 * do not see, or one they may still edit (the edit form holds its text),
 * more than VIEWER_PART_MAX marks, the store failing. Then the
 * discussion is rendered for them. */
static int viewer_part_get(request_rec *r, const social_dir_conf *dc, const char *page,
                           const char *version, const social_identity *who,
                           viewer_part **part)
{
    const char *key = apr_pstrcat(r->pool, "o\n", social_fragcache_vhost(r), "\n", page,
                                  "\n", version, "\n", who->user, NULL);
    const char *kept, *at, *end;
    apr_size_t kept_len = 0;
    apr_array_header_t *marks = NULL, *words;
    viewer_part *vp = apr_pcalloc(r->pool, sizeof(*vp));
    apr_int64_t window = social_config_edit_window(dc);
    apr_int64_t now = apr_time_sec(apr_time_now());
    int k;

    vp->liked = apr_hash_make(r->pool);
    vp->own = apr_hash_make(r->pool);
    kept = social_fragcache_get(r, key, VIEWER_PART_MAX * 32 + 8, &kept_len);
    if (kept == NULL) {
        if (social_store_viewer_part(r, page, who->user, VIEWER_PART_MAX + 1, &marks)
            != SOCIAL_STORE_OK || marks->nelts > VIEWER_PART_MAX) {
            return 0;
        }
        words = apr_array_make(r->pool, marks->nelts + 1, sizeof(const char *));
        for (k = 0; k < marks->nelts; k++) {
            const social_viewer_mark *m = &APR_ARRAY_IDX(marks, k, social_viewer_mark);
            if (m->kind != 'p' && m->kind != 'l' && m->kind != 'o') {
                return 0;   /* hidden or pending: only rendering shows it */
            }
            APR_ARRAY_PUSH(words, const char *) =
                apr_psprintf(r->pool, "%c%" APR_INT64_T_FMT ".%" APR_INT64_T_FMT,
                             m->kind, m->id, m->created);
        }
        kept = apr_array_pstrcat(r->pool, words, ' ');
        kept_len = strlen(kept);
        social_fragcache_put(r, key, kept, kept_len);
    }
    for (at = kept, end = kept + kept_len; at < end;) {
        char kind = *at;
        const char *next;
        apr_int64_t id, created;
        apr_int64_t *copy;

        next = decimal(at + 1, end, &id);
        if (next == at + 1 || next >= end || *next != '.') {
            return 0;
        }
        next = decimal(next + 1, end, &created);
        if (next < end && *next != ' ') {
            return 0;
        }
        copy = apr_palloc(r->pool, sizeof(*copy));
        *copy = id;
        if (kind == 'p') {
            vp->page_liked = 1;
        }
        else if (kind == 'l') {
            apr_hash_set(vp->liked, copy, sizeof(*copy), copy);
        }
        else if (kind == 'o') {
            /* as core/tree.c decides, to the second */
            if (window > 0 && now - created <= window) {
                return 0;
            }
            apr_hash_set(vp->own, copy, sizeof(*copy), copy);
        }
        else {
            return 0;
        }
        at = next < end ? next + 1 : next;
    }
    *part = vp;
    return 1;
}

/* The reader's part in the discussion t read for them, and t as a
 * reader with no part of their own reads it (in *neutral); 0 if the
 * cached discussion cannot show their part (see viewer_part_get). */
static int viewer_part_of(request_rec *r, const social_thread *t, const char *page,
                          const char *version, social_thread *neutral, viewer_part **part)
{
    viewer_part *vp = apr_pcalloc(r->pool, sizeof(*vp));
    apr_array_header_t *words = apr_array_make(r->pool, 8, sizeof(const char *));
    apr_int64_t window = social_config_edit_window(t->dc);
    apr_int64_t now = apr_time_sec(apr_time_now());
    const char *kept;
    int k;

    *neutral = *t;
    neutral->items = apr_array_copy(r->pool, t->items);
    neutral->stats.liked = 0;
    vp->page_liked = t->stats.liked;
    vp->liked = apr_hash_make(r->pool);
    vp->own = apr_hash_make(r->pool);
    if (vp->page_liked) {
        APR_ARRAY_PUSH(words, const char *) = "p0.0";
    }
    for (k = 0; k < neutral->items->nelts; k++) {
        social_thread_item *it = &APR_ARRAY_IDX(neutral->items, k, social_thread_item);
        apr_int64_t *id = apr_palloc(r->pool, sizeof(*id));
        apr_int64_t created = apr_time_sec(it->c.created);

        *id = it->c.id;
        if (it->c.liked) {
            apr_hash_set(vp->liked, id, sizeof(*id), id);
            APR_ARRAY_PUSH(words, const char *) =
                apr_psprintf(r->pool, "l%" APR_INT64_T_FMT ".0", *id);
        }
        if (it->mine && !it->tombstone) {
            if (it->c.status != SOCIAL_COMMENT_VISIBLE
                || (window > 0 && now - created <= window)) {
                return 0;   /* others do not see it, or they may edit it */
            }
            apr_hash_set(vp->own, id, sizeof(*id), id);
            APR_ARRAY_PUSH(words, const char *) =
                apr_psprintf(r->pool, "o%" APR_INT64_T_FMT ".%" APR_INT64_T_FMT, *id, created);
        }
        it->c.liked = 0;
        it->mine = 0;
        it->can_edit = 0;
        it->can_delete = 0;
    }
    if (words->nelts > VIEWER_PART_MAX) {
        return 0;
    }
    kept = apr_array_pstrcat(r->pool, words, ' ');
    social_fragcache_put(r, apr_pstrcat(r->pool, "o\n", social_fragcache_vhost(r), "\n", page,
                                        "\n", version, "\n", t->viewer->user, NULL),
                         kept, strlen(kept));
    *part = vp;
    return 1;
}

int social_thread_viewer_shares(request_rec *r, const char *page, const char *version,
                                const social_identity *who)
{
    int involved = 0, unread = 0, order = 0, follows = 0;
    apr_int64_t banned = 0;

    if (who->user == NULL) {
        return 1;
    }
    if (viewer_state(r, page, version, who, &involved, &unread, &banned, &order, &follows)
        != SOCIAL_STORE_OK) {
        return -1;
    }
    return !involved && banned == 0;
}

char *social_thread_html(request_rec *r, const social_dir_conf *dc,
                         const social_identity *who, const char *page,
                         int max_roots, const char *status,
                         apr_size_t *len, const char **error)
{
    social_thread t;
    char *html;
    const char *key = NULL;
    int involved = 0, unread = who->user ? -1 : 0, order = SOCIAL_TREE_OLDEST, follows = 0;
    apr_int64_t banned = 0;
    apr_array_header_t *followed = NULL;
    social_identity me;
    social_thread neutral;
    viewer_part *part = NULL;
    int readable = social_identity_can_read(who), rendered = 0, cacheable;
    /* Read before the database, so a write landing meanwhile leaves what
     * this view stores under it unreachable. Moderators are never cached. */
    const char *version = readable && !who->moderator && social_fragcache_enabled()
        ? social_fragcache_version(r, page) : NULL;

    /* 1. The viewer's state (involved, unread), from the cache or the store. */
    if (who->user != NULL && readable
        && viewer_state(r, page, version, who, &involved, &unread, &banned, &order,
                        &follows)
           != SOCIAL_STORE_OK) {
        /* The store is away or stuck: say so at once, without waiting on
         * it a second time for the discussion. */
        thread_init(r, dc, who, page, &t);
        t.unavailable = 1;
        return thread_render(r, &t, status, -1, len, error);
    }
    /* Views make a person known only where a cache keeps this to one
     * write a day; actions do it anyway. */
    if (who->user != NULL && readable && social_fragcache_enabled()) {
        social_fragcache_person_seen(r, who->user, who->name, who->email);
    }
    /* A banned viewer (a cached state may hold a ban that has ended since)
     * gets the discussion rendered for them: the note, no forms. */
    if (banned != 0 && (banned < 0 || banned > apr_time_sec(apr_time_now()))) {
        me = *who;
        me.banned = 1;
        me.banned_until = banned > 0 ? apr_time_from_sec(banned) : 0;
        who = &me;
        involved = 1;
        rendered = 1;
    }
    if (order < SOCIAL_TREE_OLDEST || order > SOCIAL_TREE_MOST_LIKED) {
        order = SOCIAL_TREE_OLDEST;
    }
    /* A follower sees what they follow: rendered for them (one more round
     * trip, only for followers of this page). */
    if (follows && social_store_follows(r, who->user, page, &followed) != SOCIAL_STORE_OK) {
        followed = NULL;
    }
    /* 2. The cache, for the default view (the default order) of a reader
     * with no part of their own in the page, or with a part the cached
     * discussion holds the variants of (their likes, their comments);
     * the discussion is kept only as the first sees it. */
    cacheable = version != NULL && status == NULL && max_roots == SOCIAL_THREAD_RENDER_ROOTS
        && !rendered && unread >= 0 && order == SOCIAL_TREE_OLDEST && !follows;
    if (cacheable) {
        key = cache_key(r, dc, who, page, version);
        html = NULL;
        if (!involved) {
            html = cache_get(r, key, who, NULL, unread, len);
        }
        else {
            /* Their part is read only when the kept discussion has the
             * variants to show it. */
            apr_size_t entry_len = 0;
            social_fragcache_kept *kept = NULL;
            const char *entry = social_fragcache_get_kept(r, key, &entry_len, &kept);
            const entry_read *e = entry != NULL ? entry_of(r, kept, entry, entry_len) : NULL;
            if (entry != NULL
                && (e == NULL
                    || (e->variants && viewer_part_get(r, dc, page, version, who, &part)
                        && (html = view_of(r, who, unread, part, e, len)) == NULL))) {
                ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                              "SOCIAL1600: the cached discussion of %s could not be made "
                              "for %s (a malformed entry): rendered for them", page, who->user);
            }
            key = NULL;
        }
        if (html != NULL) {
            return html;
        }
    }
    /* 3. The store: the page's comments, arranged (core/tree.c). */
    social_thread_load(r, dc, who, page, max_roots, 0, (social_tree_order)order, &t);
    t.follows = followed;
    /* 4. Rendered: for the cache with stand-ins, or for this viewer. A
     * reader with a part of their own keeps the discussion as others see
     * it (their part taken out) when it can show their part. */
    if (key != NULL && !t.unavailable
        && (html = cache_render_put(r, key, &t, who, NULL, unread, len, error)) != NULL) {
        return html;
    }
    if (cacheable && involved && !t.unavailable
        && t.items->nelts <= VARIANT_COMMENTS_MAX
        && viewer_part_of(r, &t, page, version, &neutral, &part)
        && (html = cache_render_put(r, cache_key(r, dc, who, page, version), &neutral, who,
                                    part, unread, len, error)) != NULL) {
        return html;
    }
    return thread_render(r, &t, status, unread, len, error);
}

char *social_thread_html_window(request_rec *r, const social_dir_conf *dc,
                                const social_identity *who, const char *page,
                                apr_int64_t root, apr_int64_t before,
                                social_tree_order order,
                                apr_size_t *len, const char **error)
{
    social_thread t;

    /* The store: the window's comments, then the viewer's unread count. */
    if (root > 0) {
        social_thread_load_replies(r, dc, who, page, root, before, &t);
    }
    else {
        social_thread_load(r, dc, who, page, 0, before, order, &t);
    }
    return thread_render(r, &t, NULL, thread_unread(r, &t), len, error);
}

int social_discussion_fragment_send(request_rec *r, const social_page *pg, const char *status)
{
    const char *error = NULL;
    apr_size_t len = 0;
    char *html;

    const char *thread_q = social_request_query_value(r, "thread");
    const char *before_q = social_request_query_value(r, "before");
    apr_int64_t thread = thread_q ? social_request_id(thread_q, strlen(thread_q)) : 0;
    apr_int64_t before = before_q ? social_request_id(before_q, strlen(before_q)) : 0;

    if (thread > 0 || (before > 0 && social_request_query_value(r, "all"))) {
        /* One long thread's earlier replies, or the threads older than
         * those an "earlier comments" view showed. */
        int order = social_tree_order_parse(social_request_query_value(r, "sort"));

        html = social_thread_html_window(r, pg->dc, &pg->who, pg->key, thread, before,
                                         order < 0 ? SOCIAL_TREE_OLDEST
                                                   : (social_tree_order)order,
                                         &len, &error);
    }
    else {
        html = social_thread_html(r, pg->dc, &pg->who, pg->key,
                                  social_request_query_value(r, "all")
                                  ? 0 : SOCIAL_THREAD_RENDER_ROOTS,
                                  status, &len, &error);
    }
    if (html == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0503: rendering the discussion failed: %s", error);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    social_request_lang_headers(r);
    return social_request_html_send(r, html, len);
}
