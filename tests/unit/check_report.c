/* check_report.c: unit tests for the console's pure helpers (report.h):
 * CSV cells (RFC 4180 quoting, spreadsheet-formula neutralising on every
 * line, whatever the separator) and the engagement chart's coordinates.
 * Every test runs with a fresh APR pool.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "report.h"

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

/* ---- CSV ---- */

START_TEST(test_csv_every_cell_is_quoted)
{
    ck_assert_str_eq(social_report_csv_cell(pool, "hello world"), "\"hello world\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "42"), "\"42\"");
    ck_assert_str_eq(social_report_csv_cell(pool, ""), "\"\"");
    ck_assert_str_eq(social_report_csv_cell(pool, NULL), "\"\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "caf\xc3\xa9 'quoted'"),
                     "\"caf\xc3\xa9 'quoted'\"");
}
END_TEST

START_TEST(test_csv_separators_and_line_breaks_stay_inside_the_quotes)
{
    ck_assert_str_eq(social_report_csv_cell(pool, "a,b"), "\"a,b\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "a;b"), "\"a;b\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "a\tb"), "\"a\tb\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "line\nbreak"), "\"line\nbreak\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "cr\r\nlf"), "\"cr\r\nlf\"");
}
END_TEST

START_TEST(test_csv_quotes_are_doubled)
{
    ck_assert_str_eq(social_report_csv_cell(pool, "say \"hi\""), "\"say \"\"hi\"\"\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "\""), "\"\"\"\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "\"\"\"\""), "\"\"\"\"\"\"\"\"\"\"");
}
END_TEST

START_TEST(test_csv_formula_starts_are_neutralised)
{
    ck_assert_str_eq(social_report_csv_cell(pool, "=1+2"), "\"'=1+2\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "+1"), "\"'+1\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "-1"), "\"'-1\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "@SUM(A1)"), "\"'@SUM(A1)\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "\t=1"), "\"'\t'=1\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "\r=1"), "\"'\r'=1\"");
    /* Not at a line start: text. */
    ck_assert_str_eq(social_report_csv_cell(pool, "a=1"), "\"a=1\"");
    ck_assert_str_eq(social_report_csv_cell(pool, " =1"), "\" =1\"");
}
END_TEST

START_TEST(test_csv_every_line_of_a_cell_is_neutralised)
{
    ck_assert_str_eq(social_report_csv_cell(pool, "first\n=2+2"), "\"first\n'=2+2\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "a\r\n+1\r-1\n@x\n\tt\nok"),
                     "\"a\r\n'+1\r'-1\n'@x\n'\tt\nok\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "a\n\n=1"), "\"a\n\n'=1\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "end\n"), "\"end\n\"");
}
END_TEST

START_TEST(test_csv_semicolon_locales_see_no_formula)
{
    /* No piece between separators of any locale starts a formula, even
     * for a reader that splits the quoted cell on ";". */
    ck_assert_str_eq(social_report_csv_cell(pool, "x;=cmd|' /C calc'!A0"),
                     "\"x;'=cmd|' /C calc'!A0\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "a,+1;-2\t@3"), "\"a,'+1;'-2\t'@3\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "=HYPERLINK(\"http://x\";\"y\")"),
                     "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\"");
    ck_assert_str_eq(social_report_csv_cell(pool, "a; b, c"), "\"a; b, c\"");
}
END_TEST

