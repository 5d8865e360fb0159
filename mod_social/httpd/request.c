/* request.c: reading requests and writing responses for the endpoint. */
#include "request.h"
#include "siteframe.h"

#include <string.h>

#include <apr_lib.h>
#include <apr_sha1.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_script.h>

#include "render.h"
#include "text.h"

APLOG_USE_MODULE(social);

static apr_status_t json_release(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

json_t *social_request_json_pool(request_rec *r, json_t *value)
{
    if (value != NULL) {
        apr_pool_cleanup_register(r->pool, value, json_release,
                                  apr_pool_cleanup_null);
    }
    return value;
}

/* ---- language ---- */

/* r->notes: the page's lang (the filter), the chosen tag, and "1" when
 * Accept-Language was consulted. Kept on the main request. */
#define NOTE_PAGE_LANG "social-page-lang"
#define NOTE_LANG "social-lang"
#define NOTE_LANG_NEGOTIATED "social-lang-negotiated"

static request_rec *lang_request(request_rec *r)
{
    while (r->main != NULL) {
        r = r->main;
    }
    while (r->prev != NULL) {
        r = r->prev;
    }
    return r;
}

void social_request_set_page_lang(request_rec *r, const char *lang)
{
    r = lang_request(r);
    apr_table_set(r->notes, NOTE_PAGE_LANG, lang ? lang : "");
    apr_table_unset(r->notes, NOTE_LANG);       /* decide again */
}

const social_i18n_lang *social_request_lang(request_rec *r)
{
    const social_i18n *c = social_config_i18n(social_config_srv(r->server));
    const social_i18n_lang *l = NULL;
    request_rec *top = lang_request(r);
    const char *said, *page, *accept;

    if ((said = apr_table_get(top->notes, NOTE_LANG)) != NULL
        && (l = social_i18n_find(c, said)) != NULL) {
        return l;
    }
    if ((said = social_config_language(social_config_dir(r))) != NULL
        && (l = social_i18n_find(c, said)) == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL2302: SocialLanguage %s: no catalogue for it: choosing as auto",
                      said);
    }
    if ((page = apr_table_get(top->notes, NOTE_PAGE_LANG)) == NULL
        && social_config_is_endpoint(top)) {
        /* The widget fetching a discussion says the block's language
         * (what the page chose) with lang=. */
        page = social_request_query_value(top, "lang");
    }
    if (l == NULL && page != NULL && *page) {
        l = social_i18n_find(c, page);
        if (l == NULL) {
            /* "de-AT", "pt-BR": the page's language, not the reader's */
            l = social_i18n_negotiate(c, page);
        }
    }
    if (l == NULL) {
        accept = apr_table_get(r->headers_in, "Accept-Language");
        apr_table_setn(top->notes, NOTE_LANG_NEGOTIATED, "1");
        l = social_i18n_negotiate(c, accept);
    }
    if (l == NULL) {
        l = social_i18n_find(c, "en");
    }
    if (l != NULL) {
        apr_table_set(top->notes, NOTE_LANG, social_i18n_tag(l));
    }
    return l;
}

const char *social_request_reader_lang(request_rec *r)
{
    const social_i18n_lang *l = social_i18n_negotiate(
        social_config_i18n(social_config_srv(r->server)),
        apr_table_get(r->headers_in, "Accept-Language"));

    return social_i18n_tag(l != NULL ? l : social_request_lang(r));
}

int social_request_lang_negotiated(request_rec *r)
{
    (void)social_request_lang(r);
    return apr_table_get(lang_request(r)->notes, NOTE_LANG_NEGOTIATED) != NULL;
}

void social_request_lang_headers(request_rec *r)
{
    const social_i18n_lang *l = social_request_lang(r);

    apr_table_set(r->err_headers_out, "Content-Language", social_i18n_tag(l));
    if (social_request_lang_negotiated(r)) {
        apr_table_mergen(r->err_headers_out, "Vary", "Accept-Language");
    }
}

void social_request_protect(request_rec *r)
{
    const social_srv_conf *sc = social_config_srv(r->server);
    const char *options = social_config_frame_options(sc);

    /* err_headers_out: kept on error pages, httpd's own (401) included. */
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->err_headers_out, "Referrer-Policy", "same-origin");
    apr_table_setn(r->err_headers_out, "Content-Security-Policy",
                   apr_pstrcat(r->pool, "frame-ancestors ",
                               social_config_frame_ancestors(sc), NULL));
    if (options != NULL) {
        apr_table_setn(r->err_headers_out, "X-Frame-Options", options);
    }
}

int social_request_json_text_send(request_rec *r, int status, const char *text,
                                  apr_size_t len, const char *cache_control)
{
    r->status = status;
    ap_set_content_type(r, "application/json");
    apr_table_setn(r->headers_out, "Cache-Control", cache_control);
    if (status != HTTP_NO_CONTENT && !r->header_only) {
        ap_rwrite(text, (int)len, r);
        ap_rputc('\n', r);
    }
    return OK;
}

char *social_request_json_text(request_rec *r, json_t *body, apr_size_t *len)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
    char *copy;

    if (text == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0301: out of memory writing a JSON response");
        return NULL;
    }
    *len = strlen(text);
    copy = apr_pstrmemdup(r->pool, text, *len);
    free(text);
    return copy;
}

