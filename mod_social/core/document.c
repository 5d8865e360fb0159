/* document.c: files that are not HTML pages, and positions in them. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "document.h"

/* Types browsers show or play themselves, by kind. */
static const struct {
    const char *type;
    social_document_kind kind;
} known_types[] = {
    { "text/html", SOCIAL_DOCUMENT_HTML },
    { "application/xhtml+xml", SOCIAL_DOCUMENT_HTML },
    { "application/pdf", SOCIAL_DOCUMENT_PDF },
    { "image/png", SOCIAL_DOCUMENT_IMAGE },
    { "image/jpeg", SOCIAL_DOCUMENT_IMAGE },
    { "image/gif", SOCIAL_DOCUMENT_IMAGE },
    { "image/webp", SOCIAL_DOCUMENT_IMAGE },
    { "image/avif", SOCIAL_DOCUMENT_IMAGE },
    { "image/svg+xml", SOCIAL_DOCUMENT_IMAGE },
    { "image/bmp", SOCIAL_DOCUMENT_IMAGE },
    { "video/mp4", SOCIAL_DOCUMENT_VIDEO },
    { "video/webm", SOCIAL_DOCUMENT_VIDEO },
    { "video/ogg", SOCIAL_DOCUMENT_VIDEO },
    { "audio/mpeg", SOCIAL_DOCUMENT_AUDIO },
    { "audio/ogg", SOCIAL_DOCUMENT_AUDIO },
    { "audio/wav", SOCIAL_DOCUMENT_AUDIO },
    { "audio/x-wav", SOCIAL_DOCUMENT_AUDIO },
    { "audio/webm", SOCIAL_DOCUMENT_AUDIO },
    { "audio/mp4", SOCIAL_DOCUMENT_AUDIO },
    { "audio/flac", SOCIAL_DOCUMENT_AUDIO },
    { "text/plain", SOCIAL_DOCUMENT_TEXT },
};

social_document_kind social_document_kind_of(const char *content_type)
{
    size_t len, k;

    if (content_type == NULL) {
        return SOCIAL_DOCUMENT_OTHER;
    }
    len = strcspn(content_type, ";");
    while (len > 0 && apr_isspace(content_type[len - 1])) {
        len--;
    }
    for (k = 0; k < sizeof(known_types) / sizeof(known_types[0]); k++) {
        if (strlen(known_types[k].type) == len
            && strncasecmp(content_type, known_types[k].type, len) == 0) {
            return known_types[k].kind;
        }
    }
    return SOCIAL_DOCUMENT_OTHER;
}

const char *social_document_kind_name(social_document_kind kind)
{
    switch (kind) {
    case SOCIAL_DOCUMENT_HTML: return "html";
    case SOCIAL_DOCUMENT_PDF: return "pdf";
    case SOCIAL_DOCUMENT_IMAGE: return "image";
    case SOCIAL_DOCUMENT_VIDEO: return "video";
    case SOCIAL_DOCUMENT_AUDIO: return "audio";
    case SOCIAL_DOCUMENT_TEXT: return "text";
    default: return "other";
    }
}

social_position_kind social_document_position_kind(social_document_kind kind)
{
    switch (kind) {
    case SOCIAL_DOCUMENT_PDF: return SOCIAL_POSITION_PAGE;
    case SOCIAL_DOCUMENT_VIDEO:
    case SOCIAL_DOCUMENT_AUDIO: return SOCIAL_POSITION_TIME;
    default: return SOCIAL_POSITION_NONE;
    }
}

const char *social_position_check(const social_position *pos, social_document_kind kind)
{
    social_position_kind takes = social_document_position_kind(kind);

    if (pos->kind == SOCIAL_POSITION_NONE) {
        return NULL;
    }
    if (takes == SOCIAL_POSITION_NONE) {
        return "this page takes no position: only audio, video (a time) and PDF "
               "(a page) do";
    }
    if (pos->kind != takes) {
        return takes == SOCIAL_POSITION_PAGE
            ? "a PDF takes a page number (position.page), not a time"
            : "audio and video take a time in seconds (position.t), not a page";
    }
    if (pos->kind == SOCIAL_POSITION_PAGE
        && (pos->value < 1 || pos->value > SOCIAL_POSITION_PAGE_MAX)) {
        return "the page must be a whole number from 1 to 100000";
    }
    if (pos->kind == SOCIAL_POSITION_TIME
        && (pos->value < 0 || pos->value > SOCIAL_POSITION_TIME_MAX)) {
        return "the time must be whole seconds from 0 to 359999 (99:59:59)";
    }
    return NULL;
}

