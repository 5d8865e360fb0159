/* surveys.c: surveys declared by page markers; responses, results and
 * exports.
 *
 * The filter makes a marker's survey exist (view/survey_view.c); the JSON
 * API, the form and the fragment endpoint act on it. One response per
 * person and survey: the respondent row's primary key. A response can be
 * changed until the survey closes, except in an anonymous survey, where
 * nothing links the person to their answers any more. */
#include "surveys.h"

#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>

#include "fragcache.h"
#include "identity.h"
#include "jsonmap.h"
#include "pagetitle.h"
#include "render.h"
#include "report.h"
#include "request.h"
#include "text.h"

APLOG_USE_MODULE(social);

/* ---- loading ---- */

/* Loads survey id as the viewer sees it; 0 or an HTTP status in res. */
static int survey_load(request_rec *r, apr_int64_t id, social_survey_view *v,
                       social_result *res)
{
    social_store_status st = social_store_survey_get(r, id, r->user, &v->survey);
    const char *message;

    if (st == SOCIAL_STORE_NOT_FOUND) {
        return social_result_set(res, HTTP_NOT_FOUND, "not_found",
                                 SOCIAL_MSG(r, "survey.err_no_survey"));
    }
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    if (social_request_page(r, v->survey.page, &v->page, &message) != 0) {
        /* The same answer as an unknown id: never 401 or 403. */
        return social_result_set(res, HTTP_NOT_FOUND, "not_found",
                                 SOCIAL_MSG(r, "survey.err_no_survey"));
    }
    social_survey_view_fill(r->pool, social_request_lang(r), v);
    return 0;
}

/* The results when shown: answers loaded. 0 or the status in res. */
static int survey_answers(request_rec *r, social_survey_view *v, social_result *res)
{
    social_store_status st;

    if (!v->show_results) {
        return 0;
    }
    st = social_survey_view_results(r, v);
    return st == SOCIAL_STORE_OK ? 0 : social_result_store(r, res, st);
}

static const social_survey_question *question_find(const social_survey *s, const char *name)
{
    int k;
    for (k = 0; k < s->questions->nelts; k++) {
        const social_survey_question *q = &APR_ARRAY_IDX(s->questions, k,
                                                         social_survey_question);
        if (!q->removed && strcmp(q->name, name) == 0) {
            return q;
        }
    }
    return NULL;
}

static int answer_refused(social_result *res, int status, const char *code,
                          const char *message, const char *field)
{
    social_result_set(res, status, code, message);
    res->field = field;
    res->log_id = "SOCIAL2108";
    return status;
}

static int option_known(const social_survey_question *q, const char *value)
{
    size_t n = strlen(value);
    const char *s = q->options;

    while (*s) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (len == n && strncmp(s, value, n) == 0) {
            return 1;
        }
        s += len + (bar != NULL);
    }
    return 0;
}

/* Checks the answers given (name -> array of const char *) against the
 * survey and makes the list to store (array of social_survey_answer, in
 * question order). 0 or the refusal in res (422 with its field). */