int social_request_json_send(request_rec *r, int status, json_t *body)
{
    apr_size_t len = 0;
    const char *text = social_request_json_text(r, body, &len);

    if (text == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return social_request_json_text_send(r, status, text, len, "no-store");
}

int social_result_set(social_result *res, int status, const char *code,
                      const char *message)
{
    social_result set = { status, code, message, NULL, NULL };

    *res = set;
    return status;
}

int social_result_page(social_result *res, int status, const char *message)
{
    return social_result_set(res, status, status == HTTP_BAD_REQUEST ? "invalid_page"
                             : status == HTTP_UNAUTHORIZED ? "login_required"
                             : status == HTTP_FORBIDDEN ? "forbidden"
                             : "not_found", message);
}

int social_result_store(request_rec *r, social_result *res, social_store_status st)
{
    if (st == SOCIAL_STORE_DOWN) {
        return social_result_set(res, HTTP_SERVICE_UNAVAILABLE, "unavailable",
                                 SOCIAL_MSG(r, "block.msg_database_unavailable"));
    }
    return social_result_set(res, HTTP_INTERNAL_SERVER_ERROR, "store_failed",
                             r->method_number == M_GET
                             ? SOCIAL_MSG(r, "block.msg_discussion_unreadable")
                             : SOCIAL_MSG(r, "block.msg_change_not_stored"));
}

static int result_json(request_rec *r, const social_result *res)
{
    social_request_lang_headers(r);     /* the message is in the request's language */
    json_t *body = social_request_json_pool(r, json_pack("{s:{s:s,s:s}}", "error",
                                                         "code", res->code,
                                                         "message", res->message));
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "%s: %s %s refused with %d %s: %s%s%s%s",
                  res->log_id ? res->log_id : "SOCIAL0300", r->method, r->uri,
                  res->status, res->code, res->message, res->field ? " (" : "",
                  res->field ? res->field : "", res->field ? ")" : "");
    if (body == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (res->field != NULL) {
        json_object_set_new(json_object_get(body, "error"), "field",
                            json_string(res->field));
    }
    return social_request_json_send(r, res->status, body);
}

int social_result_send(request_rec *r, const social_result *res, int html,
                       const char *back)
{
    if (html) {
        return social_request_form_error(r, res->status, res->message, back);
    }
    if (res->status == HTTP_SERVICE_UNAVAILABLE) {
        social_request_retry_after(r);
    }
    return result_json(r, res);
}

int social_request_json_error(request_rec *r, int status, const char *code,
                              const char *message)
{
    social_result res;

    social_result_set(&res, status, code, message);
    return result_json(r, &res);
}

int social_request_method_not_allowed(request_rec *r, const char *allow)
{
    apr_table_setn(r->headers_out, "Allow", allow);
    return social_request_json_error(r, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                                     SOCIAL_MSGF(r, "block.msg_method_not_allowed", -1,
                                                 "method", r->method, "allow", allow, NULL));
}

void social_request_retry_after(request_rec *r)
{
    apr_table_setn(r->err_headers_out, "Retry-After",
                   apr_itoa(r->pool, social_store_retry_after()));
}

int social_request_store_status(social_store_status st)
{
    return st == SOCIAL_STORE_DOWN ? HTTP_SERVICE_UNAVAILABLE : HTTP_INTERNAL_SERVER_ERROR;
}

const char *social_request_store_message(request_rec *r, social_store_status st)
{
    social_result res;

    social_result_store(r, &res, st);
    return res.message;
}

int social_request_store_error(request_rec *r, social_store_status st)
{
    social_result res;

    social_result_store(r, &res, st);
    return social_result_send(r, &res, 0, NULL);
}

apr_array_header_t *social_request_query_values(request_rec *r, const char *name)
{
    apr_array_header_t *values = apr_array_make(r->pool, 2, sizeof(const char *));
    char *args, *pair, *last;
    size_t n = strlen(name);

    if (r->args == NULL) {
        return values;
    }
    args = apr_pstrdup(r->pool, r->args);
    for (pair = apr_strtok(args, "&", &last); pair; pair = apr_strtok(NULL, "&", &last)) {
        char *value;
        if (strncmp(pair, name, n) != 0 || pair[n] != '=') {
            continue;
        }
        value = pair + n + 1;
        if (strstr(value, "%00") != NULL || ap_unescape_urlencoded(value) != OK) {
            continue;   /* a bad escape or an encoded NUL: not a value */
        }
        APR_ARRAY_PUSH(values, const char *) = value;
    }
    return values;
}

const char *social_request_query_value(request_rec *r, const char *name)
{
    apr_array_header_t *values = social_request_query_values(r, name);
    return values->nelts ? APR_ARRAY_IDX(values, 0, const char *) : NULL;
}

/* Content-Type's media type equals type (case-insensitive)? */
static int media_type_is(request_rec *r, const char *type)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    size_t n = strlen(type);

    if (ct == NULL) {
        return 0;
    }
    while (*ct == ' ') {
        ct++;
    }
    return strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Reads the whole body (at most SOCIAL_BODY_MAX). Returns 0, or 413/400. */
static int body_read(request_rec *r, char **body, apr_size_t *len)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_size_t cap = 8192, have = 0;
    char *buf;
    long got;

    *body = NULL;
    *len = 0;
    if (cl != NULL && apr_atoi64(cl) > SOCIAL_BODY_MAX) {
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK) {
        return HTTP_BAD_REQUEST;
    }
    buf = apr_palloc(r->pool, cap + 1);
    if (ap_should_client_block(r)) {
        for (;;) {
            if (have == cap) {
                char *grown;
                if (cap > SOCIAL_BODY_MAX) {
                    /* Drain nothing more: the connection closes after 413. */
                    r->connection->keepalive = AP_CONN_CLOSE;
                    return HTTP_REQUEST_ENTITY_TOO_LARGE;
                }
                /* One byte past the limit tells a body of exactly the
                 * limit from a longer one. */
                cap = cap * 2 > SOCIAL_BODY_MAX ? SOCIAL_BODY_MAX + 1 : cap * 2;
                grown = apr_palloc(r->pool, cap + 1);
                memcpy(grown, buf, have);
                buf = grown;
            }
            got = ap_get_client_block(r, buf + have, cap - have);
            if (got < 0) {
                return HTTP_BAD_REQUEST;
            }
            if (got == 0) {
                break;
            }
            have += (apr_size_t)got;
        }
    }
    if (have > SOCIAL_BODY_MAX) {
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    buf[have] = '\0';
    *body = buf;
    *len = have;
    return 0;
}

json_t *social_request_json_body(request_rec *r, int *status)
{
    char *body;
    apr_size_t len;
    int code;
    json_t *value;
    json_error_t err;

    if (!media_type_is(r, "application/json")) {
        *status = social_request_json_error(r, HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                                            SOCIAL_MSG(r, "block.msg_send_json"));
        return NULL;
    }
    code = body_read(r, &body, &len);
    if (code == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        *status = social_request_json_error(r, code, "too_large",
                                            SOCIAL_MSGF(r, "block.msg_body_too_large", -1, "max",
                                                        apr_itoa(r->pool, SOCIAL_BODY_MAX), NULL));
        return NULL;
    }
    if (code != 0) {
        *status = social_request_json_error(r, HTTP_BAD_REQUEST, "bad_request",
                                            SOCIAL_MSG(r, "block.msg_body_unreadable"));
        return NULL;
    }
    /* NUL in a string is valid JSON; the fields that matter refuse it. */
    value = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (value == NULL) {
        *status = social_request_json_error(r, HTTP_BAD_REQUEST, "malformed_json",
                                            SOCIAL_MSGF(r, "block.msg_malformed_json", -1,
                                                        "line", apr_itoa(r->pool, err.line),
                                                        "why", err.text, NULL));
        return NULL;
    }
    social_request_json_pool(r, value);
    if (!json_is_object(value)) {
        *status = social_request_json_error(r, HTTP_BAD_REQUEST, "malformed_json",
                                            SOCIAL_MSG(r, "block.msg_body_not_object"));
        return NULL;
    }
    return value;
}

int social_request_idempotency(request_rec *r, json_t *req,
                               social_idempotency **idem)
{
    const char *key = apr_table_get(r->headers_in, "Idempotency-Key");
    const char *p;
    char *canonical, *hex;
    unsigned char digest[APR_SHA1_DIGESTSIZE];
    apr_sha1_ctx_t sha;
    int k;

    *idem = NULL;
    if (key == NULL) {
        return 0;
    }
    for (p = key; *p; p++) {
        if (*p < 0x21 || *p > 0x7e) {
            break;
        }
    }
    if (*key == '\0' || *p != '\0' || strlen(key) > 200) {
        return -1;
    }
    canonical = json_dumps(req, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    if (canonical == NULL) {
        return -1;
    }
    apr_sha1_init(&sha);
    apr_sha1_update_binary(&sha, (const unsigned char *)r->uri, (unsigned int)strlen(r->uri));
    apr_sha1_update_binary(&sha, (const unsigned char *)"\n", 1);
    apr_sha1_update_binary(&sha, (const unsigned char *)canonical,
                           (unsigned int)strlen(canonical));
    apr_sha1_final(digest, &sha);
    free(canonical);
    hex = apr_palloc(r->pool, APR_SHA1_DIGESTSIZE * 2 + 1);
    for (k = 0; k < APR_SHA1_DIGESTSIZE; k++) {
        apr_snprintf(hex + 2 * k, 3, "%02x", digest[k]);
    }
    *idem = apr_pcalloc(r->pool, sizeof(**idem));
    (*idem)->user = r->user ? r->user : apr_pstrcat(r->pool, "anon:", r->useragent_ip, NULL);
    (*idem)->key = key;
    (*idem)->request_hash = hex;
    return 0;
}

int social_request_cross_origin_refused(request_rec *r)
{
    return social_request_json_error(r, HTTP_FORBIDDEN, "cross_origin",
                                     SOCIAL_MSG(r, "block.msg_the_request_came_from_another_site"));
}

int social_request_idempotency_refused(request_rec *r)
{
    return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_idempotency_key",
                                     SOCIAL_MSG(r, "block.msg_idempotency_key_invalid"));
}

apr_table_t *social_request_form_body(request_rec *r, int *code)
{
    char *body, *pair, *last;
    apr_size_t len;
    apr_table_t *form;

    if (!media_type_is(r, "application/x-www-form-urlencoded")) {
        *code = HTTP_UNSUPPORTED_MEDIA_TYPE;
        return NULL;
    }
    *code = body_read(r, &body, &len);
    if (*code != 0) {
        return NULL;
    }
    if (strlen(body) != len) {
        *code = HTTP_BAD_REQUEST;   /* a raw NUL byte */
        return NULL;
    }
    form = apr_table_make(r->pool, 8);
    for (pair = apr_strtok(body, "&", &last); pair; pair = apr_strtok(NULL, "&", &last)) {
        char *eq = strchr(pair, '=');
        if (eq == NULL) {
            continue;
        }
        *eq = '\0';
        /* An encoded NUL would cut the value short unseen: refuse it. */
        if (strstr(eq + 1, "%00") != NULL || strstr(pair, "%00") != NULL
            || ap_unescape_urlencoded(pair) != OK
            || ap_unescape_urlencoded(eq + 1) != OK) {
            *code = HTTP_BAD_REQUEST;
            return NULL;
        }
        apr_table_add(form, pair, eq + 1);
    }
    return form;
}

/* ---- the one access question ---- */

/* Set in the notes of the stand-in parent of a subrequest made for
 * another person (see lookup_as): the user the subrequest runs as. */
#define SOCIAL_ACCESS_AS_NOTE "social-access-as"

/* One answer of social_request_page_access, kept for the request. */
typedef struct {
    int status;
    const char *key;
    const social_dir_conf *dc;
    const char *message;
    apr_time_t mtime;   /* of the file served, if one is */
    apr_off_t size;
    social_document_kind kind;   /* what the file is (a folder: HTML) */
    const char *content_type;    /* as httpd serves it, or NULL */
    apr_table_t *challenge;      /* 401: the page's own WWW-Authenticate lines */
    const char *filename;        /* the file served, if one is */
} access_answer;

/* The answers given so far in this request (and its subrequests), by
 * person and path. */
static apr_hash_t *access_answers(request_rec *r)
{
    void *known = NULL;

    while (r->main != NULL) {
        r = r->main;
    }
    apr_pool_userdata_get(&known, "social-access", r->pool);
    if (known == NULL) {
        known = apr_hash_make(r->pool);
        apr_pool_userdata_setn(known, "social-access", NULL, r->pool);
    }
    return known;
}

/* Looks uri up as a subrequest as the requester, or (as not NULL and not
 * the requester) as that person: the subrequest's parent is then a copy
 * of r without the requester's credentials, whose user is as, and
 * access_as_authn gives every subrequest below it that user. So httpd's
 * own access hooks (Require, <Location>, <Directory>, <Files>, mod_dir's
 * index look-up) decide for that person as they would for a request of
 * theirs, whatever the authentication (Basic, cookies, tickets). */
static request_rec *lookup_as(request_rec *r, const char *uri, const char *as)
{
    request_rec *parent = r;

    if (as != NULL && (r->user == NULL || strcmp(as, r->user) != 0)) {
        parent = apr_pmemdup(r->pool, r, sizeof(*r));
        parent->user = apr_pstrdup(r->pool, as);
        parent->headers_in = apr_table_copy(r->pool, r->headers_in);
        apr_table_unset(parent->headers_in, "Authorization");
        apr_table_unset(parent->headers_in, "Proxy-Authorization");
        apr_table_unset(parent->headers_in, "Cookie");
        parent->notes = apr_table_make(r->pool, 1);
        apr_table_setn(parent->notes, SOCIAL_ACCESS_AS_NOTE, parent->user);
    }
    return ap_sub_req_lookup_uri(uri, parent, NULL);
}

/* check_authn: a subrequest made by lookup_as for another person is
 * that person; nothing else is touched. */
static int access_as_authn(request_rec *r)
{
    const request_rec *m;

    for (m = r->main; m != NULL; m = m->main) {
        const char *as = apr_table_get(m->notes, SOCIAL_ACCESS_AS_NOTE);
        if (as != NULL) {
            r->user = apr_pstrdup(r->pool, as);
            return OK;
        }
    }
    return DECLINED;
}

void social_request_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_check_authn(access_as_authn, NULL, NULL, APR_HOOK_REALLY_FIRST,
                        AP_AUTH_INTERNAL_PER_CONF);
}

