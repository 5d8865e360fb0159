/* scan.c: streaming HTML scanner (see scan.h).
 *
 * A byte-driven state machine that follows the WHATWG HTML tokenizer as
 * far as the output filter needs: what is markup, what is a comment, and
 * what is the text of an element the tree builder switches the tokenizer
 * for: RCDATA (<title>, <textarea>), RAWTEXT (<style>, <xmp>, <iframe>,
 * <noembed>, <noframes>, <noscript> with scripting on, as in a browser),
 * script data with its escaped and double-escaped states, and PLAINTEXT.
 * Text, comments, quoted attribute values and raw text are skipped with
 * memchr(); only tag names and the bytes around a '<' in raw text are
 * walked one by one.
 *
 * With a placement selector (place.h), the start tags and comments it
 * may match are kept, up to SOCIAL_PLACE_TAG_MAX bytes, and held back
 * (social_scan_hold_from) until their end says whether they match.
 *
 * Not followed: foreign content (<svg>, <math>), where <title>, <style>
 * and <script> are ordinary elements, and <select>, where the tree
 * builder ignores most start tags; an author's marker there is still
 * reported.
 */
#include <stddef.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scan.h"

enum {
    ST_TEXT = 0,   /* character data */
    ST_LT,         /* after '<' */
    ST_BANG,       /* after "<!" */
    ST_BANG_DASH,  /* after "<!-" */
    ST_COMMENT,    /* inside <!-- ... --> */
    ST_BOGUS,      /* <!DOCTYPE ...>, <?xml ...?>, </ 3>: skip to '>' */
    ST_END_SLASH,  /* after "</" */
    ST_END_NAME,   /* in the name of an end tag */
    ST_END_ATTRS,  /* the rest of </body ...> or </html ...>, up to '>' */
    ST_START_NAME, /* in the name of a start tag */
    ST_TAG,        /* in the attributes of a tag, up to its '>' */
    ST_RAW,        /* RCDATA or RAWTEXT of the element s->raw */
    ST_SCRIPT,     /* script data, escaped or not */
    ST_PLAINTEXT   /* after <plaintext>: text to the end */
};

/* Inside ST_TAG and ST_END_ATTRS: the tokenizer's attribute states. */
enum {
    TAG_BEFORE_NAME = 0, /* before an attribute name (also after a quoted value) */
    TAG_NAME,            /* in an attribute name */
    TAG_AFTER_NAME,      /* white space after an attribute name */
    TAG_BEFORE_VALUE,    /* after '=' */
    TAG_QUOTED,          /* in a quoted value (s->quote) */
    TAG_UNQUOTED,        /* in an unquoted value */
    TAG_SLASH            /* after '/': "/>" closes the tag itself */
};

/* Inside ST_RAW: how much of "</name" has been seen. */
enum { RAW_DATA = 0, RAW_LT, RAW_SLASH, RAW_NAME };

/* Inside ST_SCRIPT: the tokenizer's script data states. s->dashes counts
 * the '-' just seen in the escaped states; s->name_len the letters of
 * "script" matched (SCRIPT_NAME_NO once they cannot match). */
enum {
    SCRIPT_DATA = 0,   /* script data */
    SCRIPT_LT,         /* after '<' */
    SCRIPT_END,        /* after "</": matching "script" */
    SCRIPT_BANG,       /* after "<!" */
    SCRIPT_BANG_DASH,  /* after "<!-" */
    ESC,               /* escaped: after "<!--" */
    ESC_LT,            /* escaped, after '<' */
    ESC_END,           /* escaped, after "</": matching "script" */
    ESC_START,         /* escaped, after '<' and a letter: "<script" doubles */
    DESC,              /* double escaped */
    DESC_LT,           /* double escaped, after '<' */
    DESC_END           /* double escaped, after "</": "</script" undoes */
};
#define SCRIPT_NAME_NO 7

/* Inside ST_COMMENT: still matching "social:", a marker, or plain. */
enum { COMMENT_PREFIX = 0, COMMENT_MARKER, COMMENT_PLAIN };

/* Elements whose text the tokenizer does not parse as markup. */
enum {
    RAW_NONE = 0, RAW_SCRIPT, RAW_STYLE, RAW_TEXTAREA, RAW_TITLE, RAW_XMP,
    RAW_IFRAME, RAW_NOEMBED, RAW_NOFRAMES, RAW_NOSCRIPT, RAW_PLAINTEXT
};
enum { END_OTHER = 0, END_BODY, END_HTML };

/* Start tags the scanner cares about, besides the raw text elements. */
enum { TAG_PLAIN = 0, TAG_META };

static const char marker_prefix[] = "social:";
#define MARKER_PREFIX_LEN (sizeof(marker_prefix) - 1)

static const char *const raw_names[] = {
    "", "script", "style", "textarea", "title", "xmp", "iframe", "noembed",
    "noframes", "noscript", "plaintext"
};
static const unsigned char raw_name_lens[] = { 0, 6, 5, 8, 5, 3, 6, 7, 8, 8, 9 };

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* The bytes that move the attribute states, by class. */
enum { BYTE_OTHER = 0, BYTE_SPACE, BYTE_SLASH, BYTE_GT, BYTE_EQ, BYTE_QUOTE };

static const unsigned char tag_byte_class[256] = {
    [' '] = BYTE_SPACE, ['\t'] = BYTE_SPACE, ['\n'] = BYTE_SPACE,
    ['\r'] = BYTE_SPACE, ['\f'] = BYTE_SPACE, ['/'] = BYTE_SLASH,
    ['>'] = BYTE_GT, ['='] = BYTE_EQ, ['"'] = BYTE_QUOTE, ['\''] = BYTE_QUOTE
};

