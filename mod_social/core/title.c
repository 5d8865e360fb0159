/* title.c: the text of a page's first <title>, and that text cleaned for
 * showing (see title.h).
 *
 * The scanner is a small byte-at-a-time tokenizer, fed in pieces of any
 * size: it knows tags (with quoted attribute values), comments, bogus
 * comments (<!DOCTYPE>, <?...>), and the raw-text elements whose content
 * is no markup (script, style, textarea, xmp, iframe, noembed, noframes,
 * noscript), so a "<title>" inside any of those is not the page's title.
 * The title itself is RCDATA: everything up to "</title" followed by
 * white space, "/" or ">".
 */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "text.h"
#include "title.h"

typedef enum {
    TS_DATA = 0,
    TS_LT,          /* after "<" */
    TS_BANG,        /* after "<!" */
    TS_BANG_DASH,   /* after "<!-" */
    TS_COMMENT,     /* inside "<!--" ... "-->" */
    TS_BOGUS,       /* "<!DOCTYPE ...>", "<?...>", an end tag: up to ">" */
    TS_NAME,        /* a start tag's name */
    TS_ATTRS,       /* a start tag's attributes */
    TS_QUOTED,      /* a quoted attribute value */
    TS_RAW,         /* raw text of an element, up to its end tag */
    TS_TITLE,       /* the title's text, up to "</title" */
    TS_DONE
} title_state;

#define TAG_NAME_MAX 16

struct social_title_scan {
    apr_pool_t *pool;
    title_state state;
    char name[TAG_NAME_MAX + 1];   /* the start tag's name, lower case */
    size_t name_len;
    char quote;                /* the quote of a TS_QUOTED value */
    int dashes;                /* consecutive '-' in a comment */
    const char *raw_end;       /* TS_RAW, TS_TITLE: the element's name */
    size_t matched;            /* bytes of "</" + raw_end matched so far */
    size_t scanned;
    char *text;                /* the title's raw bytes */
    size_t text_len;
    size_t mark;               /* text_len where a candidate "</title" began */
    int found;                 /* a <title> began */
};

static const char *const raw_elements[] = {
    "script", "style", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript",
};

social_title_scan *social_title_scan_make(apr_pool_t *p)
{
    social_title_scan *s = apr_pcalloc(p, sizeof(*s));

    s->pool = p;
    s->text = apr_palloc(p, SOCIAL_TITLE_MAX_RAW);
    return s;
}

static int tag_delimiter(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>';
}

/* The start tag just ended: what follows it. */
static void start_tag_end(social_title_scan *s)
{
    size_t k;

    s->name[s->name_len] = '\0';
    s->matched = 0;
    if (strcmp(s->name, "title") == 0 && !s->found) {
        s->found = 1;
        s->raw_end = "title";
        s->state = TS_TITLE;
        return;
    }
    for (k = 0; k < sizeof(raw_elements) / sizeof(raw_elements[0]); k++) {
        if (strcmp(s->name, raw_elements[k]) == 0) {
            s->raw_end = raw_elements[k];
            s->state = TS_RAW;
            return;
        }
    }
    s->state = TS_DATA;
}

/* TS_RAW and TS_TITLE: c is the next byte; nonzero if it completed the
 * element's end tag "</name" followed by a delimiter. */
static int end_tag_step(social_title_scan *s, char c)
{
    size_t name_len = strlen(s->raw_end);

    if (s->matched == name_len + 2) {
        if (tag_delimiter(c)) {
            return 1;
        }
        s->matched = 0;
    }
    if (s->matched == 0 && c == '<') {
        s->matched = 1;
        s->mark = s->text_len;
    }
    else if (s->matched == 1 && c == '/') {
        s->matched = 2;
    }
    else if (s->matched >= 2 && apr_tolower(c) == s->raw_end[s->matched - 2]) {
        s->matched++;
    }
    else {
        s->matched = c == '<' ? 1 : 0;
        if (c == '<') {
            s->mark = s->text_len;
        }
    }
    return 0;
}

