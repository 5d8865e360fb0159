/* documents.c: {base}/discuss?page=PATH, the discussion of any file
 * httpd serves where Social is on.
 *
 * The discussion's key is the file's own URL path, so a link to the file
 * and a link to its discussion meet in one place; who may read it is
 * exactly who may read the file (social_request_page: a subrequest to
 * the file, so a <Files> or <Directory> stricter than the endpoint's
 * decides). A missing file is 404 and nothing is written. An HTML page
 * has its discussion in the page itself: the answer is a redirect there.
 */
#include <string.h>

#include <apr_strings.h>
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>

#include "discussion.h"
#include "document.h"
#include "documents.h"
#include "render.h"
#include "request.h"
#include "text.h"

APLOG_USE_MODULE(social);

typedef struct {
    request_rec *r;
    const social_page *pg;
    social_document_kind kind;
    const char *content_type;
    apr_off_t size;             /* -1: unknown */
    const char *block;          /* the discussion block, as the filter inserts it */
} discuss_data;

/* The size for people: bytes in the reader's language l, KB and MB as
 * the symbols every language writes. */
static const char *size_words(apr_pool_t *p, const social_i18n_lang *l, apr_off_t size)
{
    if (size < 0) {
        return NULL;
    }
    if (size < 1024) {
        return social_i18n_format(p, l, "documents.size_bytes", (apr_int64_t)size, NULL);
    }
    if (size < 1024 * 1024) {
        return apr_psprintf(p, "%" APR_OFF_T_FMT " KB", (size + 1023) / 1024);
    }
    return apr_psprintf(p, "%.1f MB", (double)size / (1024.0 * 1024.0));
}

static void discuss_fill(social_render_data *data, void *ctx)
{
    discuss_data *d = ctx;
    request_rec *r = d->r;
    social_render_data *s = social_render_child(data, "Social");
    social_render_data *doc = social_render_child(data, "Document");
    apr_array_header_t *crumbs = apr_array_make(r->pool, 8, sizeof(const char *));
    int k;

    social_render_set(s, "endpoint", social_config_srv(r->server)->endpoint);
    social_render_set(s, "version", SOCIAL_VERSION);
    social_render_set(doc, "href", d->pg->key);
    social_render_set(doc, "name", social_document_file_name(r->pool, d->pg->key));
    social_render_set(doc, "kind", social_document_kind_name(d->kind));
    social_render_set(doc, "type", d->content_type);
    social_render_set(doc, "size", size_words(r->pool, social_request_lang(r), d->size));
    social_render_set(doc, "block", d->block);
    social_document_breadcrumbs(r->pool, d->pg->key, crumbs);
    for (k = 0; k + 1 < crumbs->nelts; k += 2) {
        social_render_data *c = social_render_child(doc, "crumbs.%d", k / 2);
        social_render_set(c, "href", APR_ARRAY_IDX(crumbs, k, const char *));
        social_render_set(c, "name", APR_ARRAY_IDX(crumbs, k + 1, const char *));
    }
}

/* Nonzero if a segment of path is "..", however it is spelled (a dot
 * may be written %2e). */
static int climbs(const char *path)
{
    const char *s = path;

    while (*s != '\0') {
        const char *end = s + strcspn(s, "/");
        const char *p = s;
        int dots = 0;

        while (p < end) {
            if (*p == '.') {
                p++;
            }
            else if (end - p >= 3 && p[0] == '%' && p[1] == '2' && (p[2] == 'e' || p[2] == 'E')) {
                p += 3;
            }
            else {
                break;
            }
            dots++;
        }
        if (p == end && dots == 2) {
            return 1;
        }
        s = *end == '/' ? end + 1 : end;
    }
    return 0;
}

/* A refused discuss page: the message page, logged with id. */
static int discuss_refuse(request_rec *r, int status, const char *message, const char *id)
{
    social_result res;

    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "%s: discussion of %s refused with %d: %s",
                  id, r->args ? r->args : "(no page)", status, message);
    social_result_page(&res, status, message);
    res.log_id = id;
    return social_result_send(r, &res, 1, NULL);
}

int social_documents_discuss_page(request_rec *r)
{
    apr_array_header_t *asked = social_request_query_values(r, "page");
    const char *path = asked->nelts == 1 ? APR_ARRAY_IDX(asked, 0, const char *) : NULL;
    const char *message = NULL, *error = NULL, *inner;
    social_page pg;
    social_render_page block;
    discuss_data d;
    apr_time_t mtime;
    apr_size_t len = 0;
    int status;

    if (path == NULL || *path == '\0') {
        return discuss_refuse(r, HTTP_BAD_REQUEST, asked->nelts > 1
                              ? SOCIAL_MSG(r, "documents.err_one_file")
                              : SOCIAL_MSG(r, "documents.err_no_file"),
                              "SOCIAL2201");
    }
    if (path[0] != '/' || strpbrk(path, "?#") != NULL) {
        return discuss_refuse(r, HTTP_BAD_REQUEST,
                              SOCIAL_MSG(r, "documents.err_path"), "SOCIAL2202");
    }
    if (climbs(path)) {
        return discuss_refuse(r, HTTP_BAD_REQUEST,
                              SOCIAL_MSG(r, "documents.err_dotdot"),
                              "SOCIAL2205");
    }
    status = social_request_page(r, path, &pg, &message);
    if (status == HTTP_UNAUTHORIZED && social_request_page_challenge(r, path)) {
        /* As httpd answers for the file itself: its own challenge, so a
         * browser asks for that password and comes back here. */
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL2220: discussion of %s needs the file's own login; "
                      "answering 401 with its challenge", path);
    }
    if (status != 0) {
        return discuss_refuse(r, status, message, "SOCIAL2203");
    }
    memset(&d, 0, sizeof(d));
    d.r = r;
    d.pg = &pg;
    d.kind = social_request_page_kind(r, pg.key, &d.content_type);
    if (d.kind == SOCIAL_DOCUMENT_HTML) {
        /* A page (or a folder) carries its discussion itself. */
        apr_table_setn(r->headers_out, "Location", apr_pstrcat(r->pool, pg.key, "#social", NULL));
        return HTTP_SEE_OTHER;
    }
    d.size = -1;
    if (social_request_page_stamp(r, pg.key, &mtime, &d.size) == 0) {
        d.size = -1;
    }
    /* The block the output filter inserts into pages, rendered here. */
    inner = social_thread_html(r, pg.dc, &pg.who, pg.key, SOCIAL_THREAD_RENDER_ROOTS,
                               social_request_notice(r), &len, &error);
    if (inner == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL2204: rendering the discussion of %s failed (%s); "
                      "the widget will load it instead", pg.key, error);
        len = 0;
    }
    memset(&block, 0, sizeof(block));
    block.endpoint = social_config_srv(r->server)->endpoint;
    block.version = SOCIAL_VERSION;
    block.page_key = pg.key;
    block.inner = inner;
    block.inner_len = len;
    block.live = social_config_live_interval(pg.dc);
    d.block = social_render_block(r->pool, &block, &len);
    return social_request_template_send(r, "discuss.cs", discuss_fill, &d);
}