/* Ends a tag name, as the tokenizer's tag name states do. */
static inline int ends_name(unsigned char c)
{
    unsigned char k = tag_byte_class[c];
    return k == BYTE_SPACE || k == BYTE_SLASH || k == BYTE_GT;
}

static int name_is(const social_scan *s, const char *word)
{
    size_t n = strlen(word);
    return s->name_len == n && memcmp(s->name, word, n) == 0;
}

/* The raw text element a start tag name opens, or RAW_NONE. */
static int raw_kind(const social_scan *s)
{
    int k, first, last;

    switch (s->name_len > 0 ? s->name[0] : 0) {
    case 's': first = RAW_SCRIPT; last = RAW_STYLE; break;
    case 't': first = RAW_TEXTAREA; last = RAW_TITLE; break;
    case 'x': first = last = RAW_XMP; break;
    case 'i': first = last = RAW_IFRAME; break;
    case 'n': first = RAW_NOEMBED; last = RAW_NOSCRIPT; break;
    case 'p': first = last = RAW_PLAINTEXT; break;
    default: return RAW_NONE;
    }
    for (k = first; k <= last; k++) {
        if (s->name_len == raw_name_lens[k]
            && memcmp(s->name, raw_names[k], s->name_len) == 0) {
            return k;
        }
    }
    return RAW_NONE;
}

/* Nonzero while the end tag name read so far can still become
 * "body" or "html". */
static int end_name_is_candidate(const social_scan *s)
{
    return s->name_len <= 4
        && (memcmp(s->name, "body", s->name_len) == 0
            || memcmp(s->name, "html", s->name_len) == 0);
}

void social_scan_init(social_scan *s)
{
    /* Every field but the two buffers, which are written before they
     * are read (text_len, place_len): kilobytes not cleared per page. */
    memset(s, 0, offsetof(social_scan, text));
    s->text_len = 0;
    s->text_overflow = 0;
    s->place = NULL;
    s->place_candidate = 0;
    s->place_len = 0;
    s->state = ST_TEXT;
    s->place_done = 1;   /* no selector */
}

void social_scan_xml(social_scan *s, int on)
{
    s->xml = on ? 1 : 0;
}

int social_scan_in_content(const social_scan *s)
{
    return s->state == ST_TEXT && s->raw == RAW_NONE;
}

uint64_t social_scan_offset(const social_scan *s)
{
    return s->offset;
}

void social_scan_place(social_scan *s, const social_place *place)
{
    s->place = place;
    s->place_done = place == NULL;
    s->place_candidate = 0;
}

/* Nonzero while a comment may still be the placement point. */
static int place_wants_comment(const social_scan *s)
{
    return !s->place_done && s->place->kind == SOCIAL_PLACE_COMMENT;
}

/* Keeps n more bytes of the candidate tag or comment; a candidate too
 * long to examine is no candidate. */
static void place_append(social_scan *s, const char *p, size_t n)
{
    if (s->place_len + n > SOCIAL_PLACE_TAG_MAX) {
        s->place_candidate = 0;
        return;
    }
    memcpy(s->place_text + s->place_len, p, n);
    s->place_len += n;
}

/* One byte of a start tag's name: lower case, kept while the name may
 * still be the selector's. */
static void place_name_byte(social_scan *s, unsigned char c)
{
    char l = (char)lower(c);

    place_append(s, &l, 1);
    if (s->place_candidate
        && !social_place_name_may_match(s->place, s->place_text, s->place_len)) {
        s->place_candidate = 0;
    }
}

uint64_t social_scan_hold_from(const social_scan *s)
{
    switch (s->state) {
    case ST_LT:
    case ST_END_SLASH:
    case ST_END_ATTRS:
        return s->tag_start;
    case ST_BANG:
    case ST_BANG_DASH:
        return s->place != NULL && place_wants_comment(s) ? s->tag_start
                                                          : SOCIAL_SCAN_NO_OFFSET;
    case ST_START_NAME:
    case ST_TAG:
    case ST_COMMENT:
        return s->place_candidate ? s->tag_start : SOCIAL_SCAN_NO_OFFSET;
    case ST_END_NAME:
        return end_name_is_candidate(s) ? s->tag_start : SOCIAL_SCAN_NO_OFFSET;
    default:
        return SOCIAL_SCAN_NO_OFFSET;
    }
}

static void text_append(social_scan *s, const char *p, size_t n, size_t max)
{
    if (s->text_overflow) {
        return;
    }
    if (s->text_len + n > max) {
        s->text_overflow = 1;
        return;
    }
    memcpy(s->text + s->text_len, p, n);
    s->text_len += n;
}

/* Follows the end of a comment's text through buf[0..n): s->dashes is the
 * run of '-' it ends with, s->comment_bang whether it ends with "--!",
 * s->comment_open whether it is empty or all dashes so far ("<!-->" and
 * "<!--->" are complete comments). Then a '>' closes the comment if
 * s->dashes >= 2, s->comment_bang or s->comment_open. */
