/* ideas.c: ideas boards declared by page markers: submitting ideas,
 * voting, a moderator's status with a public response, merging
 * duplicates; as the JSON API and as plain forms.
 *
 * The filter makes a marker's board exist (view/idea_view.c). One vote
 * per person per idea is a primary key in the database. Every answer
 * about an idea first asks whether the viewer may read its page (the
 * same subrequest as everything else); an idea of a page the viewer may
 * not read is answered as an unknown id. */
#include "ideas.h"

#include <string.h>

#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>

#include "identity.h"
#include "jsonmap.h"
#include "pagetitle.h"
#include "request.h"
#include "text.h"

APLOG_USE_MODULE(social);

/* An idea and the viewer's page, after the access question. */
typedef struct {
    social_idea idea;
    social_page page;
} idea_ctx;

/* Loads idea id as the viewer sees it; 0 or an HTTP status in res. */
static int idea_load(request_rec *r, apr_int64_t id, idea_ctx *c, social_result *res)
{
    const char *message;
    social_store_status st;

    memset(c, 0, sizeof(*c));
    st = social_store_idea_get(r, id, r->user, &c->idea);
    if (st == SOCIAL_STORE_NOT_FOUND) {
        return social_result_set(res, HTTP_NOT_FOUND, "not_found",
                                 SOCIAL_MSG(r, "ideas.err_no_idea"));
    }
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    if (social_request_page(r, c->idea.board.page, &c->page, &message) != 0
        || c->idea.deleted) {
        /* The same answer as an unknown id: never 401 or 403. */
        return social_result_set(res, HTTP_NOT_FOUND, "not_found",
                                 SOCIAL_MSG(r, "ideas.err_no_idea"));
    }
    return 0;
}

static void idea_reload(request_rec *r, idea_ctx *c)
{
    social_idea fresh;
    if (social_store_idea_get(r, c->idea.id, c->page.who.user, &fresh) == SOCIAL_STORE_OK) {
        c->idea = fresh;
    }
}

/* 422 invalid_field: a member of the request's JSON that is not a string. */
static int not_strings(request_rec *r, const char *fields)
{
    return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, "invalid_field",
                                     SOCIAL_MSGF(r, "block.msg_fields_must_be_strings", -1,
                                                 "fields", fields, NULL));
}

