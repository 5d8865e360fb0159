/* comments.c: post, reply, edit, delete and moderate comments.
 *
 * Each action is one function that checks, stores and reports an
 * outcome; the JSON API and the HTML forms differ only in how they read
 * the request and how they answer.
 */
#include "comments.h"

#include <string.h>

#include <apr_md5.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>
#include <httpd.h>

#include "admin.h"
#include "fragcache.h"
#include "identity.h"
#include "jsonmap.h"
#include "mention.h"
#include "pagetitle.h"
#include "render.h"
#include "request.h"
#include "text.h"
#include "discussion.h"
#include "idea_view.h"

APLOG_USE_MODULE(social);

typedef enum {
    ACT_EDIT, ACT_DELETE, ACT_HIDE, ACT_UNHIDE, ACT_LIKE, ACT_UNLIKE, ACT_REPORT
} action_kind;

/* Longest reason a reader gives for reporting a comment. */
#define SOCIAL_REPORT_REASON_MAX 1000

typedef struct {
    social_result res;       /* status, error code (NULL on success), message for
                              * people, the request member refused */
    social_page page;        /* the page acted on */
    social_comment comment;  /* the comment acted on, as it is now */
    const char *reason;      /* a moderator's reason, for the audit log */
} outcome;

/* An invalid anchor: 422 naming the member (anchor.exact, ...). */
static int fail_anchor(outcome *o, const char *field, const char *message)
{
    social_result_set(&o->res, HTTP_UNPROCESSABLE_ENTITY, "invalid_anchor", message);
    o->res.field = field;
    o->res.log_id = "SOCIAL0902";
    return o->res.status;
}

/* An invalid position in a document: 422 naming the member. */
static int fail_position(outcome *o, const char *message)
{
    social_result_set(&o->res, HTTP_UNPROCESSABLE_ENTITY, "invalid_position", message);
    o->res.field = "position";
    o->res.log_id = "SOCIAL2210";
    return o->res.status;
}