static void comment_tail(social_scan *s, const char *buf, size_t n)
{
    size_t k = 0;

    if (n == 0) {
        return;
    }
    while (k < n && buf[n - 1 - k] == '-') {
        k++;
    }
    if (k == n) {
        s->dashes += (int)k;
        s->comment_bang = 0;
        return;
    }
    s->comment_open = 0;
    s->comment_bang = 0;
    if (k == 0 && buf[n - 1] == '!') {
        size_t d = 0;
        int before;
        while (d < n - 1 && buf[n - 2 - d] == '-') {
            d++;
        }
        before = (d == n - 1) ? s->dashes + (int)d : (int)d;
        s->comment_bang = before >= 2;
    }
    s->dashes = (int)k;
}

/* <meta ...> with name="mod_social" and content="off"? The tag's
 * attribute text (after the name) is in s->text. */
static int meta_is_opt_out(const social_scan *s);

#define TAG_END 7   /* the tag's closing '>' */

/* The tokenizer's attribute states: next state by state and byte class.
 * A quote counts only where a value starts; '=' first in an attribute is
 * part of its name; TAG_QUOTED is left by its own quote only. */
static const unsigned char tag_next[7][6] = {
    /*                    other             space             '/'         '>'      '='               quote */
    [TAG_BEFORE_NAME]  = { TAG_NAME,         TAG_BEFORE_NAME,  TAG_SLASH,    TAG_END, TAG_NAME,         TAG_NAME },
    [TAG_NAME]         = { TAG_NAME,         TAG_AFTER_NAME,   TAG_SLASH,    TAG_END, TAG_BEFORE_VALUE, TAG_NAME },
    [TAG_AFTER_NAME]   = { TAG_NAME,         TAG_AFTER_NAME,   TAG_SLASH,    TAG_END, TAG_BEFORE_VALUE, TAG_NAME },
    [TAG_BEFORE_VALUE] = { TAG_UNQUOTED,     TAG_BEFORE_VALUE, TAG_UNQUOTED, TAG_END, TAG_UNQUOTED,     TAG_QUOTED },
    [TAG_QUOTED]       = { TAG_QUOTED,       TAG_QUOTED,       TAG_QUOTED,   TAG_QUOTED, TAG_QUOTED,    TAG_QUOTED },
    [TAG_UNQUOTED]     = { TAG_UNQUOTED,     TAG_BEFORE_NAME,  TAG_UNQUOTED, TAG_END, TAG_UNQUOTED,     TAG_UNQUOTED },
    [TAG_SLASH]        = { TAG_NAME,         TAG_BEFORE_NAME,  TAG_SLASH,    TAG_END, TAG_NAME,         TAG_NAME },
};

/* One byte of a tag after its name; returns 1 at the tag's closing '>'
 * (the state stays as it was before it: TAG_SLASH for "/>"). */
static int tag_byte(social_scan *s, unsigned char c)
{
    unsigned char next;

    if (s->substate == TAG_QUOTED) {
        if (c == (unsigned char)s->quote) {
            s->substate = TAG_BEFORE_NAME;
        }
        return 0;
    }
    next = tag_next[s->substate][tag_byte_class[c]];
    if (next == TAG_END) {
        return 1;
    }
    if (next == TAG_QUOTED) {
        s->quote = (char)c;
    }
    s->substate = next;
    return 0;
}

/* Finishes a start tag at its '>': enters raw text, or reports whether
 * the tag was the opt-out <meta>. */
static int start_tag_end(social_scan *s)
{
    int opt_out = 0;

    if (s->end_kind == TAG_META) {
        if (s->text_len > 0) {
            s->text_len--;   /* drop the '>' */
        }
        opt_out = !s->text_overflow && meta_is_opt_out(s);
    }
    if (s->xml && (s->substate == TAG_SLASH || s->raw == RAW_PLAINTEXT)) {
        s->raw = RAW_NONE;   /* <script src="a.js"/> closes itself in XML */
    }
    s->state = s->raw == RAW_NONE ? ST_TEXT
             : s->raw == RAW_SCRIPT ? ST_SCRIPT
             : s->raw == RAW_PLAINTEXT ? ST_PLAINTEXT : ST_RAW;
    s->substate = 0;
    s->end_kind = END_OTHER;
    return opt_out;
}

/* Leaves raw text at an end tag's name: the rest is an ordinary tag. */
static void raw_leave(social_scan *s)
{
    s->raw = RAW_NONE;
    s->state = ST_TAG;
    s->substate = TAG_BEFORE_NAME;
    s->end_kind = TAG_PLAIN;
}

/* Matches one byte of "script" after "</" or '<' in script data;
 * s->name_len counts the letters matched or is SCRIPT_NAME_NO. */
static void script_name_byte(social_scan *s, unsigned char c)
{
    if (s->name_len < 6 && lower(c) == (unsigned char)"script"[s->name_len]) {
        s->name_len++;
    }
    else {
        s->name_len = SCRIPT_NAME_NO;
    }
}

/* Script data from buf[i]: the tokenizer's script states, escaped
 * "<!-- ... -->" and double-escaped "<!--<script> ... </script>" text
 * included. Returns the bytes consumed; leaves the state at the end of
 * the buffer or, at "</script" in the right state, at ST_TAG without
 * consuming the byte after the name. */