static int answers_check(request_rec *r, const social_survey_view *v, apr_hash_t *given,
                         apr_array_header_t **out, social_result *res)
{
    const social_survey *s = &v->survey;
    apr_hash_index_t *hi;
    int k, j;

    *out = apr_array_make(r->pool, 8, sizeof(social_survey_answer));
    for (hi = apr_hash_first(r->pool, given); hi; hi = apr_hash_next(hi)) {
        const char *name = apr_hash_this_key(hi);
        if (question_find(s, name) == NULL) {
            return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "unknown_question",
                                  apr_psprintf(r->pool, "the survey has no question %s",
                                               name), name);
        }
    }
    for (k = 0; k < s->questions->nelts; k++) {
        const social_survey_question *q = &APR_ARRAY_IDX(s->questions, k,
                                                         social_survey_question);
        apr_array_header_t *values = q->removed ? NULL : apr_hash_get(given, q->name,
                                                                     APR_HASH_KEY_STRING);
        apr_array_header_t *kept = apr_array_make(r->pool, 2, sizeof(const char *));

        if (q->removed) {
            /* An edit keeps the answers of questions out of sight. */
            for (j = 0; s->mine != NULL && j < s->mine->nelts; j++) {
                const social_survey_answer *a = &APR_ARRAY_IDX(s->mine, j,
                                                               social_survey_answer);
                if (strcmp(a->question, q->name) == 0) {
                    *(social_survey_answer *)apr_array_push(*out) = *a;
                }
            }
            continue;
        }
        for (j = 0; values != NULL && j < values->nelts; j++) {
            const char *value = APR_ARRAY_IDX(values, j, const char *);
            const char *t = value;
            while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n') {
                t++;
            }
            if (*t != '\0') {
                APR_ARRAY_PUSH(kept, const char *) = value;
            }
        }
        if (kept->nelts == 0) {
            if (q->required) {
                return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "answer_required",
                                      social_i18n_format(r->pool, social_request_lang(r),
                                                         "survey.err_answer_required", -1,
                                                         "question", q->label, NULL),
                                      q->name);
            }
            continue;
        }
        if (q->type != SOCIAL_QUESTION_MULTIPLE && kept->nelts > 1) {
            return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_answer",
                                  social_i18n_format(r->pool, social_request_lang(r),
                                                     "survey.err_one_answer", -1,
                                                     "question", q->label, NULL), q->name);
        }
        for (j = 0; j < kept->nelts; j++) {
            const char *value = APR_ARRAY_IDX(kept, j, const char *);
            social_survey_answer *a;
            int i;

            if (!social_text_utf8_valid(value, strlen(value))) {
                return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_answer",
                                      "an answer is not valid UTF-8 text", q->name);
            }
            if (q->type == SOCIAL_QUESTION_CHOICE || q->type == SOCIAL_QUESTION_MULTIPLE) {
                if (!option_known(q, value)) {
                    return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_answer",
                                          social_i18n_format(r->pool, social_request_lang(r),
                                                             "survey.err_not_option", -1,
                                                             "value", value,
                                                             "question", q->label, NULL),
                                          q->name);
                }
                for (i = 0; i < j; i++) {
                    if (strcmp(APR_ARRAY_IDX(kept, i, const char *), value) == 0) {
                        return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY,
                                              "invalid_answer",
                                              SOCIAL_MSG(r, "survey.err_chosen_twice"),
                                              q->name);
                    }
                }
            }
            else if (q->type == SOCIAL_QUESTION_SCALE) {
                char *end;
                apr_int64_t n = apr_strtoi64(value, &end, 10);
                if (*value == '\0' || *end != '\0' || n < q->min || n > q->max
                    || strchr(value, ' ') || strchr(value, '+')) {
                    return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_answer",
                                          social_i18n_format(
                                              r->pool, social_request_lang(r),
                                              "survey.err_scale", -1, "question", q->label,
                                              "min", apr_itoa(r->pool, q->min),
                                              "max", apr_itoa(r->pool, q->max), NULL),
                                          q->name);
                }
                value = apr_psprintf(r->pool, "%" APR_INT64_T_FMT, n);
            }
            else if (strlen(value) > SOCIAL_SURVEY_TEXT_MAX) {
                return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_answer",
                                      social_i18n_format(r->pool, social_request_lang(r),
                                                         "survey.err_text_long", -1,
                                                         "question", q->label, "max",
                                                         apr_itoa(r->pool,
                                                                  SOCIAL_SURVEY_TEXT_MAX),
                                                         NULL), q->name);
            }
            a = apr_array_push(*out);
            a->response = NULL;
            a->user = NULL;
            a->question = q->name;
            a->value = value;
        }
    }
    return 0;
}

