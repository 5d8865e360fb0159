/* store_stats.c: engagement figures and exports for the console. */
#include "store_internal.h"

#include <apr_strings.h>
#include <string.h>

#include "text.h"

/* The page a like is about: the page itself or the comment's page. */
#define LIKE_PAGE_JOIN \
    "LEFT JOIN social_comments lc ON l.target_kind = 'comment' AND lc.id = l.target_id " \
    "JOIN social_pages p ON p.id = IF(l.target_kind = 'page', l.target_id, lc.page_id)"

/* Every action of a period on one site, as (kind, who, path, at): kind
 * 0 comment, 1 like, 2 share, 3 ballot, 4 idea, 5 vote for an idea,
 * 6 survey response. Parameters: :site, :from and :to (Unix seconds);
 * each part uses its created_at key. A survey response is known by its
 * day only and counts for nobody by name (who is empty: the people
 * ranking leaves it out), whether the survey is anonymous or not. */
#define STATS_PERIOD(col) \
    " >= FROM_UNIXTIME(:from) AND " col " < FROM_UNIXTIME(:to)"
#define STATS_EVENTS \
    "(SELECT 0 AS kind, c.author AS who, p.path AS path, c.created_at AS at " \
    "FROM social_comments c JOIN social_pages p ON p.id = c.page_id " \
    "WHERE p.site = :site AND c.created_at" STATS_PERIOD("c.created_at") \
    " UNION ALL SELECT 1, l.user, p.path, l.created_at FROM social_likes l " LIKE_PAGE_JOIN \
    " WHERE p.site = :site AND l.created_at" STATS_PERIOD("l.created_at") \
    " UNION ALL SELECT 2, s.user, p.path, s.created_at FROM social_shares s " \
    "JOIN social_pages p ON p.id = s.page_id " \
    "WHERE p.site = :site AND s.created_at" STATS_PERIOD("s.created_at") \
    " UNION ALL SELECT 3, b.user, p.path, b.created_at FROM social_poll_ballots b " \
    "JOIN social_polls po ON po.id = b.poll_id JOIN social_pages p ON p.id = po.page_id " \
    "WHERE p.site = :site AND b.created_at" STATS_PERIOD("b.created_at") \
    " UNION ALL SELECT 4, i.author, p.path, i.created_at FROM social_ideas i " \
    "JOIN social_idea_boards bo ON bo.id = i.board_id JOIN social_pages p ON p.id = bo.page_id " \
    "WHERE p.site = :site AND i.created_at" STATS_PERIOD("i.created_at") \
    " UNION ALL SELECT 5, v.user, p.path, v.created_at FROM social_idea_votes v " \
    "JOIN social_ideas i ON i.id = v.idea_id " \
    "JOIN social_idea_boards bo ON bo.id = i.board_id JOIN social_pages p ON p.id = bo.page_id " \
    "WHERE p.site = :site AND v.created_at" STATS_PERIOD("v.created_at") \
    " UNION ALL SELECT 6, '', p.path, CAST(sr.responded_on AS DATETIME) " \
    "FROM social_survey_respondents sr JOIN social_surveys su ON su.id = sr.survey_id " \
    "JOIN social_pages p ON p.id = su.page_id " \
    "WHERE p.site = :site AND sr.responded_on" STATS_PERIOD("sr.responded_on") ") e"