/* A title: one line, 1 to SOCIAL_IDEA_TITLE_MAX characters. */
static int title_valid(request_rec *r, const char *title, social_result *res)
{
    size_t chars = 0;
    const char *why;

    if (title == NULL) {
        return social_result_set(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_title",
                                 SOCIAL_MSG(r, "ideas.err_title_missing"));
    }
    why = social_text_comment_check(title, strlen(title), SOCIAL_IDEA_TITLE_MAX, &chars);
    if (why == NULL && (strchr(title, '\n') || strchr(title, '\r'))) {
        why = SOCIAL_MSG(r, "ideas.err_title_one_line");
    }
    else if (why != NULL) {
        why = social_request_text_refusal(r, "ideas.err_title", why, chars,
                                          SOCIAL_IDEA_TITLE_MAX);
    }
    if (why != NULL) {
        social_result_set(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_title", why);
        res->field = "title";
        return res->status;
    }
    return 0;
}

/* The text: as a comment's (SocialMaxCommentLength); the same words as a
 * comment's refusals, field names which text it was. */
static int text_valid(request_rec *r, const social_page *pg, const char *text,
                      const char *field, social_result *res)
{
    size_t chars = 0;
    int max = social_config_max_comment_length(pg->dc);
    const char *why = text ? social_text_comment_check(text, strlen(text), (size_t)max, &chars)
                           : SOCIAL_MSG(r, "ideas.err_text_missing");

    if (why == NULL) {
        return 0;
    }
    if (text != NULL) {
        why = social_request_text_refusal(r, "block.msg_text", why, chars, (apr_size_t)max);
    }
    social_result_set(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_text", why);
    res->field = field;
    return res->status;
}

/* May the viewer write on the board at all (logged in, not banned, the
 * page not locked), and is it open? what: "submit" or "vote" (catalogue keys
 * ideas.err_log_in_WHAT and ideas.err_may_not_WHAT). */
static int may_act(request_rec *r, const social_page *pg, const social_idea_board *b,
                   const char *what, social_result *res)
{
    int locked;

    if (pg->who.user == NULL) {
        return social_result_set(res, HTTP_UNAUTHORIZED, "login_required",
                                 SOCIAL_MSG(r, apr_pstrcat(r->pool, "ideas.err_log_in_", what,
                                                           NULL)));
    }
    if (!social_identity_can_write(&pg->who)) {
        return social_result_set(res, HTTP_FORBIDDEN, "forbidden",
                                 SOCIAL_MSG(r, apr_pstrcat(r->pool, "ideas.err_may_not_", what,
                                                           NULL)));
    }
    if ((locked = social_request_unlocked(r, pg)) != 0) {
        return locked == HTTP_LOCKED
            ? social_result_set(res, HTTP_LOCKED, "locked", SOCIAL_LOCKED_MESSAGE)
            : social_result_store(r, res, SOCIAL_STORE_DOWN);
    }
    if (!social_ideas_open(b)) {
        return social_result_set(res, HTTP_CONFLICT, "board_closed",
                                 SOCIAL_MSG(r, "ideas.err_board_closed"));
    }
    return 0;
}

static int idea_submit(request_rec *r, const social_page *pg, const char *board_name,
                       const char *title, const char *text,
                       const social_idempotency *idem, apr_int64_t *id, social_result *res)
{
    social_idea idea;
    social_store_status st;
    int status;

    memset(&idea, 0, sizeof(idea));
    if (board_name == NULL || *board_name == '\0') {
        social_result_set(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_board",
                          SOCIAL_MSGF(r, "block.msg_name_the_board", -1,
                                      "param", "board", NULL));
        res->field = "board";
        return res->status;
    }
    st = social_store_ideas_board_get(r, pg->key, board_name, &idea.board);
    if (st == SOCIAL_STORE_NOT_FOUND) {
        return social_result_set(res, HTTP_NOT_FOUND, "not_found",
                                 SOCIAL_MSG(r, "ideas.err_no_board"));
    }
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    if ((status = may_act(r, pg, &idea.board, "submit", res)) != 0
        || (status = title_valid(r, title, res)) != 0
        || (status = text_valid(r, pg, text, "text", res)) != 0) {
        return status;
    }
    idea.author = pg->who.user;
    idea.author_name = pg->who.name ? pg->who.name : pg->who.user;
    idea.title = title;
    idea.body = text;
    {
        const char *bar = strchr(idea.board.statuses, '|');
        idea.status = bar ? apr_pstrmemdup(r->pool, idea.board.statuses,
                                           (apr_size_t)(bar - idea.board.statuses))
                          : idea.board.statuses;
    }
    st = social_store_idea_add(r, &idea, idem, id);
    if (st == SOCIAL_STORE_MISMATCH) {
        return social_result_set(res, HTTP_UNPROCESSABLE_ENTITY, "idempotency_mismatch",
                                 SOCIAL_MSG(r, "block.msg_this_idempotency_key_was_used_for"));
    }
    if (st == SOCIAL_STORE_REPLAYED) {
        return 0;   /* the first request's idea: *id is its id */
    }
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL2003: idea %" APR_INT64_T_FMT " submitted to board %s on %s by %s",
                  *id, board_name, pg->key, pg->who.user);
    social_pagetitle_note(r, pg->key);
    return 0;
}

static int idea_vote(request_rec *r, idea_ctx *c, int on, social_result *res)
{
    social_store_status st;
    int status = may_act(r, &c->page, &c->idea.board, "vote", res);

    if (status != 0) {
        return status;
    }
    if (c->idea.merged_into != 0) {
        return social_result_set(res, HTTP_CONFLICT, "idea_merged",
                                 social_i18n_format(r->pool, social_request_lang(r),
                                                    "ideas.err_merged", -1, "id",
                                                    apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                                                                 c->idea.merged_into),
                                                    NULL));
    }
    st = social_store_idea_vote(r, c->idea.id, c->page.who.user, on);
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    return 0;
}

static int may_change(request_rec *r, const idea_ctx *c, social_result *res)
{
    int mine = c->page.who.user != NULL && strcmp(c->page.who.user, c->idea.author) == 0;

    if (c->page.who.user == NULL) {
        return social_result_set(res, HTTP_UNAUTHORIZED, "login_required",
                                 SOCIAL_MSG(r, "ideas.err_log_in_change"));
    }
    if (!c->page.who.moderator && !(mine && social_identity_can_write(&c->page.who))) {
        return social_result_set(res, HTTP_FORBIDDEN, "forbidden",
                                 SOCIAL_MSG(r, "ideas.err_not_author"));
    }
    if (!c->page.who.moderator && !social_ideas_open(&c->idea.board)) {
        return social_result_set(res, HTTP_CONFLICT, "board_closed",
                                 SOCIAL_MSG(r, "ideas.err_closed"));
    }
    return 0;
}

