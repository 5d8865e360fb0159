/* fuzz_scan.c: libFuzzer target for the streaming HTML scanner (scan.c).
 *
 * Input layout: byte 0 holds flags (bit 0: XML document; bit 1: place
 * before div#footer, bit 2: before <!--footer--> (SocialPlaceBefore)), bytes 1..4
 * choose the sizes of the pieces the rest is fed in (used in turn, over
 * and over), and the rest is the document. The document is scanned
 * whole and in those pieces; the two event lists must be equal, and
 * every event must describe the bytes it claims to cover. The seed files
 * in corpus/scan carry the same five header bytes before their HTML.
 *
 * Build (from the top of the tree):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *         -fno-sanitize-recover=all -I mod_social \
 *         tests/fuzz/fuzz_scan.c mod_social/core/scan.c mod_social/core/place.c \
 *         -o fuzz_scan
 *   ./fuzz_scan tests/fuzz/corpus/scan
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define HEADER_LEN 5

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            __builtin_trap();                                              \
        }                                                                  \
    } while (0)

typedef struct {
    social_scan_event_type type;
    uint64_t start;
    uint64_t end;
    size_t text_len;
} fuzz_event;

typedef struct {
    fuzz_event *events;
    size_t count;
    size_t size;
} fuzz_event_list;

static int is_white(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int same_ascii_nocase(const uint8_t *a, const char *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (lower(a[i]) != lower((unsigned char)b[i])) {
            return 0;
        }
    }
    return 1;
}

static int is_name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static int inside(const char *p, size_t n, const char *text, size_t len)
{
    return p >= text && p + n <= text + len;
}

/* An end tag "</NAME" then '>' or white space, '/' or attributes up to
 * a '>' at doc[start..end). */
static void check_end_tag(const uint8_t *doc, uint64_t start, uint64_t end,
                          const char *name)
{
    CHECK(end - start >= 7);
    CHECK(doc[start] == '<' && doc[start + 1] == '/');
    CHECK(same_ascii_nocase(doc + start + 2, name, 4));
    CHECK(doc[start + 6] == '>' || doc[start + 6] == '/'
          || is_white(doc[start + 6]));
    CHECK(doc[end - 1] == '>');
    CHECK(end - start - 7 <= SOCIAL_END_TAG_SPACE_MAX);
}

/* A comment ends with "-->" or "--!>"; returns the length of that end. */
static size_t comment_end_len(const uint8_t *doc, uint64_t end)
{
    if (memcmp(doc + end - 3, "-->", 3) == 0) {
        return 3;
    }
    CHECK(memcmp(doc + end - 4, "--!>", 4) == 0);
    return 4;
}

/* A parsed marker must point into its text and agree with the lookups. */
static void check_marker(const char *text, size_t len)
{
    static char name[SOCIAL_MARKER_MAX + 1];
    static const char *const names[] = {
        "name", "NAME", "question", "options", "multiple", "closes", "x",
    };
    social_marker m;
    size_t i;
    int k;

    if (social_marker_parse(text, len, &m) != 0) {
        return;
    }
    CHECK(len >= 8 && memcmp(text, "social:", 7) == 0);
    CHECK(m.kind == text + 7);
    CHECK(m.kind_len >= 1 && m.kind_len <= 31);
    CHECK(m.kind[0] >= 'a' && m.kind[0] <= 'z');
    for (i = 1; i < m.kind_len; i++) {
        unsigned char c = (unsigned char)m.kind[i];
        CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
              || c == '-');
    }
    memcpy(name, m.kind, m.kind_len);
    name[m.kind_len] = '\0';
    CHECK(social_marker_is(&m, name));
    name[0] = (char)(name[0] - 'a' + 'A');
    CHECK(!social_marker_is(&m, name));

    CHECK(m.nattrs >= 0 && m.nattrs <= SOCIAL_MARKER_ATTRS_MAX);
    for (k = 0; k < m.nattrs; k++) {
        const social_marker_attr *a = &m.attrs[k];

        CHECK(a->name_len >= 1 && inside(a->name, a->name_len, text, len));
        CHECK(is_name_start((unsigned char)a->name[0]));
        for (i = 1; i < a->name_len; i++) {
            CHECK(is_name_char((unsigned char)a->name[i]));
        }
        if (a->value != NULL) {
            CHECK(inside(a->value, a->value_len, text, len));
            CHECK(a->value > a->name);
        }
        /* names are unique ignoring case: the lookup finds this one */
        memcpy(name, a->name, a->name_len);
        name[a->name_len] = '\0';
        CHECK(social_marker_attr_get(&m, name) == a);
        for (i = 0; i < a->name_len; i++) {
            if (name[i] >= 'a' && name[i] <= 'z') {
                name[i] = (char)(name[i] - 'a' + 'A');
            }
        }
        CHECK(social_marker_attr_get(&m, name) == a);
    }
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const social_marker_attr *a = social_marker_attr_get(&m, names[i]);
        CHECK(a == NULL || (a >= m.attrs && a < m.attrs + m.nattrs));
    }
}

