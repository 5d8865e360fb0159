/* check_title.c: unit tests for core/title.c: which <title> is the
 * page's (not one in a comment, a script or an attribute), fed in pieces
 * of any size, and how its text is cleaned for showing (charsets,
 * character references, white space, the length cap). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "title.h"

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

/* The raw title of page fed in pieces of step bytes (0: all at once);
 * NULL if none. */
static const char *raw_title(const char *page, size_t step)
{
    social_title_scan *s = social_title_scan_make(pool);
    size_t len = strlen(page), at, n;
    const char *raw;

    if (step == 0) {
        step = len ? len : 1;
    }
    for (at = 0; at < len; at += n) {
        n = len - at < step ? len - at : step;
        social_title_scan_feed(s, page + at, n);
    }
    raw = social_title_scan_raw(s, &n);
    return raw ? apr_pstrmemdup(pool, raw, n) : NULL;
}

/* The cleaned title of a UTF-8 page. */
static const char *title_of(const char *page)
{
    size_t n;
    const char *raw;
    social_title_scan *s = social_title_scan_make(pool);

    social_title_scan_feed(s, page, strlen(page));
    raw = social_title_scan_raw(s, &n);
    return social_title_clean(pool, raw, n, "utf-8");
}

START_TEST(test_first_title_is_found_whatever_the_pieces)
{
    const char *page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                       "<TITLE lang=\"en\">Offsite 2026: vote</Title ><title>second</title>";
    size_t step;

    for (step = 0; step <= strlen(page); step++) {
        const char *raw = raw_title(page, step);
        ck_assert_msg(raw != NULL && strcmp(raw, "Offsite 2026: vote") == 0,
                      "step %u gave %s", (unsigned)step, raw ? raw : "(null)");
    }
}
END_TEST

START_TEST(test_title_in_comment_script_or_attribute_is_not_the_title)
{
    ck_assert_str_eq(raw_title("<!-- <title>old</title> --><title>real</title>", 0), "real");
    ck_assert_str_eq(raw_title("<script>var t = '<title>x</title>';</script>"
                               "<title>real</title>", 0), "real");
    ck_assert_str_eq(raw_title("<style>/* <title> */</style><title>real</title>", 0), "real");
    ck_assert_str_eq(raw_title("<meta content=\"<title>no</title>\"><title>real</title>", 0),
                     "real");
    ck_assert_str_eq(raw_title("<titles>no</titles><title>real</title>", 0), "real");
    ck_assert_str_eq(raw_title("<script></scriptx><title>no</title></script>"
                               "<title>real</title>", 1), "real");
}
END_TEST

START_TEST(test_title_is_rcdata_up_to_its_end_tag)
{
    ck_assert_str_eq(raw_title("<title>a <b>bold</b> </titl </title\n>", 0),
                     "a <b>bold</b> </titl ");
    /* An end tag the page never finishes is text, as in a browser. */
    ck_assert_str_eq(raw_title("<title>open </title", 0), "open </title");
    ck_assert_str_eq(raw_title("<title>cut at the end", 0), "cut at the end");
    ck_assert_str_eq(raw_title("<title></title>", 0), "");
}
END_TEST

START_TEST(test_page_without_title_has_none)
{
    ck_assert_ptr_null(raw_title("<html><body><h1>Hello</h1></body></html>", 0));
    ck_assert_ptr_null(raw_title("", 0));
    ck_assert_ptr_null(title_of("<title> \n\t </title>"));
}
END_TEST

START_TEST(test_references_are_decoded_once)
{
    ck_assert_str_eq(title_of("<title>Q&amp;A &lt;script&gt; &#233;t&#xE9; &eacute;</title>"),
                     "Q&A <script> \xC3\xA9t\xC3\xA9 \xC3\xA9");
    ck_assert_str_eq(title_of("<title>&amp;amp; &unknown; & alone</title>"),
                     "&amp; &unknown; & alone");
    ck_assert_str_eq(title_of("<title>&#0;&#x110000;&#128;</title>"),
                     "\xEF\xBF\xBD\xEF\xBF\xBD\xE2\x82\xAC");
}
END_TEST