static int store_fail(request_rec *r, outcome *o, social_store_status st)
{
    if (st == SOCIAL_STORE_NOT_FOUND) {
        return social_result_set(&o->res, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_comment"));
    }
    return social_result_store(r, &o->res, st);
}

/* An idea's own discussion: "PAGE#idea-ID" is the page key of its
 * comments; who may read the page may read them. Returns 0 and sets
 * o->page.key, or the status of the refusal in o->res. */
static int idea_thread_resolve(request_rec *r, outcome *o, const char *path,
                               const char *hash)
{
    const char *digits = hash + strlen("#idea-");
    apr_int64_t id = social_request_id(digits, strlen(digits));
    const char *message = NULL;
    social_idea idea;
    int status = social_request_page(r, apr_pstrmemdup(r->pool, path, (apr_size_t)(hash - path)),
                                     &o->page, &message);

    if (status != 0) {
        return social_result_page(&o->res, status, message);
    }
    if (id == 0 || social_store_idea_get(r, id, NULL, &idea) != SOCIAL_STORE_OK
        || idea.deleted || strcmp(idea.board.page, o->page.key) != 0) {
        return social_result_set(&o->res, HTTP_NOT_FOUND, "not_found",
                                 SOCIAL_MSG(r, "block.msg_there_is_no_such_idea_on"));
    }
    o->page.key = social_idea_thread_key(r->pool, o->page.key, id);
    return 0;
}

static int page_resolve(request_rec *r, outcome *o, const char *path)
{
    const char *message = NULL;
    const char *hash = path ? strstr(path, "#idea-") : NULL;
    int status = hash ? idea_thread_resolve(r, o, path, hash)
                      : social_request_page(r, path, &o->page, &message);

    if (hash != NULL) {
        return status;
    }
    if (status != 0) {
        social_result_page(&o->res, status, message);
        /* A bad page in a request body is an invalid field. */
        if (status == HTTP_BAD_REQUEST && r->method_number == M_POST) {
            o->res.status = HTTP_UNPROCESSABLE_ENTITY;
        }
        return o->res.status;
    }
    return 0;
}

static int may_write(request_rec *r, outcome *o)
{
    if (social_identity_can_write(&o->page.who)) {
        return 0;
    }
    if (o->page.who.user == NULL) {
        return social_result_set(&o->res, HTTP_UNAUTHORIZED, "login_required", SOCIAL_MSG(r, "block.msg_log_in_to_comment"));
    }
    return social_result_set(&o->res, HTTP_FORBIDDEN, "forbidden", SOCIAL_MSG(r, "block.msg_you_may_not_comment_here"));
}

/* Checks a new or edited text against the page's limits. */
static int body_valid(request_rec *r, outcome *o, const char *body)
{
    size_t chars;
    const char *why;
    int max = social_config_max_comment_length(o->page.dc);

    if (body == NULL) {
        return social_result_set(&o->res, HTTP_UNPROCESSABLE_ENTITY, "invalid_body", SOCIAL_MSG(r, "block.msg_the_comment_text_is_missing"));
    }
    why = social_text_comment_check(body, strlen(body), (size_t)max, &chars);
    if (why == NULL) {
        return 0;
    }
    why = social_request_text_refusal(r, "block.msg_text", why, chars, (apr_size_t)max);
    return social_result_set(&o->res, HTTP_UNPROCESSABLE_ENTITY, "invalid_body", why);
}

/* Longest quote and context a passage comment may store (characters;
 * the columns of sql/migrations/006_anchors.sql hold exactly these). */
#define SOCIAL_ANCHOR_EXACT_MAX 1000
#define SOCIAL_ANCHOR_CONTEXT_MAX 64

/* Prefix or suffix: "" or at most SOCIAL_ANCHOR_CONTEXT_MAX characters
 * of text; white space alone is fine (context is often just a space). */
static int anchor_context_valid(request_rec *r, outcome *o, const char *field,
                                const char *s)
{
    size_t len = strlen(s), chars;
    const char *why;

    if (len == 0) {
        return 0;
    }
    why = social_text_comment_check(s, len, SOCIAL_ANCHOR_CONTEXT_MAX, &chars);
    if (why == NULL || (chars <= SOCIAL_ANCHOR_CONTEXT_MAX && strspn(s, " \t\r\n") == len)) {
        return 0;
    }
    if (chars > SOCIAL_ANCHOR_CONTEXT_MAX) {
        why = apr_psprintf(r->pool, "%s is too long (%" APR_SIZE_T_FMT
                           " characters; at most %d)", field, chars,
                           SOCIAL_ANCHOR_CONTEXT_MAX);
    }
    else {
        why = apr_pstrcat(r->pool, field, ": ", why, NULL);
    }
    return fail_anchor(o, field, why);
}

/* Checks a passage comment's anchor (its exact quote is not NULL). */
static int anchor_valid(request_rec *r, outcome *o, const social_anchor *a,
                        apr_int64_t parent)
{
    size_t chars;
    const char *why;

    if (parent != 0) {
        return fail_anchor(o, "anchor", "a reply belongs to its thread's passage; "
                           "only a new comment may carry an anchor");
    }
    why = social_text_comment_check(a->exact, strlen(a->exact), SOCIAL_ANCHOR_EXACT_MAX,
                                    &chars);
    if (why != NULL) {
        return fail_anchor(o, "anchor.exact", chars > SOCIAL_ANCHOR_EXACT_MAX
            ? apr_psprintf(r->pool, "anchor.exact is too long (%" APR_SIZE_T_FMT
                           " characters; at most %d)", chars, SOCIAL_ANCHOR_EXACT_MAX)
            : apr_pstrcat(r->pool, "anchor.exact: ", why, NULL));
    }
    if (anchor_context_valid(r, o, "anchor.prefix", a->prefix) != 0
        || anchor_context_valid(r, o, "anchor.suffix", a->suffix) != 0) {
        return o->res.status;
    }
    if (a->position < 0 || a->position > SOCIAL_JSON_ANCHOR_POSITION_MAX) {
        return fail_anchor(o, "anchor.position",
                           "anchor.position must be a whole number from 0 to 100000000");
    }
    return 0;
}

/* Loads comment id and its page; 404 if either is out of the viewer's
 * reach, so ids of unreadable pages reveal nothing. */
static int comment_load(request_rec *r, outcome *o, apr_int64_t id, int *replies)
{
    social_store_status st = social_store_comment_get(r, id, &o->comment, replies);

    if (st != SOCIAL_STORE_OK) {
        return store_fail(r, o, st);
    }
    if (page_resolve(r, o, o->comment.page) != 0) {
        /* The same answer as an unknown id: never 401 or 403. */
        return social_result_set(&o->res, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_comment"));
    }
    if (o->comment.status == SOCIAL_COMMENT_DELETED
        || ((o->comment.status == SOCIAL_COMMENT_HIDDEN
             || o->comment.status == SOCIAL_COMMENT_PENDING) && !o->page.who.moderator
            && (o->page.who.user == NULL
                || strcmp(o->page.who.user, o->comment.author) != 0))) {
        return social_result_set(&o->res, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_comment"));
    }
    return 0;
}

/* A moderator's hide, unhide or delete of comment id, with its audit
 * entry in the same transaction. */
static social_store_status moderate(request_rec *r, outcome *o, apr_int64_t id,
                                    social_comment_status status, const char *action)
{
    social_audit_entry audit;

    memset(&audit, 0, sizeof(audit));
    audit.actor = o->page.who.user;
    audit.action = action;
    audit.target_kind = "comment";
    audit.reason = o->reason;
    return social_store_comments_moderate(r, &id, 1, status, &audit, NULL);
}

/* anchor may be NULL (or its exact NULL) for a comment on the whole
 * page; position NULL (or of kind NONE) for one on the whole document. */
static int comment_create(request_rec *r, outcome *o, const char *path,
                          const char *body, apr_int64_t parent,
                          const social_anchor *anchor,
                          const social_position *position,
                          const social_idempotency *idem)
{
    social_store_status st;
    int anchored = anchor != NULL && anchor->exact != NULL;
    int placed = position != NULL && position->kind != SOCIAL_POSITION_NONE;
    const char *why;

    if (anchored && path != NULL && strstr(path, "#idea-") != NULL) {
        social_result_set(&o->res, HTTP_UNPROCESSABLE_ENTITY, "invalid_anchor",
                          SOCIAL_MSG(r, "block.msg_an_idea_s_discussion_takes_no"));
        o->res.field = "anchor";
        return o->res.status;
    }
    if (page_resolve(r, o, path) != 0 || may_write(r, o) != 0
        || body_valid(r, o, body) != 0
        || (anchored && anchor_valid(r, o, anchor, parent) != 0)) {
        return o->res.status;
    }
    /* A time in audio or video, a page of a PDF: as the file is served. */
    if (placed && (why = social_position_check(position, social_request_page_kind(
                       r, o->page.key, NULL))) != NULL) {
        return fail_position(o, why);
    }
    if (parent != 0) {
        social_comment p;
        int replies;
        st = social_store_comment_get(r, parent, &p, &replies);
        if (st == SOCIAL_STORE_NOT_FOUND || (st == SOCIAL_STORE_OK
                                             && (strcmp(p.page, o->page.key) != 0
                                                 || p.status != SOCIAL_COMMENT_VISIBLE))) {
            return social_result_set(&o->res, HTTP_UNPROCESSABLE_ENTITY, "invalid_parent",
                        SOCIAL_MSG(r, "block.msg_the_comment_replied_to_is_not"));
        }
        if (st != SOCIAL_STORE_OK) {
            return store_fail(r, o, st);
        }
    }
    memset(&o->comment, 0, sizeof(o->comment));
    o->comment.page = o->page.key;
    o->comment.parent = parent;
    o->comment.author = o->page.who.user ? o->page.who.user : "";
    o->comment.author_name = o->page.who.name;
    o->comment.body = body;
    /* SocialModeration Pre: a moderator approves it in the console first. */
    o->comment.status = social_config_moderation(o->page.dc) == SOCIAL_MODERATION_PRE
                        && !o->page.who.moderator
                        ? SOCIAL_COMMENT_PENDING : SOCIAL_COMMENT_VISIBLE;
    if (anchored) {
        o->comment.anchor = *anchor;
    }
    if (placed) {
        o->comment.position = *position;
    }
    st = social_store_comment_add(r, &o->comment, idem);
    if (st == SOCIAL_STORE_LOCKED) {
        /* A moderator locked the discussion (console): 423 Locked. */
        return social_result_set(&o->res, HTTP_LOCKED, "locked",
                    SOCIAL_MSG(r, "block.msg_this_discussion_is_locked_by_a"));
    }
    if (st == SOCIAL_STORE_MISMATCH) {
        return social_result_set(&o->res, HTTP_UNPROCESSABLE_ENTITY, "idempotency_mismatch",
                    SOCIAL_MSG(r, "block.msg_this_idempotency_key_was_used_for"));
    }
    if (st == SOCIAL_STORE_REPLAYED) {
        int replies;
        /* The answer to the first request with this key. */
        st = social_store_comment_get(r, o->comment.id, &o->comment, &replies);
        if (st != SOCIAL_STORE_OK) {
            return store_fail(r, o, st);
        }
        o->res.status = HTTP_CREATED;
        o->res.message = "Comment posted";
        return o->res.status;
    }
    if (st != SOCIAL_STORE_OK) {
        return store_fail(r, o, st);
    }
    social_fragcache_touch(r, o->page.key);
    social_pagetitle_note(r, o->page.key);
    if (o->page.who.user != NULL) {
        social_fragcache_person_seen(r, o->page.who.user, o->page.who.name, o->page.who.email);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL0501: comment %" APR_INT64_T_FMT " by %s on %s",
                  o->comment.id, o->comment.author, o->page.key);
    if (anchored) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL0901: comment %" APR_INT64_T_FMT " is on a passage of %s "
                      "(position %" APR_INT64_T_FMT ")",
                      o->comment.id, o->page.key, anchor->position);
    }
    o->res.status = HTTP_CREATED;
    o->res.message = o->comment.status == SOCIAL_COMMENT_PENDING
                 ? "Comment received; it appears to others once a moderator approves it"
                 : parent ? "Reply posted" : "Comment posted";
    return o->res.status;
}

static int comment_act(request_rec *r, outcome *o, apr_int64_t id,
                       action_kind kind, const char *body)
{
    social_thread_item it;
    int replies = 0;
    social_store_status st;
    const char *done = NULL;

    if (comment_load(r, o, id, &replies) != 0) {
        return o->res.status;
    }
    memset(&it, 0, sizeof(it));
    it.c = o->comment;
    social_thread_permissions(r, o->page.dc, &o->page.who, &it);
    if (kind == ACT_EDIT || kind == ACT_LIKE || kind == ACT_UNLIKE) {
        /* A locked discussion takes no change but deleting one's own words
         * (and a moderator's). */
        int status = social_request_unlocked(r, &o->page);
        if (status == HTTP_LOCKED) {
            return social_result_set(&o->res, HTTP_LOCKED, "locked", SOCIAL_MSG(r, "block.msg_locked"));
        }
        if (status != 0) {
            return store_fail(r, o, SOCIAL_STORE_DOWN);
        }
    }
    switch (kind) {
    case ACT_EDIT:
        if (!it.can_edit) {
            return social_result_set(&o->res, HTTP_FORBIDDEN, "forbidden",
                        o->page.who.user && strcmp(o->page.who.user, o->comment.author) == 0
                        ? SOCIAL_MSG(r, "block.msg_edit_time_passed")
                        : SOCIAL_MSG(r, "block.msg_edit_only_own"));
        }
        if (body_valid(r, o, body) != 0) {
            return o->res.status;
        }
        st = social_store_comment_edit(r, id, body);
        o->comment.body = body;
        o->comment.edited = apr_time_now();
        done = "Comment updated";
        break;
    case ACT_DELETE:
        if (!it.can_delete) {
            return social_result_set(&o->res, HTTP_FORBIDDEN, "forbidden", SOCIAL_MSG(r, "block.msg_you_may_only_delete_your_own"));
        }
        st = o->page.who.moderator && strcmp(o->page.who.user ? o->page.who.user : "",
                                             o->comment.author) != 0
             ? moderate(r, o, id, SOCIAL_COMMENT_DELETED, "delete")
             : social_store_comment_set_status(r, id, SOCIAL_COMMENT_DELETED);
        o->comment.status = SOCIAL_COMMENT_DELETED;
        o->comment.body = "";
        done = "Comment deleted";
        break;
    case ACT_LIKE:
    case ACT_UNLIKE:
        if (o->page.who.user == NULL) {
            return social_result_set(&o->res, HTTP_UNAUTHORIZED, "login_required", SOCIAL_MSG(r, "block.msg_log_in_to_like_comments"));
        }
        if (o->comment.status != SOCIAL_COMMENT_VISIBLE) {
            return social_result_set(&o->res, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_comment"));
        }
        st = social_store_like(r, SOCIAL_LIKE_COMMENT, NULL, id, o->page.who.user,
                               kind == ACT_LIKE, &o->comment.likes, &o->comment.liked);
        if (st == SOCIAL_STORE_OK) {
            social_fragcache_person_seen(r, o->page.who.user, o->page.who.name,
                                     o->page.who.email);
        }
        done = kind == ACT_LIKE ? "Liked" : "Like removed";
        break;
    case ACT_REPORT: {
        size_t chars = 0;
        const char *why;

        if (o->page.who.user == NULL) {
            return social_result_set(&o->res, HTTP_UNAUTHORIZED, "login_required",
                                     SOCIAL_MSG(r, "block.msg_log_in_to_report_comments"));
        }
        if (o->comment.status != SOCIAL_COMMENT_VISIBLE) {
            return social_result_set(&o->res, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_comment"));
        }
        if (strcmp(o->page.who.user, o->comment.author) == 0) {
            return social_result_set(&o->res, HTTP_UNPROCESSABLE_ENTITY, "own_comment",
                                     SOCIAL_MSG(r, "block.msg_you_cannot_report_your_own_comment"));
        }
        if (body == NULL || *body == '\0') {
            why = SOCIAL_MSG(r, "block.msg_reason_missing");
        }
        else if ((why = social_text_comment_check(body, strlen(body), SOCIAL_REPORT_REASON_MAX,
                                                  &chars)) != NULL) {
            why = social_request_text_refusal(r, "block.msg_reason", why, chars,
                                              SOCIAL_REPORT_REASON_MAX);
        }
        if (why != NULL) {
            social_result_set(&o->res, HTTP_UNPROCESSABLE_ENTITY, "invalid_reason", why);
            o->res.field = "reason";
            return o->res.status;
        }
        st = social_store_comment_report(r, id, o->page.who.user, body);
        if (st != SOCIAL_STORE_OK) {
            return store_fail(r, o, st);
        }
        /* Nothing the discussion shows changed: no new cache version. */
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL0506: comment %" APR_INT64_T_FMT " on %s reported to the "
                      "moderators", id, o->page.key);
        o->res.status = HTTP_OK;
        o->res.message = "Reported to the moderators. Thank you.";
        return o->res.status;
    }
    default:
        if (!it.can_moderate) {
            return social_result_set(&o->res, HTTP_FORBIDDEN, "forbidden", SOCIAL_MSG(r, "block.msg_only_moderators_may_hide_comments"));
        }
        o->comment.status = kind == ACT_HIDE ? SOCIAL_COMMENT_HIDDEN : SOCIAL_COMMENT_VISIBLE;
        st = moderate(r, o, id, o->comment.status, kind == ACT_HIDE ? "hide" : "unhide");
        done = kind == ACT_HIDE ? "Comment hidden" : "Comment shown again";
        break;
    }
    if (st != SOCIAL_STORE_OK) {
        return store_fail(r, o, st);
    }
    social_fragcache_touch(r, o->page.key);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL0502: %s: comment %" APR_INT64_T_FMT " on %s by %s",
                  done, id, o->page.key, o->page.who.user ? o->page.who.user : "-");
    o->res.status = HTTP_OK;
    o->res.message = done;
    return o->res.status;
}

/* ---- JSON API ---- */

static int api_outcome_error(request_rec *r, const outcome *o)
{
    return social_result_send(r, &o->res, 0, NULL);
}

/* The comment as placed in its page's thread: its depth and "in reply
 * to" come from at most SOCIAL_THREAD_MAX_DEPTH look-ups of its
 * ancestors (each by primary key), not from reading the whole thread. */
static json_t *comment_json(request_rec *r, const outcome *o)
{
    social_thread_item it;
    apr_int64_t up = o->comment.parent;
    const char *parent_name = NULL;
    int depth = 1;

    memset(&it, 0, sizeof(it));
    it.c = o->comment;
    while (up != 0 && depth <= SOCIAL_THREAD_MAX_DEPTH) {
        social_comment ancestor;
        int replies;
        if (social_store_comment_get(r, up, &ancestor, &replies) != SOCIAL_STORE_OK) {
            break;
        }
        if (parent_name == NULL) {
            parent_name = ancestor.status == SOCIAL_COMMENT_VISIBLE ? ancestor.author_name : NULL;
        }
        up = ancestor.parent;
        depth++;
    }
    it.depth = depth > SOCIAL_THREAD_MAX_DEPTH ? SOCIAL_THREAD_MAX_DEPTH : depth;
    it.in_reply_to = depth > SOCIAL_THREAD_MAX_DEPTH ? parent_name : NULL;
    social_thread_permissions(r, o->page.dc, &o->page.who, &it);
    return social_request_json_pool(r, social_thread_item_json(r, &it));
}


/* A listing kept in the discussion cache under the page's version, as
 * the discussion's HTML is: one entry for every uninvolved viewer of a
 * kind (anonymous, or logged in and able to write or not) and the same
 * query, and an ETag naming it, so that a repeat ask costs a 304 and a
 * first ask of another such viewer no statement. Involved viewers (their
 * comments and likes, a ban) and moderators are read from the store. */
typedef struct {
    const char *key;    /* NULL: not cached */
    const char *etag;
} listing_cache;

static void listing_cache_init(request_rec *r, const outcome *o, listing_cache *lc)
{
    const social_identity *who = &o->page.who;
    const char *version;
    unsigned char digest[APR_MD5_DIGESTSIZE];
    char hex[2 * APR_MD5_DIGESTSIZE + 1];

    lc->key = lc->etag = NULL;
    if (who->moderator || !social_fragcache_enabled()
        || (version = social_fragcache_version(r, o->page.key)) == NULL
        || social_thread_viewer_shares(r, o->page.key, version, who) != 1) {
        return;
    }
    lc->key = apr_psprintf(r->pool, "j\n%s\n%s\n%s\n%c%c%d\n%s", social_fragcache_vhost(r),
                           o->page.key, version, who->user ? 'u' : 'a',
                           social_identity_can_write(who) ? 'w' : 'r',
                           social_config_max_comment_length(o->page.dc),
                           r->args ? r->args : "");
    apr_md5(digest, lc->key, strlen(lc->key));
    ap_bin2hex(digest, 8, hex);
    lc->etag = apr_pstrcat(r->pool, "\"", version, "-", hex, "\"", NULL);
}

/* The listing from the cache: 304 when the client has it, else the kept
 * JSON; -1 when there is none. */
static int listing_cache_send(request_rec *r, const listing_cache *lc)
{
    const char *match, *text;
    apr_size_t len = 0;
    social_fragcache_kept *kept;

    if (lc->key == NULL) {
        return -1;
    }
    apr_table_setn(r->headers_out, "ETag", lc->etag);
    match = apr_table_get(r->headers_in, "If-None-Match");
    if (match != NULL && strcmp(match, lc->etag) == 0) {
        apr_table_setn(r->headers_out, "Cache-Control", "private, no-cache");
        return HTTP_NOT_MODIFIED;
    }
    text = social_fragcache_get_kept(r, lc->key, &len, &kept);
    if (text == NULL) {
        return -1;
    }
    return social_request_json_text_send(r, HTTP_OK, text, len, "private, no-cache");
}

/* Sends the listing the store answered, and keeps it in the cache. */
static int listing_send(request_rec *r, const listing_cache *lc, json_t *body)
{
    apr_size_t len = 0;
    const char *text = social_request_json_text(r, body, &len);

    if (text == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (lc->key == NULL) {
        return social_request_json_text_send(r, HTTP_OK, text, len, "no-store");
    }
    social_fragcache_put(r, lc->key, text, len);
    return social_request_json_text_send(r, HTTP_OK, text, len, "private, no-cache");
}

/* GET comments lists this many top-level threads unless limit= says
 * otherwise (at most the max); before= pages back to older ones. */
#define SOCIAL_API_THREADS_DEFAULT 100
#define SOCIAL_API_THREADS_MAX 500

/* GET comments?page=PATH&thread=ID[&before=REPLY]: one thread, with its
 * newest SOCIAL_THREAD_REPLIES_PAGE replies older than REPLY. */
static int api_list_thread(request_rec *r, outcome *o, apr_int64_t thread,
                           apr_int64_t before)
{
    social_thread t;
    const social_thread_item *top;
    json_t *list, *body;
    listing_cache lc;
    int k, sent;

    listing_cache_init(r, o, &lc);
    if ((sent = listing_cache_send(r, &lc)) >= 0) {
        return sent;
    }
    social_thread_load_replies(r, o->page.dc, &o->page.who, o->page.key, thread, before, &t);
    if (t.unavailable) {
        return social_request_store_error(r, SOCIAL_STORE_DOWN);
    }
    if (!t.found) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "block.msg_no_such_thread_on_this_page"));
    }
    list = json_array();
    for (k = 0; k < t.items->nelts; k++) {
        json_array_append_new(list, social_thread_item_json(
            r, &APR_ARRAY_IDX(t.items, k, social_thread_item)));
    }
    top = &APR_ARRAY_IDX(t.items, 0, social_thread_item);
    body = social_request_json_pool(r, json_pack("{s:s,s:I,s:i,s:o,s:i,s:b}",
                                                 "page", o->page.key,
                                                 "thread", (json_int_t)thread,
                                                 "count", t.count, "comments", list,
                                                 "replies_omitted", top->replies_omitted,
                                                 "locked", t.stats.locked));
    /* Where the next (older) page of replies starts. */
    json_object_set_new(body, "next_before", top->replies_omitted > 0
                        ? json_integer(top->replies_before) : json_null());
    return listing_send(r, &lc, body);
}

