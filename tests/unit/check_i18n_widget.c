/* Unit tests of the widget's share of the catalogue (core/i18n.c,
 * social_i18n_json): what messages-TAG.js carries. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "i18n.h"

static apr_pool_t *pool;

static void pool_setup(void)
{
    apr_initialize();
    apr_pool_create(&pool, NULL);
}

static void pool_teardown(void)
{
    apr_pool_destroy(pool);
    apr_terminate();
}

START_TEST(test_widget_messages_of_the_shipped_catalogues)
{
    const char *error = NULL;
    social_i18n *c = social_i18n_load(pool, TEST_I18N_DIR, NULL, &error);
    char *s, *again;

    ck_assert_msg(c != NULL, "%s", error ? error : "?");
    s = social_i18n_json(pool, social_i18n_find(c, "de"), "widget.");
    ck_assert_ptr_nonnull(s);
    ck_assert(s[0] == '{');
    ck_assert_ptr_nonnull(strstr(s, "\"widget.link_copied\":\"Link kopiert\""));
    ck_assert_ptr_nonnull(strstr(s, "\"widget.comment_count\":{\"one\":\"{n} Kommentar\","));
    /* only the widget's keys, sorted: the same bytes every time */
    ck_assert_ptr_null(strstr(s, "\"block."));
    ck_assert(strstr(s, "\"widget.chars_left\"") < strstr(s, "\"widget.close\""));
    again = social_i18n_json(pool, social_i18n_find(c, "de"), "widget.");
    ck_assert_str_eq(s, again);
    /* Arabic's six forms */
    s = social_i18n_json(pool, social_i18n_find(c, "ar"), "widget.");
    ck_assert_ptr_nonnull(strstr(s, "\"widget.comment_count\":{\"few\":"));
    ck_assert_ptr_nonnull(strstr(s, "\"zero\":"));
    ck_assert_ptr_null(social_i18n_json(pool, NULL, "widget."));
}
END_TEST

static const char *write_catalogue(const char *dir, const char *tag, const char *json)
{
    const char *folder = apr_pstrcat(pool, dir, "/", tag, NULL);
    apr_file_t *f;
    apr_size_t n = strlen(json);

    ck_assert_int_eq(apr_dir_make_recursive(folder, APR_OS_DEFAULT, pool), APR_SUCCESS);
    ck_assert_int_eq(apr_file_open(&f, apr_pstrcat(pool, folder, "/widget.json", NULL),
                                   APR_WRITE | APR_CREATE | APR_TRUNCATE, APR_OS_DEFAULT,
                                   pool), APR_SUCCESS);
    ck_assert_int_eq(apr_file_write_full(f, json, n, NULL), APR_SUCCESS);
    apr_file_close(f);
    return folder;
}

START_TEST(test_english_fills_in_what_a_language_lacks)
{
    const char *tmp, *dir, *error = NULL;
    social_i18n *c;
    char *s;

    ck_assert_int_eq(apr_temp_dir_get(&tmp, pool), APR_SUCCESS);
    dir = apr_psprintf(pool, "%s/check_i18n_widget.%d", tmp, (int)getpid());
    write_catalogue(dir, "en", "{\"widget.a\": \"A\", \"widget.b\": {\"one\": \"{n} b\", "
                               "\"other\": \"{n} bs\"}, \"block.c\": \"C\"}");
    write_catalogue(dir, "fr", "{\"widget.a\": \"\\u00c0\"}");
    c = social_i18n_load(pool, dir, NULL, &error);
    ck_assert_msg(c != NULL, "%s", error ? error : "?");
    s = social_i18n_json(pool, social_i18n_find(c, "fr"), "widget.");
    ck_assert_str_eq(s, "{\"widget.a\":\"\xc3\x80\",\"widget.b\":{\"one\":\"{n} b\","
                        "\"other\":\"{n} bs\"}}");
    s = social_i18n_json(pool, social_i18n_find(c, "en"), "block.");
    ck_assert_str_eq(s, "{\"block.c\":\"C\"}");
    apr_file_remove(apr_pstrcat(pool, dir, "/en/widget.json", NULL), pool);
    apr_file_remove(apr_pstrcat(pool, dir, "/fr/widget.json", NULL), pool);
    apr_dir_remove(apr_pstrcat(pool, dir, "/en", NULL), pool);
    apr_dir_remove(apr_pstrcat(pool, dir, "/fr", NULL), pool);
    apr_dir_remove(dir, pool);
}
END_TEST

static Suite *i18n_widget_suite(void)
{
    Suite *s = suite_create("i18n_widget");
    TCase *tc = tcase_create("i18n_widget");

    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_widget_messages_of_the_shipped_catalogues);
    tcase_add_test(tc, test_english_fills_in_what_a_language_lacks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(i18n_widget_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
