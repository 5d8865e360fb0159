/* check_scan.c: unit tests for the streaming HTML scanner (scan.h).
 *
 * The scanner is fed byte buffers of any size; every test states the
 * events it expects with exact offsets. The streaming tests feed each
 * page whole, split in two at every byte offset, and one byte at a time,
 * and require the same event list every time.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scan.h"

#define MAX_EVENTS 64

typedef struct {
    social_scan_event_type type;
    uint64_t start;
    uint64_t end;
    char *text;        /* copy of the marker text, NULL for other events */
    size_t text_len;
} recorded_event;

typedef struct {
    recorded_event events[MAX_EVENTS];
    int count;
} event_list;

static void event_list_free(event_list *list)
{
    int i;

    for (i = 0; i < list->count; i++) {
        free(list->events[i].text);
        list->events[i].text = NULL;
    }
    list->count = 0;
}

/* Feeds one piece to the scanner, draining every event, and checks the
 * social_scan_feed contract on each call. piece holds the bytes of the
 * stream from offset piece_start up to stop; *pos is the next offset. */
static void feed_piece(social_scan *s, const char *piece, size_t piece_start,
                       size_t *pos, size_t stop, event_list *out)
{
    while (*pos < stop) {
        social_scan_event ev;
        uint64_t before = social_scan_offset(s);
        uint64_t hold;
        size_t n;

        ck_assert_uint_eq(before, *pos);
        memset(&ev, 0, sizeof(ev));
        ev.type = (social_scan_event_type)99;
        n = social_scan_feed(s, piece + (*pos - piece_start), stop - *pos,
                             &ev);
        ck_assert_uint_le(n, stop - *pos);
        if (ev.type == SOCIAL_SCAN_NONE) {
            ck_assert_msg(n == stop - *pos,
                          "no event but only %zu of %zu bytes consumed",
                          n, stop - *pos);
        }
        else {
            recorded_event *rec;

            ck_assert_msg(ev.type >= SOCIAL_SCAN_BODY_END
                          && ev.type <= SOCIAL_SCAN_OPT_OUT,
                          "feed left an invalid event type %d", (int)ev.type);
            ck_assert_msg(n > 0, "an event was reported without consuming");
            ck_assert_uint_eq(before + n, ev.end);
            ck_assert_uint_lt(ev.start, ev.end);
            ck_assert_int_lt(out->count, MAX_EVENTS);
            rec = &out->events[out->count++];
            rec->type = ev.type;
            rec->start = ev.start;
            rec->end = ev.end;
            rec->text = NULL;
            rec->text_len = 0;
            if (ev.type == SOCIAL_SCAN_MARKER) {
                ck_assert_ptr_nonnull(ev.text);
                ck_assert_uint_le(ev.text_len, SOCIAL_MARKER_MAX);
                ck_assert_int_eq(ev.text[ev.text_len], '\0');
                rec->text = malloc(ev.text_len + 1);
                ck_assert_ptr_nonnull(rec->text);
                memcpy(rec->text, ev.text, ev.text_len + 1);
                rec->text_len = ev.text_len;
            }
        }
        *pos += n;
        ck_assert_uint_eq(social_scan_offset(s), *pos);
        hold = social_scan_hold_from(s);
        ck_assert_msg(hold == SOCIAL_SCAN_NO_OFFSET || hold <= *pos,
                      "hold_from %llu is past the %zu bytes fed",
                      (unsigned long long)hold, *pos);
    }
}

/* Feeds doc[0..len) cut at the increasing offsets cuts[0..ncuts).
 * If hold_at_cut is not NULL, hold_at_cut[i] receives
 * social_scan_hold_from() after the bytes up to cuts[i] were fed. */
