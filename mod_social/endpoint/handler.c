/* handler.c: the endpoint (SocialEndpoint, default /_social).
 *
 * Routes {base}/assets/VERSION/FILE to the widget's assets, and every
 * other path through one table (routes[]: path, methods, JSON or HTML,
 * handler) to the JSON API and the forms and pages for people; the
 * table answers 404 and 405 (with Allow) for them. The
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
#include "documents.h"
#include "config.h"
#include "handler.h"
#include "notify.h"
#include "ratelimit.h"
#include "polls.h"
#include "ideas.h"
#include "surveys.h"
#include "reactions.h"
#include "request.h"
#include "store.h"
#include "discussion.h"
#include "fragcache.h"
#include "identity.h"
#include "mention.h"
#include "messages.h"
#include "text.h"

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
                          SOCIAL_MSG(r, "block.msg_no_such_asset_version"));
    }
    name = slash + 1;
    if (strncmp(name, "messages-", 9) == 0) {
        return social_messages_asset(r, name);
    }
    for (p = name; *p; p++) {
        if (!apr_isalnum(*p) && *p != '-' && *p != '_' && *p != '.') {
            break;
        }
    }
    type = asset_type(name);
    if (*p != '\0' || name[0] == '.' || name[0] == '\0' || type == NULL) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "block.msg_no_such_asset"));
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
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "block.msg_no_such_asset"));
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

/* GET updates?page=P: has the page's discussion changed? The widget asks
 * every SocialLiveUpdates seconds with the version it has (If-None-Match)
 * and mostly hears 304: one socache look-up, no database. 204 when there
 * is no discussion cache to ask (the widget then stops asking). */
static int route_updates(request_rec *r)
{
    social_page pg;
    const char *message, *version, *etag, *match;
    int status = social_request_page(r, social_request_query_value(r, "page"), &pg, &message);

    if (status != 0) {
        social_result x;
        social_result_page(&x, status, message);
        return social_result_send(r, &x, 0, NULL);
    }
    apr_table_setn(r->headers_out, "Cache-Control", "private, no-cache");
    if (!social_fragcache_enabled() || (version = social_fragcache_version(r, pg.key)) == NULL) {
        return social_request_json_send(r, HTTP_NO_CONTENT, json_object());
    }
    etag = apr_pstrcat(r->pool, "\"", version, "\"", NULL);
    apr_table_setn(r->headers_out, "ETag", etag);
    match = apr_table_get(r->headers_in, "If-None-Match");
    if (match != NULL && strcmp(match, etag) == 0) {
        return HTTP_NOT_MODIFIED;
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r,
        json_pack("{s:s}", "version", version)));
}

/* POST preview {"text"}: the text as a comment shows it ({"html"}), by
 * the same formatter, so what the preview shows is what is posted. Reads
 * and stores nothing. */
static int route_preview(request_rec *r)
{
    int status;
    json_t *req, *text;
    const char *s;
    size_t chars = 0;
    const char *why;

    if (!social_identity_same_origin(r)) {
        return social_request_cross_origin_refused(r);
    }
    if ((req = social_request_json_body(r, &status)) == NULL) {
        return status;
    }
    text = json_object_get(req, "text");
    if (!json_is_string(text)) {
        return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, "invalid_body",
                                         SOCIAL_MSG(r, "block.msg_text_must_be_a_string"));
    }
    s = json_string_value(text);
    /* Blank text previews as nothing; control characters, broken UTF-8
     * or more than any comment may hold are refused, as a post would be. */
    why = strspn(s, " \t\r\n") == strlen(s) ? NULL
        : social_text_comment_check(s, strlen(s), 60000, &chars);
    if (why != NULL) {
        return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, "invalid_body", why);
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r, json_pack(
        "{s:s}", "html", social_mention_link_html(r->pool,
            social_text_format_comment(r->pool, s, strlen(s)),
            apr_pstrcat(r->pool, social_config_srv(r->server)->endpoint, "/activity", NULL)))));
}

/* GET counts?page=A&page=B: discussion counts for index pages. Pages
 * the viewer may not read, or without discussion, are left out. */
