/* check_render.c: unit tests of render.c (block, placeholders, ClearSilver). */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "render.h"

#ifndef TEST_TEMPLATE_DIR
#define TEST_TEMPLATE_DIR "tests/unit/templates"
#endif

static apr_pool_t *pool;

static void setup(void)
{
    apr_initialize();
    apr_pool_create(&pool, NULL);
    social_render_init(pool);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
    apr_terminate();
}

static int is_ascii(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s >= 0x80) {
            return 0;
        }
    }
    return 1;
}

START_TEST(test_block_is_delimited_and_carries_the_page_key)
{
    social_render_page page = { "/_social", "0.1.0", "/news/a.html", NULL };
    apr_size_t len;
    const char *b = social_render_block(pool, &page, &len);

    ck_assert_uint_eq(len, strlen(b));
    ck_assert(strncmp(b, SOCIAL_BLOCK_OPEN, strlen(SOCIAL_BLOCK_OPEN)) == 0);
    ck_assert_str_eq(b + len - strlen(SOCIAL_BLOCK_CLOSE), SOCIAL_BLOCK_CLOSE);
    ck_assert_ptr_nonnull(strstr(b, "data-social-page=\"/news/a.html\""));
    ck_assert_ptr_nonnull(strstr(b, "href=\"/_social/assets/0.1.0/social.css\" />"));
    ck_assert_ptr_nonnull(strstr(b, "src=\"/_social/assets/0.1.0/social.js\" defer=\"defer\"></script>"));
    ck_assert(is_ascii(b));
    /* no SocialTimeZone: the widget is told UTC */
    ck_assert_ptr_nonnull(strstr(b, " data-social-tz=\"UTC\""));
    page.tz = "America/Argentina/Buenos_Aires";
    ck_assert_ptr_nonnull(strstr(social_render_block(pool, &page, &len),
                                 " data-social-tz=\"America/Argentina/Buenos_Aires\""));
}
END_TEST

START_TEST(test_block_escapes_a_hostile_page_key)
{
    social_render_page page = { "/_social", "0.1.0", "/a\"><script>x</script>\xc3\xa9", NULL };
    apr_size_t len;
    const char *b = social_render_block(pool, &page, &len);

    ck_assert_ptr_null(strstr(b, "<script>x"));
    ck_assert_ptr_nonnull(strstr(b, "/a&quot;&gt;&lt;script&gt;x&lt;/script&gt;&#xE9;"));
    ck_assert(is_ascii(b));
}
END_TEST

static const char *marker_of(const char *text)
{
    social_marker m;
    apr_size_t len;
    ck_assert_int_eq(social_marker_parse(text, strlen(text), &m), 0);
    return social_render_marker(pool, &m, NULL, &len);
}

START_TEST(test_poll_marker_placeholder_names_the_poll)
{
    const char *p = marker_of("social:poll name=\"lunch\" question=\"Q?\" options=\"A|B\"");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(strstr(p, "data-social-kind=\"poll\""));
    ck_assert_ptr_nonnull(strstr(p, "data-social-name=\"lunch\""));
    ck_assert(strncmp(p, SOCIAL_BLOCK_OPEN, strlen(SOCIAL_BLOCK_OPEN)) == 0);
}
END_TEST

START_TEST(test_count_marker_placeholder_uses_the_canonical_key)
{
    const char *p = marker_of("social:count page=\"/news/./index.html\"");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(strstr(p, "data-social-page=\"/news/\""));
}
END_TEST

START_TEST(test_count_marker_shows_a_known_count)
{
    social_marker m;
    apr_size_t len;
    const char *text = "social:count page=\"/news/a.html\"";
    const char *p;

    ck_assert_int_eq(social_marker_parse(text, strlen(text), &m), 0);
    p = social_render_marker(pool, &m, social_render_count_link(pool, "/news/a.html", 3), &len);
    ck_assert_ptr_nonnull(strstr(p, "href=\"/news/a.html#social\">3 comments</a>"));
    p = social_render_marker(pool, &m, social_render_count_link(pool, "/news/a.html", 1), &len);
    ck_assert_ptr_nonnull(strstr(p, ">1 comment</a>"));
}
END_TEST