static int api_list(request_rec *r)
{
    outcome o;
    social_thread t;
    json_t *list, *body;
    listing_cache lc;
    int k, sent;

    const char *limit_q = social_request_query_value(r, "limit");
    const char *before_q = social_request_query_value(r, "before");
    const char *thread_q = social_request_query_value(r, "thread");
    const char *sort_q = social_request_query_value(r, "sort");
    apr_int64_t limit = SOCIAL_API_THREADS_DEFAULT, before = 0;
    apr_int64_t thread = thread_q ? social_request_id(thread_q, strlen(thread_q)) : 0;
    int order = sort_q ? social_tree_order_parse(sort_q) : SOCIAL_TREE_OLDEST;

    memset(&o, 0, sizeof(o));
    if (page_resolve(r, &o, social_request_query_value(r, "page")) != 0) {
        return api_outcome_error(r, &o);
    }
    if (limit_q != NULL
        && ((limit = social_request_id(limit_q, strlen(limit_q))) == 0
            || limit > SOCIAL_API_THREADS_MAX)) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_limit",
                                         SOCIAL_MSG(r, "block.msg_limit_must_be_1_to_500"));
    }
    if (before_q != NULL && (before = social_request_id(before_q, strlen(before_q))) == 0) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_before",
                                         SOCIAL_MSG(r, "block.msg_before_must_be_a_comment_id"));
    }
    if (order < 0) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_sort",
                                         SOCIAL_MSG(r, "block.msg_sort_must_be_oldest_newest_or"));
    }
    if (order == SOCIAL_TREE_MOST_LIKED && before_q != NULL) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_before",
                                         SOCIAL_MSG(r, "block.msg_the_most_liked_threads_have_no"));
    }
    if (thread_q != NULL) {
        if (thread == 0) {
            return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_thread",
                                             SOCIAL_MSG(r, "block.msg_thread_must_be_a_comment_id"));
        }
        return api_list_thread(r, &o, thread, before);
    }
    listing_cache_init(r, &o, &lc);
    if ((sent = listing_cache_send(r, &lc)) >= 0) {
        return sent;
    }
    social_thread_load(r, o.page.dc, &o.page.who, o.page.key, (int)limit, before,
                       (social_tree_order)order, &t);
    if (t.unavailable) {
        return social_request_store_error(r, SOCIAL_STORE_DOWN);
    }
    list = json_array();
    for (k = 0; k < t.items->nelts; k++) {
        json_array_append_new(list, social_thread_item_json(
            r, &APR_ARRAY_IDX(t.items, k, social_thread_item)));
    }
    body = social_request_json_pool(r, json_pack("{s:s,s:i,s:o,s:i,s:b}", "page", o.page.key,
                                                 "count", t.count, "comments", list,
                                                 "earlier", t.earlier,
                                                 "locked", t.stats.locked));
    json_object_set_new(body, "sort", json_string(social_tree_order_name(t.order)));
    /* Where the next (older) page of threads starts. */
    json_object_set_new(body, "next_before", t.earlier > 0 && t.oldest > 0
                        && t.order != SOCIAL_TREE_MOST_LIKED
                        ? json_integer(t.oldest) : json_null());
    return listing_send(r, &lc, body);
}