/* Checks and stores a response. */
static int survey_respond(request_rec *r, social_survey_view *v, apr_hash_t *given,
                          social_result *res)
{
    apr_array_header_t *answers;
    social_store_status st;
    int status;

    if (v->page.who.user == NULL) {
        return social_result_set(res, HTTP_UNAUTHORIZED, "login_required",
                                 SOCIAL_MSG(r, "survey.err_log_in"));
    }
    if (v->survey.locked && !v->page.who.moderator) {
        return social_result_set(res, HTTP_LOCKED, "locked", SOCIAL_LOCKED_MESSAGE);
    }
    if (!v->open) {
        return social_result_set(res, HTTP_CONFLICT, "survey_closed",
                                 SOCIAL_MSG(r, "survey.err_closed"));
    }
    if (v->survey.anonymous && v->survey.responded) {
        return social_result_set(res, HTTP_CONFLICT, "already_responded",
                                 SOCIAL_MSG(r, "survey.err_anonymous_done"));
    }
    if ((status = answers_check(r, v, given, &answers, res)) != 0) {
        return status;
    }
    st = social_store_survey_respond(r, v->survey.id, v->survey.anonymous, v->page.who.user,
                                     answers);
    if (st == SOCIAL_STORE_REPLAYED) {
        return social_result_set(res, HTTP_CONFLICT, "already_responded",
                                 SOCIAL_MSG(r, "survey.err_anonymous_done"));
    }
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    if (v->survey.anonymous) {
        /* Who answered, not what: the log says only that a response came. */
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL2109: a response to anonymous survey %s on %s",
                      v->survey.name, v->survey.page);
    }
    social_pagetitle_note(r, v->page.key);
    social_fragcache_person_seen(r, v->page.who.user, v->page.who.name, v->page.who.email);
    return 0;
}

/* A moderator closes or reopens the survey. */
static int survey_close(request_rec *r, social_survey_view *v, int closed, social_result *res)
{
    social_audit_entry audit;
    social_store_status st;

    if (!v->can_moderate) {
        return social_result_set(res, HTTP_FORBIDDEN, "forbidden",
                                 SOCIAL_MSG(r, "survey.err_moderators"));
    }
    memset(&audit, 0, sizeof(audit));
    audit.actor = v->page.who.user;
    audit.action = closed ? "close" : "reopen";
    audit.target_kind = "survey";
    if ((st = social_store_survey_close(r, v->survey.id, closed,
                                        apr_pstrcat(r->pool, v->survey.page, "#survey-",
                                                    v->survey.name, NULL), &audit)) != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "SOCIAL2111: survey %s on %s %s by %s",
                  v->survey.name, v->survey.page, closed ? "closed" : "reopened", r->user);
    return 0;
}

/* Reloads after a response, keeping the page and viewer. */
static void survey_reload(request_rec *r, social_survey_view *v)
{
    social_survey fresh;
    if (social_store_survey_get(r, v->survey.id, v->page.who.user, &fresh) == SOCIAL_STORE_OK) {
        v->survey = fresh;
    }
    social_survey_view_fill(r->pool, social_request_lang(r), v);
    v->results_loaded = 0;
    if (v->show_results && social_survey_view_results(r, v) != SOCIAL_STORE_OK) {
        v->show_results = 0;
        v->hidden = SOCIAL_MSG(r, "survey.hidden_unavailable");
    }
}

/* ---- JSON API ---- */

static int view_send(request_rec *r, social_survey_view *v)
{
    social_result res;

    if (survey_answers(r, v, &res) != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    return social_request_json_send(r, HTTP_OK,
                                    social_request_json_pool(r, social_survey_view_json(r, v)));
}

/* GET surveys?page=PATH[&name=NAME]. */
static int api_list(request_rec *r)
{
    social_page pg;
    const char *message = NULL, *name = social_request_query_value(r, "name");
    apr_array_header_t *surveys;
    json_t *list;
    social_store_status st;
    int status = social_request_page(r, social_request_query_value(r, "page"), &pg, &message);
    int k;

    if (status != 0) {
        social_result res;
        social_result_page(&res, status, message);
        return social_result_send(r, &res, 0, NULL);
    }
    st = social_store_surveys_list(r, pg.key, pg.who.user, &surveys);
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    list = social_request_json_pool(r, json_array());
    for (k = 0; k < surveys->nelts; k++) {
        social_survey_view v;
        social_result res;

        memset(&v, 0, sizeof(v));
        v.survey = APR_ARRAY_IDX(surveys, k, social_survey);
        v.page = pg;
        social_survey_view_fill(r->pool, social_request_lang(r), &v);
        if (name != NULL) {
            if (strcmp(v.survey.name, name) != 0) {
                continue;
            }
            return view_send(r, &v);
        }
        if (survey_answers(r, &v, &res) != 0) {
            return social_result_send(r, &res, 0, NULL);
        }
        json_array_append_new(list, social_survey_view_json(r, &v));
    }
    if (name != NULL) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "survey.err_no_survey_here"));
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(
        r, json_pack("{s:O}", "surveys", list)));
}

