/* admin.c: the moderation console at {base}/admin.
 *
 * For SocialModerator only (as the endpoint's own configuration decides):
 * the queue of recent comments with bulk hide/unhide/delete/approve/
 * reject, locked discussions, polls, read-only bans and the audit log
 * (GET {base}/admin); engagement figures (GET {base}/admin/dashboard);
 * exports as CSV or JSON (GET {base}/admin/export). Every change is a
 * form post with the form token and a same-origin check, and lands in
 * the audit log in the same transaction as the change itself.
 */
#include "admin.h"

#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>
#include <jansson.h>

#include "config.h"
#include "fragcache.h"
#include "identity.h"
#include "pagetitle.h"
#include "render.h"
#include "report.h"
#include "request.h"
#include "store.h"
#include "text.h"

APLOG_USE_MODULE(social);

/* Comments per page of the queue, entries per page of the audit log. */
#define ADMIN_QUEUE_PAGE 50
#define ADMIN_AUDIT_PAGE 50
/* At most this many comments in one bulk action. */
#define ADMIN_BULK_MAX 200
/* Longest reason, in bytes. */
#define ADMIN_REASON_MAX 1000
/* Longest period of the dashboard and exports, in days. */
#define ADMIN_PERIOD_MAX_DAYS 366
#define DAY_SECONDS 86400

typedef struct {
    request_rec *r;
    social_identity who;
    apr_array_header_t *vars;     /* name, value pairs for the template */
} console;

/* ---- template data ---- */

static void put(console *c, const char *name, const char *value)
{
    APR_ARRAY_PUSH(c->vars, const char *) = name;
    APR_ARRAY_PUSH(c->vars, const char *) = value ? value : "";
}

static void put_int(console *c, const char *name, apr_int64_t value)
{
    put(c, name, apr_psprintf(c->r->pool, "%" APR_INT64_T_FMT, value));
}

static void put_at(console *c, const char *prefix, int k, const char *field,
                   const char *value)
{
    put(c, apr_psprintf(c->r->pool, "%s.%d.%s", prefix, k, field), value);
}

static void console_fill(social_render_data *data, void *ctx)
{
    console *c = ctx;
    int k;

    for (k = 0; k + 1 < c->vars->nelts; k += 2) {
        social_render_set(data, APR_ARRAY_IDX(c->vars, k, const char *),
                          APR_ARRAY_IDX(c->vars, k + 1, const char *));
    }
}

/* Renders templates/admin.cs with the console's data as the response. */
static int console_send(console *c, int status)
{
    request_rec *r = c->r;
    const char *error = NULL;
    apr_size_t len = 0;
    char *html;

    put(c, "Social.endpoint", social_config_srv(r->server)->endpoint);
    put(c, "Social.version", SOCIAL_VERSION);
    put(c, "Admin.user", c->who.user);
    put(c, "Admin.name", c->who.name);
    html = social_render_template_lang(r->pool, social_config_srv(r->server)->template_dir,
                                       "admin.cs", social_request_lang(r), console_fill, c,
                                       &len, &error);
    if (html == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL1103: rendering admin.cs failed: %s (check SocialTemplateDir)",
                      error);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    html = social_text_ascii_refs(r->pool, html, len);
    r->status = status;
    social_request_lang_headers(r);
    /* Stricter than the rest of the endpoint: never framed, whatever
     * SocialFrameAncestors allows (replaces social_request_protect's). */
    apr_table_setn(r->err_headers_out, "X-Frame-Options", "DENY");
    apr_table_setn(r->err_headers_out, "Content-Security-Policy",
                   "default-src 'self'; style-src 'self'; script-src 'none'; "
                   "frame-ancestors 'none'");
    return social_request_html_send(r, html, strlen(html));
}

/* A refusal or a failure: the console's error view with the status. */
static int console_error(console *c, int status, const char *message)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, c->r,
                  "SOCIAL1102: console request %s %s by %s refused with %d: %s",
                  c->r->method, c->r->uri, c->who.user ? c->who.user : "(anonymous)",
                  status, message);
    c->vars->nelts = 0;
    put(c, "Admin.view", "error");
    put_int(c, "Admin.status", status);
    put(c, "Admin.message", message);
    if (status == HTTP_SERVICE_UNAVAILABLE) {
        social_request_retry_after(c->r);
    }
    return console_send(c, status);
}

static int console_store_error(console *c, social_store_status st)
{
    social_result res;

    if (st == SOCIAL_STORE_NOT_FOUND) {
        return console_error(c, HTTP_NOT_FOUND, SOCIAL_MSG(c->r, "console.err_no_item"));
    }
    social_result_store(c->r, &res, st);
    return console_error(c, res.status, res.message);
}

/* "2026-12-31 18:00 UTC" and "2026-12-31": cut from the ISO form. */
static const char *time_text(apr_pool_t *p, apr_time_t t)
{
    const char *iso = social_text_time_iso(p, t);   /* 2026-12-31T18:00:00Z */
    return apr_pstrcat(p, apr_pstrmemdup(p, iso, 10), " ", apr_pstrmemdup(p, iso + 11, 5),
                       " UTC", NULL);
}

