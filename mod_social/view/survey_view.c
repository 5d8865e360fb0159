/* survey_view.c: what a viewer sees of a survey, as JSON for the API and
 * as HTML (a plain form, and results as server-rendered SVG bars). */
#include "survey_view.h"

#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>

#include "render.h"
#include "text.h"

APLOG_USE_MODULE(social);

/* Width of the longest bar of a chart, in px (survey.cs draws 240). */
#define CHART_WIDTH 240

void social_survey_view_fill(apr_pool_t *p, const social_i18n_lang *l, social_survey_view *v)
{
    const social_survey *s = &v->survey;
    int moderator = v->page.who.moderator, rule;

    v->open = !s->closed && (s->closes == 0 || apr_time_now() < s->closes);
    v->can_moderate = moderator;
    v->can_respond = v->open && v->page.who.user != NULL && (!s->locked || moderator)
                     && !(s->anonymous && s->responded);
    switch (s->results) {
    case SOCIAL_SURVEY_RESULTS_AFTER_RESPONSE:
        rule = s->responded || !v->open || moderator;
        v->hidden = social_i18n_text(l, "survey.hidden_after_response");
        break;
    case SOCIAL_SURVEY_RESULTS_AFTER_CLOSE:
        rule = !v->open || moderator;
        v->hidden = social_i18n_text(l, "survey.hidden_after_close");
        break;
    default:
        rule = 1;
        break;
    }
    if (rule && s->responses < s->min_responses) {
        rule = 0;
        v->hidden = social_i18n_format(p, l, "survey.hidden_min_responses", s->min_responses,
                                       NULL);
    }
    v->show_results = rule;
    if (rule) {
        v->hidden = NULL;
    }
}

social_store_status social_survey_view_results(request_rec *r, social_survey_view *v)
{
    social_store_status st = social_store_survey_results(r, v->survey.id, &v->tally,
                                                         &v->answered, &v->texts);
    v->results_loaded = st == SOCIAL_STORE_OK;
    return st;
}

/* ---- results ---- */

typedef struct {
    const char *label;
    int count;
    int percent;
} bar;

typedef struct {
    const social_survey_question *q;
    int answered;              /* responses that answer it */
    int nbars;
    bar *bars;                 /* choice, multiple: options; scale: each value */
    double sum;                /* scale: of the values */
    apr_array_header_t *texts; /* text: const char * */
} question_result;

static int options_split(apr_pool_t *p, const char *options, const char ***labels)
{
    char *list = apr_pstrdup(p, options), *opt, *rest;
    int n = 0;

    *labels = apr_pcalloc(p, sizeof(char *) * (SOCIAL_POLL_OPTIONS_MAX + 1));
    for (opt = apr_strtok(list, "|", &rest); opt && n < SOCIAL_POLL_OPTIONS_MAX;
         opt = apr_strtok(NULL, "|", &rest)) {
        (*labels)[n++] = opt;
    }
    return n;
}

/* A random index below n (n > 0). */
static int random_below(int n)
{
    unsigned int x = 0;
    if (apr_generate_random_bytes((unsigned char *)&x, sizeof(x)) != APR_SUCCESS) {
        x = (unsigned int)apr_time_now();
    }
    return (int)(x % (unsigned int)n);
}

