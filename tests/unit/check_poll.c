/* check_poll.c: unit tests for poll definitions read from page markers
 * (poll.h).
 *
 * Every marker is first parsed with social_marker_parse(), as the filter
 * does, from a copy whose last byte sits right before a page that cannot
 * be read (the marker text is not NUL-terminated there), so a parser
 * that reads past a value crashes the test. Every test runs with a fresh
 * APR pool.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "marker.h"
#include "scan.h"
#include "text.h"

static apr_pool_t *pool;

static void pool_setup(void)
{
    ck_assert_int_eq(apr_initialize(), APR_SUCCESS);
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

/* Guarded copies: one mapping per test, released in teardown. */
static char *guard_map;
static size_t guard_map_len;

static void guard_release(void)
{
    if (guard_map != NULL) {
        munmap(guard_map, guard_map_len);
        guard_map = NULL;
    }
}

static void pool_teardown(void)
{
    guard_release();
    apr_pool_destroy(pool);
    apr_terminate();
}

/* A copy of s[0..len) that ends right before an unreadable page. The
 * previous copy is unmapped, so a definition that still pointed into the
 * marker text of an earlier parse would crash the test when read. */
static const char *guarded(const char *s, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t data_len = (len + page - 1) / page * page;
    char *at;

    if (data_len == 0) {
        data_len = page;
    }
    guard_release();
    guard_map_len = data_len + page;
    guard_map = mmap(NULL, guard_map_len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(guard_map != MAP_FAILED);
    ck_assert_int_eq(mprotect(guard_map + data_len, page, PROT_NONE), 0);
    at = guard_map + data_len - len;
    memcpy(at, s, len);
    return at;
}

/* Parses the marker text ("social:poll ...", without <!-- and -->) and
 * then the poll definition. The marker itself must be well formed: the
 * tests are about poll definitions. Returns the reason or NULL. */
static const char *poll_parse(const char *text, social_poll_def *def)
{
    social_marker m;
    const char *src = guarded(text, strlen(text));
    const char *why;

    ck_assert_msg(social_marker_parse(src, strlen(text), &m) == 0,
                  "the marker itself does not parse: %s", text);
    ck_assert_msg(social_marker_is(&m, "poll"), "not a poll marker: %s", text);
    memset(def, 0x5a, sizeof(*def));
    why = social_poll_def_parse(pool, &m, def);
    if (why != NULL) {
        ck_assert_msg(*why != '\0', "an empty reason for %s", text);
        return why;
    }
    return NULL;
}

static void assert_valid(const char *text, social_poll_def *def)
{
    const char *why = poll_parse(text, def);
    ck_assert_msg(why == NULL, "refused (%s): %s", why ? why : "", text);
    ck_assert_ptr_nonnull(def->name);
    ck_assert_ptr_nonnull(def->question);
    ck_assert_ptr_nonnull(def->definition);
    ck_assert_int_ge(def->noptions, 2);
    ck_assert_int_le(def->noptions, SOCIAL_POLL_OPTIONS_MAX);
}

static void assert_refused(const char *text)
{
    social_poll_def def;
    const char *why = poll_parse(text, &def);
    ck_assert_msg(why != NULL, "accepted, but should be refused: %s", text);
}

/* The definition string of a valid marker. */
static const char *definition_of(const char *text)
{
    social_poll_def def;
    assert_valid(text, &def);
    return def.definition;
}

/* 1970-01-01 + seconds, as apr_time_t. */
static apr_time_t utc(apr_int64_t seconds)
{
    return apr_time_from_sec(seconds);
}


/* ---- surveys and questions ---- */

static const char *survey_parse(const char *text, social_survey_def *def)
{
    social_marker m;
    const char *src = guarded(text, strlen(text));
    ck_assert_msg(social_marker_parse(src, strlen(text), &m) == 0, "no marker: %s", text);
    ck_assert(social_marker_is(&m, "survey"));
    return social_survey_def_parse(pool, &m, def);
}

static const char *question_parse(const char *text, social_question_def *def)
{
    social_marker m;
    const char *src = guarded(text, strlen(text));
    ck_assert_msg(social_marker_parse(src, strlen(text), &m) == 0, "no marker: %s", text);
    ck_assert(social_marker_is(&m, "question"));
    return social_question_def_parse(pool, &m, def);
}

START_TEST(test_survey_defaults_and_attributes)
{
    social_survey_def def;
    ck_assert_ptr_null(survey_parse("social:survey name=\"fb\" title=\"Feedback &amp; more\"",
                                    &def));
    ck_assert_str_eq(def.name, "fb");
    ck_assert_str_eq(def.title, "Feedback & more");
    ck_assert_int_eq(def.anonymous, 0);
    ck_assert_int_eq(def.min_responses, 1);
    ck_assert(def.closes == 0);
    ck_assert_int_eq(def.results, SOCIAL_SURVEY_RESULTS_ALWAYS);
    ck_assert_ptr_null(survey_parse("social:survey name=\"a\" title=\"T\" anonymous=\"yes\" "
                                    "closes=\"2026-12-31\" results=\"after-response\"", &def));
    ck_assert_int_eq(def.anonymous, 1);
    ck_assert_int_eq(def.min_responses, SOCIAL_SURVEY_ANONYMOUS_MIN);
    ck_assert(def.closes == utc(1798761600));   /* 2027-01-01 00:00 UTC */
    ck_assert_int_eq(def.results, SOCIAL_SURVEY_RESULTS_AFTER_RESPONSE);
    ck_assert_ptr_null(survey_parse("social:survey name=\"a\" title=\"T\" anonymous "
                                    "min-responses=\"12\" results=\"after-close\"", &def));
    ck_assert_int_eq(def.anonymous, 1);
    ck_assert_int_eq(def.min_responses, 12);
    ck_assert_int_eq(def.results, SOCIAL_SURVEY_RESULTS_AFTER_CLOSE);
}
END_TEST

START_TEST(test_bad_surveys_are_refused)
{
    static const char *const bad[] = {
        "social:survey title=\"T\"", "social:survey name=\"A\" title=\"T\"",
        "social:survey name=\"a\"", "social:survey name=\"a\" title=\"\"",
        "social:survey name=\"a\" title=\"T\" anonymous=\"sure\"",
        "social:survey name=\"a\" title=\"T\" results=\"after-vote\"",
        "social:survey name=\"a\" title=\"T\" min-responses=\"0\"",
        "social:survey name=\"a\" title=\"T\" min-responses=\"1001\"",
        "social:survey name=\"a\" title=\"T\" min-responses=\"5x\"",
        "social:survey name=\"a\" title=\"T\" closes=\"2026-13-01\"",
        "social:survey name=\"a\" title=\"T\" extra=\"1\"",
    };
    social_survey_def def;
    size_t k;
    for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        ck_assert_msg(survey_parse(bad[k], &def) != NULL, "accepted: %s", bad[k]);
    }
}
END_TEST

