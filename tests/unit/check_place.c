/* check_place.c: unit tests for the SocialPlaceBefore selector (place.h)
 * and the scanner's placement events (scan.h).
 *
 * The matcher is tested on tag texts as the scanner keeps them (after
 * '<', before '>'); the scanner on whole pages, fed whole, split in two
 * at every offset and one byte at a time, which must all give the same
 * match, and never hold back more than the tag in progress.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "place.h"
#include "scan.h"

/* ---- the grammar ---- */

static social_place parsed(const char *spec)
{
    social_place p;
    const char *error = social_place_parse(spec, &p);
    ck_assert_msg(error == NULL, "%s: %s", spec, error ? error : "");
    return p;
}

START_TEST(test_parse_accepts_the_documented_forms)
{
    social_place p;

    p = parsed("footer");
    ck_assert_int_eq(p.kind, SOCIAL_PLACE_TAG);
    ck_assert_str_eq(p.name, "footer");
    ck_assert_int_eq(p.attr, SOCIAL_PLACE_ANY);

    p = parsed("DIV#footer");
    ck_assert_str_eq(p.name, "div");
    ck_assert_int_eq(p.attr, SOCIAL_PLACE_ID);
    ck_assert_str_eq(p.value, "footer");

    p = parsed("#Footer_1");
    ck_assert_uint_eq(p.name_len, 0);
    ck_assert_int_eq(p.attr, SOCIAL_PLACE_ID);
    ck_assert_str_eq(p.value, "Footer_1");

    p = parsed(".site-footer");
    ck_assert_int_eq(p.attr, SOCIAL_PLACE_CLASS);
    ck_assert_str_eq(p.value, "site-footer");

    p = parsed("my-footer.x");
    ck_assert_str_eq(p.name, "my-footer");

    p = parsed("<!--footer-->");
    ck_assert_int_eq(p.kind, SOCIAL_PLACE_COMMENT);
    ck_assert_str_eq(p.value, "footer");

    p = parsed("<!--  BEGIN footer -->");
    ck_assert_str_eq(p.value, "BEGIN footer");
}
END_TEST

START_TEST(test_parse_rejects_everything_else)
{
    static const char *const bad[] = {
        "", " ", "#", ".", "div#", "div.", "1div", "-x", "div footer", "div>p",
        "div p", "div#a.b", "div.a.b", "div#a#b", "div[id=x]", "*", "div:first",
        "#a b", "<footer>", "<!---->", "<!--  -->", "<!--a--b-->", "<!--a>b-->",
        "<!--social:discussion-->", "<!--footer", "footer-->", "div#f\xc3\xa9",
        "div,footer", "div ", " div", "a\nb",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "#xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    };
    size_t k;

    for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        social_place p;
        const char *error = social_place_parse(bad[k], &p);
        ck_assert_msg(error != NULL && *error != '\0', "accepted \"%s\"", bad[k]);
    }
}
END_TEST

/* ---- the matcher ---- */

static int tag_matches(const char *spec, const char *tag)
{
    social_place p = parsed(spec);
    return social_place_tag_matches(&p, tag, strlen(tag));
}

START_TEST(test_tag_name_any_case)
{
    ck_assert(tag_matches("footer", "footer"));
    ck_assert(tag_matches("footer", "FOOTER class=x"));
    ck_assert(tag_matches("FOOTER", "Footer"));
    ck_assert(tag_matches("footer", "footer/"));
    ck_assert(tag_matches("footer", "footer\n\tid=x"));
    ck_assert(!tag_matches("footer", "footers"));
    ck_assert(!tag_matches("footer", "foot"));
    ck_assert(!tag_matches("footer", "div class=footer"));
}
END_TEST

START_TEST(test_id_any_quoting)
{
    ck_assert(tag_matches("div#footer", "div id=\"footer\""));
    ck_assert(tag_matches("div#footer", "div id='footer'"));
    ck_assert(tag_matches("div#footer", "div id=footer"));
    ck_assert(tag_matches("div#footer", "DIV ID = \"footer\" class=a"));
    ck_assert(tag_matches("div#footer", "div class=\"a b\" id=footer /"));
    ck_assert(tag_matches("#footer", "table width=100% id=footer"));
    ck_assert(tag_matches("div#footer", "div/id=footer"));
    ck_assert(!tag_matches("div#footer", "div id=\"Footer\""));
    ck_assert(!tag_matches("div#footer", "div id=\"footer \""));
    ck_assert(!tag_matches("div#footer", "div id=\"footer2\""));
    ck_assert(!tag_matches("div#footer", "span id=footer"));
    ck_assert(!tag_matches("div#footer", "div data-id=footer"));
    ck_assert(!tag_matches("div#footer", "div title=\"id=footer\""));
    ck_assert(!tag_matches("div#footer", "div title='x id=footer'"));
    ck_assert(!tag_matches("div#footer", "div id"));
    ck_assert(!tag_matches("div#footer", "div"));
}
END_TEST

