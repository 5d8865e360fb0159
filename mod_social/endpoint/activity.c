/* activity.c: the activity stream ({base}/activity, {base}/activity.atom
 * and GET {base}/api/v1/activity).
 *
 * The store gives the site's recent comments, public shares, likes and
 * new polls in batches; every page an item is about is checked with the
 * same subrequest the rest of the module uses (social_request_page), so
 * the stream shows exactly what the viewer could read page by page. The
 * decision is cached per page for the request, and the work is bounded:
 * at most SOCIAL_ACTIVITY_ROUNDS batches and SOCIAL_ACTIVITY_CHECKS page
 * checks per answer; a page of results that stops at the bound still
 * gives the cursor to go on from.
 */
#include <string.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>

#include "activity.h"
#include "mention.h"
#include "notify.h"
#include "polls.h"
#include "render.h"
#include "request.h"
#include "store.h"
#include "text.h"
#include "tz.h"

APLOG_USE_MODULE(social);

/* Bounds on the work of one answer. */
#define SOCIAL_ACTIVITY_ROUNDS 5
#define SOCIAL_ACTIVITY_CHECKS 60
#define SOCIAL_ACTIVITY_LIMIT_MAX 100
#define SOCIAL_ACTIVITY_LIMIT_DEFAULT 20

/* A position in the stream: items strictly older come next. */
typedef struct {
    apr_time_t time;
    char kind;
    apr_int64_t id;
} stream_cursor;

typedef struct {
    const char *user;          /* filter: who did it, or NULL */
    const char *section;       /* filter: page-key prefix, or NULL */
    int limit;
    int has_cursor;
    stream_cursor cursor;
} stream_query;

typedef struct {
    apr_array_header_t *items; /* social_activity the viewer may see */
    int more;                  /* older items may exist */
    stream_cursor next;        /* where to go on from, if more */
} stream_result;

/* ---- reading the request ---- */

static const char *cursor_format(apr_pool_t *p, const stream_cursor *c)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT ".%06d-%c-%" APR_INT64_T_FMT,
                        (apr_int64_t)apr_time_sec(c->time), (int)apr_time_usec(c->time),
                        c->kind, c->id);
}

/* "SECONDS.MICROS-K-ID" as made by cursor_format; 0 or -1. */
static int cursor_parse(const char *s, stream_cursor *c)
{
    char *end;
    apr_int64_t sec, usec, id;

    if (!apr_isdigit(s[0])) {
        return -1;
    }
    sec = apr_strtoi64(s, &end, 10);
    if (*end != '.' || !apr_isdigit(end[1]) || sec < 0 || sec > 253402300799LL) {
        return -1;
    }
    usec = apr_strtoi64(end + 1, &end, 10);
    /* Always six digits, as cursor_format writes them: ".1" is no cursor
     * (it would mean one microsecond, not a tenth of a second). */
    if (end - strchr(s, '.') != 7 || end[0] != '-' || strchr("cslpviu", end[1]) == NULL || end[1] == '\0'
        || end[2] != '-' || usec < 0 || usec > 999999) {
        return -1;
    }
    c->kind = end[1];
    s = end + 3;
    id = social_request_id(s, strlen(s));
    if (id == 0) {
        return -1;
    }
    c->id = id;
    c->time = apr_time_from_sec(sec) + usec;
    return 0;
}

/* Fills q from the query string; returns NULL or what is wrong. */
static const char *query_read(request_rec *r, stream_query *q, int limit_default)
{
    const char *user = social_request_query_value(r, "user");
    const char *section = social_request_query_value(r, "section");
    const char *before = social_request_query_value(r, "before");
    const char *limit = social_request_query_value(r, "limit");
    const char *p;

    memset(q, 0, sizeof(*q));
    q->limit = limit_default;
    if (user != NULL && *user != '\0') {
        if (strlen(user) > 255 || !social_text_utf8_valid(user, strlen(user))) {
            return "user must be a user name";
        }
        q->user = user;
    }
    if (section != NULL && *section != '\0') {
        if (section[0] != '/' || strlen(section) > 1024) {
            return "section must be a path starting with /";
        }
        for (p = section; *p; p++) {
            if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
                return "section must be a path of visible ASCII characters";
            }
        }
        q->section = section;
    }
    if (before != NULL && *before != '\0') {
        if (cursor_parse(before, &q->cursor) != 0) {
            return "before must be a next_before value from an earlier answer";
        }
        q->has_cursor = 1;
    }
    if (limit != NULL) {
        apr_int64_t n = social_request_id(limit, strlen(limit));
        if (n < 1 || n > SOCIAL_ACTIVITY_LIMIT_MAX) {
            return "limit must be a number from 1 to 100";
        }
        q->limit = (int)n;
    }
    return NULL;
}

