/* poll_view.c: what a viewer sees of a poll (open, results shown, may
 * vote), as JSON for the API and as HTML for pages and fragments. */
#include "poll_view.h"

#include <string.h>

#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>

#include "jsonmap.h"
#include "render.h"
#include "text.h"

APLOG_USE_MODULE(social);


void social_poll_view_fill(social_poll_view *v)
{
    const social_poll *p = &v->poll;
    int moderator = v->page.who.moderator;

    v->open = !p->closed && (p->closes == 0 || apr_time_now() < p->closes);
    v->can_vote = v->open && v->page.who.user != NULL && (!p->locked || moderator);
    v->can_moderate = moderator;
    v->show_results = social_polls_results_shown(p, moderator);
}

int social_polls_results_shown(const social_poll *p, int moderator)
{
    int open = !p->closed && (p->closes == 0 || apr_time_now() < p->closes);

    switch (p->results) {
    case SOCIAL_POLL_RESULTS_AFTER_VOTE:
        return p->voted || !open || moderator;
    case SOCIAL_POLL_RESULTS_AFTER_CLOSE:
        return !open || moderator;
    default:
        return 1;
    }
}


json_t *social_poll_view_json(request_rec *r, const social_poll_view *v)
{
    const social_poll *p = &v->poll;
    json_t *options = json_array(), *mine = json_array();
    int k;

    for (k = 0; k < p->options->nelts; k++) {
        const social_poll_option *o = &APR_ARRAY_IDX(p->options, k, social_poll_option);
        if (o->removed) {
            continue;
        }
        json_array_append_new(options, json_pack("{s:i,s:s,s:o}", "index", o->idx,
                                                 "label", o->label, "votes",
                                                 v->show_results ? json_integer(o->votes)
                                                                 : json_null()));
        if (o->mine) {
            json_array_append_new(mine, json_integer(o->idx));
        }
    }
    return json_pack("{s:I,s:s,s:s,s:s,s:b,s:o,s:b,s:s,s:o,s:o,s:o,s:b}",
                     "id", (json_int_t)p->id, "page", p->page, "name", p->name,
                     "question", p->question, "multiple", p->multiple,
                     "closes", p->closes ? json_string(social_text_time_iso(r->pool, p->closes)) : json_null(),
                     "closed", !v->open, "results", social_poll_results_name(p->results),
                     "ballots", v->show_results ? json_integer(p->ballots) : json_null(),
                     "options", options, "my_choices", mine, "can_vote", v->can_vote);
}

/* ---- HTML ---- */

typedef struct {
    request_rec *r;
    const social_poll_view *v;
    const char *status;
} poll_fill_data;

static void poll_fill(social_render_data *data, void *ctx)
{
    poll_fill_data *d = ctx;
    request_rec *r = d->r;
    const social_poll_view *v = d->v;
    const social_poll *p = &v->poll;
    social_render_data *s = social_render_child(data, "Social");
    social_render_data *poll = social_render_child(data, "Poll");
    int k, n = 0, total = 0;

    social_render_set(s, "endpoint", social_config_srv(r->server)->endpoint);
    social_render_set(s, "page", p->page);
    social_render_set(s, "status", social_request_notice_say(d->r, d->status));
    if (v->can_vote || v->can_moderate) {
        social_render_set(s, "token", social_identity_form_token(r, &v->page.who));
    }
    social_render_set_int(poll, "id", p->id);
    social_render_set(poll, "name", p->name);
    social_render_set(poll, "question", p->question);
    social_render_set_bool(poll, "multiple", p->multiple);
    social_render_set_bool(poll, "open", v->open);
    social_render_set_bool(poll, "voted", p->voted);
    social_render_set_bool(poll, "can_vote", v->can_vote);
    social_render_set_bool(poll, "locked", p->locked && !v->page.who.moderator);
    social_render_set_bool(poll, "can_moderate", v->can_moderate);
    social_render_set_bool(poll, "anonymous", v->page.who.user == NULL);
    social_render_set_bool(poll, "show_results", v->show_results);
    social_render_set_bool(poll, "closed_by_moderator", p->closed);
    social_render_set_int(poll, "ballots", p->ballots);
    social_render_set(poll, "results", social_poll_results_name(p->results));
    if (p->closes) {
        social_render_set(poll, "closes", social_text_time_abs(r->pool, p->closes - 1,
                                                         social_config_time_zone(v->page.dc)));
    }
    for (k = 0; k < p->options->nelts; k++) {
        const social_poll_option *o = &APR_ARRAY_IDX(p->options, k, social_poll_option);
        if (!o->removed) {
            total += o->votes;
        }
    }
    for (k = 0; k < p->options->nelts; k++) {
        const social_poll_option *o = &APR_ARRAY_IDX(p->options, k, social_poll_option);
        social_render_data *option;

        if (o->removed) {
            continue;
        }
        option = social_render_child(poll, "options.%d", n++);
        social_render_set_int(option, "index", o->idx);
        social_render_set(option, "label", o->label);
        social_render_set_int(option, "votes", o->votes);
        social_render_set_int(option, "percent", total ? (o->votes * 100 + total / 2) / total : 0);
        social_render_set_bool(option, "mine", o->mine);
    }
}

char *social_poll_view_render(request_rec *r, const social_poll_view *v, const char *status,
                         apr_size_t *len)
{
    poll_fill_data d = { r, v, status };
    const char *error = NULL;
    apr_size_t raw_len = 0;
    char *raw = social_render_template_lang(r->pool, social_config_srv(r->server)->template_dir,
                                            "poll.cs", social_request_lang(r), poll_fill, &d,
                                            &raw_len, &error);
    char *out;

    if (raw == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0603: rendering poll %s failed: %s", v->poll.name, error);
        return NULL;
    }
    out = social_text_ascii_refs(r->pool, raw, raw_len);
    *len = strlen(out);
    return out;
}

const char *social_polls_marker(request_rec *r, const char *page,
                                const social_poll_def *def, int render,
                                apr_size_t *len)
{
    apr_int64_t id = 0;
    int changed = 0;
    social_poll_view v;
    social_store_status st = social_store_poll_sync(r, page, def, &id, &changed);

    if (st != SOCIAL_STORE_OK || !render) {
        return NULL;
    }
    memset(&v, 0, sizeof(v));
    v.page.key = page;
    v.page.dc = social_config_dir(r);
    social_identity_get(r, v.page.dc, &v.page.who);
    if (!social_identity_can_read(&v.page.who)
        || social_store_poll_get(r, id, v.page.who.user, &v.poll) != SOCIAL_STORE_OK) {
        return NULL;
    }
    social_poll_view_fill(&v);
    return social_poll_view_render(r, &v, NULL, len);
}