START_TEST(test_first_of_two_attributes_counts)
{
    ck_assert(tag_matches("#footer", "div id=footer id=other"));
    ck_assert(!tag_matches("#footer", "div id=other id=footer"));
    ck_assert(!tag_matches(".footer", "div class=a CLASS=footer"));
}
END_TEST

START_TEST(test_class_among_several)
{
    ck_assert(tag_matches(".site-footer", "div class=\"a site-footer b\""));
    ck_assert(tag_matches(".site-footer", "div class='site-footer'"));
    ck_assert(tag_matches(".site-footer", "div class=site-footer"));
    ck_assert(tag_matches(".site-footer", "div class=\"\tsite-footer\n\""));
    ck_assert(tag_matches("div.b", "DIV Class=\"a  b c\""));
    ck_assert(!tag_matches(".site-footer", "div class=\"site-footer-x\""));
    ck_assert(!tag_matches(".site-footer", "div class=\"x-site-footer\""));
    ck_assert(!tag_matches(".site-footer", "div class=\"Site-Footer\""));
    ck_assert(!tag_matches("p.site-footer", "div class=\"site-footer\""));
    ck_assert(!tag_matches(".site-footer", "div class=\"\""));
}
END_TEST

START_TEST(test_odd_attribute_syntax_is_read_as_the_tokenizer_reads_it)
{
    /* '=' first in a name is part of it; a quote after a value starts the
     * next name; unterminated quotes run to the end. */
    ck_assert(!tag_matches("#f", "div =id=f"));
    ck_assert(tag_matches("#f", "div a=\"x\"id=f"));
    ck_assert(!tag_matches("#f", "div id=\"f"));
    ck_assert(!tag_matches("#f", "div a= id=f"));   /* a's value is "id=f" */
    ck_assert(!tag_matches("#f", "div id=f/"));     /* the value is "f/" */
}
END_TEST

START_TEST(test_comment_text_trimmed_any_case)
{
    social_place p = parsed("<!--footer-->");

    ck_assert(social_place_comment_matches(&p, "footer", 6));
    ck_assert(social_place_comment_matches(&p, " Footer ", 8));
    ck_assert(social_place_comment_matches(&p, "\r\n FOOTER\t", 10));
    ck_assert(!social_place_comment_matches(&p, "footer start", 12));
    ck_assert(!social_place_comment_matches(&p, "", 0));
    ck_assert(!social_place_tag_matches(&p, "footer", 6));
    p = parsed("footer");
    ck_assert(!social_place_comment_matches(&p, "footer", 6));
}
END_TEST

/* ---- the scanner ---- */

typedef struct {
    int places;           /* PLACE events */
    uint64_t start, end;  /* of the first */
    int bodies;           /* BODY_END events */
    uint64_t max_held;    /* most bytes held back at any point */
} place_result;

/* Feeds doc cut at the offsets cuts[0..ncuts). */
static place_result scan_cut(const social_place *p, const char *doc, size_t len,
                             const size_t *cuts, size_t ncuts)
{
    social_scan *s = malloc(sizeof(*s));
    place_result r;
    size_t pos = 0, i;

    ck_assert_ptr_nonnull(s);
    memset(&r, 0, sizeof(r));
    social_scan_init(s);
    social_scan_place(s, p);
    for (i = 0; i <= ncuts; i++) {
        size_t stop = i < ncuts ? cuts[i] : len;

        ck_assert_uint_le(stop, len);   /* a cut past the end reads past the page */
        while (pos < stop) {
            social_scan_event ev;
            uint64_t hold;
            size_t n = social_scan_feed(s, doc + pos, stop - pos, &ev);

            pos += n;
            if (ev.type == SOCIAL_SCAN_PLACE) {
                ck_assert_uint_eq(ev.end, pos);
                if (r.places++ == 0) {
                    r.start = ev.start;
                    r.end = ev.end;
                }
            }
            else if (ev.type == SOCIAL_SCAN_BODY_END) {
                r.bodies++;
            }
            hold = social_scan_hold_from(s);
            if (hold != SOCIAL_SCAN_NO_OFFSET) {
                ck_assert_uint_le(hold, pos);
                if (pos - hold > r.max_held) {
                    r.max_held = pos - hold;
                }
            }
        }
    }
    free(s);
    return r;
}

