/* document.h: files that are not HTML pages (PDFs, images, media, text)
 * and the places inside them a comment can point at.
 *
 * Pure code, no httpd: what kind of document a content type is, how a
 * document's page names it (its file name, the folders above it), and a
 * comment's position (a time in audio or video, a page of a PDF): read
 * from the JSON API or a form, checked, and written as the URL fragment
 * that opens the document there (#t=42, #page=3). */
#ifndef SOCIAL_DOCUMENT_H
#define SOCIAL_DOCUMENT_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef enum {
    SOCIAL_DOCUMENT_HTML = 0,  /* a page the filter serves (or a listing) */
    SOCIAL_DOCUMENT_PDF,
    SOCIAL_DOCUMENT_IMAGE,
    SOCIAL_DOCUMENT_VIDEO,
    SOCIAL_DOCUMENT_AUDIO,
    SOCIAL_DOCUMENT_TEXT,
    SOCIAL_DOCUMENT_OTHER      /* offered for download only */
} social_document_kind;

/* The kind of a file served with content_type (parameters and case
 * ignored; NULL is OTHER). Images, video and audio are only those types
 * browsers show or play themselves. */
social_document_kind social_document_kind_of(const char *content_type);

/* "pdf", "image", "video", "audio", "text", "html", "other". */
const char *social_document_kind_name(social_document_kind kind);

/* A comment's place in a document. */
typedef enum {
    SOCIAL_POSITION_NONE = 0,
    SOCIAL_POSITION_TIME,      /* seconds from the start (audio, video) */
    SOCIAL_POSITION_PAGE       /* page number, from 1 (PDF) */
} social_position_kind;

typedef struct {
    social_position_kind kind;
    long value;
} social_position;

/* Largest time (seconds: 99:59:59) and page number a position holds. */
#define SOCIAL_POSITION_TIME_MAX 359999L
#define SOCIAL_POSITION_PAGE_MAX 100000L

/* The position kind a document of kind takes: TIME for audio and video,
 * PAGE for PDF, NONE for the rest. */
social_position_kind social_document_position_kind(social_document_kind kind);

/* Reads a position typed into a form for a document of kind: a page
 * number ("3"), or a time as seconds ("42") or [h:]m:ss ("0:42",
 * "1:02:03"). Blank text is no position. Returns NULL with *pos set, or
 * why the text is refused. */
const char *social_position_parse_text(const char *text, social_document_kind kind,
                                       social_position *pos);

/* Checks a position given as a JSON member ({"t": N} or {"page": N},
 * already read into pos) for a document of kind. Returns NULL or why it
 * is refused. */
const char *social_position_check(const social_position *pos, social_document_kind kind);

/* The URL fragment that opens the document there, without '#': "t=42",
 * "page=3"; NULL for no position. */
const char *social_position_fragment(apr_pool_t *p, const social_position *pos);

/* How a person reads the position: "page 3", "0:42", "1:02:03". */
const char *social_position_label(apr_pool_t *p, const social_position *pos);

/* The file name of a page key ("/training/safety.pdf" -> "safety.pdf";
 * a folder "/training/" -> "training"; "/" -> "/"). */
const char *social_document_file_name(apr_pool_t *p, const char *key);

/* The folders above a page key, outermost first, as pairs of path and
 * name in out (char *): "/", "Home"; "/training/", "training"; ... The
 * key itself is not included. */
void social_document_breadcrumbs(apr_pool_t *p, const char *key, apr_array_header_t *out);

/* The path a link in the page page_key points to, if it names a file
 * with one of the extensions (const char *, lower case): href (raw, as
 * written in the page) is a path on this site, absolute ("/a/b.pdf") or
 * relative to the page's folder ("b.pdf", "../a/b.pdf"); its query and
 * fragment are dropped. NULL for another site ("https:", "//host"), a
 * mail or script link, an extension not listed, or an href holding an
 * entity, white space or quotes. Dot segments are left for the caller's
 * canonical key (social_text_page_key). */
const char *social_document_link_path(apr_pool_t *p, const char *page_key,
                                      const char *href, size_t len,
                                      const apr_array_header_t *extensions);

/* The title a PDF gives itself: the /Title of its document information
 * dictionary (the trailer's /Info), read from its first bytes (head) and
 * its last bytes (tail, which may be the same bytes), without a PDF
 * library: only an Info dictionary written as plain text in those bytes
 * (not in a compressed object stream) and a direct string (literal or
 * hex). Returns the title's bytes (*len of them, not cleaned) with
 * *charset "utf-8" (a UTF-16 or UTF-8 string) or "windows-1252"
 * (PDFDocEncoding, read as such), or NULL if there is none. */
const char *social_document_pdf_title(apr_pool_t *p, const char *head, size_t head_len,
                                      const char *tail, size_t tail_len, size_t *len,
                                      const char **charset);

#endif /* SOCIAL_DOCUMENT_H */
