/* siteframe.c: the module's own pages inside the site's frame (see
 * siteframe.h). The frame is a page of the site read as httpd serves it
 * (served.c). */
#include <string.h>

#include <apr_strings.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include "config.h"
#include "frame.h"
#include "served.h"
#include "siteframe.h"

APLOG_USE_MODULE(social);

typedef struct {
    apr_pool_t *pool;
    char *data;
    apr_size_t len;
    int too_large;            /* or unreadable */
} frame_ctx;

/* The frame's bytes, kept up to SOCIAL_SITEFRAME_MAX. */
static int frame_take(void *c, const char *data, apr_size_t len)
{
    frame_ctx *ctx = c;
    char *grown;

    if (data == NULL || ctx->len + len > SOCIAL_SITEFRAME_MAX) {
        ctx->too_large = 1;
        return 1;
    }
    grown = apr_palloc(ctx->pool, ctx->len + len + 1);
    memcpy(grown, ctx->data, ctx->len);
    memcpy(grown + ctx->len, data, len);
    ctx->len += len;
    grown[ctx->len] = '\0';
    ctx->data = grown;
    return 0;
}

char *social_siteframe_wrap(request_rec *r, const char *html, apr_size_t len,
                            apr_size_t *out_len, const char **content_type)
{
    const char *path = social_config_srv(r->server)->site_frame;
    frame_ctx ctx;
    char *out;
    int status = 0, served;

    if (path == NULL) {
        return NULL;
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.pool = r->pool;
    ctx.data = "";
    served = social_served_read(r, path, frame_take, &ctx, content_type, &status);
    if (served == -1) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "SOCIAL1500: SocialSiteFrame %s is not a page served as a file "
                      "(status %d); the module's page is sent without it", path, status);
        return NULL;
    }
    if (served != 0 || ctx.too_large || *content_type == NULL
        || strncasecmp(*content_type, "text/html", 9) != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "SOCIAL1501: SocialSiteFrame %s could not be used (status %d%s%s); "
                      "the module's page is sent without it", path, status,
                      ctx.too_large ? ", larger than 512 KB" : "",
                      *content_type && strncasecmp(*content_type, "text/html", 9) != 0
                      ? ", not text/html" : "");
        return NULL;
    }
    out = social_frame_compose(r->pool, ctx.data, ctx.len, html, len, out_len);
    if (out == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "SOCIAL1502: SocialSiteFrame %s: the page could not be set in it; "
                      "sent without it", path);
    }
    return out;
}