/* Nonzero if httpd would serve sub's file itself: not a missing file
 * (unless a handler answers for it), no path info after a file that the
 * core's handler refuses (AcceptPathInfo). */
static int served(const request_rec *sub)
{
    int core = sub->handler == NULL || strcmp(sub->handler, "default-handler") == 0;

    if (sub->finfo.filetype == APR_NOFILE && core) {
        return 0;
    }
    if (sub->path_info != NULL && sub->path_info[0] != '\0' && core
        && sub->used_path_info != AP_REQ_ACCEPT_PATH_INFO) {
        return 0;
    }
    return 1;
}

/* The page key of the page at path (canonical, without the index step),
 * served as sub: an index file's key is its directory only when httpd
 * serves that same file for the directory (DirectoryIndex). */
static const char *served_key(request_rec *r, const char *path, const request_rec *sub,
                              const char *as)
{
    const char *error = NULL;
    const char *key = social_text_page_key(r->pool, path, &error);
    request_rec *dir;
    int same;

    if (key == NULL || strcmp(key, path) == 0) {
        return path;
    }
    dir = lookup_as(r, key, as);
    same = dir->status == HTTP_OK && dir->filename != NULL && sub->filename != NULL
        && strcmp(dir->filename, sub->filename) == 0;
    ap_destroy_sub_req(dir);
    return same ? key : path;
}