START_TEST(test_inline_block_carries_the_discussion)
{
    social_render_page page = { "/_social", "0.1.0", "/a.html", "<p>hello</p>" };
    apr_size_t len;
    const char *b = social_render_block(pool, &page, &len);
    ck_assert_ptr_nonnull(strstr(b, "data-social-render=\"inline\"><p>hello</p></div>"));
}
END_TEST

START_TEST(test_block_says_how_often_to_check_for_new_comments)
{
    social_render_page page = { "/_social", "0.1.0", "/a.html", NULL, 30 };
    social_render_page quiet = { "/_social", "0.1.0", "/a.html", NULL, 0 };
    apr_size_t len;

    ck_assert_ptr_nonnull(strstr(social_render_block(pool, &page, &len),
                                 " data-social-live=\"30\" data-social-render=\"deferred\""));
    ck_assert_ptr_null(strstr(social_render_block(pool, &quiet, &len), "data-social-live"));
}
END_TEST

START_TEST(test_count_marker_with_bad_page_has_no_placeholder)
{
    ck_assert_ptr_null(marker_of("social:count page=\"../etc\""));
    ck_assert_ptr_null(marker_of("social:count"));
    ck_assert_ptr_null(marker_of("social:poll question=\"no name\""));
}
END_TEST

static void fill_hostile(social_render_data *d, void *data)
{
    (void)data;
    social_render_set(d, "Data.text", "<script>alert('x')</script> & more");
    social_render_set(d, "Data.cls", "a\" onmouseover=\"alert(1)");
    social_render_set(d, "Data.items.0", "<b>one</b>");
    social_render_set(d, "Data.items.1", "two");
}

START_TEST(test_clearsilver_escapes_every_var_as_html)
{
    const char *error = NULL;
    apr_size_t len = 0;
    char *out = social_render_template(pool, TEST_TEMPLATE_DIR, "escape.cs",
                                       fill_hostile, NULL, &len, &error);

    ck_assert_msg(out != NULL, "render failed: %s", error ? error : "?");
    ck_assert_uint_eq(len, strlen(out));
    ck_assert_ptr_null(strstr(out, "<script>"));
    ck_assert_ptr_null(strstr(out, "<b>"));
    ck_assert_ptr_nonnull(strstr(out, "&lt;script&gt;"));
    ck_assert_ptr_null(strstr(out, "a\" onmouseover"));
    ck_assert_ptr_nonnull(strstr(out, "<li>two</li>"));
}
END_TEST

START_TEST(test_clearsilver_reports_a_broken_template)
{
    const char *error = NULL;
    apr_size_t len = 0;
    char *out = social_render_template(pool, TEST_TEMPLATE_DIR, "broken.cs",
                                       NULL, NULL, &len, &error);
    ck_assert_ptr_null(out);
    ck_assert_ptr_nonnull(error);
    ck_assert_ptr_nonnull(strstr(error, "broken.cs"));
}
END_TEST

START_TEST(test_clearsilver_reports_a_missing_template)
{
    const char *error = NULL;
    apr_size_t len = 0;
    ck_assert_ptr_null(social_render_template(pool, TEST_TEMPLATE_DIR, "missing.cs",
                                              NULL, NULL, &len, &error));
    ck_assert_ptr_nonnull(error);
}
END_TEST