static const char *date_text(apr_pool_t *p, apr_time_t t)
{
    return apr_pstrmemdup(p, social_text_time_iso(p, t), 10);
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (UTC) -> Unix seconds; -1 if not. */
static apr_int64_t time_parse(const char *s)
{
    apr_time_exp_t tm;
    apr_time_t t;
    size_t len = s ? strlen(s) : 0;
    size_t k;

    if (len != 10 && len != 16) {
        return -1;
    }
    for (k = 0; k < len; k++) {
        int digit = apr_isdigit(s[k]);
        if ((k == 4 || k == 7) ? s[k] != '-' : k == 10 ? (s[k] != 'T' && s[k] != ' ')
            : k == 13 ? s[k] != ':' : !digit) {
            return -1;
        }
    }
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = atoi(s) - 1900;
    tm.tm_mon = atoi(s + 5) - 1;
    tm.tm_mday = atoi(s + 8);
    if (len == 16) {
        tm.tm_hour = atoi(s + 11);
        tm.tm_min = atoi(s + 14);
    }
    if (tm.tm_year < 70 || tm.tm_year > 1100 || tm.tm_mon < 0 || tm.tm_mon > 11
        || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59
        || apr_time_exp_gmt_get(&t, &tm) != APR_SUCCESS) {
        return -1;
    }
    {
        /* 2026-02-31 is not a date: it must come back as written. */
        apr_time_exp_t back;
        apr_time_exp_gmt(&back, t);
        if (back.tm_mday != tm.tm_mday || back.tm_mon != tm.tm_mon) {
            return -1;
        }
    }
    return apr_time_sec(t);
}

/* The period of from= and to= (dates, to inclusive) as [from, to) in
 * Unix seconds; by default the last 30 days. 0, or -1 with *message. */
static int period_parse(request_rec *r, apr_int64_t *from, apr_int64_t *to,
                        const char **message)
{
    const char *fq = social_request_query_value(r, "from");
    const char *tq = social_request_query_value(r, "to");
    apr_int64_t today = apr_time_sec(apr_time_now()) / DAY_SECONDS * DAY_SECONDS;

    *to = tq && *tq ? time_parse(tq) : today;
    if (*to < 0 || (tq && *tq && strlen(tq) != 10)) {
        *message = "to must be a date such as 2026-01-31";
        return -1;
    }
    *from = fq && *fq ? time_parse(fq) : *to - 29 * DAY_SECONDS;
    if (*from < 0 || (fq && *fq && strlen(fq) != 10)) {
        *message = "from must be a date such as 2026-01-01";
        return -1;
    }
    *to += DAY_SECONDS;
    if (*from >= *to) {
        *message = "from must not be after to";
        return -1;
    }
    if ((*to - *from) / DAY_SECONDS > ADMIN_PERIOD_MAX_DAYS) {
        *message = "a period may span at most 366 days";
        return -1;
    }
    return 0;
}

/* ---- GET {base}/admin: queue, locks, polls, bans, audit log ---- */

static const char *done_message(request_rec *r)
{
    const char *done = social_request_query_value(r, "done");
    const char *n = social_request_query_value(r, "n");
    int count = n ? atoi(n) : 0;
    static const struct { const char *code; const char *key; } known[] = {
        { "hide", "console.done_hidden" }, { "unhide", "console.done_shown" },
        { "delete", "console.done_deleted" }, { "approve", "console.done_approved" },
        { "reject", "console.done_rejected" },
        { "lock", "console.done_locked" }, { "unlock", "console.done_unlocked" },
        { "close", "console.done_poll_closed" }, { "reopen", "console.done_poll_reopened" },
        { "ban", "console.done_banned" }, { "unban", "console.done_unbanned" },
    };
    size_t k;

    if (done == NULL) {
        return NULL;
    }
    for (k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
        if (strcmp(done, known[k].code) == 0) {
            /* the first five count comments; the rest say one thing */
            return social_i18n_format(r->pool, social_request_lang(r), known[k].key,
                                      k < 5 ? (count < 0 ? 0 : count) : -1, NULL);
        }
    }
    return NULL;
}

static int queue_put(console *c, social_queue_filter *f)
{
    request_rec *r = c->r;
    apr_array_header_t *items;
    social_store_status st = social_store_queue(r, f, &items);
    int k;

    if (st != SOCIAL_STORE_OK) {
        return console_store_error(c, st);
    }
    for (k = 0; k < items->nelts && k < ADMIN_QUEUE_PAGE; k++) {
        const social_comment *cm = &APR_ARRAY_IDX(items, k, social_comment);
        put_at(c, "Queue", k, "id", apr_psprintf(r->pool, "%" APR_INT64_T_FMT, cm->id));
        put_at(c, "Queue", k, "page", cm->page);
        put_at(c, "Queue", k, "page_title", cm->page_title);
        put_at(c, "Queue", k, "author", cm->author);
        put_at(c, "Queue", k, "name", cm->author_name);
        put_at(c, "Queue", k, "status", social_comment_status_name(cm->status));
        put_at(c, "Queue", k, "created", time_text(r->pool, cm->created));
        put_at(c, "Queue", k, "body", cm->body);
        if (cm->removed != NULL) {
            put_at(c, "Queue", k, "removed", cm->removed);
        }
        put_at(c, "Queue", k, "likes", apr_itoa(r->pool, cm->likes));
        if (cm->reports > 0) {
            put_at(c, "Queue", k, "reports", apr_itoa(r->pool, cm->reports));
            put_at(c, "Queue", k, "report_reasons", cm->report_reasons);
        }
        put_at(c, "Queue", k, "parent", cm->parent
               ? apr_psprintf(r->pool, "%" APR_INT64_T_FMT, cm->parent) : "");
    }
    if (items->nelts > ADMIN_QUEUE_PAGE) {
        put_int(c, "Admin.queue_next",
                APR_ARRAY_IDX(items, ADMIN_QUEUE_PAGE - 1, social_comment).id);
    }
    return DECLINED;   /* go on */
}

static int others_put(console *c, apr_int64_t audit_before)
{
    request_rec *r = c->r;
    apr_array_header_t *locked, *polls, *bans, *audit;
    social_store_status st;
    int k;

    if ((st = social_store_locked_pages(r, &locked)) != SOCIAL_STORE_OK
        || (st = social_store_polls_recent(r, &polls)) != SOCIAL_STORE_OK
        || (st = social_store_bans_list(r, &bans)) != SOCIAL_STORE_OK
        || (st = social_store_audit_list(r, audit_before, ADMIN_AUDIT_PAGE + 1, &audit))
           != SOCIAL_STORE_OK) {
        return console_store_error(c, st);
    }
    for (k = 0; k < locked->nelts; k++) {
        const social_lock *l = &APR_ARRAY_IDX(locked, k, social_lock);
        put_at(c, "Locked", k, "page", l->page);
        put_at(c, "Locked", k, "page_title", l->title);
        put_at(c, "Locked", k, "reason", l->reason);
        put_at(c, "Locked", k, "by", l->by);
        if (l->when > 0) {
            put_at(c, "Locked", k, "when", social_text_time_abs(
                r->pool, l->when, social_config_time_zone(social_config_dir(r))));
        }
    }
    for (k = 0; k < polls->nelts; k++) {
        const social_poll *p = &APR_ARRAY_IDX(polls, k, social_poll);
        put_at(c, "Polls", k, "id", apr_psprintf(r->pool, "%" APR_INT64_T_FMT, p->id));
        put_at(c, "Polls", k, "page", p->page);
        put_at(c, "Polls", k, "page_title", p->page_title);
        put_at(c, "Polls", k, "name", p->name);
        put_at(c, "Polls", k, "question", p->question);
        put_at(c, "Polls", k, "closed", p->closed ? "1" : "0");
        put_at(c, "Polls", k, "ballots", apr_itoa(r->pool, p->ballots));
    }
    for (k = 0; k < bans->nelts; k++) {
        const social_ban *b = &APR_ARRAY_IDX(bans, k, social_ban);
        put_at(c, "Bans", k, "user", b->user);
        put_at(c, "Bans", k, "reason", b->reason);
        put_at(c, "Bans", k, "expires", b->expires ? time_text(r->pool, b->expires) : "");
        put_at(c, "Bans", k, "by", b->banned_by);
        put_at(c, "Bans", k, "created", time_text(r->pool, b->created));
    }
    for (k = 0; k < audit->nelts && k < ADMIN_AUDIT_PAGE; k++) {
        const social_audit_entry *a = &APR_ARRAY_IDX(audit, k, social_audit_entry);
        put_at(c, "Audit", k, "id", apr_psprintf(r->pool, "%" APR_INT64_T_FMT, a->id));
        put_at(c, "Audit", k, "created", time_text(r->pool, a->created));
        put_at(c, "Audit", k, "actor", a->actor);
        put_at(c, "Audit", k, "action", a->action);
        put_at(c, "Audit", k, "target_kind", a->target_kind);
        put_at(c, "Audit", k, "target_id", a->target_id
               ? apr_psprintf(r->pool, "%" APR_INT64_T_FMT, a->target_id) : "");
        put_at(c, "Audit", k, "target", a->target);
        put_at(c, "Audit", k, "reason", a->reason);
    }
    if (audit->nelts > ADMIN_AUDIT_PAGE) {
        put_int(c, "Admin.audit_next",
                APR_ARRAY_IDX(audit, ADMIN_AUDIT_PAGE - 1, social_audit_entry).id);
    }
    return DECLINED;   /* go on */
}

static int route_console(console *c)
{
    request_rec *r = c->r;
    social_queue_filter f;
    const char *before = social_request_query_value(r, "before");
    const char *audit_before = social_request_query_value(r, "audit_before");
    apr_int64_t ab = 0;
    int status;

    if (r->method_number != M_GET) {
        apr_table_setn(r->headers_out, "Allow", "GET, HEAD");
        return console_error(c, HTTP_METHOD_NOT_ALLOWED, "the console page only takes GET");
    }
    memset(&f, 0, sizeof(f));
    f.page = social_request_query_value(r, "page");
    f.author = social_request_query_value(r, "person");
    f.status = social_request_query_value(r, "status");
    f.reported = social_request_query_value(r, "reported") != NULL
                 && *social_request_query_value(r, "reported") != '\0';
    f.limit = ADMIN_QUEUE_PAGE + 1;
    if (f.status && *f.status && strcmp(f.status, "visible") != 0
        && strcmp(f.status, "hidden") != 0 && strcmp(f.status, "deleted") != 0
        && strcmp(f.status, "pending") != 0) {
        return console_error(c, HTTP_BAD_REQUEST,
                             "status must be visible, hidden, deleted or pending");
    }
    if (f.page && *f.page) {
        /* Filter by the canonical key, as pages are stored. */
        const char *why = NULL;
        const char *key = social_text_page_key(r->pool, f.page, &why);
        if (key == NULL) {
            return console_error(c, HTTP_BAD_REQUEST, SOCIAL_MSG(c->r, "console.err_page_path"));
        }
        put(c, "Filter.page", f.page);
        f.page = key;
    }
    if ((before && *before && (f.before = social_request_id(before, strlen(before))) == 0)
        || (audit_before && *audit_before
            && (ab = social_request_id(audit_before, strlen(audit_before))) == 0)) {
        return console_error(c, HTTP_BAD_REQUEST, "before must be an id");
    }
    put(c, "Admin.view", "queue");
    put(c, "Admin.token", social_identity_form_token(r, &c->who));
    put(c, "Admin.done", done_message(r));
    put(c, "Filter.person", f.author);
    put(c, "Filter.status", f.status);
    put(c, "Filter.page_q", f.page ? social_text_percent_encode(r->pool, f.page) : "");
    put(c, "Filter.person_q", f.author ? social_text_percent_encode(r->pool, f.author) : "");
    put(c, "Filter.status_q", f.status ? social_text_percent_encode(r->pool, f.status) : "");
    put(c, "Filter.reported", f.reported ? "1" : "");
    if ((status = queue_put(c, &f)) != DECLINED || (status = others_put(c, ab)) != DECLINED) {
        return status;
    }
    return console_send(c, HTTP_OK);
}

/* ---- GET {base}/admin/dashboard ---- */

/* The day's series, in the order of the kinds store_stats.c numbers. */
#define SERIES 7
static const char *const series_names[SERIES] = {
    "Comments", "Likes", "Shares", "Poll ballots", "Ideas", "Idea votes", "Survey responses"
};
static const char *const series_keys[SERIES] = {
    "comments", "likes", "shares", "ballots", "ideas", "idea_votes", "responses"
};
static const char *const series_colors[SERIES] = {
    "#1d4ed8", "#be123c", "#047857", "#a16207", "#7c3aed", "#0e7490", "#4b5563"
};

static void ranks_put(console *c, const char *prefix, apr_array_header_t *ranks)
{
    int k;

    for (k = 0; k < ranks->nelts; k++) {
        const social_stat_rank *s = &APR_ARRAY_IDX(ranks, k, social_stat_rank);
        put_at(c, prefix, k, "name", s->name);
        put_at(c, prefix, k, "label", s->label);
        put_at(c, prefix, k, "comments", apr_itoa(c->r->pool, s->comments));
        put_at(c, prefix, k, "actions", apr_itoa(c->r->pool, s->actions));
    }
}

/* The chart's coordinates (report.c) and the same figures as a table. */
static void chart_put(console *c, apr_int64_t from, int ndays, apr_array_header_t *rows)
{
    request_rec *r = c->r;
    social_chart_frame frame = { 720, 260, 48, 40, 16, 36 };   /* room for the last date */
    long *values[SERIES], top = 0, max;
    apr_int64_t first_day = from / DAY_SECONDS;
    int k, s, totals[SERIES] = { 0 };

    for (s = 0; s < SERIES; s++) {
        values[s] = apr_pcalloc(r->pool, sizeof(long) * ndays);
    }
    for (k = 0; k < rows->nelts; k++) {
        const social_stat_day *d = &APR_ARRAY_IDX(rows, k, social_stat_day);
        apr_int64_t i = d->day - first_day;
        if (i >= 0 && i < ndays && d->kind >= 0 && d->kind < SERIES) {
            values[d->kind][i] += d->count;
        }
    }
    for (s = 0; s < SERIES; s++) {
        for (k = 0; k < ndays; k++) {
            top = values[s][k] > top ? values[s][k] : top;
            totals[s] += (int)values[s][k];
        }
    }
    max = social_report_nice_max(top);
    put_int(c, "Chart.width", frame.width);
    put_int(c, "Chart.height", frame.height);
    put_int(c, "Chart.left", frame.left);
    put_int(c, "Chart.right", frame.width - frame.right);
    put_int(c, "Chart.top", frame.top);
    put_int(c, "Chart.bottom", frame.height - frame.bottom);
    put_int(c, "Chart.label_y", frame.height - 12);
    put_int(c, "Chart.max", max);
    for (s = 0; s < SERIES; s++) {
        put_at(c, "Chart.series", s, "name", series_names[s]);
        put_at(c, "Chart.series", s, "key", series_keys[s]);
        put_at(c, "Chart.series", s, "color", series_colors[s]);
        put_at(c, "Chart.series", s, "total", apr_itoa(r->pool, totals[s]));
        put_at(c, "Chart.series", s, "points",
               social_report_polyline(r->pool, &frame, values[s], ndays, max));
    }
    {
        long ticks[3] = { 0, max / 2, max };
        int n = 0;
        for (k = 0; k < 3; k++) {
            if (k == 1 && (max % 2 != 0 || max < 2)) {
                continue;
            }
            put_at(c, "Chart.yticks", n, "label", apr_ltoa(r->pool, ticks[k]));
            put_at(c, "Chart.yticks", n, "y", apr_psprintf(r->pool, "%.1f",
                   social_report_chart_y(&frame, max, ticks[k])));
            n++;
        }
    }
    {
        int marks[3] = { 0, (ndays - 1) / 2, ndays - 1 };
        int n = 0;
        for (k = 0; k < 3; k++) {
            if ((k == 1 && (marks[1] == 0 || marks[1] == ndays - 1))
                || (k == 2 && ndays == 1)) {
                continue;
            }
            put_at(c, "Chart.xticks", n, "label", date_text(r->pool,
                   apr_time_from_sec((first_day + marks[k]) * DAY_SECONDS)));
            put_at(c, "Chart.xticks", n, "x", apr_psprintf(r->pool, "%.1f",
                   social_report_chart_x(&frame, ndays, marks[k])));
            n++;
        }
    }
    for (k = 0; k < ndays; k++) {
        long total = 0;
        put_at(c, "Days", k, "date", date_text(r->pool,
               apr_time_from_sec((first_day + k) * DAY_SECONDS)));
        for (s = 0; s < SERIES; s++) {
            put_at(c, "Days", k, series_keys[s], apr_ltoa(r->pool, values[s][k]));
            put_at(c, apr_psprintf(r->pool, "Days.%d.values", k), s, "n",
                   apr_ltoa(r->pool, values[s][k]));
            total += values[s][k];
        }
        put_at(c, "Days", k, "total", apr_ltoa(r->pool, total));
    }
}

static int route_dashboard(console *c)
{
    request_rec *r = c->r;
    apr_int64_t from, to;
    const char *message = NULL;
    apr_array_header_t *days, *pages, *people, *sections;
    social_store_status st;

    if (r->method_number != M_GET) {
        apr_table_setn(r->headers_out, "Allow", "GET, HEAD");
        return console_error(c, HTTP_METHOD_NOT_ALLOWED, "the dashboard only takes GET");
    }
    if (period_parse(r, &from, &to, &message) != 0) {
        return console_error(c, HTTP_BAD_REQUEST, message);
    }
    if ((st = social_store_stats_daily(r, from, to, &days)) != SOCIAL_STORE_OK
        || (st = social_store_stats_rank(r, SOCIAL_RANK_PAGES, from, to, &pages))
           != SOCIAL_STORE_OK
        || (st = social_store_stats_rank(r, SOCIAL_RANK_PEOPLE, from, to, &people))
           != SOCIAL_STORE_OK
        || (st = social_store_stats_rank(r, SOCIAL_RANK_SECTIONS, from, to, &sections))
           != SOCIAL_STORE_OK) {
        return console_store_error(c, st);
    }
    put(c, "Admin.view", "dashboard");
    put(c, "Period.from", date_text(r->pool, apr_time_from_sec(from)));
    put(c, "Period.to", date_text(r->pool, apr_time_from_sec(to - DAY_SECONDS)));
    chart_put(c, from, (int)((to - from) / DAY_SECONDS), days);
    ranks_put(c, "Top.pages", pages);
    ranks_put(c, "Top.people", people);
    ranks_put(c, "Top.sections", sections);
    return console_send(c, HTTP_OK);
}

/* ---- GET {base}/admin/export ---- */

static const char *const export_names[] = { "comments", "likes", "shares", "polls", "audit",
                                            "ideas" };

static apr_status_t json_write(const char *buffer, size_t size, void *data)
{
    request_rec *r = data;
    return ap_rwrite(buffer, (int)size, r) < 0 ? -1 : 0;
}

static int route_export(console *c)
{
    request_rec *r = c->r;
    const char *what = social_request_query_value(r, "what");
    const char *format = social_request_query_value(r, "format");
    const char *message = NULL, *filename;
    apr_int64_t from, to;
    social_export_table table;
    social_store_status st;
    int kind = -1, json, k;

    if (r->method_number != M_GET) {
        apr_table_setn(r->headers_out, "Allow", "GET, HEAD");
        return console_error(c, HTTP_METHOD_NOT_ALLOWED, "exports only take GET");
    }
    for (k = 0; what && k < (int)(sizeof(export_names) / sizeof(export_names[0])); k++) {
        if (strcmp(what, export_names[k]) == 0) {
            kind = k;
        }
    }
    if (kind < 0) {
        return console_error(c, HTTP_BAD_REQUEST,
                             "what must be comments, likes, shares, polls or audit");
    }
    if (format == NULL || (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)) {
        return console_error(c, HTTP_BAD_REQUEST, "format must be csv or json");
    }
    json = strcmp(format, "json") == 0;
    if (period_parse(r, &from, &to, &message) != 0) {
        return console_error(c, HTTP_BAD_REQUEST, message);
    }
    st = social_store_export(r, (social_export_kind)kind, from, to, &table);
    if (st != SOCIAL_STORE_OK) {
        return console_store_error(c, st);
    }
    if (table.truncated) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "SOCIAL1104: export of %s cut at %d rows; choose a shorter period",
                      what, SOCIAL_EXPORT_MAX_ROWS);
        apr_table_setn(r->headers_out, "X-Social-Truncated", "1");
    }
    filename = apr_psprintf(r->pool, "social-%s-%s-%s.%s", what,
                            date_text(r->pool, apr_time_from_sec(from)),
                            date_text(r->pool, apr_time_from_sec(to - DAY_SECONDS)), format);
    apr_table_setn(r->headers_out, "Content-Disposition",
                   apr_psprintf(r->pool, "attachment; filename=\"%s\"", filename));
    apr_table_setn(r->headers_out, "Cache-Control", "private, no-store");
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL1105: %s exported %d rows of %s as %s", c->who.user,
                  table.rows->nelts, what, format);
    if (json) {
        json_t *rows = json_array();
        json_t *body = social_request_json_pool(r, json_pack("{s:s,s:s,s:s,s:i,s:b,s:o}",
            "kind", what, "from", date_text(r->pool, apr_time_from_sec(from)),
            "to", date_text(r->pool, apr_time_from_sec(to - DAY_SECONDS)),
            "count", table.rows->nelts, "truncated", table.truncated, "rows", rows));
        int row;

        if (body == NULL) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        for (row = 0; row < table.rows->nelts; row++) {
            const char **cells = APR_ARRAY_IDX(table.rows, row, const char **);
            json_t *o = json_object();
            for (k = 0; k < table.ncols; k++) {
                json_object_set_new(o, table.names[k], table.numeric[k] == 'n'
                                    ? json_integer(apr_atoi64(cells[k]))
                                    : json_string(cells[k]));
            }
            json_array_append_new(rows, o);
        }
        ap_set_content_type(r, "application/json; charset=utf-8");
        if (!r->header_only) {
            json_dump_callback(body, json_write, r, JSON_INDENT(1) | JSON_ENSURE_ASCII);
            ap_rputs("\n", r);
        }
        return OK;
    }
    ap_set_content_type(r, "text/csv; charset=utf-8; header=present");
    if (!r->header_only) {
        ap_rputs(social_report_csv_row(r->pool, table.names, table.ncols), r);
        for (k = 0; k < table.rows->nelts; k++) {
            ap_rputs(social_report_csv_row(r->pool,
                     APR_ARRAY_IDX(table.rows, k, const char *const *), table.ncols), r);
        }
    }
    return OK;
}

