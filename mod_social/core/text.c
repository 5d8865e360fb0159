/* text.c: UTF-8, page keys, ASCII HTML escaping, media types (text.h). */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "text.h"

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Nonzero if s starts with word (lower case), ignoring letter case. */
static int word_at_n(const char *s, const char *word, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++) {
        if (lower((unsigned char)s[k]) != (unsigned char)word[k]) {
            return 0;
        }
    }
    return 1;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = lower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Decodes one UTF-8 sequence at s[0..len). Returns its length and sets
 * *cp, or 0 if the bytes there are not well-formed UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned long *cp)
{
    unsigned long c;
    size_t n, k;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
        c = s[0] & 0x1F;
    }
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        c = s[0] & 0x0F;
    }
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        c = s[0] & 0x07;
    }
    else {
        return 0;
    }
    if (len < n) {
        return 0;
    }
    for (k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (s[k] & 0x3F);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000)
        || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) {
        return 0;
    }
    *cp = c;
    return n;
}

int social_text_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    unsigned long cp;

    while (i < len) {
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            return 0;
        }
        i += n;
    }
    return 1;
}

/* Bytes a page key keeps as they are; everything else is %XX. */
static int key_char_is_plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || (c != 0 && strchr("/._~!$&'()*+,;=:@-", c));
}

/* The page path of path; index names become the directory when fold. */
static const char *page_path(apr_pool_t *p, const char *path, int fold,
                             const char **error)
{
    size_t in_len, i, out_len = 0, seg_start;
    char *segs, *key, *w;
    static const char hex[] = "0123456789ABCDEF";

    *error = NULL;
    if (path == NULL || path[0] != '/') {
        *error = "a page must be an absolute path starting with '/'";
        return NULL;
    }
    in_len = strcspn(path, "?#");
    if (in_len > SOCIAL_PAGE_KEY_MAX * 3) {
        *error = "the page path is too long";
        return NULL;
    }

    /* Decode into segs, one '/' before each segment, resolving "." and
     * "..", collapsing empty segments. */
    segs = apr_palloc(p, in_len + 2);
    w = segs;
    i = 0;
    while (i < in_len) {
        char *seg;
        size_t seg_len;

        while (i < in_len && path[i] == '/') {
            i++;
        }
        if (i == in_len) {
            *w++ = '/';   /* a trailing slash names a directory */
            break;
        }
        seg = w;
        *w++ = '/';
        seg_start = (size_t)(w - segs);
        while (i < in_len && path[i] != '/') {
            unsigned char c = (unsigned char)path[i];
            if (c == '%') {
                int hi = (i + 2 < in_len) ? hex_value((unsigned char)path[i + 1]) : -1;
                int lo = (i + 2 < in_len) ? hex_value((unsigned char)path[i + 2]) : -1;
                if (hi < 0 || lo < 0) {
                    *error = "the page path has an invalid percent escape";
                    return NULL;
                }
                c = (unsigned char)(hi * 16 + lo);
                if (c == 0 || c == '/') {
                    *error = "the page path has an encoded NUL or slash";
                    return NULL;
                }
                i += 3;
            }
            else {
                i++;
            }
            *w++ = (char)c;
        }
        seg_len = (size_t)(w - segs) - seg_start;
        if (seg_len == 1 && seg[1] == '.') {
            w = seg;
            if (i == in_len) {
                *w++ = '/';
            }
        }
        else if (seg_len == 2 && seg[1] == '.' && seg[2] == '.') {
            if (seg == segs) {
                *error = "the page path climbs above the root";
                return NULL;
            }
            w = seg;
            do {
                w--;
            } while (*w != '/');
            if (i == in_len) {
                *w++ = '/';
            }
        }
    }
    if (w == segs) {
        *w++ = '/';
    }
    *w = '\0';
    if (fold) {
        size_t len = (size_t)(w - segs);
        static const char *const index_names[] = { "/index.html", "/index.htm" };
        size_t k;
        for (k = 0; k < sizeof(index_names) / sizeof(index_names[0]); k++) {
            size_t n = strlen(index_names[k]);
            if (len >= n && memcmp(w - n, index_names[k], n) == 0) {
                w -= n - 1;   /* keep the '/' */
                *w = '\0';
                break;
            }
        }
    }

    /* Write back as ASCII. */
    key = apr_palloc(p, (size_t)(w - segs) * 3 + 1);
    for (i = 0; segs + i < w; i++) {
        unsigned char c = (unsigned char)segs[i];
        if (key_char_is_plain(c)) {
            key[out_len++] = (char)c;
        }
        else {
            key[out_len++] = '%';
            key[out_len++] = hex[c >> 4];
            key[out_len++] = hex[c & 0x0F];
        }
        if (out_len > SOCIAL_PAGE_KEY_MAX) {
            *error = "the page path is too long";
            return NULL;
        }
    }
    key[out_len] = '\0';
    return key;
}