static void fill_items(social_render_data *d, void *data)
{
    social_render_data *item;
    int k;
    (void)data;
    social_render_set_int(d, "Data.count", 2);
    social_render_setf(d, "Data.text", "%s & %d", "<i>x</i>", 7);
    social_render_set_bool(d, "Data.on", 5);
    for (k = 0; k < 2; k++) {
        item = social_render_child(d, "Data.items.%d", k);
        social_render_set(item, "name", k ? "b" : NULL);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(test_clearsilver_cached_template_renders_alike_and_follows_changes)
{
    char dir[] = "/tmp/check_render_XXXXXX";
    const char *error = NULL, *path;
    apr_size_t len = 0;
    char *first, *second, *third;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    path = apr_pstrcat(pool, dir, "/t.cs", NULL);
    write_file(path, "<?cs var:Data.count ?>|<?cs var:Data.text ?>|<?cs var:Data.on ?>|"
               "<?cs each:i = Data.items ?>[<?cs var:i.name ?>]<?cs /each ?>");
    first = social_render_template(pool, dir, "t.cs", fill_items, NULL, &len, &error);
    ck_assert_msg(first != NULL, "render failed: %s", error ? error : "?");
    second = social_render_template(pool, dir, "t.cs", fill_items, NULL, &len, &error);
    ck_assert_ptr_nonnull(second);
    ck_assert_str_eq(first, "2|&lt;i&gt;x&lt;/i&gt; &amp; 7|1|[][b]");
    ck_assert_str_eq(first, second);
    /* A changed file (other size, other mtime) is parsed again. */
    write_file(path, "changed <?cs var:Data.text ?> again");
    third = social_render_template(pool, dir, "t.cs", fill_items, NULL, &len, &error);
    ck_assert_msg(third != NULL, "render failed: %s", error ? error : "?");
    ck_assert_str_eq(third, "changed &lt;i&gt;x&lt;/i&gt; &amp; 7 again");
    unlink(path);
    rmdir(dir);
}
END_TEST

/* Many threads rendering at once, each with its own HDF and CSPARSE,
 * must all get the same, correct output. */
#define RENDER_THREADS 8
#define RENDERS_PER_THREAD 300

static void *render_many(void *arg)
{
    apr_pool_t *p;
    int k, bad = 0;
    (void)arg;
    apr_pool_create(&p, NULL);
    for (k = 0; k < RENDERS_PER_THREAD; k++) {
        const char *error = NULL;
        apr_size_t len = 0;
        char *out = social_render_template(p, TEST_TEMPLATE_DIR, "escape.cs",
                                           fill_hostile, NULL, &len, &error);
        if (out == NULL || strstr(out, "&lt;script&gt;") == NULL
            || strstr(out, "<li>two</li>") == NULL) {
            bad++;
        }
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    return (void *)(long)bad;
}

START_TEST(test_clearsilver_renders_from_many_threads)
{
    pthread_t threads[RENDER_THREADS];
    long bad = 0;
    int k;

    for (k = 0; k < RENDER_THREADS; k++) {
        ck_assert_int_eq(pthread_create(&threads[k], NULL, render_many, NULL), 0);
    }
    for (k = 0; k < RENDER_THREADS; k++) {
        void *result;
        pthread_join(threads[k], &result);
        bad += (long)result;
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

static Suite *render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("render");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_block_is_delimited_and_carries_the_page_key);
    tcase_add_test(tc, test_block_escapes_a_hostile_page_key);
    tcase_add_test(tc, test_block_says_how_often_to_check_for_new_comments);
    tcase_add_test(tc, test_poll_marker_placeholder_names_the_poll);
    tcase_add_test(tc, test_count_marker_placeholder_uses_the_canonical_key);
    tcase_add_test(tc, test_count_marker_with_bad_page_has_no_placeholder);
    tcase_add_test(tc, test_count_marker_shows_a_known_count);
    tcase_add_test(tc, test_inline_block_carries_the_discussion);
    tcase_add_test(tc, test_clearsilver_escapes_every_var_as_html);
    tcase_add_test(tc, test_clearsilver_reports_a_broken_template);
    tcase_add_test(tc, test_clearsilver_reports_a_missing_template);
    tcase_add_test(tc, test_clearsilver_renders_from_many_threads);
    tcase_add_test(tc, test_clearsilver_cached_template_renders_alike_and_follows_changes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(render_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
