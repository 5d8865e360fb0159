/* notify.c: notifications ("for you"), the people look-up for
 * @mentions, and e-mail digests.
 *
 * Notifications are written by the store in the same transaction as the
 * comment, share or like that causes them; this unit only reads and
 * marks them. Each belongs to one user: every look-up is by id AND the
 * viewer, so another user's id is simply "not found" (404).
 *
 * Mail: on the background thread (background.c, mod_watchdog), never in
 * a reader's request. Every process checks at most every few seconds
 * whether digests are due and sends them under a lease (a row of
 * social_leases claimed in a transaction, with an expiry), so with many
 * processes and hosts one sender runs at a time and nobody gets a digest
 * twice; the lease works on one server and on a Galera cluster alike
 * (GET_LOCK does not: Galera refuses it).
 */
#include <string.h>

#include <unistd.h>

#include <apr_base64.h>
#include <apr_network_io.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>

#include "notify.h"
#include "activity.h"
#include "background.h"
#include "fragcache.h"
#include "render.h"
#include "request.h"
#include "store.h"
#include "text.h"
#include "tz.h"
#include "tree.h"

APLOG_USE_MODULE(social);

/* ---- describing a notification ---- */

/* Nonzero for a notification of something followed (page or thread). */
static int note_followed(const social_notification *n)
{
    return strcmp(n->kind, "follow") == 0 || strcmp(n->kind, "thread") == 0;
}

static const char *note_href(request_rec *r, const social_notification *n)
{
    apr_pool_t *p = r->pool;
    /* a document's discussion is on its discuss page */
    const char *page = social_request_page_href(r, n->page);

    if (strcmp(n->kind, "share") == 0) {
        return apr_pstrcat(p, page, "#social", NULL);
    }
    if (strcmp(n->kind, "idea") == 0) {
        return apr_psprintf(p, "%s#idea-%" APR_INT64_T_FMT, n->page, n->target);
    }
    if (strchr(n->page, '#') != NULL) {
        return n->page;   /* in an idea's own discussion: the idea on its board */
    }
    if (note_followed(n)) {   /* the first comment not seen yet */
        return apr_psprintf(p, "%s#comment-%" APR_INT64_T_FMT, page, n->since);
    }
    return apr_psprintf(p, "%s#comment-%" APR_INT64_T_FMT, page, n->target);
}

/* How a notification names its page: its title if known, else its path. */
static const char *note_page_name(const social_notification *n)
{
    return n->page_title != NULL && n->page_title[0] != '\0' ? n->page_title : n->page;
}

/* What happened, in the language l. */
static const char *note_title(apr_pool_t *p, const social_i18n_lang *l,
                              const social_notification *n)
{
    const char *page = note_page_name(n);
    const char *key = "stream.note_like";

    if (strcmp(n->kind, "reply") == 0) {
        key = "stream.note_reply";
    }
    else if (strcmp(n->kind, "mention") == 0) {
        key = "stream.note_mention";
    }
    else if (strcmp(n->kind, "share") == 0) {
        key = "stream.note_share";
    }
    else if (strcmp(n->kind, "idea") == 0) {
        key = "stream.note_idea_status";
    }
    else if (strcmp(n->kind, "follow") == 0) {
        if (n->likes > 1) {
            return social_i18n_format(p, l, "stream.note_follow_many", n->likes,
                                      "page", page, NULL);
        }
        key = "stream.note_follow";
    }
    else if (strcmp(n->kind, "thread") == 0) {
        if (n->likes > 1) {
            return social_i18n_format(p, l, "stream.note_thread_many", n->likes,
                                      "page", page, NULL);
        }
        key = "stream.note_thread";
    }
    else if (n->likes > 1) {
        return social_i18n_format(p, l, "stream.note_likes", n->likes, "page", page, NULL);
    }
    return social_i18n_format(p, l, key, -1, "actor", n->actor_name, "page", page, NULL);
}