/* The insert of a new comment refuses a locked discussion and a banned
 * author alike (the handler leaves the ban to it): for a banned author
 * the ban's refusal is sent and its handler code returned, else
 * DECLINED. */
static int refused_for_ban(request_rec *r, const outcome *o, const char *route)
{
    return o->res.status == HTTP_LOCKED ? social_admin_refuse_banned(r, route) : DECLINED;
}

static int api_create(request_rec *r)
{
    outcome o;
    int status;
    json_t *req = social_request_json_body(r, &status);
    const char *page, *text;
    apr_int64_t parent = 0;
    social_idempotency *idem = NULL;
    social_json_error e;
    social_anchor anchor;
    social_position position;

    if (req == NULL) {
        return status;
    }
    memset(&o, 0, sizeof(o));
    if (social_json_comment_new(req, &page, &text, &parent, &e) != 0) {
        return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, e.code, e.message);
    }
    if (social_json_anchor(req, &anchor.exact, &anchor.prefix, &anchor.suffix,
                           &anchor.position, &e) != 0) {
        social_result_set(&o.res, HTTP_UNPROCESSABLE_ENTITY, e.code, e.message);
        o.res.field = e.field;
        o.res.log_id = "SOCIAL0902";
        return api_outcome_error(r, &o);
    }
    if (social_json_position(req, &position, &e) != 0) {
        fail_position(&o, e.message);
        return api_outcome_error(r, &o);
    }
    if (social_request_idempotency(r, req, &idem) != 0) {
        return social_request_idempotency_refused(r);
    }
    if (comment_create(r, &o, page, text, parent, &anchor, &position, idem) != HTTP_CREATED) {
        int refused = refused_for_ban(r, &o, "/api/v1/comments");
        return refused != DECLINED ? refused : api_outcome_error(r, &o);
    }
    apr_table_setn(r->headers_out, "Location",
                   apr_psprintf(r->pool, "%s/api/v1/comments/%" APR_INT64_T_FMT,
                                social_config_srv(r->server)->endpoint, o.comment.id));
    return social_request_json_send(r, HTTP_CREATED, comment_json(r, &o));
}

