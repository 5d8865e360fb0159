/* check_tree.c: unit tests for core/tree.c: who sees which comment,
 * what a viewer may do with it, and how a page's comments are arranged
 * into threads (order, depth, tombstones, left-out replies, the cap). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "tree.h"

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

#define NOW apr_time_from_sec(1700000000)
#define WINDOW apr_time_from_sec(900)

static const social_tree_viewer anon = { NULL, 0, 0 };
static const social_tree_viewer anon_writer = { NULL, 0, 1 };
static const social_tree_viewer alice = { "alice", 0, 1 };
static const social_tree_viewer bob = { "bob", 0, 1 };
static const social_tree_viewer banned_bob = { "bob", 0, 0 };
static const social_tree_viewer mod = { "mod", 1, 1 };

static social_tree_comment comment(apr_int64_t id, apr_int64_t parent, const char *author,
                                   social_tree_status status)
{
    social_tree_comment c;
    c.id = id;
    c.parent = parent;
    c.author = author;
    c.status = status;
    c.created = NOW - apr_time_from_sec(60);
    c.likes = 0;
    return c;
}

/* ---- visibility ---- */

START_TEST(test_visible_comment_is_seen_by_everyone)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_VISIBLE);
    ck_assert(social_tree_visible_to(&anon, &c));
    ck_assert(social_tree_visible_to(&bob, &c));
    ck_assert(social_tree_visible_to(&mod, &c));
}
END_TEST

START_TEST(test_hidden_comment_is_seen_by_its_author_and_moderators_only)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_HIDDEN);
    ck_assert(social_tree_visible_to(&alice, &c));
    ck_assert(social_tree_visible_to(&mod, &c));
    ck_assert(!social_tree_visible_to(&bob, &c));
    ck_assert(!social_tree_visible_to(&anon, &c));
}
END_TEST

START_TEST(test_pending_comment_is_seen_by_its_author_alone)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_PENDING);
    ck_assert(social_tree_visible_to(&alice, &c));
    ck_assert(!social_tree_visible_to(&mod, &c));
    ck_assert(!social_tree_visible_to(&bob, &c));
    ck_assert(!social_tree_visible_to(&anon, &c));
}
END_TEST

START_TEST(test_deleted_comment_is_seen_by_nobody)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_DELETED);
    ck_assert(!social_tree_visible_to(&alice, &c));
    ck_assert(!social_tree_visible_to(&mod, &c));
    ck_assert(!social_tree_visible_to(&anon, &c));
}
END_TEST

/* ---- permissions ---- */

START_TEST(test_author_may_edit_delete_and_reply_within_the_window)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_VISIBLE);
    social_tree_can can;

    social_tree_permissions(&alice, &c, NOW, WINDOW, 0, &can);
    ck_assert(can.edit);
    ck_assert(can.delete_);
    ck_assert(can.reply);
    ck_assert(!can.moderate);
}
END_TEST

START_TEST(test_author_may_not_edit_after_the_window_but_may_delete)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_VISIBLE);
    social_tree_can can;

    c.created = NOW - WINDOW;
    social_tree_permissions(&alice, &c, NOW, WINDOW, 0, &can);
    ck_assert(can.edit);            /* the window's last moment still counts */
    c.created = NOW - WINDOW - 1;
    social_tree_permissions(&alice, &c, NOW, WINDOW, 0, &can);
    ck_assert(!can.edit);
    ck_assert(can.delete_);
}
END_TEST

START_TEST(test_other_reader_may_only_reply)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_VISIBLE);
    social_tree_can can;

    social_tree_permissions(&bob, &c, NOW, WINDOW, 0, &can);
    ck_assert(!can.edit);
    ck_assert(!can.delete_);
    ck_assert(!can.moderate);
    ck_assert(can.reply);
}
END_TEST