/* The results of the questions still in the page (array of question_result). */
static apr_array_header_t *results_compute(request_rec *r, const social_survey_view *v)
{
    const social_survey *s = &v->survey;
    apr_array_header_t *out = apr_array_make(r->pool, 8, sizeof(question_result));
    int k, j, b;

    for (k = 0; k < s->questions->nelts; k++) {
        const social_survey_question *q = &APR_ARRAY_IDX(s->questions, k,
                                                         social_survey_question);
        question_result *res;

        if (q->removed) {
            continue;
        }
        res = apr_array_push(out);
        memset(res, 0, sizeof(*res));
        res->q = q;
        res->texts = apr_array_make(r->pool, 4, sizeof(const char *));
        if (q->type == SOCIAL_QUESTION_CHOICE || q->type == SOCIAL_QUESTION_MULTIPLE) {
            const char **labels;
            res->nbars = options_split(r->pool, q->options, &labels);
            res->bars = apr_pcalloc(r->pool, sizeof(bar) * (res->nbars + 1));
            for (b = 0; b < res->nbars; b++) {
                res->bars[b].label = labels[b];
            }
        }
        else if (q->type == SOCIAL_QUESTION_SCALE && q->max > q->min) {
            res->nbars = q->max - q->min + 1;
            res->bars = apr_pcalloc(r->pool, sizeof(bar) * (res->nbars + 1));
            for (b = 0; b < res->nbars; b++) {
                res->bars[b].label = apr_itoa(r->pool, q->min + b);
            }
        }
        for (j = 0; v->results_loaded && j < v->tally->nelts; j++) {
            const social_survey_tally *t = &APR_ARRAY_IDX(v->tally, j, social_survey_tally);
            if (strcmp(t->question, q->name) != 0) {
                continue;
            }
            for (b = 0; b < res->nbars; b++) {
                if (strcmp(res->bars[b].label, t->value) == 0) {
                    res->bars[b].count += t->count;
                    if (q->type == SOCIAL_QUESTION_SCALE) {
                        res->sum += (double)(q->min + b) * t->count;
                    }
                    break;
                }
            }
        }
        for (j = 0; v->results_loaded && j < v->answered->nelts; j++) {
            const social_survey_tally *t = &APR_ARRAY_IDX(v->answered, j, social_survey_tally);
            if (strcmp(t->question, q->name) == 0) {
                res->answered = t->count;
            }
        }
        for (j = 0; v->results_loaded && q->type == SOCIAL_QUESTION_TEXT
                    && j < v->texts->nelts; j++) {
            const social_survey_tally *t = &APR_ARRAY_IDX(v->texts, j, social_survey_tally);
            if (strcmp(t->question, q->name) == 0) {
                APR_ARRAY_PUSH(res->texts, const char *) = t->value;
            }
        }
        for (b = 0; b < res->nbars; b++) {
            res->bars[b].percent = res->answered
                ? (res->bars[b].count * 100 + res->answered / 2) / res->answered : 0;
        }
        if (s->anonymous) {
            /* Listed in no order that could follow the responses'. */
            for (j = res->texts->nelts - 1; j > 0; j--) {
                int i = random_below(j + 1);
                const char *t = APR_ARRAY_IDX(res->texts, i, const char *);
                APR_ARRAY_IDX(res->texts, i, const char *) = APR_ARRAY_IDX(res->texts, j,
                                                                            const char *);
                APR_ARRAY_IDX(res->texts, j, const char *) = t;
            }
        }
    }
    return out;
}

json_t *social_survey_results_json(request_rec *r, const social_survey_view *v)
{
    apr_array_header_t *results = results_compute(r, v);
    json_t *list = json_array();
    int k, b;

    for (k = 0; k < results->nelts; k++) {
        const question_result *res = &APR_ARRAY_IDX(results, k, question_result);
        json_t *o = json_pack("{s:s,s:s,s:s,s:i}", "name", res->q->name,
                              "type", social_question_type_name(res->q->type),
                              "label", res->q->label, "answered", res->answered);
        json_t *bars = json_array();

        for (b = 0; b < res->nbars; b++) {
            if (res->q->type == SOCIAL_QUESTION_SCALE) {
                json_array_append_new(bars, json_pack("{s:i,s:i,s:i}",
                                      "value", res->q->min + b, "count", res->bars[b].count,
                                      "percent", res->bars[b].percent));
            }
            else {
                json_array_append_new(bars, json_pack("{s:s,s:i,s:i}",
                                      "label", res->bars[b].label, "count",
                                      res->bars[b].count, "percent", res->bars[b].percent));
            }
        }
        if (res->q->type == SOCIAL_QUESTION_TEXT) {
            json_t *texts = json_array();
            for (b = 0; b < res->texts->nelts; b++) {
                json_array_append_new(texts, json_string(APR_ARRAY_IDX(res->texts, b,
                                                                       const char *)));
            }
            json_object_set_new(o, "answers", texts);
            json_decref(bars);
        }
        else if (res->q->type == SOCIAL_QUESTION_SCALE) {
            json_object_set_new(o, "distribution", bars);
            json_object_set_new(o, "mean", res->answered
                                ? json_real((double)(long)(res->sum * 100 / res->answered
                                                          + 0.5) / 100.0)
                                : json_null());
        }
        else {
            json_object_set_new(o, "options", bars);
        }
        json_array_append_new(list, o);
    }
    return list;
}