/* {"answers": {NAME: value}} into name -> values. */
static int json_answers(request_rec *r, const social_survey_view *v, json_t *req,
                        apr_hash_t **given, social_result *res)
{
    json_t *answers = json_object_get(req, "answers"), *value;
    const char *name;

    *given = apr_hash_make(r->pool);
    if (!json_is_object(answers)) {
        return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_answers",
                              "answers must be an object of question names and answers",
                              "answers");
    }
    json_object_foreach(answers, name, value) {
        const social_survey_question *q = question_find(&v->survey, name);
        apr_array_header_t *values = apr_array_make(r->pool, 2, sizeof(const char *));
        const char *field = apr_pstrdup(r->pool, name);
        size_t k;

        if (q == NULL) {
            return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "unknown_question",
                                  apr_psprintf(r->pool, "the survey has no question %s",
                                               field), field);
        }
        if (json_is_null(value)) {
            /* unanswered */
        }
        else if (q->type == SOCIAL_QUESTION_SCALE) {
            if (!json_is_integer(value)) {
                return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_answer",
                                      "a scale question takes a number", field);
            }
            APR_ARRAY_PUSH(values, const char *) =
                apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                             (apr_int64_t)json_integer_value(value));
        }
        else if (json_is_string(value)) {
            APR_ARRAY_PUSH(values, const char *) = apr_pstrdup(r->pool,
                                                               json_string_value(value));
        }
        else if (json_is_array(value) && q->type != SOCIAL_QUESTION_TEXT
                 && json_array_size(value) <= SOCIAL_POLL_OPTIONS_MAX) {
            for (k = 0; k < json_array_size(value); k++) {
                json_t *item = json_array_get(value, k);
                if (!json_is_string(item)) {
                    return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_answer",
                                          "choices are strings (the options' labels)", field);
                }
                APR_ARRAY_PUSH(values, const char *) = apr_pstrdup(r->pool,
                                                                   json_string_value(item));
            }
        }
        else {
            return answer_refused(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_answer",
                                  q->type == SOCIAL_QUESTION_TEXT
                                  ? "a text question takes a string"
                                  : "a choice question takes a string or a list of strings",
                                  field);
        }
        apr_hash_set(*given, field, APR_HASH_KEY_STRING, values);
    }
    return 0;
}

static int api_respond(request_rec *r, social_survey_view *v)
{
    int status;
    json_t *req = social_request_json_body(r, &status);
    apr_hash_t *given;
    social_result res;

    if (req == NULL) {
        return status;
    }
    if (json_answers(r, v, req, &given, &res) != 0
        || survey_respond(r, v, given, &res) != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    survey_reload(r, v);
    return social_request_json_send(r, HTTP_OK,
                                    social_request_json_pool(r, social_survey_view_json(r, v)));
}

static int api_results(request_rec *r, social_survey_view *v)
{
    social_result res;

    if (!v->show_results) {
        return social_request_json_error(r, HTTP_FORBIDDEN, "results_hidden",
                                         v->hidden);
    }
    if (survey_answers(r, v, &res) != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r, json_pack(
        "{s:I,s:s,s:i,s:o}", "id", (json_int_t)v->survey.id, "title", v->survey.title,
        "responses", v->survey.responses, "questions", social_survey_results_json(r, v))));
}

/* The responses, one row each: [respondent (not anonymous)], an answer
 * per question (a multiple choice's joined by "; "). Anonymous surveys'
 * rows come in a random order and carry no id. */