/* Digits only, at most 6 of them, into *v; -1 otherwise. */
static int read_number(const char *s, size_t len, long *v)
{
    size_t k;

    if (len == 0 || len > 6) {
        return -1;
    }
    *v = 0;
    for (k = 0; k < len; k++) {
        if (!apr_isdigit(s[k])) {
            return -1;
        }
        *v = *v * 10 + (s[k] - '0');
    }
    return 0;
}

const char *social_position_parse_text(const char *text, social_document_kind kind,
                                       social_position *pos)
{
    social_position_kind takes = social_document_position_kind(kind);
    const char *s = text, *end;
    long parts[3];
    int n = 0;

    pos->kind = SOCIAL_POSITION_NONE;
    pos->value = 0;
    if (text == NULL) {
        return NULL;
    }
    while (apr_isspace(*s)) {
        s++;
    }
    end = s + strlen(s);
    while (end > s && apr_isspace(end[-1])) {
        end--;
    }
    if (end == s) {
        return NULL;
    }
    if (takes == SOCIAL_POSITION_NONE) {
        return "this page takes no position";
    }
    if (takes == SOCIAL_POSITION_PAGE) {
        if (read_number(s, (size_t)(end - s), &pos->value) != 0) {
            return "the page must be a whole number from 1 to 100000";
        }
        pos->kind = SOCIAL_POSITION_PAGE;
        return social_position_check(pos, kind);
    }
    /* seconds, m:ss or h:mm:ss */
    for (;;) {
        const char *colon = memchr(s, ':', (size_t)(end - s));
        const char *stop = colon ? colon : end;
        if (n == 3 || read_number(s, (size_t)(stop - s), &parts[n]) != 0
            || (n > 0 && (stop - s != 2 || parts[n] > 59))) {
            return "the time must be seconds (42) or minutes:seconds (0:42)";
        }
        n++;
        if (colon == NULL) {
            break;
        }
        s = colon + 1;
    }
    pos->kind = SOCIAL_POSITION_TIME;
    pos->value = n == 1 ? parts[0] : n == 2 ? parts[0] * 60 + parts[1]
                                            : parts[0] * 3600 + parts[1] * 60 + parts[2];
    return social_position_check(pos, kind);
}

const char *social_position_fragment(apr_pool_t *p, const social_position *pos)
{
    switch (pos->kind) {
    case SOCIAL_POSITION_TIME: return apr_psprintf(p, "t=%ld", pos->value);
    case SOCIAL_POSITION_PAGE: return apr_psprintf(p, "page=%ld", pos->value);
    default: return NULL;
    }
}

const char *social_position_label(apr_pool_t *p, const social_position *pos)
{
    long v = pos->value;

    switch (pos->kind) {
    case SOCIAL_POSITION_PAGE:
        return apr_psprintf(p, "page %ld", v);
    case SOCIAL_POSITION_TIME:
        return v >= 3600 ? apr_psprintf(p, "%ld:%02ld:%02ld", v / 3600, v / 60 % 60, v % 60)
                         : apr_psprintf(p, "%ld:%02ld", v / 60, v % 60);
    default:
        return NULL;
    }
}

const char *social_document_file_name(apr_pool_t *p, const char *key)
{
    size_t len = strlen(key);
    const char *slash;

    while (len > 1 && key[len - 1] == '/') {
        len--;
    }
    if (len <= 1) {
        return "/";
    }
    slash = key + len - 1;
    while (slash > key && *slash != '/') {
        slash--;
    }
    return apr_pstrmemdup(p, slash + 1, (size_t)(key + len - slash - 1));
}

void social_document_breadcrumbs(apr_pool_t *p, const char *key, apr_array_header_t *out)
{
    const char *s;
    size_t len = strlen(key);

    /* A folder's own key is not one of its crumbs. */
    while (len > 1 && key[len - 1] == '/') {
        len--;
    }
    *(const char **)apr_array_push(out) = "/";
    *(const char **)apr_array_push(out) = "Home";
    for (s = key + 1; s < key + len; ) {
        const char *slash = memchr(s, '/', (size_t)(key + len - s));
        if (slash == NULL) {
            break;
        }
        *(const char **)apr_array_push(out) = apr_pstrmemdup(p, key, (size_t)(slash - key + 1));
        *(const char **)apr_array_push(out) = apr_pstrmemdup(p, s, (size_t)(slash - s));
        s = slash + 1;
    }
}

