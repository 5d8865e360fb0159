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

#include "admin.h"
#include "activity.h"
#include "comments.h"
#include "config.h"
#include "handler.h"
#include "notify.h"
#include "ratelimit.h"
#include "polls.h"
#include "reactions.h"
#include "request.h"
#include "store.h"
#include "discussion.h"

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

/* ---- routes ---- */

static int route_health(request_rec *r)
{
    int version = 0;
    social_store_status st;
    json_t *body;

    if (r->method_number != M_GET) {
        return social_request_method_not_allowed(r, "GET, HEAD");
    }
    st = social_store_schema_version(r, &version);
    body = social_request_json_pool(r, json_pack("{s:s,s:s,s:s,s:o}",
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
    return social_request_json_send(r, HTTP_OK, body);
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
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
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
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", "no such asset");
    }
    if (r->method_number != M_GET) {
        return social_request_method_not_allowed(r, "GET, HEAD");
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
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", "no such asset");
    }
    ap_set_content_type(r, type);
    ap_set_content_length(r, finfo.size);
    r->mtime = finfo.mtime;
    ap_set_last_modified(r);
    apr_table_setn(r->headers_out, "Cache-Control",
                   "public, max-age=31536000, immutable");
    if (r->header_only) {
        return OK;
    }
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_brigade_insert_file(bb, fd, 0, finfo.size, r->pool);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    rv = ap_pass_brigade(r->output_filters, bb);
    return rv == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

/* GET counts?page=A&page=B: discussion counts for index pages. Pages
 * the viewer may not read, or without discussion, are left out. */
static int route_counts(request_rec *r)
{
    apr_array_header_t *pages = social_request_query_values(r, "page");
    json_t *result, *body;
    int k;

    if (r->method_number != M_GET) {
        return social_request_method_not_allowed(r, "GET, HEAD");
    }
    if (pages->nelts == 0 || pages->nelts > 100) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_page",
                                         "name 1 to 100 pages with page=PATH");
    }
    result = json_object();
    body = social_request_json_pool(r, json_pack("{s:o}", "pages", result));
    for (k = 0; k < pages->nelts; k++) {
        social_page pg;
        social_page_stats stats;
        const char *message;
        int comments = 0;
        social_store_status st;

        if (social_request_page(r, APR_ARRAY_IDX(pages, k, const char *), &pg, &message) != 0) {
            continue;
        }
        st = social_store_page_counts(r, pg.key, &comments, &stats);
        if (st != SOCIAL_STORE_OK) {
            return social_request_store_error(r, st);
        }
        json_object_set_new(result, pg.key, json_pack("{s:i,s:i,s:i}", "comments", comments,
                                                      "likes", stats.likes,
                                                      "shares", stats.shares));
    }
    return social_request_json_send(r, HTTP_OK, body);
}

/* GET me[?page=PATH]: who the module thinks you are (on that page). */
static int route_me(request_rec *r)
{
    const char *path = social_request_query_value(r, "page");
    social_page pg;
    const char *message = NULL;
    json_t *body;

    if (r->method_number != M_GET) {
        return social_request_method_not_allowed(r, "GET, HEAD");
    }
    if (path != NULL) {
        int status = social_request_page(r, path, &pg, &message);
        if (status != 0) {
            return social_request_json_error(r, status, status == HTTP_BAD_REQUEST
                                             ? "invalid_page"
                                             : status == HTTP_UNAUTHORIZED ? "login_required"
                                             : status == HTTP_FORBIDDEN ? "forbidden"
                                             : "not_found", message);
        }
    }
    else {
        memset(&pg, 0, sizeof(pg));
        social_identity_get(r, social_config_dir(r), &pg.who);
    }
    body = social_request_json_pool(r, json_pack("{s:s?,s:s,s:s?,s:b,s:b,s:b}",
        "user", pg.who.user, "name", pg.who.name, "email", pg.who.email,
        "anonymous", pg.who.user == NULL, "moderator", pg.who.moderator,
        "can_comment", social_identity_can_write(&pg.who)));
    if (pg.key != NULL) {
        json_object_set_new(body, "page", json_string(pg.key));
    }
    return social_request_json_send(r, HTTP_OK, body);
}