START_TEST(test_question_types)
{
    social_question_def def;
    ck_assert_ptr_null(question_parse("social:question survey=\"s\" name=\"c\" type=\"choice\" "
                                      "label=\"L\" options=\" A | B |C\" required=\"yes\"", &def));
    ck_assert_int_eq(def.type, SOCIAL_QUESTION_CHOICE);
    ck_assert_int_eq(def.noptions, 3);
    ck_assert_str_eq(def.options_text, "A|B|C");
    ck_assert_int_eq(def.required, 1);
    ck_assert_ptr_null(question_parse("social:question survey=\"s\" name=\"m\" type=\"multiple\" "
                                      "label=\"L\" options=\"A|B\"", &def));
    ck_assert_int_eq(def.type, SOCIAL_QUESTION_MULTIPLE);
    ck_assert_int_eq(def.required, 0);
    ck_assert_ptr_null(question_parse("social:question survey=\"s\" name=\"x\" type=\"scale\" "
                                      "label=\"L\"", &def));
    ck_assert_int_eq(def.min, 1);
    ck_assert_int_eq(def.max, 5);
    ck_assert_str_eq(def.options_text, "");
    ck_assert_ptr_null(question_parse("social:question survey=\"s\" name=\"x\" type=\"scale\" "
                                      "label=\"L\" min=\"-2\" max=\"2\"", &def));
    ck_assert_int_eq(def.min, -2);
    ck_assert_int_eq(def.max, 2);
    ck_assert_ptr_null(question_parse("social:question survey=\"s\" name=\"t\" type=\"text\" "
                                      "label=\"L\"", &def));
    ck_assert_int_eq(def.type, SOCIAL_QUESTION_TEXT);
    ck_assert_str_eq(social_question_type_name(SOCIAL_QUESTION_SCALE), "scale");
    ck_assert_int_eq(social_question_type_parse("multiple"), SOCIAL_QUESTION_MULTIPLE);
}
END_TEST

START_TEST(test_bad_questions_are_refused)
{
    static const char *const bad[] = {
        "social:question name=\"q\" type=\"text\" label=\"L\"",
        "social:question survey=\"s\" type=\"text\" label=\"L\"",
        "social:question survey=\"s\" name=\"q\" label=\"L\"",
        "social:question survey=\"s\" name=\"q\" type=\"essay\" label=\"L\"",
        "social:question survey=\"s\" name=\"q\" type=\"text\"",
        "social:question survey=\"s\" name=\"q\" type=\"choice\" label=\"L\"",
        "social:question survey=\"s\" name=\"q\" type=\"choice\" label=\"L\" options=\"A\"",
        "social:question survey=\"s\" name=\"q\" type=\"choice\" label=\"L\" options=\"A||B\"",
        "social:question survey=\"s\" name=\"q\" type=\"choice\" label=\"L\" options=\"A|a|A\"",
        "social:question survey=\"s\" name=\"q\" type=\"choice\" label=\"L\" options=\"A|B\" min=\"1\"",
        "social:question survey=\"s\" name=\"q\" type=\"scale\" label=\"L\" min=\"3\" max=\"3\"",
        "social:question survey=\"s\" name=\"q\" type=\"scale\" label=\"L\" max=\"101\"",
        "social:question survey=\"s\" name=\"q\" type=\"scale\" label=\"L\" min=\"1.5\"",
        "social:question survey=\"s\" name=\"q\" type=\"scale\" label=\"L\" options=\"A|B\"",
        "social:question survey=\"s\" name=\"q\" type=\"text\" label=\"L\" max=\"3\"",
        "social:question survey=\"s\" name=\"q\" type=\"text\" label=\"L\" required=\"1\"",
    };
    social_question_def def;
    size_t k;
    for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        ck_assert_msg(question_parse(bad[k], &def) != NULL, "accepted: %s", bad[k]);
    }
}
END_TEST

START_TEST(test_question_definition_changes_with_every_part)
{
    static const char *const variants[] = {
        "social:question survey=\"s\" name=\"q\" type=\"choice\" label=\"L\" options=\"A|B\"",
        "social:question survey=\"s\" name=\"r\" type=\"choice\" label=\"L\" options=\"A|B\"",
        "social:question survey=\"s\" name=\"q\" type=\"multiple\" label=\"L\" options=\"A|B\"",
        "social:question survey=\"s\" name=\"q\" type=\"choice\" label=\"M\" options=\"A|B\"",
        "social:question survey=\"s\" name=\"q\" type=\"choice\" label=\"L\" options=\"A|C\"",
        "social:question survey=\"s\" name=\"q\" type=\"choice\" label=\"L\" options=\"A|B\" required",
    };
    const char *seen[6];
    social_question_def def;
    size_t k, j;
    for (k = 0; k < 6; k++) {
        ck_assert_ptr_null(question_parse(variants[k], &def));
        seen[k] = apr_pstrdup(pool, def.definition);
        for (j = 0; j < k; j++) {
            ck_assert_str_ne(seen[j], seen[k]);
        }
    }
}
END_TEST