/* ---- collecting ---- */

/* Nonzero if a comes strictly after cursor c in stream order (time,
 * kind, id, all descending). */
static int after_cursor(const social_activity *a, const stream_cursor *c)
{
    if (a->created != c->time) {
        return a->created < c->time;
    }
    if (a->kind != c->kind) {
        return a->kind < c->kind;
    }
    return a->id < c->id;
}

static void cursor_of(const social_activity *a, stream_cursor *c)
{
    c->time = a->created;
    c->kind = a->kind;
    c->id = a->id;
}

/* May the viewer read page? Cached for the request in seen. */
static int page_readable(request_rec *r, apr_hash_t *seen, const char *page, int *checks)
{
    const int *known = apr_hash_get(seen, page, APR_HASH_KEY_STRING);
    int *allowed;
    social_page pg;
    const char *message = NULL;

    if (known != NULL) {
        return *known;
    }
    allowed = apr_palloc(r->pool, sizeof(*allowed));
    *allowed = social_request_page(r, page, &pg, &message) == 0;
    (*checks)++;
    apr_hash_set(seen, page, APR_HASH_KEY_STRING, allowed);
    return *allowed;
}

/* May the viewer see the ballot count of poll item a (its page readable)?
 * The poll's own results rule decides, as in the poll itself. */
static int ballots_shown(request_rec *r, const social_activity *a)
{
    social_page pg;
    social_poll poll;
    const char *message = NULL;

    if (social_request_page(r, a->page, &pg, &message) != 0
        || social_store_poll_get(r, a->id, pg.who.user, &poll) != SOCIAL_STORE_OK) {
        return 0;
    }
    return social_polls_results_shown(&poll, pg.who.moderator);
}

static social_store_status stream_collect(request_rec *r, const stream_query *q,
                                          stream_result *out)
{
    apr_hash_t *seen = apr_hash_make(r->pool);
    stream_cursor at = q->cursor;
    int has_at = q->has_cursor, rounds, checks = 0, k;

    out->items = apr_array_make(r->pool, q->limit, sizeof(social_activity));
    out->more = 0;
    for (rounds = 0; rounds < SOCIAL_ACTIVITY_ROUNDS; rounds++) {
        apr_array_header_t *batch;
        /* Clocks of web and database hosts differ a little: start ahead. */
        apr_time_t before = has_at ? at.time : apr_time_now() + apr_time_from_sec(86400);
        social_store_status st = social_store_activity(r, before, q->user, q->section, &batch);

        if (st != SOCIAL_STORE_OK) {
            return st;
        }
        for (k = 0; k < batch->nelts; k++) {
            const social_activity *a = &APR_ARRAY_IDX(batch, k, social_activity);
            if (has_at && !after_cursor(a, &at)) {
                continue;
            }
            if (checks >= SOCIAL_ACTIVITY_CHECKS
                && apr_hash_get(seen, a->page, APR_HASH_KEY_STRING) == NULL) {
                out->more = 1;   /* bounded: the client goes on from here */
                out->next = at;
                return SOCIAL_STORE_OK;
            }
            cursor_of(a, &at);
            has_at = 1;
            if (page_readable(r, seen, a->page, &checks)) {
                social_activity *kept = apr_array_push(out->items);
                *kept = *a;
                if (kept->kind == 'v' && !ballots_shown(r, kept)) {
                    kept->number = -1;   /* the poll's results are not shown yet */
                }
                if (out->items->nelts == q->limit) {
                    out->more = 1;
                    out->next = at;
                    return SOCIAL_STORE_OK;
                }
            }
        }
        if (batch->nelts < SOCIAL_ACTIVITY_BATCH) {
            return SOCIAL_STORE_OK;   /* the end of the stream */
        }
    }
    out->more = has_at;
    out->next = at;
    return SOCIAL_STORE_OK;
}