/* Every event must describe the bytes it covers. */
static void check_event(const uint8_t *doc, size_t len,
                        const social_scan_event *ev)
{
    CHECK(ev->start < ev->end);
    CHECK(ev->end <= len);
    switch (ev->type) {
    case SOCIAL_SCAN_BODY_END:
        check_end_tag(doc, ev->start, ev->end, "body");
        break;
    case SOCIAL_SCAN_HTML_END:
        check_end_tag(doc, ev->start, ev->end, "html");
        break;
    case SOCIAL_SCAN_MARKER:
        CHECK(ev->end - ev->start >= 4 + 7 + 3);
        CHECK(memcmp(doc + ev->start, "<!--social:", 11) == 0);
        CHECK(ev->text != NULL);
        CHECK(ev->text_len == ev->end - ev->start - 4
                              - comment_end_len(doc, ev->end));
        CHECK(ev->text_len <= SOCIAL_MARKER_MAX);
        CHECK(memcmp(ev->text, doc + ev->start + 4, ev->text_len) == 0);
        CHECK(ev->text[ev->text_len] == '\0');
        check_marker(ev->text, ev->text_len);
        break;
    case SOCIAL_SCAN_MARKER_BAD:
        CHECK(ev->end - ev->start > 4 + SOCIAL_MARKER_MAX + 3);
        CHECK(memcmp(doc + ev->start, "<!--social:", 11) == 0);
        CHECK(ev->end - ev->start - 4 - comment_end_len(doc, ev->end)
              > SOCIAL_MARKER_MAX);
        break;
    case SOCIAL_SCAN_OPT_OUT:
        CHECK(ev->end - ev->start >= 6);
        CHECK(doc[ev->start] == '<');
        CHECK(same_ascii_nocase(doc + ev->start + 1, "meta", 4));
        CHECK(doc[ev->end - 1] == '>');
        break;
    case SOCIAL_SCAN_PLACE:
        CHECK(doc[ev->start] == '<');
        CHECK(doc[ev->end - 1] == '>');
        CHECK(ev->end - ev->start <= SOCIAL_PLACE_TAG_MAX + 2 + 7);
        break;
    default:
        CHECK(0);
    }
}

static void list_add(fuzz_event_list *list, const social_scan_event *ev)
{
    if (list->count == list->size) {
        size_t size = list->size ? list->size * 2 : 64;
        fuzz_event *events = realloc(list->events, size * sizeof(*events));

        CHECK(events != NULL);
        list->events = events;
        list->size = size;
    }
    list->events[list->count].type = ev->type;
    list->events[list->count].start = ev->start;
    list->events[list->count].end = ev->end;
    list->events[list->count].text_len = ev->text_len;
    list->count++;
}

/* Length of the next piece from the header bytes (0 feeds an empty
 * buffer; high bit set: a large piece). */
static size_t piece_length(const uint8_t *sizes, size_t piece)
{
    uint8_t b = sizes[piece % 4];

    if (b & 0x80) {
        return ((size_t)(b & 0x7f) + 1) * 37;
    }
    return b & 0x1f;
}

static social_scan scanner;
static social_place place;

/* Feeds doc in pieces (or whole when sizes is NULL). The whole run fills
 * want; the split run compares against it as it goes. */
