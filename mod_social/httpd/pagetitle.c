/* pagetitle.c: a page's title as httpd serves it (see pagetitle.h).
 *
 * Why after an action, not on a page view: an action (comment, like,
 * share, vote, lock) already asked httpd about the page and writes the
 * page's row anyway; one more subrequest there costs a file read and an
 * UPDATE that usually matches nothing. A page view writes nothing for
 * this, so the cached hot path stays as it was, and a title that changed
 * on disk is seen at the next action on the page. With a cache, the file
 * is read only when its time or size changed since its title was noted.
 */
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_xlate.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include "fragcache.h"
#include "pagetitle.h"
#include "request.h"
#include "served.h"
#include "store.h"
#include "text.h"
#include "title.h"

APLOG_USE_MODULE(social);

/* The page's bytes: fed to the title scanner until it has the title. */
static int title_take(void *ctx, const char *data, apr_size_t len)
{
    return data == NULL || social_title_scan_feed(ctx, data, len);
}

/* raw in charset (not one social_title_clean reads itself) as UTF-8;
 * NULL if it cannot be converted. */
static const char *convert(request_rec *r, const char *charset, const char *raw,
                           apr_size_t *len)
{
    apr_xlate_t *x;
    apr_size_t in = *len, room = *len * 4 + 16, left = room;
    char *out = apr_palloc(r->pool, room);

    if (apr_xlate_open(&x, "UTF-8", charset, r->pool) != APR_SUCCESS) {
        return NULL;
    }
    if (apr_xlate_conv_buffer(x, raw, &in, out, &left) != APR_SUCCESS) {
        apr_xlate_close(x);
        return NULL;
    }
    apr_xlate_close(x);
    *len = room - left;
    return out;
}

static int charset_known(const char *charset)
{
    return charset == NULL || strcmp(charset, "utf-8") == 0 || strcmp(charset, "utf8") == 0
        || strcmp(charset, "iso-8859-1") == 0 || strcmp(charset, "us-ascii") == 0
        || strcmp(charset, "windows-1252") == 0 || strcmp(charset, "latin1") == 0;
}

int social_pagetitle_read(request_rec *r, const char *path, const char **title)
{
    social_title_scan *scan = social_title_scan_make(r->pool);
    const char *raw, *charset, *content_type = NULL;
    apr_size_t len = 0;
    size_t raw_len = 0;
    int status = 0, served;

    *title = NULL;
    served = social_served_read(r, path, title_take, scan, &content_type, &status);
    if (served == -1) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL1400: no title read for %s: not served as a file (status %d)",
                      path, status);
        return -1;
    }
    if (served != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL1401: no title read for %s: serving it gave %d", path, status);
        return -1;
    }
    charset = content_type ? social_text_charset(r->pool, content_type) : NULL;
    raw = social_title_scan_raw(scan, &raw_len);
    if (raw == NULL) {
        return 0;
    }
    len = raw_len;
    if (!charset_known(charset)) {
        raw = convert(r, charset, raw, &len);
        if (raw == NULL) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                          "SOCIAL1402: the title of %s is not read: its charset %s "
                          "cannot be converted to UTF-8", path, charset);
            return -1;
        }
        charset = "utf-8";
    }
    else if (charset != NULL && strcmp(charset, "latin1") == 0) {
        charset = "iso-8859-1";
    }
    *title = social_title_clean(r->pool, raw, len, charset);
    return 0;
}

/* A document's file name as people read it: its %XX escapes decoded
 * when that gives UTF-8 text, else as the key spells it. */
static const char *document_name(request_rec *r, const char *key)
{
    const char *name = social_document_file_name(r->pool, key);
    char *decoded = apr_pstrdup(r->pool, name);
    size_t k;

    if (ap_unescape_url(decoded) != OK || !social_text_utf8_valid(decoded, strlen(decoded))) {
        return name;
    }
    for (k = 0; decoded[k] != '\0'; k++) {
        if ((unsigned char)decoded[k] < 0x20 || decoded[k] == 0x7f) {
            return name;
        }
    }
    return decoded;
}

/* How much of a PDF's start and of its end is read for its title. */
#define PDF_TITLE_READ (64 * 1024)

