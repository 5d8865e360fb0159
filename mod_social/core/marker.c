/* poll.c: poll definitions from page markers (poll.h). */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "marker.h"
#include "text.h"

const char *social_poll_results_name(social_poll_results results)
{
    switch (results) {
    case SOCIAL_POLL_RESULTS_AFTER_VOTE: return "after-vote";
    case SOCIAL_POLL_RESULTS_AFTER_CLOSE: return "after-close";
    default: return "always";
    }
}

social_poll_results social_poll_results_parse(const char *name)
{
    if (strcmp(name, "after-vote") == 0) {
        return SOCIAL_POLL_RESULTS_AFTER_VOTE;
    }
    if (strcmp(name, "after-close") == 0) {
        return SOCIAL_POLL_RESULTS_AFTER_CLOSE;
    }
    return SOCIAL_POLL_RESULTS_ALWAYS;
}

static void option_change(apr_array_header_t *changes, social_poll_option_change_kind kind,
                          int idx, const char *label)
{
    social_poll_option_change *c = apr_array_push(changes);
    c->kind = kind;
    c->idx = idx;
    c->label = label;
}

apr_array_header_t *social_poll_options_match(apr_pool_t *p,
                                              const apr_array_header_t *stored,
                                              const social_poll_def *def)
{
    apr_array_header_t *changes = apr_array_make(p, 4, sizeof(social_poll_option_change));
    const social_poll_stored_option *old = (const social_poll_stored_option *)stored->elts;
    int *kept = apr_pcalloc(p, sizeof(int) * (stored->nelts + 1));
    int next_idx = 0, k, j;

    for (j = 0; j < stored->nelts; j++) {
        if (old[j].idx >= next_idx) {
            next_idx = old[j].idx + 1;
        }
    }
    for (k = 0; k < def->noptions; k++) {
        for (j = 0; j < stored->nelts && strcmp(old[j].label, def->options[k]) != 0; j++) {
        }
        if (j == stored->nelts) {
            option_change(changes, SOCIAL_POLL_OPTION_ADD, next_idx++, def->options[k]);
            continue;
        }
        kept[j] = 1;
        if (old[j].removed) {
            option_change(changes, SOCIAL_POLL_OPTION_RESTORE, old[j].idx, old[j].label);
        }
    }
    for (j = 0; j < stored->nelts; j++) {
        if (!kept[j] && !old[j].removed) {
            option_change(changes, SOCIAL_POLL_OPTION_REMOVE, old[j].idx, old[j].label);
        }
    }
    return changes;
}