static int challenge_copy(void *to, const char *name, const char *value)
{
    apr_table_add(to, name, value);
    return 1;
}

int social_request_page_access(request_rec *r, const char *path, const char *as,
                               const char **key, const social_dir_conf **dc,
                               const char **message)
{
    const char *error = NULL, *spelled, *cache_key;
    apr_hash_t *known = access_answers(r);
    access_answer *a;
    request_rec *sub;

    *key = NULL;
    *dc = NULL;
    if (path == NULL || *path == '\0') {
        *message = "the page is missing";
        return HTTP_BAD_REQUEST;
    }
    spelled = social_text_page_path(r->pool, path, &error);
    if (spelled == NULL) {
        *message = apr_pstrcat(r->pool, "the page is not valid: ", error, NULL);
        return HTTP_BAD_REQUEST;
    }
    if (as != NULL && r->user != NULL && strcmp(as, r->user) == 0) {
        as = NULL;
    }
    cache_key = apr_pstrcat(r->pool, as ? "u" : "r", as ? as : "", "\n", spelled, NULL);
    a = apr_hash_get(known, cache_key, APR_HASH_KEY_STRING);
    if (a == NULL) {
        const social_dir_conf *sdc;

        a = apr_pcalloc(r->pool, sizeof(*a));
        /* The intranet's own rules decide who may read the page. */
        sub = lookup_as(r, spelled, as);
        sdc = ap_get_module_config(sub->per_dir_config, &social_module);
        if (sub->status == HTTP_UNAUTHORIZED) {
            a->status = HTTP_UNAUTHORIZED;
            a->message = "log in to see this page";
            /* The challenge the page's own auth (mod_auth_basic,
             * mod_auth_digest, ...) noted on the subrequest. */
            a->challenge = apr_table_make(r->pool, 1);
            apr_table_do(challenge_copy, a->challenge, sub->err_headers_out,
                         "WWW-Authenticate", NULL);
        }
        else if (sub->status == HTTP_FORBIDDEN) {
            a->status = HTTP_FORBIDDEN;
            a->message = "you may not read this page";
        }
        else if (sub->status != HTTP_OK || sdc == NULL || sdc->enabled != 1
                 || apr_table_get(sub->subprocess_env, "no-social") != NULL
                 || !served(sub)) {
            a->status = HTTP_NOT_FOUND;
            a->message = "there is no discussion for this page";
        }
        else {
            social_identity who;

            a->dc = sdc;
            a->key = served_key(r, spelled, sub, as);
            if (sub->finfo.filetype == APR_REG) {
                a->mtime = sub->finfo.mtime;
                a->size = sub->finfo.size;
                a->filename = sub->filename ? apr_pstrdup(r->pool, sub->filename) : NULL;
            }
            a->content_type = sub->content_type
                ? apr_pstrdup(r->pool, sub->content_type) : NULL;
            /* A folder (its index file, or a listing) is a page. */
            a->kind = sub->finfo.filetype == APR_DIR || strcmp(a->key, spelled) != 0
                ? SOCIAL_DOCUMENT_HTML : social_document_kind_of(sub->content_type);
            if (as == NULL) {
                social_identity_get(r, sdc, &who);
                if (!social_identity_can_read(&who)) {
                    a->status = HTTP_UNAUTHORIZED;
                    a->message = "log in to see the discussion";
                }
            }
        }
        apr_hash_set(known, cache_key, APR_HASH_KEY_STRING, a);
    }
    *key = a->key;
    *dc = a->dc;
    *message = a->message;
    return a->status;
}