static apr_array_header_t *export_rows(request_rec *r, const social_survey_view *v,
                                       const apr_array_header_t *answers,
                                       apr_array_header_t *columns)
{
    const social_survey *s = &v->survey;
    apr_array_header_t *rows = apr_array_make(r->pool, 16, sizeof(const char **));
    int k, j, ncols;
    const char **row = NULL, *last = NULL;

    APR_ARRAY_PUSH(columns, const char *) = s->anonymous ? "response" : "respondent";
    for (k = 0; k < s->questions->nelts; k++) {
        const social_survey_question *q = &APR_ARRAY_IDX(s->questions, k,
                                                         social_survey_question);
        if (!q->removed) {
            APR_ARRAY_PUSH(columns, const char *) = q->name;
        }
    }
    ncols = columns->nelts;
    for (k = 0; k < answers->nelts; k++) {
        const social_survey_answer *a = &APR_ARRAY_IDX(answers, k, social_survey_answer);
        if (row == NULL || strcmp(last, a->response) != 0) {
            row = apr_pcalloc(r->pool, sizeof(char *) * (ncols + 1));
            for (j = 0; j < ncols; j++) {
                row[j] = "";
            }
            row[0] = s->anonymous ? "" : a->user;
            last = a->response;
            APR_ARRAY_PUSH(rows, const char **) = row;
        }
        for (j = 1; j < ncols; j++) {
            if (strcmp(APR_ARRAY_IDX(columns, j, const char *), a->question) == 0) {
                row[j] = *row[j] ? apr_pstrcat(r->pool, row[j], "; ", a->value, NULL)
                                 : a->value;
            }
        }
    }
    if (s->anonymous) {
        for (k = rows->nelts - 1; k > 0; k--) {
            unsigned int x = 0;
            const char **t;
            apr_generate_random_bytes((unsigned char *)&x, sizeof(x));
            j = (int)(x % (unsigned int)(k + 1));
            t = APR_ARRAY_IDX(rows, j, const char **);
            APR_ARRAY_IDX(rows, j, const char **) = APR_ARRAY_IDX(rows, k, const char **);
            APR_ARRAY_IDX(rows, k, const char **) = t;
        }
        for (k = 0; k < rows->nelts; k++) {
            APR_ARRAY_IDX(rows, k, const char **)[0] = apr_itoa(r->pool, k + 1);
        }
    }
    return rows;
}

static int api_export(request_rec *r, social_survey_view *v, int json)
{
    apr_array_header_t *columns = apr_array_make(r->pool, 8, sizeof(const char *)), *rows;
    apr_array_header_t *answers;
    social_result res;
    social_store_status st;
    int k, j;

    if (!v->can_moderate) {
        return social_request_json_error(r, HTTP_FORBIDDEN, "forbidden",
                                         SOCIAL_MSG(r, "survey.err_export_moderators"));
    }
    if (v->survey.anonymous && v->survey.responses < v->survey.min_responses) {
        return social_request_json_error(r, HTTP_FORBIDDEN, "results_hidden",
                                         social_i18n_format(r->pool, social_request_lang(r),
                                                            "survey.hidden_min_responses",
                                                            v->survey.min_responses, NULL));
    }
    if ((st = social_store_survey_answers(r, v->survey.id, &answers)) != SOCIAL_STORE_OK) {
        social_result_store(r, &res, st);
        return social_result_send(r, &res, 0, NULL);
    }
    rows = export_rows(r, v, answers, columns);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL2110: %s exported %d responses of survey %s on %s as %s", r->user,
                  rows->nelts, v->survey.name, v->survey.page, json ? "JSON" : "CSV");
    apr_table_setn(r->headers_out, "Cache-Control", "private, no-store");
    apr_table_setn(r->headers_out, "Content-Disposition",
                   apr_psprintf(r->pool, "attachment; filename=\"survey-%s.%s\"",
                                v->survey.name, json ? "json" : "csv"));
    if (json) {
        json_t *list = json_array();
        for (k = 0; k < rows->nelts; k++) {
            const char **row = APR_ARRAY_IDX(rows, k, const char **);
            json_t *answers = json_object();
            for (j = 1; j < columns->nelts; j++) {
                json_object_set_new(answers, APR_ARRAY_IDX(columns, j, const char *),
                                    json_string(row[j]));
            }
            json_array_append_new(list, v->survey.anonymous
                                  ? json_pack("{s:o}", "answers", answers)
                                  : json_pack("{s:s,s:o}", "respondent", row[0],
                                              "answers", answers));
        }
        return social_request_json_send(r, HTTP_OK, social_request_json_pool(r, json_pack(
            "{s:I,s:s,s:b,s:i,s:o}", "id", (json_int_t)v->survey.id, "title", v->survey.title,
            "anonymous", v->survey.anonymous, "count", rows->nelts, "responses", list)));
    }
    ap_set_content_type(r, "text/csv; charset=utf-8; header=present");
    if (!r->header_only) {
        ap_rputs(social_report_csv_row(r->pool, (const char *const *)columns->elts,
                                       columns->nelts), r);
        for (k = 0; k < rows->nelts; k++) {
            ap_rputs(social_report_csv_row(r->pool, APR_ARRAY_IDX(rows, k, const char *const *),
                                           columns->nelts), r);
        }
    }
    return OK;
}

