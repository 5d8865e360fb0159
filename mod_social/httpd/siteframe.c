/* siteframe.c: the module's own pages inside the site's frame (see
 * siteframe.h). The frame is a page of the site served as a file (any
 * resource filters applied, e.g. SSI), read with a subrequest that gets
 * nothing of the client's Host or forwarded headers. */
#include <string.h>

#include <apr_strings.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include "config.h"
#include "frame.h"
#include "siteframe.h"

APLOG_USE_MODULE(social);

#define FRAME_FILTER "SOCIAL_SITEFRAME"

static ap_filter_rec_t *frame_filter_handle;

typedef struct {
    apr_pool_t *pool;
    char *data;
    apr_size_t len;
    int too_large;
} frame_ctx;

/* The subrequest's output, kept (up to SOCIAL_SITEFRAME_MAX); nothing
 * goes further down the chain. */
static apr_status_t frame_capture(ap_filter_t *f, apr_bucket_brigade *bb)
{
    frame_ctx *ctx = f->ctx;
    apr_bucket *b;

    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb) && !ctx->too_large;
         b = APR_BUCKET_NEXT(b)) {
        const char *data;
        apr_size_t len;
        char *grown;

        if (APR_BUCKET_IS_METADATA(b)) {
            continue;
        }
        if (apr_bucket_read(b, &data, &len, APR_BLOCK_READ) != APR_SUCCESS) {
            ctx->too_large = 1;
            break;
        }
        if (ctx->len + len > SOCIAL_SITEFRAME_MAX) {
            ctx->too_large = 1;
            break;
        }
        grown = apr_palloc(ctx->pool, ctx->len + len + 1);
        memcpy(grown, ctx->data, ctx->len);
        memcpy(grown + ctx->len, data, len);
        ctx->len += len;
        grown[ctx->len] = '\0';
        ctx->data = grown;
    }
    apr_brigade_cleanup(bb);
    return APR_SUCCESS;
}

void social_siteframe_register_hooks(apr_pool_t *p)
{
    (void)p;
    frame_filter_handle = ap_register_output_filter(FRAME_FILTER, frame_capture, NULL,
                                                    AP_FTYPE_CONTENT_SET - 1);
}

/* What the subrequest must not see (see pagetitle.c). */
static const char *const dropped_headers[] = {
    "Host", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
    "X-Forwarded-Server", "X-Forwarded-Port", "X-Real-IP", "Range", "If-Range",
    "If-Modified-Since", "If-Unmodified-Since", "If-None-Match", "If-Match",
    "Accept-Encoding",
};

char *social_siteframe_wrap(request_rec *r, const char *html, apr_size_t len,
                            apr_size_t *out_len, const char **content_type)
{
    const char *path = social_config_srv(r->server)->site_frame;
    request_rec *sub;
    frame_ctx ctx;
    char *out;
    int status, k;

    if (path == NULL) {
        return NULL;
    }
    sub = ap_sub_req_lookup_uri(path, r, NULL);
    if (sub->status != HTTP_OK
        || (sub->handler != NULL && strcmp(sub->handler, "default-handler") != 0)
        || sub->finfo.filetype != APR_REG) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "SOCIAL1500: SocialSiteFrame %s is not a page served as a file "
                      "(status %d); the module's page is sent without it", path, sub->status);
        ap_destroy_sub_req(sub);
        return NULL;
    }
    sub->headers_in = apr_table_copy(sub->pool, sub->headers_in);
    for (k = 0; k < (int)(sizeof(dropped_headers) / sizeof(dropped_headers[0])); k++) {
        apr_table_unset(sub->headers_in, dropped_headers[k]);
    }
    sub->hostname = r->server->server_hostname;
    memset(&ctx, 0, sizeof(ctx));
    ctx.pool = r->pool;
    ctx.data = "";
    ap_add_output_filter_handle(frame_filter_handle, &ctx, sub, sub->connection);
    status = ap_run_sub_req(sub);
    *content_type = sub->content_type ? apr_pstrdup(r->pool, sub->content_type) : NULL;
    if (status != OK || sub->status != HTTP_OK || ctx.too_large || *content_type == NULL
        || strncasecmp(*content_type, "text/html", 9) != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "SOCIAL1501: SocialSiteFrame %s could not be used (status %d%s%s); "
                      "the module's page is sent without it", path,
                      status != OK ? status : sub->status,
                      ctx.too_large ? ", larger than 512 KB" : "",
                      *content_type && strncasecmp(*content_type, "text/html", 9) != 0
                      ? ", not text/html" : "");
        ap_destroy_sub_req(sub);
        return NULL;
    }
    ap_destroy_sub_req(sub);
    out = social_frame_compose(r->pool, ctx.data, ctx.len, html, len, out_len);
    if (out == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "SOCIAL1502: SocialSiteFrame %s: the page could not be set in it; "
                      "sent without it", path);
    }
    return out;
}