static json_t *note_json(request_rec *r, const social_notification *n)
{
    json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:s,s:b,s:s}",
        "id", (json_int_t)n->id, "kind", n->kind, "page", n->page,
        "url", note_href(r, n), "title", note_title(r->pool, social_request_lang(r), n),
        "actor", "user", n->actor, "name", n->actor_name,
        "text", strcmp(n->kind, "like") == 0 ? "" : n->text, "read", n->read,
        "created", social_text_time_iso(r->pool, n->created));

    if (j != NULL) {
        json_object_set_new(j, "page_title", n->page_title != NULL && n->page_title[0] != '\0'
                            ? json_string(n->page_title) : json_null());
    }
    if (j != NULL && strcmp(n->kind, "like") == 0) {
        json_object_set_new(j, "likes", json_integer(n->likes));
    }
    if (j != NULL && note_followed(n)) {
        /* the new comments, the first of them, and the thread followed */
        json_object_set_new(j, "comments", json_integer(n->likes));
        json_object_set_new(j, "comment", json_integer(n->since));
        json_object_set_new(j, "thread", strcmp(n->kind, "thread") == 0
                            ? json_integer(n->target) : json_null());
        return j;
    }
    if (j != NULL) {
        json_object_set_new(j, strcmp(n->kind, "share") == 0 ? "share"
                               : strcmp(n->kind, "idea") == 0 ? "idea" : "comment",
                            json_integer(n->target));
    }
    return j;
}

/* The notifications of all on pages their person may still read (as:
 * NULL for the requester, or the person's user name). */
static apr_array_header_t *notes_readable(request_rec *r, apr_array_header_t *all,
                                          const char *as)
{
    apr_array_header_t *list = apr_array_make(r->pool, all->nelts ? all->nelts : 1,
                                              sizeof(social_notification));
    int k;

    for (k = 0; k < all->nelts; k++) {
        const social_notification *n = &APR_ARRAY_IDX(all, k, social_notification);
        if (social_request_page_readable(r, n->page, as)) {
            *(social_notification *)apr_array_push(list) = *n;
        }
    }
    return list;
}

/* The requester's notifications on pages they may still read. */
static social_store_status notes_load(request_rec *r, const char *user, const char *mode,
                                      apr_array_header_t **list)
{
    social_store_status st = social_store_notifications(r, user, mode, list);

    if (st == SOCIAL_STORE_OK) {
        *list = notes_readable(r, *list, NULL);
    }
    return st;
}

/* One of the requester's notifications, if it is of a page they may
 * read; otherwise NOT_FOUND, as for an id that is not theirs. */
static social_store_status note_get(request_rec *r, const char *user, apr_int64_t id,
                                    social_notification *n)
{
    social_store_status st = social_store_notification_get(r, user, id, n);

    if (st == SOCIAL_STORE_OK && !social_request_page_readable(r, n->page, NULL)) {
        return SOCIAL_STORE_NOT_FOUND;
    }
    return st;
}

/* ---- JSON API ---- */

static int api_login_required(request_rec *r)
{
    return social_request_json_error(r, HTTP_UNAUTHORIZED, "login_required",
                                     SOCIAL_MSG(r, "stream.err_log_in"));
}

/* A JSON write: same origin and a JSON object body (which a cross-site
 * form cannot send). Returns 0, or -1 when refused: the refusal is then
 * answered and *result is the handler's return value. */
static int api_write_check(request_rec *r, json_t **body, int *result)
{
    if (!social_identity_same_origin(r)) {
        *result = social_request_cross_origin_refused(r);
        return -1;
    }
    *body = social_request_json_body(r, result);
    return *body == NULL ? -1 : 0;
}

