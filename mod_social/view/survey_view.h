/* survey_view.h: what a viewer sees of a survey (its form, their
 * response, the results once they may be shown), as JSON or HTML; shared
 * by the filter (a survey marker on a page) and the survey endpoints. */
#ifndef SOCIAL_SURVEY_VIEW_H
#define SOCIAL_SURVEY_VIEW_H

#include <httpd.h>
#include <jansson.h>

#include "config.h"
#include "identity.h"
#include "marker.h"
#include "request.h"
#include "store.h"

typedef struct {
    social_survey survey;
    social_page page;
    int open;              /* before its closing date */
    int show_results;      /* the viewer may see the results now */
    const char *hidden;    /* why not, when not */
    int can_respond;       /* may send a (first, or changed) response */
    int can_moderate;      /* may export */
    int results_loaded;    /* the three below are read */
    apr_array_header_t *tally;     /* social_survey_tally: choices and scale values */
    apr_array_header_t *answered;  /* social_survey_tally: responses per question */
    apr_array_header_t *texts;     /* social_survey_tally: text answers shown */
} social_survey_view;

/* Works out open, show_results (and hidden), can_respond and
 * can_moderate from the survey and page (hidden in p, in the language l). The one place that decides
 * whether results are shown: results=..., and never before
 * min-responses responses exist (moderators included). */
void social_survey_view_fill(apr_pool_t *p, const social_i18n_lang *l,
                             social_survey_view *v);

/* Reads the results (counted by the database) into v. */
social_store_status social_survey_view_results(request_rec *r, social_survey_view *v);

/* The survey as the API answers it; "results" when shown (results read
 * first), else null. */
json_t *social_survey_view_json(request_rec *r, const social_survey_view *v);

/* The results alone: [{name, type, label, answered, ...}]. */
json_t *social_survey_results_json(request_rec *r, const social_survey_view *v);

/* The survey rendered with survey.cs (status: a message above it, or
 * NULL); NULL when rendering failed (logged). */
char *social_survey_view_render(request_rec *r, const social_survey_view *v,
                                const char *status, apr_size_t *len);

/* For the filter: makes the survey of the markers exist as declared
 * (questions: social_question_def of this survey, in page order) and,
 * if render is set, returns it rendered for the viewer (else NULL). NULL
 * as well when the store fails: the page is never held up. */
const char *social_surveys_marker(request_rec *r, const char *page,
                                  const social_survey_def *def,
                                  const apr_array_header_t *questions, int render,
                                  apr_size_t *len);

#endif /* SOCIAL_SURVEY_VIEW_H */
