/* Unit tests of core/tz.c: local times from the system's TZif files
 * (Debian's tzdata) and from TZif data made here. Expected values were
 * taken from the zones' published rules, independently of this code. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "tz.h"

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

static const social_tz *zone(const char *name)
{
    const char *error = NULL;
    const social_tz *z = social_tz_load(pool, NULL, name, &error);
    ck_assert_msg(z != NULL, "%s: %s", name, error ? error : "?");
    return z;
}

/* What zone shows at UTC seconds s: "YYYY-MM-DD HH:MM:SS ABBR OFFSET DST". */
static const char *at(const char *name, apr_int64_t s)
{
    social_tz_local l;
    social_tz_convert(zone(name), apr_time_from_sec(s), &l);
    ck_assert_int_eq(l.tm.tm_gmtoff, l.offset);
    return apr_psprintf(pool, "%04d-%02d-%02d %02d:%02d:%02d %s %d %d",
                        l.tm.tm_year + 1900, l.tm.tm_mon + 1, l.tm.tm_mday,
                        l.tm.tm_hour, l.tm.tm_min, l.tm.tm_sec, l.abbr, l.offset, l.dst);
}

/* 2026-07-01 12:00:00 UTC and 2026-01-15 12:00:00 UTC */
#define SUMMER 1782907200
#define WINTER 1768478400

START_TEST(test_berlin_summer_and_winter)
{
    ck_assert_str_eq(at("Europe/Berlin", SUMMER), "2026-07-01 14:00:00 CEST 7200 1");
    ck_assert_str_eq(at("Europe/Berlin", WINTER), "2026-01-15 13:00:00 CET 3600 0");
}
END_TEST

START_TEST(test_berlin_the_hours_around_the_changes)
{
    /* 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST */
    ck_assert_str_eq(at("Europe/Berlin", 1774745999), "2026-03-29 01:59:59 CET 3600 0");
    ck_assert_str_eq(at("Europe/Berlin", 1774746000), "2026-03-29 03:00:00 CEST 7200 1");
    /* 2026-10-25 01:00 UTC: 03:00 CEST becomes 02:00 CET */
    ck_assert_str_eq(at("Europe/Berlin", 1792889999), "2026-10-25 02:59:59 CEST 7200 1");
    ck_assert_str_eq(at("Europe/Berlin", 1792890000), "2026-10-25 02:00:00 CET 3600 0");
}
END_TEST

START_TEST(test_half_hour_and_whole_hour_zones)
{
    ck_assert_str_eq(at("Asia/Kolkata", SUMMER), "2026-07-01 17:30:00 IST 19800 0");
    ck_assert_str_eq(at("Asia/Kolkata", WINTER), "2026-01-15 17:30:00 IST 19800 0");
    ck_assert_str_eq(at("Asia/Tokyo", SUMMER), "2026-07-01 21:00:00 JST 32400 0");
    ck_assert_str_eq(at("Asia/Dubai", SUMMER), "2026-07-01 16:00:00 +04 14400 0");
    ck_assert_str_eq(at("UTC", SUMMER), "2026-07-01 12:00:00 UTC 0 0");
}
END_TEST

START_TEST(test_sao_paulo_without_and_with_its_old_summer_time)
{
    ck_assert_str_eq(at("America/Sao_Paulo", SUMMER), "2026-07-01 09:00:00 -03 -10800 0");
    ck_assert_str_eq(at("America/Sao_Paulo", WINTER), "2026-01-15 09:00:00 -03 -10800 0");
    /* Brazil kept summer time until 2019: 2018-01-15 12:00 UTC */
    ck_assert_str_eq(at("America/Sao_Paulo", 1516017600), "2018-01-15 10:00:00 -02 -7200 1");
}
END_TEST

START_TEST(test_far_future_follows_the_footer_rule)
{
    /* 2100 is after every transition in the file: the TZ string decides */
    ck_assert_str_eq(at("Europe/Berlin", 4109878799LL), "2100-03-28 01:59:59 CET 3600 0");
    ck_assert_str_eq(at("Europe/Berlin", 4109878800LL), "2100-03-28 03:00:00 CEST 7200 1");
    ck_assert_str_eq(at("Europe/Berlin", 4128627599LL), "2100-10-31 02:59:59 CEST 7200 1");
    ck_assert_str_eq(at("Europe/Berlin", 4128627600LL), "2100-10-31 02:00:00 CET 3600 0");
    /* the southern hemisphere: summer time over the turn of the year */
    ck_assert_str_eq(at("Australia/Sydney", 4103654400LL), "2100-01-15 11:00:00 AEDT 39600 1");
    ck_assert_str_eq(at("Australia/Sydney", 4119292800LL), "2100-07-15 10:00:00 AEST 36000 0");
}
END_TEST

/* A version 2 TZif file with no transitions at all: only its footer. */
static apr_size_t footer_only(unsigned char *buf, const char *rule)
{
    static const unsigned char ttinfo[] = { 0, 0, 0, 0, 0, 0 };
    unsigned char *b = buf;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        memset(b, 0, 44);
        memcpy(b, "TZif2", 5);
        b[39] = 1;      /* typecnt */
        b[43] = 4;      /* charcnt */
        b += 44;
        memcpy(b, ttinfo, 6);
        b += 6;
        memcpy(b, "UTC", 4);
        b += 4;
    }
    *b++ = '\n';
    memcpy(b, rule, strlen(rule));
    b += strlen(rule);
    *b++ = '\n';
    return (apr_size_t)(b - buf);
}