static void scan_pieces(const char *doc, size_t len, const size_t *cuts,
                        size_t ncuts, int xml, event_list *out,
                        uint64_t *hold_at_cut)
{
    social_scan *s = malloc(sizeof(*s));
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t room = (len / page + 1) * page;
    char *map;
    size_t pos = 0;
    size_t i;

    /* Each piece is copied to the end of a buffer followed by a page that
     * cannot be read, so a read past the piece crashes the test. */
    map = mmap(NULL, room + page, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(map != MAP_FAILED);
    ck_assert_int_eq(mprotect(map + room, page, PROT_NONE), 0);
    ck_assert_ptr_nonnull(s);
    social_scan_init(s);
    if (xml) {
        social_scan_xml(s, 1);
    }
    out->count = 0;
    for (i = 0; i <= ncuts; i++) {
        size_t stop = i < ncuts ? cuts[i] : len;
        size_t start = pos;
        char *piece = map + room - (stop - start);

        ck_assert_uint_le(pos, stop);
        memcpy(piece, doc + start, stop - start);
        feed_piece(s, piece, start, &pos, stop, out);
        if (hold_at_cut != NULL && i < ncuts) {
            hold_at_cut[i] = social_scan_hold_from(s);
        }
    }
    ck_assert_uint_eq(pos, len);
    ck_assert_uint_eq(social_scan_offset(s), len);
    munmap(map, room + page);
    free(s);
}

static void scan_whole(const char *doc, size_t len, event_list *out)
{
    scan_pieces(doc, len, NULL, 0, 0, out, NULL);
}

static void scan_string(const char *doc, event_list *out)
{
    scan_whole(doc, strlen(doc), out);
}

static const char *event_name(social_scan_event_type type)
{
    switch (type) {
    case SOCIAL_SCAN_NONE:       return "NONE";
    case SOCIAL_SCAN_BODY_END:   return "BODY_END";
    case SOCIAL_SCAN_HTML_END:   return "HTML_END";
    case SOCIAL_SCAN_MARKER:     return "MARKER";
    case SOCIAL_SCAN_MARKER_BAD: return "MARKER_BAD";
    case SOCIAL_SCAN_OPT_OUT:    return "OPT_OUT";
    case SOCIAL_SCAN_PLACE:      return "PLACE";
    }
    return "?";
}

static void assert_same_events(const event_list *want, const event_list *got,
                               const char *how)
{
    int i;

    ck_assert_msg(want->count == got->count,
                  "%s: %d events, whole document gave %d",
                  how, got->count, want->count);
    for (i = 0; i < want->count; i++) {
        const recorded_event *a = &want->events[i];
        const recorded_event *b = &got->events[i];

        ck_assert_msg(a->type == b->type && a->start == b->start
                      && a->end == b->end,
                      "%s: event %d is %s [%llu,%llu), whole document "
                      "gave %s [%llu,%llu)", how, i,
                      event_name(b->type), (unsigned long long)b->start,
                      (unsigned long long)b->end, event_name(a->type),
                      (unsigned long long)a->start,
                      (unsigned long long)a->end);
        ck_assert_msg(a->text_len == b->text_len
                      && (a->text_len == 0
                          || memcmp(a->text, b->text, a->text_len) == 0),
                      "%s: event %d text differs", how, i);
    }
}

static void assert_event(const event_list *list, int i,
                         social_scan_event_type type, uint64_t start,
                         uint64_t end)
{
    ck_assert_msg(i < list->count, "expected event %d (%s), only %d events",
                  i, event_name(type), list->count);
    ck_assert_msg(list->events[i].type == type
                  && list->events[i].start == start
                  && list->events[i].end == end,
                  "event %d: expected %s [%llu,%llu), got %s [%llu,%llu)", i,
                  event_name(type), (unsigned long long)start,
                  (unsigned long long)end, event_name(list->events[i].type),
                  (unsigned long long)list->events[i].start,
                  (unsigned long long)list->events[i].end);
}

/* Offset of the nth (0-based) occurrence of needle in doc. */
static uint64_t offset_of(const char *doc, const char *needle, int nth)
{
    const char *p = doc;

    for (;;) {
        p = strstr(p, needle);
        ck_assert_msg(p != NULL, "test page lacks \"%s\" #%d", needle, nth);
        if (nth-- == 0) {
            return (uint64_t)(p - doc);
        }
        p++;
    }
}

/* Asserts that doc gives exactly one event of this type at [start, end). */
static void assert_single_event(const char *doc, social_scan_event_type type,
                                uint64_t start, uint64_t end)
{
    event_list list;

    scan_string(doc, &list);
    ck_assert_msg(list.count == 1, "\"%.80s\": expected one %s event, got %d",
                  doc, event_name(type), list.count);
    assert_event(&list, 0, type, start, end);
    event_list_free(&list);
}

static void assert_no_event(const char *doc)
{
    event_list list;

    scan_string(doc, &list);
    ck_assert_msg(list.count == 0, "\"%.80s\": expected no event, got %d (%s)",
                  doc, list.count,
                  list.count > 0 ? event_name(list.events[0].type) : "");
    event_list_free(&list);
}

/* The streaming property: split in two at every offset and fed one byte
 * at a time, doc gives the same events as whole; while the bytes of an
 * end tag are arriving, hold_from names its '<'. */
static void assert_streaming(const char *doc, size_t len, event_list *whole)
{
    event_list split;
    size_t *cuts;
    uint64_t *hold;
    size_t k;
    int i;
    char how[64];

    scan_whole(doc, len, whole);
    for (k = 0; k <= len; k++) {
        snprintf(how, sizeof(how), "split at %zu", k);
        scan_pieces(doc, len, &k, 1, 0, &split, NULL);
        assert_same_events(whole, &split, how);
        event_list_free(&split);
    }
    if (len < 2) {
        return;
    }
    cuts = malloc((len - 1) * sizeof(*cuts));
    hold = malloc((len - 1) * sizeof(*hold));
    ck_assert_ptr_nonnull(cuts);
    ck_assert_ptr_nonnull(hold);
    for (k = 0; k < len - 1; k++) {
        cuts[k] = k + 1;
    }
    scan_pieces(doc, len, cuts, len - 1, 0, &split, hold);
    assert_same_events(whole, &split, "one byte at a time");
    event_list_free(&split);
    for (i = 0; i < whole->count; i++) {
        const recorded_event *e = &whole->events[i];
        uint64_t b;

        if (e->type != SOCIAL_SCAN_BODY_END
            && e->type != SOCIAL_SCAN_HTML_END) {
            continue;
        }
        for (b = e->start + 1; b < e->end; b++) {
            ck_assert_msg(hold[b - 1] == e->start,
                          "after %llu bytes (inside the end tag at %llu) "
                          "hold_from is %llu",
                          (unsigned long long)b,
                          (unsigned long long)e->start,
                          (unsigned long long)hold[b - 1]);
        }
    }
    free(cuts);
    free(hold);
}

/* A fixed pseudo-random sequence, so failures repeat. */
static uint32_t test_random_state;

static uint32_t test_random(void)
{
    test_random_state = test_random_state * 1103515245u + 12345u;
    return (test_random_state >> 16) & 0x7fff;
}

static void assert_random_splits(const char *doc, size_t len,
                                 const event_list *whole)
{
    int round;

    test_random_state = 20240611u;
    for (round = 0; round < 300; round++) {
        size_t cuts[8];
        size_t n = 1 + test_random() % 8;
        size_t i;
        event_list split;
        char how[64];

        for (i = 0; i < n; i++) {
            cuts[i] = (size_t)test_random() % (len + 1);
        }
        /* sort the cut points (a few, insertion sort) */
        for (i = 1; i < n; i++) {
            size_t j = i;
            while (j > 0 && cuts[j - 1] > cuts[j]) {
                size_t t = cuts[j];
                cuts[j] = cuts[j - 1];
                cuts[j - 1] = t;
                j--;
            }
        }
        snprintf(how, sizeof(how), "random split round %d", round);
        scan_pieces(doc, len, cuts, n, 0, &split, NULL);
        assert_same_events(whole, &split, how);
        event_list_free(&split);
    }
}

/* ---------------------------------------------------------------- */
/* End tags                                                          */

START_TEST(test_body_end_lower_case_is_reported)
{
    assert_single_event("<p>x</p></body>", SOCIAL_SCAN_BODY_END, 8, 15);
}
END_TEST

START_TEST(test_body_end_any_letter_case_is_reported)
{
    assert_single_event("ab</BODY>", SOCIAL_SCAN_BODY_END, 2, 9);
    assert_single_event("ab</Body>", SOCIAL_SCAN_BODY_END, 2, 9);
    assert_single_event("ab</bOdY>", SOCIAL_SCAN_BODY_END, 2, 9);
}
END_TEST

START_TEST(test_body_end_with_white_space_before_gt_is_reported)
{
    assert_single_event("x</body >", SOCIAL_SCAN_BODY_END, 1, 9);
    assert_single_event("x</body  >", SOCIAL_SCAN_BODY_END, 1, 10);
    assert_single_event("x</body\t>", SOCIAL_SCAN_BODY_END, 1, 9);
    assert_single_event("x</body\r>", SOCIAL_SCAN_BODY_END, 1, 9);
    assert_single_event("x</body\n>", SOCIAL_SCAN_BODY_END, 1, 9);
    assert_single_event("x</body\r\n>", SOCIAL_SCAN_BODY_END, 1, 10);
    assert_single_event("x</BODY \t\r\n >y", SOCIAL_SCAN_BODY_END, 1, 13);
}
END_TEST

START_TEST(test_body_end_white_space_up_to_limit_is_accepted)
{
    char doc[SOCIAL_END_TAG_SPACE_MAX + 16];
    size_t n;

    memcpy(doc, "</body", 6);
    memset(doc + 6, ' ', SOCIAL_END_TAG_SPACE_MAX);
    n = 6 + SOCIAL_END_TAG_SPACE_MAX;
    doc[n++] = '>';
    doc[n] = '\0';
    assert_single_event(doc, SOCIAL_SCAN_BODY_END, 0, n);
}
END_TEST

START_TEST(test_body_end_white_space_beyond_limit_is_not_an_end_tag)
{
    char doc[SOCIAL_END_TAG_SPACE_MAX + 16];
    size_t n;

    memcpy(doc, "</body", 6);
    memset(doc + 6, ' ', SOCIAL_END_TAG_SPACE_MAX + 1);
    n = 6 + SOCIAL_END_TAG_SPACE_MAX + 1;
    doc[n++] = '>';
    doc[n] = '\0';
    assert_no_event(doc);
}
END_TEST

START_TEST(test_html_end_any_case_and_white_space_is_reported)
{
    assert_single_event("p</html>", SOCIAL_SCAN_HTML_END, 1, 8);
    assert_single_event("p</HTML>", SOCIAL_SCAN_HTML_END, 1, 8);
    assert_single_event("p</Html>", SOCIAL_SCAN_HTML_END, 1, 8);
    assert_single_event("p</html \r\n\t>", SOCIAL_SCAN_HTML_END, 1, 12);
}
END_TEST

START_TEST(test_end_tag_lookalikes_are_not_end_tags)
{
    assert_no_event("</bodyx>");
    assert_no_event("</body-x>");
    assert_no_event("</bod>");
    assert_no_event("</bodyy >");
    assert_no_event("<body>");
    assert_no_event("<body></bo dy>");
    assert_no_event("</htmlx>");
    assert_no_event("</html:x>");
    assert_no_event("</htm>");
    assert_no_event("<html>");
    assert_no_event("</b></h1></head>");
}
END_TEST

START_TEST(test_body_end_after_stray_lt_is_reported)
{
    assert_single_event("a < b <</body>", SOCIAL_SCAN_BODY_END, 7, 14);
}
END_TEST

START_TEST(test_body_end_after_doctype_is_reported)
{
    assert_single_event("<!DOCTYPE html></body>", SOCIAL_SCAN_BODY_END,
                        15, 22);
}
END_TEST

START_TEST(test_every_body_end_is_reported_in_order)
{
    event_list list;
    const char *doc = "</body>x</BODY></html>";

    scan_string(doc, &list);
    ck_assert_int_eq(list.count, 3);
    assert_event(&list, 0, SOCIAL_SCAN_BODY_END, 0, 7);
    assert_event(&list, 1, SOCIAL_SCAN_BODY_END, 8, 15);
    assert_event(&list, 2, SOCIAL_SCAN_HTML_END, 15, 22);
    event_list_free(&list);
}
END_TEST

/* ---------------------------------------------------------------- */
/* The feed contract                                                 */

START_TEST(test_feed_stops_at_each_event_end)
{
    social_scan s;
    social_scan_event ev;
    const char *doc = "</body></html>tail";
    size_t n;

    social_scan_init(&s);
    n = social_scan_feed(&s, doc, strlen(doc), &ev);
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_BODY_END);
    ck_assert_uint_eq(ev.start, 0);
    ck_assert_uint_eq(ev.end, 7);
    ck_assert_uint_eq(social_scan_offset(&s), 7);

    n = social_scan_feed(&s, doc + 7, strlen(doc) - 7, &ev);
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_HTML_END);
    ck_assert_uint_eq(ev.start, 7);
    ck_assert_uint_eq(ev.end, 14);
    ck_assert_uint_eq(social_scan_offset(&s), 14);

    n = social_scan_feed(&s, doc + 14, 4, &ev);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_NONE);
    ck_assert_uint_eq(social_scan_offset(&s), 18);
}
END_TEST

START_TEST(test_feed_continues_after_event_with_rest_of_buffer)
{
    social_scan s;
    social_scan_event ev;
    const char *doc = "a</body>b<!--social:x-->c</html>";
    size_t len = strlen(doc);
    size_t pos = 0;
    size_t n;

    social_scan_init(&s);
    n = social_scan_feed(&s, doc, len, &ev);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_BODY_END);
    ck_assert_uint_eq(n, 8);
    ck_assert_uint_eq(ev.start, 1);
    pos += n;

    n = social_scan_feed(&s, doc + pos, len - pos, &ev);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_MARKER);
    ck_assert_uint_eq(ev.start, 9);
    ck_assert_uint_eq(ev.end, 24);
    ck_assert_uint_eq(n, 16);
    ck_assert_uint_eq(ev.text_len, 8);
    ck_assert_str_eq(ev.text, "social:x");
    pos += n;

    n = social_scan_feed(&s, doc + pos, len - pos, &ev);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_HTML_END);
    ck_assert_uint_eq(ev.start, 25);
    ck_assert_uint_eq(ev.end, 32);
    ck_assert_uint_eq(n, 8);
    pos += n;
    ck_assert_uint_eq(pos, len);
    ck_assert_uint_eq(social_scan_offset(&s), len);
}
END_TEST

START_TEST(test_feed_of_empty_buffer_consumes_nothing)
{
    social_scan s;
    social_scan_event ev;

    social_scan_init(&s);
    ck_assert_uint_eq(social_scan_feed(&s, "", 0, &ev), 0);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_NONE);
    ck_assert_uint_eq(social_scan_offset(&s), 0);
}
END_TEST

START_TEST(test_end_tag_split_across_buffers_has_stream_offsets)
{
    social_scan s;
    social_scan_event ev;
    size_t n;

    social_scan_init(&s);
    n = social_scan_feed(&s, "hello </bo", 10, &ev);
    ck_assert_uint_eq(n, 10);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_NONE);
    n = social_scan_feed(&s, "dy", 2, &ev);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_NONE);
    n = social_scan_feed(&s, " >after", 7, &ev);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_BODY_END);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(ev.start, 6);
    ck_assert_uint_eq(ev.end, 14);
    ck_assert_uint_eq(social_scan_offset(&s), 14);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Raw text elements                                                 */

START_TEST(test_body_end_inside_script_is_ignored)
{
    const char *doc = "<script>document.write('</body>');</script></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 1),
                        strlen(doc));
}
END_TEST

START_TEST(test_body_end_inside_uppercase_script_with_attributes_is_ignored)
{
    const char *doc = "<SCRIPT type=\"x\">a</BODY>b</SCRIPT></BODY>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</BODY>", 1),
                        strlen(doc));
}
END_TEST

