/* reactions.c: likes of pages and shares of pages, as JSON API and forms.
 * (Likes of comments live with the comments, in comments.c.)
 */
#include "reactions.h"

#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>

#include "discussion.h"
#include "fragcache.h"
#include "identity.h"
#include "jsonmap.h"
#include "pagetitle.h"
#include "request.h"
#include "text.h"

APLOG_USE_MODULE(social);

/* Most recipients of one share, and longest note in characters. */
#define SOCIAL_SHARE_RECIPIENTS_MAX 20
#define SOCIAL_SHARE_NOTE_MAX 1000

/* ---- page likes ---- */

static int page_like(request_rec *r, social_page *pg, const char *path, int on,
                     int *count, int *liked, social_result *x)
{
    const char *message = NULL;
    int status = social_request_page(r, path, pg, &message);
    social_store_status st;

    if (status != 0) {
        return social_result_page(x, status, message);
    }
    if (pg->who.user == NULL) {
        return social_result_set(x, HTTP_UNAUTHORIZED, "login_required", SOCIAL_MSG(r, "block.msg_log_in_to_like_pages"));
    }
    status = social_request_unlocked(r, pg);
    if (status == HTTP_LOCKED) {
        return social_result_set(x, HTTP_LOCKED, "locked", SOCIAL_MSG(r, "block.msg_locked"));
    }
    if (status != 0) {
        return social_result_store(r, x, SOCIAL_STORE_DOWN);
    }
    st = social_store_like(r, SOCIAL_LIKE_PAGE, pg->key, 0, pg->who.user, on, count, liked);
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, x, st);
    }
    social_fragcache_touch(r, pg->key);
    if (on) {
        social_pagetitle_note(r, pg->key);
    }
    social_fragcache_person_seen(r, pg->who.user, pg->who.name, pg->who.email);
    return 0;
}

/* PUT/DELETE like?page=PATH -> {count, liked}; GET likes?page=PATH. */
int social_reactions_like_api(request_rec *r)
{
    social_page pg;
    social_result x;
    int count = 0, liked = 0;

    if (!social_identity_same_origin(r)) {
        return social_request_cross_origin_refused(r);
    }
    if (page_like(r, &pg, social_request_query_value(r, "page"),
                  r->method_number == M_PUT, &count, &liked, &x) != 0) {
        return social_result_send(r, &x, 0, NULL);
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r,
        json_pack("{s:i,s:b}", "count", count, "liked", liked)));
}

int social_reactions_likers_api(request_rec *r)
{
    social_page pg;
    const char *message = NULL;
    apr_array_header_t *people;
    social_store_status st;
    int status;

    status = social_request_page(r, social_request_query_value(r, "page"), &pg, &message);
    if (status != 0) {
        social_result x;
        social_result_page(&x, status, message);
        return social_result_send(r, &x, 0, NULL);
    }
    st = social_store_likers(r, SOCIAL_LIKE_PAGE, pg.key, 0, &people);
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    return social_request_json_send(r, HTTP_OK, social_request_people_json(r, people));
}

/* ---- following ---- */

/* Follows (or stops following) pg or its thread root for its viewer:
 * 0, or nonzero with *x saying why not. */
static int follow_change(request_rec *r, const social_page *pg, apr_int64_t root,
                         int follow, social_result *x)
{
    social_store_status st;

    if (pg->who.user == NULL) {
        return social_result_set(x, HTTP_UNAUTHORIZED, "login_required",
                                 SOCIAL_MSG(r, "block.msg_log_in_to_follow_pages_and"));
    }
    st = social_store_follow(r, pg->who.user, pg->key, root, follow);
    if (st == SOCIAL_STORE_NOT_FOUND) {
        return social_result_set(x, HTTP_NOT_FOUND, "not_found",
                                 SOCIAL_MSG(r, "block.msg_no_such_thread_on_this_page"));
    }
    if (st != SOCIAL_STORE_OK) {
        social_result_store(r, x, st);
        return x->status;
    }
    social_fragcache_notified(r);   /* cached viewer states say who follows */
    return 0;
}

