/* fuzz_survey.c: libFuzzer target for survey and question markers
 * (scan.c's marker parser and marker.c's survey and question parsers).
 *
 * The input is the text of a marker after "<!--"; the first byte chooses
 * a prefix ("social:survey ", "social:question " or none). Invariants:
 * parsing never reads outside the input; a parsed survey has a valid
 * name, a title of valid UTF-8, min-responses in 1..1000; a parsed
 * question has valid names, a known type, 2..20 distinct non-empty
 * options exactly for choice and multiple (joined by '|' in options_text,
 * which then holds no empty option), min < max for scale; parsing the
 * same marker twice gives the same definition string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "marker.h"
#include "scan.h"
#include "text.h"

static apr_pool_t *pool;

static void check(int ok)
{
    if (!ok) {
        __builtin_trap();
    }
}

static int name_ok(const char *s)
{
    size_t n = strlen(s), k;
    if (n == 0 || n > SOCIAL_POLL_NAME_MAX) {
        return 0;
    }
    for (k = 0; k < n; k++) {
        if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9') || s[k] == '_'
              || s[k] == '-')) {
            return 0;
        }
    }
    return 1;
}

static void survey_check(const social_marker *m)
{
    social_survey_def def, again;

    if (social_survey_def_parse(pool, m, &def) != NULL) {
        return;
    }
    check(name_ok(def.name));
    check(def.title[0] != '\0' && strlen(def.title) <= SOCIAL_SURVEY_TITLE_MAX);
    check(social_text_utf8_valid(def.title, strlen(def.title)));
    check(def.min_responses >= 1 && def.min_responses <= SOCIAL_SURVEY_MIN_RESPONSES_MAX);
    check(def.anonymous == 0 || def.anonymous == 1);
    check(def.results <= SOCIAL_SURVEY_RESULTS_AFTER_CLOSE);
    check(social_survey_def_parse(pool, m, &again) == NULL);
    check(strcmp(def.definition, again.definition) == 0);
}

static void question_check(const social_marker *m)
{
    social_question_def def, again;
    int k, j;

    if (social_question_def_parse(pool, m, &def) != NULL) {
        return;
    }
    check(name_ok(def.survey) && name_ok(def.name));
    check(def.type <= SOCIAL_QUESTION_TEXT);
    check(def.label[0] != '\0' && social_text_utf8_valid(def.label, strlen(def.label)));
    if (def.type == SOCIAL_QUESTION_CHOICE || def.type == SOCIAL_QUESTION_MULTIPLE) {
        size_t n = strlen(def.options_text);
        check(def.noptions >= 2 && def.noptions <= SOCIAL_POLL_OPTIONS_MAX);
        check(n > 0 && def.options_text[0] != '|' && def.options_text[n - 1] != '|'
              && strstr(def.options_text, "||") == NULL);
        for (k = 0; k < def.noptions; k++) {
            check(def.options[k][0] != '\0' && strchr(def.options[k], '|') == NULL);
            check(social_text_utf8_valid(def.options[k], strlen(def.options[k])));
            for (j = 0; j < k; j++) {
                check(strcmp(def.options[j], def.options[k]) != 0);
            }
        }
    }
    else {
        check(def.noptions == 0 && def.options_text[0] == '\0');
    }
    if (def.type == SOCIAL_QUESTION_SCALE) {
        check(def.min < def.max && def.min >= -SOCIAL_SURVEY_SCALE_MAX
              && def.max <= SOCIAL_SURVEY_SCALE_MAX);
    }
    check(def.required == 0 || def.required == 1);
    check(social_question_def_parse(pool, m, &again) == NULL);
    check(strcmp(def.definition, again.definition) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const prefixes[] = { "", "social:survey ", "social:question " };
    const char *prefix;
    size_t plen, len;
    char *text;
    social_marker m;

    if (pool == NULL) {
        apr_initialize();
        apr_pool_create(&pool, NULL);
    }
    if (size == 0) {
        return 0;
    }
    prefix = prefixes[data[0] % 3];
    plen = strlen(prefix);
    len = plen + size - 1;
    text = malloc(len + 1);
    memcpy(text, prefix, plen);
    memcpy(text + plen, data + 1, size - 1);
    text[len] = '\0';
    if (social_marker_parse(text, len, &m) == 0) {
        if (social_marker_is(&m, "survey")) {
            survey_check(&m);
        }
        else if (social_marker_is(&m, "question")) {
            question_check(&m);
        }
    }
    free(text);
    apr_pool_clear(pool);
    return 0;
}
