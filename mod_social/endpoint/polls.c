/* polls.c: polls declared by page markers; voting, results, moderation.
 *
 * The filter makes a marker's poll exist (view/poll_view.c); the JSON
 * API, the forms and the fragment endpoint act on it. One ballot per
 * person per poll is a primary key in the database; a ballot can be
 * changed until the poll closes.
 */
#include "polls.h"

#include <string.h>

#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>

#include "fragcache.h"
#include "identity.h"
#include "jsonmap.h"
#include "pagetitle.h"
#include "render.h"
#include "request.h"
#include "text.h"

APLOG_USE_MODULE(social);

/* ---- loading ---- */

/* Loads poll id as the viewer sees it; 0 or an HTTP status with message. */
static int poll_load(request_rec *r, apr_int64_t id, social_poll_view *v, social_result *res)
{
    social_store_status st = social_store_poll_get(r, id, r->user, &v->poll);
    const char *message;
    int status;

    if (st == SOCIAL_STORE_NOT_FOUND) {
        return social_result_set(res, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_poll"));
    }
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    status = social_request_page(r, v->poll.page, &v->page, &message);
    if (status != 0) {
        /* The same answer as an unknown id: never 401 or 403. */
        return social_result_set(res, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_poll"));
    }
    social_poll_view_fill(v);
    return 0;
}

/* Checks and stores a ballot. */
static int poll_vote(request_rec *r, social_poll_view *v, const int *choices, int n,
                     social_result *res)
{
    int k, j;
    social_store_status st;

    if (v->page.who.user == NULL) {
        return social_result_set(res, HTTP_UNAUTHORIZED, "login_required", SOCIAL_MSG(r, "block.msg_log_in_to_vote"));
    }
    if (v->poll.locked && !v->page.who.moderator) {
        return social_result_set(res, HTTP_LOCKED, "locked", SOCIAL_MSG(r, "block.msg_locked"));
    }
    if (!v->open) {
        return social_result_set(res, HTTP_CONFLICT, "poll_closed", SOCIAL_MSG(r, "block.msg_the_poll_is_closed"));
    }
    if (n == 0 || (!v->poll.multiple && n > 1)) {
        return social_result_set(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_choices",
                                 SOCIAL_MSG(r, v->poll.multiple
                                               ? "block.msg_choose_at_least_one_option"
                                               : "block.msg_choose_exactly_one_option"));
    }
    for (k = 0; k < n; k++) {
        int known = 0;
        for (j = 0; j < k; j++) {
            if (choices[j] == choices[k]) {
                return social_result_set(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_choices", SOCIAL_MSG(r, "block.msg_an_option_is_chosen_twice"));
            }
        }
        for (j = 0; j < v->poll.options->nelts; j++) {
            const social_poll_option *o = &APR_ARRAY_IDX(v->poll.options, j, social_poll_option);
            known |= (o->idx == choices[k] && !o->removed);
        }
        if (!known) {
            return social_result_set(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_choices", SOCIAL_MSG(r, "block.msg_no_such_option_in_this_poll"));
        }
    }
    st = social_store_poll_vote(r, v->poll.id, v->page.who.user, choices, n);
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    social_pagetitle_note(r, v->page.key);
    social_fragcache_person_seen(r, v->page.who.user, v->page.who.name, v->page.who.email);
    return 0;
}

static int poll_close(request_rec *r, social_poll_view *v, int closed, social_result *res)
{
    social_audit_entry audit;
    social_store_status st;

    if (!v->can_moderate) {
        return social_result_set(res, HTTP_FORBIDDEN, "forbidden", SOCIAL_MSG(r, "block.msg_only_moderators_may_close_or_reopen"));
    }
    memset(&audit, 0, sizeof(audit));
    audit.actor = v->page.who.user;
    audit.action = closed ? "close" : "reopen";
    audit.target_kind = "poll";
    st = social_store_poll_moderate(r, v->poll.id, closed, &audit);
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "SOCIAL0604: poll %s on %s %s by %s",
                  v->poll.name, v->poll.page, closed ? "closed" : "reopened", r->user);
    return 0;
}

/* Reloads after a change, keeping the page and viewer. */
static void poll_reload(request_rec *r, social_poll_view *v)
{
    social_poll fresh;
    if (social_store_poll_get(r, v->poll.id, v->page.who.user, &fresh) == SOCIAL_STORE_OK) {
        v->poll = fresh;
    }
    social_poll_view_fill(v);
}

/* ---- JSON API ---- */

static int api_list(request_rec *r)
{
    social_page pg;
    const char *message = NULL;
    apr_array_header_t *polls;
    json_t *list;
    social_store_status st;
    int status = social_request_page(r, social_request_query_value(r, "page"), &pg, &message);
    int k;

    if (status != 0) {
        social_result res;
        social_result_page(&res, status, message);
        return social_result_send(r, &res, 0, NULL);
    }
    st = social_store_polls_list(r, pg.key, pg.who.user, &polls);
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    list = json_array();
    for (k = 0; k < polls->nelts; k++) {
        social_poll_view v;
        memset(&v, 0, sizeof(v));
        v.poll = APR_ARRAY_IDX(polls, k, social_poll);
        v.page = pg;
        social_poll_view_fill(&v);
        json_array_append_new(list, social_poll_view_json(r, &v));
    }
    return social_request_json_send(r, HTTP_OK,
                                    social_request_json_pool(r, json_pack("{s:o}", "polls", list)));
}

static int api_vote(request_rec *r, social_poll_view *v)
{
    int status, n = 0, *choices;
    json_t *req = social_request_json_body(r, &status);
    social_result res;
    social_json_error e;

    if (req == NULL) {
        return status;
    }
    if (social_json_vote(r->pool, req, &choices, &n, &e) != 0) {
        return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, e.code, e.message);
    }
    status = poll_vote(r, v, choices, n, &res);
    if (status != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    poll_reload(r, v);
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r, social_poll_view_json(r, v)));
}

int social_polls_api(request_rec *r, const char *rest)
{
    const char *digits, *slash;
    social_result res;
    apr_int64_t id;
    social_poll_view v;
    int status;

    if (*rest == '\0') {
        if (r->method_number != M_GET) {
            return social_request_method_not_allowed(r, "GET, HEAD");
        }
        return api_list(r);
    }
    digits = rest[0] == '/' ? rest + 1 : "";
    slash = strchr(digits, '/');
    id = social_request_id(digits, slash ? (size_t)(slash - digits) : strlen(digits));
    if (id == 0 || (slash != NULL && strcmp(slash, "/vote") != 0)) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_poll"));
    }
    if (r->method_number != M_GET && !social_identity_same_origin(r)) {
        return social_request_cross_origin_refused(r);
    }
    if (slash != NULL && r->method_number != M_PUT) {
        return social_request_method_not_allowed(r, "PUT");
    }
    if (slash == NULL && r->method_number != M_GET && r->method_number != M_PATCH) {
        return social_request_method_not_allowed(r, "GET, HEAD, PATCH");
    }
    memset(&v, 0, sizeof(v));
    status = poll_load(r, id, &v, &res);
    if (status != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    if (slash != NULL) {
        return api_vote(r, &v);
    }
    if (r->method_number == M_PATCH) {
        json_t *req = social_request_json_body(r, &status);
        social_json_error e;
        int closed;

        if (req == NULL) {
            return status;
        }
        if (social_json_poll_closed(req, &closed, &e) != 0) {
            return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, e.code, e.message);
        }
        status = poll_close(r, &v, closed, &res);
        if (status != 0) {
            return social_result_send(r, &res, 0, NULL);
        }
        poll_reload(r, &v);
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r, social_poll_view_json(r, &v)));
}