int social_request_page_stamp(request_rec *r, const char *key, apr_time_t *mtime,
                              apr_off_t *size)
{
    apr_hash_index_t *hi;

    for (hi = apr_hash_first(r->pool, access_answers(r)); hi != NULL; hi = apr_hash_next(hi)) {
        const access_answer *a = apr_hash_this_val(hi);
        if (a->status == 0 && a->key != NULL && a->mtime != 0 && strcmp(a->key, key) == 0) {
            *mtime = a->mtime;
            *size = a->size;
            return 1;
        }
    }
    return 0;
}

/* The answer this request already has for the page key (any person). */
static const access_answer *answer_for_key(request_rec *r, const char *key)
{
    apr_hash_index_t *hi;

    for (hi = apr_hash_first(r->pool, access_answers(r)); hi != NULL; hi = apr_hash_next(hi)) {
        const access_answer *a = apr_hash_this_val(hi);
        if (a->status == 0 && a->key != NULL && strcmp(a->key, key) == 0) {
            return a;
        }
    }
    return NULL;
}

const char *social_request_page_file(request_rec *r, const char *key)
{
    const access_answer *a = answer_for_key(r, key);

    return a ? a->filename : NULL;
}

social_document_kind social_request_page_kind(request_rec *r, const char *key,
                                              const char **content_type)
{
    const access_answer *a = answer_for_key(r, key);

    if (content_type != NULL) {
        *content_type = a ? a->content_type : NULL;
    }
    return a ? a->kind : SOCIAL_DOCUMENT_HTML;
}

