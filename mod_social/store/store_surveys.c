/* store_surveys.c: surveys as their page markers declare them, who has
 * responded and what was answered.
 *
 * For an anonymous survey nothing joins a person to their answers: the
 * respondent row (survey, user, date) and the response row (random id,
 * survey, NULL user, no time) share nothing but the survey. */
#include "store_internal.h"
#include "marker.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <string.h>
#include <http_log.h>

APLOG_USE_MODULE(social);

#define SURVEY_SELECT \
    "SELECT s.id, p.path, s.name, s.title, s.anonymous, COALESCE(s.closes_at, 0), " \
    "s.results, s.min_responses, p.locked, " \
    "(SELECT COUNT(*) FROM social_survey_responses x WHERE x.survey_id = s.id), " \
    "(SELECT COUNT(*) FROM social_survey_respondents x WHERE x.survey_id = s.id " \
    "AND x.user = :viewer), s.closed " \
    "FROM social_surveys s JOIN social_pages p ON p.id = s.page_id"

#define ANSWER_SELECT \
    "SELECT a.response_id, a.question, a.value, COALESCE(o.user, '') " \
    "FROM social_survey_answers a " \
    "JOIN social_survey_responses o ON o.id = a.response_id "

static const social_statement surveys_statements[] = {
    { "social_survey_find",
      "SELECT s.id, s.definition FROM social_surveys s JOIN social_pages p ON p.id = s.page_id "
      "WHERE p.site = :site AND p.path = :page AND s.name = :name" },
    { "social_survey_upsert",
      "INSERT INTO social_surveys (page_id, name, title, anonymous, closes_at, results, "
      "min_responses, definition) VALUES (:page_id, :name, :title, :anonymous, "
      "NULLIF(:closes, '0'), :results, :min_responses, :definition) "
      "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), title = VALUES(title), "
      "anonymous = VALUES(anonymous), closes_at = VALUES(closes_at), "
      "results = VALUES(results), min_responses = VALUES(min_responses), "
      "definition = VALUES(definition), updated_at = CURRENT_TIMESTAMP(3)" },
    { "social_survey_unlink",
      "UPDATE social_survey_responses SET user = NULL "
      "WHERE survey_id = :survey AND user IS NOT NULL" },
    { "social_survey_question_names",
      "SELECT name, removed FROM social_survey_questions WHERE survey_id = :survey" },
    { "social_survey_question_upsert",
      "INSERT INTO social_survey_questions (survey_id, name, position, type, label, options, "
      "scale_min, scale_max, required, removed) VALUES (:survey, :name, :position, :type, "
      ":label, :options, :min, :max, :required, 0) "
      "ON DUPLICATE KEY UPDATE position = VALUES(position), type = VALUES(type), "
      "label = VALUES(label), options = VALUES(options), scale_min = VALUES(scale_min), "
      "scale_max = VALUES(scale_max), required = VALUES(required), removed = 0" },
    { "social_survey_question_remove",
      "UPDATE social_survey_questions SET removed = 1 WHERE survey_id = :survey AND name = :name" },
    { "social_surveys_list",
      SURVEY_SELECT " WHERE p.site = :site AND p.path = :page ORDER BY s.id" },
    { "social_survey_get",
      SURVEY_SELECT " WHERE s.id = :survey AND p.site = :site" },
    { "social_survey_questions",
      "SELECT name, position, type, label, options, scale_min, scale_max, required, removed "
      "FROM social_survey_questions WHERE survey_id = :survey ORDER BY position, name" },
    { "social_survey_mine",
      ANSWER_SELECT "WHERE o.survey_id = :survey AND o.user = :viewer "
      "ORDER BY a.question, a.seq" },
    { "social_survey_answers",
      ANSWER_SELECT "WHERE o.survey_id = :survey ORDER BY a.response_id, a.question, a.seq" },
    { "social_survey_tally",
      "SELECT a.question, a.value, COUNT(*) FROM social_survey_answers a "
      "JOIN social_survey_responses o ON o.id = a.response_id "
      "JOIN social_survey_questions q ON q.survey_id = o.survey_id AND q.name = a.question "
      "WHERE o.survey_id = :survey AND q.type <> 'text' GROUP BY a.question, a.value" },
    { "social_survey_answered",
      "SELECT a.question, '', COUNT(DISTINCT a.response_id) FROM social_survey_answers a "
      "JOIN social_survey_responses o ON o.id = a.response_id "
      "WHERE o.survey_id = :survey GROUP BY a.question" },
    { "social_survey_texts",
      "SELECT t.question, t.value, 1 FROM (SELECT a.question, a.value, "
      "ROW_NUMBER() OVER (PARTITION BY a.question ORDER BY a.response_id) AS n "
      "FROM social_survey_answers a JOIN social_survey_responses o ON o.id = a.response_id "
      "JOIN social_survey_questions q ON q.survey_id = o.survey_id AND q.name = a.question "
      "WHERE o.survey_id = :survey AND q.type = 'text') t "
      "WHERE t.n <= " APR_STRINGIFY(SOCIAL_SURVEY_TEXTS_SHOWN) },
    { "social_survey_closed",
      "UPDATE social_surveys SET closed = :closed WHERE id = :survey" },
    { "social_survey_respondent_new",
      "INSERT IGNORE INTO social_survey_respondents (survey_id, user, responded_on) "
      "VALUES (:survey, :user, UTC_DATE())" },
    { "social_survey_respondent_mark",
      "INSERT INTO social_survey_respondents (survey_id, user, responded_on) "
      "VALUES (:survey, :user, UTC_DATE()) "
      "ON DUPLICATE KEY UPDATE responded_on = UTC_DATE()" },
    { "social_survey_response_drop",
      "DELETE FROM social_survey_responses WHERE survey_id = :survey AND user = :user" },
    { "social_survey_response_add",
      "INSERT INTO social_survey_responses (id, survey_id, user) "
      "VALUES (:id, :survey, NULLIF(:user, ''))" },
    { "social_survey_answer_add",
      "INSERT INTO social_survey_answers (response_id, question, seq, value) "
      "VALUES (:id, :question, :seq, :value)" },
};
SOCIAL_STATEMENT_TABLE(social_store_surveys_statements, surveys_statements);

