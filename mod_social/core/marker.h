/* poll.h: a poll as its page author declares it in a marker.
 *
 *   <!--social:poll name="lunch" question="Lunch on Friday?"
 *       options="Pizza|Sushi|Salad" [multiple] [closes="2026-12-31"]
 *       [results="always|after-vote|after-close"]-->
 *
 * Pure C over the parsed marker: unit-tested and fuzzed alone.
 */
#ifndef SOCIAL_MARKER_H
#define SOCIAL_MARKER_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "scan.h"

#define SOCIAL_POLL_NAME_MAX 64
#define SOCIAL_POLL_QUESTION_MAX 500
#define SOCIAL_POLL_OPTION_MAX 200
#define SOCIAL_POLL_OPTIONS_MAX 20

typedef enum {
    SOCIAL_POLL_RESULTS_ALWAYS = 0,
    SOCIAL_POLL_RESULTS_AFTER_VOTE,
    SOCIAL_POLL_RESULTS_AFTER_CLOSE
} social_poll_results;

typedef struct social_poll_def {
    const char *name;          /* [a-z0-9_-]+, unique per page */
    const char *question;      /* entity-decoded, UTF-8 */
    int noptions;
    const char *options[SOCIAL_POLL_OPTIONS_MAX];
    int multiple;
    apr_time_t closes;         /* 0: open until a moderator closes it */
    social_poll_results results;
    const char *definition;    /* canonical text of all the above */
} social_poll_def;

/* Reads a poll marker. Returns NULL and fills *def, or a short English
 * reason the marker is not a valid poll. Attribute values may use the
 * entities &amp; &lt; &gt; &quot; &#39; &#NNN; &#xHH; (decoded);
 * options are split at '|' and trimmed; empty or duplicate options,
 * unknown attributes and bad dates are refused. closes="YYYY-MM-DD"
 * means open through that day (UTC); "YYYY-MM-DDTHH:MM" (UTC) is exact. */
const char *social_poll_def_parse(apr_pool_t *p, const social_marker *m,
                                  social_poll_def *def);

const char *social_poll_results_name(social_poll_results results);

/* The results setting named by social_poll_results_name (anything else:
 * ALWAYS). */
social_poll_results social_poll_results_parse(const char *name);

/* An option of a poll as it was stored: its index (stable for the life
 * of the poll), its label, and whether it is out of sight. */
typedef struct {
    int idx;
    const char *label;
    int removed;
} social_poll_stored_option;

typedef enum {
    SOCIAL_POLL_OPTION_ADD = 0,    /* a new label: idx is the next free index */
    SOCIAL_POLL_OPTION_RESTORE,    /* back in the marker: shown again */
    SOCIAL_POLL_OPTION_REMOVE      /* gone from the marker: votes kept, not shown */
} social_poll_option_change_kind;

typedef struct {
    social_poll_option_change_kind kind;
    int idx;
    const char *label;
} social_poll_option_change;

/* What makes the stored options (array of social_poll_stored_option)
 * those of def: options are matched by label; a new label gets the next
 * index after every stored one; a stored option no longer in def is
 * removed (never deleted). The changes (array of social_poll_option_change)
 * come in def's order, then the removals in stored order. */
apr_array_header_t *social_poll_options_match(apr_pool_t *p,
                                              const apr_array_header_t *stored,
                                              const social_poll_def *def);

/* ---- ideas boards ----
 *
 *   <!--social:ideas name="costs" title="Ways to cut costs"
 *       [closes="2026-12-31"] [statuses="new|under review|planned|done|declined"]-->
 */

#define SOCIAL_IDEAS_TITLE_MAX 500
#define SOCIAL_IDEAS_STATUSES_MAX 12
#define SOCIAL_IDEA_STATUS_MAX 60
#define SOCIAL_IDEAS_DEFAULT_STATUSES "new|under review|planned|done|declined"

typedef struct social_ideas_def {
    const char *name;          /* [a-z0-9_-]+, unique per page */
    const char *title;         /* entity-decoded, UTF-8 */
    apr_time_t closes;         /* 0: open for good */
    int nstatuses;
    const char *statuses[SOCIAL_IDEAS_STATUSES_MAX];   /* the first: a new idea's */
    const char *status_list;   /* the statuses joined by '|' */
    const char *definition;    /* canonical text of all the above */
} social_ideas_def;