int social_surveys_api(request_rec *r, const char *rest)
{
    const char *digits, *slash, *what;
    social_result res;
    apr_int64_t id;
    social_survey_view v;
    int status, get_only;

    if (*rest == '\0') {
        if (r->method_number != M_GET) {
            return social_request_method_not_allowed(r, "GET, HEAD");
        }
        return api_list(r);
    }
    digits = rest[0] == '/' ? rest + 1 : "";
    slash = strchr(digits, '/');
    id = social_request_id(digits, slash ? (size_t)(slash - digits) : strlen(digits));
    what = slash ? slash + 1 : "";
    if (id == 0 || (*what && strcmp(what, "response") != 0 && strcmp(what, "results") != 0
                    && strcmp(what, "export.csv") != 0 && strcmp(what, "export.json") != 0)) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "survey.err_no_survey"));
    }
    get_only = *what != '\0' && strcmp(what, "response") != 0;
    if (get_only && r->method_number != M_GET) {
        return social_request_method_not_allowed(r, "GET, HEAD");
    }
    if (*what == '\0' && r->method_number != M_GET && r->method_number != M_PATCH) {
        return social_request_method_not_allowed(r, "GET, HEAD, PATCH");
    }
    if (strcmp(what, "response") == 0 && r->method_number != M_PUT) {
        return social_request_method_not_allowed(r, "PUT");
    }
    if (r->method_number != M_GET && !social_identity_same_origin(r)) {
        return social_request_cross_origin_refused(r);
    }
    memset(&v, 0, sizeof(v));
    status = survey_load(r, id, &v, &res);
    if (status != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    if (strcmp(what, "response") == 0) {
        return api_respond(r, &v);
    }
    if (r->method_number == M_PATCH) {
        json_t *req = social_request_json_body(r, &status);
        social_json_error e;
        int closed;

        if (req == NULL) {
            return status;
        }
        if (social_json_poll_closed(req, &closed, &e) != 0) {
            return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, e.code, e.message);
        }
        if (survey_close(r, &v, closed, &res) != 0) {
            return social_result_send(r, &res, 0, NULL);
        }
        survey_reload(r, &v);
        return social_request_json_send(r, HTTP_OK,
                                        social_request_json_pool(r, social_survey_view_json(r, &v)));
    }
    if (strcmp(what, "results") == 0) {
        return api_results(r, &v);
    }
    if (strncmp(what, "export.", 7) == 0) {
        return api_export(r, &v, strcmp(what, "export.json") == 0);
    }
    return view_send(r, &v);
}

/* ---- forms and fragment ---- */

static int survey_fragment_send(request_rec *r, const social_survey_view *v,
                                const char *status)
{
    apr_size_t len = 0;
    char *html = social_survey_view_render(r, v, status, &len);

    if (html == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return social_request_html_send(r, html, len);
}

/* GET {base}/survey?page=PATH&name=NAME: one survey as the viewer sees it. */
int social_surveys_fragment(request_rec *r)
{
    social_page pg;
    const char *message = NULL, *name = social_request_query_value(r, "name");
    apr_array_header_t *surveys;
    int status, k;

    status = social_request_page(r, social_request_query_value(r, "page"), &pg, &message);
    if (status != 0) {
        return social_request_json_error(r, status, "not_found", message);
    }
    if (social_store_surveys_list(r, pg.key, pg.who.user, &surveys) != SOCIAL_STORE_OK) {
        return social_request_store_error(r, SOCIAL_STORE_DOWN);
    }
    for (k = 0; name != NULL && k < surveys->nelts; k++) {
        social_survey_view v;
        if (strcmp(APR_ARRAY_IDX(surveys, k, social_survey).name, name) != 0) {
            continue;
        }
        memset(&v, 0, sizeof(v));
        v.survey = APR_ARRAY_IDX(surveys, k, social_survey);
        v.page = pg;
        social_survey_view_fill(r->pool, social_request_lang(r), &v);
        if (v.show_results && social_survey_view_results(r, &v) != SOCIAL_STORE_OK) {
            v.show_results = 0;
            v.hidden = SOCIAL_MSG(r, "survey.hidden_unavailable");
        }
        return survey_fragment_send(r, &v, NULL);
    }
    return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                     SOCIAL_MSG(r, "survey.err_no_survey_here"));
}

