/* Unit tests of core/i18n_widget.c: the language an Accept-Language
 * header asks for, and the messages script made from widget.json files. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "i18n_widget.h"

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

static const char *negotiate(const char *accept)
{
    const char *tag = social_i18n_widget_negotiate(pool, accept);
    return tag ? tag : "(none)";
}

START_TEST(test_accept_language_picks_a_shipped_language)
{
    ck_assert_str_eq(negotiate("de"), "de");
    ck_assert_str_eq(negotiate("de-AT,de;q=0.9,en;q=0.5"), "de");
    ck_assert_str_eq(negotiate("sv, fr;q=0.2, ja;q=0.8"), "ja");
    ck_assert_str_eq(negotiate("zh-CN"), "zh-Hans");
    ck_assert_str_eq(negotiate("zh-SG,en;q=0.1"), "zh-Hans");
    ck_assert_str_eq(negotiate("zh-Hans-CN"), "zh-Hans");
    ck_assert_str_eq(negotiate("pt-BR"), "pt");
    ck_assert_str_eq(negotiate("AR"), "ar");
    ck_assert_str_eq(negotiate("en;q=0, de"), "de");
    ck_assert_str_eq(negotiate("sv"), "(none)");
    ck_assert_str_eq(negotiate("zh-TW"), "(none)");
    ck_assert_str_eq(negotiate("de;q=0"), "(none)");
    ck_assert_str_eq(negotiate("*"), "(none)");
    ck_assert_str_eq(negotiate("deu"), "(none)");
    ck_assert_str_eq(negotiate(""), "(none)");
    ck_assert_ptr_null(social_i18n_widget_negotiate(pool, NULL));
    ck_assert_int_eq(social_i18n_widget_rtl("ar"), 1);
    ck_assert_int_eq(social_i18n_widget_rtl("de"), 0);
}
END_TEST

START_TEST(test_script_of_the_shipped_catalogues)
{
    const char *error = NULL;
    apr_size_t len = 0;
    char *s = social_i18n_widget_script(pool, TEST_I18N_DIR, "de", "Europe/Berlin", &len, &error);

    ck_assert_msg(s != NULL, "%s", error ? error : "?");
    ck_assert_uint_eq(len, strlen(s));
    ck_assert(strncmp(s, "window.SocialMessages = {\"lang\":\"de\",\"dir\":\"ltr\","
                         "\"tz\":\"Europe/Berlin\",\"m\":{", 70) == 0);
    ck_assert_ptr_nonnull(strstr(s, "\"widget.link_copied\":\"Link kopiert\""));
    ck_assert_ptr_nonnull(strstr(s, "\"widget.comment_count\":{\"one\":\"{n} Kommentar\","));
    s = social_i18n_widget_script(pool, TEST_I18N_DIR, "ar", NULL, &len, &error);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(strstr(s, "\"dir\":\"rtl\",\"tz\":\"UTC\""));
    ck_assert_ptr_null(social_i18n_widget_script(pool, TEST_I18N_DIR, "xx", NULL, &len, &error));
    ck_assert_ptr_nonnull(strstr(error, "xx"));
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

START_TEST(test_english_fills_in_and_bad_files_are_named)
{
    const char *tmp, *dir, *error = NULL;
    apr_size_t len;
    char *s;

    ck_assert_int_eq(apr_temp_dir_get(&tmp, pool), APR_SUCCESS);
    dir = apr_psprintf(pool, "%s/check_i18n_widget.%d", tmp, (int)getpid());
    write_catalogue(dir, "en", "{\"widget.a\": \"A\", \"widget.b\": {\"one\": \"{n} b\", "
                               "\"other\": \"{n} bs\"}}");
    write_catalogue(dir, "fr", "{\"widget.a\": \"\\u00c0\", \"widget.extra\": \"x\"}");
    s = social_i18n_widget_script(pool, dir, "fr", "UTC", &len, &error);
    ck_assert_msg(s != NULL, "%s", error ? error : "?");
    /* French's own, English for the rest, nothing English does not have */
    ck_assert_ptr_nonnull(strstr(s, "\"widget.a\":\"\xc3\x80\""));
    ck_assert_ptr_nonnull(strstr(s, "\"widget.b\":{\"one\":\"{n} b\",\"other\":\"{n} bs\"}"));
    ck_assert_ptr_null(strstr(s, "widget.extra"));

    write_catalogue(dir, "fr", "{\"widget.a\": \"x\",\n\"widget.b\" \"y\"}");
    error = NULL;
    ck_assert_ptr_null(social_i18n_widget_script(pool, dir, "fr", "UTC", &len, &error));
    ck_assert_ptr_nonnull(strstr(error, "fr/widget.json line 2"));

    write_catalogue(dir, "fr", "{\"block.heading\": \"x\"}");
    ck_assert_ptr_null(social_i18n_widget_script(pool, dir, "fr", "UTC", &len, &error));
    ck_assert_ptr_nonnull(strstr(error, "block.heading"));

    write_catalogue(dir, "fr", "{\"widget.b\": {\"one\": \"x\"}}");
    ck_assert_ptr_null(social_i18n_widget_script(pool, dir, "fr", "UTC", &len, &error));

    write_catalogue(dir, "fr", "{\"widget.a\": \"x\", \"widget.a\": \"y\"}");
    ck_assert_ptr_null(social_i18n_widget_script(pool, dir, "fr", "UTC", &len, &error));

    /* no catalogue at all */
    ck_assert_ptr_null(social_i18n_widget_script(pool, dir, "ja", "UTC", &len, &error));
    ck_assert_ptr_nonnull(strstr(error, "ja/widget.json"));
    apr_dir_remove(apr_pstrcat(pool, dir, "/en", NULL), pool);
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
    tcase_add_test(tc, test_accept_language_picks_a_shipped_language);
    tcase_add_test(tc, test_script_of_the_shipped_catalogues);
    tcase_add_test(tc, test_english_fills_in_and_bad_files_are_named);
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