/* Appends code point cp as UTF-8. */
static char *utf8_put(char *w, unsigned long cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    }
    else if (cp < 0x800) {
        *w++ = (char)(0xC0 | (cp >> 6));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | (cp >> 12));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    else {
        *w++ = (char)(0xF0 | (cp >> 18));
        *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/* The attribute value with HTML entities decoded, trimmed; NULL if it
 * holds a malformed reference or is not valid UTF-8. */
static char *value_decode(apr_pool_t *p, const char *s, size_t len)
{
    static const struct { const char *name; char c; } named[] = {
        { "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' }, { "quot;", '"' },
        { "apos;", '\'' }, { "#39;", '\'' },
    };
    char *out = apr_palloc(p, len * 4 + 1), *w = out;
    size_t i = 0, k;

    while (i < len) {
        if (s[i] != '&') {
            *w++ = s[i++];
            continue;
        }
        for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
            size_t n = strlen(named[k].name);
            if (i + 1 + n <= len && memcmp(s + i + 1, named[k].name, n) == 0) {
                *w++ = named[k].c;
                i += 1 + n;
                break;
            }
        }
        if (k < sizeof(named) / sizeof(named[0])) {
            continue;
        }
        if (i + 2 < len && s[i + 1] == '#') {
            unsigned long cp = 0;
            size_t j = i + 2;
            int hex = (s[j] == 'x' || s[j] == 'X'), digits = 0;
            if (hex) {
                j++;
            }
            while (j < len && digits < 7 && (hex ? apr_isxdigit(s[j]) : apr_isdigit(s[j]))) {
                cp = cp * (hex ? 16 : 10)
                     + (unsigned long)(apr_isdigit(s[j]) ? s[j] - '0'
                                       : (apr_tolower(s[j]) - 'a' + 10));
                j++;
                digits++;
            }
            if (digits == 0 || j >= len || s[j] != ';' || cp == 0 || cp > 0x10FFFF
                || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return NULL;
            }
            w = utf8_put(w, cp);
            i = j + 1;
            continue;
        }
        return NULL;   /* a bare '&' that is no reference */
    }
    *w = '\0';
    if (!social_text_utf8_valid(out, (size_t)(w - out))) {
        return NULL;
    }
    while (w > out && (w[-1] == ' ' || w[-1] == '\t' || w[-1] == '\n' || w[-1] == '\r')) {
        *--w = '\0';
    }
    while (*out == ' ' || *out == '\t' || *out == '\n' || *out == '\r') {
        out++;
    }
    return out;
}

static int digits_at(const char *s, int n, int *value)
{
    int k, v = 0;
    for (k = 0; k < n; k++) {
        if (!apr_isdigit(s[k])) {
            return 0;
        }
        v = v * 10 + (s[k] - '0');
    }
    *value = v;
    return 1;
}

/* "YYYY-MM-DD" (through that day) or "YYYY-MM-DDTHH:MM", UTC. */
static int closes_parse(const char *s, apr_time_t *t)
{
    apr_time_exp_t tm;
    int y, mo, d, h = 0, mi = 0, day_end = 1;
    size_t n = strlen(s);

    if (!(n == 10 || (n == 16 && (s[10] == 'T' || s[10] == ' ')))
        || s[4] != '-' || s[7] != '-'
        || !digits_at(s, 4, &y) || !digits_at(s + 5, 2, &mo) || !digits_at(s + 8, 2, &d)) {
        return -1;
    }
    if (n == 16) {
        if (s[13] != ':' || !digits_at(s + 11, 2, &h) || !digits_at(s + 14, 2, &mi)
            || h > 23 || mi > 59) {
            return -1;
        }
        day_end = 0;
    }
    if (y < 1970 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > 31) {
        return -1;
    }
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    if (apr_time_exp_gmt_get(t, &tm) != APR_SUCCESS) {
        return -1;
    }
    {
        /* Refuse dates that do not exist (2026-02-30). */
        apr_time_exp_t back;
        apr_time_exp_gmt(&back, *t);
        if (back.tm_mday != d || back.tm_mon != mo - 1) {
            return -1;
        }
    }
    if (day_end) {
        *t += apr_time_from_sec(86400);
    }
    return 0;
}

const char *social_poll_def_parse(apr_pool_t *p, const social_marker *m,
                                  social_poll_def *def)
{
    int k;
    const char *name = NULL, *question = NULL, *options = NULL;
    const char *closes = NULL, *results = NULL;
    char *list, *opt, *rest;

    memset(def, 0, sizeof(*def));
    for (k = 0; k < m->nattrs; k++) {
        const social_marker_attr *a = &m->attrs[k];
        char *key = apr_pstrmemdup(p, a->name, a->name_len);
        char *v = a->value ? value_decode(p, a->value, a->value_len) : NULL;

        {
            char *c;
            for (c = key; *c; c++) {
                *c = (char)apr_tolower(*c);
            }
        }
        if (a->value != NULL && v == NULL) {
            return apr_pstrcat(p, "the ", key, " attribute is not valid text", NULL);
        }
        if (strcmp(key, "multiple") == 0) {
            def->multiple = 1;
            continue;
        }
        if (v == NULL) {
            return apr_pstrcat(p, "the ", key, " attribute needs a value", NULL);
        }
        if (strcmp(key, "name") == 0) name = v;
        else if (strcmp(key, "question") == 0) question = v;
        else if (strcmp(key, "options") == 0) options = v;
        else if (strcmp(key, "closes") == 0) closes = v;
        else if (strcmp(key, "results") == 0) results = v;
        else {
            return apr_pstrcat(p, "unknown attribute ", key, NULL);
        }
    }
    if (name == NULL || *name == '\0' || strlen(name) > SOCIAL_POLL_NAME_MAX) {
        return "a poll needs a name of 1 to 64 characters";
    }
    for (k = 0; name[k]; k++) {
        if (!apr_islower(name[k]) && !apr_isdigit(name[k]) && name[k] != '_' && name[k] != '-') {
            return "a poll name may hold only a-z, 0-9, _ and -";
        }
    }
    if (question == NULL || *question == '\0' || strlen(question) > SOCIAL_POLL_QUESTION_MAX) {
        return "a poll needs a question of at most 500 bytes";
    }
    if (options == NULL) {
        return "a poll needs options=\"A|B|...\"";
    }
    list = apr_pstrdup(p, options);
    for (opt = apr_strtok(list, "|", &rest); opt; opt = apr_strtok(NULL, "|", &rest)) {
        char *end = opt + strlen(opt);
        int j;
        while (*opt == ' ' || *opt == '\t' || *opt == '\n' || *opt == '\r') opt++;
        while (end > opt && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r')) *--end = '\0';
        if (*opt == '\0') {
            return "a poll option is empty";
        }
        if (strlen(opt) > SOCIAL_POLL_OPTION_MAX) {
            return "a poll option is longer than 200 bytes";
        }
        for (j = 0; j < def->noptions; j++) {
            if (strcmp(def->options[j], opt) == 0) {
                return "a poll lists the same option twice";
            }
        }
        if (def->noptions == SOCIAL_POLL_OPTIONS_MAX) {
            return "a poll has more than 20 options";
        }
        def->options[def->noptions++] = opt;
    }
    if (def->noptions < 2 || strchr(options, '|') == NULL) {
        return "a poll needs at least two options";
    }
    {
        /* "||" or a leading/trailing '|' means an empty option. */
        size_t n = strlen(options);
        if (strstr(options, "||") || options[0] == '|' || options[n - 1] == '|') {
            return "a poll option is empty";
        }
    }
    if (closes != NULL && closes_parse(closes, &def->closes) != 0) {
        return "closes must be a date such as 2026-12-31 or 2026-12-31T18:00 (UTC)";
    }
    if (results == NULL || strcmp(results, "always") == 0) {
        def->results = SOCIAL_POLL_RESULTS_ALWAYS;
    }
    else if (strcmp(results, "after-vote") == 0) {
        def->results = SOCIAL_POLL_RESULTS_AFTER_VOTE;
    }
    else if (strcmp(results, "after-close") == 0) {
        def->results = SOCIAL_POLL_RESULTS_AFTER_CLOSE;
    }
    else {
        return "results must be always, after-vote or after-close";
    }
    def->name = name;
    def->question = question;
    {
        /* Every field length-prefixed: no text can pose as a field break. */
        char *d = apr_psprintf(p, "%" APR_SIZE_T_FMT ":%s%" APR_SIZE_T_FMT ":%s%d%c%"
                               APR_TIME_T_FMT ";%s", strlen(name), name, strlen(question),
                               question, def->multiple, ';', def->closes,
                               social_poll_results_name(def->results));
        for (k = 0; k < def->noptions; k++) {
            d = apr_psprintf(p, "%s;%" APR_SIZE_T_FMT ":%s", d, strlen(def->options[k]),
                             def->options[k]);
        }
        def->definition = d;
    }
    return NULL;
}

/* ---- ideas boards ---- */

/* Splits list at '|' into out (trimmed); a reason, or NULL. */
static const char *statuses_split(apr_pool_t *p, const char *list, social_ideas_def *def)
{
    char *copy = apr_pstrdup(p, list), *s, *rest;
    size_t n = strlen(list);
    int j;

    if (n == 0 || strstr(list, "||") || list[0] == '|' || list[n - 1] == '|') {
        return "a status is empty";
    }
    for (s = apr_strtok(copy, "|", &rest); s; s = apr_strtok(NULL, "|", &rest)) {
        char *end = s + strlen(s);
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
        while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n'
                           || end[-1] == '\r')) *--end = '\0';
        if (*s == '\0') {
            return "a status is empty";
        }
        if (strlen(s) > SOCIAL_IDEA_STATUS_MAX) {
            return "a status is longer than 60 bytes";
        }
        for (j = 0; j < def->nstatuses; j++) {
            if (strcmp(def->statuses[j], s) == 0) {
                return "a board lists the same status twice";
            }
        }
        if (def->nstatuses == SOCIAL_IDEAS_STATUSES_MAX) {
            return "a board has more than 12 statuses";
        }
        def->statuses[def->nstatuses++] = s;
    }
    if (def->nstatuses < 2) {
        return "a board needs at least two statuses";
    }
    return NULL;
}