static void run(const uint8_t *doc, size_t len, int xml, const social_place *where,
                const uint8_t *sizes, fuzz_event_list *want)
{
    size_t pos = 0, pieces = 0, seen = 0;
    size_t candidate = 0;   /* next end-tag event of want to watch */

    social_scan_init(&scanner);
    if (xml) {
        social_scan_xml(&scanner, 1);
    }
    social_scan_place(&scanner, where);
    CHECK(social_scan_offset(&scanner) == 0);
    CHECK(social_scan_hold_from(&scanner) == SOCIAL_SCAN_NO_OFFSET);

    while (pos < len) {
        size_t stop, piece_start;
        const char *piece;
        char *copy = NULL;
        uint64_t hold;

        if (sizes == NULL) {
            stop = len;
        }
        else {
            size_t n = piece_length(sizes, pieces++);
            if (n == 0) {
                social_scan_event ev;
                CHECK(social_scan_feed(&scanner, (const char *)doc + pos, 0,
                                       &ev) == 0);
                CHECK(ev.type == SOCIAL_SCAN_NONE);
                n = 1;
            }
            stop = len - pos < n ? len : pos + n;
        }
        /* a piece of its own, so that a read past it is caught */
        piece_start = pos;
        if (sizes != NULL) {
            copy = malloc(stop - pos);
            CHECK(copy != NULL);
            memcpy(copy, doc + pos, stop - pos);
            piece = copy;
        }
        else {
            piece = (const char *)doc + pos;
        }
        while (pos < stop) {
            social_scan_event ev;
            uint64_t before = social_scan_offset(&scanner);
            size_t used;

            CHECK(before == pos);
            used = social_scan_feed(&scanner, piece + (pos - piece_start),
                                    stop - pos, &ev);
            CHECK(used <= stop - pos);
            if (ev.type == SOCIAL_SCAN_NONE) {
                CHECK(used == stop - pos);
            }
            else {
                CHECK(used > 0);
                CHECK(ev.end == before + used);
                check_event(doc, len, &ev);
                if (sizes == NULL) {
                    list_add(want, &ev);
                }
                else {
                    const fuzz_event *w;

                    CHECK(seen < want->count);
                    w = &want->events[seen++];
                    CHECK(w->type == ev.type && w->start == ev.start
                          && w->end == ev.end && w->text_len == ev.text_len);
                }
            }
            pos += used;
            CHECK(social_scan_offset(&scanner) == pos);
        }
        free(copy);
        copy = NULL;
        hold = social_scan_hold_from(&scanner);
        CHECK(hold == SOCIAL_SCAN_NO_OFFSET || hold <= pos);
        if (sizes != NULL) {
            /* while an end tag is arriving, its '<' must be held */
            while (candidate < want->count
                   && (want->events[candidate].end <= pos
                       || (want->events[candidate].type
                               != SOCIAL_SCAN_BODY_END
                           && want->events[candidate].type
                               != SOCIAL_SCAN_HTML_END
                           && want->events[candidate].type
                               != SOCIAL_SCAN_PLACE))) {
                candidate++;
            }
            if (candidate < want->count
                && want->events[candidate].start < pos) {
                CHECK(hold == want->events[candidate].start);
            }
        }
    }
    CHECK(social_scan_offset(&scanner) == len);
    if (sizes != NULL) {
        CHECK(seen == want->count);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_event_list want;
    const uint8_t *doc;
    size_t len;
    int xml;
    const social_place *where;

    if (size < HEADER_LEN) {
        return 0;
    }
    xml = data[0] & 1;
    doc = data + HEADER_LEN;
    len = size - HEADER_LEN;

    where = NULL;
    if (data[0] & 6) {
        CHECK(social_place_parse((data[0] & 4) ? "<!--footer-->" : "div#footer",
                                 &place) == NULL);
        where = &place;
    }

    want.count = 0;
    run(doc, len, xml, where, NULL, &want);
    run(doc, len, xml, where, data + 1, &want);
    if (where != NULL) {
        size_t k, places = 0;
        for (k = 0; k < want.count; k++) {
            places += want.events[k].type == SOCIAL_SCAN_PLACE;
        }
        CHECK(places <= 1);
    }

    /* the marker parser on arbitrary text too */
    check_marker((const char *)doc, len < SOCIAL_MARKER_MAX
                                        ? len : SOCIAL_MARKER_MAX);
    return 0;
}