static int idea_set_status(request_rec *r, idea_ctx *c, const char *status,
                           const char *response, social_result *res)
{
    social_audit_entry audit;
    social_store_status st;

    if (!c->page.who.moderator) {
        return social_result_set(res, c->page.who.user ? HTTP_FORBIDDEN : HTTP_UNAUTHORIZED,
                                 c->page.who.user ? "forbidden" : "login_required",
                                 SOCIAL_MSG(r, "ideas.err_status_moderators"));
    }
    if (status == NULL || social_ideas_status_index(c->idea.board.statuses, status) < 0) {
        social_result_set(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_status",
                          SOCIAL_MSGF(r, "block.msg_status_must_be_one_of", -1,
                                      "statuses", c->idea.board.statuses, NULL));
        res->field = "status";
        return res->status;
    }
    if (response == NULL) {
        response = "";
    }
    if (*response != '\0' && text_valid(r, &c->page, response, "response", res) != 0) {
        return res->status;
    }
    memset(&audit, 0, sizeof(audit));
    audit.actor = c->page.who.user;
    audit.action = "status";
    audit.target_kind = "idea";
    audit.reason = response;
    st = social_store_idea_status(r, c->idea.id, status, response,
                                  c->page.who.name ? c->page.who.name : c->page.who.user,
                                  &audit);
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL2004: idea %" APR_INT64_T_FMT " on %s set to \"%s\" by %s",
                  c->idea.id, c->idea.board.page, status, c->page.who.user);
    return 0;
}

static int idea_merge(request_rec *r, idea_ctx *c, apr_int64_t into, social_result *res)
{
    social_audit_entry audit;
    social_idea target;
    social_store_status st;

    if (!c->page.who.moderator) {
        return social_result_set(res, c->page.who.user ? HTTP_FORBIDDEN : HTTP_UNAUTHORIZED,
                                 c->page.who.user ? "forbidden" : "login_required",
                                 SOCIAL_MSG(r, "ideas.err_merge_moderators"));
    }
    if (into == 0 || into == c->idea.id || c->idea.merged_into != 0
        || social_store_idea_get(r, into, NULL, &target) != SOCIAL_STORE_OK
        || target.board.id != c->idea.board.id || target.deleted || target.merged_into != 0) {
        social_result_set(res, HTTP_UNPROCESSABLE_ENTITY, "invalid_into",
                          SOCIAL_MSG(r, "block.msg_merge_into_invalid"));
        res->field = "into";
        return res->status;
    }
    memset(&audit, 0, sizeof(audit));
    audit.actor = c->page.who.user;
    audit.action = "merge";
    audit.target_kind = "idea";
    st = social_store_idea_merge(r, c->idea.id, into, &audit);
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL2005: idea %" APR_INT64_T_FMT " merged into %" APR_INT64_T_FMT
                  " on %s by %s", c->idea.id, into, c->idea.board.page, c->page.who.user);
    return 0;
}

static int idea_delete(request_rec *r, idea_ctx *c, social_result *res)
{
    social_store_status st;
    int status = may_change(r, c, res);

    if (status != 0) {
        return status;
    }
    st = social_store_idea_delete(r, c->idea.id);
    if (st != SOCIAL_STORE_OK) {
        return social_result_store(r, res, st);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL2006: idea %" APR_INT64_T_FMT " on %s deleted by %s",
                  c->idea.id, c->idea.board.page, c->page.who.user);
    return 0;
}

/* ---- JSON API ---- */