/* What the viewer follows on pg: the page itself, and which threads. */
static int follow_state_send(request_rec *r, const social_page *pg)
{
    apr_array_header_t *roots;
    json_t *threads = json_array();
    int k, page = 0;
    social_store_status st = social_store_follows(r, pg->who.user, pg->key, &roots);

    if (st != SOCIAL_STORE_OK) {
        json_decref(threads);
        return social_request_store_error(r, st);
    }
    for (k = 0; k < roots->nelts; k++) {
        apr_int64_t root = APR_ARRAY_IDX(roots, k, apr_int64_t);
        if (root == 0) {
            page = 1;
        }
        else {
            json_array_append_new(threads, json_integer(root));
        }
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r,
        json_pack("{s:s,s:b,s:o}", "page", pg->key, "following", page, "threads", threads)));
}

/* GET|PUT|DELETE {base}/api/v1/follow?page=KEY[&thread=ID] */
int social_reactions_follow_api(request_rec *r)
{
    social_page pg;
    social_result x;
    const char *message = NULL, *thread_q = social_request_query_value(r, "thread");
    apr_int64_t root = thread_q ? social_request_id(thread_q, strlen(thread_q)) : 0;
    int status;

    if (r->method_number != M_GET && r->method_number != M_PUT
        && r->method_number != M_DELETE) {
        return social_request_method_not_allowed(r, "GET, HEAD, PUT, DELETE");
    }
    if (r->method_number != M_GET && !social_identity_same_origin(r)) {
        return social_request_cross_origin_refused(r);
    }
    if (thread_q != NULL && root == 0) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_thread",
                                         SOCIAL_MSG(r, "block.msg_thread_must_be_a_comment_id"));
    }
    status = social_request_page(r, social_request_query_value(r, "page"), &pg, &message);
    if (status != 0) {
        social_result_page(&x, status, message);
        return social_result_send(r, &x, 0, NULL);
    }
    if (pg.who.user == NULL) {
        return social_request_json_error(r, HTTP_UNAUTHORIZED, "login_required",
                                         SOCIAL_MSG(r, "block.msg_log_in_to_follow_pages_and"));
    }
    if (r->method_number != M_GET
        && follow_change(r, &pg, root, r->method_number == M_PUT, &x) != 0) {
        return social_result_send(r, &x, 0, NULL);
    }
    return follow_state_send(r, &pg);
}

/* ---- shares ---- */

/* Splits "bob, carol dave" into user names. */
static apr_array_header_t *names_split(apr_pool_t *p, const char *list)
{
    apr_array_header_t *names = apr_array_make(p, 4, sizeof(const char *));
    char *copy = apr_pstrdup(p, list ? list : ""), *tok, *last;

    for (tok = apr_strtok(copy, ", \t\r\n;", &last); tok;
         tok = apr_strtok(NULL, ", \t\r\n;", &last)) {
        APR_ARRAY_PUSH(names, const char *) = tok;
    }
    return names;
}