const char *social_ideas_def_parse(apr_pool_t *p, const social_marker *m,
                                   social_ideas_def *def)
{
    int k;
    const char *name = NULL, *title = NULL, *closes = NULL, *statuses = NULL, *why;

    memset(def, 0, sizeof(*def));
    for (k = 0; k < m->nattrs; k++) {
        const social_marker_attr *a = &m->attrs[k];
        char *key = apr_pstrmemdup(p, a->name, a->name_len), *c;
        char *v = a->value ? value_decode(p, a->value, a->value_len) : NULL;

        for (c = key; *c; c++) {
            *c = (char)apr_tolower(*c);
        }
        if (a->value != NULL && v == NULL) {
            return apr_pstrcat(p, "the ", key, " attribute is not valid text", NULL);
        }
        if (v == NULL) {
            return apr_pstrcat(p, "the ", key, " attribute needs a value", NULL);
        }
        if (strcmp(key, "name") == 0) name = v;
        else if (strcmp(key, "title") == 0) title = v;
        else if (strcmp(key, "closes") == 0) closes = v;
        else if (strcmp(key, "statuses") == 0) statuses = v;
        else {
            return apr_pstrcat(p, "unknown attribute ", key, NULL);
        }
    }
    if (name == NULL || *name == '\0' || strlen(name) > SOCIAL_POLL_NAME_MAX) {
        return "a board needs a name of 1 to 64 characters";
    }
    for (k = 0; name[k]; k++) {
        if (!apr_islower(name[k]) && !apr_isdigit(name[k]) && name[k] != '_' && name[k] != '-') {
            return "a board name may hold only a-z, 0-9, _ and -";
        }
    }
    if (title == NULL || *title == '\0' || strlen(title) > SOCIAL_IDEAS_TITLE_MAX) {
        return "a board needs a title of at most 500 bytes";
    }
    if (closes != NULL && closes_parse(closes, &def->closes) != 0) {
        return "closes must be a date such as 2026-12-31 or 2026-12-31T18:00 (UTC)";
    }
    why = statuses_split(p, statuses ? statuses : SOCIAL_IDEAS_DEFAULT_STATUSES, def);
    if (why != NULL) {
        return why;
    }
    def->name = name;
    def->title = title;
    def->status_list = def->statuses[0];
    for (k = 1; k < def->nstatuses; k++) {
        def->status_list = apr_pstrcat(p, def->status_list, "|", def->statuses[k], NULL);
    }
    def->definition = apr_psprintf(p, "%" APR_SIZE_T_FMT ":%s%" APR_SIZE_T_FMT ":%s%"
                                   APR_TIME_T_FMT ";%s", strlen(name), name, strlen(title),
                                   title, def->closes, def->status_list);
    return NULL;
}