START_TEST(test_reader_who_may_not_write_may_not_reply)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_VISIBLE);
    social_tree_can can;

    social_tree_permissions(&banned_bob, &c, NOW, WINDOW, 0, &can);
    ck_assert(!can.reply);
    social_tree_permissions(&anon, &c, NOW, WINDOW, 0, &can);
    ck_assert(!can.reply);
    social_tree_permissions(&anon_writer, &c, NOW, WINDOW, 0, &can);
    ck_assert(can.reply);
    ck_assert(!can.edit);           /* an anonymous writer is nobody's author */
    ck_assert(!can.delete_);
}
END_TEST

START_TEST(test_moderator_may_do_everything_on_a_live_comment)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_HIDDEN);
    social_tree_can can;

    c.created = NOW - 10 * WINDOW;
    social_tree_permissions(&mod, &c, NOW, WINDOW, 0, &can);
    ck_assert(can.edit);
    ck_assert(can.delete_);
    ck_assert(can.moderate);
    ck_assert(!can.reply);          /* only a visible comment takes replies */
}
END_TEST

START_TEST(test_hidden_or_pending_comment_its_author_may_not_edit)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_HIDDEN);
    social_tree_can can;

    social_tree_permissions(&alice, &c, NOW, WINDOW, 0, &can);
    ck_assert(!can.edit);
    ck_assert(can.delete_);
    c.status = SOCIAL_TREE_PENDING;
    social_tree_permissions(&alice, &c, NOW, WINDOW, 0, &can);
    ck_assert(!can.edit);
    ck_assert(!can.reply);
    ck_assert(can.delete_);
}
END_TEST

START_TEST(test_deleted_comment_takes_nothing)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_DELETED);
    social_tree_can can;

    social_tree_permissions(&mod, &c, NOW, WINDOW, 0, &can);
    ck_assert(!can.edit && !can.delete_ && !can.moderate && !can.reply);
    social_tree_permissions(&alice, &c, NOW, WINDOW, 0, &can);
    ck_assert(!can.edit && !can.delete_ && !can.moderate && !can.reply);
}
END_TEST

START_TEST(test_lock_stops_replies_and_authors_edits_but_not_deleting)
{
    social_tree_comment c = comment(1, 0, "alice", SOCIAL_TREE_VISIBLE);
    social_tree_can can;

    social_tree_permissions(&alice, &c, NOW, WINDOW, 1, &can);
    ck_assert(!can.reply);
    ck_assert(!can.edit);
    ck_assert(can.delete_);
    social_tree_permissions(&mod, &c, NOW, WINDOW, 1, &can);
    ck_assert(!can.reply);
    ck_assert(can.edit);            /* a moderator still edits */
    ck_assert(can.moderate);
}
END_TEST

/* ---- arranging ---- */

static social_tree arrange(const social_tree_comment *cs, int n, const social_tree_viewer *v,
                           int reply_limit, apr_int64_t reply_before, int cap)
{
    social_tree_rules rules;
    social_tree t;

    memset(&rules, 0, sizeof(rules));
    rules.viewer = v;
    rules.reply_limit = reply_limit;
    rules.reply_before = reply_before;
    rules.cap = cap;
    rules.now = NOW;
    rules.edit_window = WINDOW;
    social_tree_arrange(pool, cs, n, &rules, &t);
    return t;
}

#define PLACE(t, k) (&APR_ARRAY_IDX((t).places, k, social_tree_place))
#define ID(cs, t, k) ((cs)[PLACE(t, k)->index].id)