/* ---- valid markers ---- */

START_TEST(test_minimal_poll_is_read_with_defaults)
{
    social_poll_def def;

    assert_valid("social:poll name=\"lunch\" question=\"Lunch on Friday?\" "
                 "options=\"Pizza|Sushi|Salad\"", &def);
    ck_assert_str_eq(def.name, "lunch");
    ck_assert_str_eq(def.question, "Lunch on Friday?");
    ck_assert_int_eq(def.noptions, 3);
    ck_assert_str_eq(def.options[0], "Pizza");
    ck_assert_str_eq(def.options[1], "Sushi");
    ck_assert_str_eq(def.options[2], "Salad");
    ck_assert_int_eq(def.multiple, 0);
    ck_assert(def.closes == 0);
    ck_assert_int_eq(def.results, SOCIAL_POLL_RESULTS_ALWAYS);
}
END_TEST

START_TEST(test_two_options_are_enough)
{
    social_poll_def def;

    assert_valid("social:poll name=\"yn\" question=\"Yes?\" options=\"Yes|No\"", &def);
    ck_assert_int_eq(def.noptions, 2);
    ck_assert_str_eq(def.options[0], "Yes");
    ck_assert_str_eq(def.options[1], "No");
}
END_TEST

START_TEST(test_options_are_trimmed)
{
    social_poll_def def;

    assert_valid("social:poll name=\"lunch\" question=\"  Lunch?\t\" "
                 "options=\" Pizza |\tSushi\t| Salad bar \"", &def);
    ck_assert_str_eq(def.question, "Lunch?");
    ck_assert_int_eq(def.noptions, 3);
    ck_assert_str_eq(def.options[0], "Pizza");
    ck_assert_str_eq(def.options[1], "Sushi");
    ck_assert_str_eq(def.options[2], "Salad bar");
}
END_TEST

START_TEST(test_multiple_flag)
{
    social_poll_def def;

    assert_valid("social:poll name=\"m\" question=\"Q?\" options=\"A|B\" multiple", &def);
    ck_assert_int_eq(def.multiple, 1);
    assert_valid("social:poll multiple name=\"m\" question=\"Q?\" options=\"A|B\"", &def);
    ck_assert_int_eq(def.multiple, 1);
    assert_valid("social:poll name=\"m\" question=\"Q?\" options=\"A|B\"", &def);
    ck_assert_int_eq(def.multiple, 0);
}
END_TEST

START_TEST(test_attribute_names_any_case_and_quoting_styles)
{
    social_poll_def def;

    assert_valid("social:poll NAME='drinks' Question='Coffee or \"tea\"?' "
                 "OPTIONS=Coffee|Tea Multiple RESULTS=after-vote", &def);
    ck_assert_str_eq(def.name, "drinks");
    ck_assert_str_eq(def.question, "Coffee or \"tea\"?");
    ck_assert_int_eq(def.noptions, 2);
    ck_assert_str_eq(def.options[0], "Coffee");
    ck_assert_str_eq(def.options[1], "Tea");
    ck_assert_int_eq(def.multiple, 1);
    ck_assert_int_eq(def.results, SOCIAL_POLL_RESULTS_AFTER_VOTE);
}
END_TEST

START_TEST(test_attributes_across_lines)
{
    social_poll_def def;

    assert_valid("social:poll\n  name=\"offsite\"\r\n  question=\"Where?\"\n"
                 "  options=\"Lisbon|Prague|Online\"\n  closes=\"2026-12-31\"\n", &def);
    ck_assert_str_eq(def.name, "offsite");
    ck_assert_int_eq(def.noptions, 3);
    ck_assert(def.closes == utc(1798761600));
}
END_TEST

/* ---- entities ---- */

START_TEST(test_entities_in_question_are_decoded)
{
    social_poll_def def;

    assert_valid("social:poll name=\"cake\" question=\"Tea &amp; cake? &#39;Yes&#39; "
                 "&lt;b&gt; &quot;no&quot; &#x41;&#X42;&#67;\" "
                 "options=\"Yes|No\"", &def);
    ck_assert_str_eq(def.question, "Tea & cake? 'Yes' <b> \"no\" ABC");
}
END_TEST

START_TEST(test_entities_in_options_and_name_are_decoded)
{
    social_poll_def def;

    assert_valid("social:poll name=\"f&#x6F;od\" question=\"Q?\" "
                 "options=\"Fish &amp; chips|Caf&#xE9;|Caf&#233; cr&#xe8;me|&#x1F355;\"",
                 &def);
    ck_assert_str_eq(def.name, "food");
    ck_assert_int_eq(def.noptions, 4);
    ck_assert_str_eq(def.options[0], "Fish & chips");
    ck_assert_str_eq(def.options[1], "Caf\xc3\xa9");
    ck_assert_str_eq(def.options[2], "Caf\xc3\xa9 cr\xc3\xa8me");
    ck_assert_str_eq(def.options[3], "\xf0\x9f\x8d\x95");
}
END_TEST

START_TEST(test_utf8_text_is_kept)
{
    social_poll_def def;

    assert_valid("social:poll name=\"menu\" question=\"Caf\xc3\xa9 ou th\xc3\xa9?\" "
                 "options=\"Caf\xc3\xa9|Th\xc3\xa9|\xe6\x97\xa5\xe6\x9c\xac\"", &def);
    ck_assert_str_eq(def.question, "Caf\xc3\xa9 ou th\xc3\xa9?");
    ck_assert_str_eq(def.options[2], "\xe6\x97\xa5\xe6\x9c\xac");
}
END_TEST

START_TEST(test_entity_spelling_of_a_duplicate_is_still_a_duplicate)
{
    assert_refused("social:poll name=\"d\" question=\"Q?\" options=\"R&amp;D|R&#38;D\"");
    assert_refused("social:poll name=\"d\" question=\"Q?\" options=\"A|&#x41;\"");
}
END_TEST