int social_ideas_status_index(const char *list, const char *status)
{
    size_t n = strlen(status);
    const char *s = list;
    int k = 0;

    if (n == 0) {
        return -1;
    }
    while (s != NULL) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (len == n && memcmp(s, status, n) == 0) {
            return k;
        }
        k++;
        s = bar ? bar + 1 : NULL;
    }
    return -1;
}

/* ---- surveys ---- */

const char *social_survey_results_name(social_survey_results results)
{
    switch (results) {
    case SOCIAL_SURVEY_RESULTS_AFTER_RESPONSE: return "after-response";
    case SOCIAL_SURVEY_RESULTS_AFTER_CLOSE: return "after-close";
    default: return "always";
    }
}

social_survey_results social_survey_results_parse(const char *name)
{
    if (strcmp(name, "after-response") == 0) {
        return SOCIAL_SURVEY_RESULTS_AFTER_RESPONSE;
    }
    if (strcmp(name, "after-close") == 0) {
        return SOCIAL_SURVEY_RESULTS_AFTER_CLOSE;
    }
    return SOCIAL_SURVEY_RESULTS_ALWAYS;
}

static const char *const question_types[] = { "choice", "multiple", "scale", "text" };

const char *social_question_type_name(social_question_type type)
{
    return (unsigned)type < 4 ? question_types[type] : "text";
}