static size_t script_feed(social_scan *s, const char *buf, size_t i, size_t len)
{
    while (i < len) {
        unsigned char c = (unsigned char)buf[i];

        switch (s->substate) {
        case SCRIPT_DATA: {
            const char *lt = memchr(buf + i, '<', len - i);
            if (lt == NULL) {
                return len;
            }
            i = (size_t)(lt - buf) + 1;
            s->substate = SCRIPT_LT;
            break;
        }
        case SCRIPT_LT:
            if (c == '/') {
                s->substate = SCRIPT_END;
                s->name_len = 0;
                i++;
            }
            else if (c == '!') {
                s->substate = SCRIPT_BANG;
                i++;
            }
            else {
                s->substate = SCRIPT_DATA;   /* this byte may be '<' */
            }
            break;
        case SCRIPT_BANG:
        case SCRIPT_BANG_DASH:
            if (c != '-') {
                s->substate = SCRIPT_DATA;
                break;
            }
            i++;
            if (s->substate == SCRIPT_BANG) {
                s->substate = SCRIPT_BANG_DASH;
            }
            else {
                s->substate = ESC;   /* "<!--": escaped, "-->" undoes it */
                s->dashes = 2;
            }
            break;
        case SCRIPT_END:
        case ESC_END:
            if (s->name_len == 6 && ends_name(c)) {
                raw_leave(s);
                return i;   /* ST_TAG sees this byte again */
            }
            if (s->name_len < 6
                && lower(c) == (unsigned char)"script"[s->name_len]) {
                s->name_len++;
                i++;
                break;
            }
            s->substate = s->substate == SCRIPT_END ? SCRIPT_DATA : ESC;
            s->dashes = 0;
            break;
        case ESC:
        case DESC:
            if (s->dashes == 0) {
                /* Nothing matters here but '-' and '<'. */
                while (i < len && buf[i] != '-' && buf[i] != '<') {
                    i++;
                }
                if (i == len) {
                    return len;
                }
                c = (unsigned char)buf[i];
            }
            i++;
            if (c == '-') {
                s->dashes++;
            }
            else if (c == '<') {
                s->substate = s->substate == ESC ? ESC_LT : DESC_LT;
                s->dashes = 0;
            }
            else if (c == '>' && s->dashes >= 2) {
                s->substate = SCRIPT_DATA;   /* "-->" */
                s->dashes = 0;
            }
            else {
                s->dashes = 0;
            }
            break;
        case ESC_LT:
            if (c == '/') {
                s->substate = ESC_END;
                s->name_len = 0;
                i++;
            }
            else if (is_alpha(c)) {
                s->substate = ESC_START;
                s->name_len = 0;
                script_name_byte(s, c);
                i++;
            }
            else {
                s->substate = ESC;
            }
            break;
        case DESC_LT:
            if (c == '/') {
                s->substate = DESC_END;
                s->name_len = 0;
                i++;
            }
            else {
                s->substate = DESC;
            }
            break;
        case ESC_START:
        case DESC_END:
            if (is_alpha(c)) {
                script_name_byte(s, c);
                i++;
                break;
            }
            if (ends_name(c)) {
                /* "<script" doubles the escape, "</script" undoes that;
                 * any other name leaves the state as it was. */
                int matched = s->name_len == 6;
                if (s->substate == ESC_START) {
                    s->substate = matched ? DESC : ESC;
                }
                else {
                    s->substate = matched ? ESC : DESC;
                }
                i++;
            }
            else {
                s->substate = s->substate == ESC_START ? ESC : DESC;
            }
            break;
        default:
            s->substate = SCRIPT_DATA;
            break;
        }
    }
    return i;
}

static void event_set(social_scan *s, social_scan_event *ev,
                      social_scan_event_type type, uint64_t end)
{
    ev->type = type;
    ev->start = s->tag_start;
    ev->end = end;
    ev->text = NULL;
    ev->text_len = 0;
}

/* Reports the end tag </body ...> or </html ...> that ends at buf[i - 1]. */
static size_t end_tag_event(social_scan *s, social_scan_event *ev, size_t i)
{
    s->state = ST_TEXT;
    event_set(s, ev, s->end_kind == END_BODY
              ? SOCIAL_SCAN_BODY_END : SOCIAL_SCAN_HTML_END, s->offset + i);
    s->end_kind = END_OTHER;
    s->offset += i;
    return i;
}

/* At the end of a comment that may be the placement point: does its
 * text (kept with the "--" or "--!" that ends it) match? */
static int place_comment_end(social_scan *s)
{
    size_t strip = s->comment_bang ? 3 : 2;
    size_t n = s->comment_open || s->place_len < strip ? 0 : s->place_len - strip;
    int matched = social_place_comment_matches(s->place, s->place_text, n);

    s->place_candidate = 0;
    if (matched) {
        s->place_done = 1;
    }
    return matched;
}

/* ---- the fast path: ordinary markup between text ---- */

/* The first c in buf[i, len), or NULL: memchr without the call for the
 * short runs between tags (16 bytes at a time where SSE2 is there, as on
 * every x86-64), memchr itself past the first 64 bytes. */
static inline const char *find_byte(const char *buf, size_t i, size_t len, char c)
{
    size_t stop = len - i > 64 ? i + 64 : len;
#ifdef __SSE2__
    const __m128i want = _mm_set1_epi8(c);

    for (; i + 16 <= stop; i += 16) {
        __m128i chunk = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, want));
        if (mask != 0) {
            return buf + i + (size_t)__builtin_ctz(mask);
        }
    }
#endif
    for (; i < stop; i++) {
        if (buf[i] == c) {
            return buf + i;
        }
    }
    return i < len ? memchr(buf + i, c, len - i) : NULL;
}

/* First letters of the start tag names that matter (start_name_matters). */
static const unsigned char name_may_matter[256] = {
    ['s'] = 1, ['t'] = 1, ['x'] = 1, ['i'] = 1, ['n'] = 1, ['p'] = 1, ['m'] = 1,
    ['S'] = 1, ['T'] = 1, ['X'] = 1, ['I'] = 1, ['N'] = 1, ['P'] = 1, ['M'] = 1
};