static const social_statement stats_statements[] = {
    /* ---- engagement figures ---- */
    { "social_stats_daily",
      "SELECT e.kind, FLOOR(UNIX_TIMESTAMP(e.at) / 86400), COUNT(*) FROM " STATS_EVENTS
      " GROUP BY 1, 2 ORDER BY 2, 1" },
    { "social_stats_pages",
      "SELECT e.path, COALESCE((SELECT t.title FROM social_pages t "
      "WHERE t.site = :site AND t.path = e.path), e.path), SUM(e.kind = 0), COUNT(*) FROM "
      STATS_EVENTS
      " GROUP BY e.path HAVING SUM(e.kind = 0) > 0 ORDER BY 3 DESC, 4 DESC, 1 LIMIT 10" },
    { "social_stats_people",
      "SELECT e.who, COALESCE(MAX(pe.display_name), e.who), SUM(e.kind = 0), COUNT(*) FROM "
      STATS_EVENTS " LEFT JOIN social_people pe ON pe.user = e.who WHERE e.who <> '' "
      "GROUP BY e.who ORDER BY 4 DESC, 3 DESC, 1 LIMIT 10" },
    { "social_stats_sections",
      "SELECT x.section, x.section, SUM(x.kind = 0), COUNT(*) FROM (SELECT e.kind, "
      "IF(LOCATE('/', e.path, 2) > 0, SUBSTRING(e.path, 1, LOCATE('/', e.path, 2)), '/') "
      "AS section FROM " STATS_EVENTS ") x GROUP BY x.section ORDER BY 4 DESC, 3 DESC, 1 LIMIT 10" },
    /* ---- exports: a period of each kind, at most 100,000 rows (+1 to tell) ---- */
    { "social_export_comments",
      "SELECT c.id, p.path, COALESCE(c.parent_id, 0), c.author, c.author_name, c.status, "
      "UNIX_TIMESTAMP(c.created_at), COALESCE(UNIX_TIMESTAMP(c.edited_at), 0), c.body, "
      "COALESCE(p.title, '') FROM social_comments c JOIN social_pages p ON p.id = c.page_id "
      "WHERE p.site = :site AND c.created_at >= FROM_UNIXTIME(:from) "
      "AND c.created_at < FROM_UNIXTIME(:to) ORDER BY c.id LIMIT 100001" },
    { "social_export_likes",
      "SELECT l.target_kind, l.target_id, p.path, l.user, UNIX_TIMESTAMP(l.created_at), "
      "COALESCE(p.title, '') "
      "FROM social_likes l " LIKE_PAGE_JOIN
      " WHERE p.site = :site AND l.created_at >= FROM_UNIXTIME(:from) "
      "AND l.created_at < FROM_UNIXTIME(:to) ORDER BY l.created_at, l.user LIMIT 100001" },
    { "social_export_shares",
      "SELECT s.id, p.path, s.user, s.user_name, COALESCE(s.note, ''), s.public, "
      "(SELECT COUNT(*) FROM social_share_recipients r WHERE r.share_id = s.id), "
      "UNIX_TIMESTAMP(s.created_at), COALESCE(p.title, '') FROM social_shares s JOIN social_pages p ON p.id = s.page_id "
      "WHERE p.site = :site AND s.created_at >= FROM_UNIXTIME(:from) "
      "AND s.created_at < FROM_UNIXTIME(:to) ORDER BY s.id LIMIT 100001" },
    { "social_export_polls",
      "SELECT po.id, p.path, po.name, po.question, po.closed, "
      "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id), "
      "o.idx, o.label, o.removed, "
      "(SELECT COUNT(*) FROM social_poll_choices ch WHERE ch.poll_id = po.id AND ch.idx = o.idx), "
      "COALESCE(p.title, '') FROM social_polls po JOIN social_pages p ON p.id = po.page_id "
      "JOIN social_poll_options o ON o.poll_id = po.id "
      "WHERE p.site = :site AND po.created_at < FROM_UNIXTIME(:to) "
      "AND (po.created_at >= FROM_UNIXTIME(:from) OR EXISTS (SELECT 1 FROM social_poll_ballots b "
      "WHERE b.poll_id = po.id AND b.updated_at >= FROM_UNIXTIME(:from) "
      "AND b.created_at < FROM_UNIXTIME(:to))) ORDER BY po.id, o.idx LIMIT 100001" },
    { "social_export_ideas",
      "SELECT i.id, p.path, b.name, i.title, i.author, i.author_name, i.status, i.response, "
      "(SELECT COUNT(*) FROM social_idea_votes v WHERE v.idea_id = i.id), "
      "COALESCE(i.merged_into, 0), i.deleted, UNIX_TIMESTAMP(i.created_at), "
      "COALESCE(UNIX_TIMESTAMP(i.status_at), 0), COALESCE(p.title, '') "
      "FROM social_ideas i JOIN social_idea_boards b ON b.id = i.board_id "
      "JOIN social_pages p ON p.id = b.page_id "
      "WHERE p.site = :site AND ((i.created_at >= FROM_UNIXTIME(:from) "
      "AND i.created_at < FROM_UNIXTIME(:to)) OR (i.status_at >= FROM_UNIXTIME(:from) "
      "AND i.status_at < FROM_UNIXTIME(:to))) ORDER BY i.id LIMIT 100001" },
    { "social_export_audit",
      "SELECT id, UNIX_TIMESTAMP(created_at), actor, action, target_kind, target_id, target, "
      "reason FROM social_audit WHERE site = :site AND created_at >= FROM_UNIXTIME(:from) "
      "AND created_at < FROM_UNIXTIME(:to) ORDER BY id LIMIT 100001" },
};
SOCIAL_STATEMENT_TABLE(social_store_stats_statements, stats_statements);

static const social_store_column stat_day_columns[] = {
    STORE_COLUMN(0, INT, social_stat_day, kind), STORE_COLUMN(1, INT64, social_stat_day, day),
    STORE_COLUMN(2, INT, social_stat_day, count),
};

