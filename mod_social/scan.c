/* scan.c: streaming HTML scanner (see scan.h).
 *
 * A byte-driven state machine that follows just enough of the HTML
 * tokenizer to know what is markup, what is a comment and what is raw
 * text of <script>, <style> and <textarea>. Text, comments and raw text
 * are skipped with memchr(); only tags are walked byte by byte.
 */
#include <string.h>

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
    ST_END_SPACE,  /* white space after </body or </html */
    ST_START_NAME, /* in the name of a start tag */
    ST_TAG,        /* in the attributes of a tag, up to its '>' */
    ST_RAW         /* raw text of script/style/textarea */
};

/* Inside ST_TAG: where we are among the attributes. */
enum { TAG_ATTRS = 0, TAG_AFTER_EQ, TAG_QUOTED, TAG_UNQUOTED };

/* Inside ST_RAW: how much of "</name" has been seen. */
enum { RAW_DATA = 0, RAW_LT, RAW_SLASH, RAW_NAME };

/* Inside ST_COMMENT: still matching "social:", a marker, or plain. */
enum { COMMENT_PREFIX = 0, COMMENT_MARKER, COMMENT_PLAIN };

enum { RAW_NONE = 0, RAW_SCRIPT, RAW_STYLE, RAW_TEXTAREA };
enum { END_OTHER = 0, END_BODY, END_HTML };

/* Start tags the scanner cares about, besides the raw text elements. */
enum { TAG_PLAIN = 0, TAG_META };

static const char marker_prefix[] = "social:";
#define MARKER_PREFIX_LEN (sizeof(marker_prefix) - 1)

static const char *const raw_names[] = { "", "script", "style", "textarea" };

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

static int name_is(const social_scan *s, const char *word)
{
    size_t n = strlen(word);
    return s->name_len == n && memcmp(s->name, word, n) == 0;
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
    memset(s, 0, sizeof(*s));
    s->state = ST_TEXT;
}

void social_scan_xml(social_scan *s, int on)
{
    s->xml = on ? 1 : 0;
}

uint64_t social_scan_offset(const social_scan *s)
{
    return s->offset;
}