/* Nonzero when the start tag name p[0..n) (any letter case) is one the
 * scanner must look at: a raw text element or <meta>. */
static int start_name_matters(const char *p, size_t n)
{
    int k;

    if (n < 3 || n > 9 || !name_may_matter[(unsigned char)p[0]]) {
        return 0;
    }
    if (n == 4 && (p[0] | 0x20) == 'm') {
        return (p[1] | 0x20) == 'e' && (p[2] | 0x20) == 't' && (p[3] | 0x20) == 'a';
    }
    for (k = RAW_SCRIPT; k <= RAW_PLAINTEXT; k++) {
        size_t m;

        if (raw_name_lens[k] != n || raw_names[k][0] != (char)lower((unsigned char)p[0])) {
            continue;
        }
        for (m = 1; m < n && raw_names[k][m] == (char)lower((unsigned char)p[m]); m++) {
        }
        if (m == n) {
            return 1;
        }
    }
    return 0;
}

/* Nonzero when the end tag name p[0..n) is </body> or </html>. */
static int end_name_matters(const char *p, size_t n)
{
    char w[4];
    size_t m;

    if (n != 4) {
        return 0;
    }
    for (m = 0; m < 4; m++) {
        w[m] = (char)lower((unsigned char)p[m]);
    }
    return memcmp(w, "body", 4) == 0 || memcmp(w, "html", 4) == 0;
}

/* From buf[i] in the attributes of a tag (its name's end), the index just
 * past the '>' that closes it, or 0 when the buffer ends first: the
 * attribute states of tag_next, quoted values skipped with memchr. */
static size_t tag_skip(const char *buf, size_t i, size_t len)
{
    unsigned char sub = TAG_BEFORE_NAME;

    while (i < len) {
        unsigned char next;

        /* The common shape, name="value" after white space: the name's
         * bytes in a tight loop, the value by its closing quote. */
        if (sub == TAG_BEFORE_NAME && tag_byte_class[(unsigned char)buf[i]] == BYTE_OTHER) {
            size_t j = i + 1;

            while (j < len && tag_byte_class[(unsigned char)buf[j]] == BYTE_OTHER) {
                j++;
            }
            if (j + 1 < len && buf[j] == '=' && (buf[j + 1] == '"' || buf[j + 1] == '\'')) {
                const char *q = find_byte(buf, j + 2, len, buf[j + 1]);
                if (q == NULL) {
                    return 0;
                }
                i = (size_t)(q - buf) + 1;
                continue;   /* TAG_BEFORE_NAME after a quoted value */
            }
            i = j;
            sub = TAG_NAME;
            continue;
        }
        next = tag_next[sub][tag_byte_class[(unsigned char)buf[i]]];

        if (next == TAG_QUOTED) {
            const char *q = find_byte(buf, i + 1, len, buf[i]);
            if (q == NULL) {
                return 0;
            }
            i = (size_t)(q - buf) + 1;
            sub = TAG_BEFORE_NAME;
            continue;
        }
        if (next == TAG_END) {
            return i + 1;
        }
        sub = next;
        i++;
    }
    return 0;
}

/* Text and the start and end tags that change nothing for the filter,
 * from buf[i] on, without a round of the state machine per construct:
 * returns where the state machine takes over, at the '<' of anything
 * else (a comment, a raw text element, <meta>, </body>, </html>, a tag
 * the buffer cuts) with the state ST_LT set, or len in ST_TEXT. Only
 * while no placement may match a start tag: the machine keeps those. */
static size_t text_fast(social_scan *s, const char *buf, size_t i, size_t len)
{
    while (i < len) {
        const char *lt = find_byte(buf, i, len, '<');
        size_t j, n, end;
        int is_end;

        if (lt == NULL) {
            return len;
        }
        i = (size_t)(lt - buf);
        s->tag_start = s->offset + i;
        j = i + 1;
        if (j == len) {
            break;
        }
        is_end = buf[j] == '/';
        if (is_end) {
            j++;
            if (j == len) {
                break;
            }
        }
        if (!is_alpha((unsigned char)buf[j])) {
            if (is_end || buf[j] == '!' || buf[j] == '?') {
                break;
            }
            i = j;   /* "<" then text, or another '<' */
            continue;
        }
        for (n = j + 1; n < len && !ends_name((unsigned char)buf[n]); n++) {
        }
        if (n == len || (is_end ? end_name_matters(buf + j, n - j)
                                : start_name_matters(buf + j, n - j))) {
            break;
        }
        end = tag_skip(buf, n, len);
        if (end == 0) {
            break;
        }
        i = end;
    }
    if (i >= len) {
        return len;
    }
    s->state = ST_LT;
    s->place_candidate = 0;
    return i + 1;
}

