/* markers.c: the marker handlers of the output filter. */
#include <string.h>

#include <apr_strings.h>
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>

#include "config.h"
#include "markers.h"
#include "idea_view.h"
#include "poll_view.h"
#include "render.h"
#include "request.h"
#include "store.h"
#include "survey_view.h"

APLOG_USE_MODULE(social);

/* Count markers rendered with their numbers per page (Inline); more are
 * left to the widget. */
#define SOCIAL_COUNT_MARKERS_MAX SOCIAL_STORE_COUNTS_MANY_MAX

/* Polls per page: more poll markers are left alone (a page of thousands
 * of markers must not turn a page view into thousands of writes). */
#define SOCIAL_POLL_MARKERS_MAX 20

/* Surveys per page, likewise. */
#define SOCIAL_SURVEY_MARKERS_MAX 10
/* Entries of one listing given counts (each asks the access question:
 * a subrequest); the others get their "Discuss" link alone. */
#define SOCIAL_LISTING_ENTRIES_MAX 1000

typedef struct {
    const char *text;           /* the marker, parsed again when resolved;
                                   NULL: a listing entry */
    apr_size_t text_len;
    const char *key;            /* the page counted (the viewer may read it) */
    const char *placeholder;    /* once resolved */
    apr_size_t placeholder_len;
    const social_survey_def *survey;   /* a survey's place, not a count */
} pending_count;

struct social_markers {
    request_rec *r;
    const char *page_key;
    int inline_mode;
    int polls_seen;
    int boards_seen;
    int counts_seen;            /* count markers rendered with a number */
    apr_array_header_t *counts; /* pending_count (surveys waiting for questions,
                                   listing entries) */
    apr_array_header_t *questions;  /* social_question_def seen so far */
    apr_array_header_t *resolved;   /* const char *: surveys made, by name */
    int surveys_seen;
    int entries_seen;           /* listing entries given a count */
    const char *text;           /* the marker being handled */
    apr_size_t text_len;
};

typedef social_markers_result (*marker_handler)(social_markers *ms, const social_marker *m,
                                                const char **placeholder, apr_size_t *len,
                                                int *pending);

social_markers *social_markers_make(request_rec *r, const char *page_key, int inline_mode)
{
    social_markers *ms = apr_pcalloc(r->pool, sizeof(*ms));
    ms->r = r;
    ms->page_key = page_key;
    ms->inline_mode = inline_mode;
    ms->counts = apr_array_make(r->pool, 4, sizeof(pending_count));
    ms->questions = apr_array_make(r->pool, 4, sizeof(social_question_def));
    ms->resolved = apr_array_make(r->pool, 2, sizeof(const char *));
    return ms;
}

static social_markers_result thread_marker(social_markers *ms, const social_marker *m,
                                           const char **placeholder, apr_size_t *len,
                                           int *pending)
{
    (void)ms; (void)m; (void)placeholder; (void)len; (void)pending;
    return SOCIAL_MARKERS_BLOCK_HERE;
}

static social_markers_result poll_marker(social_markers *ms, const social_marker *m,
                                         const char **placeholder, apr_size_t *len,
                                         int *pending)
{
    request_rec *r = ms->r;
    social_poll_def def;
    const char *inner, *why = social_poll_def_parse(r->pool, m, &def);

    (void)pending;
    if (why == NULL && ++ms->polls_seen > SOCIAL_POLL_MARKERS_MAX) {
        why = "more than " APR_STRINGIFY(SOCIAL_POLL_MARKERS_MAX) " polls on one page";
    }
    if (why != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL0207: poll marker on %s left alone: %s", r->uri, why);
        return SOCIAL_MARKERS_IGNORED;
    }
    inner = social_polls_marker(r, ms->page_key, &def, ms->inline_mode, len);
    *placeholder = social_render_poll(r->pool, def.name, inner, len);
    return SOCIAL_MARKERS_PLACEHOLDER;
}