static int api_one(request_rec *r, apr_int64_t id)
{
    outcome o;
    int replies = 0;

    memset(&o, 0, sizeof(o));
    if (r->method_number == M_GET) {
        if (comment_load(r, &o, id, &replies) != 0) {
            return api_outcome_error(r, &o);
        }
        return social_request_json_send(r, HTTP_OK, comment_json(r, &o));
    }
    if (r->method_number == M_DELETE) {
        if (comment_act(r, &o, id, ACT_DELETE, NULL) != HTTP_OK) {
            return api_outcome_error(r, &o);
        }
        return social_request_json_send(r, HTTP_NO_CONTENT, json_object());
    }
    if (r->method_number == M_PATCH) {
        int status;
        json_t *req = social_request_json_body(r, &status);
        const char *text, *state;
        social_json_error e;

        if (req == NULL) {
            return status;
        }
        if (social_json_comment_change(req, &text, &state, &e) != 0) {
            return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, e.code, e.message);
        }
        if (comment_act(r, &o, id, text ? ACT_EDIT
                        : strcmp(state, "hidden") == 0 ? ACT_HIDE : ACT_UNHIDE,
                        text) != HTTP_OK) {
            return api_outcome_error(r, &o);
        }
        return social_request_json_send(r, HTTP_OK, comment_json(r, &o));
    }
    return social_request_method_not_allowed(r, "GET, HEAD, PATCH, DELETE");
}