const char *social_request_page_href(request_rec *r, const char *key)
{
    return social_request_page_kind(r, key, NULL) == SOCIAL_DOCUMENT_HTML
        ? key : social_request_discuss_url(r, key);
}

const char *social_request_discuss_url(request_rec *r, const char *key)
{
    return apr_pstrcat(r->pool, social_config_srv(r->server)->endpoint, "/discuss?page=",
                       social_text_percent_encode(r->pool, key), NULL);
}

int social_request_page_readable(request_rec *r, const char *path, const char *as)
{
    const char *key, *message;
    const social_dir_conf *dc;

    return social_request_page_access(r, path, as, &key, &dc, &message) == 0;
}

const char *social_request_served_key(request_rec *r)
{
    const char *error = NULL;
    const char *path = social_text_page_path(r->pool,
                                             r->parsed_uri.path ? r->parsed_uri.path : r->uri,
                                             &error);

    if (path == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL1330: no page key for %s (%s)", r->uri, error);
        return NULL;
    }
    return served_key(r, path, r, NULL);
}

int social_request_page_challenge(request_rec *r, const char *path)
{
    const char *error = NULL;
    const char *spelled = path ? social_text_page_path(r->pool, path, &error) : NULL;
    const access_answer *a;

    if (spelled == NULL) {
        return 0;
    }
    a = apr_hash_get(access_answers(r), apr_pstrcat(r->pool, "r\n", spelled, NULL),
                     APR_HASH_KEY_STRING);
    if (a == NULL || a->status != HTTP_UNAUTHORIZED || a->challenge == NULL
        || apr_is_empty_table(a->challenge)) {
        return 0;
    }
    apr_table_unset(r->err_headers_out, "WWW-Authenticate");
    r->err_headers_out = apr_table_overlay(r->pool, r->err_headers_out, a->challenge);
    return 1;
}

int social_request_page(request_rec *r, const char *path, social_page *page,
                        const char **message)
{
    int status;

    memset(page, 0, sizeof(*page));
    status = social_request_page_access(r, path, NULL, &page->key, &page->dc, message);
    if (status != 0) {
        page->key = NULL;
        page->dc = NULL;
        return status;
    }
    social_identity_get(r, page->dc, &page->who);
    return 0;
}

apr_int64_t social_request_id(const char *s, size_t len)
{
    apr_int64_t v = 0;
    size_t k;

    if (len == 0 || len > 18 || s[0] == '0') {
        return 0;
    }
    for (k = 0; k < len; k++) {
        if (!apr_isdigit(s[k])) {
            return 0;
        }
        v = v * 10 + (s[k] - '0');
    }
    return v;
}

int social_request_unlocked(request_rec *r, const social_page *pg)
{
    int locked = 0;
    const char *hash = strchr(pg->key, '#');
    /* An idea's own discussion (PAGE#idea-ID) is locked with its page. */
    const char *key = hash ? apr_pstrmemdup(r->pool, pg->key, (apr_size_t)(hash - pg->key))
                           : pg->key;

    if (pg->who.moderator) {
        return 0;
    }
    if (social_store_page_locked(r, key, &locked) != SOCIAL_STORE_OK) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    if (locked) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL1351: %s %s refused: %s is locked", r->method, r->uri, pg->key);
        return HTTP_LOCKED;
    }
    return 0;
}

/* The success messages a plain form's redirect can name, by key. */
static const struct {
    const char *key;
    const char *text;
} notices[] = {
    { "posted", "Comment posted" },
    { "idea", "Your idea is on the board" },
    { "unvoted", "Your vote is taken back" },
    { "status", "Status changed" },
    { "merged", "Ideas merged" },
    { "idea-deleted", "Idea deleted" },
    { "replied", "Reply posted" },
    { "pending", "Comment received; it appears to others once a moderator approves it" },
    { "updated", "Comment updated" },
    { "deleted", "Comment deleted" },
    { "hidden", "Comment hidden" },
    { "shown", "Comment shown again" },
    { "liked", "Liked" },
    { "unliked", "Like removed" },
    { "page-liked", "You like this page" },
    { "reported", "Reported to the moderators. Thank you." },
    { "shared", "Shared" },
    { "shared-with", "Shared with your colleagues" },
    { "oldest", "Oldest first" },
    { "newest", "Newest first" },
    { "liked-first", "Most liked first" },
    { "voted", "Your vote is counted" },
    { "responded", "Your answers are saved" },
    { "survey-closed", "Survey closed" },
    { "survey-reopened", "Survey reopened" },
    { "poll-closed", "Poll closed" },
    { "poll-reopened", "Poll reopened" },
    { "following", "Following the page" },
    { "following-thread", "Following the thread" },
    { "unfollowed", "Page unfollowed" },
    { "unfollowed-thread", "Thread unfollowed" },
};