/* ---- form posts ---- */

/* Method, origin, body and token of a console form: DECLINED (go on)
 * and *form, or the handler's result (the answer is sent). */
static int form_read(console *c, apr_table_t **form)
{
    request_rec *r = c->r;
    int code = 0;

    if (r->method_number != M_POST) {
        apr_table_setn(r->headers_out, "Allow", "POST");
        return console_error(c, HTTP_METHOD_NOT_ALLOWED, "this address only takes form posts");
    }
    if (!social_identity_same_origin(r)) {
        return console_error(c, HTTP_FORBIDDEN, SOCIAL_MSG(c->r, "console.err_other_site"));
    }
    *form = social_request_form_body(r, &code);
    if (*form == NULL) {
        return console_error(c, code, SOCIAL_MSG(c->r, "console.err_form_unreadable"));
    }
    if (!social_identity_form_token_valid(r, &c->who, apr_table_get(*form, "token"))) {
        return console_error(c, HTTP_FORBIDDEN,
                             SOCIAL_MSG(c->r, "console.err_expired"));
    }
    return DECLINED;
}

/* The reason field: optional unless required, at most 1000 bytes of
 * UTF-8. DECLINED (go on), or the handler's result. */
static int reason_read(console *c, apr_table_t *form, int required,
                       social_audit_entry *audit)
{
    const char *reason = apr_table_get(form, "reason");
    size_t len = reason ? strlen(reason) : 0;

    if (len > ADMIN_REASON_MAX || (len > 0 && !social_text_utf8_valid(reason, len))) {
        return console_error(c, HTTP_UNPROCESSABLE_ENTITY,
                             SOCIAL_MSG(c->r, "console.err_reason_long"));
    }
    if (required && len == 0) {
        return console_error(c, HTTP_UNPROCESSABLE_ENTITY,
                             SOCIAL_MSG(c->r, "console.err_give_reason"));
    }
    audit->actor = c->who.user;
    audit->reason = reason ? reason : "";
    return DECLINED;
}