START_TEST(test_threads_in_order_each_followed_by_its_replies)
{
    social_tree_comment cs[] = {
        comment(1, 0, "alice", SOCIAL_TREE_VISIBLE),
        comment(2, 0, "bob", SOCIAL_TREE_VISIBLE),
        comment(3, 1, "bob", SOCIAL_TREE_VISIBLE),
        comment(4, 3, "alice", SOCIAL_TREE_VISIBLE),
        comment(5, 1, "mod", SOCIAL_TREE_VISIBLE),
    };
    social_tree t = arrange(cs, 5, &anon, 20, 0, 0);
    apr_int64_t order[] = { 1, 3, 4, 5, 2 };
    int depth[] = { 1, 2, 3, 2, 1 };
    int k;

    ck_assert_int_eq(t.places->nelts, 5);
    for (k = 0; k < 5; k++) {
        ck_assert_int_eq(ID(cs, t, k), order[k]);
        ck_assert_int_eq(PLACE(t, k)->depth, depth[k]);
        ck_assert_int_eq(PLACE(t, k)->in_reply_to, -1);
        ck_assert_int_eq(PLACE(t, k)->tombstone, 0);
    }
    ck_assert_int_eq(t.earlier, 0);
    ck_assert_int_eq(t.oldest, 1);
}
END_TEST

START_TEST(test_replies_deeper_than_the_max_show_flat_in_reply_to_their_parent)
{
    social_tree_comment cs[] = {
        comment(1, 0, "a", SOCIAL_TREE_VISIBLE),
        comment(2, 1, "b", SOCIAL_TREE_VISIBLE),
        comment(3, 2, "c", SOCIAL_TREE_VISIBLE),
        comment(4, 3, "d", SOCIAL_TREE_VISIBLE),
        comment(5, 4, "e", SOCIAL_TREE_VISIBLE),
    };
    social_tree t = arrange(cs, 5, &anon, 20, 0, 0);

    ck_assert_int_eq(t.places->nelts, 5);
    ck_assert_int_eq(PLACE(t, 2)->depth, 3);
    ck_assert_int_eq(PLACE(t, 2)->in_reply_to, -1);
    ck_assert_int_eq(PLACE(t, 3)->depth, SOCIAL_TREE_MAX_DEPTH);
    ck_assert_int_eq(PLACE(t, 3)->in_reply_to, 2);     /* c's words */
    ck_assert_int_eq(PLACE(t, 4)->depth, SOCIAL_TREE_MAX_DEPTH);
    ck_assert_int_eq(PLACE(t, 4)->in_reply_to, 3);     /* d's words */
}
END_TEST

START_TEST(test_unseen_comment_is_a_tombstone_only_above_a_shown_reply)
{
    social_tree_comment cs[] = {
        comment(1, 0, "alice", SOCIAL_TREE_DELETED),
        comment(2, 1, "bob", SOCIAL_TREE_VISIBLE),
        comment(3, 0, "alice", SOCIAL_TREE_HIDDEN),
        comment(4, 0, "bob", SOCIAL_TREE_VISIBLE),
        comment(5, 4, "alice", SOCIAL_TREE_PENDING),
    };
    social_tree t = arrange(cs, 5, &bob, 20, 0, 0);

    ck_assert_int_eq(t.places->nelts, 3);
    ck_assert_int_eq(ID(cs, t, 0), 1);
    ck_assert_int_eq(PLACE(t, 0)->tombstone, 1);
    ck_assert_int_eq(PLACE(t, 0)->can.delete_, 0);
    ck_assert_int_eq(ID(cs, t, 1), 2);
    ck_assert_int_eq(PLACE(t, 1)->in_reply_to, -1);    /* no name under a tombstone */
    ck_assert_int_eq(ID(cs, t, 2), 4);
    ck_assert_int_eq(t.oldest, 1);

    /* Their author sees the hidden and the pending comment. */
    t = arrange(cs, 5, &alice, 20, 0, 0);
    ck_assert_int_eq(t.places->nelts, 5);
    ck_assert_int_eq(PLACE(t, 2)->tombstone, 0);
    ck_assert_int_eq(ID(cs, t, 4), 5);
    ck_assert_int_eq(PLACE(t, 4)->tombstone, 0);
    ck_assert_int_eq(PLACE(t, 4)->can.delete_, 1);
}
END_TEST