static int api_list(request_rec *r)
{
    const char *unread = social_request_query_value(r, "unread");
    apr_array_header_t *list;
    json_t *items, *body;
    int count = 0, k;
    social_store_status st;

    st = notes_load(r, r->user, unread && strcmp(unread, "1") == 0 ? "unread" : "all",
                    &list);
    if (st == SOCIAL_STORE_OK) {
        st = social_request_unread(r, r->user, &count);
    }
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    items = json_array();
    body = social_request_json_pool(r, json_pack("{s:i,s:o}", "unread", count, "items", items));
    for (k = 0; k < list->nelts; k++) {
        json_array_append_new(items, note_json(r, &APR_ARRAY_IDX(list, k, social_notification)));
    }
    return social_request_json_send(r, HTTP_OK, body);
}

/* A person's choices: e-mail digests on or off, and the order they read
 * discussions in. PUT sends either or both. */
static int api_settings(request_rec *r)
{
    int off = 0, status, order = 0;
    social_store_status st;
    json_t *body, *email, *sort;

    if (r->method_number == M_PUT) {
        if (api_write_check(r, &body, &status) != 0) {
            return status;
        }
        email = json_object_get(body, "email");
        sort = json_object_get(body, "sort");
        if ((email == NULL && sort == NULL) || (email != NULL && !json_is_boolean(email))
            || (sort != NULL && social_tree_order_parse(json_string_value(sort)) < 0)) {
            return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, "invalid_settings",
                                             "send {\"email\": true|false} and/or "
                                             "{\"sort\": \"oldest\"|\"newest\"|\"liked\"}");
        }
        st = email != NULL
            ? social_store_notify_set_email_off(r, r->user, json_is_false(email))
            : SOCIAL_STORE_OK;
        if (st == SOCIAL_STORE_OK && sort != NULL
            && (st = social_store_thread_order_set(r, r->user, json_string_value(sort)))
               == SOCIAL_STORE_OK) {
            social_fragcache_notified(r);   /* cached viewer states hold the order */
        }
        if (st != SOCIAL_STORE_OK) {
            return social_request_store_error(r, st);
        }
    }
    else if (r->method_number != M_GET) {
        return social_request_method_not_allowed(r, "GET, HEAD, PUT");
    }
    st = social_store_notify_email_off(r, r->user, &off);
    if (st == SOCIAL_STORE_OK) {
        st = social_store_thread_order(r, r->user, &order);
    }
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r,
        json_pack("{s:b,s:b,s:s}", "email", !off,
                  "mail_configured", social_config_srv(r->server)->mail_command != NULL,
                  "sort", social_tree_order_name((social_tree_order)order))));
}

/* notifications/ID[/read] */
static int api_one(request_rec *r, apr_int64_t id, int read)
{
    social_notification n;
    social_store_status st;
    json_t *body;
    int status;

    if (read && r->method_number != M_POST) {
        return social_request_method_not_allowed(r, "POST");
    }
    if (!read && r->method_number != M_GET) {
        return social_request_method_not_allowed(r, "GET, HEAD");
    }
    if (read && api_write_check(r, &body, &status) != 0) {
        return status;
    }
    st = note_get(r, r->user, id, &n);
    if (st == SOCIAL_STORE_OK && read) {
        st = social_store_notification_read(r, r->user, id);
        if (st == SOCIAL_STORE_OK) {
            social_fragcache_notified(r);
            n.read = 1;
        }
    }
    if (st == SOCIAL_STORE_NOT_FOUND) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "block.msg_no_such_notification"));
    }
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r, note_json(r, &n)));
}

