/* idea_view.c: what a viewer sees of an ideas board (open, may submit,
 * may moderate) and of its ideas, as JSON for the API and as HTML for
 * pages and fragments. */
#include "idea_view.h"

#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>

#include "discussion.h"
#include "jsonmap.h"
#include "render.h"
#include "text.h"

APLOG_USE_MODULE(social);

int social_ideas_open(const social_idea_board *b)
{
    return b->closes == 0 || apr_time_now() < b->closes;
}

void social_ideas_view_fill(social_ideas_view *v)
{
    int moderator = v->page.who.moderator;

    v->open = social_ideas_open(&v->board);
    v->can_submit = v->open && v->page.who.user != NULL
                    && social_identity_can_write(&v->page.who)
                    && (!v->board.locked || moderator);
    v->can_moderate = moderator;
}

const char *social_idea_thread_key(apr_pool_t *p, const char *page, apr_int64_t id)
{
    return apr_psprintf(p, "%s#idea-%" APR_INT64_T_FMT, page, id);
}

/* ---- sorting ---- */

static int by_votes(const void *a, const void *b)
{
    const social_idea *x = a, *y = b;
    if (x->votes != y->votes) {
        return x->votes > y->votes ? -1 : 1;
    }
    return x->id > y->id ? -1 : (x->id < y->id);
}

static int by_newest(const void *a, const void *b)
{
    const social_idea *x = a, *y = b;
    return x->id > y->id ? -1 : (x->id < y->id);
}

int social_ideas_sort(apr_array_header_t *ideas, const char *sort, const char *statuses)
{
    int (*cmp)(const void *, const void *) = NULL;

    if (sort == NULL || strcmp(sort, "votes") == 0) {
        cmp = by_votes;
    }
    else if (strcmp(sort, "newest") == 0) {
        cmp = by_newest;
    }
    else if (strcmp(sort, "status") != 0) {
        return -1;
    }
    if (cmp == NULL) {
        /* In the board's order, then by votes: an insertion sort with
         * the board's list in hand (qsort takes no context). */
        int k, n = ideas->nelts;
        for (k = 1; k < n; k++) {
            social_idea cur = APR_ARRAY_IDX(ideas, k, social_idea);
            int ci = social_ideas_status_index(statuses, cur.status), j = k - 1;
            while (j >= 0) {
                social_idea *o = &APR_ARRAY_IDX(ideas, j, social_idea);
                int oi = social_ideas_status_index(statuses, o->status);
                if (oi < ci || (oi == ci && by_votes(o, &cur) <= 0)) {
                    break;
                }
                APR_ARRAY_IDX(ideas, j + 1, social_idea) = *o;
                j--;
            }
            APR_ARRAY_IDX(ideas, j + 1, social_idea) = cur;
        }
        return 0;
    }
    qsort(ideas->elts, (size_t)ideas->nelts, sizeof(social_idea), cmp);
    return 0;
}

/* ---- JSON ---- */

json_t *social_idea_json(request_rec *r, const social_idea *i, const social_page *pg)
{
    int mine = pg->who.user != NULL && strcmp(pg->who.user, i->author) == 0;
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:i,s:b,s:s,s:s,s:i}",
                          "id", (json_int_t)i->id, "page", i->board.page,
                          "board", i->board.name, "title", i->title, "text", i->body,
                          "author", "user", i->author, "name", i->author_name,
                          "votes", i->votes, "voted", i->voted, "status", i->status,
                          "response", i->response, "comments", i->comments);

    json_object_set_new(o, "html", json_string(
        social_text_format_comment(r->pool, i->body, strlen(i->body))));
    json_object_set_new(o, "thread", json_string(
        social_idea_thread_key(r->pool, i->board.page, i->id)));
    json_object_set_new(o, "created", json_string(social_text_time_iso(r->pool, i->created)));
    json_object_set_new(o, "edited", i->edited ? json_string(social_text_time_iso(r->pool,
                                                                                   i->edited))
                                               : json_null());
    json_object_set_new(o, "status_changed", i->status_at
                        ? json_string(social_text_time_iso(r->pool, i->status_at))
                        : json_null());
    json_object_set_new(o, "responder", *i->responder ? json_string(i->responder)
                                                      : json_null());
    json_object_set_new(o, "merged_into", i->merged_into ? json_integer(i->merged_into)
                                                         : json_null());
    json_object_set_new(o, "open", json_boolean(social_ideas_open(&i->board)));
    json_object_set_new(o, "can_edit", json_boolean(mine || pg->who.moderator));
    json_object_set_new(o, "can_moderate", json_boolean(pg->who.moderator));
    return o;
}