const char *social_text_page_key(apr_pool_t *p, const char *path,
                                 const char **error)
{
    return page_path(p, path, 1, error);
}

const char *social_text_page_path(apr_pool_t *p, const char *path,
                                  const char **error)
{
    return page_path(p, path, 0, error);
}

/* A growing output buffer in a pool. */
typedef struct {
    apr_pool_t *pool;
    char *buf;
    size_t len;
    size_t cap;
} text_out;

static void out_reserve(text_out *o, size_t more)
{
    if (o->len + more + 1 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256;
        char *grown;
        while (cap < o->len + more + 1) {
            cap *= 2;
        }
        grown = apr_palloc(o->pool, cap);
        if (o->len) {
            memcpy(grown, o->buf, o->len);
        }
        o->buf = grown;
        o->cap = cap;
    }
}

static void out_append(text_out *o, const char *s, size_t n)
{
    out_reserve(o, n);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void out_str(text_out *o, const char *s)
{
    out_append(o, s, strlen(s));
}

static void out_ref(text_out *o, unsigned long cp)
{
    char ref[16];
    int n = apr_snprintf(ref, sizeof(ref), "&#x%lX;", cp);
    out_append(o, ref, (size_t)n);
}

static char *out_result(text_out *o)
{
    out_reserve(o, 0);
    o->buf[o->len] = '\0';
    return o->buf;
}

/* Appends s[0..len) escaped as ASCII HTML text; markup says whether
 * & < > " ' are markup already (kept) or text (escaped). */
/* Bytes out_escaped copies as they are: printable ASCII, tab and line
 * ends; 1 in text and markup, 2 only in markup (& < > " '). */
static const unsigned char ascii_as_is[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
    [' '] = 1, ['!'] = 1, ['"'] = 2, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 2,
    ['\''] = 2, ['('] = 1, [')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1, ['-'] = 1,
    ['.'] = 1, ['/'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1,
    ['<'] = 2, ['='] = 1, ['>'] = 2, ['?'] = 1, ['@'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
    ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
    ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['['] = 1, ['\\'] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
    ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
    ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1
};

/* Eight bytes at a time: any byte at or above 0x80, below 0x20 or 0x7F?
 * (The classic tests for a byte below n and for a zero byte, exact for
 * bytes below 0x80; a word with a high bit is answered by its first test.) */
#define EACH_BYTE(b) ((apr_uint64_t)0x0101010101010101ULL * (b))

static int word_needs_care(apr_uint64_t w)
{
    apr_uint64_t del = w ^ EACH_BYTE(0x7F);

    return ((w & EACH_BYTE(0x80))
            | ((w - EACH_BYTE(0x20)) & ~w & EACH_BYTE(0x80))
            | ((del - EACH_BYTE(0x01)) & ~del & EACH_BYTE(0x80))) != 0;
}

/* Where the run of bytes from i that go out as they are ends: for markup,
 * whole words of printable ASCII first, then byte by byte (a tab or a
 * line end needs no care either, but stops a word). */
static size_t as_is_end(const unsigned char *in, size_t i, size_t len, unsigned char as_is)
{
    for (;;) {
        if (as_is == 2) {
            while (len - i >= 8) {
                apr_uint64_t w;
                memcpy(&w, in + i, 8);
                if (word_needs_care(w)) {
                    break;
                }
                i += 8;
            }
        }
        if (i < len && ascii_as_is[in[i]] != 0 && ascii_as_is[in[i]] <= as_is) {
            i++;
            continue;
        }
        return i;
    }
}

static void out_escaped(text_out *o, const char *s, size_t len, int markup)
{
    const unsigned char *in = (const unsigned char *)s;
    unsigned char as_is = markup ? 2 : 1;   /* the highest class copied */
    size_t i = 0;

    out_reserve(o, len);
    while (i < len) {
        unsigned long cp;
        size_t n, run = i;
        const char *entity = NULL;

        /* A run that needs nothing goes in one copy. */
        run = as_is_end(in, i, len, as_is);
        if (run > i) {
            out_append(o, s + i, run - i);
            i = run;
            continue;
        }
        n = utf8_decode(in + i, len - i, &cp);
        if (n == 0) {
            cp = 0xFFFD;
            n = 1;
        }
        else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
                 || cp == 0x7F || cp == 0xFFFE || cp == 0xFFFF) {
            cp = 0xFFFD;   /* not characters in XML */
        }
        if (!markup) {
            switch (cp) {
            case '&': entity = "&amp;"; break;
            case '<': entity = "&lt;"; break;
            case '>': entity = "&gt;"; break;
            case '"': entity = "&quot;"; break;
            case '\'': entity = "&#39;"; break;
            default: break;
            }
        }
        if (entity) {
            out_str(o, entity);
        }
        else if (cp < 0x80) {
            char c = (char)cp;
            out_append(o, &c, 1);
        }
        else {
            out_ref(o, cp);
        }
        i += n;
    }
}

char *social_text_html_escape(apr_pool_t *p, const char *s, size_t len)
{
    text_out o = { p, NULL, 0, 0 };
    out_escaped(&o, s, len, 0);
    return out_result(&o);
}

apr_uint32_t social_text_hash(const char *s)
{
    apr_uint32_t h = 2166136261u;
    const unsigned char *c;

    for (c = (const unsigned char *)s; *c; c++) {
        h = (h ^ *c) * 16777619u;
    }
    return h;
}

char *social_text_ascii_refs(apr_pool_t *p, const char *s, size_t len)
{
    text_out o = { p, NULL, 0, 0 };
    out_escaped(&o, s, len, 1);
    return out_result(&o);
}

const char *social_text_comment_check(const char *s, size_t len, size_t max,
                                      size_t *chars)
{
    const unsigned char *in = (const unsigned char *)s;
    size_t i = 0, n, count = 0;
    int visible = 0;
    unsigned long cp;

    *chars = 0;
    while (i < len) {
        n = utf8_decode(in + i, len - i, &cp);
        if (n == 0) {
            return SOCIAL_TEXT_NOT_UTF8;
        }
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
            || (cp >= 0x7F && cp < 0xA0) || cp == 0xFFFE || cp == 0xFFFF) {
            return SOCIAL_TEXT_CONTROL;
        }
        if (cp != ' ' && cp != '\t' && cp != '\n' && cp != '\r') {
            visible = 1;
        }
        count++;
        i += n;
    }
    *chars = count;
    if (!visible) {
        return SOCIAL_TEXT_EMPTY;
    }
    if (count > max) {
        return SOCIAL_TEXT_TOO_LONG;
    }
    return NULL;
}

/* Length of a URL starting at s[0..len) (already known to start with a
 * scheme), trailing punctuation left out, or 0. */
static size_t url_length(const char *s, size_t len, size_t scheme_len)
{
    size_t n = scheme_len, open = 0, k;

    while (n < len) {
        unsigned char c = (unsigned char)s[n];
        if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '\'' || c >= 0x7F) {
            break;
        }
        if (c == '(') {
            open++;
        }
        n++;
    }
    /* Trailing punctuation belongs to the sentence, not the URL. */
    while (n > scheme_len) {
        char c = s[n - 1];
        if (c == ')') {
            size_t closes = 0;
            for (k = 0; k < n; k++) {
                closes += s[k] == ')';
            }
            if (closes <= open) {
                break;
            }
            n--;
            continue;
        }
        if (strchr(".,;:!?*", c) == NULL) {
            break;
        }
        n--;
    }
    return n > scheme_len ? n : 0;
}

static size_t url_scheme_at(const char *s, size_t len)
{
    static const char *const schemes[] = { "https://", "http://", "mailto:" };
    size_t k;
    for (k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++) {
        size_t n = strlen(schemes[k]);
        if (len > n && word_at_n(s, schemes[k], n)) {
            return n;
        }
    }
    return 0;
}

/* Appends one line of text with its URLs linked. */
static void out_line(text_out *o, const char *s, size_t len)
{
    size_t i = 0, run = 0;

    while (i < len) {
        size_t scheme = 0, ulen = 0;
        int boundary = (i == 0) || !apr_isalnum(s[i - 1]);
        if (boundary && (s[i] == 'h' || s[i] == 'H' || s[i] == 'm' || s[i] == 'M')) {
            scheme = url_scheme_at(s + i, len - i);
            if (scheme) {
                ulen = url_length(s + i, len - i, scheme);
            }
        }
        if (ulen == 0) {
            i++;
            continue;
        }
        out_escaped(o, s + run, i - run, 0);
        out_str(o, "<a href=\"");
        out_escaped(o, s + i, ulen, 0);
        out_str(o, "\" rel=\"nofollow noopener\">");
        out_escaped(o, s + i, ulen, 0);
        out_str(o, "</a>");
        i += ulen;
        run = i;
    }
    out_escaped(o, s + run, len - run, 0);
}

/* ---- the Markdown subset: inline ---- */

/* The URL starting at s[0] if a link may start there (after a non-word
 * character), else 0. */
static size_t url_here(const char *s, size_t len, int boundary)
{
    size_t scheme;

    if (len == 0 || !boundary
        || (s[0] != 'h' && s[0] != 'H' && s[0] != 'm' && s[0] != 'M')) {
        return 0;
    }
    scheme = url_scheme_at(s, len);
    return scheme ? url_length(s, len, scheme) : 0;
}

/* Where the closing delimiter of an emphasis that opens at s[0] (mark
 * of n characters: "*", "_" or "**") is, or 0: the text inside starts
 * and ends with a non-space, "_" only between non-word characters. */
static size_t emphasis_end(const char *s, size_t len, const char *mark, size_t n)
{
    size_t j;

    if (len < 2 * n + 1 || s[n] == ' ' || s[n] == '\t' || s[n] == mark[0]) {
        return 0;
    }
    for (j = n + 1; j + n <= len; j++) {
        if (memcmp(s + j, mark, n) == 0 && s[j - 1] != ' ' && s[j - 1] != '\t'
            && (j + n == len || s[j + n] != mark[0])
            && (mark[0] != '_' || j + n == len || !apr_isalnum(s[j + n]))) {
            return j;
        }
    }
    return 0;
}

/* A link written [text](url) at s[0] == '[': its length, with the text
 * and url spans; 0 if there is none (or the url is not http, https or
 * mailto: then it stays text). */
static size_t link_at(const char *s, size_t len, size_t *text_len, size_t *url_start,
                      size_t *url_len)
{
    size_t k = 1, u;

    while (k < len && s[k] != ']' && s[k] != '[') {
        k++;
    }
    if (k >= len || s[k] != ']' || k == 1 || k + 1 >= len || s[k + 1] != '(') {
        return 0;
    }
    u = k + 2;
    *url_len = url_here(s + u, len - u, 1);
    if (*url_len == 0 || u + *url_len >= len || s[u + *url_len] != ')') {
        return 0;
    }
    *text_len = k - 1;
    *url_start = u;
    return u + *url_len + 1;
}

/* One line's text: `code`, **strong**, *emphasis* or _emphasis_,
 * [text](url), and bare URLs (out_line). Nothing nests but links in
 * emphasis; whatever does not pair up is shown as written. */
static void out_inline(text_out *o, const char *s, size_t len)
{
    size_t i = 0, run = 0;

    while (i < len) {
        size_t end = 0, text_len, url_start, url_len, n;
        int boundary = i == 0 || !apr_isalnum(s[i - 1]);

        if ((n = url_here(s + i, len - i, boundary)) > 0) {
            i += n;                      /* a bare URL stays one piece */
            continue;
        }
        if (s[i] == '`') {
            const char *close = memchr(s + i + 1, '`', len - i - 1);
            if (close != NULL && close > s + i + 1) {
                out_line(o, s + run, i - run);
                out_str(o, "<code>");
                out_escaped(o, s + i + 1, (size_t)(close - s) - i - 1, 0);
                out_str(o, "</code>");
                i = run = (size_t)(close - s) + 1;
                continue;
            }
        }
        else if (s[i] == '[' && (n = link_at(s + i, len - i, &text_len, &url_start,
                                              &url_len)) > 0) {
            out_line(o, s + run, i - run);
            out_str(o, "<a href=\"");
            out_escaped(o, s + i + url_start, url_len, 0);
            out_str(o, "\" rel=\"nofollow noopener\">");
            out_escaped(o, s + i + 1, text_len, 0);
            out_str(o, "</a>");
            i = run = i + n;
            continue;
        }
        else if (s[i] == '*' && i + 1 < len && s[i + 1] == '*'
                 && (end = emphasis_end(s + i, len - i, "**", 2)) > 0) {
            out_line(o, s + run, i - run);
            out_str(o, "<strong>");
            out_line(o, s + i + 2, end - 2);
            out_str(o, "</strong>");
            i = run = i + end + 2;
            continue;
        }
        else if ((s[i] == '*' || (s[i] == '_' && boundary))
                 && (end = emphasis_end(s + i, len - i, s[i] == '*' ? "*" : "_", 1)) > 0) {
            out_line(o, s + run, i - run);
            out_str(o, "<em>");
            out_line(o, s + i + 1, end - 1);
            out_str(o, "</em>");
            i = run = i + end + 1;
            continue;
        }
        i++;
    }
    out_line(o, s + run, len - run);
}

/* ---- the Markdown subset: blocks ---- */

typedef enum { BLOCK_NONE, BLOCK_PARA, BLOCK_UL, BLOCK_OL, BLOCK_QUOTE } block_kind;

static void block_close(text_out *o, block_kind *open)
{
    static const char *const closing[] = { "", "</p>", "</li></ul>", "</li></ol>",
                                           "</p></blockquote>" };
    out_str(o, closing[*open]);
    *open = BLOCK_NONE;
}

/* What a line starts: a list item ("- ", "* ", "1. ", "1) "), a quote
 * ("> ", ">"), or a paragraph; *skip is the marker's length. */
static block_kind line_kind(const char *s, size_t len, size_t *skip)
{
    size_t k = 0;

    while (k < len && k < 3 && s[k] == ' ') {
        k++;
    }
    if (k + 1 < len && (s[k] == '-' || s[k] == '*') && s[k + 1] == ' ') {
        *skip = k + 2;
        return BLOCK_UL;
    }
    if (k < len && s[k] == '>') {
        *skip = k + 1 + (k + 1 < len && s[k + 1] == ' ');
        return BLOCK_QUOTE;
    }
    if (k < len && apr_isdigit(s[k])) {
        size_t d = k;
        while (d < len && d - k < 9 && apr_isdigit(s[d])) {
            d++;
        }
        if (d + 1 < len && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ') {
            *skip = d + 2;
            return BLOCK_OL;
        }
    }
    *skip = 0;
    return BLOCK_PARA;
}

char *social_text_format_comment(apr_pool_t *p, const char *s, size_t len)
{
    text_out o = { p, NULL, 0, 0 };
    size_t i = 0;
    block_kind open = BLOCK_NONE;

    while (i < len) {
        size_t start = i, end, k, skip = 0;
        block_kind kind;

        while (i < len && s[i] != '\n' && s[i] != '\r') {
            i++;
        }
        end = i;
        if (i < len && s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
            i += 2;
        }
        else if (i < len) {
            i++;
        }
        /* A line of only white space ends the block. */
        for (k = start; k < end && (s[k] == ' ' || s[k] == '\t'); k++) {
        }
        if (k == end) {
            block_close(&o, &open);
            continue;
        }
        kind = line_kind(s + start, end - start, &skip);
        if (kind == BLOCK_UL || kind == BLOCK_OL) {
            if (open == kind) {
                out_str(&o, "</li><li>");
            }
            else {
                block_close(&o, &open);
                out_str(&o, kind == BLOCK_UL ? "<ul><li>" : "<ol><li>");
            }
        }
        else if (kind == BLOCK_QUOTE) {
            if (open == BLOCK_QUOTE) {
                out_str(&o, "<br />");
            }
            else {
                block_close(&o, &open);
                out_str(&o, "<blockquote><p>");
            }
        }
        else if (open == BLOCK_PARA) {
            out_str(&o, "<br />");
        }
        else {
            block_close(&o, &open);
            out_str(&o, "<p>");
        }
        open = kind;
        out_inline(&o, s + start + skip, end - start - skip);
    }
    block_close(&o, &open);
    return out_result(&o);
}

/* Skips white space. */
static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    return s;
}