int social_notify_api(request_rec *r, const char *rest)
{
    if (r->user == NULL) {
        return api_login_required(r);
    }
    if (*rest == '\0') {
        if (r->method_number != M_GET) {
            return social_request_method_not_allowed(r, "GET, HEAD");
        }
        return api_list(r);
    }
    if (strcmp(rest, "/read-all") == 0) {
        json_t *body;
        int changed = 0, status;
        social_store_status st;

        if (r->method_number != M_POST) {
            return social_request_method_not_allowed(r, "POST");
        }
        if (api_write_check(r, &body, &status) != 0) {
            return status;
        }
        st = social_store_notifications_read_all(r, r->user, &changed);
        if (st != SOCIAL_STORE_OK) {
            return social_request_store_error(r, st);
        }
        social_fragcache_notified(r);
        return social_request_json_send(r, HTTP_OK, social_request_json_pool(r,
            json_pack("{s:i,s:i}", "marked", changed, "unread", 0)));
    }
    if (strcmp(rest, "/settings") == 0) {
        return api_settings(r);
    }
    if (rest[0] == '/') {
        const char *slash = strchr(rest + 1, '/');
        size_t n = slash ? (size_t)(slash - rest - 1) : strlen(rest + 1);
        apr_int64_t id = social_request_id(rest + 1, n);
        if (id != 0 && (slash == NULL || strcmp(slash, "/read") == 0)) {
            return api_one(r, id, slash != NULL);
        }
    }
    return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", "no such API endpoint");
}

int social_notify_people_api(request_rec *r)
{
    const char *q = social_request_query_value(r, "q");
    apr_array_header_t *people;
    social_store_status st;

    if (r->user == NULL) {
        return social_request_json_error(r, HTTP_UNAUTHORIZED, "login_required",
                                         SOCIAL_MSG(r, "block.msg_log_in_to_look_people_up"));
    }
    if (q == NULL || *q == '\0' || strlen(q) > 100 || !social_text_utf8_valid(q, strlen(q))) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_query",
                                         SOCIAL_MSG(r, "block.msg_people_query_invalid"));
    }
    st = social_store_people_search(r, q, &people);
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    return social_request_json_send(r, HTTP_OK, social_request_people_json(r, people));
}

/* ---- the "for you" page and its forms ---- */

typedef struct {
    request_rec *r;
    const social_identity *who;
    apr_array_header_t *list;
    int unread;
    int email_off;
    const char *status;
} page_data;

static void page_fill(social_render_data *data, void *ctx)
{
    page_data *d = ctx;
    request_rec *r = d->r;
    apr_pool_t *p = r->pool;
    social_render_data *s = social_render_child(data, "Social");
    social_render_data *notify = social_render_child(data, "Notify");
    int k;

    social_render_set(s, "endpoint", social_config_srv(r->server)->endpoint);
    social_render_set(s, "version", SOCIAL_VERSION);
    /* the widget keeps the page's times fresh, on the admin's clock */
    social_render_set(s, "tz", social_tz_name(social_config_time_zone(social_config_dir(r))));
    social_render_set(s, "user", d->who->user);
    social_render_set(s, "name", d->who->name);
    social_render_set(s, "token", social_identity_form_token(r, d->who));
    social_render_set_int(s, "unread", d->unread);
    social_render_set(s, "status", d->status);
    social_render_set_bool(notify, "email", !d->email_off);
    social_render_set_bool(notify, "mail_configured",
                           social_config_srv(r->server)->mail_command != NULL);
    for (k = 0; k < d->list->nelts; k++) {
        const social_notification *n = &APR_ARRAY_IDX(d->list, k, social_notification);
        social_render_data *item = social_render_child(notify, "items.%d", k);

        social_render_set_int(item, "id", n->id);
        social_render_set(item, "kind", n->kind);
        social_render_set(item, "title", note_title(p, social_request_lang(r), n));
        social_render_set(item, "page", n->page);
        social_render_set(item, "page_title", n->page_title);
        social_render_set(item, "href", note_href(r, n));
        social_render_set(item, "page", n->page);
        if (strcmp(n->kind, "thread") == 0) {
            social_render_set_int(item, "thread", n->target);
        }
        social_render_set(item, "text", strcmp(n->kind, "like") == 0 ? "" : n->text);
        social_render_set_bool(item, "read", n->read);
        social_render_set(item, "created_iso", social_text_time_iso(p, n->created));
        social_render_set(item, "created_abs", social_text_time_abs(
            p, n->created, social_config_time_zone(social_config_dir(r))));
        social_render_set(item, "created_rel", social_activity_time(r, n->created));
    }
}