/* ---- describing an item ---- */

static const char *kind_name(char kind)
{
    switch (kind) {
    case 'c': return "comment";
    case 's': return "share";
    case 'p': return "like";
    case 'l': return "like";
    case 'i': return "idea";
    case 'u': return "idea_status";
    default: return "poll";
    }
}

/* The link to what an item is about, on its page (a document's: on its
 * discuss page). */
static const char *item_href(request_rec *r, const social_activity *a)
{
    const char *page;

    if (strchr(a->page, '#') != NULL) {
        return a->page;   /* an idea's own discussion: the idea on its board */
    }
    page = social_request_page_href(r, a->page);
    if (a->kind == 'c' || a->kind == 'l') {
        return apr_psprintf(r->pool, "%s#comment-%" APR_INT64_T_FMT, page, a->id);
    }
    if (a->kind == 'i' || a->kind == 'u') {
        return apr_psprintf(r->pool, "%s#idea-%" APR_INT64_T_FMT, page, a->id);
    }
    return apr_pstrcat(r->pool, page, "#social", NULL);
}

/* How an item names its page: the page's title if known, else its path. */
static const char *item_page_name(const social_activity *a)
{
    return a->page_title != NULL && a->page_title[0] != '\0' ? a->page_title : a->page;
}

/* The stream's short relative times in the request's language. */
static const char *time_say(void *ctx, social_time_style style, const char *unit,
                            apr_int64_t n)
{
    request_rec *r = ctx;

    if (style != SOCIAL_TIME_SHORT) {
        return NULL;
    }
    return social_i18n_format(r->pool, social_request_lang(r),
                              apr_pstrcat(r->pool, "stream.time_", unit, NULL), n, NULL);
}

const char *social_activity_time(request_rec *r, apr_time_t t)
{
    return social_text_time_relative_say(r->pool, t, apr_time_now(), SOCIAL_TIME_SHORT,
                                         time_say, r);
}

/* A board's status in the language l when it is one of the default
 * statuses (SOCIAL_IDEAS_DEFAULT_STATUSES); a page author's own as written. */
static const char *idea_status_words(const social_i18n_lang *l, const char *status)
{
    static const struct { const char *name; const char *key; } known[] = {
        { "new", "ideas.status_new" }, { "under review", "ideas.status_under_review" },
        { "planned", "ideas.status_planned" }, { "done", "ideas.status_done" },
        { "declined", "ideas.status_declined" },
    };
    size_t k;

    for (k = 0; status != NULL && k < sizeof(known) / sizeof(known[0]); k++) {
        if (strcmp(status, known[k].name) == 0) {
            return social_i18n_text(l, known[k].key);
        }
    }
    return status;
}

/* One line saying what happened, as plain text, in the language l. */
static const char *item_title(apr_pool_t *p, const social_i18n_lang *l,
                              const social_activity *a)
{
    const char *page = item_page_name(a);

    switch (a->kind) {
    case 'c':
        return social_i18n_format(p, l, a->number ? "stream.item_reply" : "stream.item_comment",
                                  -1, "actor", a->name, "page", page, NULL);
    case 's':
        return social_i18n_format(p, l, "stream.item_share", -1, "actor", a->name,
                                  "page", page, NULL);
    case 'p':
        return social_i18n_format(p, l, "stream.item_like_page", -1, "actor", a->name,
                                  "page", page, NULL);
    case 'l':
        return social_i18n_format(p, l, "stream.item_like_comment", -1, "actor", a->name,
                                  "subject", a->subject, "page", page, NULL);
    case 'i':
        return social_i18n_format(p, l, "stream.item_idea", -1, "actor", a->name,
                                  "page", page, "text", a->text, NULL);
    case 'u':
        return social_i18n_format(p, l, "stream.item_idea_status", -1, "actor", a->name,
                                  "text", a->text, "page", page,
                                  "status", idea_status_words(l, a->subject), NULL);
    default:
        if (a->number < 0) {
            return social_i18n_format(p, l, "stream.item_poll", -1, "page", page,
                                      "text", a->text, NULL);
        }
        return social_i18n_format(p, l, "stream.item_poll_votes", a->number, "page", page,
                                  "text", a->text, NULL);
    }
}