/* ---- sync ---- */

typedef struct {
    const char *name;
    int removed;
} stored_name;

static const social_store_column stored_name_columns[] = {
    STORE_COLUMN(0, TEXT, stored_name, name), STORE_COLUMN(1, INT, stored_name, removed),
};

typedef struct {
    const char *page;
    const social_survey_def *def;
    const apr_array_header_t *questions;
    apr_int64_t id;
} survey_txn;

static social_store_status survey_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    survey_txn *t = data;
    const social_survey_def *def = t->def;
    apr_int64_t page_id = 0;
    apr_array_header_t *stored;
    const char *survey;
    int k, j;
    social_store_status st = social_store_page_id(r, dbd, t->page, 1, &page_id);

    if (st == SOCIAL_STORE_OK) {
        st = social_store_run(
            r, dbd, "social_survey_upsert",
            STORE_ARGS({ "page_id", social_store_int_arg(r, page_id) }, { "name", def->name },
                       { "title", def->title }, { "anonymous", def->anonymous ? "1" : "0" },
                       { "closes", social_store_int_arg(r, apr_time_sec(def->closes)) },
                       { "results", social_survey_results_name(def->results) },
                       { "min_responses", apr_itoa(r->pool, def->min_responses) },
                       { "definition", def->definition }),
            NULL);
    }
    if (st == SOCIAL_STORE_OK) {
        st = social_store_last_id(r, dbd, &t->id);
    }
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    survey = social_store_int_arg(r, t->id);
    if (def->anonymous) {
        /* A survey made anonymous forgets whose its responses were. */
        st = social_store_run(r, dbd, "social_survey_unlink",
                              STORE_ARGS({ "survey", survey }), NULL);
    }
    stored = apr_array_make(r->pool, 8, sizeof(stored_name));
    if (st == SOCIAL_STORE_OK) {
        st = social_store_list(r, dbd, "social_survey_question_names",
                               STORE_ARGS({ "survey", survey }),
                               STORE_COLUMNS(stored_name_columns), stored);
    }
    for (k = 0; st == SOCIAL_STORE_OK && k < t->questions->nelts; k++) {
        const social_question_def *q = &APR_ARRAY_IDX(t->questions, k, social_question_def);
        st = social_store_run(
            r, dbd, "social_survey_question_upsert",
            STORE_ARGS({ "survey", survey }, { "name", q->name },
                       { "position", apr_itoa(r->pool, k) },
                       { "type", social_question_type_name(q->type) }, { "label", q->label },
                       { "options", q->options_text }, { "min", apr_itoa(r->pool, q->min) },
                       { "max", apr_itoa(r->pool, q->max) },
                       { "required", q->required ? "1" : "0" }),
            NULL);
    }
    for (j = 0; st == SOCIAL_STORE_OK && j < stored->nelts; j++) {
        const stored_name *s = &APR_ARRAY_IDX(stored, j, stored_name);
        for (k = 0; k < t->questions->nelts
             && strcmp(APR_ARRAY_IDX(t->questions, k, social_question_def).name, s->name) != 0;
             k++) {
        }
        if (k < t->questions->nelts || s->removed) {
            continue;
        }
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "SOCIAL2101: survey %s on %s: question \"%s\" is no longer in the "
                      "page; its answers are kept but not shown", def->name, t->page, s->name);
        st = social_store_run(r, dbd, "social_survey_question_remove",
                              STORE_ARGS({ "survey", survey }, { "name", s->name }), NULL);
    }
    return st;
}