social_question_type social_question_type_parse(const char *name)
{
    int k;
    for (k = 0; k < 4; k++) {
        if (strcmp(name, question_types[k]) == 0) {
            return (social_question_type)k;
        }
    }
    return SOCIAL_QUESTION_TEXT;
}

/* The attributes of m named in known (values[k] for known[k], NULL if
 * absent); a bare attribute reads as "yes". NULL or the reason. */
static const char *attrs_read(apr_pool_t *p, const social_marker *m,
                              const char *const *known, int nknown, const char **values)
{
    int k, j;

    for (j = 0; j < nknown; j++) {
        values[j] = NULL;
    }
    for (k = 0; k < m->nattrs; k++) {
        const social_marker_attr *a = &m->attrs[k];
        char *key = apr_pstrmemdup(p, a->name, a->name_len), *c;
        char *v = a->value ? value_decode(p, a->value, a->value_len) : "yes";

        for (c = key; *c; c++) {
            *c = (char)apr_tolower(*c);
        }
        if (v == NULL) {
            return apr_pstrcat(p, "the ", key, " attribute is not valid text", NULL);
        }
        for (j = 0; j < nknown && strcmp(key, known[j]) != 0; j++) {
        }
        if (j == nknown) {
            return apr_pstrcat(p, "unknown attribute ", key, NULL);
        }
        if (values[j] != NULL) {
            return apr_pstrcat(p, "the ", key, " attribute is given twice", NULL);
        }
        values[j] = v;
    }
    return NULL;
}

static const char *name_check(const char *name, const char *what)
{
    int k;
    (void)what;
    if (name == NULL || *name == '\0' || strlen(name) > SOCIAL_POLL_NAME_MAX) {
        return "a name of 1 to 64 characters is needed";
    }
    for (k = 0; name[k]; k++) {
        if (!apr_islower(name[k]) && !apr_isdigit(name[k]) && name[k] != '_' && name[k] != '-') {
            return "a name may hold only a-z, 0-9, _ and -";
        }
    }
    return NULL;
}

/* yes/no (absent: no); -1 for anything else. */
static int yes_no(const char *v)
{
    if (v == NULL || strcmp(v, "no") == 0) {
        return 0;
    }
    return strcmp(v, "yes") == 0 ? 1 : -1;
}