/* The viewer's answer to q: its values (array of const char *). */
static apr_array_header_t *mine_of(request_rec *r, const social_survey *s, const char *name)
{
    apr_array_header_t *values = apr_array_make(r->pool, 2, sizeof(const char *));
    int k;
    for (k = 0; s->mine != NULL && k < s->mine->nelts; k++) {
        const social_survey_answer *a = &APR_ARRAY_IDX(s->mine, k, social_survey_answer);
        if (strcmp(a->question, name) == 0) {
            APR_ARRAY_PUSH(values, const char *) = a->value;
        }
    }
    return values;
}

json_t *social_survey_view_json(request_rec *r, const social_survey_view *v)
{
    const social_survey *s = &v->survey;
    json_t *questions = json_array(), *response = NULL;
    int k, j;

    if (s->responded && !s->anonymous) {
        response = json_object();
    }
    for (k = 0; k < s->questions->nelts; k++) {
        const social_survey_question *q = &APR_ARRAY_IDX(s->questions, k,
                                                         social_survey_question);
        json_t *o;
        apr_array_header_t *mine;

        if (q->removed) {
            continue;
        }
        o = json_pack("{s:s,s:s,s:s,s:b}", "name", q->name,
                      "type", social_question_type_name(q->type), "label", q->label,
                      "required", q->required);
        if (q->type == SOCIAL_QUESTION_CHOICE || q->type == SOCIAL_QUESTION_MULTIPLE) {
            const char **labels;
            int n = options_split(r->pool, q->options, &labels);
            json_t *options = json_array();
            for (j = 0; j < n; j++) {
                json_array_append_new(options, json_string(labels[j]));
            }
            json_object_set_new(o, "options", options);
        }
        else if (q->type == SOCIAL_QUESTION_SCALE) {
            json_object_set_new(o, "min", json_integer(q->min));
            json_object_set_new(o, "max", json_integer(q->max));
        }
        json_array_append_new(questions, o);
        if (response == NULL) {
            continue;
        }
        mine = mine_of(r, s, q->name);
        if (mine->nelts == 0) {
            continue;
        }
        if (q->type == SOCIAL_QUESTION_MULTIPLE) {
            json_t *list = json_array();
            for (j = 0; j < mine->nelts; j++) {
                json_array_append_new(list, json_string(APR_ARRAY_IDX(mine, j, const char *)));
            }
            json_object_set_new(response, q->name, list);
        }
        else if (q->type == SOCIAL_QUESTION_SCALE) {
            json_object_set_new(response, q->name,
                                json_integer(atoi(APR_ARRAY_IDX(mine, 0, const char *))));
        }
        else {
            json_object_set_new(response, q->name,
                                json_string(APR_ARRAY_IDX(mine, 0, const char *)));
        }
    }
    return json_pack("{s:I,s:s,s:s,s:s,s:b,s:o,s:b,s:s,s:i,s:i,s:b,s:b,s:b,s:o,s:o,s:o}",
                     "id", (json_int_t)s->id, "page", s->page, "name", s->name,
                     "title", s->title, "anonymous", s->anonymous,
                     "closes", s->closes ? json_string(social_text_time_iso(r->pool, s->closes))
                                         : json_null(),
                     "closed", !v->open, "results_visibility",
                     social_survey_results_name(s->results),
                     "min_responses", s->min_responses, "responses", s->responses,
                     "responded", s->responded, "can_respond", v->can_respond,
                     "editable", v->can_respond && s->responded,
                     "questions", questions, "response", response ? response : json_null(),
                     "results", v->show_results && v->results_loaded
                                ? social_survey_results_json(r, v) : json_null());
}

