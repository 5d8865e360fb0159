/* check_breaker.c: unit tests for the database circuit breaker
 * (breaker.h): who may use the database, who probes, the back-off, and
 * one probe among many threads. */
#include <check.h>
#include <stdlib.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_thread_proc.h>
#include <apr_atomic.h>

#include "breaker.h"

#define MS(n) apr_time_from_msec(n)

static void apr_setup(void)
{
    apr_initialize();
}

static void apr_teardown(void)
{
    apr_terminate();
}

START_TEST(test_closed_breaker_lets_everyone_use_the_database)
{
    social_breaker b;
    social_breaker_init(&b, MS(500), MS(4000));
    ck_assert_int_eq(social_breaker_ask(&b, 1000, 1), SOCIAL_BREAKER_USE);
    ck_assert_int_eq(social_breaker_ask(&b, 2000, 1), SOCIAL_BREAKER_USE);
    ck_assert_int_eq(social_breaker_remaining(&b, 2000), 0);
    ck_assert_int_eq(social_breaker_success(&b), 0);
}
END_TEST

START_TEST(test_failure_opens_and_nobody_touches_until_the_backoff_ends)
{
    social_breaker b;
    apr_time_t t = apr_time_from_sec(100);
    social_breaker_init(&b, MS(500), MS(4000));
    ck_assert_int_eq(social_breaker_failure(&b, t), 1);
    ck_assert_int_eq(social_breaker_ask(&b, t, 1), SOCIAL_BREAKER_WAIT);
    ck_assert_int_eq(social_breaker_ask(&b, t + MS(499), 1), SOCIAL_BREAKER_WAIT);
    ck_assert_int_eq(social_breaker_remaining(&b, t + MS(100)), MS(400));
    /* A second failure while open neither logs again nor extends it. */
    ck_assert_int_eq(social_breaker_failure(&b, t + MS(300)), 0);
    ck_assert_int_eq(social_breaker_remaining(&b, t + MS(300)), MS(200));
}
END_TEST

START_TEST(test_one_probe_when_due_then_success_closes)
{
    social_breaker b;
    apr_time_t t = apr_time_from_sec(100);
    social_breaker_init(&b, MS(500), MS(4000));
    social_breaker_failure(&b, t);
    ck_assert_int_eq(social_breaker_ask(&b, t + MS(500), 1), SOCIAL_BREAKER_PROBE);
    ck_assert_int_eq(social_breaker_ask(&b, t + MS(501), 1), SOCIAL_BREAKER_WAIT);
    ck_assert_int_eq(social_breaker_ask(&b, t + MS(9000), 1), SOCIAL_BREAKER_WAIT);
    ck_assert_int_eq(social_breaker_success(&b), 1);
    ck_assert_int_eq(social_breaker_ask(&b, t + MS(502), 1), SOCIAL_BREAKER_USE);
    ck_assert_int_eq(social_breaker_remaining(&b, t + MS(502)), 0);
}
END_TEST

START_TEST(test_failed_probes_double_the_backoff_up_to_the_maximum)
{
    social_breaker b;
    apr_time_t t = apr_time_from_sec(100);
    apr_interval_time_t expected[] = { MS(500), MS(1000), MS(2000), MS(4000), MS(4000) };
    size_t k;

    social_breaker_init(&b, MS(500), MS(4000));
    social_breaker_failure(&b, t);
    for (k = 0; k < sizeof(expected) / sizeof(expected[0]); k++) {
        ck_assert_int_eq(social_breaker_remaining(&b, t), expected[k]);
        t += expected[k];
        ck_assert_int_eq(social_breaker_ask(&b, t, 1), SOCIAL_BREAKER_PROBE);
        ck_assert_int_eq(social_breaker_failure(&b, t), 0);
    }
    /* Back once it answers; the next outage starts at the minimum again. */
    t += MS(4000);
    ck_assert_int_eq(social_breaker_ask(&b, t, 1), SOCIAL_BREAKER_PROBE);
    ck_assert_int_eq(social_breaker_success(&b), 1);
    ck_assert_int_eq(social_breaker_failure(&b, t), 1);
    ck_assert_int_eq(social_breaker_remaining(&b, t), MS(500));
}
END_TEST

/* Many threads ask at once when a probe is due: exactly one probes. */
static social_breaker shared;
static volatile apr_uint32_t probes, users;

static void *APR_THREAD_FUNC asker(apr_thread_t *thread, void *data)
{
    apr_time_t when = *(apr_time_t *)data;
    int k;
    for (k = 0; k < 1000; k++) {
        social_breaker_verdict v = social_breaker_ask(&shared, when, 1);
        if (v == SOCIAL_BREAKER_PROBE) {
            apr_atomic_inc32(&probes);
        }
        else if (v == SOCIAL_BREAKER_USE) {
            apr_atomic_inc32(&users);
        }
    }
    apr_thread_exit(thread, APR_SUCCESS);
    return NULL;
}

START_TEST(test_exactly_one_probe_among_threads)
{
    apr_pool_t *pool;
    apr_thread_t *threads[8];
    apr_time_t t = apr_time_from_sec(100), due = t + MS(500);
    apr_status_t rv;
    int k;

    apr_pool_create(&pool, NULL);
    social_breaker_init(&shared, MS(500), MS(4000));
    social_breaker_failure(&shared, t);
    probes = users = 0;
    for (k = 0; k < 8; k++) {
        ck_assert_int_eq(apr_thread_create(&threads[k], NULL, asker, &due, pool), APR_SUCCESS);
    }
    for (k = 0; k < 8; k++) {
        apr_thread_join(&rv, threads[k]);
    }
    ck_assert_uint_eq(probes, 1);
    ck_assert_uint_eq(users, 0);
    apr_pool_destroy(pool);
}
END_TEST

static Suite *breaker_suite(void)
{
    Suite *s = suite_create("breaker");
    TCase *tc = tcase_create("breaker");

    tcase_add_checked_fixture(tc, apr_setup, apr_teardown);
    tcase_add_test(tc, test_closed_breaker_lets_everyone_use_the_database);
    tcase_add_test(tc, test_failure_opens_and_nobody_touches_until_the_backoff_ends);
    tcase_add_test(tc, test_one_probe_when_due_then_success_closes);
    tcase_add_test(tc, test_failed_probes_double_the_backoff_up_to_the_maximum);
    tcase_add_test(tc, test_exactly_one_probe_among_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(breaker_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