/* ---- HTML ---- */

typedef struct {
    request_rec *r;
    const social_ideas_view *v;
    const social_idea *one;    /* the idea page: this idea only */
    const char *thread_html;
    const char *status;
} ideas_fill_data;

static void idea_fill(request_rec *r, social_render_data *d, const social_idea *i,
                      const social_page *pg)
{
    int mine = pg->who.user != NULL && strcmp(pg->who.user, i->author) == 0;
    const char *key = social_idea_thread_key(r->pool, i->board.page, i->id);

    social_render_set_int(d, "id", i->id);
    social_render_set(d, "title", i->title);
    social_render_set(d, "html", social_text_format_comment(r->pool, i->body, strlen(i->body)));
    social_render_set(d, "body", i->body);
    social_render_set(d, "author", i->author_name);
    social_render_set(d, "status", i->status);
    social_render_set(d, "response", i->response);
    social_render_set_int(d, "votes", i->votes);
    social_render_set_bool(d, "voted", i->voted);
    social_render_set_int(d, "comments", i->comments);
    social_render_set_bool(d, "mine", mine);
    social_render_set(d, "created", social_text_time_abs(r->pool, i->created, social_config_time_zone(pg->dc)));
    social_render_set(d, "thread", social_text_percent_encode(r->pool, key));
}

static void ideas_fill(social_render_data *data, void *ctx)
{
    ideas_fill_data *d = ctx;
    request_rec *r = d->r;
    const social_ideas_view *v = d->v;
    social_render_data *s = social_render_child(data, "Social");
    social_render_data *b = social_render_child(data, "Board");
    const char *list = v->board.statuses, *p;
    int k, n = 0;

    social_render_set(s, "endpoint", social_config_srv(r->server)->endpoint);
    social_render_set(s, "page", v->board.page);
    social_render_set(s, "status", d->status);
    social_render_set(s, "version", SOCIAL_VERSION);
    if (v->page.who.user != NULL) {
        social_render_set(s, "token", social_identity_form_token(r, &v->page.who));
    }
    social_render_set_int(b, "id", v->board.id);
    social_render_set(b, "name", v->board.name);
    social_render_set(b, "title", v->board.title);
    social_render_set_bool(b, "open", v->open);
    social_render_set_bool(b, "locked", v->board.locked);
    social_render_set_bool(b, "can_submit", v->can_submit);
    social_render_set_bool(b, "can_vote", v->open && v->page.who.user != NULL
                           && (!v->board.locked || v->page.who.moderator));
    social_render_set_bool(b, "can_moderate", v->can_moderate);
    social_render_set_bool(b, "anonymous", v->page.who.user == NULL);
    social_render_set(b, "sort", v->sort ? v->sort : "votes");
    social_render_set(b, "filter", v->status ? v->status : "");
    social_render_set_int(b, "title_max", SOCIAL_IDEA_TITLE_MAX);
    social_render_set_int(b, "max_length", social_config_max_comment_length(v->page.dc));
    if (v->board.closes) {
        social_render_set(b, "closes", social_text_time_abs(r->pool, v->board.closes - 1,
                                                      social_config_time_zone(v->page.dc)));
    }
    for (p = list; p != NULL; n++) {
        const char *bar = strchr(p, '|');
        social_render_set(social_render_child(b, "statuses.%d", n), "name",
                          bar ? apr_pstrmemdup(r->pool, p, (apr_size_t)(bar - p)) : p);
        p = bar ? bar + 1 : NULL;
    }
    if (d->one != NULL) {
        idea_fill(r, social_render_child(b, "ideas.0"), d->one, &v->page);
        social_render_set_bool(b, "single", 1);
        if (d->thread_html != NULL) {
            social_render_set(b, "thread_html", d->thread_html);
        }
        return;
    }
    social_render_set_int(b, "count", v->ideas ? v->ideas->nelts : 0);
    for (k = 0; v->ideas != NULL && k < v->ideas->nelts; k++) {
        idea_fill(r, social_render_child(b, "ideas.%d", k),
                  &APR_ARRAY_IDX(v->ideas, k, social_idea), &v->page);
    }
}