/* PUT (like) or DELETE (unlike) comments/ID/like -> {count, liked}. */
static int api_like(request_rec *r, apr_int64_t id)
{
    outcome o;

    if (r->method_number != M_PUT && r->method_number != M_DELETE) {
        return social_request_method_not_allowed(r, "PUT, DELETE");
    }
    memset(&o, 0, sizeof(o));
    if (comment_act(r, &o, id, r->method_number == M_PUT ? ACT_LIKE : ACT_UNLIKE, NULL)
        != HTTP_OK) {
        return api_outcome_error(r, &o);
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r,
        json_pack("{s:i,s:b}", "count", o.comment.likes, "liked", o.comment.liked)));
}

/* POST comments/ID/report {reason} -> {"reported": true}: the reader
 * asks the moderators to look at the comment. */
static int api_report(request_rec *r, apr_int64_t id)
{
    outcome o;
    json_t *req, *reason;
    int status;

    if (r->method_number != M_POST) {
        return social_request_method_not_allowed(r, "POST");
    }
    if ((req = social_request_json_body(r, &status)) == NULL) {
        return status;
    }
    reason = json_object_get(req, "reason");
    if (reason != NULL && !json_is_string(reason)) {
        return social_request_json_error(r, HTTP_UNPROCESSABLE_ENTITY, "invalid_reason",
                                         SOCIAL_MSG(r, "block.msg_reason_must_be_a_string"));
    }
    memset(&o, 0, sizeof(o));
    if (comment_act(r, &o, id, ACT_REPORT, reason ? json_string_value(reason) : NULL)
        != HTTP_OK) {
        return api_outcome_error(r, &o);
    }
    return social_request_json_send(r, HTTP_OK, social_request_json_pool(r,
        json_pack("{s:b}", "reported", 1)));
}

/* GET comments/ID/likes -> who liked it. */
static int api_likers(request_rec *r, apr_int64_t id)
{
    outcome o;
    apr_array_header_t *people;
    social_store_status st;
    int replies;

    if (r->method_number != M_GET) {
        return social_request_method_not_allowed(r, "GET, HEAD");
    }
    memset(&o, 0, sizeof(o));
    if (comment_load(r, &o, id, &replies) != 0) {
        return api_outcome_error(r, &o);
    }
    st = social_store_likers(r, SOCIAL_LIKE_COMMENT, NULL, id, &people);
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    return social_request_json_send(r, HTTP_OK, social_request_people_json(r, people));
}

int social_comments_api(request_rec *r, const char *rest)
{
    apr_int64_t id;

    if (r->method_number != M_GET && !social_identity_same_origin(r)) {
        return social_request_cross_origin_refused(r);
    }

    if (*rest == '\0') {
        if (r->method_number == M_GET) {
            return api_list(r);
        }
        if (r->method_number == M_POST) {
            return api_create(r);
        }
        return social_request_method_not_allowed(r, "GET, HEAD, POST");
    }
    {
        const char *digits = rest[0] == '/' ? rest + 1 : "";
        const char *slash = strchr(digits, '/');
        size_t n = slash ? (size_t)(slash - digits) : strlen(digits);

        id = social_request_id(digits, n);
        if (id == 0) {
            return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_comment"));
        }
        if (slash == NULL) {
            return api_one(r, id);
        }
        if (strcmp(slash, "/like") == 0) {
            return api_like(r, id);
        }
        if (strcmp(slash, "/likes") == 0) {
            return api_likers(r, id);
        }
        if (strcmp(slash, "/report") == 0) {
            return api_report(r, id);
        }
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", SOCIAL_MSG(r, "block.msg_no_such_endpoint"));
    }
}

/* ---- HTML ---- */

/* The @names in body nobody of that name has used the discussions, as
 * "@a, @b", or NULL (none, the author asked to post anyway, or the store
 * cannot say: then the post goes on and meets the store itself). */
static const char *mentions_unknown(request_rec *r, const outcome *o, const char *body,
                                    const char *checked)
{
    apr_array_header_t *names, *unknown;
    int k;

    if (body == NULL || (checked != NULL && strcmp(checked, "1") == 0)) {
        return NULL;
    }
    names = social_mention_names(r->pool, body);
    unknown = apr_array_make(r->pool, 2, sizeof(const char *));
    for (k = 0; k < names->nelts; k++) {
        const char *user = APR_ARRAY_IDX(names, k, const char *), *name = NULL;
        if (o->page.who.user != NULL && strcmp(user, o->page.who.user) == 0) {
            continue;
        }
        switch (social_store_person_get(r, user, &name)) {
        case SOCIAL_STORE_OK:
            break;
        case SOCIAL_STORE_NOT_FOUND:
            APR_ARRAY_PUSH(unknown, const char *) = apr_pstrcat(r->pool, "@", user, NULL);
            break;
        default:
            return NULL;
        }
    }
    return unknown->nelts ? apr_array_pstrcat(r->pool, unknown, ',') : NULL;
}

typedef struct {
    request_rec *r;
    const outcome *o;
    apr_table_t *form;
    const char *unknown;
} mentions_page_data;

static int mentions_field(void *ctx, const char *key, const char *value)
{
    social_render_data *fields = ctx;
    static const char *const kept[] = { "token", "page", "parent", "anchor_exact",
                                        "anchor_prefix", "anchor_suffix", "anchor_position" };
    size_t k;

    for (k = 0; k < sizeof(kept) / sizeof(kept[0]); k++) {
        if (strcmp(key, kept[k]) == 0) {
            social_render_set(social_render_child(fields, "%s", key), "value", value);
        }
    }
    return 1;
}