/* Reads an ideas marker. Returns NULL and fills *def, or a short English
 * reason the marker is not a valid board. Values are decoded as for
 * polls; statuses are split at '|' and trimmed (2 to 12, each 1 to 60
 * bytes, no duplicates); closes as for polls. */
const char *social_ideas_def_parse(apr_pool_t *p, const social_marker *m,
                                   social_ideas_def *def);

/* The index of status in the '|'-separated list, or -1. */
int social_ideas_status_index(const char *list, const char *status);

/* ---- surveys ----
 *
 *   <!--social:survey name="onboarding" title="How was your first week?"
 *       [anonymous="yes"] [closes="2026-12-31"]
 *       [results="always|after-response|after-close"] [min-responses="5"]-->
 *   <!--social:question survey="onboarding" name="clear" type="scale"
 *       label="How clear were your tasks?" [min="1"] [max="5"] [required="yes"]-->
 *   <!--social:question survey="onboarding" name="tools" type="multiple"
 *       label="Which tools did you use?" options="Wiki|Chat|Tracker"-->
 *   <!--social:question survey="onboarding" name="more" type="text" label="Anything else?"-->
 *
 * Questions belong to the survey they name and come in page order. */

#define SOCIAL_SURVEY_TITLE_MAX 500
#define SOCIAL_SURVEY_QUESTIONS_MAX 100
#define SOCIAL_SURVEY_TEXT_MAX 4000     /* bytes of one text answer */
#define SOCIAL_SURVEY_MIN_RESPONSES_MAX 1000
#define SOCIAL_SURVEY_SCALE_MAX 100     /* scales run within -100..100, at most 101 steps */
#define SOCIAL_SURVEY_ANONYMOUS_MIN 5   /* min-responses unless given, anonymous surveys */

typedef enum {
    SOCIAL_SURVEY_RESULTS_ALWAYS = 0,
    SOCIAL_SURVEY_RESULTS_AFTER_RESPONSE,
    SOCIAL_SURVEY_RESULTS_AFTER_CLOSE
} social_survey_results;

typedef enum {
    SOCIAL_QUESTION_CHOICE = 0,   /* one of options */
    SOCIAL_QUESTION_MULTIPLE,     /* any of options */
    SOCIAL_QUESTION_SCALE,        /* a whole number min..max */
    SOCIAL_QUESTION_TEXT          /* free text */
} social_question_type;

typedef struct social_survey_def {
    const char *name;             /* [a-z0-9_-]+, unique per page */
    const char *title;
    int anonymous;
    apr_time_t closes;            /* 0: no date */
    social_survey_results results;
    int min_responses;            /* results shown from this many responses on */
    const char *definition;       /* canonical text of all the above */
} social_survey_def;

typedef struct {
    const char *survey;           /* the survey's name */
    const char *name;             /* [a-z0-9_-]+, unique in its survey */
    social_question_type type;
    const char *label;
    int noptions;                 /* choice and multiple: 2..20 */
    const char *options[SOCIAL_POLL_OPTIONS_MAX];
    const char *options_text;     /* the options joined by '|' ("" for scale, text) */
    int min, max;                 /* scale: the ends (default 1..5) */
    int required;
    const char *definition;       /* canonical text of all the above */
} social_question_def;

/* Reads a survey or question marker, as social_poll_def_parse does:
 * NULL and *def filled, or a short English reason. */
const char *social_survey_def_parse(apr_pool_t *p, const social_marker *m,
                                    social_survey_def *def);
const char *social_question_def_parse(apr_pool_t *p, const social_marker *m,
                                      social_question_def *def);

const char *social_survey_results_name(social_survey_results results);
social_survey_results social_survey_results_parse(const char *name);
const char *social_question_type_name(social_question_type type);
/* The type named by social_question_type_name (anything else: TEXT). */
social_question_type social_question_type_parse(const char *name);

#endif /* SOCIAL_MARKER_H */