typedef struct {
    apr_int64_t id;
    const char *definition;
} survey_stored;

static const social_store_column survey_stored_columns[] = {
    STORE_COLUMN(0, INT64, survey_stored, id), STORE_COLUMN(1, TEXT, survey_stored, definition),
};

social_store_status social_store_survey_sync(request_rec *r, const char *page,
                                             const struct social_survey_def *def,
                                             const apr_array_header_t *questions,
                                             apr_int64_t *id)
{
    ap_dbd_t *dbd;
    survey_txn t = { page, def, questions, 0 };
    survey_stored stored = { 0, NULL };
    const char *definition = def->definition;
    social_store_status st;
    int k;

    for (k = 0; k < questions->nelts; k++) {
        definition = apr_pstrcat(r->pool, definition, "|",
                                 APR_ARRAY_IDX(questions, k, social_question_def).definition,
                                 NULL);
    }
    st = social_store_record(r, social_store_reader(r), "social_survey_find",
                             STORE_ARGS({ "page", page }, { "name", def->name }),
                             STORE_COLUMNS(survey_stored_columns), &stored);
    if (st == SOCIAL_STORE_OK) {
        *id = stored.id;
    }
    else if (st != SOCIAL_STORE_NOT_FOUND) {
        return st;
    }
    if (stored.definition != NULL && strcmp(stored.definition, definition) == 0) {
        return SOCIAL_STORE_OK;
    }
    if ((dbd = social_store_writer(r)) == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    {
        social_survey_def whole = *def;
        whole.definition = definition;
        t.def = &whole;
        st = social_store_transaction(r, dbd, survey_write, &t);
    }
    if (st == SOCIAL_STORE_OK) {
        *id = t.id;
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "SOCIAL2100: survey %s on %s %s from its markers (%d questions)",
                      def->name, page, stored.definition ? "updated" : "created",
                      questions->nelts);
    }
    return st;
}

/* ---- reading ---- */

static const social_store_column survey_columns[] = {
    STORE_COLUMN(0, INT64, social_survey, id), STORE_COLUMN(1, TEXT, social_survey, page),
    STORE_COLUMN(2, TEXT, social_survey, name), STORE_COLUMN(3, TEXT, social_survey, title),
    STORE_COLUMN(4, INT, social_survey, anonymous), STORE_COLUMN(5, TIME, social_survey, closes),
    STORE_COLUMN(7, INT, social_survey, min_responses),
    STORE_COLUMN(8, INT, social_survey, locked), STORE_COLUMN(9, INT, social_survey, responses),
    STORE_COLUMN(10, FLAG, social_survey, responded),
    STORE_COLUMN(11, INT, social_survey, closed),
};

static void survey_from_row(const social_store_row *row, void *element)
{
    social_survey *s = element;
    social_store_columns(row, STORE_COLUMNS(survey_columns), s);
    s->results = social_survey_results_parse(social_store_row_raw(row, 6));
}

#define QUESTION_COLUMN(n, kind, field) STORE_COLUMN(n, kind, social_survey_question, field)
static const social_store_column question_columns[] = {
    QUESTION_COLUMN(0, TEXT, name), QUESTION_COLUMN(1, INT, position),
    QUESTION_COLUMN(3, TEXT, label), QUESTION_COLUMN(4, TEXT, options),
    QUESTION_COLUMN(5, INT, min), QUESTION_COLUMN(6, INT, max),
    QUESTION_COLUMN(7, INT, required), QUESTION_COLUMN(8, INT, removed),
};