/* A console form that does one of two things to one item (lock|unlock,
 * close|reopen, ban|unban): the form, the audit entry for the item kind
 * (with its reason, required for the first action if first_needs_reason)
 * and the action. */
typedef struct {
    apr_table_t *form;
    social_audit_entry audit;
    const char *action;
    int first;                  /* the action is the first of the two */
} action_form;

/* DECLINED (go on) with *f, or the handler's result. */
static int action_form_read(console *c, const char *first, const char *second,
                            int first_needs_reason, const char *kind, action_form *f)
{
    int status;

    memset(f, 0, sizeof(*f));
    if ((status = form_read(c, &f->form)) != DECLINED) {
        return status;
    }
    f->action = apr_table_get(f->form, "action");
    if (f->action != NULL && strcmp(f->action, first) != 0 && strcmp(f->action, second) != 0) {
        f->action = NULL;
    }
    f->first = f->action != NULL && strcmp(f->action, first) == 0;
    if ((status = reason_read(c, f->form, first_needs_reason && f->first, &f->audit))
        != DECLINED) {
        return status;
    }
    if (f->action == NULL) {
        return console_error(c, HTTP_UNPROCESSABLE_ENTITY,
                             apr_psprintf(c->r->pool, "action must be %s or %s", first, second));
    }
    f->audit.action = f->action;
    f->audit.target_kind = kind;
    return DECLINED;
}