/* A whole number in [lo, hi] written plainly (optional '-', digits). */
static int number_read(const char *v, int lo, int hi, int *out)
{
    int neg = (*v == '-'), n = 0, digits = 0;
    const char *s = v + neg;

    for (; *s; s++) {
        if (!apr_isdigit(*s) || ++digits > 6) {
            return -1;
        }
        n = n * 10 + (*s - '0');
    }
    if (digits == 0) {
        return -1;
    }
    n = neg ? -n : n;
    if (n < lo || n > hi) {
        return -1;
    }
    *out = n;
    return 0;
}

const char *social_survey_def_parse(apr_pool_t *p, const social_marker *m,
                                    social_survey_def *def)
{
    static const char *const known[] = { "name", "title", "anonymous", "closes", "results",
                                         "min-responses" };
    const char *v[6], *why;
    int anonymous;

    memset(def, 0, sizeof(*def));
    if ((why = attrs_read(p, m, known, 6, v)) != NULL) {
        return why;
    }
    if ((why = name_check(v[0], "survey")) != NULL) {
        return apr_pstrcat(p, "a survey needs a name: ", why, NULL);
    }
    if (v[1] == NULL || *v[1] == '\0' || strlen(v[1]) > SOCIAL_SURVEY_TITLE_MAX) {
        return "a survey needs a title of at most 500 bytes";
    }
    if ((anonymous = yes_no(v[2])) < 0) {
        return "anonymous must be yes or no";
    }
    if (v[3] != NULL && closes_parse(v[3], &def->closes) != 0) {
        return "closes must be a date such as 2026-12-31 or 2026-12-31T18:00 (UTC)";
    }
    if (v[4] == NULL || strcmp(v[4], "always") == 0) {
        def->results = SOCIAL_SURVEY_RESULTS_ALWAYS;
    }
    else if (strcmp(v[4], "after-response") == 0) {
        def->results = SOCIAL_SURVEY_RESULTS_AFTER_RESPONSE;
    }
    else if (strcmp(v[4], "after-close") == 0) {
        def->results = SOCIAL_SURVEY_RESULTS_AFTER_CLOSE;
    }
    else {
        return "results must be always, after-response or after-close";
    }
    def->min_responses = anonymous ? SOCIAL_SURVEY_ANONYMOUS_MIN : 1;
    if (v[5] != NULL && number_read(v[5], 1, SOCIAL_SURVEY_MIN_RESPONSES_MAX,
                                    &def->min_responses) != 0) {
        return "min-responses must be a whole number from 1 to 1000";
    }
    def->name = v[0];
    def->title = v[1];
    def->anonymous = anonymous;
    def->definition = apr_psprintf(p, "%" APR_SIZE_T_FMT ":%s%" APR_SIZE_T_FMT ":%s%d;%"
                                   APR_TIME_T_FMT ";%s;%d", strlen(def->name), def->name,
                                   strlen(def->title), def->title, def->anonymous,
                                   def->closes, social_survey_results_name(def->results),
                                   def->min_responses);
    return NULL;
}

/* Splits options at '|' (trimmed) into def; NULL or the reason. */
static const char *question_options(apr_pool_t *p, const char *options,
                                    social_question_def *def)
{
    char *list = apr_pstrdup(p, options), *opt, *rest;
    size_t n = strlen(options);
    int j;

    if (strstr(options, "||") || n == 0 || options[0] == '|' || options[n - 1] == '|') {
        return "a question option is empty";
    }
    for (opt = apr_strtok(list, "|", &rest); opt; opt = apr_strtok(NULL, "|", &rest)) {
        char *end = opt + strlen(opt);
        while (*opt == ' ' || *opt == '\t' || *opt == '\n' || *opt == '\r') opt++;
        while (end > opt && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n'
                             || end[-1] == '\r')) *--end = '\0';
        if (*opt == '\0') {
            return "a question option is empty";
        }
        if (strlen(opt) > SOCIAL_POLL_OPTION_MAX) {
            return "a question option is longer than 200 bytes";
        }
        for (j = 0; j < def->noptions; j++) {
            if (strcmp(def->options[j], opt) == 0) {
                return "a question lists the same option twice";
            }
        }
        if (def->noptions == SOCIAL_POLL_OPTIONS_MAX) {
            return "a question has more than 20 options";
        }
        def->options[def->noptions++] = opt;
    }
    if (def->noptions < 2) {
        return "a question needs at least two options";
    }
    return NULL;
}