const char *social_document_link_path(apr_pool_t *p, const char *page_key,
                                      const char *href, size_t len,
                                      const apr_array_header_t *extensions)
{
    size_t k, end = len, dot = 0, slash = 0;
    const char *folder_end;
    int listed = 0;

    for (k = 0; k < len; k++) {
        char c = href[k];
        if (c == '?' || c == '#') {
            end = k;
            break;
        }
        if (c == '&' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\'
            || (unsigned char)c <= 0x20 || (unsigned char)c == 0x7f) {
            return NULL;
        }
        if (c == ':' && slash == 0) {
            return NULL;   /* a scheme: another site, mailto:, javascript: */
        }
        if (c == '/') {
            slash = k + 1;
        }
        if (c == '.') {
            dot = k + 1;
        }
    }
    if (end == 0 || (end >= 2 && href[0] == '/' && href[1] == '/') || dot <= slash) {
        return NULL;
    }
    for (k = 0; extensions != NULL && k < (size_t)extensions->nelts && !listed; k++) {
        const char *ext = APR_ARRAY_IDX(extensions, k, const char *);
        listed = strlen(ext) == end - dot && strncasecmp(ext, href + dot, end - dot) == 0;
    }
    if (!listed) {
        return NULL;
    }
    if (href[0] == '/') {
        return apr_pstrmemdup(p, href, end);
    }
    folder_end = strrchr(page_key, '/');
    if (folder_end == NULL) {
        return NULL;
    }
    return apr_pstrcat(p, apr_pstrmemdup(p, page_key, (size_t)(folder_end - page_key + 1)),
                       apr_pstrmemdup(p, href, end), NULL);
}

/* ---- a PDF's title (its document information dictionary) ---- */

/* A byte span being read: [at, end). */
typedef struct {
    const char *at;
    const char *end;
} pdf_span;

static int pdf_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0';
}

static int pdf_delimiter(char c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']'
        || c == '{' || c == '}' || c == '/' || c == '%';
}

/* Skips white space and comments. */
static void pdf_skip_space(pdf_span *s)
{
    while (s->at < s->end) {
        if (pdf_space(*s->at)) {
            s->at++;
        }
        else if (*s->at == '%') {
            while (s->at < s->end && *s->at != '\n' && *s->at != '\r') {
                s->at++;
            }
        }
        else {
            break;
        }
    }
}

/* A non-negative integer of at most 9 digits; -1 if there is none. */
static long pdf_integer(pdf_span *s)
{
    long v = 0;
    int digits = 0;

    while (s->at < s->end && apr_isdigit(*s->at) && digits < 10) {
        v = v * 10 + (*s->at - '0');
        s->at++;
        digits++;
    }
    if (digits == 0 || digits > 9 || (s->at < s->end && !pdf_space(*s->at)
                                      && !pdf_delimiter(*s->at))) {
        return -1;
    }
    return v;
}

/* Reads "N G R" (an indirect reference); 0 if it is not one. */
static int pdf_reference(pdf_span *s, long *number, long *generation)
{
    pdf_span t = *s;

    pdf_skip_space(&t);
    if ((*number = pdf_integer(&t)) < 0) {
        return 0;
    }
    pdf_skip_space(&t);
    if ((*generation = pdf_integer(&t)) < 0) {
        return 0;
    }
    pdf_skip_space(&t);
    if (t.at >= t.end || *t.at != 'R'
        || (t.at + 1 < t.end && !pdf_space(t.at[1]) && !pdf_delimiter(t.at[1]))) {
        return 0;
    }
    s->at = t.at + 1;
    return 1;
}

/* The last place in s where needle starts, or NULL. */
static const char *pdf_last(const pdf_span *s, const char *needle)
{
    size_t n = strlen(needle);
    const char *p;

    if ((size_t)(s->end - s->at) < n) {
        return NULL;
    }
    for (p = s->end - n; p >= s->at; p--) {
        if (memcmp(p, needle, n) == 0) {
            return p;
        }
        if (p == s->at) {
            break;
        }
    }
    return NULL;
}

/* Where "N G obj" starts its dictionary in s (after the last definition
 * of that object there: an update appends the newer one), or NULL. */
static const char *pdf_object(const pdf_span *s, long number, long generation)
{
    char head[48];
    size_t n;
    pdf_span rest = *s;

    apr_snprintf(head, sizeof(head), "%ld %ld obj", number, generation);
    n = strlen(head);
    while (rest.at < rest.end) {
        const char *p = pdf_last(&rest, head);
        if (p == NULL) {
            return NULL;
        }
        if ((p == s->at || pdf_space(p[-1])) && (p + n == s->end || pdf_space(p[n])
                                                 || pdf_delimiter(p[n]))) {
            return p + n;
        }
        rest.end = p;
    }
    return NULL;
}