/* Checks and stores a share; recipients are user names. */
static int share_create(request_rec *r, social_page *pg, const char *path,
                        const char *note, apr_array_header_t *to, int public,
                        const social_idempotency *idem, social_share *sh, social_result *x)
{
    const char *message = NULL, *why;
    apr_array_header_t *unknown = apr_array_make(r->pool, 2, sizeof(const char *));
    apr_array_header_t *recipients = apr_array_make(r->pool, 4, sizeof(const char *));
    size_t chars = 0;
    int status = social_request_page(r, path, pg, &message), k, j;
    social_store_status st;

    if (status != 0) {
        if (status == HTTP_BAD_REQUEST) {
            status = HTTP_UNPROCESSABLE_ENTITY;
        }
        return social_result_page(x, status, message);
    }
    if (pg->who.user == NULL) {
        return social_result_set(x, HTTP_UNAUTHORIZED, "login_required", SOCIAL_MSG(r, "block.msg_log_in_to_share_pages"));
    }
    if (note != NULL && *note != '\0') {
        why = social_text_comment_check(note, strlen(note), SOCIAL_SHARE_NOTE_MAX, &chars);
        if (why != NULL && strcmp(why, SOCIAL_TEXT_EMPTY) != 0) {
            return social_result_set(x, HTTP_UNPROCESSABLE_ENTITY, "invalid_note",
                          social_request_text_refusal(r, "block.msg_note", why, chars,
                                                      SOCIAL_SHARE_NOTE_MAX));
        }
    }
    if (to->nelts > SOCIAL_SHARE_RECIPIENTS_MAX) {
        return social_result_set(x, HTTP_UNPROCESSABLE_ENTITY, "invalid_recipients",
                      SOCIAL_MSG(r, "block.msg_share_with_at_most_20_colleagues"));
    }
    if (to->nelts == 0 && !public) {
        return social_result_set(x, HTTP_UNPROCESSABLE_ENTITY, "invalid_recipients",
                      SOCIAL_MSG(r, "block.msg_name_a_colleague_to_share_with"));
    }
    for (k = 0; k < to->nelts; k++) {
        const char *user = APR_ARRAY_IDX(to, k, const char *), *name = NULL;
        int dup = 0;

        for (j = 0; j < recipients->nelts; j++) {
            dup |= strcmp(APR_ARRAY_IDX(recipients, j, const char *), user) == 0;
        }
        if (dup) {
            continue;
        }
        st = social_store_person_get(r, user, &name);
        if (st == SOCIAL_STORE_NOT_FOUND || strlen(user) > 255) {
            APR_ARRAY_PUSH(unknown, const char *) = user;
            continue;
        }
        if (st != SOCIAL_STORE_OK) {
            return social_result_store(r, x, st);
        }
        APR_ARRAY_PUSH(recipients, const char *) = user;
    }
    if (unknown->nelts > 0) {
        return social_result_set(x, HTTP_UNPROCESSABLE_ENTITY, "unknown_recipient",
                      SOCIAL_MSGF(r, "block.msg_nobody_called", -1,
                                  "names", apr_array_pstrcat(r->pool, unknown, ','), NULL));
    }
    memset(sh, 0, sizeof(*sh));
    sh->page = pg->key;
    sh->user = pg->who.user;
    sh->user_name = pg->who.name;
    sh->note = note ? note : "";
    sh->public = public;
    st = social_store_share_add(r, sh, recipients, idem);
    if (st == SOCIAL_STORE_MISMATCH) {
        return social_result_set(x, HTTP_UNPROCESSABLE_ENTITY, "idempotency_mismatch",
                      SOCIAL_MSG(r, "block.msg_this_idempotency_key_was_used_for"));
    }
    if (st == SOCIAL_STORE_REPLAYED) {
        return 0;   /* the first request's share; sh->id is its id */
    }
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, x, st);
    }
    social_fragcache_touch(r, pg->key);
    social_pagetitle_note(r, pg->key);
    social_fragcache_person_seen(r, pg->who.user, pg->who.name, pg->who.email);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL0701: %s shared %s with %d colleague(s)%s", sh->user, sh->page,
                  recipients->nelts, public ? " and the activity stream" : "");
    return 0;
}

static json_t *share_json(request_rec *r, const social_share *sh, apr_array_header_t *to)
{
    json_t *names = json_array();
    int k;

    for (k = 0; to != NULL && k < to->nelts; k++) {
        json_array_append_new(names, json_string(APR_ARRAY_IDX(to, k, const char *)));
    }
    return json_pack("{s:I,s:s,s:{s:s,s:s},s:s,s:b,s:o,s:s}", "id", (json_int_t)sh->id,
                     "page", sh->page, "from", "user", sh->user, "name", sh->user_name,
                     "note", sh->note ? sh->note : "", "public", sh->public, "to", names,
                     "created", social_text_time_iso(r->pool, sh->created));
}

static int api_share_create(request_rec *r)
{
    int status, public;
    json_t *req = social_request_json_body(r, &status);
    const char *page = NULL, *note = NULL;
    apr_array_header_t *to;
    social_page pg;
    social_share sh;
    social_result x;
    social_idempotency *idem = NULL;
    social_json_error e;

    if (req == NULL) {
        return status;
    }
    if (social_json_share(r->pool, req, &page, &note, &to, &public, &e) != 0) {
        return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, e.code, e.message);
    }
    if (social_request_idempotency(r, req, &idem) != 0) {
        return social_request_idempotency_refused(r);
    }
    if (share_create(r, &pg, page, note, to, public >= 0 ? public : to->nelts == 0,
                     idem, &sh, &x) != 0) {
        return social_result_send(r, &x, 0, NULL);
    }
    return social_request_json_send(r, HTTP_CREATED,
                                    social_request_json_pool(r, share_json(r, &sh, to)));
}