size_t social_scan_feed(social_scan *s, const char *buf, size_t len,
                        social_scan_event *ev)
{
    size_t i = 0;

    ev->type = SOCIAL_SCAN_NONE;
    while (i < len) {
        unsigned char c = (unsigned char)buf[i];

        switch (s->state) {
        case ST_TEXT: {
            const char *lt;

            if (s->place_done || s->place->kind != SOCIAL_PLACE_TAG) {
                i = text_fast(s, buf, i, len);
                break;
            }
            lt = memchr(buf + i, '<', len - i);
            if (lt == NULL) {
                i = len;
                break;
            }
            i = (size_t)(lt - buf);
            s->tag_start = s->offset + i;
            s->state = ST_LT;
            s->place_candidate = 0;
            i++;
            break;
        }
        case ST_LT:
            if (c == '!') {
                s->state = ST_BANG;
            }
            else if (c == '/') {
                s->state = ST_END_SLASH;
            }
            else if (is_alpha(c)) {
                s->state = ST_START_NAME;
                s->name_len = 0;
                s->name[s->name_len++] = (char)lower(c);
                if (!s->place_done && s->place->kind == SOCIAL_PLACE_TAG) {
                    s->place_candidate = 1;
                    s->place_len = 0;
                    place_name_byte(s, c);
                }
            }
            else if (c == '?') {
                s->state = ST_BOGUS;
            }
            else if (c == '<') {
                s->tag_start = s->offset + i;
            }
            else {
                s->state = ST_TEXT;
            }
            i++;
            break;
        case ST_BANG:
            s->state = (c == '-') ? ST_BANG_DASH : ST_BOGUS;
            if (c == '>') {
                s->state = ST_TEXT;
            }
            i++;
            break;
        case ST_BANG_DASH:
            if (c == '-') {
                s->state = ST_COMMENT;
                s->substate = COMMENT_PREFIX;
                s->name_len = 0;   /* bytes of "social:" matched */
                s->dashes = 0;
                s->comment_open = 1;
                s->comment_bang = 0;
                s->text_len = 0;
                s->text_overflow = 0;
                s->place_candidate = !s->place_done && place_wants_comment(s);
                s->place_len = 0;
                i++;
            }
            else {
                s->state = ST_BOGUS;   /* do not consume: it may be '>' */
            }
            break;
        case ST_COMMENT: {
            const char *gt;
            size_t j, piece, strip;

            if (s->substate == COMMENT_PREFIX) {
                if (c == (unsigned char)marker_prefix[s->name_len]) {
                    if (s->place_candidate) {
                        place_append(s, buf + i, 1);
                    }
                    s->name_len++;
                    s->dashes = 0;
                    s->comment_open = 0;
                    i++;
                    if (s->name_len == MARKER_PREFIX_LEN) {
                        s->substate = COMMENT_MARKER;
                        text_append(s, marker_prefix, MARKER_PREFIX_LEN,
                                    SOCIAL_MARKER_MAX + 3);
                    }
                    break;
                }
                s->substate = COMMENT_PLAIN;
            }
            gt = memchr(buf + i, '>', len - i);
            j = gt ? (size_t)(gt - buf) : len;
            piece = j - i;
            if (s->substate == COMMENT_MARKER) {
                /* Keep three bytes more than the limit: the "--!" of "--!>". */
                text_append(s, buf + i, piece, SOCIAL_MARKER_MAX + 3);
            }
            if (s->place_candidate) {
                place_append(s, buf + i, piece);
            }
            comment_tail(s, buf + i, piece);
            if (gt == NULL) {
                i = len;
                break;
            }
            i = j + 1;
            if (s->dashes < 2 && !s->comment_bang && !s->comment_open) {
                if (s->substate == COMMENT_MARKER) {
                    text_append(s, ">", 1, SOCIAL_MARKER_MAX + 3);
                }
                if (s->place_candidate) {
                    place_append(s, ">", 1);
                }
                s->dashes = 0;
                s->comment_bang = 0;
                break;
            }
            /* The comment ends at buf[j]. */
            s->state = ST_TEXT;
            if (s->substate == COMMENT_MARKER) {
                strip = s->comment_bang ? 3 : 2;
                event_set(s, ev, SOCIAL_SCAN_MARKER, s->offset + i);
                if (s->text_overflow || s->text_len < MARKER_PREFIX_LEN + strip
                    || s->text_len - strip > SOCIAL_MARKER_MAX) {
                    ev->type = SOCIAL_SCAN_MARKER_BAD;
                }
                else {
                    s->text_len -= strip;
                    s->text[s->text_len] = '\0';
                    ev->text = s->text;
                    ev->text_len = s->text_len;
                }
                s->offset += i;
                return i;
            }
            if (s->place_candidate && place_comment_end(s)) {
                event_set(s, ev, SOCIAL_SCAN_PLACE, s->offset + i);
                s->offset += i;
                return i;
            }
            break;
        }
        case ST_BOGUS: {
            const char *gt = memchr(buf + i, '>', len - i);
            if (gt == NULL) {
                i = len;
                break;
            }
            i = (size_t)(gt - buf) + 1;
            s->state = ST_TEXT;
            break;
        }
        case ST_END_SLASH:
            if (is_alpha(c)) {
                s->state = ST_END_NAME;
                s->name_len = 0;
                s->name[s->name_len++] = (char)lower(c);
                i++;
            }
            else if (c == '>') {
                s->state = ST_TEXT;   /* "</>" is ignored */
                i++;
            }
            else {
                s->state = ST_BOGUS;
            }
            break;
        case ST_END_NAME:
            if (ends_name(c)) {
                s->end_kind = name_is(s, "body") ? END_BODY
                            : name_is(s, "html") ? END_HTML : END_OTHER;
                if (s->end_kind != END_OTHER && c == '>') {
                    return end_tag_event(s, ev, i + 1);
                }
                s->state = s->end_kind != END_OTHER ? ST_END_ATTRS : ST_TAG;
                s->substate = TAG_BEFORE_NAME;
                s->spaces = 0;
                if (s->end_kind == END_OTHER) {
                    s->end_kind = TAG_PLAIN;
                }
                break;   /* the tag's state sees this byte again */
            }
            if (s->name_len < sizeof(s->name)) {
                s->name[s->name_len++] = (char)lower(c);
            }
            else {
                s->name_len = sizeof(s->name);   /* too long to matter */
                s->name[0] = '\0';
            }
            i++;
            break;
        case ST_END_ATTRS:
            /* </body ...>: white space, a '/', even attributes, as the
             * tokenizer allows, but only so many bytes of them. */
            i++;
            if (tag_byte(s, c)) {
                return end_tag_event(s, ev, i);
            }
            if (++s->spaces > SOCIAL_END_TAG_SPACE_MAX) {
                s->state = ST_TAG;
                s->end_kind = TAG_PLAIN;
            }
            break;
        case ST_START_NAME:
            if (ends_name(c)) {
                if (s->place_candidate && s->place->name_len != 0
                    && s->place_len != s->place->name_len) {
                    s->place_candidate = 0;
                }
                s->raw = raw_kind(s);
                s->end_kind = name_is(s, "meta") ? TAG_META : TAG_PLAIN;
                s->text_len = 0;
                s->text_overflow = 0;
                s->state = ST_TAG;
                s->substate = TAG_BEFORE_NAME;
                break;   /* ST_TAG sees this byte again */
            }
            if (s->name_len < sizeof(s->name)) {
                s->name[s->name_len++] = (char)lower(c);
            }
            else {
                s->name[0] = '\0';
            }
            if (s->place_candidate) {
                place_name_byte(s, c);
            }
            i++;
            /* The rest of the name without a round of the outer loop each
             * (when no placement is matching it). */
            while (!s->place_candidate && i < len && !ends_name((unsigned char)buf[i])) {
                if (s->name_len < sizeof(s->name)) {
                    s->name[s->name_len++] = (char)lower((unsigned char)buf[i]);
                }
                else {
                    s->name[0] = '\0';
                }
                i++;
            }
            break;
        case ST_TAG:
            if (s->substate == TAG_QUOTED) {
                /* Skip the value up to its closing quote at once. */
                const char *q = memchr(buf + i, s->quote, len - i);
                size_t j = q ? (size_t)(q - buf) + 1 : len;
                if (s->end_kind == TAG_META) {
                    text_append(s, buf + i, j - i, SOCIAL_META_MAX);
                }
                if (s->place_candidate) {
                    place_append(s, buf + i, j - i);
                }
                if (q != NULL) {
                    s->substate = TAG_BEFORE_NAME;
                }
                i = j;
                break;
            }
            if (s->end_kind != TAG_META && !s->place_candidate) {
                /* Most tags: nothing to keep of them, only their end to
                 * find. The bytes up to the '>' that ends the tag go by
                 * here, quoted values with memchr, without a round of
                 * the outer loop each (the same steps as tag_byte). */
                unsigned char sub = s->substate;
                size_t j = i;

                while (j < len) {
                    unsigned char next;

                    if (sub == TAG_QUOTED) {
                        const char *q = memchr(buf + j, s->quote, len - j);
                        if (q == NULL) {
                            j = len;
                            break;
                        }
                        j = (size_t)(q - buf) + 1;
                        sub = TAG_BEFORE_NAME;
                        continue;
                    }
                    next = tag_next[sub][tag_byte_class[(unsigned char)buf[j]]];
                    if (next == TAG_END) {
                        break;   /* the '>' itself: below */
                    }
                    if (next == TAG_QUOTED) {
                        s->quote = buf[j];
                    }
                    sub = (unsigned char)next;
                    j++;
                }
                if (j > i) {
                    s->substate = sub;
                    i = j;
                    break;   /* the outer loop sees the '>' (or the next piece) */
                }
            }
            if (s->end_kind == TAG_META) {
                text_append(s, buf + i, 1, SOCIAL_META_MAX);
            }
            i++;
            if (tag_byte(s, c)) {
                int placed = s->place_candidate
                    && social_place_tag_matches(s->place, s->place_text, s->place_len);

                s->place_candidate = 0;
                if (start_tag_end(s)) {
                    event_set(s, ev, SOCIAL_SCAN_OPT_OUT, s->offset + i);
                    s->offset += i;
                    return i;
                }
                if (placed) {
                    s->place_done = 1;
                    event_set(s, ev, SOCIAL_SCAN_PLACE, s->offset + i);
                    s->offset += i;
                    return i;
                }
            }
            else if (s->place_candidate) {
                place_append(s, buf + i - 1, 1);
            }
            break;
        case ST_RAW:
            if (s->substate == RAW_DATA) {
                const char *lt = memchr(buf + i, '<', len - i);
                if (lt == NULL) {
                    i = len;
                    break;
                }
                i = (size_t)(lt - buf) + 1;
                s->substate = RAW_LT;
                break;
            }
            if (s->substate == RAW_LT) {
                s->substate = (c == '/') ? RAW_SLASH : RAW_DATA;
                s->name_len = 0;
                if (c == '/') {
                    i++;
                }
                break;   /* RAW_DATA sees a '<' again */
            }
            if (s->name_len < raw_name_lens[s->raw]) {
                if (lower(c) == (unsigned char)raw_names[s->raw][s->name_len]) {
                    s->name_len++;
                    s->substate = RAW_NAME;
                    i++;
                }
                else {
                    s->substate = RAW_DATA;   /* this byte may be '<' */
                }
                break;
            }
            if (ends_name(c)) {
                raw_leave(s);
                break;   /* ST_TAG sees this byte again */
            }
            s->substate = RAW_DATA;
            break;
        case ST_SCRIPT:
            i = script_feed(s, buf, i, len);
            break;
        case ST_PLAINTEXT:
            i = len;
            break;
        default:
            s->state = ST_TEXT;
            break;
        }
    }
    s->offset += len;
    return len;
}