static const char *json_string_member(json_t *req, const char *name, int *bad)
{
    json_t *v = json_object_get(req, name);
    if (v == NULL || json_is_null(v)) {
        return NULL;
    }
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

static int send_idea(request_rec *r, int status, idea_ctx *c)
{
    return social_request_json_send(r, status, social_request_json_pool(
        r, social_idea_json(r, &c->idea, &c->page)));
}

static int api_list(request_rec *r)
{
    social_page pg;
    social_idea_board board;
    social_result res;
    const char *message = NULL, *name = social_request_query_value(r, "board");
    const char *sort = social_request_query_value(r, "sort");
    const char *status = social_request_query_value(r, "status");
    const char *before_q = social_request_query_value(r, "before");
    apr_int64_t before = 0;
    apr_array_header_t *ideas;
    json_t *list, *statuses, *body;
    social_store_status st;
    const char *p;
    int code = social_request_page(r, social_request_query_value(r, "page"), &pg, &message);
    int k;

    if (code != 0) {
        social_result_page(&res, code, message);
        return social_result_send(r, &res, 0, NULL);
    }
    if (name == NULL || *name == '\0') {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_board",
                                         SOCIAL_MSGF(r, "block.msg_name_the_board", -1,
                                                     "param", "board=NAME", NULL));
    }
    if (before_q != NULL && (before = social_request_id(before_q, strlen(before_q))) == 0) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_before",
                                         SOCIAL_MSG(r, "block.msg_before_must_be_an_idea_id"));
    }
    st = social_store_ideas_board_get(r, pg.key, name, &board);
    if (st == SOCIAL_STORE_NOT_FOUND) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "ideas.err_no_board"));
    }
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    if (status != NULL && social_ideas_status_index(board.statuses, status) < 0) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_status",
                                         SOCIAL_MSGF(r, "block.msg_status_must_be_one_of", -1,
                                                     "statuses", board.statuses, NULL));
    }
    st = social_store_ideas_list(r, board.id, pg.who.user, status, before, &ideas);
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    if (social_ideas_sort(ideas, sort, board.statuses) != 0) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_sort",
                                         SOCIAL_MSG(r, "block.msg_idea_sort_invalid"));
    }
    list = json_array();
    for (k = 0; k < ideas->nelts; k++) {
        json_array_append_new(list, social_idea_json(r, &APR_ARRAY_IDX(ideas, k, social_idea),
                                                     &pg));
    }
    statuses = json_array();
    for (p = board.statuses; p != NULL;) {
        const char *bar = strchr(p, '|');
        json_array_append_new(statuses, json_stringn(p, bar ? (size_t)(bar - p) : strlen(p)));
        p = bar ? bar + 1 : NULL;
    }
    body = json_pack("{s:{s:I,s:s,s:s,s:s,s:o,s:b,s:o},s:s,s:o,s:o}",
                     "board", "id", (json_int_t)board.id, "page", board.page,
                     "name", board.name, "title", board.title,
                     "closes", board.closes ? json_string(social_text_time_iso(r->pool,
                                                                              board.closes))
                                            : json_null(),
                     "open", social_ideas_open(&board), "statuses", statuses,
                     "sort", sort ? sort : "votes",
                     "status", status ? json_string(status) : json_null(),
                     "ideas", list);
    json_object_set_new(body, "can_submit", json_boolean(
        social_ideas_open(&board) && pg.who.user != NULL && social_identity_can_write(&pg.who)));
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r, body));
}

