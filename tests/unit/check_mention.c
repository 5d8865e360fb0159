/* check_mention.c: unit tests for @mentions (mention.h): which names a
 * comment mentions, and links added to formatted comment HTML. Every
 * test runs with a fresh APR pool. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "mention.h"
#include "text.h"

static apr_pool_t *pool;

static void pool_setup(void)
{
    apr_pool_create(&pool, NULL);
}

static void pool_teardown(void)
{
    apr_pool_destroy(pool);
}

/* The mentioned names joined with ','. */
static const char *names(const char *text)
{
    apr_array_header_t *list = social_mention_names(pool, text);
    return apr_array_pstrcat(pool, list, ',');
}

START_TEST(test_names_at_start_and_after_punctuation)
{
    ck_assert_str_eq(names("@alice hi"), "alice");
    ck_assert_str_eq(names("hi @bob, and (@carol) or \"@dave\""), "bob,carol,dave");
    ck_assert_str_eq(names("line\n@erin"), "erin");
}
END_TEST

START_TEST(test_names_keep_dots_dashes_underscores_inside)
{
    ck_assert_str_eq(names("@j.doe-2_x said"), "j.doe-2_x");
    ck_assert_str_eq(names("ask @j.doe."), "j.doe");
    ck_assert_str_eq(names("ask @j.doe-."), "j.doe");
}
END_TEST

START_TEST(test_addresses_and_urls_mention_nobody)
{
    ck_assert_str_eq(names("mail alice@example.org"), "");
    ck_assert_str_eq(names("see https://host/@bob and x:@carol"), "");
    ck_assert_str_eq(names("@@dave"), "");
    ck_assert_str_eq(names("@ alone, @. and @-"), "");
}
END_TEST

START_TEST(test_each_name_once_and_at_most_ten)
{
    ck_assert_str_eq(names("@a @b @a @c @b"), "a,b,c");
    ck_assert_int_eq(social_mention_names(pool, "@a @b @c @d @e @f @g @h @i @j @k @l")->nelts,
                     SOCIAL_MENTION_MAX);
}
END_TEST

START_TEST(test_names_longer_than_a_user_are_not_mentions)
{
    char text[300];
    memset(text, 'x', sizeof(text));
    text[0] = '@';
    text[sizeof(text) - 1] = '\0';
    ck_assert_str_eq(names(text), "");
    text[256] = '\0';   /* 255 characters after the @ */
    ck_assert_int_eq((int)strlen(names(text)), 255);
}
END_TEST

START_TEST(test_links_in_formatted_text)
{
    const char *text = "hi @bob <b>&</b> see https://x.example/@carol\n@dave.";
    char *html = social_text_format_comment(pool, text, strlen(text));
    char *linked = social_mention_link_html(pool, html, "/_social/activity");

    ck_assert_ptr_nonnull(strstr(linked,
        "hi <a class=\"social-mention\" href=\"/_social/activity?user=bob\">@bob</a> "
        "&lt;b&gt;&amp;&lt;/b&gt;"));
    ck_assert_ptr_nonnull(strstr(linked,
        "<a class=\"social-mention\" href=\"/_social/activity?user=dave\">@dave</a>."));
    ck_assert_ptr_null(strstr(linked, "user=carol"));
    /* nothing else changed */
    ck_assert_ptr_nonnull(strstr(linked, "https://x.example/@carol</a>"));
}
END_TEST

START_TEST(test_text_without_mentions_is_unchanged)
{
    const char *html = "<p>plain <a href=\"mailto:a@b.example\">a@b.example</a></p>";
    ck_assert_str_eq(social_mention_link_html(pool, html, "/x"), html);
    ck_assert_str_eq(social_mention_link_html(pool, "", "/x"), "");
}
END_TEST

static Suite *mention_suite(void)
{
    Suite *s = suite_create("mention");
    TCase *tc = tcase_create("names");

    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_names_at_start_and_after_punctuation);
    tcase_add_test(tc, test_names_keep_dots_dashes_underscores_inside);
    tcase_add_test(tc, test_addresses_and_urls_mention_nobody);
    tcase_add_test(tc, test_each_name_once_and_at_most_ten);
    tcase_add_test(tc, test_names_longer_than_a_user_are_not_mentions);
    suite_add_tcase(s, tc);

    tc = tcase_create("links");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_links_in_formatted_text);
    tcase_add_test(tc, test_text_without_mentions_is_unchanged);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    apr_initialize();
    sr = srunner_create(mention_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    apr_terminate();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