const char *social_question_def_parse(apr_pool_t *p, const social_marker *m,
                                      social_question_def *def)
{
    static const char *const known[] = { "survey", "name", "type", "label", "options",
                                         "min", "max", "required" };
    const char *v[8], *why;
    int k, required;

    memset(def, 0, sizeof(*def));
    if ((why = attrs_read(p, m, known, 8, v)) != NULL) {
        return why;
    }
    if ((why = name_check(v[0], "survey")) != NULL) {
        return apr_pstrcat(p, "a question needs survey=\"NAME\": ", why, NULL);
    }
    if ((why = name_check(v[1], "question")) != NULL) {
        return apr_pstrcat(p, "a question needs a name: ", why, NULL);
    }
    if (v[2] == NULL) {
        return "a question needs type=\"choice|multiple|scale|text\"";
    }
    for (k = 0; k < 4 && strcmp(v[2], question_types[k]) != 0; k++) {
    }
    if (k == 4) {
        return "type must be choice, multiple, scale or text";
    }
    def->type = (social_question_type)k;
    if (v[3] == NULL || *v[3] == '\0' || strlen(v[3]) > SOCIAL_POLL_QUESTION_MAX) {
        return "a question needs a label of at most 500 bytes";
    }
    if ((required = yes_no(v[7])) < 0) {
        return "required must be yes or no";
    }
    def->options_text = "";
    if (def->type == SOCIAL_QUESTION_CHOICE || def->type == SOCIAL_QUESTION_MULTIPLE) {
        if (v[4] == NULL) {
            return "a choice question needs options=\"A|B|...\"";
        }
        if (v[5] != NULL || v[6] != NULL) {
            return "min and max are for scale questions";
        }
        if ((why = question_options(p, v[4], def)) != NULL) {
            return why;
        }
        def->options_text = def->options[0];
        for (k = 1; k < def->noptions; k++) {
            def->options_text = apr_pstrcat(p, def->options_text, "|", def->options[k], NULL);
        }
    }
    else if (v[4] != NULL) {
        return "options are for choice and multiple questions";
    }
    if (def->type == SOCIAL_QUESTION_SCALE) {
        def->min = 1;
        def->max = 5;
        if ((v[5] != NULL && number_read(v[5], -SOCIAL_SURVEY_SCALE_MAX,
                                         SOCIAL_SURVEY_SCALE_MAX, &def->min) != 0)
            || (v[6] != NULL && number_read(v[6], -SOCIAL_SURVEY_SCALE_MAX,
                                            SOCIAL_SURVEY_SCALE_MAX, &def->max) != 0)) {
            return "min and max must be whole numbers from -100 to 100";
        }
        if (def->max <= def->min) {
            return "a scale's max must be above its min";
        }
    }
    else if (def->type == SOCIAL_QUESTION_TEXT && (v[5] != NULL || v[6] != NULL)) {
        return "min and max are for scale questions";
    }
    def->survey = v[0];
    def->name = v[1];
    def->label = v[3];
    def->required = required;
    def->definition = apr_psprintf(p, "%" APR_SIZE_T_FMT ":%s%s;%" APR_SIZE_T_FMT ":%s%"
                                   APR_SIZE_T_FMT ":%s%d;%d;%d", strlen(def->name),
                                   def->name, question_types[def->type], strlen(def->label),
                                   def->label, strlen(def->options_text), def->options_text,
                                   def->min, def->max, def->required);
    return NULL;
}