START_TEST(test_csv_formula_with_separators_is_neutralised_inside_the_quotes)
{
    ck_assert_str_eq(social_report_csv_cell(pool, "=HYPERLINK(\"http://x\",\"y\")"),
                     "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
}
END_TEST

START_TEST(test_csv_row_joins_with_commas_and_ends_with_crlf)
{
    const char *cells[] = { "1", "a,b", "=x", "" };
    ck_assert_str_eq(social_report_csv_row(pool, cells, 4), "\"1\",\"a,b\",\"'=x\",\"\"\r\n");
    ck_assert_str_eq(social_report_csv_row(pool, cells, 1), "\"1\"\r\n");
    ck_assert_str_eq(social_report_csv_row(pool, cells, 0), "\r\n");
}
END_TEST

START_TEST(test_csv_long_cell_of_quotes_fits)
{
    char big[2001];
    const char *out;
    memset(big, '"', 2000);
    big[2000] = '\0';
    out = social_report_csv_cell(pool, big);
    ck_assert_uint_eq(strlen(out), 4002);
    ck_assert_int_eq(out[0], '"');
    ck_assert_int_eq(out[4001], '"');
}
END_TEST

START_TEST(test_csv_long_cell_of_formula_lines_fits)
{
    char big[2001];
    const char *out;
    int k;
    for (k = 0; k < 2000; k++) {
        big[k] = k % 2 ? '\n' : '=';
    }
    big[2000] = '\0';
    out = social_report_csv_cell(pool, big);
    ck_assert_uint_eq(strlen(out), 3002);
    ck_assert_int_eq(out[1], '\'');
    ck_assert_int_eq(out[3001], '"');
}
END_TEST

/* ---- chart ---- */

static const social_chart_frame frame = { 720, 260, 48, 16, 16, 36 };

START_TEST(test_nice_max_rounds_up_to_1_2_5)
{
    ck_assert_int_eq(social_report_nice_max(-3), 1);
    ck_assert_int_eq(social_report_nice_max(0), 1);
    ck_assert_int_eq(social_report_nice_max(1), 1);
    ck_assert_int_eq(social_report_nice_max(2), 2);
    ck_assert_int_eq(social_report_nice_max(3), 5);
    ck_assert_int_eq(social_report_nice_max(5), 5);
    ck_assert_int_eq(social_report_nice_max(6), 10);
    ck_assert_int_eq(social_report_nice_max(11), 20);
    ck_assert_int_eq(social_report_nice_max(21), 50);
    ck_assert_int_eq(social_report_nice_max(99), 100);
    ck_assert_int_eq(social_report_nice_max(100), 100);
    ck_assert_int_eq(social_report_nice_max(101), 200);
    ck_assert_int_eq(social_report_nice_max(123456), 200000);
}
END_TEST

START_TEST(test_chart_x_spreads_points_between_the_margins)
{
    ck_assert_double_eq(social_report_chart_x(&frame, 2, 0), 48.0);
    ck_assert_double_eq(social_report_chart_x(&frame, 2, 1), 704.0);
    ck_assert_double_eq(social_report_chart_x(&frame, 3, 1), 376.0);
    ck_assert_double_eq(social_report_chart_x(&frame, 30, 29), 704.0);
    /* One point: the middle. */
    ck_assert_double_eq(social_report_chart_x(&frame, 1, 0), 376.0);
}
END_TEST

START_TEST(test_chart_y_runs_from_bottom_to_top_and_clamps)
{
    ck_assert_double_eq(social_report_chart_y(&frame, 10, 0), 224.0);
    ck_assert_double_eq(social_report_chart_y(&frame, 10, 10), 16.0);
    ck_assert_double_eq(social_report_chart_y(&frame, 10, 5), 120.0);
    ck_assert_double_eq(social_report_chart_y(&frame, 10, 50), 16.0);
    ck_assert_double_eq(social_report_chart_y(&frame, 10, -4), 224.0);
    /* A zero axis is taken as 1 rather than dividing by zero. */
    ck_assert_double_eq(social_report_chart_y(&frame, 0, 0), 224.0);
}
END_TEST

START_TEST(test_polyline_lists_every_point)
{
    long values[3] = { 0, 5, 10 };
    ck_assert_str_eq(social_report_polyline(pool, &frame, values, 3, 10),
                     "48.0,224.0 376.0,120.0 704.0,16.0");
    ck_assert_str_eq(social_report_polyline(pool, &frame, values, 1, 10), "376.0,224.0");
    ck_assert_str_eq(social_report_polyline(pool, &frame, values, 0, 10), "");
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("csv");

    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_csv_every_cell_is_quoted);
    tcase_add_test(tc, test_csv_separators_and_line_breaks_stay_inside_the_quotes);
    tcase_add_test(tc, test_csv_quotes_are_doubled);
    tcase_add_test(tc, test_csv_formula_starts_are_neutralised);
    tcase_add_test(tc, test_csv_every_line_of_a_cell_is_neutralised);
    tcase_add_test(tc, test_csv_semicolon_locales_see_no_formula);
    tcase_add_test(tc, test_csv_formula_with_separators_is_neutralised_inside_the_quotes);
    tcase_add_test(tc, test_csv_row_joins_with_commas_and_ends_with_crlf);
    tcase_add_test(tc, test_csv_long_cell_of_quotes_fits);
    tcase_add_test(tc, test_csv_long_cell_of_formula_lines_fits);
    suite_add_tcase(s, tc);

    tc = tcase_create("chart");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_nice_max_rounds_up_to_1_2_5);
    tcase_add_test(tc, test_chart_x_spreads_points_between_the_margins);
    tcase_add_test(tc, test_chart_y_runs_from_bottom_to_top_and_clamps);
    tcase_add_test(tc, test_polyline_lists_every_point);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