static int done(console *c, const char *action, int n)
{
    request_rec *r = c->r;

    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "SOCIAL1106: moderator %s: %s (%d)",
                  c->who.user, action, n);
    apr_table_setn(r->headers_out, "Location",
                   apr_psprintf(r->pool, "%s/admin?done=%s&n=%d",
                                social_config_srv(r->server)->endpoint, action, n));
    return HTTP_SEE_OTHER;
}

typedef struct {
    apr_array_header_t *ids;
    int invalid;
} id_list;

static int id_collect(void *data, const char *key, const char *value)
{
    id_list *l = data;
    apr_int64_t id = social_request_id(value, strlen(value));

    (void)key;
    if (id == 0) {
        l->invalid = 1;
        return 0;
    }
    APR_ARRAY_PUSH(l->ids, apr_int64_t) = id;
    return l->ids->nelts <= ADMIN_BULK_MAX;
}

/* POST {base}/admin/comments: id=N (repeated), action, reason. */
static int route_comments(console *c)
{
    static const struct {
        const char *action;
        social_comment_status status;
    } actions[] = {
        { "hide", SOCIAL_COMMENT_HIDDEN }, { "unhide", SOCIAL_COMMENT_VISIBLE },
        { "delete", SOCIAL_COMMENT_DELETED }, { "approve", SOCIAL_COMMENT_VISIBLE },
        { "reject", SOCIAL_COMMENT_DELETED },
    };
    apr_table_t *form = NULL;
    social_audit_entry audit;
    id_list l;
    apr_hash_t *pages = NULL;
    apr_hash_index_t *hi;
    const char *action;
    int status, k, found = -1;
    social_store_status st;

    if ((status = form_read(c, &form)) != DECLINED) {
        return status;
    }
    memset(&audit, 0, sizeof(audit));
    if ((status = reason_read(c, form, 0, &audit)) != DECLINED) {
        return status;
    }
    action = apr_table_get(form, "action");
    for (k = 0; action && k < (int)(sizeof(actions) / sizeof(actions[0])); k++) {
        if (strcmp(action, actions[k].action) == 0) {
            found = k;
        }
    }
    if (found < 0) {
        return console_error(c, HTTP_UNPROCESSABLE_ENTITY,
                             "action must be hide, unhide, delete, approve or reject");
    }
    l.ids = apr_array_make(c->r->pool, 16, sizeof(apr_int64_t));
    l.invalid = 0;
    apr_table_do(id_collect, &l, form, "id", NULL);
    if (l.invalid || l.ids->nelts == 0 || l.ids->nelts > ADMIN_BULK_MAX) {
        return console_error(c, HTTP_UNPROCESSABLE_ENTITY,
                             SOCIAL_MSG(c->r, "console.err_choose_comments"));
    }
    audit.action = actions[found].action;
    audit.target_kind = "comment";
    st = social_store_comments_moderate(c->r, (const apr_int64_t *)l.ids->elts, l.ids->nelts,
                                        actions[found].status, &audit, &pages);
    if (st != SOCIAL_STORE_OK) {
        return console_store_error(c, st);
    }
    /* Every page of the moderated comments changed for its readers. */
    for (hi = apr_hash_first(c->r->pool, pages); hi; hi = apr_hash_next(hi)) {
        social_fragcache_touch(c->r, apr_hash_this_key(hi));
    }
    return done(c, actions[found].action, l.ids->nelts);
}