START_TEST(test_posix_rules_of_a_footer)
{
    unsigned char buf[256];
    const char *error = NULL;
    social_tz_local l;
    social_tz *z;
    apr_size_t n = footer_only(buf, "<+0530>-5:30");

    z = social_tz_parse(pool, "Test/Half", buf, n, &error);
    ck_assert_msg(z != NULL, "%s", error ? error : "?");
    social_tz_convert(z, apr_time_from_sec(SUMMER), &l);
    ck_assert_str_eq(l.abbr, "+0530");
    ck_assert_int_eq(l.offset, 19800);
    ck_assert_int_eq(l.tm.tm_hour, 17);
    ck_assert_int_eq(l.tm.tm_min, 30);

    /* Julian days and an explicit DST offset: 1 June to 1 September */
    n = footer_only(buf, "AAA3BBB1,J152/0,J244/0");
    z = social_tz_parse(pool, "Test/Julian", buf, n, &error);
    ck_assert_msg(z != NULL, "%s", error ? error : "?");
    social_tz_convert(z, apr_time_from_sec(SUMMER), &l);
    ck_assert_str_eq(l.abbr, "BBB");
    ck_assert_int_eq(l.offset, -3600);
    social_tz_convert(z, apr_time_from_sec(WINTER), &l);
    ck_assert_str_eq(l.abbr, "AAA");
    ck_assert_int_eq(l.offset, -10800);
}
END_TEST

START_TEST(test_bad_names_and_files_are_refused)
{
    unsigned char buf[256];
    const char *error = NULL;
    char *data;
    apr_size_t len;
    apr_file_t *fd;
    apr_finfo_t fi;

    ck_assert_ptr_null(social_tz_load(pool, NULL, "Mars/Olympus_Mons", &error));
    ck_assert_ptr_nonnull(strstr(error, "Mars/Olympus_Mons"));
    error = NULL;
    ck_assert_ptr_null(social_tz_load(pool, NULL, "../../etc/passwd", &error));
    ck_assert_ptr_nonnull(strstr(error, "not a time zone name"));
    ck_assert_int_eq(social_tz_name_valid("Europe/Berlin"), 1);
    ck_assert_int_eq(social_tz_name_valid("Etc/GMT+5"), 1);
    ck_assert_int_eq(social_tz_name_valid("/etc/localtime"), 0);
    ck_assert_int_eq(social_tz_name_valid("Europe//Berlin"), 0);
    ck_assert_int_eq(social_tz_name_valid("Europe/Berlin "), 0);
    /* a directory is no zone */
    error = NULL;
    ck_assert_ptr_null(social_tz_load(pool, NULL, "Europe", &error));
    ck_assert_ptr_nonnull(error);

    /* not TZif at all */
    error = NULL;
    ck_assert_ptr_null(social_tz_parse(pool, "x", (const unsigned char *)"hello, world",
                                       12, &error));
    ck_assert_ptr_nonnull(strstr(error, "TZif"));

    /* a real file cut short, at many lengths */
    ck_assert_int_eq(apr_file_open(&fd, SOCIAL_TZ_DIR "/Europe/Berlin", APR_READ, 0, pool),
                     APR_SUCCESS);
    ck_assert_int_eq(apr_file_info_get(&fi, APR_FINFO_SIZE, fd), APR_SUCCESS);
    data = apr_palloc(pool, (apr_size_t)fi.size);
    ck_assert_int_eq(apr_file_read_full(fd, data, (apr_size_t)fi.size, &len), APR_SUCCESS);
    apr_file_close(fd);
    ck_assert_ptr_nonnull(social_tz_parse(pool, "whole", (unsigned char *)data, len, &error));
    for (apr_size_t cut = 0; cut < len - 1; cut += 7) {
        error = NULL;
        ck_assert_msg(social_tz_parse(pool, "cut", (unsigned char *)data, cut, &error) == NULL,
                      "a file cut at %lu bytes was taken", (unsigned long)cut);
        ck_assert_ptr_nonnull(error);
    }

    /* a footer that is no TZ rule */
    error = NULL;
    ck_assert_ptr_null(social_tz_parse(pool, "y", buf, footer_only(buf, "CET-1CEST,M13.5.0"),
                                       &error));
    ck_assert_ptr_nonnull(strstr(error, "footer"));
}
END_TEST

START_TEST(test_utc_and_null_zone)
{
    social_tz_local l;
    social_tz_convert(NULL, apr_time_from_sec(SUMMER), &l);
    ck_assert_str_eq(l.abbr, "UTC");
    ck_assert_int_eq(l.tm.tm_hour, 12);
    ck_assert_str_eq(social_tz_name(social_tz_utc()), "UTC");
    /* before 1970 */
    social_tz_convert(zone("Europe/Berlin"), apr_time_from_sec(-86400LL * 365), &l);
    ck_assert_int_eq(l.tm.tm_year, 69);
    ck_assert_int_eq(l.offset, 3600);
}
END_TEST

static Suite *tz_suite(void)
{
    Suite *s = suite_create("tz");
    TCase *tc = tcase_create("tz");

    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_berlin_summer_and_winter);
    tcase_add_test(tc, test_berlin_the_hours_around_the_changes);
    tcase_add_test(tc, test_half_hour_and_whole_hour_zones);
    tcase_add_test(tc, test_sao_paulo_without_and_with_its_old_summer_time);
    tcase_add_test(tc, test_far_future_follows_the_footer_rule);
    tcase_add_test(tc, test_posix_rules_of_a_footer);
    tcase_add_test(tc, test_bad_names_and_files_are_refused);
    tcase_add_test(tc, test_utc_and_null_zone);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tz_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