static int api_create(request_rec *r)
{
    int status, bad = 0;
    json_t *req = social_request_json_body(r, &status);
    const char *page, *board, *title, *text, *message = NULL;
    social_page pg;
    social_result res;
    social_idempotency *idem = NULL;
    apr_int64_t id = 0;
    idea_ctx c;

    if (req == NULL) {
        return status;
    }
    page = json_string_member(req, "page", &bad);
    board = json_string_member(req, "board", &bad);
    title = json_string_member(req, "title", &bad);
    text = json_string_member(req, "text", &bad);
    if (bad) {
        return not_strings(r, "page, board, title, text");
    }
    status = social_request_page(r, page, &pg, &message);
    if (status != 0) {
        social_result_page(&res, status, message);
        if (status == HTTP_BAD_REQUEST) {
            res.status = HTTP_UNPROCESSABLE_ENTITY;
        }
        return social_result_send(r, &res, 0, NULL);
    }
    if (social_request_idempotency(r, req, &idem) != 0) {
        return social_request_idempotency_refused(r);
    }
    if (idea_submit(r, &pg, board, title, text, idem, &id, &res) != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    if (idea_load(r, id, &c, &res) != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    apr_table_setn(r->headers_out, "Location",
                   apr_psprintf(r->pool, "%s/api/v1/ideas/%" APR_INT64_T_FMT,
                                social_config_srv(r->server)->endpoint, id));
    return send_idea(r, HTTP_CREATED, &c);
}

static int api_patch(request_rec *r, idea_ctx *c)
{
    int status, bad = 0;
    json_t *req = social_request_json_body(r, &status);
    const char *title, *text;
    social_result res;
    social_store_status st;

    if (req == NULL) {
        return status;
    }
    title = json_string_member(req, "title", &bad);
    text = json_string_member(req, "text", &bad);
    if (bad) {
        return not_strings(r, "title, text");
    }
    if (title == NULL && text == NULL) {
        return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, "invalid_field",
                                         SOCIAL_MSG(r, "block.msg_give_a_new_title_or_text"));
    }
    title = title ? title : c->idea.title;
    text = text ? text : c->idea.body;
    if (may_change(r, c, &res) != 0 || title_valid(r, title, &res) != 0
        || text_valid(r, &c->page, text, "text", &res) != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    st = social_store_idea_edit(r, c->idea.id, title, text);
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    idea_reload(r, c);
    return send_idea(r, HTTP_OK, c);
}

static int api_status(request_rec *r, idea_ctx *c)
{
    int status, bad = 0;
    json_t *req = social_request_json_body(r, &status);
    const char *value, *response;
    social_result res;

    if (req == NULL) {
        return status;
    }
    value = json_string_member(req, "status", &bad);
    response = json_string_member(req, "response", &bad);
    if (bad) {
        return not_strings(r, "status, response");
    }
    if (idea_set_status(r, c, value, response, &res) != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    idea_reload(r, c);
    return send_idea(r, HTTP_OK, c);
}

static int api_merge(request_rec *r, idea_ctx *c)
{
    int status;
    json_t *req = social_request_json_body(r, &status), *into;
    social_result res;

    if (req == NULL) {
        return status;
    }
    into = json_object_get(req, "into");
    if (idea_merge(r, c, json_is_integer(into) && json_integer_value(into) > 0
                   ? (apr_int64_t)json_integer_value(into) : 0, &res) != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    idea_reload(r, c);
    return send_idea(r, HTTP_OK, c);
}

int social_ideas_api(request_rec *r, const char *rest)
{
    const char *digits, *slash, *sub = NULL;
    social_result res;
    apr_int64_t id;
    idea_ctx c;
    int m = r->method_number;

    if (m != M_GET && !social_identity_same_origin(r)) {
        return social_request_cross_origin_refused(r);
    }
    if (*rest == '\0') {
        if (m == M_GET) {
            return api_list(r);
        }
        if (m == M_POST) {
            return api_create(r);
        }
        return social_request_method_not_allowed(r, "GET, HEAD, POST");
    }
    digits = rest[0] == '/' ? rest + 1 : "";
    slash = strchr(digits, '/');
    id = social_request_id(digits, slash ? (size_t)(slash - digits) : strlen(digits));
    if (slash != NULL) {
        sub = slash + 1;
    }
    if (id == 0 || (sub != NULL && strcmp(sub, "vote") != 0 && strcmp(sub, "status") != 0
                    && strcmp(sub, "merge") != 0)) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "ideas.err_no_idea"));
    }
    if (sub == NULL && m != M_GET && m != M_PATCH && m != M_DELETE) {
        return social_request_method_not_allowed(r, "GET, HEAD, PATCH, DELETE");
    }
    if (sub != NULL && strcmp(sub, "vote") == 0 && m != M_PUT && m != M_DELETE) {
        return social_request_method_not_allowed(r, "PUT, DELETE");
    }
    if (sub != NULL && strcmp(sub, "status") == 0 && m != M_PATCH) {
        return social_request_method_not_allowed(r, "PATCH");
    }
    if (sub != NULL && strcmp(sub, "merge") == 0 && m != M_POST) {
        return social_request_method_not_allowed(r, "POST");
    }
    if (idea_load(r, id, &c, &res) != 0) {
        return social_result_send(r, &res, 0, NULL);
    }
    if (sub != NULL && strcmp(sub, "vote") == 0) {
        if (idea_vote(r, &c, m == M_PUT, &res) != 0) {
            return social_result_send(r, &res, 0, NULL);
        }
        idea_reload(r, &c);
        return social_request_json_send(r, HTTP_OK, social_request_json_pool(
            r, json_pack("{s:I,s:i,s:b}", "id", (json_int_t)c.idea.id,
                         "votes", c.idea.votes, "voted", c.idea.voted)));
    }
    if (sub != NULL && strcmp(sub, "status") == 0) {
        return api_status(r, &c);
    }
    if (sub != NULL) {
        return api_merge(r, &c);
    }
    if (m == M_PATCH) {
        return api_patch(r, &c);
    }
    if (m == M_DELETE) {
        if (idea_delete(r, &c, &res) != 0) {
            return social_result_send(r, &res, 0, NULL);
        }
        r->status = HTTP_NO_CONTENT;
        return OK;
    }
    return send_idea(r, HTTP_OK, &c);
}

/* ---- forms and pages ---- */

/* The board re-rendered for the widget after a form post. */
static int board_fragment_send(request_rec *r, const social_page *pg, const char *name,
                               const char *done)
{
    social_ideas_view v;
    apr_size_t len = 0;
    char *html;

    memset(&v, 0, sizeof(v));
    v.page = *pg;
    if (social_store_ideas_board_get(r, pg->key, name, &v.board) != SOCIAL_STORE_OK
        || social_store_ideas_list(r, v.board.id, pg->who.user, NULL, 0, &v.ideas)
           != SOCIAL_STORE_OK) {
        return social_request_store_error(r, SOCIAL_STORE_DOWN);
    }
    social_ideas_sort(v.ideas, "votes", v.board.statuses);
    v.sort = "votes";
    social_ideas_view_fill(&v);
    html = social_ideas_view_render(r, &v, done, &len);
    return html ? social_request_html_send(r, html, len) : HTTP_INTERNAL_SERVER_ERROR;
}

static int form_done(request_rec *r, const social_page *pg, const char *board,
                     apr_int64_t id, const char *done)
{
    if (social_request_wants_fragment(r)) {
        return board_fragment_send(r, pg, board, done);
    }
    apr_table_setn(r->headers_out, "Location",
                   social_request_back_location(r, pg->key, done,
                                                id ? apr_psprintf(r->pool, "idea-%"
                                                                  APR_INT64_T_FMT, id)
                                                   : apr_pstrcat(r->pool, "ideas-", board,
                                                                 NULL)));
    return HTTP_SEE_OTHER;
}

/* GET {base}/ideas?page=PATH&board=NAME[&sort=][&status=]: the board as
 * the viewer sees it (the widget fetches it where the page was rendered
 * Deferred). */
static int board_fragment(request_rec *r)
{
    social_ideas_view v;
    const char *message = NULL, *name = social_request_query_value(r, "board");
    const char *sort = social_request_query_value(r, "sort");
    const char *status = social_request_query_value(r, "status");
    apr_size_t len = 0;
    social_store_status st;
    char *html;
    int code;

    memset(&v, 0, sizeof(v));
    code = social_request_page(r, social_request_query_value(r, "page"), &v.page, &message);
    if (code != 0) {
        return social_request_json_error(r, code, "not_found", message);
    }
    st = name ? social_store_ideas_board_get(r, v.page.key, name, &v.board)
              : SOCIAL_STORE_NOT_FOUND;
    if (st == SOCIAL_STORE_NOT_FOUND) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "ideas.err_no_board"));
    }
    if (status != NULL && (*status == '\0'
                           || social_ideas_status_index(v.board.statuses, status) < 0)) {
        status = NULL;
    }
    if (st != SOCIAL_STORE_OK
        || (st = social_store_ideas_list(r, v.board.id, v.page.who.user, status, 0, &v.ideas))
           != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    if (social_ideas_sort(v.ideas, sort, v.board.statuses) != 0) {
        sort = "votes";
        social_ideas_sort(v.ideas, sort, v.board.statuses);
    }
    v.sort = sort;
    v.status = status;
    social_ideas_view_fill(&v);
    html = social_ideas_view_render(r, &v, NULL, &len);
    return html ? social_request_html_send(r, html, len) : HTTP_INTERNAL_SERVER_ERROR;
}