/* GET shares: pages shared with me. */
static int api_share_inbox(request_rec *r)
{
    apr_array_header_t *shares;
    json_t *list;
    social_store_status st;
    int k;

    if (r->user == NULL) {
        return social_request_json_error(r, HTTP_UNAUTHORIZED, "login_required",
                                         SOCIAL_MSG(r, "block.msg_log_in_to_see_what_was"));
    }
    st = social_store_shares_inbox(r, r->user, &shares);
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    list = json_array();
    for (k = 0; k < shares->nelts; k++) {
        const social_share *sh = &APR_ARRAY_IDX(shares, k, social_share);
        /* A share of a page the reader may not open tells nothing. */
        if (social_request_page_readable(r, sh->page, NULL)) {
            json_array_append_new(list, share_json(r, sh, NULL));
        }
    }
    return social_request_json_send(r, HTTP_OK,
                                    social_request_json_pool(r, json_pack("{s:o}", "shares", list)));
}

int social_reactions_shares_api(request_rec *r)
{
    if (r->method_number == M_GET) {
        return api_share_inbox(r);
    }
    if (r->method_number == M_POST) {
        if (!social_identity_same_origin(r)) {
            return social_request_cross_origin_refused(r);
        }
        return api_share_create(r);
    }
    return social_request_method_not_allowed(r, "GET, HEAD, POST");
}

/* ---- forms ---- */

static int form_page(request_rec *r, apr_table_t *form, social_page *pg, int *result)
{
    const char *message = NULL;
    int status = social_request_page(r, apr_table_get(form, "page"), pg, &message);

    if (status != 0) {
        *result = social_request_form_error(r, status, message, NULL);
        return -1;
    }
    if (!social_identity_form_token_valid(r, &pg->who, apr_table_get(form, "token"))) {
        *result = social_request_form_error(r, HTTP_FORBIDDEN,
                                            SOCIAL_MSG(r, "block.msg_the_form_has_expired_reload_the"),
                                            pg->key);
        return -1;
    }
    return 0;
}

static int form_back(request_rec *r, const social_page *pg, const char *status)
{
    if (social_request_wants_fragment(r)) {
        return social_discussion_fragment_send(r, pg, status);
    }
    apr_table_setn(r->headers_out, "Location",
                   social_request_back_location(r, pg->key, status, "social"));
    return HTTP_SEE_OTHER;
}

/* POST {base}/like: page, action=like|unlike, token. */
int social_reactions_like_form(request_rec *r)
{
    apr_table_t *form;
    social_page pg;
    social_result x;
    int result = OK, count, liked;
    const char *action;

    if ((form = social_request_form_read(r, &result)) == NULL || form_page(r, form, &pg, &result) != 0) {
        return result;
    }
    action = apr_table_get(form, "action");
    if (action == NULL || (strcmp(action, "like") != 0 && strcmp(action, "unlike") != 0)) {
        return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY,
                                         SOCIAL_MSG(r, "block.msg_the_form_names_no_like_or"), pg.key);
    }
    if (page_like(r, &pg, pg.key, strcmp(action, "like") == 0, &count, &liked, &x) != 0) {
        return social_result_send(r, &x, 1, pg.key);
    }
    return form_back(r, &pg, liked ? "You like this page" : "Like removed");
}

/* POST {base}/sort: page, sort=oldest|newest|liked, token. The order is
 * the reader's for every discussion; the answer is this page's. */