const char *social_request_back_location(request_rec *r, const char *page,
                                         const char *status, const char *fragment)
{
    size_t k;
    const char *idea = strstr(page, "#idea-");
    const char *base = page, *sep = "?social=";

    if (idea != NULL) {
        /* An idea's discussion lives on the idea's own page. */
        base = apr_pstrcat(r->pool, social_config_srv(r->server)->endpoint, "/ideas/",
                           idea + strlen("#idea-"), NULL);
    }
    else if (social_request_page_kind(r, page, NULL) != SOCIAL_DOCUMENT_HTML) {
        /* A document's discussion is on its discuss page, not in the file. */
        base = social_request_discuss_url(r, page);
        sep = "&social=";
    }

    for (k = 0; status != NULL && k < sizeof(notices) / sizeof(notices[0]); k++) {
        if (strcmp(notices[k].text, status) == 0) {
            return apr_pstrcat(r->pool, base, sep, notices[k].key, "#", fragment, NULL);
        }
    }
    return apr_pstrcat(r->pool, base, "#", fragment, NULL);
}

/* The notice the text names, in the request's language (text itself if
 * it is none of them). */
static const char *notice_words(request_rec *r, size_t k)
{
    char *msg = apr_pstrcat(r->pool, "block.notice_", notices[k].key, NULL), *s;
    const char *text;

    for (s = msg; *s; s++) {
        if (*s == '-') {
            *s = '_';
        }
    }
    text = SOCIAL_MSG(r, msg);
    return strcmp(text, msg) == 0 ? notices[k].text : text;
}

const char *social_request_text_refusal(request_rec *r, const char *prefix, const char *why,
                                        apr_size_t chars, apr_size_t max)
{
    const char *kind = chars > max ? "_too_long"
                     : strcmp(why, SOCIAL_TEXT_EMPTY) == 0 ? "_empty"
                     : strcmp(why, SOCIAL_TEXT_CONTROL) == 0 ? "_control"
                     : "_not_utf8";

    return SOCIAL_MSGF(r, apr_pstrcat(r->pool, prefix, kind, NULL), -1,
                       "chars", apr_psprintf(r->pool, "%" APR_SIZE_T_FMT, chars),
                       "max", apr_psprintf(r->pool, "%" APR_SIZE_T_FMT, max), NULL);
}

const char *social_request_notice_say(request_rec *r, const char *text)
{
    size_t k;

    for (k = 0; text != NULL && k < sizeof(notices) / sizeof(notices[0]); k++) {
        if (strcmp(notices[k].text, text) == 0) {
            return notice_words(r, k);
        }
    }
    return text;
}

const char *social_request_notice(request_rec *r)
{
    const char *key = social_request_query_value(r, "social");
    size_t k;

    for (k = 0; key != NULL && k < sizeof(notices) / sizeof(notices[0]); k++) {
        if (strcmp(notices[k].key, key) == 0) {
            return notice_words(r, k);     /* in the reader's language */
        }
    }
    return NULL;
}

int social_request_wants_fragment(request_rec *r)
{
    const char *v = apr_table_get(r->headers_in, "X-Social-Fragment");
    return v != NULL && strcmp(v, "1") == 0;
}

json_t *social_request_people_json(request_rec *r, apr_array_header_t *people)
{
    json_t *list = json_array();
    int k;

    for (k = 0; k < people->nelts; k++) {
        const social_person *pe = &APR_ARRAY_IDX(people, k, social_person);
        json_array_append_new(list, json_pack("{s:s,s:s}", "user", pe->user, "name", pe->name));
    }
    return social_request_json_pool(r, json_pack("{s:i,s:o}", "count", people->nelts,
                                                 "people", list));
}

/* ---- HTML answers ---- */


int social_request_page_send(request_rec *r, const char *html, apr_size_t len)
{
    const char *content_type = NULL;
    apr_size_t framed_len = 0;
    char *framed = social_siteframe_wrap(r, html, len, &framed_len, &content_type);

    if (framed == NULL) {
        return social_request_html_send(r, html, len);
    }
    /* the frame's own charset: the module's part is pure ASCII */
    ap_set_content_type(r, content_type);
    apr_table_setn(r->headers_out, "Cache-Control", "private, no-cache");
    if (!r->header_only) {
        ap_rwrite(framed, (int)framed_len, r);
    }
    return OK;
}

int social_request_html_send(request_rec *r, const char *html, apr_size_t len)
{
    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "private, no-cache");
    if (!r->header_only) {
        ap_rwrite(html, (int)len, r);
    }
    return OK;
}

typedef struct {
    request_rec *r;
    int status;
    const char *title;
    const char *message;
    const char *back;       /* the page to return to, if known */
    const char *kept;       /* what the person wrote, or NULL */
} message_data;

#define KEPT_TEXT_NOTE "social-kept-text"

void social_request_form_keep(request_rec *r, const char *text)
{
    if (text != NULL && *text != '\0') {
        apr_table_setn(r->notes, KEPT_TEXT_NOTE, text);
    }
}

static void message_fill(social_render_data *data, void *ctx)
{
    message_data *d = ctx;

    social_render_set_int(data, "Message.status", d->status);
    social_render_set(data, "Message.title", d->title);
    social_render_set(data, "Message.text", d->message);
    social_render_set(data, "Message.back", d->back);
    social_render_set(data, "Message.kept", d->kept);
    social_render_set(data, "Social.version", SOCIAL_VERSION);
    social_render_set(data, "Social.endpoint", social_config_srv(d->r->server)->endpoint);
}