static int page_send(request_rec *r, const social_identity *who, const char *status)
{
    page_data d;
    social_store_status st;

    memset(&d, 0, sizeof(d));
    d.r = r;
    d.who = who;
    d.status = status;
    st = notes_load(r, who->user, "all", &d.list);
    if (st == SOCIAL_STORE_OK) {
        st = social_request_unread(r, who->user, &d.unread);
    }
    if (st == SOCIAL_STORE_OK) {
        st = social_store_notify_email_off(r, who->user, &d.email_off);
    }
    if (st != SOCIAL_STORE_OK) {
        social_result fail;
        social_result_store(r, &fail, st);
        return social_result_send(r, &fail, 1, NULL);
    }
    return social_request_template_send(r, "notifications.cs", page_fill, &d);
}

int social_notify_page(request_rec *r)
{
    social_identity who;
    const char *done;

    social_identity_get(r, social_config_dir(r), &who);
    if (who.user == NULL) {
        return social_request_form_error(r, HTTP_UNAUTHORIZED,
                                         SOCIAL_MSG(r, "stream.err_log_in"), NULL);
    }
    /* after an unfollow from here: a fixed text, whatever was sent */
    done = social_request_query_value(r, "done");
    return page_send(r, &who, done != NULL && strcmp(done, "unfollow") == 0
                              ? SOCIAL_MSG(r, "stream.unfollowed") : NULL);
}

static int form_done(request_rec *r)
{
    apr_table_setn(r->headers_out, "Location",
                   apr_pstrcat(r->pool, social_config_srv(r->server)->endpoint,
                               "/notifications", NULL));
    return HTTP_SEE_OTHER;
}

int social_notify_form(request_rec *r, const char *rest)
{
    social_identity who;
    apr_table_t *form;
    int code = 0;
    social_store_status st;

    social_identity_get(r, social_config_dir(r), &who);
    if (who.user == NULL) {
        return social_request_form_error(r, HTTP_UNAUTHORIZED,
                                         SOCIAL_MSG(r, "stream.err_log_in_manage"), NULL);
    }
    if ((form = social_request_form_read(r, &code)) == NULL) {
        return code;
    }
    if (!social_identity_form_token_valid(r, &who, apr_table_get(form, "token"))) {
        return social_request_form_error(r, HTTP_FORBIDDEN,
                                         SOCIAL_MSG(r, "stream.err_expired"), NULL);
    }
    if (strcmp(rest, "/read-all") == 0) {
        int changed = 0;
        st = social_store_notifications_read_all(r, who.user, &changed);
    }
    else if (strcmp(rest, "/settings") == 0) {
        const char *email = apr_table_get(form, "email");
        if (email == NULL || (strcmp(email, "on") != 0 && strcmp(email, "off") != 0)) {
            return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY,
                                             SOCIAL_MSG(r, "stream.err_email_choice"), NULL);
        }
        st = social_store_notify_set_email_off(r, who.user, strcmp(email, "off") == 0);
    }
    else {
        const char *slash = rest[0] == '/' ? strchr(rest + 1, '/') : NULL;
        apr_int64_t id = slash ? social_request_id(rest + 1, (size_t)(slash - rest - 1)) : 0;
        if (id == 0 || strcmp(slash, "/read") != 0) {
            return social_request_form_error(r, HTTP_NOT_FOUND,
                                             SOCIAL_MSG(r, "stream.err_no_notification"), NULL);
        }
        social_notification n;
        st = note_get(r, who.user, id, &n);
        if (st == SOCIAL_STORE_OK) {
            st = social_store_notification_read(r, who.user, id);
        }
        if (st == SOCIAL_STORE_NOT_FOUND) {
            return social_request_form_error(r, HTTP_NOT_FOUND,
                                             SOCIAL_MSG(r, "stream.err_no_notification"), NULL);
        }
    }
    if (st != SOCIAL_STORE_OK) {
        return social_request_form_error(r, HTTP_SERVICE_UNAVAILABLE,
                                         SOCIAL_MSG(r, "stream.err_not_changed"), NULL);
    }
    social_fragcache_notified(r);
    if (social_request_wants_fragment(r)) {
        return page_send(r, &who, SOCIAL_MSG(r, "stream.done"));
    }
    return form_done(r);
}