static int survey_named(const apr_array_header_t *names, const char *name)
{
    int k;
    for (k = 0; k < names->nelts; k++) {
        if (strcmp(APR_ARRAY_IDX(names, k, const char *), name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* A survey waits for its questions (those before it and those up to the
 * point the page's bytes are next passed on): its place is filled when
 * the counts are read. */
static social_markers_result survey_marker(social_markers *ms, const social_marker *m,
                                           const char **placeholder, apr_size_t *len,
                                           int *pending)
{
    request_rec *r = ms->r;
    social_survey_def *def = apr_pcalloc(r->pool, sizeof(*def));
    const char *why = social_survey_def_parse(r->pool, m, def);
    pending_count *c;
    int k;

    (void)placeholder; (void)len;
    if (why == NULL && ++ms->surveys_seen > SOCIAL_SURVEY_MARKERS_MAX) {
        why = "more than " APR_STRINGIFY(SOCIAL_SURVEY_MARKERS_MAX) " surveys on one page";
    }
    for (k = 0; why == NULL && k < ms->counts->nelts; k++) {
        const pending_count *other = &APR_ARRAY_IDX(ms->counts, k, pending_count);
        if (other->survey != NULL && strcmp(other->survey->name, def->name) == 0) {
            why = "a survey of that name came earlier on the page";
        }
    }
    if (why == NULL && survey_named(ms->resolved, def->name)) {
        why = "a survey of that name came earlier on the page";
    }
    if (why != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL2105: survey marker on %s left alone: %s", r->uri, why);
        return SOCIAL_MARKERS_IGNORED;
    }
    c = apr_array_push(ms->counts);
    memset(c, 0, sizeof(*c));
    c->survey = def;
    *pending = ms->counts->nelts - 1;
    return SOCIAL_MARKERS_PENDING;
}

/* A question joins its survey; nothing is added where it stands. */
static social_markers_result question_marker(social_markers *ms, const social_marker *m,
                                             const char **placeholder, apr_size_t *len,
                                             int *pending)
{
    request_rec *r = ms->r;
    social_question_def def;
    const char *why = social_question_def_parse(r->pool, m, &def);
    int k;

    (void)placeholder; (void)len; (void)pending;
    if (why == NULL && ms->questions->nelts >= SOCIAL_SURVEY_MARKERS_MAX
                                              * SOCIAL_SURVEY_QUESTIONS_MAX) {
        why = "too many questions on one page";
    }
    for (k = 0; why == NULL && k < ms->questions->nelts; k++) {
        const social_question_def *q = &APR_ARRAY_IDX(ms->questions, k, social_question_def);
        if (strcmp(q->survey, def.survey) == 0 && strcmp(q->name, def.name) == 0) {
            why = "a question of that name came earlier in the survey";
        }
    }
    if (why != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL2106: question marker on %s left alone: %s", r->uri, why);
        return SOCIAL_MARKERS_IGNORED;
    }
    if (survey_named(ms->resolved, def.survey)) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "SOCIAL2102: question %s of survey %s on %s comes too far after its "
                      "survey marker (more than 64 KB of page): it is left out; put the "
                      "questions nearer the survey marker", def.name, def.survey, r->uri);
        return SOCIAL_MARKERS_IGNORED;
    }
    *(social_question_def *)apr_array_push(ms->questions) = def;
    return SOCIAL_MARKERS_IGNORED;
}

/* Ideas boards per page, as polls. */
#define SOCIAL_IDEAS_MARKERS_MAX 5

static social_markers_result ideas_marker(social_markers *ms, const social_marker *m,
                                          const char **placeholder, apr_size_t *len,
                                          int *pending)
{
    request_rec *r = ms->r;
    social_ideas_def def;
    const char *inner, *why = social_ideas_def_parse(r->pool, m, &def);

    (void)pending;
    if (why == NULL && ++ms->boards_seen > SOCIAL_IDEAS_MARKERS_MAX) {
        why = "more than " APR_STRINGIFY(SOCIAL_IDEAS_MARKERS_MAX) " ideas boards on one page";
    }
    if (why != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL2007: ideas marker on %s left alone: %s", r->uri, why);
        return SOCIAL_MARKERS_IGNORED;
    }
    inner = social_ideas_marker(r, ms->page_key, &def, ms->inline_mode, len);
    *placeholder = social_render_ideas(r->pool, def.name, inner, len);
    return SOCIAL_MARKERS_PLACEHOLDER;
}

/* Any other kind: its placeholder, empty (the widget fills it). */
static social_markers_result plain_marker(social_markers *ms, const social_marker *m,
                                          const char **placeholder, apr_size_t *len,
                                          int *pending)
{
    (void)pending;
    *placeholder = social_render_marker(ms->r->pool, m, NULL, len);
    return *placeholder != NULL ? SOCIAL_MARKERS_PLACEHOLDER : SOCIAL_MARKERS_BAD;
}

static social_markers_result count_marker(social_markers *ms, const social_marker *m,
                                          const char **placeholder, apr_size_t *len,
                                          int *pending)
{
    request_rec *r = ms->r;
    const char *key, *message;
    const social_dir_conf *dc;
    pending_count *c;

    if (!ms->inline_mode || ms->counts_seen >= SOCIAL_COUNT_MARKERS_MAX
        || (key = social_render_marker_page(r->pool, m)) == NULL
        /* Counts of a page the reader may not open tell nothing. */
        || social_request_page_access(r, key, NULL, &key, &dc, &message) != 0) {
        return plain_marker(ms, m, placeholder, len, pending);
    }
    ms->counts_seen++;
    c = apr_array_push(ms->counts);
    memset(c, 0, sizeof(*c));
    c->text = apr_pstrmemdup(r->pool, ms->text, ms->text_len);
    c->text_len = ms->text_len;
    c->key = key;
    *pending = ms->counts->nelts - 1;
    return SOCIAL_MARKERS_PENDING;
}

social_markers_result social_markers_entry(social_markers *ms, const char *path,
                                           const char **placeholder, apr_size_t *len,
                                           int *pending)
{
    request_rec *r = ms->r;
    const char *key, *message;
    const social_dir_conf *dc;
    pending_count *c;

    *pending = -1;
    if (ms->entries_seen >= SOCIAL_LISTING_ENTRIES_MAX) {
        *placeholder = social_render_listing_entry(r->pool, social_request_lang(r),
                                                   social_request_discuss_url(r, path), -1, len);
        return SOCIAL_MARKERS_PLACEHOLDER;
    }
    if (social_request_page_access(r, path, NULL, &key, &dc, &message) != 0) {
        return SOCIAL_MARKERS_IGNORED;
    }
    ms->entries_seen++;
    c = apr_array_push(ms->counts);
    memset(c, 0, sizeof(*c));
    c->key = key;
    *pending = ms->counts->nelts - 1;
    return SOCIAL_MARKERS_PENDING;
}

static const struct {
    const char *kind;
    marker_handler handle;
} handlers[] = {
    { "discussion", thread_marker },   /* the documented name */
    { "thread", thread_marker },       /* its first name, still honoured */
    { "poll", poll_marker },
    { "ideas", ideas_marker },
    { "survey", survey_marker },
    { "question", question_marker },
    { "count", count_marker },
};

social_markers_result social_markers_handle(social_markers *ms, const char *text,
                                            apr_size_t text_len, const char **placeholder,
                                            apr_size_t *len, int *pending)
{
    social_marker m;
    size_t k;

    *placeholder = NULL;
    *len = 0;
    *pending = -1;
    if (social_marker_parse(text, text_len, &m) != 0) {
        return SOCIAL_MARKERS_BAD;
    }
    ms->text = text;
    ms->text_len = text_len;
    for (k = 0; k < sizeof(handlers) / sizeof(handlers[0]); k++) {
        if (social_marker_is(&m, handlers[k].kind)) {
            return handlers[k].handle(ms, &m, placeholder, len, pending);
        }
    }
    return plain_marker(ms, &m, placeholder, len, pending);
}

int social_markers_pending(const social_markers *ms)
{
    return ms->counts->nelts;
}

/* Makes survey c exist with the questions seen and fills its place. */
static void survey_resolve(social_markers *ms, pending_count *c)
{
    request_rec *r = ms->r;
    apr_array_header_t *questions = apr_array_make(r->pool, 8, sizeof(social_question_def));
    const char *inner;
    apr_size_t len = 0;
    int k;

    for (k = 0; k < ms->questions->nelts; k++) {
        const social_question_def *q = &APR_ARRAY_IDX(ms->questions, k, social_question_def);
        if (strcmp(q->survey, c->survey->name) == 0) {
            if (questions->nelts == SOCIAL_SURVEY_QUESTIONS_MAX) {
                ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                              "SOCIAL2107: survey %s on %s has more than %d questions: "
                              "the rest are left out", c->survey->name, r->uri,
                              SOCIAL_SURVEY_QUESTIONS_MAX);
                break;
            }
            *(social_question_def *)apr_array_push(questions) = *q;
        }
    }
    APR_ARRAY_PUSH(ms->resolved, const char *) = c->survey->name;
    inner = social_surveys_marker(r, ms->page_key, c->survey, questions, ms->inline_mode, &len);
    c->placeholder = social_render_survey(r->pool, c->survey->name, inner, &c->placeholder_len);
}

void social_markers_counts_resolve(social_markers *ms)
{
    request_rec *r = ms->r;
    int n = ms->counts->nelts, k, ok = 1, ncounts = 0;
    const char **pages = apr_palloc(r->pool, sizeof(*pages) * (n + 1));
    int *numbers = apr_pcalloc(r->pool, sizeof(*numbers) * (n + 1));
    int *slot = apr_pcalloc(r->pool, sizeof(*slot) * (n + 1));

    for (k = 0; k < n; k++) {
        pending_count *c = &APR_ARRAY_IDX(ms->counts, k, pending_count);
        if (c->survey == NULL) {
            slot[k] = ncounts;
            pages[ncounts++] = c->key;
        }
    }
    /* One statement per SOCIAL_STORE_COUNTS_MANY_MAX pages (a listing
     * may hold more pending entries than that). */
    for (k = 0; k < ncounts && ok; k += SOCIAL_STORE_COUNTS_MANY_MAX) {
        int batch = ncounts - k < SOCIAL_STORE_COUNTS_MANY_MAX
                    ? ncounts - k : SOCIAL_STORE_COUNTS_MANY_MAX;
        ok = social_store_counts_many(r, batch, pages + k, numbers + k) == SOCIAL_STORE_OK;
    }
    for (k = 0; k < n; k++) {
        pending_count *c = &APR_ARRAY_IDX(ms->counts, k, pending_count);
        social_marker m;

        if (c->survey != NULL) {
            survey_resolve(ms, c);
            continue;
        }
        if (c->text == NULL) {
            /* a listing entry */
            c->placeholder = social_render_listing_entry(
                r->pool, social_request_lang(r), social_request_page_href(r, c->key),
                ok ? numbers[slot[k]] : -1,
                &c->placeholder_len);
            continue;
        }
        if (!ok) {
            ms->counts_seen--;  /* a count not shown leaves its place to another */
        }
        if (social_marker_parse(c->text, c->text_len, &m) != 0) {
            c->placeholder = "";
            continue;
        }
        c->placeholder = social_render_marker(r->pool, &m, ok
            ? social_render_count_link(r->pool, social_request_page_href(r, c->key),
                                       numbers[slot[k]])
            : NULL,
            &c->placeholder_len);
        if (c->placeholder == NULL) {
            c->placeholder = "";
            c->placeholder_len = 0;
        }
    }
}

const char *social_markers_count_placeholder(const social_markers *ms, int k,
                                             apr_size_t *len)
{
    const pending_count *c = &APR_ARRAY_IDX(ms->counts, k, pending_count);
    *len = c->placeholder_len;
    return c->placeholder;
}

void social_markers_counts_clear(social_markers *ms)
{
    ms->counts->nelts = 0;
}