START_TEST(test_script_ends_only_at_script_end_tag)
{
    const char *doc1 = "<script>a</scripty></body></script></body>";
    const char *doc2 = "<script>a</scrip></body></script ></body>";
    const char *doc3 = "<script>a</script/></body>";
    const char *doc4 = "<script>a</SCRIPT></body>";
    const char *doc5 = "<script>a</script\n></body>";
    const char *doc6 = "<script>a</script\t></body>";

    assert_single_event(doc1, SOCIAL_SCAN_BODY_END,
                        offset_of(doc1, "</body>", 1), strlen(doc1));
    assert_single_event(doc2, SOCIAL_SCAN_BODY_END,
                        offset_of(doc2, "</body>", 1), strlen(doc2));
    assert_single_event(doc3, SOCIAL_SCAN_BODY_END,
                        offset_of(doc3, "</body>", 0), strlen(doc3));
    assert_single_event(doc4, SOCIAL_SCAN_BODY_END,
                        offset_of(doc4, "</body>", 0), strlen(doc4));
    /* white space after the name ends the raw text too, as in browsers */
    assert_single_event(doc5, SOCIAL_SCAN_BODY_END,
                        offset_of(doc5, "</body>", 0), strlen(doc5));
    assert_single_event(doc6, SOCIAL_SCAN_BODY_END,
                        offset_of(doc6, "</body>", 0), strlen(doc6));
}
END_TEST

START_TEST(test_body_end_inside_style_is_ignored)
{
    const char *doc = "<style>p:after{content:\"</body>\"}</style></body>";
    const char *upper = "<STYLE media=\"all\">a</body></Style></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 1),
                        strlen(doc));
    assert_single_event(upper, SOCIAL_SCAN_BODY_END,
                        offset_of(upper, "</body>", 1), strlen(upper));
}
END_TEST

START_TEST(test_body_end_inside_textarea_is_ignored)
{
    const char *doc = "<textarea name=\"t\"></body></html></textarea></body>";
    const char *upper = "<TEXTAREA></BODY></TEXTAREA></BODY>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 1),
                        strlen(doc));
    assert_single_event(upper, SOCIAL_SCAN_BODY_END,
                        offset_of(upper, "</BODY>", 1), strlen(upper));
}
END_TEST

START_TEST(test_html_end_inside_raw_text_is_ignored)
{
    assert_no_event("<script></html></script>");
    assert_no_event("<style></html></style>");
    assert_no_event("<textarea></html></textarea>");
}
END_TEST

START_TEST(test_raw_text_end_tag_of_another_element_does_not_end_it)
{
    const char *doc = "<script></style></textarea></body></script></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 1),
                        strlen(doc));
}
END_TEST

START_TEST(test_tags_named_like_raw_text_elements_are_not_raw_text)
{
    assert_single_event("<scripts></body>", SOCIAL_SCAN_BODY_END, 9, 16);
    assert_single_event("<styles></body>", SOCIAL_SCAN_BODY_END, 8, 15);
    assert_single_event("<textareax></body>", SOCIAL_SCAN_BODY_END, 11, 18);
    assert_single_event("<scrip></body>", SOCIAL_SCAN_BODY_END, 7, 14);
    assert_single_event("</script></body>", SOCIAL_SCAN_BODY_END, 9, 16);
}
END_TEST

START_TEST(test_script_start_tag_with_gt_in_quoted_attribute)
{
    const char *doc = "<script data-x=\"a>b\" src='c>d'></body></script></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 1),
                        strlen(doc));
}
END_TEST

START_TEST(test_self_closing_script_in_html_still_starts_raw_text)
{
    const char *doc = "<script src=\"a.js\"/></body></script></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 1),
                        strlen(doc));
}
END_TEST

START_TEST(test_self_closing_script_in_xml_has_no_raw_text)
{
    const char *doc = "<script src=\"a.js\"/></body><style/></html>";
    event_list list;

    scan_pieces(doc, strlen(doc), NULL, 0, 1, &list, NULL);
    ck_assert_int_eq(list.count, 2);
    assert_event(&list, 0, SOCIAL_SCAN_BODY_END, 20, 27);
    assert_event(&list, 1, SOCIAL_SCAN_HTML_END, 35, 42);
    event_list_free(&list);
}
END_TEST

START_TEST(test_script_in_xml_with_content_is_still_raw_text)
{
    const char *doc = "<script>if (a</body>b)</script></body>";
    event_list list;

    scan_pieces(doc, strlen(doc), NULL, 0, 1, &list, NULL);
    ck_assert_int_eq(list.count, 1);
    assert_event(&list, 0, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 1),
                 strlen(doc));
    event_list_free(&list);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Comments and attributes                                           */

START_TEST(test_body_end_inside_comment_is_ignored)
{
    const char *doc = "<!-- </body> </html> --></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 1),
                        strlen(doc));
}
END_TEST

START_TEST(test_empty_comments_are_complete)
{
    assert_single_event("<!--></body>", SOCIAL_SCAN_BODY_END, 5, 12);
    assert_single_event("<!---></body>", SOCIAL_SCAN_BODY_END, 6, 13);
    assert_single_event("<!----></body>", SOCIAL_SCAN_BODY_END, 7, 14);
}
END_TEST

START_TEST(test_comment_ends_only_at_dash_dash_gt)
{
    const char *doc = "<!-- a -- b - > -- > </body> ---></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 1),
                        strlen(doc));
}
END_TEST

START_TEST(test_gt_inside_double_quoted_attribute_does_not_end_tag)
{
    const char *doc = "<a title=\">\"></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, 13, 20);
}
END_TEST

START_TEST(test_gt_inside_single_quoted_attribute_does_not_end_tag)
{
    const char *doc = "<a title='>'></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, 13, 20);
}
END_TEST

START_TEST(test_end_tag_inside_quoted_attribute_is_ignored)
{
    const char *doc = "<a title=\"</body>\" alt='</html>'></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 1),
                        strlen(doc));
}
END_TEST

START_TEST(test_other_quote_inside_quoted_attribute_is_literal)
{
    const char *doc = "<a title=\"it's > 'so'\" x='say \"hi\" >'></body>";

    assert_single_event(doc, SOCIAL_SCAN_BODY_END, offset_of(doc, "</body>", 0),
                        strlen(doc));
}
END_TEST

/* ---------------------------------------------------------------- */
/* Markers                                                           */

START_TEST(test_marker_is_reported_with_text_and_offsets)
{
    const char *text = "social:poll name=\"x\" question=\"Q?\" options=\"A|B\"";
    char doc[256];
    event_list list;

    snprintf(doc, sizeof(doc), "<p>a</p><!--%s--><p>b</p>", text);
    scan_string(doc, &list);
    ck_assert_int_eq(list.count, 1);
    assert_event(&list, 0, SOCIAL_SCAN_MARKER, 8, 8 + 4 + strlen(text) + 3);
    ck_assert_uint_eq(list.events[0].text_len, strlen(text));
    ck_assert_str_eq(list.events[0].text, text);
    event_list_free(&list);
}
END_TEST

START_TEST(test_marker_event_text_is_nul_terminated)
{
    social_scan s;
    social_scan_event ev;
    const char *doc = "<!--social:likes-->XYZ";
    size_t n;

    social_scan_init(&s);
    n = social_scan_feed(&s, doc, strlen(doc), &ev);
    ck_assert_int_eq(ev.type, SOCIAL_SCAN_MARKER);
    ck_assert_uint_eq(n, 19);
    ck_assert_uint_eq(ev.start, 0);
    ck_assert_uint_eq(ev.end, 19);
    ck_assert_uint_eq(ev.text_len, 12);
    ck_assert_mem_eq(ev.text, "social:likes", 13);
}
END_TEST

START_TEST(test_marker_text_keeps_newlines_and_trailing_space)
{
    const char *doc = "<!--social:poll\n  name=\"n\"\r\n  multiple \n-->";
    event_list list;

    scan_string(doc, &list);
    ck_assert_int_eq(list.count, 1);
    assert_event(&list, 0, SOCIAL_SCAN_MARKER, 0, strlen(doc));
    ck_assert_str_eq(list.events[0].text,
                     "social:poll\n  name=\"n\"\r\n  multiple \n");
    event_list_free(&list);
}
END_TEST

START_TEST(test_marker_text_keeps_dash_before_comment_close)
{
    const char *doc = "<!--social:poll name=a--->";
    event_list list;

    scan_string(doc, &list);
    ck_assert_int_eq(list.count, 1);
    assert_event(&list, 0, SOCIAL_SCAN_MARKER, 0, strlen(doc));
    ck_assert_str_eq(list.events[0].text, "social:poll name=a-");
    event_list_free(&list);
}
END_TEST

/* "<!--" + "social:x " + padding up to text_len bytes of text + "-->" */
static char *long_marker_page(size_t text_len, const char *after)
{
    size_t after_len = strlen(after);
    char *doc = malloc(4 + text_len + 3 + after_len + 1);
    size_t n = 0;

    ck_assert_ptr_nonnull(doc);
    ck_assert_uint_ge(text_len, 9);
    memcpy(doc + n, "<!--", 4);
    n += 4;
    memcpy(doc + n, "social:x ", 9);
    memset(doc + n + 9, 'a', text_len - 9);
    n += text_len;
    memcpy(doc + n, "-->", 3);
    n += 3;
    memcpy(doc + n, after, after_len + 1);
    return doc;
}

START_TEST(test_marker_of_maximum_length_is_kept)
{
    char *doc = long_marker_page(SOCIAL_MARKER_MAX, "");
    event_list list;

    scan_string(doc, &list);
    ck_assert_int_eq(list.count, 1);
    assert_event(&list, 0, SOCIAL_SCAN_MARKER, 0, SOCIAL_MARKER_MAX + 7);
    ck_assert_uint_eq(list.events[0].text_len, SOCIAL_MARKER_MAX);
    ck_assert_mem_eq(list.events[0].text, doc + 4, SOCIAL_MARKER_MAX);
    event_list_free(&list);
    free(doc);
}
END_TEST