/* POST {base}/surveys/ID: action=respond, q-NAME=value (repeated for a
 * multiple choice); action=close, reopen (moderators). */
int social_surveys_form(request_rec *r, const char *rest)
{
    apr_int64_t id = social_request_id(rest, strlen(rest));
    apr_table_t *form;
    const char *action;
    social_result res;
    social_survey_view v;
    apr_hash_t *given;
    const apr_array_header_t *fields;
    int status, k;

    if (id == 0) {
        return social_request_form_error(r, HTTP_NOT_FOUND,
                                         SOCIAL_MSG(r, "survey.err_no_survey"), NULL);
    }
    if ((form = social_request_form_read(r, &status)) == NULL) {
        return status;
    }
    memset(&v, 0, sizeof(v));
    status = survey_load(r, id, &v, &res);
    if (status != 0) {
        return social_result_send(r, &res, 1, NULL);
    }
    if (!social_identity_form_token_valid(r, &v.page.who, apr_table_get(form, "token"))) {
        return social_request_form_error(r, HTTP_FORBIDDEN,
                                         SOCIAL_MSG(r, "survey.err_expired"),
                                         v.page.key);
    }
    action = apr_table_get(form, "action");
    if (action != NULL && (strcmp(action, "close") == 0 || strcmp(action, "reopen") == 0)) {
        const char *done = SOCIAL_MSG(r, strcmp(action, "close") == 0 ? "survey.done_closed"
                                                                    : "survey.done_reopened");
        if (survey_close(r, &v, strcmp(action, "close") == 0, &res) != 0) {
            return social_result_send(r, &res, 1, v.page.key);
        }
        survey_reload(r, &v);
        if (social_request_wants_fragment(r)) {
            return survey_fragment_send(r, &v, done);
        }
        apr_table_setn(r->headers_out, "Location",
                       social_request_back_location(r, v.page.key, done,
                                                    apr_pstrcat(r->pool, "survey-",
                                                                v.survey.name, NULL)));
        return HTTP_SEE_OTHER;
    }
    if (action == NULL || strcmp(action, "respond") != 0) {
        return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY,
                                         SOCIAL_MSG(r, "block.msg_survey_form_names_no_action"),
                                         v.page.key);
    }
    given = apr_hash_make(r->pool);
    fields = apr_table_elts(form);
    for (k = 0; k < fields->nelts; k++) {
        const apr_table_entry_t *e = &((const apr_table_entry_t *)fields->elts)[k];
        apr_array_header_t *values;
        if (strncmp(e->key, "q-", 2) != 0) {
            continue;
        }
        values = apr_hash_get(given, e->key + 2, APR_HASH_KEY_STRING);
        if (values == NULL) {
            values = apr_array_make(r->pool, 2, sizeof(const char *));
            apr_hash_set(given, e->key + 2, APR_HASH_KEY_STRING, values);
        }
        APR_ARRAY_PUSH(values, const char *) = e->val;
    }
    if (survey_respond(r, &v, given, &res) != 0) {
        return social_result_send(r, &res, 1, v.page.key);
    }
    survey_reload(r, &v);
    if (social_request_wants_fragment(r)) {
        return survey_fragment_send(r, &v, SOCIAL_MSG(r, "survey.done_saved"));
    }
    apr_table_setn(r->headers_out, "Location",
                   social_request_back_location(r, v.page.key, SOCIAL_MSG(r, "survey.done_saved"),
                                                apr_pstrcat(r->pool, "survey-", v.survey.name,
                                                            NULL)));
    return HTTP_SEE_OTHER;
}