/* ---- attribute lists, shared by markers and <meta> ---- */

static int is_name_start(unsigned char c)
{
    return is_alpha(c) || c == '_';
}

static int is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static int is_unquoted_char(unsigned char c)
{
    return !is_space(c) && c != '"' && c != '\'' && c != '<' && c != '>'
        && c != '=' && c != '`';
}

static int attr_name_eq(const social_marker_attr *a, const char *name,
                        size_t len)
{
    size_t k;
    if (a->name_len != len) {
        return 0;
    }
    for (k = 0; k < len; k++) {
        if (lower((unsigned char)a->name[k]) != lower((unsigned char)name[k])) {
            return 0;
        }
    }
    return 1;
}

/* Parses name[=value] pairs from p to end into attrs; a '/' is accepted
 * as a separator when slash_ok (the "/>" of an XHTML <meta />). */
static int attrs_parse(const char *p, const char *end, int slash_ok,
                       social_marker_attr *attrs, int *nattrs)
{
    int n = 0, k;

    for (;;) {
        social_marker_attr a;

        while (p < end && (is_space((unsigned char)*p)
                           || (slash_ok && *p == '/'))) {
            p++;
        }
        if (p == end) {
            break;
        }
        if (!is_name_start((unsigned char)*p)) {
            return -1;
        }
        a.name = p;
        while (p < end && is_name_char((unsigned char)*p)) {
            p++;
        }
        a.name_len = (size_t)(p - a.name);
        a.value = NULL;
        a.value_len = 0;
        {
            const char *q = p;
            while (q < end && is_space((unsigned char)*q)) {
                q++;
            }
            if (q < end && *q == '=') {
                p = q;   /* name = value */
            }
        }
        if (p < end && *p == '=') {
            p++;
            while (p < end && is_space((unsigned char)*p)) {
                p++;
            }
            if (p == end) {
                return -1;
            }
            if (*p == '"' || *p == '\'') {
                const char *close = memchr(p + 1, *p, (size_t)(end - p - 1));
                if (close == NULL) {
                    return -1;
                }
                a.value = p + 1;
                a.value_len = (size_t)(close - p - 1);
                p = close + 1;
            }
            else {
                a.value = p;
                while (p < end && is_unquoted_char((unsigned char)*p)) {
                    p++;
                }
                a.value_len = (size_t)(p - a.value);
                if (a.value_len == 0) {
                    return -1;
                }
            }
            if (p < end && !is_space((unsigned char)*p)
                && !(slash_ok && *p == '/')) {
                return -1;   /* name="a"b */
            }
        }
        else if (p < end && !is_space((unsigned char)*p)
                 && !(slash_ok && *p == '/')) {
            return -1;
        }
        for (k = 0; k < n; k++) {
            if (attr_name_eq(&attrs[k], a.name, a.name_len)) {
                return -1;
            }
        }
        if (n == SOCIAL_MARKER_ATTRS_MAX) {
            return -1;
        }
        attrs[n++] = a;
    }
    *nattrs = n;
    return 0;
}