/* POST {base}/admin/lock: page, action lock|unlock, reason. */
static int route_lock(console *c)
{
    action_form f;
    social_page pg;
    const char *message = NULL;
    apr_array_header_t *children;
    int status, k;
    social_store_status st;

    if ((status = action_form_read(c, "lock", "unlock", 0, "page", &f)) != DECLINED) {
        return status;
    }
    /* The page as the moderator may read it, with discussion there. */
    status = social_request_page(c->r, apr_table_get(f.form, "page"), &pg, &message);
    if (status != 0) {
        return console_error(c, status == HTTP_BAD_REQUEST ? HTTP_UNPROCESSABLE_ENTITY : status,
                             message ? message : "no such page");
    }
    st = social_store_page_lock(c->r, pg.key, f.first, &f.audit, &children);
    if (st != SOCIAL_STORE_OK) {
        return console_store_error(c, st);
    }
    social_fragcache_touch(c->r, pg.key);
    for (k = 0; k < children->nelts; k++) {
        social_fragcache_touch(c->r, APR_ARRAY_IDX(children, k, const char *));
    }
    social_pagetitle_note(c->r, pg.key);
    return done(c, f.action, 1);
}

/* POST {base}/admin/polls: poll (id), action close|reopen, reason. */
static int route_polls(console *c)
{
    action_form f;
    const char *poll;
    apr_int64_t id;
    int status;
    social_store_status st;

    if ((status = action_form_read(c, "close", "reopen", 0, "poll", &f)) != DECLINED) {
        return status;
    }
    poll = apr_table_get(f.form, "poll");
    id = poll ? social_request_id(poll, strlen(poll)) : 0;
    if (id == 0) {
        return console_error(c, HTTP_UNPROCESSABLE_ENTITY, "the form names no poll");
    }
    st = social_store_poll_moderate(c->r, id, f.first, &f.audit);
    if (st != SOCIAL_STORE_OK) {
        return console_store_error(c, st);
    }
    return done(c, f.action, 1);
}