START_TEST(test_long_thread_keeps_its_newest_replies_and_counts_the_rest)
{
    social_tree_comment cs[] = {
        comment(1, 0, "a", SOCIAL_TREE_VISIBLE),
        comment(2, 1, "b", SOCIAL_TREE_VISIBLE),
        comment(3, 1, "c", SOCIAL_TREE_VISIBLE),
        comment(4, 1, "d", SOCIAL_TREE_DELETED),
        comment(5, 1, "e", SOCIAL_TREE_VISIBLE),
        comment(6, 1, "f", SOCIAL_TREE_VISIBLE),
    };
    social_tree t = arrange(cs, 6, &anon, 2, 0, 0);

    ck_assert_int_eq(t.places->nelts, 3);
    ck_assert_int_eq(ID(cs, t, 0), 1);
    ck_assert_int_eq(PLACE(t, 0)->replies_omitted, 2);   /* 2 and 3; 4 is not shown */
    ck_assert_int_eq(PLACE(t, 0)->replies_before, 5);
    ck_assert_int_eq(ID(cs, t, 1), 5);
    ck_assert_int_eq(ID(cs, t, 2), 6);
    ck_assert_int_eq(PLACE(t, 1)->replies_omitted, 0);

    /* The next window: replies older than 5. */
    t = arrange(cs, 6, &anon, 100, 5, 0);
    ck_assert_int_eq(t.places->nelts, 3);
    ck_assert_int_eq(ID(cs, t, 1), 2);
    ck_assert_int_eq(ID(cs, t, 2), 3);
    ck_assert_int_eq(PLACE(t, 0)->replies_omitted, 0);
    ck_assert_int_eq(PLACE(t, 0)->replies_before, 0);
}
END_TEST

START_TEST(test_left_out_reply_gives_its_place_to_its_replies)
{
    social_tree_comment cs[] = {
        comment(1, 0, "a", SOCIAL_TREE_VISIBLE),
        comment(2, 1, "b", SOCIAL_TREE_VISIBLE),
        comment(3, 1, "c", SOCIAL_TREE_VISIBLE),
        comment(4, 2, "d", SOCIAL_TREE_VISIBLE),
    };
    /* Keeps the newest two replies (4 and 3); 2 is left out and 4 moves
     * up to depth 2, "in reply to" b. */
    social_tree t = arrange(cs, 4, &anon, 2, 0, 0);

    ck_assert_int_eq(t.places->nelts, 3);
    ck_assert_int_eq(ID(cs, t, 1), 4);
    ck_assert_int_eq(PLACE(t, 1)->depth, 2);
    ck_assert_int_eq(PLACE(t, 1)->in_reply_to, 1);
    ck_assert_int_eq(ID(cs, t, 2), 3);
    ck_assert_int_eq(PLACE(t, 2)->in_reply_to, -1);
    ck_assert_int_eq(PLACE(t, 0)->replies_omitted, 1);
}
END_TEST

START_TEST(test_cap_keeps_the_newest_threads_and_counts_the_older)
{
    social_tree_comment cs[] = {
        comment(1, 0, "a", SOCIAL_TREE_VISIBLE),
        comment(2, 0, "b", SOCIAL_TREE_VISIBLE),
        comment(3, 2, "c", SOCIAL_TREE_VISIBLE),
        comment(4, 0, "d", SOCIAL_TREE_VISIBLE),
        comment(5, 4, "e", SOCIAL_TREE_VISIBLE),
    };
    social_tree t = arrange(cs, 5, &anon, 20, 0, 3);

    ck_assert_int_eq(t.places->nelts, 2);
    ck_assert_int_eq(ID(cs, t, 0), 4);
    ck_assert_int_eq(t.earlier, 2);
    ck_assert_int_eq(t.oldest, 4);

    /* One thread is always shown, however large. */
    t = arrange(cs, 5, &anon, 20, 0, 1);
    ck_assert_int_eq(t.places->nelts, 2);
    ck_assert_int_eq(t.earlier, 2);

    /* No cap: everything. */
    t = arrange(cs, 5, &anon, 20, 0, 0);
    ck_assert_int_eq(t.places->nelts, 5);
    ck_assert_int_eq(t.earlier, 0);
}
END_TEST

