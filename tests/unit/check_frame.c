/* check_frame.c: unit tests for core/frame.c: a module page set in the
 * site's frame (title, stylesheet links, where the page goes). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "frame.h"

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

static const char PAGE[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
    "<title>Delete this comment?</title>\n"
    "<link rel=\"stylesheet\" href=\"/_social/assets/1/social.css\" />\n"
    "</head>\n<body class=\"social-page\">\n"
    "<main class=\"social\" role=\"main\"><h1>Delete this comment?</h1></main>\n"
    "</body>\n</html>\n";

static char *compose(const char *frame)
{
    apr_size_t len = 0;
    char *out = social_frame_compose(pool, frame, strlen(frame), PAGE, strlen(PAGE), &len);

    if (out != NULL) {
        ck_assert_uint_eq(len, strlen(out));
    }
    return out;
}

START_TEST(test_page_goes_before_the_frames_last_body_end)
{
    char *out = compose("<html><HEAD><TITLE>ACME intranet</TITLE></HEAD>"
                        "<BODY><div id=nav>Home</div><p>&copy; ACME</p></BODY></html>");

    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, "<html><HEAD><TITLE>Delete this comment?</TITLE>"
                     "<link rel=\"stylesheet\" href=\"/_social/assets/1/social.css\" />\n"
                     "</HEAD><BODY><div id=nav>Home</div><p>&copy; ACME</p>"
                     "<main class=\"social\" role=\"main\"><h1>Delete this comment?</h1></main>"
                     "</BODY></html>");
}
END_TEST

START_TEST(test_marker_places_the_page)
{
    char *out = compose("<html><head><title>x</title></head><body><nav>n</nav>"
                        "<!--social:discussion--><footer>f</footer></body></html>");

    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(strstr(out, "<nav>n</nav><main class=\"social\""));
    ck_assert_ptr_nonnull(strstr(out, "</main><footer>f</footer></body>"));
    ck_assert_ptr_null(strstr(out, "social:discussion"));
}
END_TEST

START_TEST(test_frame_without_head_or_body)
{
    char *out = compose("<p>just a fragment</p>");

    ck_assert_ptr_nonnull(out);
    /* links and page at the end, the title nowhere to go */
    ck_assert_str_eq(out, "<p>just a fragment</p>"
                     "<link rel=\"stylesheet\" href=\"/_social/assets/1/social.css\" />\n"
                     "<main class=\"social\" role=\"main\"><h1>Delete this comment?</h1></main>");
}
END_TEST

START_TEST(test_unusable_inputs_give_nothing)
{
    apr_size_t len = 0;
    static const char nul_frame[] = "<html>\0</html>";

    ck_assert_ptr_null(social_frame_compose(pool, nul_frame, sizeof(nul_frame) - 1,
                                            PAGE, strlen(PAGE), &len));
    ck_assert_ptr_null(social_frame_compose(pool, "<html></html>", 13,
                                            "<p>no main</p>", 14, &len));
}
END_TEST

START_TEST(test_empty_frame_title_takes_the_pages)
{
    char *out = compose("<title></title></head><body></body>");

    ck_assert_ptr_nonnull(out);
    ck_assert(strncmp(out, "<title>Delete this comment?</title>", 35) == 0);
}
END_TEST

static Suite *frame_suite(void)
{
    Suite *s = suite_create("frame");
    TCase *tc = tcase_create("frame");

    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_page_goes_before_the_frames_last_body_end);
    tcase_add_test(tc, test_marker_places_the_page);
    tcase_add_test(tc, test_frame_without_head_or_body);
    tcase_add_test(tc, test_unusable_inputs_give_nothing);
    tcase_add_test(tc, test_empty_frame_title_takes_the_pages);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(frame_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