/* POST {base}/admin/bans: user, action ban|unban, reason, expires
 * (optional: YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC). */
static int route_bans(console *c)
{
    action_form f;
    social_ban ban;
    const char *user, *expires;
    int status;
    social_store_status st;

    if ((status = action_form_read(c, "ban", "unban", 1, "person", &f)) != DECLINED) {
        return status;
    }
    user = apr_table_get(f.form, "user");
    if (user != NULL) {
        user = apr_pstrdup(c->r->pool, user);
        apr_collapse_spaces((char *)user, user);
    }
    if (user == NULL || *user == '\0' || strlen(user) > 255
        || !social_text_utf8_valid(user, strlen(user))) {
        return console_error(c, HTTP_UNPROCESSABLE_ENTITY,
                             SOCIAL_MSG(c->r, "console.err_name_person"));
    }
    memset(&ban, 0, sizeof(ban));
    expires = apr_table_get(f.form, "expires");
    if (f.first && expires && *expires) {
        apr_int64_t t = time_parse(expires);
        if (t < 0 || t <= apr_time_sec(apr_time_now())) {
            return console_error(c, HTTP_UNPROCESSABLE_ENTITY,
                                 SOCIAL_MSG(c->r, "console.err_ban_end"));
        }
        ban.expires = apr_time_from_sec(t);
    }
    ban.user = user;
    ban.reason = f.audit.reason;
    ban.banned_by = c->who.user;
    st = social_store_ban_set(c->r, user, f.first ? &ban : NULL, &f.audit);
    if (st != SOCIAL_STORE_OK) {
        return console_store_error(c, st);
    }
    /* The person's page views show the ban (or no longer do) at once:
     * what the cache keeps of viewers is left behind. */
    social_fragcache_notified(c->r);
    return done(c, f.action, 1);
}