/* The ids of the places of t, in order, as "1 2 3". */
static const char *place_ids(const social_tree_comment *cs, social_tree t)
{
    static char buf[200];
    int k;

    buf[0] = '\0';
    for (k = 0; k < t.places->nelts; k++) {
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%d", k ? " " : "",
                 (int)ID(cs, t, k));
    }
    return buf;
}

START_TEST(test_sorting_moves_whole_threads)
{
    social_tree_comment cs[] = {
        comment(1, 0, "a", SOCIAL_TREE_VISIBLE),
        comment(2, 1, "b", SOCIAL_TREE_VISIBLE),
        comment(3, 0, "c", SOCIAL_TREE_VISIBLE),
        comment(4, 0, "d", SOCIAL_TREE_VISIBLE),
        comment(5, 3, "e", SOCIAL_TREE_VISIBLE),
        comment(6, 5, "f", SOCIAL_TREE_VISIBLE),
        comment(7, 1, "g", SOCIAL_TREE_VISIBLE),
    };
    social_tree t;

    cs[3].likes = 5;          /* 4: the most liked */
    cs[0].likes = 2;          /* 1 and 3 tie: the newer (3) first */
    cs[2].likes = 2;
    cs[4].likes = 9;          /* a reply's likes do not move its thread */
    t = arrange(cs, 7, &anon, 20, 0, 0);
    ck_assert_str_eq(place_ids(cs, t), "1 2 7 3 5 6 4");
    social_tree_sort(pool, cs, SOCIAL_TREE_OLDEST, &t);
    ck_assert_str_eq(place_ids(cs, t), "1 2 7 3 5 6 4");
    social_tree_sort(pool, cs, SOCIAL_TREE_NEWEST, &t);
    ck_assert_str_eq(place_ids(cs, t), "4 3 5 6 1 2 7");
    ck_assert_int_eq(PLACE(t, 0)->depth, 1);
    ck_assert_int_eq(PLACE(t, 3)->depth, 3);
    social_tree_sort(pool, cs, SOCIAL_TREE_MOST_LIKED, &t);
    ck_assert_str_eq(place_ids(cs, t), "4 3 5 6 1 2 7");
    cs[0].likes = 7;
    social_tree_sort(pool, cs, SOCIAL_TREE_MOST_LIKED, &t);
    ck_assert_str_eq(place_ids(cs, t), "1 2 7 4 3 5 6");
}
END_TEST

START_TEST(test_sorting_nothing_or_one_thread)
{
    social_tree_comment cs[] = { comment(1, 0, "a", SOCIAL_TREE_VISIBLE) };
    social_tree t = arrange(cs, 0, &anon, 20, 0, 0);

    social_tree_sort(pool, cs, SOCIAL_TREE_NEWEST, &t);
    ck_assert_int_eq(t.places->nelts, 0);
    t = arrange(cs, 1, &anon, 20, 0, 0);
    social_tree_sort(pool, cs, SOCIAL_TREE_MOST_LIKED, &t);
    ck_assert_str_eq(place_ids(cs, t), "1");
}
END_TEST

START_TEST(test_order_names_read_back)
{
    ck_assert_int_eq(social_tree_order_parse("oldest"), SOCIAL_TREE_OLDEST);
    ck_assert_int_eq(social_tree_order_parse("newest"), SOCIAL_TREE_NEWEST);
    ck_assert_int_eq(social_tree_order_parse("liked"), SOCIAL_TREE_MOST_LIKED);
    ck_assert_int_eq(social_tree_order_parse("Newest"), -1);
    ck_assert_int_eq(social_tree_order_parse(""), -1);
    ck_assert_int_eq(social_tree_order_parse(NULL), -1);
    ck_assert_str_eq(social_tree_order_name(SOCIAL_TREE_MOST_LIKED), "liked");
    ck_assert_str_eq(social_tree_order_name(SOCIAL_TREE_NEWEST), "newest");
    ck_assert_str_eq(social_tree_order_name(SOCIAL_TREE_OLDEST), "oldest");
}
END_TEST