/* Whatever the parser does with references that name no character, the
 * text it returns is UTF-8 (poll.h). */
START_TEST(test_references_to_no_character_never_give_bad_utf8)
{
    static const char *const refs[] = {
        "&#0;", "&#xD800;", "&#xDFFF;", "&#55296;", "&#x110000;", "&#1114112;",
        "&#xFFFFFFFF;", "&#99999999999;",
    };
    size_t k;

    for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++) {
        social_poll_def def;
        char *text = apr_psprintf(pool, "social:poll name=\"u\" question=\"Q%s?\" "
                                  "options=\"A%s|B\"", refs[k], refs[k]);
        if (poll_parse(text, &def) == NULL) {
            ck_assert_msg(social_text_utf8_valid(def.question, strlen(def.question)),
                          "%s gave a question that is not UTF-8", refs[k]);
            ck_assert_msg(social_text_utf8_valid(def.options[0], strlen(def.options[0])),
                          "%s gave an option that is not UTF-8", refs[k]);
        }
    }
}
END_TEST

START_TEST(test_invalid_utf8_in_a_value_never_passes_through)
{
    static const char *const bad[] = { "\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80" };
    size_t k;

    for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        social_poll_def def;
        char *text = apr_psprintf(pool, "social:poll name=\"u\" question=\"Q%s?\" "
                                  "options=\"A%s|B\"", bad[k], bad[k]);
        if (poll_parse(text, &def) == NULL) {
            ck_assert(social_text_utf8_valid(def.question, strlen(def.question)));
            ck_assert(social_text_utf8_valid(def.options[0], strlen(def.options[0])));
        }
    }
}
END_TEST

/* ---- missing or wrong parts ---- */

START_TEST(test_missing_name_question_or_options_is_refused)
{
    assert_refused("social:poll question=\"Q?\" options=\"A|B\"");
    assert_refused("social:poll name=\"x\" options=\"A|B\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\"");
    assert_refused("social:poll");
}
END_TEST

START_TEST(test_empty_name_question_or_options_is_refused)
{
    assert_refused("social:poll name=\"\" question=\"Q?\" options=\"A|B\"");
    assert_refused("social:poll name=\"x\" question=\"\" options=\"A|B\"");
    assert_refused("social:poll name=\"x\" question=\"   \" options=\"A|B\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\" | \"");
}
END_TEST

START_TEST(test_value_attributes_without_value_are_refused)
{
    assert_refused("social:poll name question=\"Q?\" options=\"A|B\"");
    assert_refused("social:poll name=\"x\" question options=\"A|B\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" closes");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" results");
}
END_TEST

START_TEST(test_one_option_is_refused)
{
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"Only\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"Only|\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"|Only\"");
}
END_TEST

START_TEST(test_empty_options_are_refused)
{
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A||B\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A| |B\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A|B|\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"|A|B\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A|B|\t\"");
}
END_TEST

START_TEST(test_duplicate_options_are_refused)
{
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A|B|A\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"Pizza|Pizza\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"Pizza| Pizza \"");
}
END_TEST

START_TEST(test_unknown_attribute_is_refused)
{
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" color=\"red\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" anonymous");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" page=\"/x.html\"");
    assert_refused("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" option=\"C\"");
}
END_TEST

START_TEST(test_twenty_options_accepted_twenty_one_refused)
{
    social_poll_def def;
    char *twenty = apr_pstrdup(pool, "O1");
    char *text;
    int k;

    for (k = 2; k <= 20; k++) {
        twenty = apr_psprintf(pool, "%s|O%d", twenty, k);
    }
    text = apr_psprintf(pool, "social:poll name=\"many\" question=\"Q?\" options=\"%s\"",
                        twenty);
    assert_valid(text, &def);
    ck_assert_int_eq(def.noptions, 20);
    ck_assert_str_eq(def.options[0], "O1");
    ck_assert_str_eq(def.options[19], "O20");
    text = apr_psprintf(pool, "social:poll name=\"many\" question=\"Q?\" options=\"%s|O21\"",
                        twenty);
    assert_refused(text);
    /* many more is refused too, and does not overrun options[] */
    for (k = 21; k <= 40; k++) {
        twenty = apr_psprintf(pool, "%s|O%d", twenty, k);
    }
    text = apr_psprintf(pool, "social:poll name=\"many\" question=\"Q?\" options=\"%s\"",
                        twenty);
    assert_refused(text);
}
END_TEST

START_TEST(test_lengths_of_name_question_and_options)
{
    social_poll_def def;
    char name64[65], name65[66], q500[501], q501[502], o200[201], o201[202];

    memset(name64, 'n', 64);
    name64[64] = '\0';
    memset(name65, 'n', 65);
    name65[65] = '\0';
    memset(q500, 'q', 500);
    q500[500] = '\0';
    memset(q501, 'q', 501);
    q501[501] = '\0';
    memset(o200, 'o', 200);
    o200[200] = '\0';
    memset(o201, 'o', 201);
    o201[201] = '\0';

    assert_valid(apr_psprintf(pool, "social:poll name=\"%s\" question=\"Q?\" options=\"A|B\"",
                              name64), &def);
    ck_assert_str_eq(def.name, name64);
    assert_refused(apr_psprintf(pool, "social:poll name=\"%s\" question=\"Q?\" options=\"A|B\"",
                                name65));
    assert_valid(apr_psprintf(pool, "social:poll name=\"x\" question=\"%s\" options=\"A|B\"",
                              q500), &def);
    ck_assert_uint_eq(strlen(def.question), 500);
    assert_refused(apr_psprintf(pool, "social:poll name=\"x\" question=\"%s\" options=\"A|B\"",
                                q501));
    assert_valid(apr_psprintf(pool, "social:poll name=\"x\" question=\"Q?\" options=\"%s|B\"",
                              o200), &def);
    ck_assert_uint_eq(strlen(def.options[0]), 200);
    assert_refused(apr_psprintf(pool, "social:poll name=\"x\" question=\"Q?\" options=\"%s|B\"",
                                o201));
}
END_TEST