/* ---- HTML ---- */

typedef struct {
    request_rec *r;
    const social_survey_view *v;
    const char *status;
} survey_fill_data;

static int value_in(const apr_array_header_t *values, const char *value)
{
    int k;
    for (k = 0; k < values->nelts; k++) {
        if (strcmp(APR_ARRAY_IDX(values, k, const char *), value) == 0) {
            return 1;
        }
    }
    return 0;
}

static void results_fill(request_rec *r, social_render_data *survey,
                         const social_survey_view *v)
{
    apr_array_header_t *results = results_compute(r, v);
    int k, b;

    for (k = 0; k < results->nelts; k++) {
        const question_result *res = &APR_ARRAY_IDX(results, k, question_result);
        social_render_data *o = social_render_child(survey, "results.%d", k);
        int most = 0;

        social_render_set(o, "name", res->q->name);
        social_render_set(o, "label", res->q->label);
        social_render_set(o, "type", social_question_type_name(res->q->type));
        social_render_set_int(o, "answered", res->answered);
        if (res->q->type == SOCIAL_QUESTION_SCALE && res->answered) {
            social_render_setf(o, "mean", "%.2f", res->sum / res->answered);
        }
        for (b = 0; b < res->nbars; b++) {
            most = res->bars[b].count > most ? res->bars[b].count : most;
        }
        for (b = 0; b < res->nbars; b++) {
            social_render_data *bd = social_render_child(o, "bars.%d", b);
            social_render_set(bd, "label", res->bars[b].label);
            social_render_set_int(bd, "count", res->bars[b].count);
            social_render_set_int(bd, "percent", res->bars[b].percent);
            social_render_set_int(bd, "width", most ? res->bars[b].count * CHART_WIDTH / most
                                                    : 0);
        }
        for (b = 0; b < res->texts->nelts; b++) {
            social_render_set(o, apr_psprintf(r->pool, "texts.%d", b),
                              APR_ARRAY_IDX(res->texts, b, const char *));
        }
    }
}