/* The "Social" node every page of the module's own has (its endpoint and
 * assets' version). */
static social_render_data *page_social(social_render_data *data, request_rec *r)
{
    social_render_data *s = social_render_child(data, "Social");

    social_render_set(s, "endpoint", social_config_srv(r->server)->endpoint);
    social_render_set(s, "version", SOCIAL_VERSION);
    return s;
}

static void mentions_page_fill(social_render_data *data, void *ctx)
{
    mentions_page_data *d = ctx;
    social_render_data *m = social_render_child(data, "Mentions");

    page_social(data, d->r);
    social_render_set(m, "unknown", d->unknown);
    social_render_set(m, "page", d->o->page.key);
    social_render_set(m, "body", apr_table_get(d->form, "body"));
    apr_table_do(mentions_field, social_render_child(m, "fields"), d->form, NULL);
}

/* Without JavaScript, the question the widget asks as one types: the
 * comment names someone nobody of that name has used the discussions
 * (they would not be notified). The text comes back to be corrected, or
 * posted as it is. */
static int mentions_confirm(request_rec *r, const outcome *o, apr_table_t *form,
                            const char *unknown)
{
    mentions_page_data d = { r, o, form, unknown };

    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL0507: comment form on %s names %s, unknown: asked to confirm",
                  o->page.key, unknown);
    return social_request_template_send(r, "mentions.cs", mentions_page_fill, &d);
}

/* The pages about one comment for readers without JavaScript (a
 * report, a delete's question): "Comment" in the template's data. */
typedef struct {
    request_rec *r;
    const outcome *o;
    int replies;
} comment_page_data;

static void comment_page_fill(social_render_data *data, void *ctx)
{
    comment_page_data *d = ctx;
    social_render_data *s = page_social(data, d->r);
    social_render_data *c = social_render_child(data, "Comment");

    social_render_set(s, "token", social_identity_form_token(d->r, &d->o->page.who));
    social_render_set_int(c, "id", d->o->comment.id);
    social_render_set(c, "page", d->o->page.key);
    social_render_set(c, "name", d->o->comment.author_name);
    social_render_set(c, "body", d->o->comment.body);
    social_render_set_int(c, "replies", d->replies);
}

/* Without JavaScript, the question the widget asks in a dialog before a
 * delete: a page of its own whose form deletes (confirmed=1). Only for
 * someone who may delete the comment; the others get the refusal at once. */
static int delete_confirm(request_rec *r, outcome *o, int replies)
{
    comment_page_data d = { r, o, replies };
    social_thread_item it;

    memset(&it, 0, sizeof(it));
    it.c = o->comment;
    social_thread_permissions(r, o->page.dc, &o->page.who, &it);
    if (!it.can_delete) {
        return social_request_form_error(r, HTTP_FORBIDDEN,
                                         SOCIAL_MSG(r, "block.msg_you_may_only_delete_your_own"), o->page.key);
    }
    return social_request_template_send(r, "confirm.cs", comment_page_fill, &d);
}

/* A page of its own for one comment's form (report, reply), for readers
 * without JavaScript (the widget opens the form in place). The same
 * questions as the action itself: the comment must be one the reader may
 * see and still there, and the reader one who may write (anyone logged
 * in, or, where anonymous visitors may write, they too when anonymous_ok).
 * A locked page's refusal comes with the post, as for the form under the
 * comment. */
static int comment_form_page(request_rec *r, const char *template, const char *login_key,
                             int anonymous_ok)
{
    outcome o;
    comment_page_data d = { r, &o, 0 };
    const char *q = social_request_query_value(r, "comment");
    apr_int64_t id = q ? social_request_id(q, strlen(q)) : 0;
    int replies = 0;
    int refused;

    memset(&o, 0, sizeof(o));
    if (id == 0 || comment_load(r, &o, id, &replies) != 0) {
        return social_request_form_error(r, o.res.status ? o.res.status : HTTP_NOT_FOUND,
                                         o.res.message ? o.res.message : "no such comment",
                                         NULL);
    }
    if ((o.page.who.user == NULL && !anonymous_ok) || !social_identity_can_write(&o.page.who)) {
        return social_request_form_error(r, o.page.who.user ? HTTP_FORBIDDEN : HTTP_UNAUTHORIZED,
                                         SOCIAL_MSG(r, login_key), o.page.key);
    }
    if (o.comment.status != SOCIAL_COMMENT_VISIBLE) {
        return social_request_form_error(r, HTTP_NOT_FOUND, SOCIAL_MSG(r, "block.msg_no_such_comment"), o.page.key);
    }
    refused = social_admin_refuse_banned_page(r);
    if (refused != DECLINED) {
        return refused;
    }
    return social_request_template_send(r, template, comment_page_fill, &d);
}

/* GET {base}/report?comment=ID: the form to report a comment. */
int social_comments_report_page(request_rec *r)
{
    return comment_form_page(r, "report.cs", "block.msg_log_in_to_report_comments", 0);
}

/* GET {base}/reply?comment=ID: the form to reply to a comment. */
int social_comments_reply_page(request_rec *r)
{
    return comment_form_page(r, "reply.cs", "block.login_to_comment", 1);
}

int social_comments_fragment(request_rec *r)
{
    outcome o;

    memset(&o, 0, sizeof(o));
    if (page_resolve(r, &o, social_request_query_value(r, "page")) != 0) {
        return api_outcome_error(r, &o);
    }
    return social_discussion_fragment_send(r, &o.page, NULL);
}

/* A passage comment's anchor from the hidden fields the widget fills
 * (anchor_exact, anchor_prefix, anchor_suffix, anchor_position); *a's
 * exact stays NULL without a quote. Returns a reason it cannot be read,
 * or NULL. */
static const char *form_anchor(apr_table_t *form, social_anchor *a)
{
    const char *exact = apr_table_get(form, "anchor_exact");
    const char *position = apr_table_get(form, "anchor_position");
    const char *p;

    memset(a, 0, sizeof(*a));
    if (exact == NULL || *exact == '\0') {
        return NULL;
    }
    a->exact = exact;
    a->prefix = apr_table_get(form, "anchor_prefix");
    a->suffix = apr_table_get(form, "anchor_suffix");
    a->prefix = a->prefix ? a->prefix : "";
    a->suffix = a->suffix ? a->suffix : "";
    if (position == NULL || *position == '\0') {
        return NULL;
    }
    for (p = position; *p; p++) {
        if (*p < '0' || *p > '9' || p - position > 9) {
            return "the passage's position is not a number";
        }
    }
    a->position = apr_atoi64(position);
    return NULL;
}