/* ---- names ---- */

START_TEST(test_names_of_lower_case_letters_digits_dash_underscore)
{
    social_poll_def def;

    assert_valid("social:poll name=\"lunch-2026_q1\" question=\"Q?\" options=\"A|B\"", &def);
    ck_assert_str_eq(def.name, "lunch-2026_q1");
    assert_valid("social:poll name=\"7\" question=\"Q?\" options=\"A|B\"", &def);
    ck_assert_str_eq(def.name, "7");
    assert_valid("social:poll name=\"-_-\" question=\"Q?\" options=\"A|B\"", &def);
    ck_assert_str_eq(def.name, "-_-");
}
END_TEST

START_TEST(test_names_with_other_characters_are_refused)
{
    static const char *const names[] = {
        "Lunch", "LUNCH", "lunch time", "lunch.v2", "lunch/2", "lunch#1", "caf\xc3\xa9",
        "a\"b", "a&amp;b", "a&lt;b", "lunch\t2", "x:y", "a+b", "%41",
    };
    size_t k;

    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        assert_refused(apr_psprintf(pool, "social:poll name='%s' question=\"Q?\" "
                                    "options=\"A|B\"", names[k]));
    }
}
END_TEST

/* ---- closes ---- */

START_TEST(test_closes_date_means_through_that_day_utc)
{
    social_poll_def def;

    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" "
                 "closes=\"2026-12-31\"", &def);
    ck_assert(def.closes == utc(1798761600));   /* 2027-01-01T00:00:00Z */
    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" "
                 "closes=\"1970-01-01\"", &def);
    ck_assert(def.closes == utc(86400));
}
END_TEST

START_TEST(test_closes_with_time_is_exact)
{
    social_poll_def def;

    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" "
                 "closes=\"2026-12-31T18:00\"", &def);
    ck_assert(def.closes == utc(1798740000));
    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" "
                 "closes=\"2026-12-31T00:00\"", &def);
    ck_assert(def.closes == utc(1798761600 - 86400));
    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" "
                 "closes=\"2026-12-31T23:59\"", &def);
    ck_assert(def.closes == utc(1798761600 - 60));
}
END_TEST

START_TEST(test_closes_leap_days)
{
    social_poll_def def;

    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" "
                 "closes=\"2028-02-29\"", &def);
    ck_assert(def.closes == utc(1835481600));   /* 2028-03-01T00:00:00Z */
    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" "
                 "closes=\"2000-02-29\"", &def);
    ck_assert(def.closes == utc(951868800));    /* 2000-03-01T00:00:00Z */
    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" "
                 "closes=\"2026-02-28\"", &def);
    ck_assert(def.closes == utc(1772323200));   /* 2026-03-01T00:00:00Z */
}
END_TEST

START_TEST(test_closes_invalid_dates_are_refused)
{
    static const char *const dates[] = {
        "2026-02-30", "2026-02-29", "2100-02-29", "2026-04-31", "2026-06-31",
        "2026-13-01", "2026-00-10", "2026-12-00", "2026-12-32", "2026-12-31T24:00",
        "2026-12-31T18:60", "2026-12-31T18", "2026-12-31T", "26-12-31", "2026-1-31",
        "2026-12-1", "2026/12/31", "31.12.2026", "", "tomorrow", "2026-12-31x",
        "2026-12-31T18:00:00:00", "+2026-12-31", "2026-12-3a", "2026-12-31T1a:00",
    };
    size_t k;

    for (k = 0; k < sizeof(dates) / sizeof(dates[0]); k++) {
        assert_refused(apr_psprintf(pool, "social:poll name=\"x\" question=\"Q?\" "
                                    "options=\"A|B\" closes=\"%s\"", dates[k]));
    }
}
END_TEST

/* ---- results ---- */

START_TEST(test_results_values)
{
    social_poll_def def;

    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" results=\"always\"",
                 &def);
    ck_assert_int_eq(def.results, SOCIAL_POLL_RESULTS_ALWAYS);
    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" "
                 "results=\"after-vote\"", &def);
    ck_assert_int_eq(def.results, SOCIAL_POLL_RESULTS_AFTER_VOTE);
    assert_valid("social:poll name=\"x\" question=\"Q?\" options=\"A|B\" "
                 "results=\"after-close\"", &def);
    ck_assert_int_eq(def.results, SOCIAL_POLL_RESULTS_AFTER_CLOSE);
}
END_TEST

START_TEST(test_unknown_results_values_are_refused)
{
    static const char *const values[] = {
        "", "never", "after", "after_vote", "aftervote", "after-voting", "closed", "1",
    };
    size_t k;

    for (k = 0; k < sizeof(values) / sizeof(values[0]); k++) {
        assert_refused(apr_psprintf(pool, "social:poll name=\"x\" question=\"Q?\" "
                                    "options=\"A|B\" results=\"%s\"", values[k]));
    }
}
END_TEST

START_TEST(test_results_names)
{
    ck_assert_str_eq(social_poll_results_name(SOCIAL_POLL_RESULTS_ALWAYS), "always");
    ck_assert_str_eq(social_poll_results_name(SOCIAL_POLL_RESULTS_AFTER_VOTE), "after-vote");
    ck_assert_str_eq(social_poll_results_name(SOCIAL_POLL_RESULTS_AFTER_CLOSE), "after-close");
}
END_TEST

/* ---- the definition string ---- */

#define BASE "name=\"lunch\" question=\"Lunch on Friday?\" options=\"Pizza|Sushi|Salad\""