static void step(social_title_scan *s, char c)
{
    switch (s->state) {
    case TS_DATA:
        if (c == '<') {
            s->state = TS_LT;
        }
        break;
    case TS_LT:
        if (c == '!') {
            s->state = TS_BANG;
        }
        else if (c == '/' || c == '?') {
            s->state = TS_BOGUS;
        }
        else if (apr_isalpha(c)) {
            s->name[0] = (char)apr_tolower(c);
            s->name_len = 1;
            s->state = TS_NAME;
        }
        else if (c != '<') {
            s->state = TS_DATA;
        }
        break;
    case TS_BANG:
        s->state = c == '-' ? TS_BANG_DASH : c == '>' ? TS_DATA : TS_BOGUS;
        break;
    case TS_BANG_DASH:
        if (c == '-') {
            s->dashes = 0;
            s->state = TS_COMMENT;
        }
        else {
            s->state = c == '>' ? TS_DATA : TS_BOGUS;
        }
        break;
    case TS_COMMENT:
        if (c == '>' && s->dashes >= 2) {
            s->state = TS_DATA;
        }
        s->dashes = c == '-' ? s->dashes + 1 : 0;
        break;
    case TS_BOGUS:
        if (c == '>') {
            s->state = TS_DATA;
        }
        break;
    case TS_NAME:
        if (c == '>') {
            start_tag_end(s);
        }
        else if (tag_delimiter(c)) {
            s->state = TS_ATTRS;
        }
        else if (s->name_len < TAG_NAME_MAX) {
            s->name[s->name_len++] = (char)apr_tolower(c);
        }
        else {
            s->name_len = TAG_NAME_MAX;   /* too long for any name we look for */
            s->name[0] = '-';
        }
        break;
    case TS_ATTRS:
        if (c == '>') {
            start_tag_end(s);
        }
        else if (c == '"' || c == '\'') {
            s->quote = c;
            s->state = TS_QUOTED;
        }
        break;
    case TS_QUOTED:
        if (c == s->quote) {
            s->state = TS_ATTRS;
        }
        break;
    case TS_RAW:
        if (end_tag_step(s, c)) {
            s->state = c == '>' ? TS_DATA : TS_BOGUS;
        }
        break;
    case TS_TITLE:
        if (end_tag_step(s, c)) {
            s->text_len = s->mark;
            s->state = TS_DONE;
        }
        else if (s->text_len < SOCIAL_TITLE_MAX_RAW) {
            s->text[s->text_len++] = c;
        }
        break;
    case TS_DONE:
        break;
    }
}

int social_title_scan_feed(social_title_scan *s, const char *data, size_t len)
{
    size_t k;

    for (k = 0; k < len && s->state != TS_DONE; k++) {
        step(s, data[k]);
        if (++s->scanned >= SOCIAL_TITLE_MAX_SCAN && s->state != TS_TITLE) {
            s->state = TS_DONE;
        }
    }
    return s->state == TS_DONE;
}

const char *social_title_scan_raw(const social_title_scan *s, size_t *len)
{
    if (!s->found) {
        *len = 0;
        return NULL;
    }
    /* A title cut by the end of the page: a candidate "</title" that
     * never completed is text. */
    *len = s->text_len;
    return s->text;
}

/* ---- cleaning ---- */

/* windows-1252's characters for the bytes 0x80 to 0x9F (0: none, the
 * byte itself then stands for U+0080 + n, as in ISO-8859-1). */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static unsigned long cp1252_char(unsigned char b)
{
    if (b >= 0x80 && b <= 0x9F && cp1252_high[b - 0x80] != 0) {
        return cp1252_high[b - 0x80];
    }
    return b;
}