int social_reactions_sort_form(request_rec *r)
{
    apr_table_t *form;
    social_page pg;
    social_result x;
    social_store_status st;
    int result = OK;
    const char *sort;

    if ((form = social_request_form_read(r, &result)) == NULL || form_page(r, form, &pg, &result) != 0) {
        return result;
    }
    if (pg.who.user == NULL) {
        return social_request_form_error(r, HTTP_UNAUTHORIZED,
                                         SOCIAL_MSG(r, "block.msg_log_in_to_choose_the_order"), pg.key);
    }
    sort = apr_table_get(form, "sort");
    if (social_tree_order_parse(sort) < 0) {
        return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY,
                                         SOCIAL_MSG(r, "block.msg_the_order_must_be_oldest_newest"), pg.key);
    }
    if ((st = social_store_thread_order_set(r, pg.who.user, sort)) != SOCIAL_STORE_OK) {
        social_result_store(r, &x, st);
        return social_result_send(r, &x, 1, pg.key);
    }
    social_fragcache_notified(r);   /* the viewer's cached state holds the order */
    return form_back(r, &pg, strcmp(sort, "liked") == 0 ? "Most liked first"
                             : strcmp(sort, "newest") == 0 ? "Newest first" : "Oldest first");
}

/* POST {base}/follow: page, thread (optional), action=follow|unfollow,
 * token; back=notifications goes back to "for you" (its unfollow
 * buttons), otherwise to the page. POST {base}/follow/ID follows thread
 * ID: a comment's follow button is a button of the discussion's shared
 * form, which holds no thread. */
static int follow_form(request_rec *r, const char *thread_path)
{
    apr_table_t *form;
    social_page pg;
    social_result x;
    int result = OK, follow;
    const char *action, *thread_q, *back, *done;
    apr_int64_t root = 0;

    if ((form = social_request_form_read(r, &result)) == NULL || form_page(r, form, &pg, &result) != 0) {
        return result;
    }
    action = apr_table_get(form, "action");
    thread_q = thread_path != NULL ? thread_path : apr_table_get(form, "thread");
    back = apr_table_get(form, "back");
    if (action == NULL || (strcmp(action, "follow") != 0 && strcmp(action, "unfollow") != 0)) {
        return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY,
                                         SOCIAL_MSG(r, "block.msg_the_form_names_no_follow_or"), pg.key);
    }
    if (thread_q != NULL && *thread_q != '\0'
        && (root = social_request_id(thread_q, strlen(thread_q))) == 0) {
        return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY,
                                         SOCIAL_MSG(r, "block.msg_the_thread_is_not_a_comment"), pg.key);
    }
    follow = strcmp(action, "follow") == 0;
    if (follow_change(r, &pg, root, follow, &x) != 0) {
        return social_result_send(r, &x, 1, pg.key);
    }
    done = follow ? (root ? "Following the thread" : "Following the page")
                  : (root ? "Thread unfollowed" : "Page unfollowed");
    if (back != NULL && strcmp(back, "notifications") == 0 && !social_request_wants_fragment(r)) {
        apr_table_setn(r->headers_out, "Location",
                       apr_pstrcat(r->pool, social_config_srv(r->server)->endpoint,
                                   "/notifications?done=", follow ? "follow" : "unfollow",
                                   NULL));
        return HTTP_SEE_OTHER;
    }
    return form_back(r, &pg, done);
}

int social_reactions_follow_form(request_rec *r)
{
    return follow_form(r, NULL);
}

int social_reactions_follow_thread_form(request_rec *r, const char *rest)
{
    if (social_request_id(rest, strlen(rest)) == 0) {
        return social_request_form_error(r, HTTP_NOT_FOUND, SOCIAL_MSG(r, "block.msg_no_such_comment"), NULL);
    }
    return follow_form(r, rest);
}

/* POST {base}/shares: page, note, to, public, token. */
int social_reactions_share_form(request_rec *r)
{
    apr_table_t *form;
    social_page pg;
    social_share sh;
    social_result x;
    int result = OK;
    apr_array_header_t *to;
    const char *pub;

    if ((form = social_request_form_read(r, &result)) == NULL || form_page(r, form, &pg, &result) != 0) {
        return result;
    }
    to = names_split(r->pool, apr_table_get(form, "to"));
    pub = apr_table_get(form, "public");
    if (share_create(r, &pg, pg.key, apr_table_get(form, "note"), to,
                     pub != NULL && *pub != '\0' && strcmp(pub, "0") != 0, NULL, &sh, &x) != 0) {
        return social_result_send(r, &x, 1, pg.key);
    }
    return form_back(r, &pg, to->nelts ? "Shared with your colleagues" : "Shared");
}