/* An absolute URL for path on this server (its configured base, never
 * the request's Host). */
static const char *absolute(request_rec *r, const char *path)
{
    return social_config_absolute_url(r->pool, r->server, path);
}

/* The query string of the current filters (for links), "" if none;
 * starts with sep ('?' or '&'). */
static const char *filter_query(apr_pool_t *p, const stream_query *q, char sep)
{
    const char *s = "";
    if (q->user) {
        s = apr_pstrcat(p, s, "&user=", social_text_percent_encode(p, q->user), NULL);
    }
    if (q->section) {
        s = apr_pstrcat(p, s, "&section=", social_text_percent_encode(p, q->section), NULL);
    }
    if (*s) {
        s = apr_pstrcat(p, apr_pstrmemdup(p, &sep, 1), s + 1, NULL);
    }
    return s;
}

/* ---- JSON ---- */

static json_t *item_json(request_rec *r, const social_activity *a)
{
    json_t *item = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s}",
        "kind", kind_name(a->kind), "id", (json_int_t)a->id, "page", a->page,
        "url", item_href(r, a), "title", item_title(r->pool, social_request_lang(r), a),
        "created", social_text_time_iso(r->pool, a->created),
        "cursor", cursor_format(r->pool, &(stream_cursor){ a->created, a->kind, a->id }));

    if (item == NULL) {
        return NULL;
    }
    json_object_set_new(item, "page_title", a->page_title != NULL && a->page_title[0] != '\0'
                        ? json_string(a->page_title) : json_null());
    if (a->kind != 'v') {
        json_object_set_new(item, "user", json_string(a->user));
        json_object_set_new(item, "name", json_string(a->name));
    }
    switch (a->kind) {
    case 'c':
        json_object_set_new(item, "text", json_string(a->text));
        json_object_set_new(item, "parent", a->number ? json_integer(a->number) : json_null());
        break;
    case 's':
        json_object_set_new(item, "note", json_string(a->text));
        break;
    case 'p':
        json_object_set_new(item, "target", json_string("page"));
        break;
    case 'l':
        json_object_set_new(item, "target", json_string("comment"));
        json_object_set_new(item, "comment", json_integer(a->id));
        json_object_set_new(item, "comment_author", json_string(a->subject));
        break;
    case 'i':
    case 'u':
        /* The title only, never the idea's text. */
        json_object_set_new(item, "idea", json_integer(a->id));
        json_object_set_new(item, "idea_title", json_string(a->text));
        if (a->kind == 'u') {
            json_object_set_new(item, "status", json_string(a->subject));
        }
        break;
    default:
        json_object_set_new(item, "question", json_string(a->text));
        json_object_set_new(item, "ballots",
                            a->number < 0 ? json_null() : json_integer(a->number));
        break;
    }
    return item;
}