/* Skips one object (a value in a dictionary); 0 if it is malformed. */
static int pdf_skip_value(pdf_span *s, int depth)
{
    long number, generation;

    pdf_skip_space(s);
    if (s->at >= s->end || depth > 32) {
        return 0;
    }
    if (*s->at == '(') {
        int nest = 0;
        for (; s->at < s->end; s->at++) {
            if (*s->at == '\\') {
                s->at++;
            }
            else if (*s->at == '(') {
                nest++;
            }
            else if (*s->at == ')' && --nest == 0) {
                s->at++;
                return 1;
            }
        }
        return 0;
    }
    if (s->end - s->at >= 2 && s->at[0] == '<' && s->at[1] == '<') {
        s->at += 2;
        for (;;) {
            pdf_skip_space(s);
            if (s->end - s->at >= 2 && s->at[0] == '>' && s->at[1] == '>') {
                s->at += 2;
                return 1;
            }
            if (!pdf_skip_value(s, depth + 1)) {
                return 0;
            }
        }
    }
    if (*s->at == '<') {
        const char *close = memchr(s->at, '>', (size_t)(s->end - s->at));
        if (close == NULL) {
            return 0;
        }
        s->at = close + 1;
        return 1;
    }
    if (*s->at == '[') {
        s->at++;
        for (;;) {
            pdf_skip_space(s);
            if (s->at < s->end && *s->at == ']') {
                s->at++;
                return 1;
            }
            if (!pdf_skip_value(s, depth + 1)) {
                return 0;
            }
        }
    }
    if (pdf_reference(s, &number, &generation)) {
        return 1;
    }
    if (*s->at == '/') {
        s->at++;
    }
    else if (pdf_delimiter(*s->at)) {
        return 0;
    }
    /* a name, number, boolean or null: up to a delimiter */
    while (s->at < s->end && !pdf_space(*s->at) && !pdf_delimiter(*s->at)) {
        s->at++;
    }
    return 1;
}

/* A literal string "(...)" at s, its escapes undone; NULL if malformed. */
static char *pdf_literal(apr_pool_t *p, pdf_span *s, size_t *len)
{
    char *out = apr_palloc(p, (size_t)(s->end - s->at) + 1);
    size_t n = 0;
    int nest = 1;

    s->at++;
    while (s->at < s->end) {
        char c = *s->at++;
        if (c == '\\' && s->at < s->end) {
            char e = *s->at++;
            int k;
            switch (e) {
            case 'n': out[n++] = '\n'; break;
            case 'r': out[n++] = '\r'; break;
            case 't': out[n++] = '\t'; break;
            case 'b': out[n++] = '\b'; break;
            case 'f': out[n++] = '\f'; break;
            case '\r':
                if (s->at < s->end && *s->at == '\n') {
                    s->at++;
                }
                break;
            case '\n':
                break;
            default:
                if (e >= '0' && e <= '7') {
                    int v = e - '0';
                    for (k = 0; k < 2 && s->at < s->end && *s->at >= '0' && *s->at <= '7'; k++) {
                        v = v * 8 + (*s->at++ - '0');
                    }
                    out[n++] = (char)(v & 0xFF);
                }
                else {
                    out[n++] = e;   /* \( \) \\ and any other: the character */
                }
            }
            continue;
        }
        if (c == '(') {
            nest++;
        }
        else if (c == ')' && --nest == 0) {
            *len = n;
            out[n] = '\0';
            return out;
        }
        out[n++] = c;
    }
    return NULL;
}

/* A hex string "<...>" at s; NULL if malformed. */
static char *pdf_hex(apr_pool_t *p, pdf_span *s, size_t *len)
{
    char *out = apr_palloc(p, (size_t)(s->end - s->at) / 2 + 2);
    size_t n = 0;
    int half = -1;

    s->at++;
    while (s->at < s->end) {
        char c = *s->at++;
        int v;
        if (c == '>') {
            if (half >= 0) {
                out[n++] = (char)(half << 4);
            }
            *len = n;
            out[n] = '\0';
            return out;
        }
        if (pdf_space(c)) {
            continue;
        }
        if (!apr_isxdigit(c)) {
            return NULL;
        }
        v = apr_isdigit(c) ? c - '0' : (apr_tolower(c) - 'a' + 10);
        if (half < 0) {
            half = v;
        }
        else {
            out[n++] = (char)((half << 4) | v);
            half = -1;
        }
    }
    return NULL;
}