social_store_status social_store_stats_daily(request_rec *r, apr_int64_t from,
                                             apr_int64_t to, apr_array_header_t **days)
{
    *days = apr_array_make(r->pool, 64, sizeof(social_stat_day));
    return social_store_list(r, social_store_reader(r), "social_stats_daily",
                             STORE_ARGS({ "from", social_store_int_arg(r, from) },
                                        { "to", social_store_int_arg(r, to) }),
                             STORE_COLUMNS(stat_day_columns), *days);
}

static const social_store_column stat_rank_columns[] = {
    STORE_COLUMN(0, TEXT, social_stat_rank, name), STORE_COLUMN(1, TEXT, social_stat_rank, label),
    STORE_COLUMN(2, INT, social_stat_rank, comments),
    STORE_COLUMN(3, INT, social_stat_rank, actions),
};

social_store_status social_store_stats_rank(request_rec *r, social_rank_kind kind,
                                            apr_int64_t from, apr_int64_t to,
                                            apr_array_header_t **ranks)
{
    static const char *const labels[] = {
        "social_stats_pages", "social_stats_people", "social_stats_sections"
    };

    *ranks = apr_array_make(r->pool, 10, sizeof(social_stat_rank));
    return social_store_list(r, social_store_reader(r), labels[kind],
                             STORE_ARGS({ "from", social_store_int_arg(r, from) },
                                        { "to", social_store_int_arg(r, to) }),
                             STORE_COLUMNS(stat_rank_columns), *ranks);
}

/* ---- exports ---- */

typedef struct {
    const char *label;
    int ncols;
    const char *const *names;
    const char *types;         /* n number, s string, t time (Unix seconds -> ISO 8601) */
} export_shape;

static const char *const export_comment_cols[] = {
    "id", "page", "parent", "author", "author_name", "status", "created", "edited", "body",
    "page_title" };
static const char *const export_like_cols[] = {
    "target_kind", "target_id", "page", "user", "created", "page_title" };
static const char *const export_share_cols[] = {
    "id", "page", "user", "user_name", "note", "public", "recipients", "created",
    "page_title" };
static const char *const export_poll_cols[] = {
    "poll_id", "page", "name", "question", "closed", "ballots", "option_index",
    "option", "option_removed", "votes", "page_title" };
static const char *const export_audit_cols[] = {
    "id", "created", "actor", "action", "target_kind", "target_id", "target", "reason" };

static const char *const export_idea_cols[] = {
    "id", "page", "board", "title", "author", "author_name", "status", "response", "votes",
    "merged_into", "deleted", "created", "status_changed", "page_title" };

static const export_shape export_shapes[] = {
    { "social_export_comments", 10, export_comment_cols, "nsnsssttSS" },
    { "social_export_likes", 6, export_like_cols, "snsstS" },
    { "social_export_shares", 9, export_share_cols, "nsssSnntS" },
    { "social_export_polls", 11, export_poll_cols, "nsssnnnsnnS" },
    { "social_export_audit", 8, export_audit_cols, "ntsssnsS" },
    { "social_export_ideas", 14, export_idea_cols, "nsssssSSnnnttS" },
};

typedef struct {
    social_export_table *table;
    const export_shape *shape;
} export_read;

/* One exported row: cells as text, times in ISO 8601. */
static void export_row(const social_store_row *row, void *target)
{
    export_read *e = target;
    social_export_table *table = e->table;
    const export_shape *shape = e->shape;
    const char **cells;
    int k;

    if (table->rows->nelts >= SOCIAL_EXPORT_MAX_ROWS) {
        table->truncated = 1;
        return;   /* drained */
    }
    cells = apr_palloc(row->r->pool, shape->ncols * sizeof(*cells));
    for (k = 0; k < shape->ncols; k++) {
        if (shape->types[k] == 't') {
            apr_time_t t = social_store_row_time(row, k);
            cells[k] = t > 0 ? social_text_time_iso(row->r->pool, t) : "";
        }
        else {
            cells[k] = social_store_row_text(row, k);
        }
    }
    APR_ARRAY_PUSH(table->rows, const char **) = cells;
}

social_store_status social_store_export(request_rec *r, social_export_kind kind,
                                        apr_int64_t from, apr_int64_t to,
                                        social_export_table *table)
{
    const export_shape *shape = &export_shapes[kind];
    export_read e = { table, shape };
    char *numeric;
    int k;

    memset(table, 0, sizeof(*table));
    table->ncols = shape->ncols;
    table->names = shape->names;
    table->rows = apr_array_make(r->pool, 64, sizeof(const char **));
    numeric = apr_pstrdup(r->pool, shape->types);
    for (k = 0; k < shape->ncols; k++) {
        numeric[k] = shape->types[k] == 'n' ? 'n' : 's';
    }
    table->numeric = numeric;
    return social_store_rows(r, social_store_reader(r), shape->label,
                             STORE_ARGS({ "from", social_store_int_arg(r, from) },
                                        { "to", social_store_int_arg(r, to) }),
                             export_row, &e);
}