START_TEST(test_definition_is_stable_for_the_same_poll)
{
    const char *a = definition_of("social:poll " BASE);
    const char *b = definition_of("social:poll " BASE);

    ck_assert_str_eq(a, b);
    /* attribute order, quoting, spacing, attribute-name case and entity
     * spelling do not change the poll */
    ck_assert_str_eq(a, definition_of("social:poll options=\"Pizza|Sushi|Salad\" "
                                      "question=\"Lunch on Friday?\" name=\"lunch\""));
    ck_assert_str_eq(a, definition_of("social:poll name='lunch' question='Lunch on Friday?' "
                                      "options='Pizza|Sushi|Salad'"));
    ck_assert_str_eq(a, definition_of("social:poll\n name=\"lunch\"\n"
                                      " QUESTION=\" Lunch on Friday? \"\n"
                                      " options=\" Pizza | Sushi | Salad \"\n"));
    ck_assert_str_eq(a, definition_of("social:poll name=\"lunch\" "
                                      "question=\"Lunch on Friday&#x3F;\" "
                                      "options=\"&#80;izza|Sushi|Salad\""));
    ck_assert_str_eq(a, definition_of("social:poll " BASE " results=\"always\""));
}
END_TEST

START_TEST(test_definition_changes_with_every_part)
{
    static const char *const variants[] = {
        "social:poll name=\"lunch2\" question=\"Lunch on Friday?\" options=\"Pizza|Sushi|Salad\"",
        "social:poll name=\"lunch\" question=\"Lunch on Monday?\" options=\"Pizza|Sushi|Salad\"",
        "social:poll name=\"lunch\" question=\"Lunch on Friday?\" options=\"Pizza|Sushi\"",
        "social:poll name=\"lunch\" question=\"Lunch on Friday?\" options=\"Pizza|Sushi|Salads\"",
        "social:poll name=\"lunch\" question=\"Lunch on Friday?\" options=\"Sushi|Pizza|Salad\"",
        "social:poll name=\"lunch\" question=\"Lunch on Friday?\" "
        "options=\"Pizza|Sushi|Salad|Soup\"",
        "social:poll " BASE " multiple",
        "social:poll " BASE " closes=\"2026-12-31\"",
        "social:poll " BASE " closes=\"2026-12-30\"",
        "social:poll " BASE " closes=\"2026-12-31T18:00\"",
        "social:poll " BASE " results=\"after-vote\"",
        "social:poll " BASE " results=\"after-close\"",
    };
    const char *defs[sizeof(variants) / sizeof(variants[0]) + 1];
    size_t n = sizeof(variants) / sizeof(variants[0]), k, j;

    defs[0] = definition_of("social:poll " BASE);
    for (k = 0; k < n; k++) {
        defs[k + 1] = definition_of(variants[k]);
    }
    for (k = 0; k <= n; k++) {
        for (j = k + 1; j <= n; j++) {
            ck_assert_msg(strcmp(defs[k], defs[j]) != 0,
                          "two different polls give the same definition:\n%s\n%s",
                          k == 0 ? "social:poll " BASE : variants[k - 1], variants[j - 1]);
        }
    }
}
END_TEST

/* The definition is "canonical text of all the above": two polls that
 * differ must never share it, whatever characters the question holds (a
 * marker may spread a question over lines). Such a question may also be
 * refused. */
START_TEST(test_definition_never_confuses_a_line_break_with_a_field_break)
{
    static const char *const questions[] = {
        "Q&#10;0&#10;0&#10;always&#10;A", "Q\n0\n0\nalways\nA",
    };
    social_poll_def one, two;
    size_t k;

    for (k = 0; k < sizeof(questions) / sizeof(questions[0]); k++) {
        const char *why = poll_parse(apr_psprintf(pool, "social:poll name=\"y\" "
                                                  "question=\"%s\" options=\"B|C\" multiple",
                                                  questions[k]), &two);
        if (why != NULL) {
            continue;
        }
        assert_valid("social:poll name=\"y\" question=\"Q\" options=\"A|1|0|always|B|C\"",
                     &one);
        ck_assert_int_ne(one.multiple, two.multiple);
        ck_assert_msg(strcmp(one.definition, two.definition) != 0,
                      "two different polls share the definition \"%s\"", one.definition);
    }
}
END_TEST

START_TEST(test_definition_does_not_point_into_the_marker_text)
{
    social_poll_def first, second;

    assert_valid("social:poll " BASE, &first);
    /* the next parse unmaps the first marker's text */
    assert_valid("social:poll name=\"other\" question=\"Other?\" options=\"X|Y\"", &second);
    ck_assert_str_eq(first.name, "lunch");
    ck_assert_str_eq(first.question, "Lunch on Friday?");
    ck_assert_str_eq(first.options[2], "Salad");
    ck_assert_str_eq(first.definition, definition_of("social:poll " BASE));
}
END_TEST

/* ---- matching a changed marker's options with the stored ones ---- */

/* The stored options "idx:label[-]" ('-': removed), as the store reads them. */
static apr_array_header_t *stored_options(const char *const *specs, int n)
{
    apr_array_header_t *a = apr_array_make(pool, 4, sizeof(social_poll_stored_option));
    int k;

    for (k = 0; k < n; k++) {
        social_poll_stored_option *o = apr_array_push(a);
        const char *colon = strchr(specs[k], ':');
        size_t len = strlen(colon + 1);

        o->idx = atoi(specs[k]);
        o->removed = colon[len] == '-';
        o->label = apr_pstrndup(pool, colon + 1, o->removed ? len - 1 : len);
    }
    return a;
}

/* The changes as "+idx:label", "^idx:label" (restored), "-idx:label", joined by ' '. */
static const char *changes_text(const apr_array_header_t *changes)
{
    const char *out = "";
    int k;

    for (k = 0; k < changes->nelts; k++) {
        const social_poll_option_change *c = &APR_ARRAY_IDX(changes, k,
                                                            social_poll_option_change);
        char sign = c->kind == SOCIAL_POLL_OPTION_ADD ? '+'
                  : c->kind == SOCIAL_POLL_OPTION_RESTORE ? '^' : '-';
        out = apr_psprintf(pool, "%s%s%c%d:%s", out, k ? " " : "", sign, c->idx, c->label);
    }
    return out;
}