static int route_api(request_rec *r, const char *rest)
{
    if (strcmp(rest, "health") == 0) {
        return route_health(r);
    }
    if (strncmp(rest, "comments", 8) == 0 && (rest[8] == '\0' || rest[8] == '/')) {
        return social_comments_api(r, rest + 8);
    }
    if (strcmp(rest, "like") == 0) {
        return social_reactions_like_api(r);
    }
    if (strcmp(rest, "likes") == 0) {
        return social_reactions_likers_api(r);
    }
    if (strcmp(rest, "shares") == 0) {
        return social_reactions_shares_api(r);
    }
    if (strncmp(rest, "polls", 5) == 0 && (rest[5] == '\0' || rest[5] == '/')) {
        return social_polls_api(r, rest + 5);
    }
    if (strcmp(rest, "counts") == 0) {
        return route_counts(r);
    }
    if (strcmp(rest, "me") == 0) {
        return route_me(r);
    }
    if (strcmp(rest, "activity") == 0) {
        return social_activity_api(r);
    }
    if (strcmp(rest, "people") == 0) {
        return social_notify_people_api(r);
    }
    if (strncmp(rest, "notifications", 13) == 0 && (rest[13] == '\0' || rest[13] == '/')) {
        return social_notify_api(r, rest + 13);
    }
    return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", "no such API endpoint");
}

static int social_handler(request_rec *r)
{
    const char *base, *rest;

    if (!is_claimed(r)) {
        return DECLINED;
    }
    base = social_config_srv(r->server)->endpoint;
    rest = r->uri + strlen(base);
    if (r->method_number != M_GET && r->method_number != M_OPTIONS) {
        int wait = social_ratelimit_exceeded(r);
        if (wait > 0) {
            apr_table_setn(r->err_headers_out, "Retry-After", apr_itoa(r->pool, wait));
            if (strncmp(rest, "/api/", 5) == 0) {
                return social_request_json_error(r, HTTP_TOO_MANY_REQUESTS, "rate_limited",
                    apr_psprintf(r->pool, "too many writes; try again in %d seconds", wait));
            }
            return social_request_form_error(r, HTTP_TOO_MANY_REQUESTS,
                "you are writing faster than this intranet allows; "
                "wait a moment and try again", NULL);
        }
    }
    if (strncmp(rest, "/assets/", 8) == 0) {
        return route_asset(r, rest + 8);
    }
    {
        /* A banned person reads but never writes. */
        int refused = social_admin_refuse_banned(r, rest);
        if (refused != DECLINED) {
            return refused;
        }
    }
    if (strncmp(rest, "/admin", 6) == 0 && (rest[6] == '\0' || rest[6] == '/')) {
        return social_admin_handle(r, rest + 6);
    }
    if (strncmp(rest, "/api/v1/", 8) == 0) {
        return route_api(r, rest + 8);
    }
    if (strcmp(rest, "/like") == 0) {
        return social_reactions_like_form(r);
    }
    if (strcmp(rest, "/shares") == 0) {
        return social_reactions_share_form(r);
    }
    if (strncmp(rest, "/polls/", 7) == 0) {
        return social_polls_form(r, rest + 7);
    }
    if (strcmp(rest, "/poll") == 0) {
        return social_polls_fragment(r);
    }
    if (strcmp(rest, "/fragment") == 0) {
        return social_comments_fragment(r);
    }
    if (strncmp(rest, "/comments", 9) == 0 && (rest[9] == '\0' || rest[9] == '/')) {
        return social_comments_form(r, rest + 9);
    }
    if (strcmp(rest, "/activity") == 0) {
        return social_activity_page(r);
    }
    if (strcmp(rest, "/activity.atom") == 0) {
        return social_activity_atom(r);
    }
    if (strcmp(rest, "/notifications") == 0) {
        return social_notify_page(r);
    }
    if (strncmp(rest, "/notifications/", 15) == 0) {
        return social_notify_form(r, rest + 14);
    }
    return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
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
    social_request_protect(r);
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
