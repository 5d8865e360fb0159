/* scan.h: streaming HTML scanner for the output filter.
 *
 * Pure C over byte buffers: no httpd or APR types, so it is unit-tested
 * and fuzzed on its own. The scanner sees the response as one stream of
 * bytes fed in pieces of any size (a tag may be split anywhere) and
 * reports, in stream order:
 *
 *   - every end tag </body> and </html> (any letter case; white space, a
 *     '/' or attributes before '>', up to SOCIAL_END_TAG_SPACE_MAX bytes)
 *     the HTML tokenizer sees as one: none in comments, in the RCDATA of
 *     <title> and <textarea>, in the RAWTEXT of <style>, <xmp>, <iframe>,
 *     <noembed>, <noframes> and <noscript>, in <script> (its escaped and
 *     double-escaped text included) or after <plaintext>. The filter keeps
 *     the last one as the insertion point;
 *   - every page-author marker <!--social:KIND attr="value" ...--> (or
 *     "--!>", as the tokenizer ends comments) outside those elements;
 *   - the page opt-out <meta name="mod_social" content="off">;
 *   - with a placement selector (social_scan_place()), the first start
 *     tag or comment it matches, outside the same elements.
 *
 * tests/integration/test_scan_differential.py holds this against
 * html5lib's tokenizer.
 *
 * It keeps no bytes of the page except the text of a marker, a <meta>
 * tag or a tag the placement selector may match in progress (all
 * bounded); what the filter must hold back is only what
 * social_scan_hold_from() names.
 */
#ifndef SOCIAL_SCAN_H
#define SOCIAL_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "place.h"

/* Longest marker text kept (from "social:" up to "-->"); a longer
 * social comment is reported as SOCIAL_SCAN_MARKER_BAD. */
#define SOCIAL_MARKER_MAX 4096
/* Longest <meta ...> tag examined for the opt-out. */
#define SOCIAL_META_MAX 512
/* Most bytes accepted between "</body" (or "</html") and ">": white
 * space, a '/' or attributes; a longer end tag is not reported. */
#define SOCIAL_END_TAG_SPACE_MAX 64
/* Most attributes a marker may carry. */
#define SOCIAL_MARKER_ATTRS_MAX 16

/* No offset: social_scan_hold_from() when nothing needs holding. */
#define SOCIAL_SCAN_NO_OFFSET UINT64_MAX

typedef enum {
    SOCIAL_SCAN_NONE = 0,   /* the buffer was consumed, nothing to report */
    SOCIAL_SCAN_BODY_END,   /* a </body> end tag at [start, end) */
    SOCIAL_SCAN_HTML_END,   /* a </html> end tag at [start, end) */
    SOCIAL_SCAN_MARKER,     /* <!--social:...--> at [start, end); text set */
    SOCIAL_SCAN_MARKER_BAD, /* a social comment too long to keep */
    SOCIAL_SCAN_OPT_OUT,    /* <meta name="mod_social" content="off"> */
    SOCIAL_SCAN_PLACE       /* the first start tag or comment the placement
                             * selector matches, at [start, end) */
} social_scan_event_type;

typedef struct {
    social_scan_event_type type;
    uint64_t start;   /* stream offset of the '<' that opens the construct */
    uint64_t end;     /* stream offset just past its closing '>' */
    const char *text; /* MARKER: "social:KIND ..." without "<!--" and
                       * "-->", NUL-terminated; valid until the next
                       * call on the same scanner */
    size_t text_len;
} social_scan_event;

/* The scanner state. Callers allocate it (it embeds its bounded buffers)
 * and touch it only through the functions below. */