static const char *match(const char *marker, const char *const *specs, int n)
{
    social_poll_def def;

    assert_valid(marker, &def);
    return changes_text(social_poll_options_match(pool, stored_options(specs, n), &def));
}

START_TEST(test_a_new_poll_adds_every_option_in_order)
{
    ck_assert_str_eq(match("social:poll " BASE, NULL, 0), "+0:Pizza +1:Sushi +2:Salad");
}
END_TEST

START_TEST(test_an_unchanged_marker_changes_nothing)
{
    static const char *const stored[] = { "0:Pizza", "1:Sushi", "2:Salad" };
    ck_assert_str_eq(match("social:poll " BASE, stored, 3), "");
}
END_TEST

START_TEST(test_options_are_matched_by_label_not_position)
{
    static const char *const stored[] = { "0:Salad", "1:Pizza", "2:Sushi" };
    ck_assert_str_eq(match("social:poll " BASE, stored, 3), "");
}
END_TEST

START_TEST(test_a_new_label_gets_the_index_after_every_stored_one)
{
    /* Salad's index 7 is taken even though it is removed. */
    static const char *const stored[] = { "0:Pizza", "1:Sushi", "7:Soup-" };
    ck_assert_str_eq(match("social:poll name=\"lunch\" question=\"Lunch?\" "
                           "options=\"Pizza|Sushi|Salad|Tacos\"", stored, 3),
                     "+8:Salad +9:Tacos");
}
END_TEST

START_TEST(test_a_label_gone_from_the_marker_is_removed_once)
{
    static const char *const stored[] = { "0:Pizza", "1:Sushi", "2:Salad", "3:Soup-" };
    ck_assert_str_eq(match("social:poll name=\"lunch\" question=\"Lunch?\" "
                           "options=\"Pizza|Salad\"", stored, 4),
                     "-1:Sushi");
}
END_TEST

START_TEST(test_a_removed_label_back_in_the_marker_is_restored_with_its_index)
{
    static const char *const stored[] = { "0:Pizza", "1:Sushi-", "2:Salad" };
    ck_assert_str_eq(match("social:poll " BASE, stored, 3), "^1:Sushi");
}
END_TEST

START_TEST(test_changes_come_in_marker_order_then_removals)
{
    static const char *const stored[] = { "0:Pizza", "1:Soup", "2:Sushi-" };
    ck_assert_str_eq(match("social:poll name=\"lunch\" question=\"Lunch?\" "
                           "options=\"Tacos|Sushi|Pizza\"", stored, 3),
                     "+3:Tacos ^2:Sushi -1:Soup");
}
END_TEST

START_TEST(test_results_names_read_back)
{
    ck_assert_int_eq(social_poll_results_parse("always"), SOCIAL_POLL_RESULTS_ALWAYS);
    ck_assert_int_eq(social_poll_results_parse("after-vote"), SOCIAL_POLL_RESULTS_AFTER_VOTE);
    ck_assert_int_eq(social_poll_results_parse("after-close"), SOCIAL_POLL_RESULTS_AFTER_CLOSE);
    ck_assert_int_eq(social_poll_results_parse(""), SOCIAL_POLL_RESULTS_ALWAYS);
    ck_assert_int_eq(social_poll_results_parse("never"), SOCIAL_POLL_RESULTS_ALWAYS);
}
END_TEST

/* ---- ideas boards ---- */

static const char *ideas_parse(const char *text, social_ideas_def *def)
{
    social_marker m;
    const char *src = guarded(text, strlen(text));

    ck_assert_msg(social_marker_parse(src, strlen(text), &m) == 0,
                  "the marker itself does not parse: %s", text);
    ck_assert_msg(social_marker_is(&m, "ideas"), "not an ideas marker: %s", text);
    memset(def, 0x5a, sizeof(*def));
    return social_ideas_def_parse(pool, &m, def);
}

START_TEST(test_ideas_board_with_default_statuses)
{
    social_ideas_def def;
    const char *why = ideas_parse("social:ideas name=\"costs\" title=\"Ways to cut costs\"", &def);

    ck_assert_msg(why == NULL, "refused: %s", why ? why : "");
    ck_assert_str_eq(def.name, "costs");
    ck_assert_str_eq(def.title, "Ways to cut costs");
    ck_assert(def.closes == 0);
    ck_assert_int_eq(def.nstatuses, 5);
    ck_assert_str_eq(def.statuses[0], "new");
    ck_assert_str_eq(def.statuses[1], "under review");
    ck_assert_str_eq(def.status_list, "new|under review|planned|done|declined");
    ck_assert_int_eq(social_ideas_status_index(def.status_list, "planned"), 2);
    ck_assert_int_eq(social_ideas_status_index(def.status_list, "plan"), -1);
    ck_assert_int_eq(social_ideas_status_index(def.status_list, ""), -1);
    ck_assert_int_eq(social_ideas_status_index(def.status_list, "new|under review"), -1);
}
END_TEST

START_TEST(test_ideas_board_with_statuses_and_closing_day)
{
    social_ideas_def def, other;
    const char *why = ideas_parse("social:ideas name=\"fk\" title=\"Feedback &amp; more\" "
                                  "closes=\"2027-01-15\" "
                                  "statuses=\" received | incorporated|not taken \"", &def);

    ck_assert_msg(why == NULL, "refused: %s", why ? why : "");
    ck_assert_str_eq(def.title, "Feedback & more");
    ck_assert(def.closes == utc(1799971200 + 86400));   /* 2027-01-16T00:00Z */
    ck_assert_str_eq(def.status_list, "received|incorporated|not taken");
    ck_assert_int_eq(def.nstatuses, 3);
    why = ideas_parse("social:ideas name=\"fk\" title=\"Feedback &amp; more\" "
                      "closes=\"2027-01-15\" statuses=\"received|incorporated\"", &other);
    ck_assert_msg(why == NULL, "refused: %s", why ? why : "");
    ck_assert_str_ne(def.definition, other.definition);
}
END_TEST