START_TEST(test_marker_longer_than_maximum_is_bad)
{
    char *doc = long_marker_page(SOCIAL_MARKER_MAX + 1, "");
    event_list list;

    scan_string(doc, &list);
    ck_assert_int_eq(list.count, 1);
    assert_event(&list, 0, SOCIAL_SCAN_MARKER_BAD, 0, SOCIAL_MARKER_MAX + 8);
    event_list_free(&list);
    free(doc);
}
END_TEST

START_TEST(test_scanner_recovers_after_bad_marker)
{
    char *doc = long_marker_page(SOCIAL_MARKER_MAX * 2,
                                 "</body><!--social:ok a=1--></html>");
    size_t bad_end = 4 + SOCIAL_MARKER_MAX * 2 + 3;
    event_list list;

    scan_string(doc, &list);
    ck_assert_int_eq(list.count, 4);
    assert_event(&list, 0, SOCIAL_SCAN_MARKER_BAD, 0, bad_end);
    assert_event(&list, 1, SOCIAL_SCAN_BODY_END, bad_end, bad_end + 7);
    assert_event(&list, 2, SOCIAL_SCAN_MARKER, bad_end + 7, bad_end + 27);
    ck_assert_str_eq(list.events[2].text, "social:ok a=1");
    assert_event(&list, 3, SOCIAL_SCAN_HTML_END, bad_end + 27, bad_end + 34);
    event_list_free(&list);
    free(doc);
}
END_TEST

START_TEST(test_body_end_inside_bad_marker_is_ignored)
{
    char *doc = long_marker_page(SOCIAL_MARKER_MAX + 100, "</body>");
    event_list list;

    memcpy(doc + 4 + 20, "</body>", 7);
    scan_string(doc, &list);
    ck_assert_int_eq(list.count, 2);
    assert_event(&list, 0, SOCIAL_SCAN_MARKER_BAD, 0, SOCIAL_MARKER_MAX + 107);
    assert_event(&list, 1, SOCIAL_SCAN_BODY_END, SOCIAL_MARKER_MAX + 107,
                 SOCIAL_MARKER_MAX + 114);
    event_list_free(&list);
    free(doc);
}
END_TEST

START_TEST(test_ordinary_comment_gives_no_event)
{
    assert_no_event("<!-- social comment without the colon -->");
    assert_no_event("<!-- hello -->");
    assert_no_event("<!--[if IE]><p>old</p><![endif]-->");
}
END_TEST

START_TEST(test_marker_inside_script_gives_no_event)
{
    assert_no_event("<script>var m = '<!--social:poll name=x-->';</script>");
    assert_no_event("<style>/* <!--social:poll name=x--> */</style>");
    assert_no_event("<textarea><!--social:poll name=x--></textarea>");
}
END_TEST

START_TEST(test_marker_inside_attribute_gives_no_event)
{
    assert_no_event("<a title=\"<!--social:poll name=x-->\">a</a>");
}
END_TEST

/* ---------------------------------------------------------------- */
/* Opt-out                                                           */

START_TEST(test_opt_out_meta_is_reported)
{
    const char *doc = "<head><meta name=\"mod_social\" content=\"off\"></head>";

    assert_single_event(doc, SOCIAL_SCAN_OPT_OUT, 6,
                        offset_of(doc, "</head>", 0));
}
END_TEST

START_TEST(test_opt_out_meta_in_any_spelling_is_reported)
{
    static const char *const metas[] = {
        "<meta name=\"mod_social\" content=\"off\">",
        "<meta content=\"off\" name=\"mod_social\">",
        "<meta name='mod_social' content='off'>",
        "<meta name=mod_social content=off>",
        "<META NAME=\"mod_social\" CONTENT=\"off\">",
        "<Meta Name=\"MOD_SOCIAL\" Content=\"OFF\">",
        "<meta name=\"Mod_Social\" content=\"Off\">",
        "<meta name=\"mod_social\" content=\"off\" />",
        "<meta name=\"mod_social\" content=\"off\"/>",
        "<meta\n  name=\"mod_social\"\r\n  content=\"off\"\n>",
        "<meta charset=\"utf-8\" name=\"mod_social\" data-x=\">\" content=\"off\">",
    };
    size_t i;

    for (i = 0; i < sizeof(metas) / sizeof(metas[0]); i++) {
        event_list list;

        scan_string(metas[i], &list);
        ck_assert_msg(list.count == 1
                      && list.events[0].type == SOCIAL_SCAN_OPT_OUT,
                      "%s: expected OPT_OUT, got %d events", metas[i],
                      list.count);
        assert_event(&list, 0, SOCIAL_SCAN_OPT_OUT, 0, strlen(metas[i]));
        event_list_free(&list);
    }
}
END_TEST

START_TEST(test_other_metas_are_not_opt_out)
{
    static const char *const metas[] = {
        "<meta name=\"mod_social\" content=\"on\">",
        "<meta name=\"mod_social\" content=\"offline\">",
        "<meta name=\"mod_social\" content=\"\">",
        "<meta name=\"mod_social\">",
        "<meta name=\"description\" content=\"off\">",
        "<meta name=\"mod_socialx\" content=\"off\">",
        "<meta name=\"x mod_social\" content=\"off\">",
        "<meta content=\"off\">",
        "<meta http-equiv=\"mod_social\" content=\"off\">",
        "<meta name=\"viewport\" content=\"width=device-width\">",
        "<metax name=\"mod_social\" content=\"off\">",
        "<p name=\"mod_social\" content=\"off\">",
    };
    size_t i;

    for (i = 0; i < sizeof(metas) / sizeof(metas[0]); i++) {
        assert_no_event(metas[i]);
    }
}
END_TEST

START_TEST(test_opt_out_meta_inside_comment_or_script_is_ignored)
{
    assert_no_event("<!-- <meta name=\"mod_social\" content=\"off\"> -->");
    assert_no_event("<script>'<meta name=\"mod_social\" content=\"off\">'"
                    "</script>");
}
END_TEST

START_TEST(test_meta_longer_than_limit_is_skipped_cleanly)
{
    char doc[SOCIAL_META_MAX * 2 + 128];
    size_t n = 0;
    event_list list;

    n += (size_t)sprintf(doc, "<meta name=\"mod_social\" data-pad=\"");
    memset(doc + n, 'x', SOCIAL_META_MAX * 2);
    n += SOCIAL_META_MAX * 2;
    n += (size_t)sprintf(doc + n, "\" content=\"off\"></body>");
    scan_string(doc, &list);
    ck_assert_int_eq(list.count, 1);
    assert_event(&list, 0, SOCIAL_SCAN_BODY_END, n - 7, n);
    event_list_free(&list);
}
END_TEST

/* ---------------------------------------------------------------- */
/* hold_from                                                         */

static uint64_t hold_after(const char *doc)
{
    social_scan s;
    social_scan_event ev;
    size_t len = strlen(doc);
    size_t pos = 0;

    social_scan_init(&s);
    while (pos < len) {
        pos += social_scan_feed(&s, doc + pos, len - pos, &ev);
    }
    return social_scan_hold_from(&s);
}

START_TEST(test_hold_from_is_none_on_a_new_scanner)
{
    social_scan s;

    social_scan_init(&s);
    ck_assert_uint_eq(social_scan_hold_from(&s), SOCIAL_SCAN_NO_OFFSET);
    ck_assert_uint_eq(social_scan_offset(&s), 0);
}
END_TEST

START_TEST(test_hold_from_names_partial_body_end)
{
    ck_assert_uint_eq(hold_after("abc</bo"), 3);
    ck_assert_uint_eq(hold_after("abc<"), 3);
    ck_assert_uint_eq(hold_after("abc</"), 3);
    ck_assert_uint_eq(hold_after("abc</BODY"), 3);
    ck_assert_uint_eq(hold_after("abc</htm"), 3);
}
END_TEST

START_TEST(test_hold_from_covers_white_space_inside_end_tag)
{
    ck_assert_uint_eq(hold_after("abc</body"), 3);
    ck_assert_uint_eq(hold_after("abc</body \r\n\t"), 3);
    ck_assert_uint_eq(hold_after("<p>x</p></html  "), 8);
}
END_TEST

START_TEST(test_hold_from_releases_when_candidate_fails)
{
    char doc[SOCIAL_END_TAG_SPACE_MAX + 16];

    ck_assert_uint_eq(hold_after("abc</bx"), SOCIAL_SCAN_NO_OFFSET);
    ck_assert_uint_eq(hold_after("abc<p>"), SOCIAL_SCAN_NO_OFFSET);
    ck_assert_uint_eq(hold_after("abc</bodyx"), SOCIAL_SCAN_NO_OFFSET);
    ck_assert_uint_eq(hold_after("abc</body-x"), SOCIAL_SCAN_NO_OFFSET);
    memcpy(doc, "</body", 6);
    memset(doc + 6, ' ', SOCIAL_END_TAG_SPACE_MAX + 1);
    doc[6 + SOCIAL_END_TAG_SPACE_MAX + 1] = '\0';
    ck_assert_uint_eq(hold_after(doc), SOCIAL_SCAN_NO_OFFSET);
}
END_TEST

START_TEST(test_hold_from_is_none_after_complete_end_tag)
{
    ck_assert_uint_eq(hold_after("abc</body>"), SOCIAL_SCAN_NO_OFFSET);
    ck_assert_uint_eq(hold_after("abc</body>x"), SOCIAL_SCAN_NO_OFFSET);
    ck_assert_uint_eq(hold_after("abc</html>"), SOCIAL_SCAN_NO_OFFSET);
}
END_TEST

START_TEST(test_hold_from_moves_to_a_later_candidate)
{
    ck_assert_uint_eq(hold_after("</body>ab</bo"), 9);
    ck_assert_uint_eq(hold_after("</bx>ab</b"), 7);
}
END_TEST