/* The match of spec in doc, the same whole, in two at every offset and
 * byte by byte; *start is -1 without one. */
static long place_in(const char *spec, const char *doc)
{
    social_place p = parsed(spec);
    size_t len = strlen(doc), k;
    size_t *cuts = malloc((len + 1) * sizeof(size_t));
    place_result whole = scan_cut(&p, doc, len, NULL, 0), r;

    ck_assert_ptr_nonnull(cuts);
    ck_assert_int_le(whole.places, 1);
    for (k = 1; k < len; k++) {
        r = scan_cut(&p, doc, len, &k, 1);
        ck_assert_msg(r.places == whole.places && r.start == whole.start
                      && r.end == whole.end && r.bodies == whole.bodies,
                      "%s: split at %zu gives another result", spec, k);
    }
    for (k = 0; k < len; k++) {
        cuts[k] = k + 1;
    }
    r = scan_cut(&p, doc, len, cuts, len ? len - 1 : 0);
    ck_assert_msg(r.places == whole.places && r.start == whole.start,
                  "%s: byte by byte gives another result", spec);
    free(cuts);
    return whole.places ? (long)whole.start : -1;
}

static long offset_of(const char *doc, const char *needle)
{
    const char *at = strstr(doc, needle);
    ck_assert_ptr_nonnull(at);
    return (long)(at - doc);
}

static const char page[] =
    "<!DOCTYPE html>\n<html><head><title><div id=footer></title>\n"
    "<script>document.write('<div id=\"footer\">');</script>\n"
    "<style>/* <footer> */</style></head>\n<body>\n"
    "<!-- <div id=\"footer\"> -->\n"
    "<textarea><div id=footer></textarea>\n"
    "<p title='<div id=footer>'>text</p>\n"
    "<main><p>Content</p></main>\n"
    "<DIV class=\"x\" ID='footer'>&copy; 2026 ACME | Imprint</DIV>\n"
    "<div id=footer>second</div>\n"
    "<!-- Footer -->\n"
    "</body>\n</html>\n";

START_TEST(test_scan_first_match_outside_raw_text_and_comments)
{
    ck_assert_int_eq(place_in("div#footer", page), offset_of(page, "<DIV class"));
    ck_assert_int_eq(place_in("#footer", page), offset_of(page, "<DIV class"));
    ck_assert_int_eq(place_in("footer", page), -1);
    ck_assert_int_eq(place_in("main", page), offset_of(page, "<main>"));
    ck_assert_int_eq(place_in(".x", page), offset_of(page, "<DIV class"));
    ck_assert_int_eq(place_in("<!--footer-->", page), offset_of(page, "<!-- Footer"));
    ck_assert_int_eq(place_in("<!--div id=\"footer\"-->", page), -1);
    ck_assert_int_eq(place_in("span", page), -1);
}
END_TEST

START_TEST(test_scan_still_reports_body_end)
{
    social_place p = parsed("#footer");
    place_result r = scan_cut(&p, page, strlen(page), NULL, 0);

    ck_assert_int_eq(r.places, 1);
    ck_assert_int_eq(r.bodies, 1);
}
END_TEST

START_TEST(test_scan_holds_only_the_tag_in_progress)
{
    static const char doc[] = "<body><p>a</p><div class='a b' id=footer>x</div></body>";
    social_place p = parsed("div#footer");
    size_t cut = (size_t)offset_of(doc, "id=footer");
    social_scan s;
    social_scan_event ev;

    social_scan_init(&s);
    social_scan_place(&s, &p);
    ck_assert_uint_eq(social_scan_feed(&s, doc, cut, &ev), cut);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_NONE);
    ck_assert_uint_eq(social_scan_hold_from(&s), (uint64_t)offset_of(doc, "<div"));
    /* A tag that cannot match is not held. */
    social_scan_init(&s);
    social_scan_place(&s, &p);
    cut = (size_t)offset_of(doc, ">a<");
    ck_assert_uint_eq(social_scan_feed(&s, doc, cut, &ev), cut);
    ck_assert_uint_eq(social_scan_hold_from(&s), SOCIAL_SCAN_NO_OFFSET);
}
END_TEST