/* UTF-16BE (after its byte order mark) as UTF-8; unpaired surrogates
 * become U+FFFD. */
static char *pdf_utf16(apr_pool_t *p, const unsigned char *s, size_t n, size_t *len)
{
    char *out = apr_palloc(p, n * 2 + 4);
    size_t k, o = 0;

    for (k = 0; k + 1 < n; k += 2) {
        unsigned long cp = ((unsigned long)s[k] << 8) | s[k + 1];
        if (cp >= 0xD800 && cp <= 0xDBFF && k + 3 < n
            && s[k + 2] >= 0xDC && s[k + 2] <= 0xDF) {
            unsigned long low = ((unsigned long)s[k + 2] << 8) | s[k + 3];
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            k += 2;
        }
        else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        if (cp < 0x80) {
            out[o++] = (char)cp;
        }
        else if (cp < 0x800) {
            out[o++] = (char)(0xC0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
        else if (cp < 0x10000) {
            out[o++] = (char)(0xE0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
        else {
            out[o++] = (char)(0xF0 | (cp >> 18));
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[o] = '\0';
    *len = o;
    return out;
}

/* The /Title string of the dictionary starting at s ("<<"); NULL if it
 * has none or it is not a direct string. */
static char *pdf_dictionary_title(apr_pool_t *p, pdf_span *s, size_t *len)
{
    pdf_skip_space(s);
    if (s->end - s->at < 2 || s->at[0] != '<' || s->at[1] != '<') {
        return NULL;
    }
    s->at += 2;
    for (;;) {
        const char *name;
        size_t name_len;

        pdf_skip_space(s);
        if (s->at >= s->end || *s->at != '/') {
            return NULL;   /* ">>", or not a dictionary we can read */
        }
        name = ++s->at;
        while (s->at < s->end && !pdf_space(*s->at) && !pdf_delimiter(*s->at)) {
            s->at++;
        }
        name_len = (size_t)(s->at - name);
        pdf_skip_space(s);
        if (name_len == 5 && memcmp(name, "Title", 5) == 0 && s->at < s->end) {
            if (*s->at == '(') {
                return pdf_literal(p, s, len);
            }
            if (*s->at == '<' && (s->end - s->at < 2 || s->at[1] != '<')) {
                return pdf_hex(p, s, len);
            }
            return NULL;
        }
        if (!pdf_skip_value(s, 0)) {
            return NULL;
        }
    }
}

const char *social_document_pdf_title(apr_pool_t *p, const char *head, size_t head_len,
                                      const char *tail, size_t tail_len, size_t *len,
                                      const char **charset)
{
    pdf_span in_tail = { tail, tail + tail_len }, in_head = { head, head + head_len };
    pdf_span s;
    const char *info, *object;
    long number, generation;
    char *raw;
    size_t n = 0;

    *len = 0;
    *charset = NULL;
    if (head_len < 5 || memcmp(head, "%PDF-", 5) != 0) {
        return NULL;
    }
    /* The last trailer (or cross-reference stream dictionary) names it. */
    info = pdf_last(&in_tail, "/Info");
    if (info == NULL) {
        return NULL;
    }
    s.at = info + 5;
    s.end = in_tail.end;
    if (!pdf_reference(&s, &number, &generation)) {
        return NULL;
    }
    object = pdf_object(&in_tail, number, generation);
    s.end = in_tail.end;
    if (object == NULL) {
        object = pdf_object(&in_head, number, generation);
        s.end = in_head.end;
    }
    if (object == NULL) {
        return NULL;   /* not in the bytes read, or in an object stream */
    }
    s.at = object;
    raw = pdf_dictionary_title(p, &s, &n);
    if (raw == NULL || n == 0) {
        return NULL;
    }
    if (n >= 2 && (unsigned char)raw[0] == 0xFE && (unsigned char)raw[1] == 0xFF) {
        *charset = "utf-8";
        return pdf_utf16(p, (const unsigned char *)raw + 2, n - 2, len);
    }
    if (n >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0) {
        *charset = "utf-8";   /* PDF 2.0 */
        *len = n - 3;
        return raw + 3;
    }
    /* PDFDocEncoding: Latin-1 above 0xA0, near enough below */
    *charset = "windows-1252";
    *len = n;
    return raw;
}