START_TEST(test_hold_from_is_none_inside_comment_and_script)
{
    ck_assert_uint_eq(hold_after("<!-- </bo"), SOCIAL_SCAN_NO_OFFSET);
    ck_assert_uint_eq(hold_after("<script></bo"), SOCIAL_SCAN_NO_OFFSET);
    ck_assert_uint_eq(hold_after("<a title=\"</bo"), SOCIAL_SCAN_NO_OFFSET);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Streaming over realistic pages                                    */

static const char page_typical[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width\">\n"
    "<title>Company news</title>\n"
    "<style>body > p { color: #333 } /* </body> */</style>\n"
    "<script>document.write(\"</body></html>\"); if (a < b && c > d) {}"
    "</script>\n"
    "</head>\n"
    "<body>\n"
    "<!-- navigation </body> -->\n"
    "<p class=\"lead\" title=\"a > b\">Hello</p>\n"
    "<!--social:poll name=\"offsite\" question=\"Where?\" "
    "options=\"Lisbon|Prague|Online\"-->\n"
    "<textarea name=\"t\"></body></textarea>\n"
    "</body>\n"
    "</html>\n";

START_TEST(test_streaming_page_typical)
{
    const char *doc = page_typical;
    size_t len = strlen(doc);
    uint64_t m = offset_of(doc, "<!--social:", 0);
    event_list whole;

    assert_streaming(doc, len, &whole);
    ck_assert_int_eq(whole.count, 3);
    assert_event(&whole, 0, SOCIAL_SCAN_MARKER, m,
                 offset_of(doc, "-->", 1) + 3);
    ck_assert_str_eq(whole.events[0].text,
                     "social:poll name=\"offsite\" question=\"Where?\" "
                     "options=\"Lisbon|Prague|Online\"");
    assert_event(&whole, 1, SOCIAL_SCAN_BODY_END,
                 offset_of(doc, "</body>\n</html>", 0),
                 offset_of(doc, "</body>\n</html>", 0) + 7);
    assert_event(&whole, 2, SOCIAL_SCAN_HTML_END, len - 8, len - 1);
    assert_random_splits(doc, len, &whole);
    event_list_free(&whole);
}
END_TEST

static const char page_legacy[] =
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">\r\n"
    "<HTML>\r\n"
    "<HEAD>\r\n"
    "<META HTTP-EQUIV=\"Content-Type\" "
    "CONTENT=\"text/html; charset=ISO-8859-1\">\r\n"
    "<TITLE>Caf\xe9 cr\xe8me</TITLE>\r\n"
    "<SCRIPT TYPE=\"text/javascript\">\r\n"
    "var s = '</BODY>' + \"</HTML>\";\r\n"
    "</SCRIPT >\r\n"
    "</HEAD>\r\n"
    "<BODY BGCOLOR=\"#ffffff\">\r\n"
    "<P>Gr\xfc\xdf" "e \xa9 2024 \xab\xbb \xff\xfe</P>\r\n"
    "<TABLE BORDER=0><TR><TD ALIGN=\"right\">1 > 0</TD></TR></TABLE>\r\n"
    "<!--social:comments-->\r\n"
    "</BODY\r\n>\r\n"
    "</HTML>\r\n";

START_TEST(test_streaming_page_legacy_crlf_latin1_uppercase)
{
    const char *doc = page_legacy;
    size_t len = strlen(doc);
    uint64_t m = offset_of(doc, "<!--social:", 0);
    uint64_t b = offset_of(doc, "</BODY\r\n>", 0);
    event_list whole;

    assert_streaming(doc, len, &whole);
    ck_assert_int_eq(whole.count, 3);
    assert_event(&whole, 0, SOCIAL_SCAN_MARKER, m, m + 22);
    ck_assert_str_eq(whole.events[0].text, "social:comments");
    assert_event(&whole, 1, SOCIAL_SCAN_BODY_END, b, b + 9);
    assert_event(&whole, 2, SOCIAL_SCAN_HTML_END, len - 9, len - 2);
    assert_random_splits(doc, len, &whole);
    event_list_free(&whole);
}
END_TEST

static const char page_opt_out[] =
    "<html><head><title>Private</title>"
    "<meta name='MOD_SOCIAL' content=OFF />"
    "</head><body><p>Not for comments.</p>"
    "<!--social:poll name=ignored--></body></html>";

START_TEST(test_streaming_page_opt_out)
{
    const char *doc = page_opt_out;
    size_t len = strlen(doc);
    uint64_t meta = offset_of(doc, "<meta", 0);
    uint64_t m = offset_of(doc, "<!--social", 0);
    event_list whole;

    assert_streaming(doc, len, &whole);
    ck_assert_int_eq(whole.count, 4);
    assert_event(&whole, 0, SOCIAL_SCAN_OPT_OUT, meta,
                 offset_of(doc, "</head>", 0));
    assert_event(&whole, 1, SOCIAL_SCAN_MARKER, m, len - 14);
    assert_event(&whole, 2, SOCIAL_SCAN_BODY_END, len - 14, len - 7);
    assert_event(&whole, 3, SOCIAL_SCAN_HTML_END, len - 7, len);
    assert_random_splits(doc, len, &whole);
    event_list_free(&whole);
}
END_TEST

static const char page_tricky[] =
    "<!doctype html><html><head>\n"
    "<script>var x = \"<!--social:poll name=bad-->\";"
    " var y = \"</scripty></body>\";</script>\n"
    "<style type=\"text/css\">p::after { content: \"</body>\" }</STYLE>\n"
    "</head><body>\n"
    "<!--><!---></body><!-- -- -- > </html> -->\n"
    "<a href=\"/x\" title='1 > 0' data-x=\"</body>\">link</a>\n"
    "<img alt=\">\" src=\"x.png\"/>\n"
    "<!--social:poll\n"
    "  name=\"lunch\"\n"
    "  question=\"Pizza?\"\n"
    "  options=\"Yes|No\"\n"
    "  multiple\n"
    "-->\n"
    "<textarea></BODY></TEXTAREA></body   >\n"
    "</body>\n"
    "</html >";

START_TEST(test_streaming_page_tricky)
{
    const char *doc = page_tricky;
    size_t len = strlen(doc);
    uint64_t b1 = offset_of(doc, "<!---></body>", 0) + 6;
    uint64_t m = offset_of(doc, "<!--social:poll\n", 0);
    uint64_t b2 = offset_of(doc, "</body   >", 0);
    uint64_t b3 = offset_of(doc, "</body>\n</html >", 0);
    event_list whole;

    assert_streaming(doc, len, &whole);
    ck_assert_int_eq(whole.count, 5);
    assert_event(&whole, 0, SOCIAL_SCAN_BODY_END, b1, b1 + 7);
    assert_event(&whole, 1, SOCIAL_SCAN_MARKER, m,
                 offset_of(doc, "multiple\n-->", 0) + 12);
    ck_assert_str_eq(whole.events[1].text,
                     "social:poll\n  name=\"lunch\"\n  question=\"Pizza?\"\n"
                     "  options=\"Yes|No\"\n  multiple\n");
    assert_event(&whole, 2, SOCIAL_SCAN_BODY_END, b2, b2 + 10);
    assert_event(&whole, 3, SOCIAL_SCAN_BODY_END, b3, b3 + 7);
    assert_event(&whole, 4, SOCIAL_SCAN_HTML_END, len - 8, len);
    assert_random_splits(doc, len, &whole);
    event_list_free(&whole);
}
END_TEST

static const char page_lookalikes[] =
    "<html><body><p>a</p></bodyx></body-x><b>b</b></htmlx>"
    "<body></bod></BoDy><div></Html\t></div>< /body></bo";

START_TEST(test_streaming_page_lookalikes)
{
    const char *doc = page_lookalikes;
    size_t len = strlen(doc);
    uint64_t b = offset_of(doc, "</BoDy>", 0);
    uint64_t h = offset_of(doc, "</Html\t>", 0);
    event_list whole;

    assert_streaming(doc, len, &whole);
    ck_assert_int_eq(whole.count, 2);
    assert_event(&whole, 0, SOCIAL_SCAN_BODY_END, b, b + 7);
    assert_event(&whole, 1, SOCIAL_SCAN_HTML_END, h, h + 8);
    assert_random_splits(doc, len, &whole);
    event_list_free(&whole);
}
END_TEST

START_TEST(test_streaming_page_with_overlong_marker)
{
    char *doc = long_marker_page(SOCIAL_MARKER_MAX + 10,
                                 "<p>x</p><!--social:a--></body>\n");
    size_t len = strlen(doc);
    uint64_t bad_end = 4 + SOCIAL_MARKER_MAX + 10 + 3;
    event_list whole;

    assert_streaming(doc, len, &whole);
    ck_assert_int_eq(whole.count, 3);
    assert_event(&whole, 0, SOCIAL_SCAN_MARKER_BAD, 0, bad_end);
    assert_event(&whole, 1, SOCIAL_SCAN_MARKER, bad_end + 8, bad_end + 23);
    assert_event(&whole, 2, SOCIAL_SCAN_BODY_END, len - 8, len - 1);
    event_list_free(&whole);
    free(doc);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Marker parsing                                                    */

static void assert_attr(const social_marker *m, int i, const char *name,
                        const char *value)
{
    const social_marker_attr *a;

    ck_assert_int_lt(i, m->nattrs);
    a = &m->attrs[i];
    ck_assert_uint_eq(a->name_len, strlen(name));
    ck_assert_mem_eq(a->name, name, a->name_len);
    if (value == NULL) {
        ck_assert_ptr_null(a->value);
    }
    else {
        ck_assert_ptr_nonnull(a->value);
        ck_assert_uint_eq(a->value_len, strlen(value));
        ck_assert_mem_eq(a->value, value, a->value_len);
    }
}

static int parse(const char *text, social_marker *m)
{
    return social_marker_parse(text, strlen(text), m);
}

START_TEST(test_marker_parse_kind_and_double_quoted_attributes)
{
    const char *text = "social:poll name=\"x\" question=\"Q?\" options=\"A|B\"";
    social_marker m;

    ck_assert_int_eq(parse(text, &m), 0);
    ck_assert_uint_eq(m.kind_len, 4);
    ck_assert_ptr_eq(m.kind, text + 7);
    ck_assert_int_eq(m.nattrs, 3);
    assert_attr(&m, 0, "name", "x");
    assert_attr(&m, 1, "question", "Q?");
    assert_attr(&m, 2, "options", "A|B");
    ck_assert_ptr_eq(m.attrs[0].name, text + 12);
    ck_assert_ptr_eq(m.attrs[0].value, text + 18);
}
END_TEST

START_TEST(test_marker_parse_single_quoted_and_unquoted_values)
{
    social_marker m;

    ck_assert_int_eq(parse("social:poll name='x y' q=\"it's\" o='say \"hi\"'"
                           " n=plain opts=A|B", &m), 0);
    ck_assert_int_eq(m.nattrs, 5);
    assert_attr(&m, 0, "name", "x y");
    assert_attr(&m, 1, "q", "it's");
    assert_attr(&m, 2, "o", "say \"hi\"");
    assert_attr(&m, 3, "n", "plain");
    assert_attr(&m, 4, "opts", "A|B");
}
END_TEST

START_TEST(test_marker_parse_flag_has_null_value)
{
    social_marker m;

    ck_assert_int_eq(parse("social:poll name=x multiple closed", &m), 0);
    ck_assert_int_eq(m.nattrs, 3);
    assert_attr(&m, 0, "name", "x");
    assert_attr(&m, 1, "multiple", NULL);
    assert_attr(&m, 2, "closed", NULL);
}
END_TEST

START_TEST(test_marker_parse_empty_quoted_value_is_not_a_flag)
{
    social_marker m;

    ck_assert_int_eq(parse("social:poll a=\"\" b=''", &m), 0);
    ck_assert_int_eq(m.nattrs, 2);
    assert_attr(&m, 0, "a", "");
    assert_attr(&m, 1, "b", "");
}
END_TEST

START_TEST(test_marker_parse_values_are_kept_raw)
{
    social_marker m;

    ck_assert_int_eq(parse("social:poll q=\"Fish &amp; chips &lt;3\"", &m), 0);
    assert_attr(&m, 0, "q", "Fish &amp; chips &lt;3");
}
END_TEST

START_TEST(test_marker_parse_white_space_between_attributes)
{
    social_marker m;

    ck_assert_int_eq(parse("social:poll\n  name=\"n\"\r\n\tquestion='q'"
                           "  \n multiple \n", &m), 0);
    ck_assert_uint_eq(m.kind_len, 4);
    ck_assert_mem_eq(m.kind, "poll", 4);
    ck_assert_int_eq(m.nattrs, 3);
    assert_attr(&m, 0, "name", "n");
    assert_attr(&m, 1, "question", "q");
    assert_attr(&m, 2, "multiple", NULL);
}
END_TEST

START_TEST(test_marker_parse_kind_only)
{
    social_marker m;

    ck_assert_int_eq(parse("social:comments", &m), 0);
    ck_assert_uint_eq(m.kind_len, 8);
    ck_assert_mem_eq(m.kind, "comments", 8);
    ck_assert_int_eq(m.nattrs, 0);
    ck_assert_int_eq(parse("social:likes  \n", &m), 0);
    ck_assert_uint_eq(m.kind_len, 5);
    ck_assert_int_eq(m.nattrs, 0);
}
END_TEST

START_TEST(test_marker_parse_kind_charset_and_length)
{
    social_marker m;
    char text[64];

    ck_assert_int_eq(parse("social:poll-2_b x=1", &m), 0);
    ck_assert_uint_eq(m.kind_len, 8);
    ck_assert_mem_eq(m.kind, "poll-2_b", 8);

    strcpy(text, "social:");
    memset(text + 7, 'k', 31);
    text[38] = '\0';
    ck_assert_int_eq(parse(text, &m), 0);
    ck_assert_uint_eq(m.kind_len, 31);

    memset(text + 7, 'k', 32);
    text[39] = '\0';
    ck_assert_int_eq(parse(text, &m), -1);
}
END_TEST

START_TEST(test_marker_parse_respects_len)
{
    const char *text = "social:poll name=x GARBAGE='";
    social_marker m;

    ck_assert_int_eq(social_marker_parse(text, 18, &m), 0);
    ck_assert_int_eq(m.nattrs, 1);
    assert_attr(&m, 0, "name", "x");
    ck_assert_int_eq(social_marker_parse(text, strlen(text), &m), -1);
    ck_assert_int_eq(social_marker_parse("social:pollx", 11, &m), 0);
    ck_assert_uint_eq(m.kind_len, 4);
}
END_TEST

START_TEST(test_marker_parse_rejects_empty_kind)
{
    social_marker m;

    ck_assert_int_eq(parse("social:", &m), -1);
    ck_assert_int_eq(parse("social: poll", &m), -1);
    ck_assert_int_eq(parse("social: name=x", &m), -1);
}
END_TEST

START_TEST(test_marker_parse_rejects_bad_kind)
{
    social_marker m;

    ck_assert_int_eq(parse("social:Poll", &m), -1);
    ck_assert_int_eq(parse("social:POLL", &m), -1);
    ck_assert_int_eq(parse("social:2poll", &m), -1);
    ck_assert_int_eq(parse("social:-poll", &m), -1);
    ck_assert_int_eq(parse("social:_poll", &m), -1);
    ck_assert_int_eq(parse("social:po.ll", &m), -1);
    ck_assert_int_eq(parse("social:poll!", &m), -1);
    ck_assert_int_eq(parse("social:pollé", &m), -1);
}
END_TEST

START_TEST(test_marker_parse_rejects_missing_prefix)
{
    social_marker m;

    ck_assert_int_eq(parse("poll name=x", &m), -1);
    ck_assert_int_eq(parse("Social:poll", &m), -1);
    ck_assert_int_eq(parse("social poll", &m), -1);
    ck_assert_int_eq(parse("socal:poll", &m), -1);
    ck_assert_int_eq(parse("", &m), -1);
}
END_TEST

START_TEST(test_marker_parse_rejects_unterminated_quote)
{
    social_marker m;

    ck_assert_int_eq(parse("social:poll name=\"x", &m), -1);
    ck_assert_int_eq(parse("social:poll name='x", &m), -1);
    ck_assert_int_eq(parse("social:poll name=\"x' b=1", &m), -1);
    ck_assert_int_eq(parse("social:poll a=1 name=\"", &m), -1);
}
END_TEST

START_TEST(test_marker_parse_rejects_duplicate_attribute)
{
    social_marker m;

    ck_assert_int_eq(parse("social:poll name=a name=b", &m), -1);
    ck_assert_int_eq(parse("social:poll name=a NAME=b", &m), -1);
    ck_assert_int_eq(parse("social:poll multiple x=1 Multiple", &m), -1);
}
END_TEST

START_TEST(test_marker_parse_attribute_limit)
{
    char text[512];
    size_t n;
    int i;
    social_marker m;

    n = (size_t)sprintf(text, "social:poll");
    for (i = 0; i < SOCIAL_MARKER_ATTRS_MAX; i++) {
        n += (size_t)sprintf(text + n, " a%d=%d", i, i);
    }
    ck_assert_int_eq(social_marker_parse(text, n, &m), 0);
    ck_assert_int_eq(m.nattrs, SOCIAL_MARKER_ATTRS_MAX);
    assert_attr(&m, SOCIAL_MARKER_ATTRS_MAX - 1, "a15", "15");
    n += (size_t)sprintf(text + n, " extra");
    ck_assert_int_eq(social_marker_parse(text, n, &m), -1);
}
END_TEST

START_TEST(test_marker_parse_rejects_garbage)
{
    social_marker m;

    ck_assert_int_eq(parse("social:poll =x", &m), -1);
    ck_assert_int_eq(parse("social:poll name=x =y", &m), -1);
    ck_assert_int_eq(parse("social:poll 1a=x", &m), -1);
    ck_assert_int_eq(parse("social:poll -a=x", &m), -1);
    ck_assert_int_eq(parse("social:poll na.me=x", &m), -1);
    ck_assert_int_eq(parse("social:poll xlink:href=x", &m), -1);
    ck_assert_int_eq(parse("social:poll \"x\"", &m), -1);
    ck_assert_int_eq(parse("social:poll 'x'", &m), -1);
}
END_TEST

START_TEST(test_marker_parse_accepts_attribute_name_charset)
{
    social_marker m;

    ck_assert_int_eq(parse("social:poll _a=1 B-c_9=2 Z", &m), 0);
    ck_assert_int_eq(m.nattrs, 3);
    assert_attr(&m, 0, "_a", "1");
    assert_attr(&m, 1, "B-c_9", "2");
    assert_attr(&m, 2, "Z", NULL);
}
END_TEST

START_TEST(test_marker_attr_get_is_case_insensitive_and_exact)
{
    social_marker m;
    const social_marker_attr *a;

    ck_assert_int_eq(parse("social:poll Name=\"x\" question='Q' multiple", &m),
                     0);
    a = social_marker_attr_get(&m, "name");
    ck_assert_ptr_eq(a, &m.attrs[0]);
    ck_assert_ptr_eq(social_marker_attr_get(&m, "NAME"), &m.attrs[0]);
    ck_assert_ptr_eq(social_marker_attr_get(&m, "QUESTION"), &m.attrs[1]);
    ck_assert_ptr_eq(social_marker_attr_get(&m, "multiple"), &m.attrs[2]);
    ck_assert_ptr_null(social_marker_attr_get(&m, "nam"));
    ck_assert_ptr_null(social_marker_attr_get(&m, "names"));
    ck_assert_ptr_null(social_marker_attr_get(&m, "options"));
    ck_assert_ptr_null(social_marker_attr_get(&m, ""));
}
END_TEST

START_TEST(test_marker_is_exact_and_case_sensitive)
{
    social_marker m;

    ck_assert_int_eq(parse("social:poll name=x", &m), 0);
    ck_assert_int_ne(social_marker_is(&m, "poll"), 0);
    ck_assert_int_eq(social_marker_is(&m, "POLL"), 0);
    ck_assert_int_eq(social_marker_is(&m, "Poll"), 0);
    ck_assert_int_eq(social_marker_is(&m, "pol"), 0);
    ck_assert_int_eq(social_marker_is(&m, "polls"), 0);
    ck_assert_int_eq(social_marker_is(&m, ""), 0);
}
END_TEST

START_TEST(test_scanned_marker_text_parses)
{
    const char *doc = "<body><!--social:poll name=\"offsite\" "
                      "question=\"Where?\" options=\"Lisbon|Prague|Online\""
                      " multiple --></body>";
    event_list list;
    social_marker m;
    const social_marker_attr *a;

    scan_string(doc, &list);
    ck_assert_int_eq(list.count, 2);
    ck_assert_int_eq(list.events[0].type, SOCIAL_SCAN_MARKER);
    ck_assert_int_eq(social_marker_parse(list.events[0].text,
                                         list.events[0].text_len, &m), 0);
    ck_assert_int_ne(social_marker_is(&m, "poll"), 0);
    ck_assert_int_eq(m.nattrs, 4);
    a = social_marker_attr_get(&m, "options");
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(a->value_len, strlen("Lisbon|Prague|Online"));
    ck_assert_mem_eq(a->value, "Lisbon|Prague|Online", a->value_len);
    a = social_marker_attr_get(&m, "multiple");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_null(a->value);
    event_list_free(&list);
}
END_TEST

/* ---------------------------------------------------------------- */
/* The HTML tokenizer's raw text, script and comment states          */

/* An event doc must give: its type and the nth occurrence of needle,
 * the whole construct (its start and end). */
typedef struct {
    social_scan_event_type type;
    const char *needle;
    int nth;
} want_event;

/* doc gives exactly the events in want, whole, split at every byte and
 * one byte at a time (assert_streaming). */
static void assert_tokenized(const char *doc, const want_event *want, int n)
{
    event_list whole;
    int i;

    assert_streaming(doc, strlen(doc), &whole);
    ck_assert_msg(whole.count == n, "\"%s\": %d events, expected %d",
                  doc, whole.count, n);
    for (i = 0; i < n; i++) {
        uint64_t at = offset_of(doc, want[i].needle, want[i].nth);
        assert_event(&whole, i, want[i].type, at, at + strlen(want[i].needle));
    }
    event_list_free(&whole);
}

static const want_event body_end_only[] = {
    { SOCIAL_SCAN_BODY_END, "</body>", 1 }
};
static const want_event marker_and_body_end[] = {
    { SOCIAL_SCAN_MARKER, "<!--social:b-->", 0 },
    { SOCIAL_SCAN_BODY_END, "</body>", 1 }
};

START_TEST(test_rcdata_elements_hide_end_tags_and_markers)
{
    assert_tokenized("<title></body><!--social:a--></title><!--social:b--></body>",
                     marker_and_body_end, 2);
    assert_tokenized("<TITLE lang=en></body><!--social:a--></Title x=\"y>\">"
                     "<!--social:b--></body>", marker_and_body_end, 2);
    assert_tokenized("<textarea></body><!--social:a--></textarea ><!--social:b-->"
                     "</body>", marker_and_body_end, 2);
    assert_tokenized("<TextArea/></body><!--social:a--></TEXTAREA/><!--social:b-->"
                     "</body>", marker_and_body_end, 2);
}
END_TEST

START_TEST(test_rawtext_elements_hide_end_tags_and_markers)
{
    static const char *const names[] = {
        "style", "xmp", "iframe", "noembed", "noframes", "noscript", "STYLE",
        "Xmp", "IFRAME", "NoEmbed", "NOFRAMES", "noScript"
    };
    size_t k;

    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        char doc[256];
        snprintf(doc, sizeof(doc), "<%s a=\"1\"></body><!--social:a--><p></%s>"
                 "<!--social:b--></body>", names[k], names[k]);
        assert_tokenized(doc, marker_and_body_end, 2);
    }
}
END_TEST

START_TEST(test_raw_text_end_tag_needs_space_slash_or_gt)
{
    static const char *const names[] = {
        "title", "textarea", "style", "xmp", "iframe", "noembed", "noframes",
        "noscript", "script"
    };
    static const char *const ends[] = { ">", " >", "\t>", "\n>", "/>", " x=y>" };
    size_t k, e;

    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        for (e = 0; e < sizeof(ends) / sizeof(ends[0]); e++) {
            char doc[256];
            /* "</namex>", "</name-" and "</nam" do not end it */
            snprintf(doc, sizeof(doc), "<%s></%sx></body></%s-></body></%s"
                     "</body></%s%s<!--social:b--></body>", names[k], names[k],
                     names[k], names[k], names[k], ends[e]);
            {
                const want_event want[] = {
                    { SOCIAL_SCAN_MARKER, "<!--social:b-->", 0 },
                    { SOCIAL_SCAN_BODY_END, "</body>", 3 }
                };
                assert_tokenized(doc, want, 2);
            }
        }
    }
}
END_TEST

START_TEST(test_plaintext_hides_everything_after_it)
{
    const char *doc = "<!--social:b--><PLAINTEXT></plaintext></body>"
                      "<!--social:c--></html>";
    const want_event want[] = { { SOCIAL_SCAN_MARKER, "<!--social:b-->", 0 } };

    assert_tokenized(doc, want, 1);
}
END_TEST

START_TEST(test_raw_text_elements_in_xml_when_self_closed)
{
    event_list list;
    const char *doc = "<title/><noscript/><plaintext/></body>";
    const char *plain = "<plaintext></plaintext></body>";

    scan_pieces(doc, strlen(doc), NULL, 0, 1, &list, NULL);
    ck_assert_int_eq(list.count, 1);
    assert_event(&list, 0, SOCIAL_SCAN_BODY_END, strlen(doc) - 7, strlen(doc));
    event_list_free(&list);
    scan_pieces(plain, strlen(plain), NULL, 0, 1, &list, NULL);
    ck_assert_int_eq(list.count, 1);
    event_list_free(&list);
    /* in HTML, the self-closing slash changes nothing */
    assert_no_event("<title/></body>");
}
END_TEST

START_TEST(test_script_escaped_text_hides_end_tags_and_markers)
{
    /* "<!--" escapes the script text; its own end tag still ends it */
    assert_tokenized("<script><!--</body><!--social:a--></script>"
                     "<!--social:b--></body>", marker_and_body_end, 2);
    assert_tokenized("<script><!--//--><![CDATA[//><!--\n</body>\n//--><!]]>"
                     "</script><!--social:b--></body>", marker_and_body_end, 2);
    /* "-->" ends the escape: the text is script data again */
    assert_tokenized("<script><!-- x --></body><!--social:a--></script>"
                     "<!--social:b--></body>", marker_and_body_end, 2);
    assert_tokenized("<script><!--></body></script><!--social:b--></body>",
                     marker_and_body_end, 2);
    assert_tokenized("<script><!---></body></script><!--social:b--></body>",
                     marker_and_body_end, 2);
}
END_TEST

START_TEST(test_script_double_escaped_text_hides_script_end_tag)
{
    /* "<!--<script>": the next </script> only undoes the doubling */
    assert_tokenized("<script><!--<script></script></body><!--social:a-->"
                     "</script><!--social:b--></body>", marker_and_body_end, 2);
    assert_tokenized("<SCRIPT><!--<Script type=x></SCRIPT ></body>\n</script/>"
                     "<!--social:b--></body>", marker_and_body_end, 2);
    /* "-->" in the double escape goes straight back to script data */
    assert_tokenized("<script><!--<script>x--></body></script>"
                     "<!--social:b--></body>", marker_and_body_end, 2);
    /* other tag names neither double nor undo the escape */
    assert_tokenized("<script><!--<scripts></body></script>"
                     "<!--social:b--></body>", marker_and_body_end, 2);
    assert_tokenized("<script><!--<script></scripts></body></script></body>"
                     "</script><!--social:b--></body>",
                     (const want_event[]){
                         { SOCIAL_SCAN_MARKER, "<!--social:b-->", 0 },
                         { SOCIAL_SCAN_BODY_END, "</body>", 2 } }, 2);
}
END_TEST

START_TEST(test_comment_ends_at_dash_dash_bang_gt)
{
    const want_event marker[] = {
        { SOCIAL_SCAN_MARKER, "<!--social:a--!>", 0 },
        { SOCIAL_SCAN_BODY_END, "</body>", 0 }
    };
    const want_event both[] = { { SOCIAL_SCAN_BODY_END, "</body>", 0 } };
    event_list list;

    assert_tokenized("<!-- x --!></body><!-- </body> -->", both, 1);
    assert_tokenized("<!----!></body><!-- </body> -->", both, 1);
    /* "--!" without '>' and "-!>" do not end a comment */
    assert_tokenized("<!--!></body>--!x--></body>", body_end_only, 1);
    assert_tokenized("<!---!></body>--><!-- -!></body>--></body></body>",
                     (const want_event[]){
                         { SOCIAL_SCAN_BODY_END, "</body>", 2 },
                         { SOCIAL_SCAN_BODY_END, "</body>", 3 } }, 2);
    assert_tokenized("<!--social:a--!></body>", marker, 2);
    scan_string("<!--social:a--!>", &list);
    ck_assert_int_eq(list.count, 1);
    ck_assert_str_eq(list.events[0].text, "social:a");
    event_list_free(&list);
}
END_TEST

START_TEST(test_attribute_states_follow_tokenizer)
{
    /* '=' first in an attribute is part of its name: the quote after it
     * opens no value, so the first '>' ends the tag */
    assert_tokenized("<p =\"x></body>\"></body>",
                     (const want_event[]){
                         { SOCIAL_SCAN_BODY_END, "</body>", 0 },
                         { SOCIAL_SCAN_BODY_END, "</body>", 1 } }, 2);
    /* ... and after "a/" too, so the tag ends inside the "value" */
    assert_tokenized("<p a/=\"</body>\"></body>", body_end_only, 1);
    /* a quote inside a name or an unquoted value is literal */
    assert_tokenized("<p a\"b=c\"d></body>",
                     (const want_event[]){ { SOCIAL_SCAN_BODY_END, "</body>", 0 } },
                     1);
    /* after a quoted value, a quote starts a name, not a value */
    assert_tokenized("<p a=\"1\"\"></body>",
                     (const want_event[]){ { SOCIAL_SCAN_BODY_END, "</body>", 0 } },
                     1);
}
END_TEST

START_TEST(test_body_end_with_attributes_or_slash_is_reported)
{
    assert_single_event("x</body x>", SOCIAL_SCAN_BODY_END, 1, 10);
    assert_single_event("x</body/>", SOCIAL_SCAN_BODY_END, 1, 9);
    assert_single_event("x</BODY class=\"a>b\">", SOCIAL_SCAN_BODY_END, 1, 20);
    assert_single_event("x</html x>", SOCIAL_SCAN_HTML_END, 1, 10);
    assert_tokenized("<p></body a='</body>'></body>",
                     (const want_event[]){
                         { SOCIAL_SCAN_BODY_END, "</body a='</body>'>", 0 },
                         { SOCIAL_SCAN_BODY_END, "</body>", 1 } }, 2);
}
END_TEST

static Suite *scan_suite(void)
{
    Suite *s = suite_create("scan");
    TCase *tc;

    tc = tcase_create("end_tags");
    tcase_add_test(tc, test_body_end_lower_case_is_reported);
    tcase_add_test(tc, test_body_end_any_letter_case_is_reported);
    tcase_add_test(tc, test_body_end_with_white_space_before_gt_is_reported);
    tcase_add_test(tc, test_body_end_white_space_up_to_limit_is_accepted);
    tcase_add_test(tc, test_body_end_white_space_beyond_limit_is_not_an_end_tag);
    tcase_add_test(tc, test_html_end_any_case_and_white_space_is_reported);
    tcase_add_test(tc, test_end_tag_lookalikes_are_not_end_tags);
    tcase_add_test(tc, test_body_end_after_stray_lt_is_reported);
    tcase_add_test(tc, test_body_end_after_doctype_is_reported);
    tcase_add_test(tc, test_every_body_end_is_reported_in_order);
    suite_add_tcase(s, tc);

    tc = tcase_create("feed");
    tcase_add_test(tc, test_feed_stops_at_each_event_end);
    tcase_add_test(tc, test_feed_continues_after_event_with_rest_of_buffer);
    tcase_add_test(tc, test_feed_of_empty_buffer_consumes_nothing);
    tcase_add_test(tc, test_end_tag_split_across_buffers_has_stream_offsets);
    suite_add_tcase(s, tc);

    tc = tcase_create("raw_text");
    tcase_add_test(tc, test_body_end_inside_script_is_ignored);
    tcase_add_test(tc,
        test_body_end_inside_uppercase_script_with_attributes_is_ignored);
    tcase_add_test(tc, test_script_ends_only_at_script_end_tag);
    tcase_add_test(tc, test_body_end_inside_style_is_ignored);
    tcase_add_test(tc, test_body_end_inside_textarea_is_ignored);
    tcase_add_test(tc, test_html_end_inside_raw_text_is_ignored);
    tcase_add_test(tc, test_raw_text_end_tag_of_another_element_does_not_end_it);
    tcase_add_test(tc, test_tags_named_like_raw_text_elements_are_not_raw_text);
    tcase_add_test(tc, test_script_start_tag_with_gt_in_quoted_attribute);
    tcase_add_test(tc, test_self_closing_script_in_html_still_starts_raw_text);
    tcase_add_test(tc, test_self_closing_script_in_xml_has_no_raw_text);
    tcase_add_test(tc, test_script_in_xml_with_content_is_still_raw_text);
    suite_add_tcase(s, tc);

    tc = tcase_create("tokenizer");
    tcase_add_test(tc, test_rcdata_elements_hide_end_tags_and_markers);
    tcase_add_test(tc, test_rawtext_elements_hide_end_tags_and_markers);
    tcase_add_test(tc, test_raw_text_end_tag_needs_space_slash_or_gt);
    tcase_add_test(tc, test_plaintext_hides_everything_after_it);
    tcase_add_test(tc, test_raw_text_elements_in_xml_when_self_closed);
    tcase_add_test(tc, test_script_escaped_text_hides_end_tags_and_markers);
    tcase_add_test(tc, test_script_double_escaped_text_hides_script_end_tag);
    tcase_add_test(tc, test_comment_ends_at_dash_dash_bang_gt);
    tcase_add_test(tc, test_attribute_states_follow_tokenizer);
    tcase_add_test(tc, test_body_end_with_attributes_or_slash_is_reported);
    suite_add_tcase(s, tc);

    tc = tcase_create("comments_and_attributes");
    tcase_add_test(tc, test_body_end_inside_comment_is_ignored);
    tcase_add_test(tc, test_empty_comments_are_complete);
    tcase_add_test(tc, test_comment_ends_only_at_dash_dash_gt);
    tcase_add_test(tc, test_gt_inside_double_quoted_attribute_does_not_end_tag);
    tcase_add_test(tc, test_gt_inside_single_quoted_attribute_does_not_end_tag);
    tcase_add_test(tc, test_end_tag_inside_quoted_attribute_is_ignored);
    tcase_add_test(tc, test_other_quote_inside_quoted_attribute_is_literal);
    suite_add_tcase(s, tc);

    tc = tcase_create("markers");
    tcase_add_test(tc, test_marker_is_reported_with_text_and_offsets);
    tcase_add_test(tc, test_marker_event_text_is_nul_terminated);
    tcase_add_test(tc, test_marker_text_keeps_newlines_and_trailing_space);
    tcase_add_test(tc, test_marker_text_keeps_dash_before_comment_close);
    tcase_add_test(tc, test_marker_of_maximum_length_is_kept);
    tcase_add_test(tc, test_marker_longer_than_maximum_is_bad);
    tcase_add_test(tc, test_scanner_recovers_after_bad_marker);
    tcase_add_test(tc, test_body_end_inside_bad_marker_is_ignored);
    tcase_add_test(tc, test_ordinary_comment_gives_no_event);
    tcase_add_test(tc, test_marker_inside_script_gives_no_event);
    tcase_add_test(tc, test_marker_inside_attribute_gives_no_event);
    suite_add_tcase(s, tc);

    tc = tcase_create("opt_out");
    tcase_add_test(tc, test_opt_out_meta_is_reported);
    tcase_add_test(tc, test_opt_out_meta_in_any_spelling_is_reported);
    tcase_add_test(tc, test_other_metas_are_not_opt_out);
    tcase_add_test(tc, test_opt_out_meta_inside_comment_or_script_is_ignored);
    tcase_add_test(tc, test_meta_longer_than_limit_is_skipped_cleanly);
    suite_add_tcase(s, tc);

    tc = tcase_create("hold_from");
    tcase_add_test(tc, test_hold_from_is_none_on_a_new_scanner);
    tcase_add_test(tc, test_hold_from_names_partial_body_end);
    tcase_add_test(tc, test_hold_from_covers_white_space_inside_end_tag);
    tcase_add_test(tc, test_hold_from_releases_when_candidate_fails);
    tcase_add_test(tc, test_hold_from_is_none_after_complete_end_tag);
    tcase_add_test(tc, test_hold_from_moves_to_a_later_candidate);
    tcase_add_test(tc, test_hold_from_is_none_inside_comment_and_script);
    suite_add_tcase(s, tc);

    tc = tcase_create("streaming");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_streaming_page_typical);
    tcase_add_test(tc, test_streaming_page_legacy_crlf_latin1_uppercase);
    tcase_add_test(tc, test_streaming_page_opt_out);
    tcase_add_test(tc, test_streaming_page_tricky);
    tcase_add_test(tc, test_streaming_page_lookalikes);
    tcase_add_test(tc, test_streaming_page_with_overlong_marker);
    suite_add_tcase(s, tc);

    tc = tcase_create("marker_parse");
    tcase_add_test(tc, test_marker_parse_kind_and_double_quoted_attributes);
    tcase_add_test(tc, test_marker_parse_single_quoted_and_unquoted_values);
    tcase_add_test(tc, test_marker_parse_flag_has_null_value);
    tcase_add_test(tc, test_marker_parse_empty_quoted_value_is_not_a_flag);
    tcase_add_test(tc, test_marker_parse_values_are_kept_raw);
    tcase_add_test(tc, test_marker_parse_white_space_between_attributes);
    tcase_add_test(tc, test_marker_parse_kind_only);
    tcase_add_test(tc, test_marker_parse_kind_charset_and_length);
    tcase_add_test(tc, test_marker_parse_respects_len);
    tcase_add_test(tc, test_marker_parse_rejects_empty_kind);
    tcase_add_test(tc, test_marker_parse_rejects_bad_kind);
    tcase_add_test(tc, test_marker_parse_rejects_missing_prefix);
    tcase_add_test(tc, test_marker_parse_rejects_unterminated_quote);
    tcase_add_test(tc, test_marker_parse_rejects_duplicate_attribute);
    tcase_add_test(tc, test_marker_parse_attribute_limit);
    tcase_add_test(tc, test_marker_parse_rejects_garbage);
    tcase_add_test(tc, test_marker_parse_accepts_attribute_name_charset);
    tcase_add_test(tc, test_marker_attr_get_is_case_insensitive_and_exact);
    tcase_add_test(tc, test_marker_is_exact_and_case_sensitive);
    tcase_add_test(tc, test_scanned_marker_text_parses);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(scan_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
