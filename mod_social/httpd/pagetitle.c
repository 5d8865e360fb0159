/* pagetitle.c: a page's title as httpd serves it (see pagetitle.h).
 *
 * Why after an action, not on a page view: an action (comment, like,
 * share, vote, lock) already asked httpd about the page and writes the
 * page's row anyway; one more subrequest there costs a file read and an
 * UPDATE that usually matches nothing. A page view writes nothing for
 * this, so the cached hot path stays as it was, and a title that changed
 * on disk is seen at the next action on the page.
 */
#include <string.h>

#include <apr_strings.h>
#include <apr_xlate.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include "pagetitle.h"
#include "store.h"
#include "text.h"
#include "title.h"

APLOG_USE_MODULE(social);

#define TITLE_FILTER "SOCIAL_TITLE"

static ap_filter_rec_t *title_filter_handle;

typedef struct {
    social_title_scan *scan;
    int done;
} capture_ctx;

/* The subrequest's output: read until the scanner has the title, then
 * everything is dropped; nothing goes further down the chain. */
static apr_status_t capture_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    capture_ctx *ctx = f->ctx;
    apr_bucket *b;

    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb) && !ctx->done;
         b = APR_BUCKET_NEXT(b)) {
        const char *data;
        apr_size_t len;

        if (APR_BUCKET_IS_METADATA(b)) {
            continue;
        }
        if (apr_bucket_read(b, &data, &len, APR_BLOCK_READ) != APR_SUCCESS) {
            ctx->done = 1;
            break;
        }
        ctx->done = social_title_scan_feed(ctx->scan, data, len);
    }
    apr_brigade_cleanup(bb);
    return APR_SUCCESS;
}

void social_pagetitle_register_hooks(apr_pool_t *p)
{
    (void)p;
    /* After the resource filters (mod_include's INCLUDES: the page as
     * served), before the subrequest's end (SUBREQ_CORE). */
    title_filter_handle = ap_register_output_filter(TITLE_FILTER, capture_filter, NULL,
                                                    AP_FTYPE_CONTENT_SET - 1);
}

/* Headers the subrequest must not see: nothing from the client's idea of
 * the host (Host, forwarded headers) may reach a page that echoes it
 * (SSI), and nothing may make it partial or conditional. */
static const char *const dropped_headers[] = {
    "Host", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
    "X-Forwarded-Server", "X-Forwarded-Port", "X-Real-IP", "Range", "If-Range",
    "If-Modified-Since", "If-Unmodified-Since", "If-None-Match", "If-Match",
    "Accept-Encoding",
};

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
    request_rec *sub;
    capture_ctx ctx;
    const char *raw, *charset;
    apr_size_t len = 0;
    size_t raw_len = 0;
    int status, k;

    *title = NULL;
    sub = ap_sub_req_lookup_uri(path, r, NULL);
    /* Only what httpd serves as a file (through any resource filters):
     * a page made by a program is not run again for its title. */
    if (sub->status != HTTP_OK
        || (sub->handler != NULL && strcmp(sub->handler, "default-handler") != 0)
        || sub->finfo.filetype != APR_REG) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL1400: no title read for %s: not served as a file (status %d)",
                      path, sub->status);
        ap_destroy_sub_req(sub);
        return -1;
    }
    sub->headers_in = apr_table_copy(sub->pool, sub->headers_in);
    for (k = 0; k < (int)(sizeof(dropped_headers) / sizeof(dropped_headers[0])); k++) {
        apr_table_unset(sub->headers_in, dropped_headers[k]);
    }
    sub->hostname = r->server->server_hostname;
    memset(&ctx, 0, sizeof(ctx));
    ctx.scan = social_title_scan_make(r->pool);
    ap_add_output_filter_handle(title_filter_handle, &ctx, sub, sub->connection);
    status = ap_run_sub_req(sub);
    if (status != OK || sub->status != HTTP_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL1401: no title read for %s: serving it gave %d",
                      path, status != OK ? status : sub->status);
        ap_destroy_sub_req(sub);
        return -1;
    }
    charset = sub->content_type ? social_text_charset(r->pool, sub->content_type) : NULL;
    ap_destroy_sub_req(sub);
    raw = social_title_scan_raw(ctx.scan, &raw_len);
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

void social_pagetitle_note(request_rec *r, const char *key)
{
    const char *title = NULL;
    social_store_status st;

    if (key == NULL || social_pagetitle_read(r, key, &title) != 0) {
        return;
    }
    st = social_store_page_title_set(r, key, title);
    if (st != SOCIAL_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL1403: the title of %s was not stored (the database failed); "
                      "lists show its path until the next action on it", key);
    }
}