/* ---- e-mail digests ---- */

/* Per process: when to look for due digests next (only the background
 * thread reads and writes it). */
static volatile apr_time_t mail_next_check;

#define SOCIAL_MAIL_INTERVAL_DEFAULT 600

/* s without CR, LF and the characters that would end a quoted name. */
static const char *header_safe(apr_pool_t *p, const char *s)
{
    char *out = apr_pstrdup(p, s), *o = out;
    for (; *s; s++) {
        if (*s != '\r' && *s != '\n' && *s != '"' && *s != '\\') {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

/* Bytes of UTF-8 per RFC 2047 encoded word: 39 make 52 of base64, 64
 * with "=?utf-8?b?" and "?=", so even after "Subject: " a line stays
 * within 76 characters. */
#define ENCODED_WORD_BYTES 39

static int ascii_only(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s >= 0x80) {
            return 0;
        }
    }
    return 1;
}

/* s as RFC 2047 encoded words (UTF-8, base64), each cut at a character's
 * start and at most 64 characters long, folded onto lines of their own. */
static const char *encoded_words(apr_pool_t *p, const char *s)
{
    const char *out = "";
    size_t len = strlen(s), at = 0;

    while (at < len) {
        size_t n = len - at > ENCODED_WORD_BYTES ? ENCODED_WORD_BYTES : len - at;
        char *b64;

        while (at + n < len && n > 1 && ((unsigned char)s[at + n] & 0xC0) == 0x80) {
            n--;   /* not inside a character */
        }
        b64 = apr_palloc(p, apr_base64_encode_len((int)n));
        apr_base64_encode(b64, s + at, (int)n);
        out = apr_pstrcat(p, out, *out ? "\n " : "", "=?utf-8?b?", b64, "?=", NULL);
        at += n;
    }
    return out;
}

/* A display name for a header: quoted if plain ASCII, otherwise encoded
 * words, so mail software reads it. */
static const char *header_name(apr_pool_t *p, const char *name)
{
    const char *safe = header_safe(p, name);

    return ascii_only(safe) ? apr_pstrcat(p, "\"", safe, "\"", NULL) : encoded_words(p, safe);
}

/* A header's text: as it is if plain ASCII, otherwise encoded words. */
static const char *header_text(apr_pool_t *p, const char *text)
{
    const char *safe = header_safe(p, text);

    return ascii_only(safe) ? safe : encoded_words(p, safe);
}

static int address_valid(const char *a)
{
    const char *at = strchr(a, '@');
    for (; *a; a++) {
        if ((unsigned char)*a <= 0x20 || *a == '<' || *a == '>' || *a == ',' || *a == '"'
            || (unsigned char)*a >= 0x7f) {
            return 0;
        }
    }
    return at != NULL;
}

/* The digest for one person, in the language they last read in (English
 * if none is known): what happened, never the text (the page may have
 * become unreadable for them; they follow the links). */
static const char *digest(request_rec *r, const social_recipient *to,
                          apr_array_header_t *list)
{
    apr_pool_t *p = r->pool;
    const char *endpoint = social_config_srv(r->server)->endpoint;
    apr_array_header_t *lines = apr_array_make(p, list->nelts + 8, sizeof(const char *));
    const social_i18n *c = social_config_i18n(social_config_srv(r->server));
    const social_i18n_lang *l = to->lang && *to->lang ? social_i18n_find(c, to->lang) : NULL;
    int k;

    if (l == NULL) {
        l = social_i18n_find(c, "en");
    }
    APR_ARRAY_PUSH(lines, const char *) = apr_pstrcat(p, "To: ",
        header_name(p, to->name), " <", to->email, ">", NULL);
    APR_ARRAY_PUSH(lines, const char *) = apr_pstrcat(p, "Subject: ",
        header_text(p, social_i18n_format(p, l, "stream.mail_subject", list->nelts, NULL)),
        NULL);
    APR_ARRAY_PUSH(lines, const char *) = "MIME-Version: 1.0";
    APR_ARRAY_PUSH(lines, const char *) = "Content-Type: text/plain; charset=utf-8";
    APR_ARRAY_PUSH(lines, const char *) = "Content-Transfer-Encoding: 8bit";
    APR_ARRAY_PUSH(lines, const char *) = apr_pstrcat(p, "Content-Language: ",
                                                      social_i18n_tag(l), NULL);
    APR_ARRAY_PUSH(lines, const char *) = "Auto-Submitted: auto-generated";
    APR_ARRAY_PUSH(lines, const char *) = "";
    for (k = 0; k < list->nelts; k++) {
        const social_notification *n = &APR_ARRAY_IDX(list, k, social_notification);
        APR_ARRAY_PUSH(lines, const char *) = apr_pstrcat(p, "* ",
            header_safe(p, note_title(p, l, n)), "\n  ",
            social_config_absolute_url(p, r->server, note_href(r, n)), NULL);
    }
    APR_ARRAY_PUSH(lines, const char *) = "";
    APR_ARRAY_PUSH(lines, const char *) = apr_pstrcat(p,
        social_i18n_text(l, "stream.mail_footer"), "\n",
        social_config_absolute_url(p, r->server, apr_pstrcat(p, endpoint, "/notifications", NULL)), "\n", NULL);
    return apr_array_pstrcat(p, lines, '\n');
}

/* Runs SocialMailCommand with message on its standard input; 0 if it
 * exited with 0. */
static int mail_send(request_rec *r, const char *command, const char *message)
{
    apr_procattr_t *attr;
    apr_proc_t proc;
    const char *argv[] = { command, NULL };
    apr_size_t len = strlen(message);
    apr_exit_why_e why;
    int code = 0;
    apr_status_t rv;

    if ((rv = apr_procattr_create(&attr, r->pool)) != APR_SUCCESS
        || (rv = apr_procattr_io_set(attr, APR_FULL_BLOCK, APR_NO_PIPE, APR_NO_PIPE))
           != APR_SUCCESS
        || (rv = apr_procattr_cmdtype_set(attr, APR_SHELLCMD_ENV)) != APR_SUCCESS
        || (rv = apr_proc_create(&proc, command, argv, NULL, attr, r->pool)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      "SOCIAL1020: cannot run SocialMailCommand \"%s\"", command);
        return -1;
    }
    rv = apr_file_write_full(proc.in, message, len, NULL);
    apr_file_close(proc.in);
    apr_proc_wait(&proc, &code, &why, APR_WAIT);
    if (rv != APR_SUCCESS || why != APR_PROC_EXIT || code != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      "SOCIAL1021: SocialMailCommand \"%s\" failed (exit %d); the digest "
                      "is sent again later", command, code);
        return -1;
    }
    return 0;
}