int social_text_is_html_type(const char *content_type, int *xhtml)
{
    static const char html[] = "text/html";
    static const char xml[] = "application/xhtml+xml";
    const char *s, *end;
    size_t n;

    if (xhtml) {
        *xhtml = 0;
    }
    if (content_type == NULL) {
        return 0;
    }
    s = skip_space(content_type);
    end = s;
    while (*end && *end != ';' && *end != ' ' && *end != '\t') {
        end++;
    }
    n = (size_t)(end - s);
    if (*skip_space(end) != '\0' && *skip_space(end) != ';') {
        return 0;
    }
    if (n == sizeof(html) - 1 && word_at_n(s, html, n)) {
        return 1;
    }
    if (n == sizeof(xml) - 1 && word_at_n(s, xml, n)) {
        if (xhtml) {
            *xhtml = 1;
        }
        return 1;
    }
    return 0;
}

int social_text_charset_is_wide(const char *content_type)
{
    static const char *const wide[] = { "utf-16", "utf-32", "utf16", "utf32",
                                        "ucs-2", "ucs-4", "ucs2", "ucs4" };
    const char *s;
    size_t k;

    if (content_type == NULL) {
        return 0;
    }
    for (s = content_type; *s; s++) {
        if (!word_at_n(s, "charset", 7)
            || (s > content_type && s[-1] != ';' && s[-1] != ' ' && s[-1] != '\t')) {
            continue;
        }
        s = skip_space(s + 7);
        if (*s == '\0') {
            break;
        }
        if (*s != '=') {
            continue;
        }
        s = skip_space(s + 1);
        if (*s == '"' || *s == '\'') {
            s++;
        }
        for (k = 0; k < sizeof(wide) / sizeof(wide[0]); k++) {
            if (word_at_n(s, wide[k], strlen(wide[k]))) {
                return 1;
            }
        }
        return 0;
    }
    return 0;
}

