/* handler.c: the endpoint (SocialEndpoint, default /_social).
 *
 * Routes {base}/assets/VERSION/FILE to the widget's assets and
 * {base}/api/v1/... to the JSON API; one function per route. The
 * endpoint claims its URLs in translate_name, so no file or directory
 * under the document root is looked up for them; <Location> sections
 * (and so the intranet's login) still apply.
 */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <jansson.h>

#include "config.h"
#include "handler.h"
#include "store.h"

APLOG_USE_MODULE(social);

#define SOCIAL_HANDLER "social-endpoint"
#define SOCIAL_FILENAME_PREFIX SOCIAL_HANDLER ":"

/* Nonzero if translate_name claimed this request for the endpoint (by
 * its file name, which a later SetHandler cannot change). */
static int is_claimed(const request_rec *r)
{
    return r->filename != NULL
        && strncmp(r->filename, SOCIAL_FILENAME_PREFIX,
                   sizeof(SOCIAL_FILENAME_PREFIX) - 1) == 0;
}

/* ---- JSON responses ---- */

static apr_status_t json_release(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

/* Ties a Jansson value to the request's pool. */
static json_t *json_pool(request_rec *r, json_t *value)
{
    if (value != NULL) {
        apr_pool_cleanup_register(r->pool, value, json_release,
                                  apr_pool_cleanup_null);
    }
    return value;
}

static int json_send(request_rec *r, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);

    if (text == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0301: out of memory writing a JSON response");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    r->status = status;
    ap_set_content_type(r, "application/json");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    if (!r->header_only) {
        ap_rwrite(text, (int)strlen(text), r);
        ap_rputc('\n', r);
    }
    free(text);
    return OK;
}

static int json_error(request_rec *r, int status, const char *code,
                      const char *message)
{
    json_t *body = json_pool(r, json_pack("{s:{s:s,s:s}}", "error",
                                          "code", code, "message", message));
    if (body == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return json_send(r, status, body);
}

static int method_not_allowed(request_rec *r, const char *allow)
{
    apr_table_setn(r->headers_out, "Allow", allow);
    return json_error(r, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                      apr_psprintf(r->pool, "%s is not allowed here; use %s",
                                   r->method, allow));
}

/* ---- routes ---- */

static int route_health(request_rec *r)
{
    int version = 0;
    social_store_status st;
    json_t *body;

    if (r->method_number != M_GET) {
        return method_not_allowed(r, "GET, HEAD");
    }
    st = social_store_schema_version(r, &version);
    body = json_pool(r, json_pack("{s:s,s:s,s:s,s:o}",
        "status", st == SOCIAL_STORE_OK && version == SOCIAL_SCHEMA_VERSION
                  ? "ok" : "degraded",
        "version", SOCIAL_VERSION,
        "database", st == SOCIAL_STORE_OK ? "ok" : "down",
        "schema", st == SOCIAL_STORE_OK ? json_integer(version) : json_null()));
    if (body == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (st == SOCIAL_STORE_OK && version != SOCIAL_SCHEMA_VERSION) {
        json_object_set_new(body, "expected_schema",
                            json_integer(SOCIAL_SCHEMA_VERSION));
    }
    return json_send(r, HTTP_OK, body);
}

static const char *asset_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && strcmp(dot, ".js") == 0) {
        return "text/javascript; charset=utf-8";
    }
    if (dot && strcmp(dot, ".css") == 0) {
        return "text/css; charset=utf-8";
    }
    if (dot && strcmp(dot, ".svg") == 0) {
        return "image/svg+xml";
    }
    return NULL;
}

/* {base}/assets/VERSION/NAME: NAME is a plain file name in assets/. */
static int route_asset(request_rec *r, const char *rest)
{
    const char *slash = strchr(rest, '/');
    const char *name, *type, *path, *p;
    apr_file_t *fd;
    apr_finfo_t finfo;
    apr_bucket_brigade *bb;
    apr_status_t rv;

    if (slash == NULL || (size_t)(slash - rest) != strlen(SOCIAL_VERSION)
        || strncmp(rest, SOCIAL_VERSION, strlen(SOCIAL_VERSION)) != 0) {
        return json_error(r, HTTP_NOT_FOUND, "not_found",
                          "no such asset version");
    }
    name = slash + 1;
    for (p = name; *p; p++) {
        if (!apr_isalnum(*p) && *p != '-' && *p != '_' && *p != '.') {
            break;
        }
    }
    type = asset_type(name);
    if (*p != '\0' || name[0] == '.' || name[0] == '\0' || type == NULL) {
        return json_error(r, HTTP_NOT_FOUND, "not_found", "no such asset");
    }
    if (r->method_number != M_GET) {
        return method_not_allowed(r, "GET, HEAD");
    }
    path = apr_pstrcat(r->pool, social_config_srv(r->server)->template_dir,
                       "/assets/", name, NULL);
    rv = apr_file_open(&fd, path, APR_READ | APR_BINARY, 0, r->pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&finfo, APR_FINFO_SIZE | APR_FINFO_MTIME, fd);
    }
    if (rv != APR_SUCCESS) {
        if (!APR_STATUS_IS_ENOENT(rv)) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                          "SOCIAL0302: cannot read asset %s (check SocialTemplateDir)",
                          path);
        }
        return json_error(r, HTTP_NOT_FOUND, "not_found", "no such asset");
    }
    ap_set_content_type(r, type);
    ap_set_content_length(r, finfo.size);
    r->mtime = finfo.mtime;
    ap_set_last_modified(r);
    apr_table_setn(r->headers_out, "Cache-Control",
                   "public, max-age=31536000, immutable");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    if (r->header_only) {
        return OK;
    }
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_brigade_insert_file(bb, fd, 0, finfo.size, r->pool);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    rv = ap_pass_brigade(r->output_filters, bb);
    return rv == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

static int route_api(request_rec *r, const char *rest)
{
    if (strcmp(rest, "health") == 0) {
        return route_health(r);
    }
    return json_error(r, HTTP_NOT_FOUND, "not_found", "no such API endpoint");
}

static int social_handler(request_rec *r)
{
    const char *base, *rest;

    if (!is_claimed(r)) {
        return DECLINED;
    }
    base = social_config_srv(r->server)->endpoint;
    rest = r->uri + strlen(base);
    if (strncmp(rest, "/assets/", 8) == 0) {
        return route_asset(r, rest + 8);
    }
    if (strncmp(rest, "/api/v1/", 8) == 0) {
        return route_api(r, rest + 8);
    }
    return json_error(r, HTTP_NOT_FOUND, "not_found",
                      "no such mod_social endpoint");
}

/* Claims {base} and everything below it before any file is looked up. */
static int social_translate_name(request_rec *r)
{
    if (r->uri == NULL || r->uri[0] != '/' || !social_config_is_endpoint(r)) {
        return DECLINED;
    }
    r->handler = SOCIAL_HANDLER;
    r->filename = apr_pstrcat(r->pool, SOCIAL_FILENAME_PREFIX, r->uri, NULL);
    return OK;
}

/* No <Directory> walk for the endpoint: it is not a file. */
static int social_map_to_storage(request_rec *r)
{
    return is_claimed(r) ? OK : DECLINED;
}

void social_handler_register_hooks(apr_pool_t *p)
{
    ap_hook_translate_name(social_translate_name, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_map_to_storage(social_map_to_storage, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_handler(social_handler, NULL, NULL, APR_HOOK_FIRST);
}