static int value_is(const social_marker_attr *a, const char *word)
{
    size_t k, n = strlen(word);
    if (a == NULL || a->value == NULL || a->value_len != n) {
        return 0;
    }
    for (k = 0; k < n; k++) {
        if (lower((unsigned char)a->value[k]) != (unsigned char)word[k]) {
            return 0;
        }
    }
    return 1;
}

static int meta_is_opt_out(const social_scan *s)
{
    social_marker m;

    m.kind = "meta";
    m.kind_len = 4;
    if (attrs_parse(s->text, s->text + s->text_len, 1,
                    m.attrs, &m.nattrs) != 0) {
        return 0;
    }
    return value_is(social_marker_attr_get(&m, "name"), "mod_social")
        && value_is(social_marker_attr_get(&m, "content"), "off");
}

int social_marker_parse(const char *text, size_t len, social_marker *m)
{
    const char *p = text, *end = text + len;

    if (len < MARKER_PREFIX_LEN
        || memcmp(text, marker_prefix, MARKER_PREFIX_LEN) != 0) {
        return -1;
    }
    p += MARKER_PREFIX_LEN;
    if (p == end || !(*p >= 'a' && *p <= 'z')) {
        return -1;
    }
    m->kind = p;
    while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
                       || *p == '_' || *p == '-')) {
        p++;
    }
    m->kind_len = (size_t)(p - m->kind);
    if (m->kind_len > 31 || (p < end && !is_space((unsigned char)*p))) {
        return -1;
    }
    return attrs_parse(p, end, 0, m->attrs, &m->nattrs);
}

const social_marker_attr *social_marker_attr_get(const social_marker *m,
                                                 const char *name)
{
    int k;
    size_t n = strlen(name);
    for (k = 0; k < m->nattrs; k++) {
        if (attr_name_eq(&m->attrs[k], name, n)) {
            return &m->attrs[k];
        }
    }
    return NULL;
}

int social_marker_is(const social_marker *m, const char *kind)
{
    size_t n = strlen(kind);
    return m->kind_len == n && memcmp(m->kind, kind, n) == 0;
}