static int route_counts(request_rec *r)
{
    apr_array_header_t *pages = social_request_query_values(r, "page");
    json_t *result, *body;
    int k;

    if (pages->nelts == 0 || pages->nelts > 100) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_page",
                                         SOCIAL_MSG(r, "block.msg_name_1_to_100_pages"));
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
        /* href: where the discussion is read (a document's discuss page) */
        json_object_set_new(result, pg.key, json_pack("{s:i,s:i,s:i,s:s}", "comments", comments,
                                                      "likes", stats.likes,
                                                      "shares", stats.shares,
                                                      "href", social_request_page_href(r, pg.key)));
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

    if (path != NULL) {
        int status = social_request_page(r, path, &pg, &message);
        if (status != 0) {
            social_result res;
            social_result_page(&res, status, message);
            return social_result_send(r, &res, 0, NULL);
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

/* ---- the route table ---- */

/* How a route's path (below the base) is matched. */
typedef enum {
    MATCH_EXACT,        /* the path itself */
    MATCH_TREE,         /* the path, or the path and "/..." */
    MATCH_PREFIX        /* anything that starts with the path */
} route_match;

#define METHOD(m) (AP_METHOD_BIT << (m))

typedef struct {
    const char *path;
    route_match match;
    /* The methods taken (M_GET takes HEAD too); 0: the handler tells
     * them apart itself (routes with sub-routes). Any other method
     * answers 405 with allow, as JSON or as the HTML message page. */
    apr_int64_t methods;
    const char *allow;
    int html;               /* a form or page for people (else the JSON API) */
    const char *refused;    /* html: what a 405 says; NULL: httpd's own 405 page */
    int (*handle)(request_rec *r);
    /* For MATCH_TREE and MATCH_PREFIX: given what follows the path. */
    int (*handle_rest)(request_rec *r, const char *rest);
} route;

static int route_no_api(request_rec *r, const char *rest)
{
    (void)rest;
    return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                     SOCIAL_MSG(r, "block.msg_no_such_endpoint"));
}

static int route_none(request_rec *r, const char *rest)
{
    (void)rest;
    return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                     SOCIAL_MSG(r, "block.msg_no_such_endpoint"));
}

#define GET METHOD(M_GET), "GET, HEAD"
#define POST METHOD(M_POST), "POST"
#define ANY 0, NULL
#define FORM_ONLY "this address only takes form posts"

/* Walked in order; the first route that matches answers. */
static const route routes[] = {
    { "/admin", MATCH_TREE, ANY, 1, NULL, NULL, social_admin_handle },
    { "/api/v1/health", MATCH_EXACT, GET, 0, NULL, route_health, NULL },
    { "/api/v1/comments", MATCH_TREE, ANY, 0, NULL, NULL, social_comments_api },
    { "/api/v1/like", MATCH_EXACT, METHOD(M_PUT) | METHOD(M_DELETE), "PUT, DELETE", 0, NULL,
      social_reactions_like_api, NULL },
    { "/api/v1/likes", MATCH_EXACT, GET, 0, NULL, social_reactions_likers_api, NULL },
    { "/api/v1/follow", MATCH_EXACT, ANY, 0, NULL, social_reactions_follow_api, NULL },
    { "/api/v1/shares", MATCH_EXACT, ANY, 0, NULL, social_reactions_shares_api, NULL },
    { "/api/v1/polls", MATCH_TREE, ANY, 0, NULL, NULL, social_polls_api },
    { "/api/v1/ideas", MATCH_TREE, ANY, 0, NULL, NULL, social_ideas_api },
    { "/api/v1/surveys", MATCH_TREE, ANY, 0, NULL, NULL, social_surveys_api },
    { "/api/v1/counts", MATCH_EXACT, GET, 0, NULL, route_counts, NULL },
    { "/api/v1/updates", MATCH_EXACT, GET, 0, NULL, route_updates, NULL },
    { "/api/v1/preview", MATCH_EXACT, POST, 0, NULL, route_preview, NULL },
    { "/api/v1/me", MATCH_EXACT, GET, 0, NULL, route_me, NULL },
    { "/api/v1/activity", MATCH_EXACT, GET, 0, NULL, social_activity_api, NULL },
    { "/api/v1/people", MATCH_EXACT, GET, 0, NULL, social_notify_people_api, NULL },
    { "/api/v1/notifications", MATCH_TREE, ANY, 0, NULL, NULL, social_notify_api },
    { "/api/v1/", MATCH_PREFIX, ANY, 0, NULL, NULL, route_no_api },
    { "/like", MATCH_EXACT, POST, 1, FORM_ONLY, social_reactions_like_form, NULL },
    { "/shares", MATCH_EXACT, POST, 1, FORM_ONLY, social_reactions_share_form, NULL },
    { "/sort", MATCH_EXACT, POST, 1, FORM_ONLY, social_reactions_sort_form, NULL },
    { "/follow", MATCH_EXACT, POST, 1, FORM_ONLY, social_reactions_follow_form, NULL },
    { "/follow/", MATCH_PREFIX, POST, 1, FORM_ONLY, NULL, social_reactions_follow_thread_form },
    { "/polls/", MATCH_PREFIX, POST, 1, FORM_ONLY, NULL, social_polls_form },
    { "/ideas", MATCH_TREE, ANY, 1, NULL, NULL, social_ideas_form },
    { "/poll", MATCH_EXACT, GET, 0, NULL, social_polls_fragment, NULL },
    { "/surveys/", MATCH_PREFIX, POST, 1, FORM_ONLY, NULL, social_surveys_form },
    { "/survey", MATCH_EXACT, GET, 0, NULL, social_surveys_fragment, NULL },
    { "/fragment", MATCH_EXACT, GET, 0, NULL, social_comments_fragment, NULL },
    { "/report", MATCH_EXACT, GET, 1, NULL, social_comments_report_page, NULL },
    { "/reply", MATCH_EXACT, GET, 1, NULL, social_comments_reply_page, NULL },
    { "/discuss", MATCH_EXACT, GET, 1, "a discussion page is only read (GET)",
      social_documents_discuss_page, NULL },
    { "/comments", MATCH_TREE, POST, 1, FORM_ONLY, NULL, social_comments_form },
    { "/activity", MATCH_EXACT, GET, 1, "the activity stream is only read (GET)",
      social_activity_page, NULL },
    { "/activity.atom", MATCH_EXACT, GET, 1, NULL, social_activity_atom, NULL },
    { "/notifications", MATCH_EXACT, GET, 1, "this page is only read (GET)",
      social_notify_page, NULL },
    { "/notifications", MATCH_TREE, POST, 1, FORM_ONLY, NULL, social_notify_form },
    { "", MATCH_PREFIX, ANY, 0, NULL, NULL, route_none },
};