/* Reads up to want bytes at offset of f into a new buffer. */
static char *file_part(request_rec *r, apr_file_t *f, apr_off_t offset, apr_size_t want,
                       apr_size_t *got, apr_status_t *rv)
{
    char *buf = apr_palloc(r->pool, want ? want : 1);

    *got = 0;
    *rv = apr_file_seek(f, APR_SET, &offset);
    if (*rv == APR_SUCCESS) {
        *rv = apr_file_read_full(f, buf, want, got);
        if (*rv == APR_EOF) {
            *rv = APR_SUCCESS;
        }
    }
    return buf;
}

/* The title a PDF at key gives itself (its Info dictionary's /Title, in
 * its first and last 64 KB), cleaned; NULL if it has none we can read. */
static const char *pdf_title(request_rec *r, const char *key)
{
    const char *filename = social_request_page_file(r, key);
    const char *raw, *charset;
    apr_file_t *f;
    apr_finfo_t finfo;
    apr_status_t rv;
    apr_size_t head_len = 0, tail_len = 0;
    size_t len = 0;
    char *head, *tail;

    if (filename == NULL) {
        return NULL;
    }
    rv = apr_file_open(&f, filename, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, r->pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&finfo, APR_FINFO_SIZE, f);
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r,
                      "SOCIAL2221: the PDF %s (%s) could not be read for its title; "
                      "it is named by its file name", key, filename);
        return NULL;
    }
    head = file_part(r, f, 0, PDF_TITLE_READ, &head_len, &rv);
    if (rv == APR_SUCCESS && finfo.size > PDF_TITLE_READ) {
        tail = file_part(r, f, finfo.size - PDF_TITLE_READ, PDF_TITLE_READ, &tail_len, &rv);
    }
    else {
        tail = head;
        tail_len = head_len;
    }
    apr_file_close(f);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r,
                      "SOCIAL2221: the PDF %s (%s) could not be read for its title; "
                      "it is named by its file name", key, filename);
        return NULL;
    }
    raw = social_document_pdf_title(r->pool, head, head_len, tail, tail_len, &len, &charset);
    if (raw == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL2222: the PDF %s has no title in its first or last %d KB "
                      "(or only in a compressed object); it is named by its file name",
                      key, PDF_TITLE_READ / 1024);
        return NULL;
    }
    return social_title_clean(r->pool, raw, len, charset);
}

/* How long a noted title stands for the same file (same time and size). */
#define TITLE_NOTED_TTL apr_time_from_sec(86400)

void social_pagetitle_note(request_rec *r, const char *key)
{
    const char *title = NULL, *noted = NULL;
    social_document_kind kind;
    social_store_status st;
    apr_time_t mtime;
    apr_off_t size;

    if (key == NULL) {
        return;
    }
    /* The file as it was when its title was last noted: nothing to read
     * or write (the request has asked httpd about it already). */
    if (social_request_page_stamp(r, key, &mtime, &size)) {
        noted = apr_psprintf(r->pool, "t\n%s\n%s\n%" APR_TIME_T_FMT "\n%" APR_OFF_T_FMT,
                             social_fragcache_vhost(r), key, mtime, size);
        if (social_fragcache_remembered(r, noted, TITLE_NOTED_TTL) == 1) {
            return;
        }
    }
    kind = social_request_page_kind(r, key, NULL);
    if (kind != SOCIAL_DOCUMENT_HTML) {
        /* A document (PDF, video, ...) is named by its file name: its
         * bytes hold no <title> and may be large. A PDF may name itself
         * in its Info dictionary, read from its two ends only. */
        title = kind == SOCIAL_DOCUMENT_PDF ? pdf_title(r, key) : NULL;
        if (title == NULL) {
            title = document_name(r, key);
        }
    }
    else if (social_pagetitle_read(r, key, &title) != 0) {
        return;
    }
    st = social_store_page_title_set(r, key, title);
    if (st != SOCIAL_STORE_OK) {
        if (noted != NULL) {
            social_fragcache_forget(r, noted);
        }
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL1403: the title of %s was not stored (the database failed); "
                      "lists show its path until the next action on it", key);
    }
}