typedef struct {
    uint64_t offset;        /* bytes consumed so far */
    uint64_t tag_start;     /* offset of the '<' of the construct in progress */
    int state;
    int substate;           /* position inside a fixed word being matched */
    int raw;                /* raw text element we are in (script, title, ...) */
    int quote;              /* quote character inside a tag, or 0 */
    int xml;                /* the document is XML: "<script/>" is empty */
    int dashes;             /* consecutive '-' seen inside a comment or script */
    int comment_bang;       /* the comment's text so far ends with "--!" */
    int comment_open;       /* the comment's text so far is empty or all '-' */
    int end_kind;           /* which end tag (body/html/raw) is being matched */
    size_t spaces;          /* bytes after the name of </body or </html */
    size_t name_len;
    char name[12];          /* start tag name in progress (lower case) */
    size_t text_len;        /* bytes kept in text[] */
    int text_overflow;
    char text[SOCIAL_MARKER_MAX + 4]; /* + the "--!" of "--!>" + NUL */
    const social_place *place;  /* the placement selector, or NULL */
    int place_done;         /* its match was reported, or it has none */
    int place_candidate;    /* the tag or comment in progress may match */
    size_t place_len;       /* bytes kept in place_text[] */
    char place_text[SOCIAL_PLACE_TAG_MAX + 1];
} social_scan;

void social_scan_init(social_scan *s);

/* Declares the document XML (application/xhtml+xml): a self-closing
 * <script/>, <style/>, <title/>, ... then has no raw text, and
 * <plaintext> is an ordinary element. */
void social_scan_xml(social_scan *s, int on);

/* Reports the first start tag or comment that place matches (it must
 * outlive the scanner; NULL: none) as SOCIAL_SCAN_PLACE, and holds back
 * a tag or comment that may still match. Call before the first feed. */
void social_scan_place(social_scan *s, const social_place *place);

/* Scan buf[0..len) from the current stream position until the first
 * event or the end of the buffer. Returns the number of bytes consumed;
 * if an event was found, *ev describes it and the bytes consumed end
 * exactly at ev->end (relative: ev->end - social_scan_offset() before the
 * call). If ev->type is SOCIAL_SCAN_NONE, all len bytes were consumed.
 * Call again with the rest of the buffer after handling the event. */
size_t social_scan_feed(social_scan *s, const char *buf, size_t len,
                        social_scan_event *ev);

/* Stream offset of the first byte that may still become part of a
 * </body> or </html> end tag (a '<' seen, the rest not yet), or of a
 * start tag or comment the placement selector may still match, or
 * SOCIAL_SCAN_NO_OFFSET. Bytes before it can be passed on at once. */
uint64_t social_scan_hold_from(const social_scan *s);

/* Bytes consumed so far. */
uint64_t social_scan_offset(const social_scan *s);

/* Nonzero if the bytes consumed so far end in ordinary content: not
 * inside a tag, a comment, or the text of <script>, <style>, <title>,
 * <textarea> and the other raw text elements (or after <plaintext>). */
int social_scan_in_content(const social_scan *s);

/* Marker text parsing: "social:KIND name="v" name='v' name=v flag".
 * KIND is [a-z][a-z0-9_-]* (at most 31 bytes); attribute names are
 * [A-Za-z_][A-Za-z0-9_-]*; values are kept raw (no entity decoding).
 * Pointers point into the parsed text. */
typedef struct {
    const char *name;
    size_t name_len;
    const char *value;   /* NULL for a flag without '=' */
    size_t value_len;
} social_marker_attr;

typedef struct {
    const char *kind;
    size_t kind_len;
    int nattrs;
    social_marker_attr attrs[SOCIAL_MARKER_ATTRS_MAX];
} social_marker;

/* Returns 0 and fills *m if text[0..len) is a well-formed marker,
 * -1 otherwise (bad kind, bad attribute syntax, unterminated quote,
 * duplicate attribute, too many attributes). */
int social_marker_parse(const char *text, size_t len, social_marker *m);

/* The attribute named name (exact, case-insensitive), or NULL. */
const social_marker_attr *social_marker_attr_get(const social_marker *m,
                                                 const char *name);

/* Nonzero if the marker is of this kind (exact, case-sensitive). */
int social_marker_is(const social_marker *m, const char *kind);

#endif /* SOCIAL_SCAN_H */