/* ---- forms and fragment ---- */

static int poll_fragment_send(request_rec *r, const social_poll_view *v, const char *status)
{
    apr_size_t len = 0;
    char *html = social_poll_view_render(r, v, status, &len);

    if (html == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    social_request_lang_headers(r);
    return social_request_html_send(r, html, len);
}

/* GET {base}/poll?page=PATH&name=NAME: one poll as the viewer sees it. */
int social_polls_fragment(request_rec *r)
{
    social_page pg;
    const char *message = NULL, *name = social_request_query_value(r, "name");
    apr_array_header_t *polls;
    int status, k;

    status = social_request_page(r, social_request_query_value(r, "page"), &pg, &message);
    if (status != 0) {
        return social_request_json_error(r, status, "not_found", message);
    }
    if (social_store_polls_list(r, pg.key, pg.who.user, &polls) != SOCIAL_STORE_OK) {
        return social_request_store_error(r, SOCIAL_STORE_DOWN);
    }
    for (k = 0; name != NULL && k < polls->nelts; k++) {
        social_poll_view v;
        if (strcmp(APR_ARRAY_IDX(polls, k, social_poll).name, name) != 0) {
            continue;
        }
        memset(&v, 0, sizeof(v));
        v.poll = APR_ARRAY_IDX(polls, k, social_poll);
        v.page = pg;
        social_poll_view_fill(&v);
        return poll_fragment_send(r, &v, NULL);
    }
    return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_poll_on_this_page"));
}

/* POST {base}/polls/ID: action=vote (choice=N, repeated), close, reopen. */
int social_polls_form(request_rec *r, const char *rest)
{
    apr_int64_t id = social_request_id(rest, strlen(rest));
    apr_table_t *form;
    const char *action, *done;
    social_result res;
    social_poll_view v;
    int status, n = 0, *choices;
    const apr_array_header_t *fields;
    int k;

    if (id == 0) {
        return social_request_form_error(r, HTTP_NOT_FOUND, SOCIAL_MSG(r, "block.msg_no_such_poll"), NULL);
    }
    if ((form = social_request_form_read(r, &status)) == NULL) {
        return status;
    }
    memset(&v, 0, sizeof(v));
    status = poll_load(r, id, &v, &res);
    if (status != 0) {
        return social_result_send(r, &res, 1, NULL);
    }
    if (!social_identity_form_token_valid(r, &v.page.who, apr_table_get(form, "token"))) {
        return social_request_form_error(r, HTTP_FORBIDDEN,
                                         SOCIAL_MSG(r, "block.msg_the_form_has_expired_reload_the"),
                                         v.page.key);
    }
    action = apr_table_get(form, "action");
    if (action == NULL || (strcmp(action, "vote") != 0 && strcmp(action, "close") != 0
                           && strcmp(action, "reopen") != 0)) {
        return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY,
                                         SOCIAL_MSG(r, "block.msg_the_form_names_no_vote_close"), v.page.key);
    }
    if (strcmp(action, "close") == 0 || strcmp(action, "reopen") == 0) {
        status = poll_close(r, &v, strcmp(action, "close") == 0, &res);
        done = strcmp(action, "close") == 0 ? "Poll closed" : "Poll reopened";
    }
    else {
        fields = apr_table_elts(form);
        choices = apr_pcalloc(r->pool, sizeof(int) * (fields->nelts + 1));
        for (k = 0; k < fields->nelts; k++) {
            const apr_table_entry_t *e = &((const apr_table_entry_t *)fields->elts)[k];
            apr_int64_t c;
            if (strcmp(e->key, "choice") != 0) {
                continue;
            }
            c = strcmp(e->val, "0") == 0 ? 0 : social_request_id(e->val, strlen(e->val));
            if ((c == 0 && strcmp(e->val, "0") != 0) || c > 1000000) {
                return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY,
                                                 SOCIAL_MSG(r, "block.msg_no_such_option_in_this_poll"), v.page.key);
            }
            choices[n++] = (int)c;
        }
        status = poll_vote(r, &v, choices, n, &res);
        done = "Your vote is counted";
    }
    if (status != 0) {
        return social_result_send(r, &res, 1, v.page.key);
    }
    poll_reload(r, &v);
    if (social_request_wants_fragment(r)) {
        return poll_fragment_send(r, &v, done);
    }
    apr_table_setn(r->headers_out, "Location",
                   social_request_back_location(r, v.page.key, done,
                                                apr_pstrcat(r->pool, "poll-", v.poll.name,
                                                            NULL)));
    return HTTP_SEE_OTHER;
}
