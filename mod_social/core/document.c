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