/* The mail lease: held while one process sends digests; a sender that
 * dies lets go when it expires (a run sends at most 20 digests). */
#define MAIL_LEASE "mail"
#define MAIL_LEASE_SECONDS 300

/* Who claims the lease: this host, process and run. */
static const char *mail_lease_holder(request_rec *r)
{
    unsigned char token[6];
    char host[APRMAXHOSTLEN + 1];

    if (apr_gethostname(host, sizeof(host), r->pool) != APR_SUCCESS) {
        host[0] = '\0';
    }
    if (apr_generate_random_bytes(token, sizeof(token)) != APR_SUCCESS) {
        memset(token, 0, sizeof(token));
    }
    return apr_psprintf(r->pool, "%.180s/%" APR_PID_T_FMT "/%02x%02x%02x%02x%02x%02x",
                        host, getpid(), token[0], token[1], token[2], token[3],
                        token[4], token[5]);
}

static void mail_digests(request_rec *r)
{
    const social_srv_conf *sc = social_config_srv(r->server);
    int interval = sc->mail_interval ? sc->mail_interval : SOCIAL_MAIL_INTERVAL_DEFAULT;
    apr_array_header_t *due, *list;
    int held = 0, k, sent = 0;
    const char *holder = mail_lease_holder(r);

    if (social_store_lease_claim(r, MAIL_LEASE, holder, MAIL_LEASE_SECONDS, &held)
        != SOCIAL_STORE_OK || !held) {
        return;   /* another process is sending, or the database is away */
    }
    if (social_store_mail_due(r, interval, &due) != SOCIAL_STORE_OK) {
        due = apr_array_make(r->pool, 1, sizeof(social_recipient));
    }
    for (k = 0; k < due->nelts; k++) {
        const social_recipient *to = &APR_ARRAY_IDX(due, k, social_recipient);
        apr_time_t upto;

        if (!address_valid(to->email)) {
            /* Counted as mailed, so the person is not due again at every
             * check (crowding out the others); the notifications stay
             * unread on their "for you" page. */
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          "SOCIAL1022: no digest for %s: \"%s\" is not a usable e-mail "
                          "address (see SocialEmailVar)", to->user, to->email);
            social_store_mail_done(r, to->user, apr_time_now());
            continue;
        }
        /* Only pages the recipient may read, asked as the recipient
         * (whoever made the request this runs after). */
        if (social_store_notifications(r, to->user, "unmailed", &list) != SOCIAL_STORE_OK) {
            break;
        }
        upto = list->nelts ? APR_ARRAY_IDX(list, 0, social_notification).created
                           : apr_time_now();
        list = notes_readable(r, list, to->user);
        if (list->nelts > 0 && mail_send(r, sc->mail_command, digest(r, to, list)) != 0) {
            break;   /* the command is broken: try again at the next check */
        }
        if (social_store_mail_done(r, to->user, upto) == SOCIAL_STORE_OK && list->nelts) {
            sent++;
        }
    }
    social_store_lease_release(r, MAIL_LEASE, holder);
    if (sent > 0) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL1023: mailed %d notification digest(s)", sent);
    }
}

/* Is it time to look for due digests (at most every tenth of
 * SocialMailInterval, between 1 and 60 seconds)? Each yes starts the next
 * period. */
static int mail_is_due(server_rec *s)
{
    const social_srv_conf *sc = social_config_srv(s);
    apr_time_t now = apr_time_now();
    int interval, every;

    if (sc->mail_command == NULL || now < mail_next_check) {
        return 0;
    }
    interval = sc->mail_interval ? sc->mail_interval : SOCIAL_MAIL_INTERVAL_DEFAULT;
    every = interval / 10 < 1 ? 1 : interval / 10 > 60 ? 60 : interval / 10;
    mail_next_check = now + apr_time_from_sec(every);
    return 1;
}

/* The first server with SocialMailCommand sends everyone's digests. */
static server_rec *mail_server(server_rec *s)
{
    for (; s != NULL; s = s->next) {
        if (social_config_srv(s)->mail_command != NULL) {
            return s;
        }
    }
    return NULL;
}

static const social_background_task mail_task = {
    "e-mail digests", mail_server, mail_is_due, mail_digests
};

void social_notify_register_hooks(apr_pool_t *p)
{
    (void)p;
    social_background_add(&mail_task);
}