static char *render(request_rec *r, const char *template, ideas_fill_data *d, apr_size_t *len)
{
    const char *error = NULL;
    apr_size_t raw_len = 0;
    char *raw = social_render_template_lang(r->pool, social_config_srv(r->server)->template_dir,
                                            template, social_request_lang(r), ideas_fill, d,
                                            &raw_len, &error);
    char *out;

    if (raw == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL2001: rendering ideas board %s on %s failed: %s",
                      d->v->board.name, d->v->board.page, error);
        return NULL;
    }
    out = social_text_ascii_refs(r->pool, raw, raw_len);
    *len = strlen(out);
    return out;
}

char *social_ideas_view_render(request_rec *r, const social_ideas_view *v, const char *status,
                               apr_size_t *len)
{
    ideas_fill_data d = { r, v, NULL, NULL, status };
    return render(r, "ideas.cs", &d, len);
}

char *social_idea_page_render(request_rec *r, const social_idea *i, const social_page *pg,
                              const char *status, apr_size_t *len)
{
    social_ideas_view v;
    ideas_fill_data d = { r, &v, i, NULL, status };
    const char *error = NULL;
    apr_size_t thread_len = 0;

    memset(&v, 0, sizeof(v));
    v.board = i->board;
    v.page = *pg;
    social_ideas_view_fill(&v);
    {
        /* The discussion in the block a page carries, so the widget takes
         * it over as on any page (its page key: the idea's thread). */
        social_render_page block;
        apr_size_t block_len = 0;

        memset(&block, 0, sizeof(block));
        block.endpoint = social_config_srv(r->server)->endpoint;
        block.version = SOCIAL_VERSION;
        block.page_key = social_idea_thread_key(r->pool, i->board.page, i->id);
        block.inner = social_thread_html(r, pg->dc, &pg->who, block.page_key,
                                         SOCIAL_THREAD_RENDER_ROOTS, NULL, &thread_len, &error);
        block.inner_len = thread_len;
        if (block.inner == NULL) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          "SOCIAL2002: the discussion of idea %" APR_INT64_T_FMT
                          " is not shown: %s", i->id, error ? error : "unknown");
        }
        d.thread_html = social_render_block(r->pool, &block, &block_len);
    }
    return render(r, "idea.cs", &d, len);
}

const char *social_ideas_marker(request_rec *r, const char *page,
                                const social_ideas_def *def, int render_now, apr_size_t *len)
{
    apr_int64_t id = 0;
    social_ideas_view v;
    const char *sort = social_request_query_value(r, "ideas_sort");
    const char *status = social_request_query_value(r, "ideas_status");

    if (social_store_ideas_board_sync(r, page, def, &id) != SOCIAL_STORE_OK || !render_now) {
        return NULL;
    }
    memset(&v, 0, sizeof(v));
    v.page.key = page;
    v.page.dc = social_config_dir(r);
    social_identity_get(r, v.page.dc, &v.page.who);
    if (status != NULL && (*status == '\0'
                           || social_ideas_status_index(def->status_list, status) < 0)) {
        status = NULL;
    }
    if (!social_identity_can_read(&v.page.who)
        || social_store_ideas_board_get(r, page, def->name, &v.board) != SOCIAL_STORE_OK
        || social_store_ideas_list(r, v.board.id, v.page.who.user, status, 0, &v.ideas)
           != SOCIAL_STORE_OK) {
        return NULL;
    }
    if (social_ideas_sort(v.ideas, sort, v.board.statuses) != 0) {
        sort = "votes";
        social_ideas_sort(v.ideas, sort, v.board.statuses);
    }
    v.sort = sort;
    v.status = status;
    social_ideas_view_fill(&v);
    return social_ideas_view_render(r, &v, NULL, len);
}