static void question_from_row(const social_store_row *row, void *element)
{
    social_survey_question *q = element;
    social_store_columns(row, STORE_COLUMNS(question_columns), q);
    q->type = social_question_type_parse(social_store_row_raw(row, 2));
}

#define ANSWER_COLUMN(n, field) STORE_COLUMN(n, TEXT, social_survey_answer, field)
static const social_store_column answer_columns[] = {
    ANSWER_COLUMN(0, response), ANSWER_COLUMN(1, question), ANSWER_COLUMN(2, value),
    ANSWER_COLUMN(3, user),
};

/* The questions and the viewer's answers of s. */
static social_store_status survey_complete(request_rec *r, ap_dbd_t *dbd, social_survey *s,
                                           const char *viewer)
{
    const char *survey = social_store_int_arg(r, s->id);
    social_store_status st;

    s->questions = apr_array_make(r->pool, 8, sizeof(social_survey_question));
    s->mine = apr_array_make(r->pool, 8, sizeof(social_survey_answer));
    st = social_store_array(r, dbd, "social_survey_questions", STORE_ARGS({ "survey", survey }),
                            s->questions, question_from_row);
    if (st == SOCIAL_STORE_OK && !s->anonymous && viewer != NULL && *viewer != '\0') {
        st = social_store_list(r, dbd, "social_survey_mine",
                               STORE_ARGS({ "survey", survey }, { "viewer", viewer }),
                               STORE_COLUMNS(answer_columns), s->mine);
    }
    return st;
}

social_store_status social_store_surveys_list(request_rec *r, const char *page,
                                              const char *viewer, apr_array_header_t **surveys)
{
    ap_dbd_t *dbd = social_store_reader(r);
    social_store_status st;
    int k;

    *surveys = apr_array_make(r->pool, 2, sizeof(social_survey));
    st = social_store_array(r, dbd, "social_surveys_list",
                            STORE_ARGS({ "viewer", viewer ? viewer : "" }, { "page", page }),
                            *surveys, survey_from_row);
    for (k = 0; st == SOCIAL_STORE_OK && k < (*surveys)->nelts; k++) {
        st = survey_complete(r, dbd, &APR_ARRAY_IDX(*surveys, k, social_survey), viewer);
    }
    return st;
}

social_store_status social_store_survey_get(request_rec *r, apr_int64_t id,
                                            const char *viewer, social_survey *survey)
{
    ap_dbd_t *dbd = social_store_reader(r);
    apr_array_header_t *found = apr_array_make(r->pool, 1, sizeof(social_survey));
    social_store_status st = social_store_array(
        r, dbd, "social_survey_get",
        STORE_ARGS({ "viewer", viewer ? viewer : "" }, { "survey", social_store_int_arg(r, id) }),
        found, survey_from_row);

    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    if (found->nelts == 0) {
        return SOCIAL_STORE_NOT_FOUND;
    }
    *survey = APR_ARRAY_IDX(found, 0, social_survey);
    return survey_complete(r, dbd, survey, viewer);
}

static const social_store_column tally_columns[] = {
    STORE_COLUMN(0, TEXT, social_survey_tally, question),
    STORE_COLUMN(1, TEXT, social_survey_tally, value),
    STORE_COLUMN(2, INT, social_survey_tally, count),
};

social_store_status social_store_survey_results(request_rec *r, apr_int64_t id,
                                                apr_array_header_t **tally,
                                                apr_array_header_t **answered,
                                                apr_array_header_t **texts)
{
    ap_dbd_t *dbd = social_store_reader(r);
    const char *survey = social_store_int_arg(r, id);
    social_store_status st;

    *tally = apr_array_make(r->pool, 16, sizeof(social_survey_tally));
    *answered = apr_array_make(r->pool, 8, sizeof(social_survey_tally));
    *texts = apr_array_make(r->pool, 8, sizeof(social_survey_tally));
    st = social_store_list(r, dbd, "social_survey_tally", STORE_ARGS({ "survey", survey }),
                           STORE_COLUMNS(tally_columns), *tally);
    if (st == SOCIAL_STORE_OK) {
        st = social_store_list(r, dbd, "social_survey_answered",
                               STORE_ARGS({ "survey", survey }), STORE_COLUMNS(tally_columns),
                               *answered);
    }
    if (st == SOCIAL_STORE_OK) {
        st = social_store_list(r, dbd, "social_survey_texts", STORE_ARGS({ "survey", survey }),
                               STORE_COLUMNS(tally_columns), *texts);
    }
    return st;
}

