/* served.c: a page of the site as httpd serves it (see served.h). */
#include <string.h>

#include <apr_strings.h>
#include <http_core.h>
#include <http_request.h>
#include <util_filter.h>

#include "served.h"

#define SERVED_FILTER "SOCIAL_SERVED"

static ap_filter_rec_t *served_filter_handle;

typedef struct {
    social_served_take take;
    void *ctx;
    int done;
} served_ctx;

/* The subrequest's output goes to its taker, never further down. */
static apr_status_t served_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    served_ctx *sc = f->ctx;
    apr_bucket *b;

    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb) && !sc->done;
         b = APR_BUCKET_NEXT(b)) {
        const char *data;
        apr_size_t len;

        if (APR_BUCKET_IS_METADATA(b)) {
            continue;
        }
        sc->done = apr_bucket_read(b, &data, &len, APR_BLOCK_READ) != APR_SUCCESS
            ? sc->take(sc->ctx, NULL, 0) || 1
            : sc->take(sc->ctx, data, len);
    }
    apr_brigade_cleanup(bb);
    return APR_SUCCESS;
}

void social_served_register_hooks(apr_pool_t *p)
{
    (void)p;
    /* After the resource filters (mod_include's INCLUDES: the page as
     * served), before the subrequest's end (SUBREQ_CORE). */
    served_filter_handle = ap_register_output_filter(SERVED_FILTER, served_filter, NULL,
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

int social_served_read(request_rec *r, const char *path, social_served_take take, void *ctx,
                       const char **content_type, int *status)
{
    request_rec *sub = ap_sub_req_lookup_uri(path, r, NULL);
    served_ctx *sc = apr_pcalloc(r->pool, sizeof(*sc));
    int k, rv;

    *content_type = NULL;
    *status = sub->status;
    if (sub->status != HTTP_OK
        || (sub->handler != NULL && strcmp(sub->handler, "default-handler") != 0)
        || sub->finfo.filetype != APR_REG) {
        ap_destroy_sub_req(sub);
        return -1;
    }
    sub->headers_in = apr_table_copy(sub->pool, sub->headers_in);
    for (k = 0; k < (int)(sizeof(dropped_headers) / sizeof(dropped_headers[0])); k++) {
        apr_table_unset(sub->headers_in, dropped_headers[k]);
    }
    sub->hostname = r->server->server_hostname;
    sc->take = take;
    sc->ctx = ctx;
    ap_add_output_filter_handle(served_filter_handle, sc, sub, sub->connection);
    rv = ap_run_sub_req(sub);
    *status = rv != OK ? rv : sub->status;
    if (sub->content_type != NULL) {
        *content_type = apr_pstrdup(r->pool, sub->content_type);
    }
    ap_destroy_sub_req(sub);
    return *status == HTTP_OK ? 0 : -2;
}