START_TEST(test_arranged_permissions_follow_the_lock)
{
    social_tree_comment cs[] = { comment(1, 0, "alice", SOCIAL_TREE_VISIBLE) };
    social_tree_rules rules;
    social_tree t;

    memset(&rules, 0, sizeof(rules));
    rules.viewer = &alice;
    rules.reply_limit = 20;
    rules.now = NOW;
    rules.edit_window = WINDOW;
    social_tree_arrange(pool, cs, 1, &rules, &t);
    ck_assert(PLACE(t, 0)->can.edit && PLACE(t, 0)->can.reply);
    rules.locked = 1;
    social_tree_arrange(pool, cs, 1, &rules, &t);
    ck_assert(!PLACE(t, 0)->can.edit && !PLACE(t, 0)->can.reply);
    ck_assert(PLACE(t, 0)->can.delete_);
}
END_TEST

START_TEST(test_no_comments_arranges_nothing)
{
    social_tree t = arrange(NULL, 0, &anon, 20, 0, 300);
    ck_assert_int_eq(t.places->nelts, 0);
    ck_assert_int_eq(t.earlier, 0);
    ck_assert_int_eq(t.oldest, 0);
}
END_TEST

static Suite *tree_suite(void)
{
    Suite *s = suite_create("tree");
    TCase *tc = tcase_create("visibility");

    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_visible_comment_is_seen_by_everyone);
    tcase_add_test(tc, test_hidden_comment_is_seen_by_its_author_and_moderators_only);
    tcase_add_test(tc, test_pending_comment_is_seen_by_its_author_alone);
    tcase_add_test(tc, test_deleted_comment_is_seen_by_nobody);
    suite_add_tcase(s, tc);

    tc = tcase_create("permissions");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_author_may_edit_delete_and_reply_within_the_window);
    tcase_add_test(tc, test_author_may_not_edit_after_the_window_but_may_delete);
    tcase_add_test(tc, test_other_reader_may_only_reply);
    tcase_add_test(tc, test_reader_who_may_not_write_may_not_reply);
    tcase_add_test(tc, test_moderator_may_do_everything_on_a_live_comment);
    tcase_add_test(tc, test_hidden_or_pending_comment_its_author_may_not_edit);
    tcase_add_test(tc, test_deleted_comment_takes_nothing);
    tcase_add_test(tc, test_lock_stops_replies_and_authors_edits_but_not_deleting);
    suite_add_tcase(s, tc);

    tc = tcase_create("arrange");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_threads_in_order_each_followed_by_its_replies);
    tcase_add_test(tc, test_replies_deeper_than_the_max_show_flat_in_reply_to_their_parent);
    tcase_add_test(tc, test_unseen_comment_is_a_tombstone_only_above_a_shown_reply);
    tcase_add_test(tc, test_long_thread_keeps_its_newest_replies_and_counts_the_rest);
    tcase_add_test(tc, test_left_out_reply_gives_its_place_to_its_replies);
    tcase_add_test(tc, test_cap_keeps_the_newest_threads_and_counts_the_older);
    tcase_add_test(tc, test_sorting_moves_whole_threads);
    tcase_add_test(tc, test_sorting_nothing_or_one_thread);
    tcase_add_test(tc, test_order_names_read_back);
    tcase_add_test(tc, test_arranged_permissions_follow_the_lock);
    tcase_add_test(tc, test_no_comments_arranges_nothing);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tree_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