#undef GET
#undef POST
#undef ANY
#undef FORM_ONLY

/* The route for rest (the path below the base), with what follows its
 * path in *tail. */
static const route *route_find(const char *rest, const char **tail)
{
    size_t k;

    for (k = 0; k < sizeof(routes) / sizeof(routes[0]); k++) {
        const route *rt = &routes[k];
        size_t n = strlen(rt->path);

        if (strncmp(rest, rt->path, n) != 0) {
            continue;
        }
        if ((rt->match == MATCH_EXACT && rest[n] != '\0')
            || (rt->match == MATCH_TREE && rest[n] != '\0' && rest[n] != '/')) {
            continue;
        }
        *tail = rest + n;
        return rt;
    }
    return NULL;   /* (the last route takes every path) */
}

/* 405 from the table: JSON for the API, the message page for people. */
static int route_refuse_method(request_rec *r, const route *rt)
{
    social_result res;

    apr_table_setn(r->headers_out, "Allow", rt->allow);
    if (!rt->html) {
        return social_request_method_not_allowed(r, rt->allow);
    }
    if (rt->refused == NULL) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    social_result_set(&res, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", rt->refused);
    return social_result_send(r, &res, 1, NULL);
}

static int route_dispatch(request_rec *r, const char *rest)
{
    const char *tail = rest;
    const route *rt = route_find(rest, &tail);

    if (rt->methods != 0 && !(rt->methods & METHOD(r->method_number))) {
        return route_refuse_method(r, rt);
    }
    return rt->handle ? rt->handle(r) : rt->handle_rest(r, tail);
}

/* A write beyond SocialRateLimit: 429 with Retry-After, as JSON under
 * {base}/api/, else as the message page. */
static int refuse_rate(request_rec *r, const char *rest, int wait)
{
    social_result res;
    int api = strncmp(rest, "/api/", 5) == 0;

    apr_table_setn(r->err_headers_out, "Retry-After", apr_itoa(r->pool, wait));
    social_result_set(&res, HTTP_TOO_MANY_REQUESTS, "rate_limited", api
        ? SOCIAL_MSGF(r, "block.msg_rate_limited_api", wait, NULL)
        : SOCIAL_MSG(r, "block.msg_rate_limited_form"));
    return social_result_send(r, &res, !api, NULL);
}

/* A new comment (the API's or a form's); see social_admin_refuse_banned. */
static int is_new_comment(const request_rec *r, const char *rest)
{
    return r->method_number == M_POST
           && (strcmp(rest, "/api/v1/comments") == 0 || strcmp(rest, "/comments") == 0);
}

static int social_handler(request_rec *r)
{
    const char *rest;
    int refused;

    if (!is_claimed(r)) {
        return DECLINED;
    }
    rest = r->uri + strlen(social_config_srv(r->server)->endpoint);
    if (r->method_number != M_GET && r->method_number != M_OPTIONS) {
        int wait = social_ratelimit_exceeded(r);
        if (wait > 0) {
            return refuse_rate(r, rest, wait);
        }
    }
    /* The widget's assets are for everyone, even a banned person. */
    if (strncmp(rest, "/assets/", 8) == 0) {
        return route_asset(r, rest + 8);
    }
    /* A banned person reads but never writes. A new comment, the
     * commonest write, is refused by its own insert (one round trip less
     * for every post), and its routes then say why. */
    if (!is_new_comment(r, rest)) {
        refused = social_admin_refuse_banned(r, rest);
        if (refused != DECLINED) {
            return refused;
        }
    }
    return route_dispatch(r, rest);
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