int social_text_has_wide_bom(const unsigned char *buf, size_t len)
{
    if (len >= 2 && ((buf[0] == 0xFF && buf[1] == 0xFE)
                     || (buf[0] == 0xFE && buf[1] == 0xFF))) {
        return 1;   /* UTF-16 either way, or UTF-32LE (FF FE 00 00) */
    }
    if (len >= 4 && buf[0] == 0 && buf[1] == 0 && buf[2] == 0xFE
        && buf[3] == 0xFF) {
        return 1;   /* UTF-32BE */
    }
    return 0;
}

const char *social_text_time_utc(apr_pool_t *p, apr_time_t t)
{
    return social_text_time_abs(p, t, NULL);
}

const char *social_text_time_abs(apr_pool_t *p, apr_time_t t, const social_tz *zone)
{
    social_tz_local local;
    const char *abbr;

    social_tz_convert(zone, t, &local);
    abbr = local.abbr;
    if (abbr == NULL || *abbr == '\0') {
        int off = local.offset < 0 ? -local.offset : local.offset;
        abbr = apr_psprintf(p, "%c%02d%02d", local.offset < 0 ? '-' : '+',
                            off / 3600, off / 60 % 60);
    }
    return apr_psprintf(p, "%04d-%02d-%02d %02d:%02d %s", local.tm.tm_year + 1900,
                        local.tm.tm_mon + 1, local.tm.tm_mday, local.tm.tm_hour,
                        local.tm.tm_min, abbr);
}