uint64_t social_scan_hold_from(const social_scan *s)
{
    switch (s->state) {
    case ST_LT:
    case ST_END_SLASH:
    case ST_END_SPACE:
        return s->tag_start;
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

/* Counts the '-' that end buf[0..n), carrying over from *dashes when the
 * whole piece is dashes. */
static int trailing_dashes(const char *buf, size_t n, int dashes)
{
    size_t k = 0;
    while (k < n && buf[n - 1 - k] == '-') {
        k++;
    }
    if (k == n) {
        return dashes + (int)k;
    }
    return (int)k;
}

/* <meta ...> with name="mod_social" and content="off"? The tag's
 * attribute text (after the name) is in s->text. */
static int meta_is_opt_out(const social_scan *s);

/* One byte of a tag after its name; returns 1 at the tag's closing '>'.
 * Quotes count only around attribute values, as in the HTML tokenizer. */
static int tag_byte(social_scan *s, unsigned char c)
{
    switch (s->substate) {
    case TAG_QUOTED:
        if (c == (unsigned char)s->quote) {
            s->substate = TAG_ATTRS;
        }
        return 0;
    case TAG_AFTER_EQ:
        if (c == '"' || c == '\'') {
            s->quote = (char)c;
            s->substate = TAG_QUOTED;
            return 0;
        }
        if (c == '>') {
            return 1;
        }
        if (!is_space(c)) {
            s->substate = TAG_UNQUOTED;
        }
        return 0;
    case TAG_UNQUOTED:
        if (is_space(c)) {
            s->substate = TAG_ATTRS;
        }
        return c == '>';
    default:
        if (c == '>') {
            return 1;
        }
        if (c == '=') {
            s->substate = TAG_AFTER_EQ;
        }
        s->slash = (c == '/');
        return 0;
    }
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
    if (s->xml && s->slash) {
        s->raw = RAW_NONE;   /* <script src="a.js"/> closes itself in XML */
    }
    s->state = s->raw ? ST_RAW : ST_TEXT;
    s->substate = RAW_DATA;
    s->end_kind = END_OTHER;
    s->slash = 0;
    return opt_out;
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

size_t social_scan_feed(social_scan *s, const char *buf, size_t len,
                        social_scan_event *ev)
{
    size_t i = 0;

    ev->type = SOCIAL_SCAN_NONE;
    while (i < len) {
        unsigned char c = (unsigned char)buf[i];

        switch (s->state) {
        case ST_TEXT: {
            const char *lt = memchr(buf + i, '<', len - i);
            if (lt == NULL) {
                i = len;
                break;
            }
            i = (size_t)(lt - buf);
            s->tag_start = s->offset + i;
            s->state = ST_LT;
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
                s->dashes = 2;     /* "<!-->" and "<!--->" are complete */
                s->text_len = 0;
                s->text_overflow = 0;
                i++;
            }
            else {
                s->state = ST_BOGUS;   /* do not consume: it may be '>' */
            }
            break;
        case ST_COMMENT: {
            const char *gt;
            size_t j, piece;

            if (s->substate == COMMENT_PREFIX) {
                if (c == (unsigned char)marker_prefix[s->name_len]) {
                    s->name_len++;
                    s->dashes = 0;
                    i++;
                    if (s->name_len == MARKER_PREFIX_LEN) {
                        s->substate = COMMENT_MARKER;
                        text_append(s, marker_prefix, MARKER_PREFIX_LEN,
                                    SOCIAL_MARKER_MAX + 2);
                    }
                    break;
                }
                s->substate = COMMENT_PLAIN;
                if (s->name_len > 0) {
                    s->dashes = 0;
                }
            }
            gt = memchr(buf + i, '>', len - i);
            j = gt ? (size_t)(gt - buf) : len;
            piece = j - i;
            if (s->substate == COMMENT_MARKER) {
                /* Keep two bytes more than the limit: the "--" of "-->". */
                text_append(s, buf + i, piece, SOCIAL_MARKER_MAX + 2);
            }
            s->dashes = trailing_dashes(buf + i, piece, s->dashes);
            if (gt == NULL) {
                i = len;
                break;
            }
            if (s->dashes < 2) {
                if (s->substate == COMMENT_MARKER) {
                    text_append(s, ">", 1, SOCIAL_MARKER_MAX + 2);
                }
                s->dashes = 0;
                i = j + 1;
                break;
            }
            /* The comment ends at buf[j]. */
            i = j + 1;
            s->state = ST_TEXT;
            if (s->substate == COMMENT_MARKER) {
                event_set(s, ev, SOCIAL_SCAN_MARKER, s->offset + i);
                if (s->text_overflow || s->text_len < MARKER_PREFIX_LEN + 2
                    || s->text_len - 2 > SOCIAL_MARKER_MAX) {
                    ev->type = SOCIAL_SCAN_MARKER_BAD;
                }
                else {
                    s->text_len -= 2;
                    s->text[s->text_len] = '\0';
                    ev->text = s->text;
                    ev->text_len = s->text_len;
                }
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
            s->state = s->raw ? ST_RAW : ST_TEXT;
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
            if (is_space(c) || c == '/' || c == '>') {
                s->end_kind = name_is(s, "body") ? END_BODY
                            : name_is(s, "html") ? END_HTML : END_OTHER;
                if (s->end_kind != END_OTHER && c == '>') {
                    i++;
                    s->state = ST_TEXT;
                    event_set(s, ev, s->end_kind == END_BODY
                              ? SOCIAL_SCAN_BODY_END : SOCIAL_SCAN_HTML_END,
                              s->offset + i);
                    s->offset += i;
                    return i;
                }
                if (s->end_kind != END_OTHER && is_space(c)) {
                    s->state = ST_END_SPACE;
                    s->spaces = 1;
                    i++;
                    break;
                }
                s->state = ST_TAG;
                s->substate = TAG_ATTRS;
                s->end_kind = TAG_PLAIN;
                break;   /* ST_TAG sees this byte again */
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
        case ST_END_SPACE:
            if (c == '>') {
                i++;
                s->state = ST_TEXT;
                event_set(s, ev, s->end_kind == END_BODY
                          ? SOCIAL_SCAN_BODY_END : SOCIAL_SCAN_HTML_END,
                          s->offset + i);
                s->offset += i;
                return i;
            }
            if (is_space(c) && s->spaces < SOCIAL_END_TAG_SPACE_MAX) {
                s->spaces++;
                i++;
                break;
            }
            s->state = ST_TAG;
            s->substate = TAG_ATTRS;
            s->end_kind = TAG_PLAIN;
            break;
        case ST_START_NAME:
            if (is_space(c) || c == '/' || c == '>') {
                s->raw = name_is(s, "script") ? RAW_SCRIPT
                       : name_is(s, "style") ? RAW_STYLE
                       : name_is(s, "textarea") ? RAW_TEXTAREA : RAW_NONE;
                s->end_kind = name_is(s, "meta") ? TAG_META : TAG_PLAIN;
                s->text_len = 0;
                s->text_overflow = 0;
                s->state = ST_TAG;
                s->substate = TAG_ATTRS;
                break;   /* ST_TAG sees this byte again */
            }
            if (s->name_len < sizeof(s->name)) {
                s->name[s->name_len++] = (char)lower(c);
            }
            else {
                s->name[0] = '\0';
            }
            i++;
            break;
        case ST_TAG:
            if (s->end_kind == TAG_META) {
                text_append(s, buf + i, 1, SOCIAL_META_MAX);
            }
            i++;
            if (tag_byte(s, c)) {
                if (start_tag_end(s)) {
                    event_set(s, ev, SOCIAL_SCAN_OPT_OUT, s->offset + i);
                    s->offset += i;
                    return i;
                }
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
                s->substate = (c == '/') ? RAW_SLASH : (c == '<' ? RAW_LT : RAW_DATA);
                s->name_len = 0;
                i++;
                break;
            }
            {
                const char *want = raw_names[s->raw];
                size_t wlen = strlen(want);
                if (s->name_len < wlen) {
                    if (lower(c) == (unsigned char)want[s->name_len]) {
                        s->name_len++;
                        s->substate = RAW_NAME;
                        i++;
                    }
                    else {
                        s->substate = RAW_DATA;   /* this byte may be '<' */
                    }
                    break;
                }
                if (is_space(c) || c == '/' || c == '>') {
                    s->raw = RAW_NONE;
                    s->state = ST_TAG;
                    s->substate = TAG_ATTRS;
                    s->end_kind = TAG_PLAIN;
                    break;   /* ST_TAG sees this byte again */
                }
                s->substate = RAW_DATA;
            }
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