/* After a successful form post: the fragment for the widget, or a 303
 * back to the page (its key: a local path, so never an open redirect). */
static int form_done(request_rec *r, const outcome *o, apr_int64_t anchor)
{
    if (social_request_wants_fragment(r)) {
        return social_discussion_fragment_send(r, &o->page, o->res.message);
    }
    apr_table_setn(r->headers_out, "Location", social_request_back_location(
                       r, o->page.key, o->res.message,
                       anchor ? apr_psprintf(r->pool, "comment-%" APR_INT64_T_FMT, anchor)
                              : "social"));
    return HTTP_SEE_OTHER;
}

int social_comments_form(request_rec *r, const char *rest)
{
    outcome o;
    apr_table_t *form;
    int code = 0;
    apr_int64_t id = 0;
    const char *action, *token;

    if (*rest != '\0') {
        id = rest[0] == '/' ? social_request_id(rest + 1, strlen(rest + 1)) : 0;
        if (id == 0) {
            return social_request_form_error(r, HTTP_NOT_FOUND, SOCIAL_MSG(r, "block.msg_no_such_comment"), NULL);
        }
    }
    if (!social_identity_same_origin(r)) {
        return social_request_form_error(r, HTTP_FORBIDDEN, SOCIAL_MSG(r, "block.msg_the_form_was_sent_from_another"), NULL);
    }
    form = social_request_form_body(r, &code);
    if (form == NULL) {
        return social_request_form_error(r, code, code == HTTP_REQUEST_ENTITY_TOO_LARGE
                          ? SOCIAL_MSG(r, "block.msg_comment_far_too_long")
                          : SOCIAL_MSG(r, "block.msg_form_unreadable"), NULL);
    }
    memset(&o, 0, sizeof(o));
    token = apr_table_get(form, "token");
    action = apr_table_get(form, "action");
    social_request_form_keep(r, apr_table_get(form, "body"));
    if (id == 0) {
        const char *parent = apr_table_get(form, "parent");
        apr_int64_t parent_id = 0;
        const char *path = apr_table_get(form, "page");
        social_anchor anchor;
        social_position position;
        const char *why = form_anchor(form, &anchor);

        if (why != NULL) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "SOCIAL0903: comment form refused (anchor): %s", why);
            return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY, why, NULL);
        }
        if (parent != NULL && *parent != '\0'
            && (parent_id = social_request_id(parent, strlen(parent))) == 0) {
            return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY, SOCIAL_MSG(r, "block.msg_the_reply_names_no_comment"), NULL);
        }
        /* The token is checked against the page's identity rules, so
         * resolve the page first; nothing is stored before the check. */
        if (page_resolve(r, &o, path) != 0) {
            return social_result_send(r, &o.res, 1, NULL);
        }
        if (!social_identity_form_token_valid(r, &o.page.who, token)) {
            /* a banned person's page has no token to send: the ban says why */
            int refused = social_admin_refuse_banned(r, "/comments");
            return refused != DECLINED ? refused : social_request_form_error(r, HTTP_FORBIDDEN,
                              SOCIAL_MSG(r, "block.msg_the_form_has_expired_reload_the"), o.page.key);
        }
        if (!social_request_wants_fragment(r)
            && (why = mentions_unknown(r, &o, apr_table_get(form, "body"),
                                       apr_table_get(form, "mentions_checked"))) != NULL) {
            return mentions_confirm(r, &o, form, why);
        }
        /* A position is read as the document being discussed takes it. */
        why = social_position_parse_text(apr_table_get(form, "position"),
                                         social_request_page_kind(r, o.page.key, NULL),
                                         &position);
        if (why != NULL) {
            fail_position(&o, why);
            return social_result_send(r, &o.res, 1, o.page.key);
        }
        if (comment_create(r, &o, path, apr_table_get(form, "body"), parent_id, &anchor,
                           &position, NULL) != HTTP_CREATED) {
            int refused = refused_for_ban(r, &o, "/comments");
            if (refused != DECLINED) {
                return refused;
            }
            if (o.res.field != NULL) {
                ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                              "SOCIAL0904: comment form refused (field %s): %s",
                              o.res.field, o.res.message);
            }
            return social_result_send(r, &o.res, 1, o.page.key);
        }
        return form_done(r, &o, o.comment.id);
    }
    {
        action_kind kind;
        int replies;

        if (action == NULL) {
            return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY, SOCIAL_MSG(r, "block.msg_the_form_names_no_action"), NULL);
        }
        if (strcmp(action, "like") == 0) kind = ACT_LIKE;
        else if (strcmp(action, "unlike") == 0) kind = ACT_UNLIKE;
        else if (strcmp(action, "edit") == 0) kind = ACT_EDIT;
        else if (strcmp(action, "delete") == 0) kind = ACT_DELETE;
        else if (strcmp(action, "hide") == 0) kind = ACT_HIDE;
        else if (strcmp(action, "unhide") == 0) kind = ACT_UNHIDE;
        else if (strcmp(action, "report") == 0) kind = ACT_REPORT;
        else {
            return social_request_form_error(r, HTTP_UNPROCESSABLE_ENTITY, SOCIAL_MSG(r, "block.msg_unknown_action"), NULL);
        }
        if (comment_load(r, &o, id, &replies) != 0) {
            return social_result_send(r, &o.res, 1, NULL);
        }
        o.reason = apr_table_get(form, "reason");
        if (!social_identity_form_token_valid(r, &o.page.who, token)) {
            return social_request_form_error(r, HTTP_FORBIDDEN,
                              SOCIAL_MSG(r, "block.msg_the_form_has_expired_reload_the"), o.page.key);
        }
        if (kind == ACT_DELETE && !social_request_wants_fragment(r)
            && strcmp(apr_table_get(form, "confirmed") ? apr_table_get(form, "confirmed") : "",
                      "1") != 0) {
            return delete_confirm(r, &o, replies);
        }
        if (comment_act(r, &o, id, kind, apr_table_get(form, kind == ACT_REPORT ? "reason"
                                                                                 : "body"))
            != HTTP_OK) {
            return social_result_send(r, &o.res, 1, o.page.key);
        }
        return form_done(r, &o, kind == ACT_DELETE ? 0 : id);
    }
}