static void survey_fill(social_render_data *data, void *ctx)
{
    survey_fill_data *d = ctx;
    request_rec *r = d->r;
    const social_survey_view *v = d->v;
    const social_survey *s = &v->survey;
    social_render_data *so = social_render_child(data, "Social");
    social_render_data *survey = social_render_child(data, "Survey");
    int k, j, n = 0, total = 0;

    social_render_set(so, "endpoint", social_config_srv(r->server)->endpoint);
    social_render_set(so, "page", s->page);
    social_render_set(so, "status", d->status);
    if (v->can_respond || v->can_moderate) {
        social_render_set(so, "token", social_identity_form_token(r, &v->page.who));
    }
    social_render_set_int(survey, "id", s->id);
    social_render_set(survey, "name", s->name);
    social_render_set(survey, "title", s->title);
    social_render_set_bool(survey, "open", v->open);
    social_render_set_bool(survey, "anonymous", s->anonymous);
    social_render_set_bool(survey, "responded", s->responded);
    social_render_set_bool(survey, "can_respond", v->can_respond);
    social_render_set_bool(survey, "can_moderate", v->can_moderate);
    social_render_set_bool(survey, "closed_by_moderator", s->closed);
    social_render_set_bool(survey, "visitor", v->page.who.user == NULL);
    social_render_set_bool(survey, "locked", s->locked && !v->page.who.moderator);
    social_render_set_bool(survey, "show_results", v->show_results);
    social_render_set(survey, "hidden", v->hidden);
    social_render_set_int(survey, "responses", s->responses);
    if (s->closes) {
        social_render_set(survey, "closes", social_text_time_abs(r->pool, s->closes - 1,
                                                           social_config_time_zone(v->page.dc)));
    }
    for (k = 0; k < s->questions->nelts; k++) {
        total += !APR_ARRAY_IDX(s->questions, k, social_survey_question).removed;
    }
    social_render_set_int(survey, "total", total);
    for (k = 0; k < s->questions->nelts; k++) {
        const social_survey_question *q = &APR_ARRAY_IDX(s->questions, k,
                                                         social_survey_question);
        social_render_data *o;
        apr_array_header_t *mine;

        if (q->removed) {
            continue;
        }
        mine = mine_of(r, s, q->name);
        o = social_render_child(survey, "questions.%d", n++);
        social_render_set(o, "name", q->name);
        social_render_set(o, "label", q->label);
        social_render_set(o, "type", social_question_type_name(q->type));
        social_render_set_bool(o, "required", q->required);
        social_render_set_int(o, "number", n);
        social_render_set_int(o, "percent", n * 100 / (total ? total : 1));
        if (q->type == SOCIAL_QUESTION_CHOICE || q->type == SOCIAL_QUESTION_MULTIPLE) {
            const char **labels;
            int count = options_split(r->pool, q->options, &labels);
            for (j = 0; j < count; j++) {
                social_render_data *c = social_render_child(o, "choices.%d", j);
                social_render_set(c, "value", labels[j]);
                social_render_set_int(c, "index", j);
                social_render_set_bool(c, "checked", value_in(mine, labels[j]));
            }
        }
        else if (q->type == SOCIAL_QUESTION_SCALE) {
            social_render_set_int(o, "min", q->min);
            social_render_set_int(o, "max", q->max);
            for (j = q->min; j <= q->max && q->max - q->min <= 2 * SOCIAL_SURVEY_SCALE_MAX; j++) {
                social_render_data *c = social_render_child(o, "choices.%d", j - q->min);
                const char *value = apr_itoa(r->pool, j);
                social_render_set(c, "value", value);
                social_render_set_int(c, "index", j - q->min);
                social_render_set_bool(c, "checked", value_in(mine, value));
            }
        }
        else if (mine->nelts > 0) {
            social_render_set(o, "text", APR_ARRAY_IDX(mine, 0, const char *));
        }
    }
    if (v->show_results && v->results_loaded) {
        results_fill(r, survey, v);
    }
}

char *social_survey_view_render(request_rec *r, const social_survey_view *v,
                                const char *status, apr_size_t *len)
{
    survey_fill_data d = { r, v, status };
    const char *error = NULL;
    apr_size_t raw_len = 0;
    char *raw = social_render_template_lang(r->pool, social_config_srv(r->server)->template_dir,
                                            "survey.cs", social_request_lang(r), survey_fill,
                                            &d, &raw_len, &error);
    char *out;

    if (raw == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL2104: rendering survey %s failed: %s", v->survey.name, error);
        return NULL;
    }
    out = social_text_ascii_refs(r->pool, raw, raw_len);
    *len = strlen(out);
    return out;
}

const char *social_surveys_marker(request_rec *r, const char *page,
                                  const social_survey_def *def,
                                  const apr_array_header_t *questions, int render,
                                  apr_size_t *len)
{
    apr_int64_t id = 0;
    social_survey_view v;
    social_store_status st = social_store_survey_sync(r, page, def, questions, &id);

    if (st != SOCIAL_STORE_OK || !render) {
        return NULL;
    }
    memset(&v, 0, sizeof(v));
    v.page.key = page;
    v.page.dc = social_config_dir(r);
    social_identity_get(r, v.page.dc, &v.page.who);
    if (!social_identity_can_read(&v.page.who)
        || social_store_survey_get(r, id, v.page.who.user, &v.survey) != SOCIAL_STORE_OK) {
        return NULL;
    }
    social_survey_view_fill(r->pool, social_request_lang(r), &v);
    if (v.show_results && social_survey_view_results(r, &v) != SOCIAL_STORE_OK) {
        v.show_results = 0;
        v.hidden = SOCIAL_MSG(r, "survey.hidden_unavailable");
    }
    return social_survey_view_render(r, &v, NULL, len);
}