typedef struct {
    apr_int64_t id;
    int closed;
    const char *target;
    const social_audit_entry *audit;
} close_txn;

static social_store_status close_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    close_txn *t = data;
    social_store_status st = social_store_run(
        r, dbd, "social_survey_closed",
        STORE_ARGS({ "closed", t->closed ? "1" : "0" },
                   { "survey", social_store_int_arg(r, t->id) }), NULL);

    return st == SOCIAL_STORE_OK ? social_store_audit_write(r, dbd, t->audit, t->id, t->target) : st;
}

social_store_status social_store_survey_close(request_rec *r, apr_int64_t id, int closed,
                                              const char *target,
                                              const struct social_audit_entry *audit)
{
    ap_dbd_t *dbd = social_store_writer(r);
    close_txn t = { id, closed, target, audit };

    return dbd ? social_store_transaction(r, dbd, close_write, &t) : SOCIAL_STORE_DOWN;
}

social_store_status social_store_survey_answers(request_rec *r, apr_int64_t id,
                                                apr_array_header_t **answers)
{
    *answers = apr_array_make(r->pool, 16, sizeof(social_survey_answer));
    return social_store_list(r, social_store_reader(r), "social_survey_answers",
                             STORE_ARGS({ "survey", social_store_int_arg(r, id) }),
                             STORE_COLUMNS(answer_columns), *answers);
}

/* ---- responding ---- */

typedef struct {
    apr_int64_t id;
    int anonymous;
    const char *user;
    const apr_array_header_t *answers;
    int taken;                 /* anonymous: the person had responded */
} respond_txn;

static social_store_status respond_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    respond_txn *t = data;
    const char *survey = social_store_int_arg(r, t->id);
    unsigned char random[16];
    char *response = apr_palloc(r->pool, 33);
    social_store_status st;
    int affected = 0, k, seq = 0;
    const char *last_question = "";

    /* The respondent row first: racing responses of one person queue on
     * its key. */
    if (t->anonymous) {
        st = social_store_run(r, dbd, "social_survey_respondent_new",
                              STORE_ARGS({ "survey", survey }, { "user", t->user }), &affected);
        if (st == SOCIAL_STORE_OK && affected == 0) {
            t->taken = 1;
            return SOCIAL_STORE_OK;
        }
    }
    else {
        st = social_store_run(r, dbd, "social_survey_respondent_mark",
                              STORE_ARGS({ "survey", survey }, { "user", t->user }), NULL);
        if (st == SOCIAL_STORE_OK) {
            st = social_store_run(r, dbd, "social_survey_response_drop",
                                  STORE_ARGS({ "survey", survey }, { "user", t->user }), NULL);
        }
    }
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    /* 128 random bits: no order, nothing in common with the respondent. */
    if (apr_generate_random_bytes(random, sizeof(random)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL2103: no random bytes for a survey response id");
        return SOCIAL_STORE_FAILED;
    }
    for (k = 0; k < 16; k++) {
        apr_snprintf(response + 2 * k, 3, "%02x", random[k]);
    }
    st = social_store_run(r, dbd, "social_survey_response_add",
                          STORE_ARGS({ "id", response }, { "survey", survey },
                                     { "user", t->anonymous ? "" : t->user }), NULL);
    for (k = 0; st == SOCIAL_STORE_OK && k < t->answers->nelts; k++) {
        const social_survey_answer *a = &APR_ARRAY_IDX(t->answers, k, social_survey_answer);
        seq = strcmp(a->question, last_question) == 0 ? seq + 1 : 0;
        last_question = a->question;
        st = social_store_run(r, dbd, "social_survey_answer_add",
                              STORE_ARGS({ "id", response }, { "question", a->question },
                                         { "seq", apr_itoa(r->pool, seq) },
                                         { "value", a->value }), NULL);
    }
    return st;
}

social_store_status social_store_survey_respond(request_rec *r, apr_int64_t id, int anonymous,
                                                const char *user,
                                                const apr_array_header_t *answers)
{
    ap_dbd_t *dbd = social_store_writer(r);
    respond_txn t = { id, anonymous, user, answers, 0 };
    social_store_status st;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = social_store_transaction(r, dbd, respond_write, &t);
    return st == SOCIAL_STORE_OK && t.taken ? SOCIAL_STORE_REPLAYED : st;
}