/* Appends code point cp to out as UTF-8; returns the bytes written. */
static size_t utf8_put(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The named references titles use; others stay as written (as a browser
 * shows an unknown one). */
static const struct {
    const char *name;
    unsigned long cp;
} named_refs[] = {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
    { "nbsp", 0xA0 }, { "copy", 0xA9 }, { "reg", 0xAE }, { "trade", 0x2122 },
    { "hellip", 0x2026 }, { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "middot", 0xB7 },
    { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
    { "laquo", 0xAB }, { "raquo", 0xBB }, { "euro", 0x20AC }, { "bull", 0x2022 },
    { "sect", 0xA7 }, { "deg", 0xB0 }, { "times", 0xD7 },
    { "agrave", 0xE0 }, { "aacute", 0xE1 }, { "acirc", 0xE2 }, { "auml", 0xE4 },
    { "aring", 0xE5 }, { "ccedil", 0xE7 }, { "egrave", 0xE8 }, { "eacute", 0xE9 },
    { "ecirc", 0xEA }, { "euml", 0xEB }, { "iacute", 0xED }, { "icirc", 0xEE },
    { "iuml", 0xEF }, { "ntilde", 0xF1 }, { "oacute", 0xF3 }, { "ocirc", 0xF4 },
    { "ouml", 0xF6 }, { "oslash", 0xF8 }, { "uacute", 0xFA }, { "ucirc", 0xFB },
    { "uuml", 0xFC }, { "szlig", 0xDF }, { "Agrave", 0xC0 }, { "Aacute", 0xC1 },
    { "Auml", 0xC4 }, { "Aring", 0xC5 }, { "Ccedil", 0xC7 }, { "Eacute", 0xC9 },
    { "Egrave", 0xC8 }, { "Ntilde", 0xD1 }, { "Ouml", 0xD6 }, { "Oslash", 0xD8 },
    { "Uuml", 0xDC },
};

/* A character reference at s[0..len) (s[0] is '&'): its code point, and
 * in *used the bytes it takes; 0 if there is none. */
static unsigned long reference(const char *s, size_t len, size_t *used)
{
    size_t k = 1;
    unsigned long cp = 0;

    if (len > 2 && s[1] == '#') {
        int hex = len > 3 && (s[2] == 'x' || s[2] == 'X');
        size_t start = hex ? 3 : 2;

        for (k = start; k < len && k < start + 8; k++) {
            int c = (unsigned char)s[k];
            if (hex && apr_isxdigit(c)) {
                cp = cp * 16 + (unsigned long)(apr_isdigit(c) ? c - '0' : apr_tolower(c) - 'a' + 10);
            }
            else if (!hex && apr_isdigit(c)) {
                cp = cp * 10 + (unsigned long)(c - '0');
            }
            else {
                break;
            }
        }
        if (k == start) {
            return 0;
        }
        *used = k < len && s[k] == ';' ? k + 1 : k;
        /* As HTML says: 0x80-0x9F are windows-1252; nothing invalid. */
        if (cp >= 0x80 && cp <= 0x9F) {
            return cp1252_char((unsigned char)cp);
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0xFFFD;
        }
        return cp;
    }
    while (k < len && k < 12 && apr_isalnum(s[k])) {
        k++;
    }
    if (k < len && s[k] == ';') {
        size_t n;
        for (n = 0; n < sizeof(named_refs) / sizeof(named_refs[0]); n++) {
            if (strlen(named_refs[n].name) == k - 1
                && memcmp(named_refs[n].name, s + 1, k - 1) == 0) {
                *used = k + 1;
                return named_refs[n].cp;
            }
        }
    }
    return 0;
}

/* raw in charset as well-formed UTF-8. */
static const char *to_utf8(apr_pool_t *p, const char *raw, size_t len, const char *charset,
                           size_t *out_len)
{
    char *out, *o;
    size_t k;

    if (charset == NULL) {
        charset = social_text_utf8_valid(raw, len) ? "utf-8" : "windows-1252";
    }
    if (strcmp(charset, "utf-8") == 0 || strcmp(charset, "utf8") == 0) {
        out = social_text_utf8_repair(p, raw, len);
        *out_len = strlen(out);
        return out;
    }
    /* iso-8859-1, us-ascii, windows-1252: one byte, one character. */
    out = o = apr_palloc(p, len * 3 + 1);
    for (k = 0; k < len; k++) {
        o += utf8_put(o, cp1252_char((unsigned char)raw[k]));
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

static int ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

const char *social_title_clean(apr_pool_t *p, const char *raw, size_t len,
                               const char *charset)
{
    size_t n, k, used, chars = 0, cut = 0;
    const char *s;
    char *out, *o;
    int space = 0;

    if (raw == NULL) {
        return NULL;
    }
    s = to_utf8(p, raw, len, charset, &n);
    /* A reference's UTF-8 is never longer than the reference ("&#1;" is
     * four bytes, U+FFFD three); a space never longer than its run. */
    out = o = apr_palloc(p, n + 4);
    for (k = 0; k < n; ) {
        unsigned char c = (unsigned char)s[k];
        char buf[4];
        size_t blen;
        unsigned long cp;

        if (ascii_space(c) || c < 0x20 || c == 0x7F) {
            space = 1;
            k++;
            continue;
        }
        if (c == '&' && (cp = reference(s + k, n - k, &used)) != 0) {
            if (cp < 0x20 || cp == 0x7F) {
                space = 1;
                k += used;
                continue;
            }
            blen = utf8_put(buf, cp);
            k += used;
        }
        else {
            blen = (c & 0x80) == 0 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
            if (blen > n - k) {
                blen = n - k;
            }
            memcpy(buf, s + k, blen);
            k += blen;
        }
        if (space && o != out) {
            if (chars == SOCIAL_TITLE_MAX_CHARS - 1) {
                cut = (size_t)(o - out);
            }
            *o++ = ' ';
            chars++;
        }
        space = 0;
        if (chars == SOCIAL_TITLE_MAX_CHARS - 1 && cut == 0) {
            cut = (size_t)(o - out);
        }
        if (chars >= SOCIAL_TITLE_MAX_CHARS) {
            /* Too long: the first MAX - 1 characters and an ellipsis. */
            o = out + cut;
            if (o > out && o[-1] == ' ') {
                o--;
            }
            memcpy(o, "\xE2\x80\xA6", 3);
            o += 3;
            break;
        }
        memcpy(o, buf, blen);
        o += blen;
        chars++;
    }
    *o = '\0';
    return o == out ? NULL : out;
}