START_TEST(test_white_space_is_collapsed_and_trimmed)
{
    ck_assert_str_eq(title_of("<title>\n  Offsite\t\t2026 \r\n vote  </title>"),
                     "Offsite 2026 vote");
    ck_assert_str_eq(title_of("<title>a\x01" "b&#9;c</title>"), "a b c");
}
END_TEST

START_TEST(test_latin1_and_windows_1252_become_utf8)
{
    ck_assert_str_eq(social_title_clean(pool, "Caf\xE9", 4, "iso-8859-1"), "Caf\xC3\xA9");
    ck_assert_str_eq(social_title_clean(pool, "\x93q\x94", 3, "windows-1252"),
                     "\xE2\x80\x9Cq\xE2\x80\x9D");
    /* No charset: UTF-8 if it is, else windows-1252. */
    ck_assert_str_eq(social_title_clean(pool, "Caf\xC3\xA9", 5, NULL), "Caf\xC3\xA9");
    ck_assert_str_eq(social_title_clean(pool, "Caf\xE9", 4, NULL), "Caf\xC3\xA9");
    /* Declared UTF-8 that is not: repaired. */
    ck_assert_str_eq(social_title_clean(pool, "Caf\xE9", 4, "utf-8"), "Caf\xEF\xBF\xBD");
}
END_TEST

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

START_TEST(test_long_title_is_cut_with_an_ellipsis)
{
    char *raw = malloc(2000);
    const char *t;
    int k;

    for (k = 0; k < 1000; k++) {
        memcpy(raw + 2 * k, "\xC3\xA9", 2);   /* é, two bytes each */
    }
    t = social_title_clean(pool, raw, 2000, "utf-8");
    ck_assert_uint_eq(utf8_chars(t), SOCIAL_TITLE_MAX_CHARS);
    ck_assert_str_eq(t + strlen(t) - 3, "\xE2\x80\xA6");
    memset(raw, 'a', SOCIAL_TITLE_MAX_CHARS);
    t = social_title_clean(pool, raw, SOCIAL_TITLE_MAX_CHARS, "utf-8");
    ck_assert_uint_eq(strlen(t), SOCIAL_TITLE_MAX_CHARS);
    ck_assert_ptr_null(strstr(t, "\xE2\x80\xA6"));
    free(raw);
}
END_TEST

START_TEST(test_scanner_gives_up_on_a_long_page_without_title)
{
    social_title_scan *s = social_title_scan_make(pool);
    char *chunk = malloc(65536);
    int k, done = 0;
    size_t n;

    memset(chunk, 'x', 65536);
    for (k = 0; k < 16 && !done; k++) {
        done = social_title_scan_feed(s, chunk, 65536);
    }
    ck_assert_int_ne(done, 0);
    ck_assert_ptr_null(social_title_scan_raw(s, &n));
    free(chunk);
}
END_TEST

static Suite *title_suite(void)
{
    Suite *s = suite_create("title");
    TCase *tc = tcase_create("title");

    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_first_title_is_found_whatever_the_pieces);
    tcase_add_test(tc, test_title_in_comment_script_or_attribute_is_not_the_title);
    tcase_add_test(tc, test_title_is_rcdata_up_to_its_end_tag);
    tcase_add_test(tc, test_page_without_title_has_none);
    tcase_add_test(tc, test_references_are_decoded_once);
    tcase_add_test(tc, test_white_space_is_collapsed_and_trimmed);
    tcase_add_test(tc, test_latin1_and_windows_1252_become_utf8);
    tcase_add_test(tc, test_long_title_is_cut_with_an_ellipsis);
    tcase_add_test(tc, test_scanner_gives_up_on_a_long_page_without_title);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(title_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