START_TEST(test_scan_too_long_tag_does_not_match)
{
    size_t pad = SOCIAL_PLACE_TAG_MAX + 100, len;
    char *doc = malloc(pad + 200);
    social_place p = parsed("div#footer");
    place_result r;
    size_t cuts[3] = { 7, 4000, 4200 };    /* inside <body>, twice inside the long value */

    ck_assert_ptr_nonnull(doc);
    strcpy(doc, "<body><div title=\"");
    len = strlen(doc);
    memset(doc + len, 'x', pad);
    len += pad;
    strcpy(doc + len, "\" id=footer>a</div><div id=footer>b</div></body>");
    len = strlen(doc);
    r = scan_cut(&p, doc, len, cuts, 3);
    ck_assert_int_eq(r.places, 1);
    ck_assert_uint_eq(r.start, (uint64_t)offset_of(doc, "<div id=footer>b"));
    ck_assert_uint_le(r.max_held, SOCIAL_PLACE_TAG_MAX + 1);
    free(doc);
}
END_TEST

START_TEST(test_scan_unterminated_attribute_holds_a_bounded_amount)
{
    size_t len = 100000, k;
    char *doc = malloc(len + 1);
    social_place p = parsed(".footer");
    place_result r;
    size_t cuts[99];

    ck_assert_ptr_nonnull(doc);
    memcpy(doc, "<body><div class=\"footer", 24);
    memset(doc + 24, 'y', len - 24);
    doc[len] = '\0';
    for (k = 0; k < 99; k++) {
        cuts[k] = (k + 1) * 1000;
    }
    r = scan_cut(&p, doc, len, cuts, 99);
    ck_assert_int_eq(r.places, 0);
    ck_assert_uint_le(r.max_held, SOCIAL_PLACE_TAG_MAX + 1000);
    free(doc);
}
END_TEST

START_TEST(test_scan_without_selector_reports_no_place)
{
    place_result r = scan_cut(NULL, page, strlen(page), NULL, 0);
    ck_assert_int_eq(r.places, 0);
    ck_assert_uint_eq(r.max_held, 0);
}
END_TEST

START_TEST(test_scan_comment_selector_never_takes_a_marker)
{
    static const char doc[] =
        "<body><!--social:discussion--><!--footer--!><!--footer--></body>";
    ck_assert_int_eq(place_in("<!--footer-->", doc), offset_of(doc, "<!--footer--!>"));
}
END_TEST

START_TEST(test_scan_place_after_escaped_script_and_self_closing_tag)
{
    static const char doc[] =
        "<body><script><!--<script>'<div id=footer>'</script>--></script>"
        "<div id=footer/><div id=footer /><p>x</p></body>";
    ck_assert_int_eq(place_in("div#footer", doc), offset_of(doc, "<div id=footer />"));
}
END_TEST

static Suite *place_suite(void)
{
    Suite *s = suite_create("place");
    TCase *tc = tcase_create("grammar");

    tcase_add_test(tc, test_parse_accepts_the_documented_forms);
    tcase_add_test(tc, test_parse_rejects_everything_else);
    suite_add_tcase(s, tc);

    tc = tcase_create("matcher");
    tcase_add_test(tc, test_tag_name_any_case);
    tcase_add_test(tc, test_id_any_quoting);
    tcase_add_test(tc, test_first_of_two_attributes_counts);
    tcase_add_test(tc, test_class_among_several);
    tcase_add_test(tc, test_odd_attribute_syntax_is_read_as_the_tokenizer_reads_it);
    tcase_add_test(tc, test_comment_text_trimmed_any_case);
    suite_add_tcase(s, tc);

    tc = tcase_create("scanner");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_scan_first_match_outside_raw_text_and_comments);
    tcase_add_test(tc, test_scan_still_reports_body_end);
    tcase_add_test(tc, test_scan_holds_only_the_tag_in_progress);
    tcase_add_test(tc, test_scan_too_long_tag_does_not_match);
    tcase_add_test(tc, test_scan_unterminated_attribute_holds_a_bounded_amount);
    tcase_add_test(tc, test_scan_without_selector_reports_no_place);
    tcase_add_test(tc, test_scan_comment_selector_never_takes_a_marker);
    tcase_add_test(tc, test_scan_place_after_escaped_script_and_self_closing_tag);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(place_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