/* The console's pages and forms, by what follows {base}/admin. */
static const struct {
    const char *path;
    int (*handle)(console *c);
} console_routes[] = {
    { "", route_console },
    { "/", route_console },
    { "/dashboard", route_dashboard },
    { "/export", route_export },
    { "/comments", route_comments },
    { "/lock", route_lock },
    { "/polls", route_polls },
    { "/bans", route_bans },
};

int social_admin_handle(request_rec *r, const char *rest)
{
    console c;
    size_t k;

    memset(&c, 0, sizeof(c));
    c.r = r;
    c.vars = apr_array_make(r->pool, 256, sizeof(const char *));
    social_identity_get(r, social_config_dir(r), &c.who);
    if (!c.who.moderator || c.who.user == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "SOCIAL1101: %s is not a moderator (SocialModerator): console refused",
                      c.who.user ? c.who.user : "an anonymous visitor");
        return console_error(&c, HTTP_FORBIDDEN,
                             SOCIAL_MSG(r, "console.err_moderators_only"));
    }
    for (k = 0; k < sizeof(console_routes) / sizeof(console_routes[0]); k++) {
        if (strcmp(rest, console_routes[k].path) == 0) {
            return console_routes[k].handle(&c);
        }
    }
    return console_error(&c, HTTP_NOT_FOUND, SOCIAL_MSG(r, "console.err_no_page"));
}

/* ---- bans ---- */

/* A banned person's answer: 403 with the ban's reason and end, as JSON
 * or as an HTML page; DECLINED for anyone else. */
static int refuse_banned(request_rec *r, int json)
{
    social_ban ban;
    const char *message;

    if (r->user == NULL) {
        return DECLINED;
    }
    /* A database that cannot say lets the route answer (it fails alike). */
    if (social_store_ban_get(r, r->user, &ban) != SOCIAL_STORE_OK) {
        return DECLINED;
    }
    message = ban.expires
        ? social_i18n_format(r->pool, social_request_lang(r), "console.banned", -1,
                             "reason", ban.reason, "ends", time_text(r->pool, ban.expires),
                             NULL)
        : social_i18n_format(r->pool, social_request_lang(r), "console.banned_forever", -1,
                             "reason", ban.reason, NULL);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "SOCIAL1107: write %s %s by banned %s refused", r->method, r->uri, r->user);
    if (json) {
        json_t *body = social_request_json_pool(r, json_pack("{s:{s:s,s:s,s:s,s:o}}",
            "error", "code", "banned", "message", message, "reason", ban.reason,
            "expires", ban.expires ? json_string(social_text_time_iso(r->pool, ban.expires))
                                   : json_null()));
        if (body == NULL) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        return social_request_json_send(r, HTTP_FORBIDDEN, body);
    }
    return social_request_form_error(r, HTTP_FORBIDDEN, message, NULL);
}

int social_admin_refuse_banned(request_rec *r, const char *rest)
{
    if (r->method_number == M_GET || r->method_number == M_OPTIONS
        || strncmp(rest, "/admin", 6) == 0) {
        return DECLINED;
    }
    return refuse_banned(r, strncmp(rest, "/api/", 5) == 0);
}

int social_admin_refuse_banned_page(request_rec *r)
{
    return refuse_banned(r, 0);
}