int social_request_template_send(request_rec *r, const char *name,
                                 social_render_fill fill, void *data)
{
    const char *error = NULL;
    apr_size_t len = 0;
    char *html = social_render_template_lang(r->pool,
                                             social_config_srv(r->server)->template_dir,
                                             name, social_request_lang(r), fill, data,
                                             &len, &error);

    if (html == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0306: rendering %s failed: %s", name, error);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    html = social_text_ascii_refs(r->pool, html, len);
    social_request_lang_headers(r);
    return social_request_page_send(r, html, strlen(html));
}

apr_table_t *social_request_form_read(request_rec *r, int *result)
{
    apr_table_t *form;
    int code = 0;

    if (!social_identity_same_origin(r)) {
        *result = social_request_form_error(r, HTTP_FORBIDDEN,
                                            SOCIAL_MSG(r, "block.msg_the_form_was_sent_from_another"),
                                            NULL);
        return NULL;
    }
    form = social_request_form_body(r, &code);
    if (form == NULL) {
        *result = social_request_form_error(r, code, SOCIAL_MSG(r, "block.msg_form_unreadable"),
                                            NULL);
    }
    return form;
}

/* The title of a refused form's page: what did not happen. */
static const char *form_error_title(request_rec *r, int status)
{
    const char *base = social_config_srv(r->server)->endpoint;
    const char *what = strncmp(r->uri, base, strlen(base)) == 0 ? r->uri + strlen(base) : "";

    if (status == HTTP_SERVICE_UNAVAILABLE) return SOCIAL_MSG(r, "block.title_try_again");
    if (status == HTTP_UNAUTHORIZED) return SOCIAL_MSG(r, "block.title_log_in");
    if (status == HTTP_INTERNAL_SERVER_ERROR) return SOCIAL_MSG(r, "block.title_server_error");
    if (strcmp(what, "/shares") == 0) return SOCIAL_MSG(r, "block.title_not_shared");
    if (strcmp(what, "/like") == 0) return SOCIAL_MSG(r, "block.title_like_not_saved");
    if (strncmp(what, "/polls", 6) == 0) return SOCIAL_MSG(r, "block.title_vote_not_saved");
    if (strncmp(what, "/notifications", 14) == 0) return SOCIAL_MSG(r, "block.title_not_done");
    if (strcmp(what, "/discuss") == 0) {
        return status == HTTP_NOT_FOUND ? SOCIAL_MSG(r, "block.title_no_discussion")
                                        : SOCIAL_MSG(r, "block.title_cannot_show");
    }
    return SOCIAL_MSG(r, "block.title_comment_not_saved");
}

/* A plain HTML page explaining a refused form post. */
int social_request_form_error(request_rec *r, int status, const char *message, const char *back)
{
    message_data d = { r, status, NULL, message,
                       /* a document's discussion is on its discuss page */
                       back != NULL && social_request_page_kind(r, back, NULL)
                                       != SOCIAL_DOCUMENT_HTML
                           ? social_request_discuss_url(r, back) : back,
                       apr_table_get(r->notes, KEPT_TEXT_NOTE) };
    const char *error = NULL;
    apr_size_t len = 0;
    char *html;

    if (social_request_wants_fragment(r)) {
        return social_request_json_error(r, status, "form_refused", message);
    }
    d.title = form_error_title(r, status);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL0504: form post to %s refused with %d: %s", r->uri, status, message);
    html = social_render_template_lang(r->pool, social_config_srv(r->server)->template_dir,
                                       "message.cs", social_request_lang(r), message_fill, &d,
                                       &len, &error);
    if (html == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0505: rendering message.cs failed: %s", error);
        return status;
    }
    html = social_text_ascii_refs(r->pool, html, len);
    social_request_lang_headers(r);
    r->status = status;
    if (status == HTTP_SERVICE_UNAVAILABLE) {
        social_request_retry_after(r);
    }
    {
        /* in the site's frame (SocialSiteFrame), with a link back */
        const char *content_type = NULL;
        apr_size_t framed_len = 0;
        char *framed = social_siteframe_wrap(r, html, strlen(html), &framed_len,
                                             &content_type);

        ap_set_content_type(r, framed ? content_type : "text/html; charset=utf-8");
        apr_table_setn(r->headers_out, "Cache-Control", "no-store");
        if (framed != NULL) {
            ap_rwrite(framed, (int)framed_len, r);
        }
        else {
            ap_rputs(html, r);
        }
    }
    return OK;
}

social_store_status social_request_unread(request_rec *r, const char *user, int *count)
{
    apr_array_header_t *pages;
    social_store_status st = social_store_notifications_unread_pages(r, user, &pages);
    int k;

    *count = 0;
    for (k = 0; st == SOCIAL_STORE_OK && k < pages->nelts; k++) {
        const social_page_unread *u = &APR_ARRAY_IDX(pages, k, social_page_unread);
        if (social_request_page_readable(r, u->page, NULL)) {
            *count += u->count;
        }
    }
    return st;
}