/* GET api/v1/activity?user=&section=&before=&limit= */
int social_activity_api(request_rec *r)
{
    stream_query q;
    stream_result res;
    const char *why;
    social_store_status st;
    json_t *items, *body;
    int k;

    if ((why = query_read(r, &q, SOCIAL_ACTIVITY_LIMIT_DEFAULT)) != NULL) {
        return social_request_json_error(r, HTTP_BAD_REQUEST, "invalid_query", why);
    }
    st = stream_collect(r, &q, &res);
    if (st != SOCIAL_STORE_OK) {
        return social_request_store_error(r, st);
    }
    items = json_array();
    body = social_request_json_pool(r, json_pack("{s:o}", "items", items));
    if (body == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (k = 0; k < res.items->nelts; k++) {
        json_array_append_new(items, item_json(r, &APR_ARRAY_IDX(res.items, k, social_activity)));
    }
    json_object_set_new(body, "next_before", res.more
                        ? json_string(cursor_format(r->pool, &res.next)) : json_null());
    return social_request_json_send(r, HTTP_OK, body);
}

/* ---- Atom (RFC 4287) ---- */

/* Text for XML: the HTML escaping is also well-formed XML (control
 * characters XML 1.0 forbids become U+FFFD). */
static const char *xml_text(apr_pool_t *p, const char *s)
{
    return social_text_html_escape(p, s, strlen(s));
}

int social_activity_atom(request_rec *r)
{
    stream_query q;
    stream_result res;
    const char *why, *filters, *self, *html, *title;
    social_store_status st;
    apr_array_header_t *out;
    apr_pool_t *p = r->pool;
    const char *endpoint = social_config_srv(r->server)->endpoint;
    int k;

    if ((why = query_read(r, &q, 30)) != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "SOCIAL1001: activity feed refused: %s", why);
        return HTTP_BAD_REQUEST;
    }
    st = stream_collect(r, &q, &res);
    if (st != SOCIAL_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL1003: activity feed unavailable: the database could not be read");
        social_request_retry_after(r);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    filters = filter_query(p, &q, '?');
    self = absolute(r, apr_pstrcat(p, endpoint, "/activity.atom", filters, NULL));
    html = absolute(r, apr_pstrcat(p, endpoint, "/activity", filters, NULL));
    title = apr_pstrcat(p, SOCIAL_MSG(r, "stream.feed_title"),
                        q.user ? apr_pstrcat(p, " ", social_i18n_format(
                            p, social_request_lang(r), "stream.by_user", -1, "user", q.user,
                            NULL), NULL) : "",
                        q.section ? apr_pstrcat(p, " ", social_i18n_format(
                            p, social_request_lang(r), "stream.in_section", -1,
                            "section", q.section, NULL), NULL) : "", NULL);
    out = apr_array_make(p, 16 + 16 * res.items->nelts, sizeof(const char *));
#define OUT(s) (APR_ARRAY_PUSH(out, const char *) = (s))
    OUT("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
    OUT(xml_text(p, title));
    OUT("</title>\n<id>");
    OUT(xml_text(p, self));
    OUT("</id>\n<updated>");
    OUT(social_text_time_iso(p, res.items->nelts
                             ? APR_ARRAY_IDX(res.items, 0, social_activity).created
                             : apr_time_now()));
    OUT("</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    OUT(xml_text(p, self));
    OUT("\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    OUT(xml_text(p, html));
    OUT("\"/>\n<author><name>mod_social</name></author>\n"
        "<generator version=\"" SOCIAL_VERSION "\">mod_social</generator>\n");
    for (k = 0; k < res.items->nelts; k++) {
        const social_activity *a = &APR_ARRAY_IDX(res.items, k, social_activity);
        const char *link = absolute(r, item_href(r, a));
        const char *id = a->kind == 'c' || a->kind == 'v' || a->kind == 's' || a->kind == 'i'
            ? apr_psprintf(p, "%s?social-%s=%" APR_INT64_T_FMT, absolute(r, a->page),
                           kind_name(a->kind), a->id)
            : a->kind == 'u'
            ? apr_psprintf(p, "%s?social-idea-status=%" APR_INT64_T_FMT "&at=%" APR_TIME_T_FMT,
                           absolute(r, a->page), a->id, a->created)
            : apr_pstrcat(p, absolute(r, a->page), "?social-like=",
                          a->kind == 'l' ? apr_psprintf(p, "comment-%" APR_INT64_T_FMT, a->id)
                                         : "page",
                          "&by=", social_text_percent_encode(p, a->user), NULL);

        OUT("<entry>\n<title>");
        OUT(xml_text(p, item_title(p, social_request_lang(r), a)));
        OUT("</title>\n<id>");
        OUT(xml_text(p, id));
        OUT("</id>\n<updated>");
        OUT(social_text_time_iso(p, a->created));
        OUT("</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
        OUT(xml_text(p, link));
        OUT("\"/>\n");
        if (a->kind != 'v') {
            OUT("<author><name>");
            OUT(xml_text(p, a->name));
            OUT("</name></author>\n");
        }
        OUT("<category term=\"");
        OUT(kind_name(a->kind));
        OUT("\"/>\n");
        if (a->text[0] != '\0') {
            OUT("<summary type=\"text\">");
            OUT(xml_text(p, a->text));
            OUT("</summary>\n");
        }
        OUT("</entry>\n");
    }
    OUT("</feed>\n");
#undef OUT
    ap_set_content_type(r, "application/atom+xml; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "private, no-cache");
    if (!r->header_only) {
        ap_rputs(apr_array_pstrcat(p, out, '\0'), r);
    }
    return OK;
}

/* ---- the HTML page ---- */

typedef struct {
    request_rec *r;
    const stream_query *q;
    const stream_result *res;
    const social_identity *who;
    int unread;
} page_data;

static void page_fill(social_render_data *data, void *ctx)
{
    page_data *d = ctx;
    request_rec *r = d->r;
    apr_pool_t *p = r->pool;
    const char *endpoint = social_config_srv(r->server)->endpoint;
    const char *mention_base = apr_pstrcat(p, endpoint, "/activity", NULL);
    social_render_data *s = social_render_child(data, "Social");
    social_render_data *activity = social_render_child(data, "Activity");
    int k;

    social_render_set(s, "endpoint", endpoint);
    social_render_set(s, "version", SOCIAL_VERSION);
    /* the widget keeps the page's times fresh, on the admin's clock */
    social_render_set(s, "tz", social_tz_name(social_config_time_zone(social_config_dir(r))));
    social_render_set(s, "user", d->who->user);
    social_render_set(s, "name", d->who->name);
    social_render_set_int(s, "unread", d->unread);
    social_render_set(activity, "user", d->q->user);
    social_render_set(activity, "section", d->q->section);
    social_render_set(activity, "atom", apr_pstrcat(p, endpoint, "/activity.atom",
                                                    filter_query(p, d->q, '?'), NULL));
    if (d->res->more) {
        social_render_set(activity, "older", apr_pstrcat(p, endpoint, "/activity?before=",
            cursor_format(p, &d->res->next), filter_query(p, d->q, '&'),
            d->q->limit != SOCIAL_ACTIVITY_LIMIT_DEFAULT
            ? apr_psprintf(p, "&limit=%d", d->q->limit) : "", NULL));
    }
    for (k = 0; k < d->res->items->nelts; k++) {
        const social_activity *a = &APR_ARRAY_IDX(d->res->items, k, social_activity);
        social_render_data *item = social_render_child(activity, "items.%d", k);

        social_render_set(item, "kind", kind_name(a->kind));
        social_render_set(item, "code", apr_pstrmemdup(p, &a->kind, 1));
        social_render_set(item, "user", a->user);
        social_render_set(item, "user_q", social_text_percent_encode(p, a->user));
        social_render_set(item, "name", a->name);
        social_render_set(item, "page", a->page);
        social_render_set(item, "page_title", a->page_title);
        social_render_set(item, "href", item_href(r, a));
        social_render_set(item, "subject", a->subject);
        social_render_set(item, "reply", a->number && a->kind == 'c' ? "1" : "");
        if (a->number >= 0) {
            social_render_set_int(item, "ballots", a->number);
        }
        else {
            social_render_set(item, "ballots", "");
        }
        social_render_set(item, "text", a->text);
        if (a->kind == 'c') {
            social_render_set(item, "html", social_mention_link_html(p,
                 social_text_format_comment(p, a->text, strlen(a->text)), mention_base));
        }
        social_render_set(item, "created_iso", social_text_time_iso(p, a->created));
        social_render_set(item, "created_abs", social_text_time_abs(
            p, a->created, social_config_time_zone(social_config_dir(r))));
        social_render_set(item, "created_rel", social_activity_time(r, a->created));
    }
}

int social_activity_page(request_rec *r)
{
    stream_query q;
    stream_result res;
    social_identity who;
    const char *why;
    social_store_status st;
    page_data d;

    if ((why = query_read(r, &q, SOCIAL_ACTIVITY_LIMIT_DEFAULT)) != NULL) {
        return social_request_form_error(r, HTTP_BAD_REQUEST, why, NULL);
    }
    social_identity_get(r, social_config_dir(r), &who);
    st = stream_collect(r, &q, &res);
    if (st != SOCIAL_STORE_OK) {
        social_result fail;
        social_result_store(r, &fail, st);
        return social_result_send(r, &fail, 1, NULL);
    }
    memset(&d, 0, sizeof(d));
    d.r = r;
    d.q = &q;
    d.res = &res;
    d.who = &who;
    if (who.user != NULL) {
        social_request_unread(r, who.user, &d.unread);
    }
    return social_request_template_send(r, "activity.cs", page_fill, &d);
}