/* The words of say for unit, if it gives some. */
static const char *time_said(social_text_time_say say, void *ctx, social_time_style style,
                             const char *unit, apr_int64_t n)
{
    return say != NULL ? say(ctx, style, unit, n) : NULL;
}

/* The long style: the largest unit that fits, "a"/"an" for one of it. */
static const char *time_relative_long(apr_pool_t *p, apr_int64_t s,
                                      social_text_time_say say, void *ctx)
{
    static const struct {
        apr_int64_t size;
        const char *unit;
        const char *one;
        const char *many;
    } units[] = {
        { 365 * 86400, "years", "a year ago", "years ago" },
        { 30 * 86400, "months", "a month ago", "months ago" },
        { 7 * 86400, "weeks", "a week ago", "weeks ago" },
        { 86400, "days", "yesterday", "days ago" },
        { 3600, "hours", "an hour ago", "hours ago" },
        { 60, "minutes", "a minute ago", "minutes ago" },
    };
    const char *said;
    size_t k;

    if (s < 45) {
        said = time_said(say, ctx, SOCIAL_TIME_LONG, "just_now", -1);
        return said ? said : "just now";
    }
    for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
        apr_int64_t n = s / units[k].size;
        if (n >= 1 && (said = time_said(say, ctx, SOCIAL_TIME_LONG, units[k].unit, n)) != NULL) {
            return said;
        }
        if (n >= 2) {
            return apr_psprintf(p, "%" APR_INT64_T_FMT " %s", n, units[k].many);
        }
        if (n == 1) {
            return units[k].one;
        }
    }
    said = time_said(say, ctx, SOCIAL_TIME_LONG, "minutes", 1);
    return said ? said : "a minute ago";
}