START_TEST(test_ideas_board_closes_through_that_day)
{
    social_ideas_def def;
    const char *why = ideas_parse("social:ideas name=\"a\" title=\"t\" closes=\"1970-01-02\"",
                                  &def);

    ck_assert_msg(why == NULL, "refused: %s", why ? why : "");
    ck_assert(def.closes == utc(2 * 86400));
}
END_TEST

START_TEST(test_invalid_ideas_markers_are_refused)
{
    static const char *const bad[] = {
        "social:ideas title=\"t\"",
        "social:ideas name=\"x\"",
        "social:ideas name=\"\" title=\"t\"",
        "social:ideas name=\"Bad\" title=\"t\"",
        "social:ideas name=\"x\" title=\"\"",
        "social:ideas name=\"x\" title=\"t\" colour=\"red\"",
        "social:ideas name=\"x\" title=\"t\" closes",
        "social:ideas name=\"x\" title=\"t\" closes=\"2026-02-30\"",
        "social:ideas name=\"x\" title=\"t\" statuses=\"one\"",
        "social:ideas name=\"x\" title=\"t\" statuses=\"a|a\"",
        "social:ideas name=\"x\" title=\"t\" statuses=\"a||b\"",
        "social:ideas name=\"x\" title=\"t\" statuses=\"|a|b\"",
        "social:ideas name=\"x\" title=\"t\" statuses=\"a|b|c|d|e|f|g|h|i|j|k|l|m\"",
        "social:ideas name=\"x\" title=\"&bogus;\"",
    };
    size_t k;

    for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        social_ideas_def def;
        const char *why = ideas_parse(bad[k], &def);
        ck_assert_msg(why != NULL && *why != '\0', "accepted: %s", bad[k]);
    }
}
END_TEST

static Suite *poll_suite(void)
{
    Suite *s = suite_create("poll");
    TCase *tc;

    tc = tcase_create("valid");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_minimal_poll_is_read_with_defaults);
    tcase_add_test(tc, test_two_options_are_enough);
    tcase_add_test(tc, test_options_are_trimmed);
    tcase_add_test(tc, test_multiple_flag);
    tcase_add_test(tc, test_attribute_names_any_case_and_quoting_styles);
    tcase_add_test(tc, test_attributes_across_lines);
    suite_add_tcase(s, tc);

    tc = tcase_create("entities");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_entities_in_question_are_decoded);
    tcase_add_test(tc, test_entities_in_options_and_name_are_decoded);
    tcase_add_test(tc, test_utf8_text_is_kept);
    tcase_add_test(tc, test_entity_spelling_of_a_duplicate_is_still_a_duplicate);
    tcase_add_test(tc, test_references_to_no_character_never_give_bad_utf8);
    tcase_add_test(tc, test_invalid_utf8_in_a_value_never_passes_through);
    suite_add_tcase(s, tc);

    tc = tcase_create("invalid");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_missing_name_question_or_options_is_refused);
    tcase_add_test(tc, test_empty_name_question_or_options_is_refused);
    tcase_add_test(tc, test_value_attributes_without_value_are_refused);
    tcase_add_test(tc, test_one_option_is_refused);
    tcase_add_test(tc, test_empty_options_are_refused);
    tcase_add_test(tc, test_duplicate_options_are_refused);
    tcase_add_test(tc, test_unknown_attribute_is_refused);
    tcase_add_test(tc, test_twenty_options_accepted_twenty_one_refused);
    tcase_add_test(tc, test_lengths_of_name_question_and_options);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_names_of_lower_case_letters_digits_dash_underscore);
    tcase_add_test(tc, test_names_with_other_characters_are_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("closes");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_closes_date_means_through_that_day_utc);
    tcase_add_test(tc, test_closes_with_time_is_exact);
    tcase_add_test(tc, test_closes_leap_days);
    tcase_add_test(tc, test_closes_invalid_dates_are_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("results");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_results_values);
    tcase_add_test(tc, test_unknown_results_values_are_refused);
    tcase_add_test(tc, test_results_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("definition");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_definition_is_stable_for_the_same_poll);
    tcase_add_test(tc, test_definition_changes_with_every_part);
    tcase_add_test(tc, test_definition_never_confuses_a_line_break_with_a_field_break);
    tcase_add_test(tc, test_definition_does_not_point_into_the_marker_text);
    suite_add_tcase(s, tc);

    tc = tcase_create("option matching");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_a_new_poll_adds_every_option_in_order);
    tcase_add_test(tc, test_an_unchanged_marker_changes_nothing);
    tcase_add_test(tc, test_options_are_matched_by_label_not_position);
    tcase_add_test(tc, test_a_new_label_gets_the_index_after_every_stored_one);
    tcase_add_test(tc, test_a_label_gone_from_the_marker_is_removed_once);
    tcase_add_test(tc, test_a_removed_label_back_in_the_marker_is_restored_with_its_index);
    tcase_add_test(tc, test_changes_come_in_marker_order_then_removals);
    tcase_add_test(tc, test_results_names_read_back);
    suite_add_tcase(s, tc);

    tc = tcase_create("ideas");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_ideas_board_with_default_statuses);
    tcase_add_test(tc, test_ideas_board_with_statuses_and_closing_day);
    tcase_add_test(tc, test_ideas_board_closes_through_that_day);
    tcase_add_test(tc, test_invalid_ideas_markers_are_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("surveys");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_survey_defaults_and_attributes);
    tcase_add_test(tc, test_bad_surveys_are_refused);
    tcase_add_test(tc, test_question_types);
    tcase_add_test(tc, test_bad_questions_are_refused);
    tcase_add_test(tc, test_question_definition_changes_with_every_part);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(poll_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