/* POST {base}/ideas: page, board, title, text, token. */
static int form_submit(request_rec *r)
{
    apr_table_t *form;
    social_page pg;
    social_result res;
    const char *message = NULL, *board;
    apr_int64_t id = 0;
    int status;

    if ((form = social_request_form_read(r, &status)) == NULL) {
        return status;
    }
    status = social_request_page(r, apr_table_get(form, "page"), &pg, &message);
    if (status != 0) {
        social_result_page(&res, status, message);
        return social_result_send(r, &res, 1, NULL);
    }
    if (!social_identity_form_token_valid(r, &pg.who, apr_table_get(form, "token"))) {
        return social_request_form_error(r, HTTP_FORBIDDEN,
                                         SOCIAL_MSG(r, "ideas.err_expired"),
                                         pg.key);
    }
    board = apr_table_get(form, "board");
    social_request_form_keep(r, apr_table_get(form, "text"));
    if (idea_submit(r, &pg, board, apr_table_get(form, "title"), apr_table_get(form, "text"),
                    NULL, &id, &res) != 0) {
        return social_result_send(r, &res, 1, pg.key);
    }
    return form_done(r, &pg, board, id, SOCIAL_MSG(r, "ideas.done_submitted"));
}

/* GET {base}/ideas/ID: the idea and its discussion, on a page of its own. */
static int idea_page(request_rec *r, apr_int64_t id)
{
    idea_ctx c;
    social_result res;
    apr_size_t len = 0;
    char *html;

    if (idea_load(r, id, &c, &res) != 0) {
        return social_result_send(r, &res, 1, NULL);
    }
    html = social_idea_page_render(r, &c.idea, &c.page, social_request_notice(r), &len);
    if (html == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    social_request_lang_headers(r);
    return social_request_page_send(r, html, len);
}

int social_ideas_form(request_rec *r, const char *rest)
{
    apr_int64_t id;
    apr_table_t *form;
    const char *action, *done = NULL;
    social_result res;
    idea_ctx c;
    int status;

    if (*rest == '\0' || strcmp(rest, "/") == 0) {
        if (r->method_number == M_GET) {
            return board_fragment(r);
        }
        if (r->method_number != M_POST) {
            apr_table_setn(r->headers_out, "Allow", "GET, HEAD, POST");
            return HTTP_METHOD_NOT_ALLOWED;
        }
        return form_submit(r);
    }
    id = social_request_id(rest + 1, strlen(rest + 1));
    if (id == 0) {
        return social_request_form_error(r, HTTP_NOT_FOUND, SOCIAL_MSG(r, "ideas.err_no_idea"),
                                         NULL);
    }
    if (r->method_number == M_GET) {
        return idea_page(r, id);
    }
    if (r->method_number != M_POST) {
        apr_table_setn(r->headers_out, "Allow", "GET, HEAD, POST");
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if ((form = social_request_form_read(r, &status)) == NULL) {
        return status;
    }
    if (idea_load(r, id, &c, &res) != 0) {
        return social_result_send(r, &res, 1, NULL);
    }
    if (!social_identity_form_token_valid(r, &c.page.who, apr_table_get(form, "token"))) {
        return social_request_form_error(r, HTTP_FORBIDDEN,
                                         SOCIAL_MSG(r, "ideas.err_expired"),
                                         c.page.key);
    }
    action = apr_table_get(form, "action");
    if (action == NULL) {
        action = "";
    }
    if (strcmp(action, "vote") == 0 || strcmp(action, "unvote") == 0) {
        status = idea_vote(r, &c, action[0] == 'v', &res);
        done = SOCIAL_MSG(r, action[0] == 'v' ? "ideas.done_voted" : "ideas.done_unvoted");
    }
    else if (strcmp(action, "status") == 0) {
        status = idea_set_status(r, &c, apr_table_get(form, "status"),
                                 apr_table_get(form, "response"), &res);
        done = SOCIAL_MSG(r, "ideas.done_status");
    }
    else if (strcmp(action, "merge") == 0) {
        const char *into = apr_table_get(form, "into");
        status = idea_merge(r, &c, into ? social_request_id(into, strlen(into)) : 0, &res);
        done = SOCIAL_MSG(r, "ideas.done_merged");
    }
    else if (strcmp(action, "delete") == 0) {
        status = idea_delete(r, &c, &res);
        done = SOCIAL_MSG(r, "ideas.done_deleted");
    }
    else {
        return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY,
                                         SOCIAL_MSG(r, "block.msg_idea_form_names_no_action"),
                                         c.page.key);
    }
    if (status != 0) {
        return social_result_send(r, &res, 1, c.page.key);
    }
    return form_done(r, &c.page, c.idea.board.name,
                     strcmp(action, "delete") == 0 ? 0 : c.idea.id, done);
}