/* The short style: minutes, hours, then days, always as a number. */
static const char *time_relative_short(apr_pool_t *p, apr_int64_t s,
                                       social_text_time_say say, void *ctx)
{
    const char *said;

    if (s < 60) {
        said = time_said(say, ctx, SOCIAL_TIME_SHORT, "just_now", -1);
        return said ? said : "just now";
    }
    if (s < 3600) {
        said = time_said(say, ctx, SOCIAL_TIME_SHORT, "minutes", s / 60);
        return said ? said : apr_psprintf(p, "%" APR_INT64_T_FMT " min ago", s / 60);
    }
    if (s < 86400) {
        said = time_said(say, ctx, SOCIAL_TIME_SHORT, "hours", s / 3600);
        return said ? said : apr_psprintf(p, "%" APR_INT64_T_FMT " h ago", s / 3600);
    }
    said = time_said(say, ctx, SOCIAL_TIME_SHORT, "days", s / 86400);
    return said ? said : apr_psprintf(p, "%" APR_INT64_T_FMT " days ago", s / 86400);
}

const char *social_text_time_relative_say(apr_pool_t *p, apr_time_t t, apr_time_t now,
                                          social_time_style style,
                                          social_text_time_say say, void *ctx)
{
    apr_int64_t s = apr_time_sec(now - t);

    return style == SOCIAL_TIME_SHORT ? time_relative_short(p, s, say, ctx)
                                      : time_relative_long(p, s, say, ctx);
}

const char *social_text_time_relative(apr_pool_t *p, apr_time_t t, apr_time_t now,
                                      social_time_style style)
{
    return social_text_time_relative_say(p, t, now, style, NULL, NULL);
}

const char *social_text_time_iso(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t tm;
    char buf[32];
    apr_size_t n = 0;

    apr_time_exp_gmt(&tm, t);
    apr_strftime(buf, &n, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return apr_pstrmemdup(p, buf, n);
}

char *social_text_latin1_to_utf8(apr_pool_t *p, const char *s, size_t len)
{
    char *out = apr_palloc(p, len * 2 + 1), *w = out;
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            *w++ = (char)c;
        }
        else {
            *w++ = (char)(0xC0 | (c >> 6));
            *w++ = (char)(0x80 | (c & 0x3F));
        }
    }
    *w = '\0';
    return out;
}

char *social_text_utf8_repair(apr_pool_t *p, const char *s, size_t len)
{
    /* Each bad byte (1 in) becomes U+FFFD (3 out). */
    char *out = apr_palloc(p, len * 3 + 1), *w = out;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    unsigned long cp;

    while (i < len) {
        size_t n = utf8_decode(u + i, len - i, &cp);
        if (n == 0) {
            *w++ = (char)0xEF;
            *w++ = (char)0xBF;
            *w++ = (char)0xBD;
            i++;
            continue;
        }
        memcpy(w, s + i, n);
        w += n;
        i += n;
    }
    *w = '\0';
    return out;
}

const char *social_text_charset(apr_pool_t *p, const char *content_type)
{
    const char *s;
    char *value, *c;
    size_t n = 0;

    if (content_type == NULL) {
        return NULL;
    }
    for (s = content_type; *s; s++) {
        if (word_at_n(s, "charset", 7)
            && (s == content_type || s[-1] == ';' || s[-1] == ' ' || s[-1] == '\t')) {
            s = skip_space(s + 7);
            if (*s != '=') {
                continue;
            }
            s = skip_space(s + 1);
            if (*s == '"' || *s == '\'') {
                s++;
            }
            while (s[n] && s[n] != '"' && s[n] != '\'' && s[n] != ';' && s[n] != ' ') {
                n++;
            }
            if (n == 0) {
                return NULL;
            }
            value = apr_pstrmemdup(p, s, n);
            for (c = value; *c; c++) {
                *c = (char)lower((unsigned char)*c);
            }
            return value;
        }
        if (*s == '\0') {
            break;
        }
    }
    return NULL;
}

char *social_text_percent_encode(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, strlen(s) * 3 + 1), *w = out;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (apr_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            *w++ = (char)c;
        }
        else {
            *w++ = '%';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 0x0F];
        }
    }
    *w = '\0';
    return out;
}
