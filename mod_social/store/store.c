/* store.c: every SQL statement, prepared through mod_dbd. */
#include "store.h"
#include "mention.h"
#include "marker.h"
#include "text.h"

#include <apr_dbd.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_optional.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>
#include <http_config.h>
#include <http_log.h>
#include <mod_dbd.h>

#include <mysql.h>
#include <ma_pvio.h>

#include "breaker.h"

APLOG_USE_MODULE(social);

typedef struct {
    const char *label;
    const char *sql;
} social_statement;

#define COMMENT_COLUMNS \
    "c.id, COALESCE(c.parent_id, 0), p.path, c.author, c.author_name, c.body, " \
    "c.status, UNIX_TIMESTAMP(c.created_at), COALESCE(UNIX_TIMESTAMP(c.edited_at), 0), " \
    "COALESCE(c.anchor_exact, ''), COALESCE(c.anchor_prefix, ''), " \
    "COALESCE(c.anchor_suffix, ''), COALESCE(c.anchor_position, 0)"

/* Where the counters follow COMMENT_COLUMNS in a row. */
#define COMMENT_EXTRA 13

/* The window of threads a page view reads: one row whose cutoff is the
 * id of the oldest of the newest (offset + 1) top-level comments older
 * than the given id on the given page; 0 if the page has fewer. A derived
 * table of one row is a constant to the optimizer, so "root_id >= cutoff"
 * is an index range, not a filter over every comment of the page. */
#define THREAD_WINDOW \
    "(SELECT COALESCE((SELECT t.id FROM social_comments t " \
    "JOIN social_pages tp ON tp.id = t.page_id WHERE tp.site = %s AND tp.path = %s " \
    "AND t.parent_id IS NULL AND t.id < %s ORDER BY t.id DESC LIMIT 1 OFFSET %s), 0) " \
    "AS cutoff) w"

/* A person's unread notifications (of comments still visible). */
#define UNREAD_COUNT \
    "SELECT COUNT(*) FROM social_notifications n " \
    "LEFT JOIN social_comments c ON n.kind <> 'share' AND c.id = n.target_id " \
    "WHERE n.user = %s AND n.read_at IS NULL AND (n.kind = 'share' OR c.status = 'visible')"

/* A poll with one row per option: results and the viewer's choices. */
#define POLL_SELECT \
    "SELECT po.id, p.path, po.name, po.question, po.multiple, " \
    "COALESCE(po.closes_at, 0), po.results, po.closed, " \
    "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id), " \
    "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id AND b.user = %s), " \
    "o.idx, o.label, o.removed, " \
    "(SELECT COUNT(*) FROM social_poll_choices c WHERE c.poll_id = po.id AND c.idx = o.idx), " \
    "(SELECT COUNT(*) FROM social_poll_choices c WHERE c.poll_id = po.id AND c.idx = o.idx " \
    "AND c.user = %s), p.locked " \
    "FROM social_polls po JOIN social_pages p ON p.id = po.page_id " \
    "JOIN social_poll_options o ON o.poll_id = po.id"

/* The moderation queue: comments newest first with their like counts;
 * a leading filter (see the statements) and these optional ones. */
#define QUEUE_SELECT \
    "SELECT " COMMENT_COLUMNS ", " \
    "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id) " \
    "FROM social_comments c JOIN social_pages p ON p.id = c.page_id WHERE "
#define QUEUE_FILTER \
    "p.site = %s AND (%s = '' OR p.path = %s) AND (%s = '' OR c.author = %s) " \
    "AND (%s = '' OR c.status = %s) AND (%s = '0' OR c.id < %s) ORDER BY c.id DESC LIMIT 51"

/* The page a like is about: the page itself or the comment's page. */
#define LIKE_PAGE_JOIN \
    "LEFT JOIN social_comments lc ON l.target_kind = 'comment' AND lc.id = l.target_id " \
    "JOIN social_pages p ON p.id = IF(l.target_kind = 'page', l.target_id, lc.page_id)"

/* Every action of a period on one site, as (kind, who, path, at): kind
 * 0 comment, 1 like, 2 share, 3 ballot. Arguments: (site, from, to) four
 * times, from and to in Unix seconds; each part uses its created_at key. */
#define STATS_PERIOD(col) \
    " >= FROM_UNIXTIME(%s) AND " col " < FROM_UNIXTIME(%s)"
#define STATS_EVENTS \
    "(SELECT 0 AS kind, c.author AS who, p.path AS path, c.created_at AS at " \
    "FROM social_comments c JOIN social_pages p ON p.id = c.page_id " \
    "WHERE p.site = %s AND c.created_at" STATS_PERIOD("c.created_at") \
    " UNION ALL SELECT 1, l.user, p.path, l.created_at FROM social_likes l " LIKE_PAGE_JOIN \
    " WHERE p.site = %s AND l.created_at" STATS_PERIOD("l.created_at") \
    " UNION ALL SELECT 2, s.user, p.path, s.created_at FROM social_shares s " \
    "JOIN social_pages p ON p.id = s.page_id " \
    "WHERE p.site = %s AND s.created_at" STATS_PERIOD("s.created_at") \
    " UNION ALL SELECT 3, b.user, p.path, b.created_at FROM social_poll_ballots b " \
    "JOIN social_polls po ON po.id = b.poll_id JOIN social_pages p ON p.id = po.page_id " \
    "WHERE p.site = %s AND b.created_at" STATS_PERIOD("b.created_at") ") e"

static const social_statement statements[] = {
    { "social_schema_version",
      "SELECT version FROM social_schema_version ORDER BY version DESC LIMIT 1" },
    { "social_page_add",
      "INSERT INTO social_pages (site, path) VALUES (%s, %s) "
      "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)" },
    { "social_last_id", "SELECT LAST_INSERT_ID()" },
    /* The page's own row first (id 0), then the comments of the threads
     * in THREAD_WINDOW: one round trip for a page view, and the rows read
     * stay bounded by what is shown however long the discussion grows. */
    { "social_comments_list",
      "SELECT 0, 0, p.path, '', '', '', 'visible', p.locked, 0, '', '', '', 0, "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'page' AND l.target_id = p.id), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'page' AND l.target_id = p.id "
      "AND l.user = %s), "
      "(SELECT COUNT(*) FROM social_shares s WHERE s.page_id = p.id), "
      "(SELECT COUNT(*) FROM social_comments c WHERE c.page_id = p.id AND c.status = 'visible'), "
      "(SELECT COUNT(DISTINCT c.root_id) FROM social_comments c WHERE c.page_id = p.id "
      "AND c.root_id < w.cutoff AND c.status = 'visible') "
      "FROM social_pages p JOIN " THREAD_WINDOW " WHERE p.site = %s AND p.path = %s "
      "UNION ALL "
      "SELECT " COMMENT_COLUMNS ", "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id "
      "AND l.user = %s), 0, 0, 0 "
      "FROM social_pages p JOIN " THREAD_WINDOW " JOIN social_comments c ON c.page_id = p.id "
      "WHERE p.site = %s AND p.path = %s AND c.root_id < %s AND c.root_id >= w.cutoff "
      "ORDER BY 1" },
    { "social_comment_get",
      "SELECT " COMMENT_COLUMNS ", (SELECT COUNT(*) FROM social_comments r "
      "WHERE r.parent_id = c.id AND r.status <> 'deleted'), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'comment' AND l.target_id = c.id "
      "AND l.user = %s) "
      "FROM social_comments c JOIN social_pages p ON p.id = c.page_id "
      "WHERE c.id = %s AND p.site = %s" },
    { "social_comment_add",
      "INSERT INTO social_comments (page_id, parent_id, author, author_name, body, status, "
      "anchor_exact, anchor_prefix, anchor_suffix, anchor_position) "
      /* Context may be white space alone, which a PAD SPACE collation
       * finds equal to '': NULL only when there is no anchor at all. */
      "VALUES (%s, NULLIF(%s, '0'), %s, %s, %s, %s, NULLIF(%s, ''), IF(%s = 'y', %s, NULL), "
      "IF(%s = 'y', %s, NULL), NULLIF(%s, ''))" },
    /* What a page view needs to know of the viewer: have they liked or
     * written anything on the page (then the discussion is rendered for
     * them, otherwise the cached one serves), and their unread count. */
    { "social_viewer_state",
      "SELECT EXISTS (SELECT 1 FROM social_pages p JOIN social_likes l "
      "ON l.target_kind = 'page' AND l.target_id = p.id "
      "WHERE p.site = %s AND p.path = %s AND l.user = %s) "
      "OR EXISTS (SELECT 1 FROM social_pages p JOIN social_comments c ON c.page_id = p.id "
      "WHERE p.site = %s AND p.path = %s AND c.author = %s) "
      "OR EXISTS (SELECT 1 FROM social_pages p JOIN social_comments c ON c.page_id = p.id "
      "JOIN social_likes l ON l.target_kind = 'comment' AND l.target_id = c.id "
      "WHERE p.site = %s AND p.path = %s AND l.user = %s), "
      "(" UNREAD_COUNT ")" },
    /* A new comment's thread: its parent's, or its own for a top-level one. */
    { "social_comment_root",
      "UPDATE social_comments c LEFT JOIN social_comments pc ON pc.id = c.parent_id "
      "SET c.root_id = COALESCE(pc.root_id, c.id) WHERE c.id = %s" },
    { "social_comment_edit",
      "UPDATE social_comments SET body = %s, edited_at = CURRENT_TIMESTAMP(3) "
      "WHERE id = %s AND status <> 'deleted'" },
    { "social_comment_status",
      "UPDATE social_comments SET status = %s WHERE id = %s AND status <> 'deleted'" },
    { "social_comment_delete",
      "UPDATE social_comments SET status = 'deleted', body = '' WHERE id = %s" },
    { "social_page_counts",
      "SELECT (SELECT COUNT(*) FROM social_comments c WHERE c.page_id = p.id "
      "AND c.status = 'visible'), "
      "(SELECT COUNT(*) FROM social_likes l WHERE l.target_kind = 'page' AND l.target_id = p.id), "
      "(SELECT COUNT(*) FROM social_shares s WHERE s.page_id = p.id) "
      "FROM social_pages p WHERE p.site = %s AND p.path = %s" },
    { "social_page_id",
      "SELECT id FROM social_pages WHERE site = %s AND path = %s" },
    { "social_like_add",
      "INSERT INTO social_likes (target_kind, target_id, user) VALUES (%s, %s, %s) "
      "ON DUPLICATE KEY UPDATE user = user" },
    { "social_like_remove",
      "DELETE FROM social_likes WHERE target_kind = %s AND target_id = %s AND user = %s" },
    { "social_like_count",
      "SELECT COUNT(*), COALESCE(SUM(user = %s), 0) FROM social_likes "
      "WHERE target_kind = %s AND target_id = %s" },
    { "social_likers",
      "SELECT l.user, COALESCE(pe.display_name, l.user) FROM social_likes l "
      "LEFT JOIN social_people pe ON pe.user = l.user "
      "WHERE l.target_kind = %s AND l.target_id = %s ORDER BY l.created_at LIMIT 200" },
    { "social_person_get",
      "SELECT display_name FROM social_people WHERE user = %s" },
    { "social_share_add",
      "INSERT INTO social_shares (page_id, user, user_name, note, public) "
      "VALUES (%s, %s, %s, NULLIF(%s, ''), %s)" },
    { "social_share_recipient_add",
      "INSERT INTO social_share_recipients (share_id, user) VALUES (%s, %s) "
      "ON DUPLICATE KEY UPDATE user = user" },
    { "social_shares_inbox",
      "SELECT s.id, p.path, s.user, s.user_name, COALESCE(s.note, ''), s.public, "
      "UNIX_TIMESTAMP(s.created_at) FROM social_share_recipients r "
      "JOIN social_shares s ON s.id = r.share_id JOIN social_pages p ON p.id = s.page_id "
      "WHERE r.user = %s AND p.site = %s ORDER BY s.id DESC LIMIT 50" },
    { "social_poll_find",
      "SELECT po.id, po.definition FROM social_polls po JOIN social_pages p ON p.id = po.page_id "
      "WHERE p.site = %s AND p.path = %s AND po.name = %s" },
    { "social_poll_upsert",
      "INSERT INTO social_polls (page_id, name, question, multiple, closes_at, results, definition) "
      "VALUES (%s, %s, %s, %s, NULLIF(%s, '0'), %s, %s) "
      "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), question = VALUES(question), "
      "multiple = VALUES(multiple), closes_at = VALUES(closes_at), results = VALUES(results), "
      "definition = VALUES(definition), updated_at = CURRENT_TIMESTAMP(3)" },
    { "social_poll_options",
      "SELECT idx, label, removed FROM social_poll_options WHERE poll_id = %s ORDER BY idx" },
    { "social_poll_option_add",
      "INSERT INTO social_poll_options (poll_id, idx, label) VALUES (%s, %s, %s)" },
    { "social_poll_option_removed",
      "UPDATE social_poll_options SET removed = %s WHERE poll_id = %s AND idx = %s" },
    { "social_polls_list",
      POLL_SELECT " WHERE p.site = %s AND p.path = %s ORDER BY po.id, o.idx" },
    { "social_poll_get",
      POLL_SELECT " WHERE po.id = %s AND p.site = %s ORDER BY o.idx" },
    { "social_poll_ballot",
      "INSERT INTO social_poll_ballots (poll_id, user) VALUES (%s, %s) "
      "ON DUPLICATE KEY UPDATE updated_at = CURRENT_TIMESTAMP(3)" },
    { "social_poll_choices_clear",
      "DELETE FROM social_poll_choices WHERE poll_id = %s AND user = %s" },
    { "social_poll_choice_add",
      "INSERT INTO social_poll_choices (poll_id, user, idx) VALUES (%s, %s, %s)" },
    { "social_poll_closed",
      "UPDATE social_polls SET closed = %s WHERE id = %s" },
    /* ---- moderation (console) ---- */
    { "social_audit_add",
      "INSERT INTO social_audit (site, actor, action, target_kind, target_id, target, reason) "
      "VALUES (%s, %s, %s, %s, %s, %s, %s)" },
    { "social_audit_list",
      "SELECT id, actor, action, target_kind, target_id, target, reason, "
      "UNIX_TIMESTAMP(created_at) FROM social_audit "
      "WHERE site = %s AND (%s = '0' OR id < %s) ORDER BY id DESC LIMIT %s" },
    { "social_comment_target",
      "SELECT p.path FROM social_comments c JOIN social_pages p ON p.id = c.page_id "
      "WHERE c.id = %s AND p.site = %s FOR UPDATE" },
    /* The queue: one statement per leading filter, so each has its index
     * (page_id, id), (author, id), (status, id) or the primary key. */
    { "social_queue_page", QUEUE_SELECT "p.path = %s AND " QUEUE_FILTER },
    { "social_queue_author", QUEUE_SELECT "c.author = %s AND " QUEUE_FILTER },
    { "social_queue_status", QUEUE_SELECT "c.status = %s AND " QUEUE_FILTER },
    { "social_queue_all", QUEUE_SELECT "'' = %s AND " QUEUE_FILTER },
    /* Inside a comment's transaction, after the page row is locked by
     * social_page_add: a lock committed meanwhile is seen. */
    { "social_page_lock_check",
      "SELECT locked FROM social_pages WHERE id = %s FOR UPDATE" },
    { "social_page_lock",
      "UPDATE social_pages SET locked = %s WHERE id = %s" },
    { "social_page_locked",
      "SELECT locked FROM social_pages WHERE site = %s AND path = %s" },
    { "social_locked_pages",
      "SELECT path FROM social_pages WHERE site = %s AND locked = 1 ORDER BY path LIMIT 200" },
    { "social_poll_target",
      "SELECT p.path, po.name FROM social_polls po JOIN social_pages p ON p.id = po.page_id "
      "WHERE po.id = %s AND p.site = %s FOR UPDATE" },
    { "social_polls_recent",
      "SELECT po.id, p.path, po.name, po.question, po.closed, "
      "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id) "
      "FROM social_polls po JOIN social_pages p ON p.id = po.page_id "
      "WHERE p.site = %s ORDER BY po.id DESC LIMIT 100" },
    { "social_ban_get",
      "SELECT user, reason, COALESCE(expires_at, 0), banned_by, UNIX_TIMESTAMP(created_at) "
      "FROM social_bans WHERE user = %s "
      "AND (expires_at IS NULL OR expires_at > UNIX_TIMESTAMP())" },
    { "social_ban_set",
      "INSERT INTO social_bans (user, reason, expires_at, banned_by) "
      "VALUES (%s, %s, NULLIF(%s, '0'), %s) "
      "ON DUPLICATE KEY UPDATE reason = VALUES(reason), expires_at = VALUES(expires_at), "
      "banned_by = VALUES(banned_by), created_at = CURRENT_TIMESTAMP(3)" },
    { "social_ban_lift", "DELETE FROM social_bans WHERE user = %s" },
    { "social_bans_list",
      "SELECT user, reason, COALESCE(expires_at, 0), banned_by, UNIX_TIMESTAMP(created_at) "
      "FROM social_bans WHERE expires_at IS NULL OR expires_at > UNIX_TIMESTAMP() "
      "ORDER BY created_at DESC LIMIT 200" },
    /* ---- engagement figures ---- */
    { "social_stats_daily",
      "SELECT e.kind, FLOOR(UNIX_TIMESTAMP(e.at) / 86400), COUNT(*) FROM " STATS_EVENTS
      " GROUP BY 1, 2 ORDER BY 2, 1" },
    { "social_stats_pages",
      "SELECT e.path, e.path, SUM(e.kind = 0), COUNT(*) FROM " STATS_EVENTS
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
      "UNIX_TIMESTAMP(c.created_at), COALESCE(UNIX_TIMESTAMP(c.edited_at), 0), c.body "
      "FROM social_comments c JOIN social_pages p ON p.id = c.page_id "
      "WHERE p.site = %s AND c.created_at >= FROM_UNIXTIME(%s) "
      "AND c.created_at < FROM_UNIXTIME(%s) ORDER BY c.id LIMIT 100001" },
    { "social_export_likes",
      "SELECT l.target_kind, l.target_id, p.path, l.user, UNIX_TIMESTAMP(l.created_at) "
      "FROM social_likes l " LIKE_PAGE_JOIN
      " WHERE p.site = %s AND l.created_at >= FROM_UNIXTIME(%s) "
      "AND l.created_at < FROM_UNIXTIME(%s) ORDER BY l.created_at, l.user LIMIT 100001" },
    { "social_export_shares",
      "SELECT s.id, p.path, s.user, s.user_name, COALESCE(s.note, ''), s.public, "
      "(SELECT COUNT(*) FROM social_share_recipients r WHERE r.share_id = s.id), "
      "UNIX_TIMESTAMP(s.created_at) FROM social_shares s JOIN social_pages p ON p.id = s.page_id "
      "WHERE p.site = %s AND s.created_at >= FROM_UNIXTIME(%s) "
      "AND s.created_at < FROM_UNIXTIME(%s) ORDER BY s.id LIMIT 100001" },
    { "social_export_polls",
      "SELECT po.id, p.path, po.name, po.question, po.closed, "
      "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id), "
      "o.idx, o.label, o.removed, "
      "(SELECT COUNT(*) FROM social_poll_choices ch WHERE ch.poll_id = po.id AND ch.idx = o.idx) "
      "FROM social_polls po JOIN social_pages p ON p.id = po.page_id "
      "JOIN social_poll_options o ON o.poll_id = po.id "
      "WHERE p.site = %s AND po.created_at < FROM_UNIXTIME(%s) "
      "AND (po.created_at >= FROM_UNIXTIME(%s) OR EXISTS (SELECT 1 FROM social_poll_ballots b "
      "WHERE b.poll_id = po.id AND b.updated_at >= FROM_UNIXTIME(%s) "
      "AND b.created_at < FROM_UNIXTIME(%s))) ORDER BY po.id, o.idx LIMIT 100001" },
    { "social_export_audit",
      "SELECT id, UNIX_TIMESTAMP(created_at), actor, action, target_kind, target_id, target, "
      "reason FROM social_audit WHERE site = %s AND created_at >= FROM_UNIXTIME(%s) "
      "AND created_at < FROM_UNIXTIME(%s) ORDER BY id LIMIT 100001" },
    { "social_idempotency_claim",
      "INSERT INTO social_idempotency (user, idem_key, kind, request_hash) "
      "VALUES (%s, %s, %s, %s)" },
    { "social_idempotency_find",
      "SELECT request_hash, target_id, "
      "created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY "
      "FROM social_idempotency WHERE user = %s AND idem_key = %s AND kind = %s" },
    { "social_idempotency_settle",
      "UPDATE social_idempotency SET target_id = %s WHERE user = %s AND idem_key = %s" },
    { "social_idempotency_expire",
      "DELETE FROM social_idempotency WHERE user = %s AND idem_key = %s "
      "AND created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY" },
    { "social_person_seen",
      "INSERT INTO social_people (user, display_name, email) VALUES (%s, %s, NULLIF(%s, '')) "
      "ON DUPLICATE KEY UPDATE display_name = VALUES(display_name), "
      "email = VALUES(email), last_seen = CURRENT_TIMESTAMP(3)" },
};

/* ---- activity stream and notifications (migration 007) ---- */

/* One branch of the stream: the newest rows at or before a time, on the
 * site, under a path prefix (LIKE with the wildcards escaped: a range on
 * social_pages' (site, path) key), optionally by one person (then the
 * (person, created_at) keys serve); each branch otherwise walks its
 * *_created index. WHO is ACTIVITY_ANYONE or ACTIVITY_BY. */
#define ACTIVITY_ANYONE(actor) ""
#define ACTIVITY_BY(actor) " AND " actor " = %s"
#define ACTIVITY_WHERE(who, time, extra) \
    " WHERE p.site = %s AND " time " <= FROM_UNIXTIME(%s)" who \
    " AND p.path LIKE %s" extra " ORDER BY " time " DESC LIMIT 100"

/* Comments, public shares, page likes and comment likes. */
#define ACTIVITY_SQL(WHO) \
    "(SELECT 'c', c.id, p.path, c.author, c.author_name, c.body, " \
    "UNIX_TIMESTAMP(c.created_at) AS t, COALESCE(c.parent_id, 0), '' " \
    "FROM social_comments c JOIN social_pages p ON p.id = c.page_id" \
    ACTIVITY_WHERE(WHO("c.author"), "c.created_at", " AND c.status = 'visible'") ") " \
    "UNION ALL " \
    "(SELECT 's', s.id, p.path, s.user, s.user_name, COALESCE(s.note, ''), " \
    "UNIX_TIMESTAMP(s.created_at), 0, '' " \
    "FROM social_shares s JOIN social_pages p ON p.id = s.page_id" \
    ACTIVITY_WHERE(WHO("s.user"), "s.created_at", " AND s.public = 1") ") " \
    "UNION ALL " \
    "(SELECT 'p', p.id, p.path, l.user, COALESCE(pe.display_name, l.user), '', " \
    "UNIX_TIMESTAMP(l.created_at), 0, '' " \
    "FROM social_likes l JOIN social_pages p ON l.target_kind = 'page' AND p.id = l.target_id " \
    "LEFT JOIN social_people pe ON pe.user = l.user" \
    ACTIVITY_WHERE(WHO("l.user"), "l.created_at", "") ") " \
    "UNION ALL " \
    "(SELECT 'l', c.id, p.path, l.user, COALESCE(pe.display_name, l.user), '', " \
    "UNIX_TIMESTAMP(l.created_at), 0, c.author_name " \
    "FROM social_likes l JOIN social_comments c ON l.target_kind = 'comment' " \
    "AND c.id = l.target_id AND c.status = 'visible' " \
    "JOIN social_pages p ON p.id = c.page_id " \
    "LEFT JOIN social_people pe ON pe.user = l.user" \
    ACTIVITY_WHERE(WHO("l.user"), "l.created_at", "") ") "

/* Newest first; ties by kind, then id (the stream's cursor order). */
#define ACTIVITY_ORDER " ORDER BY 7 DESC, 1 DESC, 2 DESC LIMIT 100"

/* The notification listing: mode is 'all', 'unread' or 'unmailed'. */
#define NOTIFICATION_SELECT \
    "SELECT n.id, n.kind, n.target_id, p.path, n.actor, n.actor_name, " \
    "UNIX_TIMESTAMP(n.created_at), n.read_at IS NOT NULL, " \
    "CASE WHEN n.kind = 'share' THEN COALESCE(s.note, '') ELSE COALESCE(c.body, '') END, " \
    "CASE WHEN n.kind = 'like' THEN (SELECT COUNT(*) FROM social_likes l " \
    "WHERE l.target_kind = 'comment' AND l.target_id = n.target_id AND l.user <> n.user) " \
    "ELSE 0 END " \
    "FROM social_notifications n JOIN social_pages p ON p.id = n.page_id " \
    "LEFT JOIN social_comments c ON n.kind <> 'share' AND c.id = n.target_id " \
    "LEFT JOIN social_shares s ON n.kind = 'share' AND s.id = n.target_id "

static const social_statement activity_statements[] = {
    { "social_activity",
      ACTIVITY_SQL(ACTIVITY_ANYONE)
      "UNION ALL "
      "(SELECT 'v', po.id, p.path, '', '', po.question, UNIX_TIMESTAMP(po.created_at), "
      "(SELECT COUNT(*) FROM social_poll_ballots b WHERE b.poll_id = po.id), '' "
      "FROM social_polls po JOIN social_pages p ON p.id = po.page_id"
      ACTIVITY_WHERE("", "po.created_at", "") ")"
      ACTIVITY_ORDER },
    /* By one person: polls are nobody's (pages declare them). */
    { "social_activity_by", ACTIVITY_SQL(ACTIVITY_BY) ACTIVITY_ORDER },
    { "social_notify_reply",
      "INSERT INTO social_notifications (user, kind, target_id, page_id, actor, actor_name) "
      "SELECT pc.author, 'reply', %s, pc.page_id, %s, %s FROM social_comments pc "
      "WHERE pc.id = %s AND pc.author <> '' AND pc.author <> %s "
      "ON DUPLICATE KEY UPDATE user = user" },
    { "social_notify_mention",
      "INSERT INTO social_notifications (user, kind, target_id, page_id, actor, actor_name) "
      "SELECT pe.user, 'mention', %s, %s, %s, %s FROM social_people pe "
      "WHERE pe.user = %s AND pe.user <> %s "
      "ON DUPLICATE KEY UPDATE kind = VALUES(kind)" },
    { "social_notify_share",
      "INSERT INTO social_notifications (user, kind, target_id, page_id, actor, actor_name) "
      "SELECT %s, 'share', %s, %s, %s, %s FROM DUAL WHERE %s <> %s "
      "ON DUPLICATE KEY UPDATE user = user" },
    /* A new like makes the comment's one row unread (and unmailed) again. */
    { "social_notify_like",
      "INSERT INTO social_notifications (user, kind, target_id, page_id, actor, actor_name) "
      "SELECT c.author, 'like', c.id, c.page_id, %s, "
      "COALESCE((SELECT pe.display_name FROM social_people pe WHERE pe.user = %s), %s) "
      "FROM social_comments c "
      "WHERE c.id = %s AND c.author <> '' AND c.author <> %s AND c.status = 'visible' "
      "ON DUPLICATE KEY UPDATE actor = VALUES(actor), actor_name = VALUES(actor_name), "
      "created_at = CURRENT_TIMESTAMP(3), read_at = NULL, mailed_at = NULL" },
    { "social_notifications_list",
      NOTIFICATION_SELECT
      "WHERE n.user = %s AND p.site = %s AND (n.kind = 'share' OR c.status = 'visible') "
      "AND (%s = 'all' OR (%s = 'unread' AND n.read_at IS NULL) "
      "OR (%s = 'unmailed' AND n.read_at IS NULL AND n.mailed_at IS NULL)) "
      "ORDER BY n.created_at DESC, n.id DESC LIMIT 100" },
    /* A notification of a hidden or pending comment is nobody's to see. */
    { "social_notification_get",
      NOTIFICATION_SELECT "WHERE n.id = %s AND n.user = %s AND p.site = %s "
      "AND (n.kind = 'share' OR c.status = 'visible')" },
    /* Unread notifications per page (the pages most recently notified
     * first), so the count can leave out pages the person may not read. */
    { "social_notifications_unread_pages",
      "SELECT p.path, COUNT(*) FROM social_notifications n "
      "JOIN social_pages p ON p.id = n.page_id "
      "LEFT JOIN social_comments c ON n.kind <> 'share' AND c.id = n.target_id "
      "WHERE n.user = %s AND p.site = %s AND n.read_at IS NULL "
      "AND (n.kind = 'share' OR c.status = 'visible') "
      "GROUP BY p.id, p.path ORDER BY MAX(n.created_at) DESC LIMIT 100" },
    { "social_notifications_unread", UNREAD_COUNT },
    { "social_notification_read",
      "UPDATE social_notifications SET read_at = COALESCE(read_at, CURRENT_TIMESTAMP(3)) "
      "WHERE id = %s AND user = %s" },
    { "social_notifications_read_all",
      "UPDATE social_notifications SET read_at = CURRENT_TIMESTAMP(3) "
      "WHERE user = %s AND read_at IS NULL" },
    { "social_people_search",
      "SELECT user, display_name FROM social_people "
      "WHERE user LIKE %s OR display_name LIKE %s ORDER BY user LIMIT 10" },
    { "social_notify_settings_get",
      "SELECT email_off FROM social_notify_settings WHERE user = %s" },
    { "social_notify_settings_email",
      "INSERT INTO social_notify_settings (user, email_off) VALUES (%s, %s) "
      "ON DUPLICATE KEY UPDATE email_off = VALUES(email_off)" },
    /* Mail: one sender at a time across every process and host. */
    { "social_mail_lock", "SELECT GET_LOCK('mod_social_mail', 0)" },
    { "social_mail_unlock", "SELECT RELEASE_LOCK('mod_social_mail')" },
    { "social_mail_due",
      "SELECT n.user, pe.display_name, pe.email FROM social_notifications n "
      "JOIN social_people pe ON pe.user = n.user "
      "LEFT JOIN social_notify_settings ns ON ns.user = n.user "
      "WHERE n.mailed_at IS NULL AND n.read_at IS NULL AND pe.email IS NOT NULL "
      "AND COALESCE(ns.email_off, 0) = 0 AND (ns.last_mailed_at IS NULL "
      "OR ns.last_mailed_at <= CURRENT_TIMESTAMP(3) - INTERVAL %s SECOND) "
      "GROUP BY n.user, pe.display_name, pe.email LIMIT 20" },
    { "social_mail_done",
      "UPDATE social_notifications SET mailed_at = CURRENT_TIMESTAMP(3) "
      "WHERE user = %s AND mailed_at IS NULL AND created_at <= FROM_UNIXTIME(%s)" },
    { "social_mail_stamp",
      "INSERT INTO social_notify_settings (user, last_mailed_at) "
      "VALUES (%s, CURRENT_TIMESTAMP(3)) "
      "ON DUPLICATE KEY UPDATE last_mailed_at = CURRENT_TIMESTAMP(3)" },
};

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire_fn;
static APR_OPTIONAL_FN_TYPE(ap_dbd_open) *dbd_open_fn;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) *dbd_close_fn;

/* Per process: the SQL of every statement by label, read-only once the
 * configuration is read. A statement is prepared on a connection when it
 * is first used there (see statement()), under the round-trip deadline,
 * rather than all of them by mod_dbd while it connects, where no
 * deadline reaches. */
static apr_hash_t *statement_sql;

/* Per process: the round-trip deadline (SocialDBTimeout) and the breaker
 * every thread asks before touching the database. */
static apr_interval_time_t round_trip_deadline = SOCIAL_STORE_ROUND_TRIP_DEFAULT;
static social_breaker breaker;
static int probing_in_background;

void social_store_configure(apr_interval_time_t round_trip, int background_probe)
{
    round_trip_deadline = round_trip;
    probing_in_background = background_probe;
    social_breaker_init(&breaker, SOCIAL_STORE_BACKOFF_MIN, SOCIAL_STORE_BACKOFF_MAX);
}

/* Every new connection gets the client-side deadline on its socket: a
 * read or write the server does not answer in time fails with "lost
 * connection" instead of waiting for ever (apr_dbd_mysql has no such
 * parameter; MariaDB Connector/C keeps the deadline in the connection's
 * I/O layer, whose structure its public header ma_pvio.h declares). The
 * server's own limits end a lock or statement wait a little earlier, so
 * a slow statement is answered by the server while the connection stays
 * usable. */
static apr_status_t store_post_connect(apr_pool_t *pool, dbd_cfg_t *cfg, ap_dbd_t *dbd)
{
    MYSQL *mysql = apr_dbd_native_handle(dbd->driver, dbd->handle);
    long server_ms = (long)(apr_time_as_msec(round_trip_deadline) * 8 / 10);
    long whole = server_ms / 1000 > 0 ? server_ms / 1000 : 1;
    const char *settings[4];
    size_t k;
    int rows;

    if (mysql != NULL && mysql->net.pvio != NULL) {
        int ms = (int)apr_time_as_msec(round_trip_deadline);
        mysql->net.pvio->timeout[PVIO_READ_TIMEOUT] = ms;
        mysql->net.pvio->timeout[PVIO_WRITE_TIMEOUT] = ms;
    }
    settings[0] = apr_psprintf(pool, "SET SESSION innodb_lock_wait_timeout = %ld", whole);
    settings[1] = apr_psprintf(pool, "SET SESSION lock_wait_timeout = %ld", whole);
    /* MariaDB; MySQL has no such variable and refuses it harmlessly. */
    settings[2] = apr_psprintf(pool, "SET SESSION max_statement_time = %ld.%03ld",
                               server_ms / 1000, server_ms % 1000);
    /* Writes rely on unique keys, never on gap locks: without them,
     * people voting or liking at once no longer deadlock on the gaps
     * around rows they are about to insert. */
    settings[3] = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
    for (k = 0; k < sizeof(settings) / sizeof(settings[0]); k++) {
        apr_dbd_query(dbd->driver, dbd->handle, &rows, settings[k]);
    }
    return APR_SUCCESS;
}

static void counts_many_statements_add(apr_hash_t *sql);

void social_store_register_hooks(apr_pool_t *p)
{
    APR_OPTIONAL_HOOK(dbd, post_connect, store_post_connect, NULL, NULL, APR_HOOK_MIDDLE);
}

void social_store_prepare_statements(apr_pool_t *p, server_rec *s)
{
    size_t k;

    dbd_acquire_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    dbd_open_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (dbd_acquire_fn == NULL || dbd_open_fn == NULL || dbd_close_fn == NULL) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "SOCIAL0101: mod_dbd is not loaded: pages get the block, "
                     "but comments, likes, shares and polls are unavailable");
        dbd_acquire_fn = NULL;
        return;
    }
    statement_sql = apr_hash_make(p);
    for (k = 0; k < sizeof(statements) / sizeof(statements[0]); k++) {
        apr_hash_set(statement_sql, statements[k].label, APR_HASH_KEY_STRING,
                     statements[k].sql);
    }
    for (k = 0; k < sizeof(activity_statements) / sizeof(activity_statements[0]); k++) {
        apr_hash_set(statement_sql, activity_statements[k].label, APR_HASH_KEY_STRING,
                     activity_statements[k].sql);
    }
    counts_many_statements_add(statement_sql);
}

/* MySQL's error numbers the store treats apart. */
#define MYSQL_DEADLOCK 1213
#define MYSQL_STATEMENT_TIMEOUT 1969   /* MariaDB's max_statement_time */

/* Did the database itself fail (not one statement)? Client-side errors
 * (2000-2999: lost connection, gone away, a deadline missed) and a
 * statement the server gave up on for time both say it cannot serve
 * this process now. */
static int connection_failed(ap_dbd_t *dbd)
{
    MYSQL *mysql = apr_dbd_native_handle(dbd->driver, dbd->handle);
    unsigned int e = mysql != NULL ? mysql_errno(mysql) : 0;
    return (e >= 2000 && e < 3000) || e == MYSQL_STATEMENT_TIMEOUT;
}

/* The database failed: every thread of the process stops touching it
 * (logged once per outage, not per request). */
static void store_down(request_rec *r, const char *what, int connecting)
{
    if (social_breaker_failure(&breaker, apr_time_now())) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "%s: the database is unavailable (%s): pages are served "
                      "without it and writes answer 503 until it answers again "
                      "(deadline %" APR_TIME_T_FMT " ms per round trip, see "
                      "SocialDBTimeout)", connecting ? "SOCIAL0102" : "SOCIAL0110", what,
                      apr_time_as_msec(round_trip_deadline));
    }
}

static void store_up(server_rec *s)
{
    if (social_breaker_success(&breaker)) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "SOCIAL0111: the database answers again: discussions and writes "
                     "are back");
    }
}

int social_store_retry_after(void)
{
    apr_interval_time_t left = social_breaker_remaining(&breaker, apr_time_now());
    /* Whole seconds (RFC 9110), rounded up, at least one. */
    int seconds = (int)((left + APR_USEC_PER_SEC - 1) / APR_USEC_PER_SEC);
    return seconds > 0 ? seconds : 1;
}

/* A connection with our statements, or NULL. While the breaker is open
 * nothing waits: the answer is NULL at once. mod_dbd hands out each dead
 * pooled connection once (and drops it), so after a database restart a
 * few tries get a fresh one; only when those fail too is the database
 * taken as down. */
static ap_dbd_t *store_connection(request_rec *r)
{
    ap_dbd_t *dbd = NULL;
    int attempt;

    if (dbd_acquire_fn == NULL
        || social_breaker_ask(&breaker, apr_time_now(), !probing_in_background)
           == SOCIAL_BREAKER_WAIT) {
        return NULL;
    }
    for (attempt = 0; attempt < 10 && dbd == NULL; attempt++) {
        apr_time_t started = apr_time_now();
        dbd = dbd_acquire_fn(r);
        if (dbd == NULL && apr_time_now() - started > apr_time_from_msec(50)) {
            break;   /* a real connection attempt failed, not a dead pooled one */
        }
    }
    if (dbd == NULL) {
        store_down(r, "no connection; see mod_dbd's message above, and check "
                      "DBDriver/DBDParams and that the server is up", 1);
        return NULL;
    }
    store_up(r->server);   /* connected or pinged: it answers */
    return dbd;
}

/* Background work (mod_watchdog): while the breaker is open and a probe
 * is due, one connection from mod_dbd's pool (mod_dbd pings it, or makes
 * a new one under the connect deadline) tells whether the database is
 * back; no reader's request waits for that. */
void social_store_probe(server_rec *s, apr_pool_t *p)
{
    ap_dbd_t *dbd;

    if (dbd_acquire_fn == NULL
        || social_breaker_ask(&breaker, apr_time_now(), 1) != SOCIAL_BREAKER_PROBE) {
        return;
    }
    dbd = dbd_open_fn(p, s);
    if (dbd == NULL) {
        social_breaker_failure(&breaker, apr_time_now());
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "SOCIAL0102: the database is still unavailable (see mod_dbd's "
                     "message above); next try in %" APR_TIME_T_FMT " ms",
                     apr_time_as_msec(social_breaker_remaining(&breaker, apr_time_now())));
        return;
    }
    dbd_close_fn(s, dbd);
    store_up(s);
}

/* Per process: the schema version last read, and when. */
static volatile int schema_seen;
static volatile apr_time_t schema_seen_at;

#define SOCIAL_SCHEMA_RECHECK apr_time_from_sec(30)

/* A connection for writing: only against the schema this build knows
 * (checked every 30 s); otherwise NULL, logged once per interval. */
static ap_dbd_t *store_writer(request_rec *r)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_time_t now = apr_time_now();

    if (dbd == NULL) {
        return NULL;
    }
    if (schema_seen != SOCIAL_SCHEMA_VERSION || now - schema_seen_at > SOCIAL_SCHEMA_RECHECK) {
        int version = 0;
        if (social_store_schema_version(r, &version) != SOCIAL_STORE_OK) {
            return NULL;
        }
        if (version != SOCIAL_SCHEMA_VERSION
            && (schema_seen != version || now - schema_seen_at > SOCIAL_SCHEMA_RECHECK)) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "SOCIAL0106: the database has schema version %d, this "
                          "mod_social needs %d: writes are refused until "
                          "`social-db upgrade` brings it up to date", version,
                          SOCIAL_SCHEMA_VERSION);
        }
        schema_seen = version;
        schema_seen_at = now;
    }
    return schema_seen == SOCIAL_SCHEMA_VERSION ? dbd : NULL;
}

/* Nonzero for an error that says the database cannot answer now (the
 * connection is gone, or a lock or the statement ran out of time), as
 * opposed to a statement it refused (bad data, a constraint, the schema):
 * the first is answered 503 "unavailable", the second 500. */
static int error_is_unavailable(int rv)
{
    /* Below 1000 is no server error number: apr_dbd_mysql passes on the
     * bare failure of mysql_autocommit, mysql_commit or mysql_rollback,
     * which fail when the connection is lost. */
    return rv < 1000
        || (rv >= 2000 && rv < 3000)   /* client: CR_SERVER_GONE_ERROR, CR_SERVER_LOST, ... */
        || rv == 1180                  /* ER_ERROR_DURING_COMMIT */
        || rv == 1040                  /* ER_CON_COUNT_ERROR */
        || rv == 1053                  /* ER_SERVER_SHUTDOWN */
        || rv == 1205                  /* ER_LOCK_WAIT_TIMEOUT */
        || rv == 1317                  /* ER_QUERY_INTERRUPTED */
        || rv == 1927                  /* ER_CONNECTION_KILLED (MariaDB) */
        || rv == 1969                  /* ER_STATEMENT_TIMEOUT (MariaDB) */
        || rv == 3024;                 /* ER_QUERY_TIMEOUT (MySQL) */
}

/* Logs a failed statement; a deadlock is only noted (it is retried). A
 * failure of the database itself opens the breaker. */
static social_store_status statement_failed(request_rec *r, ap_dbd_t *dbd,
                                            const char *label, int rv)
{
    /* A deadlock is over at once and the transaction may simply run
     * again; a lock held past the wait means a stuck database, answered
     * (503) rather than waited on again. */
    int retry = rv == MYSQL_DEADLOCK;
    int down = !retry && connection_failed(dbd);

    ap_log_rerror(APLOG_MARK, retry ? APLOG_INFO : APLOG_ERR, 0, r,
                  "SOCIAL0105: statement %s failed (%d): %s%s", label, rv,
                  apr_dbd_error(dbd->driver, dbd->handle, rv),
                  retry ? " (the transaction is run again)" : "");
    if (down) {
        store_down(r, apr_pstrcat(r->pool, "statement ", label, " got no answer in time",
                                  NULL), 0);
        return SOCIAL_STORE_DOWN;
    }
    return retry ? SOCIAL_STORE_RETRY
         : error_is_unavailable(rv) ? SOCIAL_STORE_DOWN : SOCIAL_STORE_FAILED;
}

/* The statement on this connection, prepared there on first use. */
static apr_dbd_prepared_t *statement(request_rec *r, ap_dbd_t *dbd,
                                     const char *label)
{
    apr_dbd_prepared_t *st = apr_hash_get(dbd->prepared, label, APR_HASH_KEY_STRING);
    const char *sql;
    int rv;

    if (st != NULL) {
        return st;
    }
    sql = apr_hash_get(statement_sql, label, APR_HASH_KEY_STRING);
    if (sql == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0103: no statement is called %s", label);
        return NULL;
    }
    rv = apr_dbd_prepare(dbd->driver, dbd->pool, dbd->handle, sql, label, &st);
    if (rv != 0) {
        statement_failed(r, dbd, label, rv);
        return NULL;
    }
    apr_hash_set(dbd->prepared, label, APR_HASH_KEY_STRING, st);
    return st;
}

/* Runs a prepared query (INSERT/UPDATE/DELETE) with string arguments. */
static social_store_status run_query(request_rec *r, ap_dbd_t *dbd,
                                     const char *label, int *affected,
                                     int nargs, const char **args)
{
    apr_dbd_prepared_t *st = statement(r, dbd, label);
    int rows = 0, rv;

    if (st == NULL) {
        return SOCIAL_STORE_FAILED;
    }
    rv = apr_dbd_pquery(dbd->driver, r->pool, dbd->handle, &rows, st, nargs, args);
    if (rv != 0) {
        return statement_failed(r, dbd, label, rv);
    }
    if (affected) {
        *affected = rows;
    }
    return SOCIAL_STORE_OK;
}

/* The next row of a result, or 0 at its end. Rows arrive as they are
 * read: if the database stops answering on the way, the end comes early;
 * then the breaker opens and the request is marked, so what it read is
 * not cached as if it were whole. */
static int next_row(request_rec *r, ap_dbd_t *dbd, apr_dbd_results_t *res,
                    apr_dbd_row_t **row)
{
    if (apr_dbd_get_row(dbd->driver, r->pool, res, row, -1) == 0) {
        return 1;
    }
    if (connection_failed(dbd)) {
        apr_table_setn(r->notes, SOCIAL_STORE_BROKEN_NOTE, "1");
        store_down(r, "rows were cut off", 0);
    }
    return 0;
}

/* Runs a prepared SELECT; rows are then read with next_row. */
static social_store_status run_select(request_rec *r, ap_dbd_t *dbd,
                                      const char *label, apr_dbd_results_t **res,
                                      int nargs, const char **args)
{
    apr_dbd_prepared_t *st = statement(r, dbd, label);
    int rv;

    *res = NULL;
    if (st == NULL) {
        return SOCIAL_STORE_FAILED;
    }
    rv = apr_dbd_pselect(dbd->driver, r->pool, dbd->handle, res, st, 0, nargs, args);
    if (rv != 0) {
        return statement_failed(r, dbd, label, rv);
    }
    return SOCIAL_STORE_OK;
}

static const char *column(ap_dbd_t *dbd, apr_dbd_row_t *row, int n)
{
    const char *v = apr_dbd_get_entry(dbd->driver, row, n);
    return v ? v : "";
}

/* Reads one integer from a single-row result, draining it. */
static social_store_status read_int(request_rec *r, ap_dbd_t *dbd,
                                    apr_dbd_results_t *res, apr_int64_t *value)
{
    apr_dbd_row_t *row = NULL;
    int found = 0;

    while (next_row(r, dbd, res, &row)) {
        if (!found) {
            *value = apr_atoi64(column(dbd, row, 0));
            found = 1;
        }
    }
    return found ? SOCIAL_STORE_OK : SOCIAL_STORE_NOT_FOUND;
}

/* Runs a prepared SELECT and reads the first column of its first row. */
static social_store_status select_int(request_rec *r, ap_dbd_t *dbd, const char *label,
                                      int nargs, const char **args, apr_int64_t *value)
{
    apr_dbd_results_t *res;
    social_store_status st = run_select(r, dbd, label, &res, nargs, args);

    return st == SOCIAL_STORE_OK ? read_int(r, dbd, res, value) : st;
}

static const char *int_arg(request_rec *r, apr_int64_t v)
{
    return apr_psprintf(r->pool, "%" APR_INT64_T_FMT, v);
}

const char *social_store_site(request_rec *r)
{
    return r->server->server_hostname ? r->server->server_hostname : "";
}

const char *social_comment_status_name(social_comment_status status)
{
    switch (status) {
    case SOCIAL_COMMENT_HIDDEN: return "hidden";
    case SOCIAL_COMMENT_DELETED: return "deleted";
    case SOCIAL_COMMENT_PENDING: return "pending";
    default: return "visible";
    }
}

static social_comment_status status_parse(const char *s)
{
    if (strcmp(s, "hidden") == 0) {
        return SOCIAL_COMMENT_HIDDEN;
    }
    if (strcmp(s, "deleted") == 0) {
        return SOCIAL_COMMENT_DELETED;
    }
    if (strcmp(s, "pending") == 0) {
        return SOCIAL_COMMENT_PENDING;
    }
    return SOCIAL_COMMENT_VISIBLE;
}

/* "1764294000.123" (UNIX_TIMESTAMP of a TIMESTAMP(3)) -> apr_time_t. */
static apr_time_t time_from_seconds(const char *s)
{
    char *end;
    apr_int64_t sec = apr_strtoi64(s, &end, 10);
    apr_int64_t usec = 0, scale = 100000;

    if (*end == '.') {
        for (end++; apr_isdigit(*end) && scale > 0; end++, scale /= 10) {
            usec += (*end - '0') * scale;
        }
    }
    return apr_time_from_sec(sec) + usec;
}

/* Fills c from a row of COMMENT_COLUMNS. */
static void comment_from_row(request_rec *r, ap_dbd_t *dbd, apr_dbd_row_t *row,
                             social_comment *c)
{
    c->id = apr_atoi64(column(dbd, row, 0));
    c->parent = apr_atoi64(column(dbd, row, 1));
    c->page = apr_pstrdup(r->pool, column(dbd, row, 2));
    c->author = apr_pstrdup(r->pool, column(dbd, row, 3));
    c->author_name = apr_pstrdup(r->pool, column(dbd, row, 4));
    c->body = apr_pstrdup(r->pool, column(dbd, row, 5));
    c->status = status_parse(column(dbd, row, 6));
    c->created = time_from_seconds(column(dbd, row, 7));
    c->edited = time_from_seconds(column(dbd, row, 8));
    c->likes = 0;
    c->liked = 0;
    memset(&c->anchor, 0, sizeof(c->anchor));
    if (*column(dbd, row, 9) != '\0') {
        c->anchor.exact = apr_pstrdup(r->pool, column(dbd, row, 9));
        c->anchor.prefix = apr_pstrdup(r->pool, column(dbd, row, 10));
        c->anchor.suffix = apr_pstrdup(r->pool, column(dbd, row, 11));
        c->anchor.position = apr_atoi64(column(dbd, row, 12));
    }
}

/* The id of a page row, made if make is set; NOT_FOUND otherwise. */
static social_store_status page_id_get(request_rec *r, ap_dbd_t *dbd,
                                       const char *page, int make, apr_int64_t *id)
{
    const char *args[2];
    social_store_status st;

    args[0] = social_store_site(r);
    args[1] = page;
    if (!make) {
        return select_int(r, dbd, "social_page_id", 2, args, id);
    }
    st = run_query(r, dbd, "social_page_add", NULL, 2, args);
    return st == SOCIAL_STORE_OK ? select_int(r, dbd, "social_last_id", 0, NULL, id) : st;
}

/* Runs a statement inside a transaction that commits only if fn succeeds. */
typedef social_store_status (*txn_body)(request_rec *r, ap_dbd_t *dbd, void *data);

static social_store_status transaction_once(request_rec *r, ap_dbd_t *dbd,
                                            txn_body fn, void *data);

/* Deadlocks between racing writers are normal for InnoDB: the loser is
 * rolled back and runs again, this many times in all, each after a
 * little longer random wait. */
#define TRANSACTION_ATTEMPTS 8

static social_store_status in_transaction(request_rec *r, ap_dbd_t *dbd,
                                          txn_body fn, void *data)
{
    social_store_status st = SOCIAL_STORE_FAILED;
    int attempt;

    for (attempt = 0; attempt < TRANSACTION_ATTEMPTS; attempt++) {
        unsigned char jitter = 0;

        st = transaction_once(r, dbd, fn, data);
        if (st != SOCIAL_STORE_RETRY) {
            return st;
        }
        /* Racing writers that deadlocked wait apart before the next try. */
        apr_generate_random_bytes(&jitter, 1);
        apr_sleep(apr_time_from_msec(2 + (jitter % 20) * (attempt + 1)));
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  "SOCIAL0107: a write deadlocked %d times with concurrent writes and "
                  "was given up (answered 503: the client may retry)", TRANSACTION_ATTEMPTS);
    return SOCIAL_STORE_DOWN;
}

static social_store_status transaction_once(request_rec *r, ap_dbd_t *dbd,
                                            txn_body fn, void *data)
{
    apr_dbd_transaction_t *txn = NULL;
    social_store_status st;
    int rv = apr_dbd_transaction_start(dbd->driver, r->pool, dbd->handle, &txn);

    if (rv != 0) {
        return statement_failed(r, dbd, "transaction start", rv);
    }
    st = fn(r, dbd, data);
    if (st != SOCIAL_STORE_OK) {
        apr_dbd_transaction_mode_set(dbd->driver, txn, APR_DBD_TRANSACTION_ROLLBACK);
    }
    rv = apr_dbd_transaction_end(dbd->driver, r->pool, txn);
    if (rv != 0 && st == SOCIAL_STORE_OK) {
        return statement_failed(r, dbd, "commit", rv);
    }
    return st;
}

/* Notifications written in the same transaction as what caused them
 * (defined with the rest of migration 007's code, below). */
static social_store_status notify_comment(request_rec *r, ap_dbd_t *dbd,
                                          const social_comment *c, apr_int64_t page_id);
static social_store_status notify_share(request_rec *r, ap_dbd_t *dbd,
                                        const social_share *sh, apr_int64_t page_id,
                                        const char *recipient);
static social_store_status notify_like(request_rec *r, ap_dbd_t *dbd,
                                       apr_int64_t comment, const char *user);

social_store_status social_store_comments_list(request_rec *r, const char *page,
                                               const char *viewer, int max_roots,
                                               apr_int64_t before,
                                               apr_array_header_t **comments,
                                               social_page_stats *stats)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[15];
    const char *older, *offset;
    social_store_status st;

    *comments = apr_array_make(r->pool, 16, sizeof(social_comment));
    memset(stats, 0, sizeof(*stats));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    older = int_arg(r, before > 0 ? before : APR_INT64_MAX);
    /* Every thread: an offset past any page's top-level comments. */
    offset = int_arg(r, max_roots > 0 ? max_roots - 1 : APR_INT32_MAX);
    /* The page's row: viewer, window (site, path, older, offset), site,
     * path; then the comments' rows: the same and older. */
    args[0] = args[7] = viewer ? viewer : "";
    args[1] = args[5] = args[8] = args[12] = social_store_site(r);
    args[2] = args[6] = args[9] = args[13] = page;
    args[3] = args[10] = args[14] = older;
    args[4] = args[11] = offset;
    st = run_select(r, dbd, "social_comments_list", &res, 15, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        if (apr_atoi64(column(dbd, row, 0)) == 0) {
            stats->likes = atoi(column(dbd, row, COMMENT_EXTRA));
            stats->liked = atoi(column(dbd, row, COMMENT_EXTRA + 1)) > 0;
            stats->shares = atoi(column(dbd, row, COMMENT_EXTRA + 2));
            stats->comments = atoi(column(dbd, row, COMMENT_EXTRA + 3));
            stats->earlier = atoi(column(dbd, row, COMMENT_EXTRA + 4));
            stats->locked = atoi(column(dbd, row, 7));
        }
        else {
            social_comment *c = apr_array_push(*comments);
            comment_from_row(r, dbd, row, c);
            c->likes = atoi(column(dbd, row, COMMENT_EXTRA));
            c->liked = atoi(column(dbd, row, COMMENT_EXTRA + 1)) > 0;
        }
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_viewer_state(request_rec *r, const char *page,
                                              const char *viewer, int *involved,
                                              int *unread)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[10];
    social_store_status st;
    int k;

    *involved = 0;
    *unread = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    for (k = 0; k < 9; k += 3) {
        args[k] = social_store_site(r);
        args[k + 1] = page;
        args[k + 2] = viewer;
    }
    args[9] = viewer;
    st = run_select(r, dbd, "social_viewer_state", &res, 10, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        *involved = atoi(column(dbd, row, 0)) != 0;
        *unread = atoi(column(dbd, row, 1));
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_comment_get(request_rec *r, apr_int64_t id,
                                             social_comment *c, int *replies)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[3];
    social_store_status st;
    int found = 0;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = r->user ? r->user : "";
    args[1] = int_arg(r, id);
    args[2] = social_store_site(r);
    st = run_select(r, dbd, "social_comment_get", &res, 3, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        if (!found) {
            comment_from_row(r, dbd, row, c);
            *replies = atoi(column(dbd, row, COMMENT_EXTRA));
            c->likes = atoi(column(dbd, row, COMMENT_EXTRA + 1));
            c->liked = atoi(column(dbd, row, COMMENT_EXTRA + 2)) > 0;
            found = 1;
        }
    }
    return found ? SOCIAL_STORE_OK : SOCIAL_STORE_NOT_FOUND;
}

/* MySQL's error number for a duplicate key. */
#define MYSQL_DUPLICATE_KEY 1062

/* Claims an Idempotency-Key inside the write's transaction. A second
 * request with the key waits here on the first one's row lock until it
 * commits, then gets a duplicate key: REPLAYED (the transaction must end
 * before idempotency_result can look; MySQL refuses further statements
 * in a failed transaction). */
static social_store_status idempotency_claim(request_rec *r, ap_dbd_t *dbd,
                                             const social_idempotency *idem,
                                             const char *kind)
{
    apr_dbd_prepared_t *st = statement(r, dbd, "social_idempotency_claim");
    const char *args[4] = { idem->user, idem->key, kind, idem->request_hash };
    int rows = 0, rv;

    if (st == NULL) {
        return SOCIAL_STORE_FAILED;
    }
    rv = apr_dbd_pquery(dbd->driver, r->pool, dbd->handle, &rows, st, 4, args);
    if (rv == 0) {
        return SOCIAL_STORE_OK;
    }
    if (rv == MYSQL_DUPLICATE_KEY) {
        return SOCIAL_STORE_REPLAYED;
    }
    return statement_failed(r, dbd, "social_idempotency_claim", rv);
}

/* After a claim found the key taken: the first request's result
 * (REPLAYED, *first), MISMATCH, or OK if the key is free again (a day
 * old, and now removed) so the write may be tried once more. */
static social_store_status idempotency_result(request_rec *r, ap_dbd_t *dbd,
                                              const social_idempotency *idem,
                                              const char *kind, apr_int64_t *first)
{
    const char *args[3] = { idem->user, idem->key, kind };
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *hash = NULL;
    int found = 0, expired = 0;
    social_store_status st = run_select(r, dbd, "social_idempotency_find", &res, 3, args);

    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        if (!found) {
            hash = apr_pstrdup(r->pool, column(dbd, row, 0));
            *first = apr_atoi64(column(dbd, row, 1));
            expired = atoi(column(dbd, row, 2));
            found = 1;
        }
    }
    if (!found) {
        return SOCIAL_STORE_MISMATCH;   /* the key was used for another kind */
    }
    if (expired) {
        return run_query(r, dbd, "social_idempotency_expire", NULL, 2, args);
    }
    return strcmp(hash, idem->request_hash) == 0 && *first != 0
           ? SOCIAL_STORE_REPLAYED : SOCIAL_STORE_MISMATCH;
}

/* Runs an idempotent write: the transaction, and if its key was taken,
 * the first result (or one more try once an expired key is freed). */
static social_store_status idempotent_write(request_rec *r, ap_dbd_t *dbd,
                                            const social_idempotency *idem,
                                            const char *kind, apr_int64_t *id,
                                            social_store_status (*fn)(request_rec *, ap_dbd_t *, void *),
                                            void *data)
{
    int attempt;
    social_store_status st = SOCIAL_STORE_FAILED;

    for (attempt = 0; attempt < 2; attempt++) {
        st = in_transaction(r, dbd, fn, data);
        if (st != SOCIAL_STORE_REPLAYED || idem == NULL) {
            return st;
        }
        st = idempotency_result(r, dbd, idem, kind, id);
        if (st != SOCIAL_STORE_OK) {
            return st;
        }
    }
    return st;
}

static social_store_status idempotency_settle(request_rec *r, ap_dbd_t *dbd,
                                              const social_idempotency *idem,
                                              apr_int64_t id)
{
    const char *args[3] = { int_arg(r, id), idem->user, idem->key };
    return run_query(r, dbd, "social_idempotency_settle", NULL, 3, args);
}

typedef struct {
    social_comment *c;
    const social_idempotency *idem;
} comment_txn;

static social_store_status comment_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    comment_txn *t = data;
    social_comment *c = t->c;
    const char *args[12];
    apr_int64_t page_id = 0;
    social_store_status st = SOCIAL_STORE_OK;

    if (t->idem != NULL) {
        st = idempotency_claim(r, dbd, t->idem, "comment");
        if (st != SOCIAL_STORE_OK) {
            return st;
        }
    }
    st = page_id_get(r, dbd, c->page, 1, &page_id);
    if (st == SOCIAL_STORE_OK) {
        apr_int64_t locked = 0;
        args[0] = int_arg(r, page_id);
        st = select_int(r, dbd, "social_page_lock_check", 1, args, &locked);
        if (st == SOCIAL_STORE_OK && locked) {
            return SOCIAL_STORE_LOCKED;   /* rolled back: nothing written */
        }
    }
    if (st == SOCIAL_STORE_OK) {
        args[1] = int_arg(r, c->parent);
        args[2] = c->author;
        args[3] = c->author_name;
        args[4] = c->body;
        args[5] = social_comment_status_name(c->status);
        args[6] = c->anchor.exact ? c->anchor.exact : "";
        args[7] = args[9] = c->anchor.exact ? "y" : "n";
        args[8] = c->anchor.exact ? c->anchor.prefix : "";
        args[10] = c->anchor.exact ? c->anchor.suffix : "";
        args[11] = c->anchor.exact ? int_arg(r, c->anchor.position) : "";
        st = run_query(r, dbd, "social_comment_add", NULL, 12, args);
    }
    if (st == SOCIAL_STORE_OK) {
        st = select_int(r, dbd, "social_last_id", 0, NULL, &c->id);
    }
    if (st == SOCIAL_STORE_OK) {
        args[0] = int_arg(r, c->id);
        st = run_query(r, dbd, "social_comment_root", NULL, 1, args);
    }
    if (st == SOCIAL_STORE_OK && c->status == SOCIAL_COMMENT_VISIBLE) {
        /* A pending comment notifies no one: until it is approved only
         * its author sees it, and approving it later notifies no one
         * either (its moment has passed). */
        st = notify_comment(r, dbd, c, page_id);
    }
    if (st == SOCIAL_STORE_OK && t->idem != NULL) {
        st = idempotency_settle(r, dbd, t->idem, c->id);
    }
    return st;
}

social_store_status social_store_comment_add(request_rec *r, social_comment *c,
                                             const social_idempotency *idem)
{
    ap_dbd_t *dbd = store_writer(r);
    comment_txn t = { c, idem };
    social_store_status st;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = idempotent_write(r, dbd, idem, "comment", &c->id, comment_write, &t);
    c->created = apr_time_now();
    c->edited = 0;
    return st;
}

social_store_status social_store_comment_edit(request_rec *r, apr_int64_t id,
                                              const char *body)
{
    ap_dbd_t *dbd = store_writer(r);
    const char *args[2];
    int affected = 0;
    social_store_status st;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = body;
    args[1] = int_arg(r, id);
    st = run_query(r, dbd, "social_comment_edit", &affected, 2, args);
    return st == SOCIAL_STORE_OK && affected == 0 ? SOCIAL_STORE_NOT_FOUND : st;
}

social_store_status social_store_comment_set_status(request_rec *r, apr_int64_t id,
                                                    social_comment_status status)
{
    ap_dbd_t *dbd = store_writer(r);
    const char *args[2];

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    if (status == SOCIAL_COMMENT_DELETED) {
        args[0] = int_arg(r, id);
        return run_query(r, dbd, "social_comment_delete", NULL, 1, args);
    }
    args[0] = social_comment_status_name(status);
    args[1] = int_arg(r, id);
    return run_query(r, dbd, "social_comment_status", NULL, 2, args);
}

social_store_status social_store_page_counts(request_rec *r, const char *page,
                                             int *comments, social_page_stats *stats)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[2];
    social_store_status st;

    *comments = 0;
    memset(stats, 0, sizeof(*stats));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = social_store_site(r);
    args[1] = page;
    st = run_select(r, dbd, "social_page_counts", &res, 2, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        *comments = atoi(column(dbd, row, 0));
        stats->likes = atoi(column(dbd, row, 1));
        stats->shares = atoi(column(dbd, row, 2));
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_person_seen(request_rec *r, const char *user,
                                             const char *name, const char *email)
{
    ap_dbd_t *dbd = store_writer(r);
    const char *args[3];

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = user;
    args[1] = name;
    args[2] = email ? email : "";
    return run_query(r, dbd, "social_person_seen", NULL, 3, args);
}

static const char *like_kind_name(social_like_kind kind)
{
    return kind == SOCIAL_LIKE_PAGE ? "page" : "comment";
}

typedef struct {
    apr_int64_t comment;
    const char *user;
} like_txn;

static social_store_status like_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    like_txn *t = data;
    const char *args[3];
    int added = 0;
    social_store_status st;

    args[0] = "comment";
    args[1] = int_arg(r, t->comment);
    args[2] = t->user;
    st = run_query(r, dbd, "social_like_add", &added, 3, args);
    if (st == SOCIAL_STORE_OK && added == 1) {   /* a new like, not a repeat */
        st = notify_like(r, dbd, t->comment, t->user);
    }
    return st;
}

social_store_status social_store_like(request_rec *r, social_like_kind kind,
                                      const char *page, apr_int64_t comment,
                                      const char *user, int on, int *count,
                                      int *liked)
{
    ap_dbd_t *dbd = store_writer(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[3];
    apr_int64_t target = comment;
    social_store_status st = SOCIAL_STORE_OK;

    *count = 0;
    *liked = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    if (kind == SOCIAL_LIKE_PAGE) {
        st = page_id_get(r, dbd, page, on, &target);
        if (st == SOCIAL_STORE_NOT_FOUND) {
            return SOCIAL_STORE_OK;   /* unliking a page nobody touched */
        }
        if (st != SOCIAL_STORE_OK) {
            return st;
        }
    }
    if (kind == SOCIAL_LIKE_COMMENT && on) {
        /* The like and its notification commit together. */
        like_txn t = { target, user };
        st = in_transaction(r, dbd, like_write, &t);
    }
    else {
        args[0] = like_kind_name(kind);
        args[1] = int_arg(r, target);
        args[2] = user;
        st = run_query(r, dbd, on ? "social_like_add" : "social_like_remove", NULL, 3, args);
    }
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    args[0] = user;
    args[1] = like_kind_name(kind);
    args[2] = int_arg(r, target);
    st = run_select(r, dbd, "social_like_count", &res, 3, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        *count = atoi(column(dbd, row, 0));
        *liked = atoi(column(dbd, row, 1)) > 0;
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_likers(request_rec *r, social_like_kind kind,
                                        const char *page, apr_int64_t comment,
                                        apr_array_header_t **people)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[2];
    apr_int64_t target = comment;
    social_store_status st;

    *people = apr_array_make(r->pool, 8, sizeof(social_person));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    if (kind == SOCIAL_LIKE_PAGE) {
        st = page_id_get(r, dbd, page, 0, &target);
        if (st != SOCIAL_STORE_OK) {
            return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
        }
    }
    args[0] = like_kind_name(kind);
    args[1] = int_arg(r, target);
    st = run_select(r, dbd, "social_likers", &res, 2, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        social_person *pe = apr_array_push(*people);
        pe->user = apr_pstrdup(r->pool, column(dbd, row, 0));
        pe->name = apr_pstrdup(r->pool, column(dbd, row, 1));
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_person_get(request_rec *r, const char *user,
                                            const char **name)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[1];
    social_store_status st;
    int found = 0;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = user;
    st = run_select(r, dbd, "social_person_get", &res, 1, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        if (!found) {
            *name = apr_pstrdup(r->pool, column(dbd, row, 0));
            found = 1;
        }
    }
    return found ? SOCIAL_STORE_OK : SOCIAL_STORE_NOT_FOUND;
}

typedef struct {
    social_share *share;
    apr_array_header_t *recipients;
    const social_idempotency *idem;
} share_txn;

static social_store_status share_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    share_txn *t = data;
    social_share *sh = t->share;
    apr_int64_t page_id = 0;
    const char *args[5];
    social_store_status st = SOCIAL_STORE_OK;
    int k;

    if (t->idem != NULL
        && (st = idempotency_claim(r, dbd, t->idem, "share")) != SOCIAL_STORE_OK) {
        return st;
    }
    st = page_id_get(r, dbd, sh->page, 1, &page_id);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    args[0] = int_arg(r, page_id);
    args[1] = sh->user;
    args[2] = sh->user_name;
    args[3] = sh->note ? sh->note : "";
    args[4] = sh->public ? "1" : "0";
    st = run_query(r, dbd, "social_share_add", NULL, 5, args);
    if (st == SOCIAL_STORE_OK) {
        st = select_int(r, dbd, "social_last_id", 0, NULL, &sh->id);
    }
    for (k = 0; st == SOCIAL_STORE_OK && k < t->recipients->nelts; k++) {
        args[0] = int_arg(r, sh->id);
        args[1] = APR_ARRAY_IDX(t->recipients, k, const char *);
        st = run_query(r, dbd, "social_share_recipient_add", NULL, 2, args);
        if (st == SOCIAL_STORE_OK) {
            st = notify_share(r, dbd, sh, page_id, args[1]);
        }
    }
    if (st == SOCIAL_STORE_OK && t->idem != NULL) {
        st = idempotency_settle(r, dbd, t->idem, sh->id);
    }
    return st;
}

social_store_status social_store_share_add(request_rec *r, social_share *share,
                                           apr_array_header_t *recipients,
                                           const social_idempotency *idem)
{
    ap_dbd_t *dbd = store_writer(r);
    share_txn t = { share, recipients, idem };

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    share->created = apr_time_now();
    return idempotent_write(r, dbd, idem, "share", &share->id, share_write, &t);
}

social_store_status social_store_shares_inbox(request_rec *r, const char *user,
                                              apr_array_header_t **shares)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[2];
    social_store_status st;

    *shares = apr_array_make(r->pool, 8, sizeof(social_share));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = user;
    args[1] = social_store_site(r);
    st = run_select(r, dbd, "social_shares_inbox", &res, 2, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        social_share *sh = apr_array_push(*shares);
        sh->id = apr_atoi64(column(dbd, row, 0));
        sh->page = apr_pstrdup(r->pool, column(dbd, row, 1));
        sh->user = apr_pstrdup(r->pool, column(dbd, row, 2));
        sh->user_name = apr_pstrdup(r->pool, column(dbd, row, 3));
        sh->note = apr_pstrdup(r->pool, column(dbd, row, 4));
        sh->public = atoi(column(dbd, row, 5));
        sh->created = time_from_seconds(column(dbd, row, 6));
    }
    return SOCIAL_STORE_OK;
}

/* ---- polls ---- */

typedef struct {
    const char *page;
    const social_poll_def *def;
    apr_int64_t id;
} poll_txn;

static social_store_status poll_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    poll_txn *t = data;
    const social_poll_def *def = t->def;
    apr_int64_t page_id = 0;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[8];
    const char *closes = apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                                      (apr_int64_t)apr_time_sec(def->closes));
    apr_array_header_t *labels;
    int *kept, next_idx = 0, k, j;
    social_store_status st = page_id_get(r, dbd, t->page, 1, &page_id);

    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    args[0] = int_arg(r, page_id);
    args[1] = def->name;
    args[2] = def->question;
    args[3] = def->multiple ? "1" : "0";
    args[4] = closes;
    args[5] = social_poll_results_name(def->results);
    args[6] = def->definition;
    st = run_query(r, dbd, "social_poll_upsert", NULL, 7, args);
    if (st == SOCIAL_STORE_OK) {
        st = select_int(r, dbd, "social_last_id", 0, NULL, &t->id);
    }
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    /* Options: matched by label; new labels get the next index. */
    args[0] = int_arg(r, t->id);
    st = run_select(r, dbd, "social_poll_options", &res, 1, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    labels = apr_array_make(r->pool, 8, sizeof(social_poll_option));
    while (next_row(r, dbd, res, &row)) {
        social_poll_option *o = apr_array_push(labels);
        o->idx = atoi(column(dbd, row, 0));
        o->label = apr_pstrdup(r->pool, column(dbd, row, 1));
        o->removed = atoi(column(dbd, row, 2));
        if (o->idx >= next_idx) {
            next_idx = o->idx + 1;
        }
    }
    kept = apr_pcalloc(r->pool, sizeof(int) * (labels->nelts + 1));
    for (k = 0; st == SOCIAL_STORE_OK && k < def->noptions; k++) {
        int found = -1;
        for (j = 0; j < labels->nelts; j++) {
            if (strcmp(APR_ARRAY_IDX(labels, j, social_poll_option).label, def->options[k]) == 0) {
                found = j;
                break;
            }
        }
        if (found >= 0) {
            social_poll_option *o = &APR_ARRAY_IDX(labels, found, social_poll_option);
            kept[found] = 1;
            if (o->removed) {
                args[0] = "0";
                args[1] = int_arg(r, t->id);
                args[2] = apr_itoa(r->pool, o->idx);
                st = run_query(r, dbd, "social_poll_option_removed", NULL, 3, args);
            }
            continue;
        }
        args[0] = int_arg(r, t->id);
        args[1] = apr_itoa(r->pool, next_idx++);
        args[2] = def->options[k];
        st = run_query(r, dbd, "social_poll_option_add", NULL, 3, args);
    }
    for (j = 0; st == SOCIAL_STORE_OK && j < labels->nelts; j++) {
        social_poll_option *o = &APR_ARRAY_IDX(labels, j, social_poll_option);
        if (!kept[j] && !o->removed) {
            args[0] = "1";
            args[1] = int_arg(r, t->id);
            args[2] = apr_itoa(r->pool, o->idx);
            st = run_query(r, dbd, "social_poll_option_removed", NULL, 3, args);
            ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                          "SOCIAL0601: poll %s on %s: option \"%s\" is no longer in the "
                          "marker; its votes are kept but not shown", def->name, t->page,
                          o->label);
        }
    }
    return st;
}

social_store_status social_store_poll_sync(request_rec *r, const char *page,
                                           const struct social_poll_def *def,
                                           apr_int64_t *id, int *changed)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[3];
    const char *stored = NULL;
    poll_txn t = { page, def, 0 };
    social_store_status st;

    *changed = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = social_store_site(r);
    args[1] = page;
    args[2] = def->name;
    st = run_select(r, dbd, "social_poll_find", &res, 3, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        *id = apr_atoi64(column(dbd, row, 0));
        stored = apr_pstrdup(r->pool, column(dbd, row, 1));
    }
    if (stored != NULL && strcmp(stored, def->definition) == 0) {
        return SOCIAL_STORE_OK;
    }
    if ((dbd = store_writer(r)) == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = in_transaction(r, dbd, poll_write, &t);
    if (st == SOCIAL_STORE_OK) {
        *id = t.id;
        *changed = 1;
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "SOCIAL0602: poll %s on %s %s from its marker", def->name, page,
                      stored ? "updated" : "created");
    }
    return st;
}

/* Reads POLL_SELECT rows into polls (array of social_poll). */
static void polls_read(request_rec *r, ap_dbd_t *dbd, apr_dbd_results_t *res,
                       apr_array_header_t *polls)
{
    apr_dbd_row_t *row = NULL;
    social_poll *poll = NULL;

    while (next_row(r, dbd, res, &row)) {
        apr_int64_t id = apr_atoi64(column(dbd, row, 0));
        social_poll_option *o;

        if (poll == NULL || poll->id != id) {
            poll = apr_array_push(polls);
            poll->id = id;
            poll->page = apr_pstrdup(r->pool, column(dbd, row, 1));
            poll->name = apr_pstrdup(r->pool, column(dbd, row, 2));
            poll->question = apr_pstrdup(r->pool, column(dbd, row, 3));
            poll->multiple = atoi(column(dbd, row, 4));
            poll->closes = time_from_seconds(column(dbd, row, 5));
            poll->results = strcmp(column(dbd, row, 6), "after-vote") == 0
                            ? SOCIAL_POLL_RESULTS_AFTER_VOTE
                            : strcmp(column(dbd, row, 6), "after-close") == 0
                            ? SOCIAL_POLL_RESULTS_AFTER_CLOSE : SOCIAL_POLL_RESULTS_ALWAYS;
            poll->closed = atoi(column(dbd, row, 7));
            poll->ballots = atoi(column(dbd, row, 8));
            poll->voted = atoi(column(dbd, row, 9)) > 0;
            poll->locked = atoi(column(dbd, row, 15));
            poll->options = apr_array_make(r->pool, 4, sizeof(social_poll_option));
        }
        o = apr_array_push(poll->options);
        o->idx = atoi(column(dbd, row, 10));
        o->label = apr_pstrdup(r->pool, column(dbd, row, 11));
        o->removed = atoi(column(dbd, row, 12));
        o->votes = atoi(column(dbd, row, 13));
        o->mine = atoi(column(dbd, row, 14)) > 0;
    }
}

social_store_status social_store_polls_list(request_rec *r, const char *page,
                                            const char *viewer,
                                            apr_array_header_t **polls)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    const char *args[4];
    social_store_status st;

    *polls = apr_array_make(r->pool, 2, sizeof(social_poll));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = args[1] = viewer ? viewer : "";
    args[2] = social_store_site(r);
    args[3] = page;
    st = run_select(r, dbd, "social_polls_list", &res, 4, args);
    if (st == SOCIAL_STORE_OK) {
        polls_read(r, dbd, res, *polls);
    }
    return st;
}

social_store_status social_store_poll_get(request_rec *r, apr_int64_t id,
                                          const char *viewer, social_poll *poll)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    const char *args[4];
    apr_array_header_t *polls = apr_array_make(r->pool, 1, sizeof(social_poll));
    social_store_status st;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = args[1] = viewer ? viewer : "";
    args[2] = int_arg(r, id);
    args[3] = social_store_site(r);
    st = run_select(r, dbd, "social_poll_get", &res, 4, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    polls_read(r, dbd, res, polls);
    if (polls->nelts == 0) {
        return SOCIAL_STORE_NOT_FOUND;
    }
    *poll = APR_ARRAY_IDX(polls, 0, social_poll);
    return SOCIAL_STORE_OK;
}

typedef struct {
    apr_int64_t id;
    const char *user;
    const int *choices;
    int n;
} vote_txn;

static social_store_status vote_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    vote_txn *t = data;
    const char *args[3];
    social_store_status st;
    int k;

    args[0] = int_arg(r, t->id);
    args[1] = t->user;
    /* The ballot row is locked first: racing votes of one person queue
     * here, and the last one wins whole. */
    st = run_query(r, dbd, "social_poll_ballot", NULL, 2, args);
    if (st == SOCIAL_STORE_OK) {
        st = run_query(r, dbd, "social_poll_choices_clear", NULL, 2, args);
    }
    for (k = 0; st == SOCIAL_STORE_OK && k < t->n; k++) {
        args[2] = apr_itoa(r->pool, t->choices[k]);
        st = run_query(r, dbd, "social_poll_choice_add", NULL, 3, args);
    }
    return st;
}

social_store_status social_store_poll_vote(request_rec *r, apr_int64_t id,
                                           const char *user, const int *choices,
                                           int n)
{
    ap_dbd_t *dbd = store_writer(r);
    vote_txn t = { id, user, choices, n };

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    return in_transaction(r, dbd, vote_write, &t);
}

/* ---- moderation ---- */

/* Writes one audit entry (inside the caller's transaction). */
static social_store_status audit_write(request_rec *r, ap_dbd_t *dbd,
                                       const social_audit_entry *a,
                                       apr_int64_t target_id, const char *target)
{
    const char *args[7];

    args[0] = social_store_site(r);
    args[1] = a->actor ? a->actor : "";
    args[2] = a->action;
    args[3] = a->target_kind;
    args[4] = int_arg(r, target_id);
    args[5] = target ? target : "";
    args[6] = a->reason ? a->reason : "";
    return run_query(r, dbd, "social_audit_add", NULL, 7, args);
}

typedef struct {
    const apr_int64_t *ids;
    int n;
    social_comment_status status;
    const social_audit_entry *audit;
    apr_hash_t *pages;          /* the page paths of the comments, as keys */
} moderate_txn;

static social_store_status moderate_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    moderate_txn *t = data;
    social_store_status st = SOCIAL_STORE_OK;
    int k;

    for (k = 0; k < t->n && st == SOCIAL_STORE_OK; k++) {
        const char *args[2] = { int_arg(r, t->ids[k]), social_store_site(r) };
        apr_dbd_results_t *res;
        apr_dbd_row_t *row = NULL;
        const char *path = NULL;

        st = run_select(r, dbd, "social_comment_target", &res, 2, args);
        if (st != SOCIAL_STORE_OK) {
            break;
        }
        while (next_row(r, dbd, res, &row)) {
            path = apr_pstrdup(r->pool, column(dbd, row, 0));
        }
        if (path == NULL) {
            return SOCIAL_STORE_NOT_FOUND;
        }
        apr_hash_set(t->pages, path, APR_HASH_KEY_STRING, path);
        if (t->status == SOCIAL_COMMENT_DELETED) {
            st = run_query(r, dbd, "social_comment_delete", NULL, 1, args);
        }
        else {
            const char *set[2] = { social_comment_status_name(t->status), args[0] };
            st = run_query(r, dbd, "social_comment_status", NULL, 2, set);
        }
        if (st == SOCIAL_STORE_OK) {
            st = audit_write(r, dbd, t->audit, t->ids[k], path);
        }
    }
    return st;
}

social_store_status social_store_comments_moderate(request_rec *r,
                                                   const apr_int64_t *ids, int n,
                                                   social_comment_status status,
                                                   const social_audit_entry *audit,
                                                   apr_hash_t **pages)
{
    ap_dbd_t *dbd = store_writer(r);
    moderate_txn t = { ids, n, status, audit, apr_hash_make(r->pool) };

    if (pages != NULL) {
        *pages = t.pages;
    }
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    return in_transaction(r, dbd, moderate_write, &t);
}

social_store_status social_store_queue(request_rec *r, const social_queue_filter *f,
                                       apr_array_header_t **comments)
{
    ap_dbd_t *dbd = store_connection(r);
    const char *page = f->page ? f->page : "";
    const char *author = f->author ? f->author : "";
    const char *status = f->status ? f->status : "";
    const char *args[10], *label;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    social_store_status st;

    *comments = apr_array_make(r->pool, 16, sizeof(social_comment));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    /* The most selective filter leads, so its index is used. */
    label = *page ? "social_queue_page" : *author ? "social_queue_author"
          : *status ? "social_queue_status" : "social_queue_all";
    args[0] = *page ? page : *author ? author : *status ? status : "";
    args[1] = social_store_site(r);
    args[2] = args[3] = page;
    args[4] = args[5] = author;
    args[6] = args[7] = status;
    args[8] = args[9] = int_arg(r, f->before > 0 ? f->before : 0);
    st = run_select(r, dbd, label, &res, 10, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        if ((*comments)->nelts < f->limit) {
            social_comment *c = apr_array_push(*comments);
            comment_from_row(r, dbd, row, c);
            c->likes = atoi(column(dbd, row, 9));
        }
    }
    return SOCIAL_STORE_OK;
}

typedef struct {
    const char *page;
    int locked;
    const social_audit_entry *audit;
} lock_txn;

static social_store_status lock_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    lock_txn *t = data;
    apr_int64_t page_id = 0;
    social_store_status st = page_id_get(r, dbd, t->page, 1, &page_id);

    if (st == SOCIAL_STORE_OK) {
        const char *args[2] = { t->locked ? "1" : "0", int_arg(r, page_id) };
        st = run_query(r, dbd, "social_page_lock", NULL, 2, args);
    }
    if (st == SOCIAL_STORE_OK) {
        st = audit_write(r, dbd, t->audit, 0, t->page);
    }
    return st;
}

social_store_status social_store_page_lock(request_rec *r, const char *page, int locked,
                                           const social_audit_entry *audit)
{
    ap_dbd_t *dbd = store_writer(r);
    lock_txn t = { page, locked, audit };

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    return in_transaction(r, dbd, lock_write, &t);
}

/* Reads every row of a select on this site's name into an array of
 * strings (column 0). */
static social_store_status strings_read(request_rec *r, ap_dbd_t *dbd, const char *label,
                                        int nargs, const char **args,
                                        apr_array_header_t **out)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    social_store_status st = run_select(r, dbd, label, &res, nargs, args);

    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        APR_ARRAY_PUSH(*out, const char *) = apr_pstrdup(r->pool, column(dbd, row, 0));
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_locked_pages(request_rec *r, apr_array_header_t **pages)
{
    ap_dbd_t *dbd = store_connection(r);
    const char *args[1] = { social_store_site(r) };

    *pages = apr_array_make(r->pool, 8, sizeof(const char *));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    return strings_read(r, dbd, "social_locked_pages", 1, args, pages);
}

typedef struct {
    apr_int64_t id;
    int closed;
    const social_audit_entry *audit;
} poll_close_txn;

static social_store_status poll_close_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    poll_close_txn *t = data;
    const char *args[2] = { int_arg(r, t->id), social_store_site(r) };
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *target = NULL;
    social_store_status st = run_select(r, dbd, "social_poll_target", &res, 2, args);

    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        target = apr_pstrcat(r->pool, column(dbd, row, 0), "#poll-", column(dbd, row, 1), NULL);
    }
    if (target == NULL) {
        return SOCIAL_STORE_NOT_FOUND;
    }
    {
        const char *set[2] = { t->closed ? "1" : "0", args[0] };
        st = run_query(r, dbd, "social_poll_closed", NULL, 2, set);
    }
    return st == SOCIAL_STORE_OK ? audit_write(r, dbd, t->audit, t->id, target) : st;
}

social_store_status social_store_poll_moderate(request_rec *r, apr_int64_t id, int closed,
                                               const social_audit_entry *audit)
{
    ap_dbd_t *dbd = store_writer(r);
    poll_close_txn t = { id, closed, audit };

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    return in_transaction(r, dbd, poll_close_write, &t);
}

social_store_status social_store_polls_recent(request_rec *r, apr_array_header_t **polls)
{
    ap_dbd_t *dbd = store_connection(r);
    const char *args[1] = { social_store_site(r) };
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    social_store_status st;

    *polls = apr_array_make(r->pool, 8, sizeof(social_poll));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = run_select(r, dbd, "social_polls_recent", &res, 1, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        social_poll *p = apr_array_push(*polls);
        memset(p, 0, sizeof(*p));
        p->id = apr_atoi64(column(dbd, row, 0));
        p->page = apr_pstrdup(r->pool, column(dbd, row, 1));
        p->name = apr_pstrdup(r->pool, column(dbd, row, 2));
        p->question = apr_pstrdup(r->pool, column(dbd, row, 3));
        p->closed = atoi(column(dbd, row, 4));
        p->ballots = atoi(column(dbd, row, 5));
    }
    return SOCIAL_STORE_OK;
}

static void ban_from_row(request_rec *r, ap_dbd_t *dbd, apr_dbd_row_t *row, social_ban *b)
{
    b->user = apr_pstrdup(r->pool, column(dbd, row, 0));
    b->reason = apr_pstrdup(r->pool, column(dbd, row, 1));
    b->expires = apr_time_from_sec(apr_atoi64(column(dbd, row, 2)));
    b->banned_by = apr_pstrdup(r->pool, column(dbd, row, 3));
    b->created = time_from_seconds(column(dbd, row, 4));
}

social_store_status social_store_ban_get(request_rec *r, const char *user, social_ban *ban)
{
    ap_dbd_t *dbd = store_connection(r);
    const char *args[1] = { user };
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    social_store_status st;
    int found = 0;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = run_select(r, dbd, "social_ban_get", &res, 1, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        if (!found) {
            ban_from_row(r, dbd, row, ban);
            found = 1;
        }
    }
    return found ? SOCIAL_STORE_OK : SOCIAL_STORE_NOT_FOUND;
}

typedef struct {
    const char *user;
    const social_ban *ban;
    const social_audit_entry *audit;
} ban_txn;

static social_store_status ban_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    ban_txn *t = data;
    social_store_status st;

    if (t->ban != NULL) {
        const char *args[4] = { t->user, t->ban->reason,
                                int_arg(r, apr_time_sec(t->ban->expires)),
                                t->ban->banned_by };
        st = run_query(r, dbd, "social_ban_set", NULL, 4, args);
    }
    else {
        const char *args[1] = { t->user };
        st = run_query(r, dbd, "social_ban_lift", NULL, 1, args);
    }
    return st == SOCIAL_STORE_OK ? audit_write(r, dbd, t->audit, 0, t->user) : st;
}

social_store_status social_store_ban_set(request_rec *r, const char *user,
                                         const social_ban *ban,
                                         const social_audit_entry *audit)
{
    ap_dbd_t *dbd = store_writer(r);
    ban_txn t = { user, ban, audit };

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    return in_transaction(r, dbd, ban_write, &t);
}

social_store_status social_store_bans_list(request_rec *r, apr_array_header_t **bans)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    social_store_status st;

    *bans = apr_array_make(r->pool, 8, sizeof(social_ban));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = run_select(r, dbd, "social_bans_list", &res, 0, NULL);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        ban_from_row(r, dbd, row, apr_array_push(*bans));
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_audit_list(request_rec *r, apr_int64_t before, int limit,
                                            apr_array_header_t **entries)
{
    ap_dbd_t *dbd = store_connection(r);
    const char *args[4];
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    social_store_status st;

    *entries = apr_array_make(r->pool, 16, sizeof(social_audit_entry));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = social_store_site(r);
    args[1] = args[2] = int_arg(r, before > 0 ? before : 0);
    args[3] = int_arg(r, limit);
    st = run_select(r, dbd, "social_audit_list", &res, 4, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        social_audit_entry *a = apr_array_push(*entries);

        a->id = apr_atoi64(column(dbd, row, 0));
        a->actor = apr_pstrdup(r->pool, column(dbd, row, 1));
        a->action = apr_pstrdup(r->pool, column(dbd, row, 2));
        a->target_kind = apr_pstrdup(r->pool, column(dbd, row, 3));
        a->target_id = apr_atoi64(column(dbd, row, 4));
        a->target = apr_pstrdup(r->pool, column(dbd, row, 5));
        a->reason = apr_pstrdup(r->pool, column(dbd, row, 6));
        a->created = time_from_seconds(column(dbd, row, 7));
    }
    return SOCIAL_STORE_OK;
}

/* ---- engagement figures ---- */

/* (site, from, to) four times, for STATS_EVENTS. */
static const char **stats_args(request_rec *r, apr_int64_t from, apr_int64_t to)
{
    const char **args = apr_palloc(r->pool, 12 * sizeof(*args));
    int k;

    for (k = 0; k < 4; k++) {
        args[3 * k] = social_store_site(r);
        args[3 * k + 1] = int_arg(r, from);
        args[3 * k + 2] = int_arg(r, to);
    }
    return args;
}

social_store_status social_store_stats_daily(request_rec *r, apr_int64_t from,
                                             apr_int64_t to, apr_array_header_t **days)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    social_store_status st;

    *days = apr_array_make(r->pool, 64, sizeof(social_stat_day));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = run_select(r, dbd, "social_stats_daily", &res, 12, stats_args(r, from, to));
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        social_stat_day *d = apr_array_push(*days);
        d->kind = atoi(column(dbd, row, 0));
        d->day = apr_atoi64(column(dbd, row, 1));
        d->count = atoi(column(dbd, row, 2));
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_stats_rank(request_rec *r, social_rank_kind kind,
                                            apr_int64_t from, apr_int64_t to,
                                            apr_array_header_t **ranks)
{
    static const char *const labels[] = {
        "social_stats_pages", "social_stats_people", "social_stats_sections"
    };
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    social_store_status st;

    *ranks = apr_array_make(r->pool, 10, sizeof(social_stat_rank));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = run_select(r, dbd, labels[kind], &res, 12, stats_args(r, from, to));
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        social_stat_rank *k = apr_array_push(*ranks);
        k->name = apr_pstrdup(r->pool, column(dbd, row, 0));
        k->label = apr_pstrdup(r->pool, column(dbd, row, 1));
        k->comments = atoi(column(dbd, row, 2));
        k->actions = atoi(column(dbd, row, 3));
    }
    return SOCIAL_STORE_OK;
}

/* ---- exports ---- */

typedef struct {
    const char *label;
    int ncols;
    const char *const *names;
    const char *types;         /* n number, s string, t time (Unix seconds -> ISO 8601) */
} export_shape;

static const char *const export_comment_cols[] = {
    "id", "page", "parent", "author", "author_name", "status", "created", "edited", "body" };
static const char *const export_like_cols[] = {
    "target_kind", "target_id", "page", "user", "created" };
static const char *const export_share_cols[] = {
    "id", "page", "user", "user_name", "note", "public", "recipients", "created" };
static const char *const export_poll_cols[] = {
    "poll_id", "page", "name", "question", "closed", "ballots", "option_index",
    "option", "option_removed", "votes" };
static const char *const export_audit_cols[] = {
    "id", "created", "actor", "action", "target_kind", "target_id", "target", "reason" };

static const export_shape export_shapes[] = {
    { "social_export_comments", 9, export_comment_cols, "nsnsssttS" },
    { "social_export_likes", 5, export_like_cols, "snsst" },
    { "social_export_shares", 8, export_share_cols, "nsssSnnt" },
    { "social_export_polls", 10, export_poll_cols, "nsssnnnsnn" },
    { "social_export_audit", 8, export_audit_cols, "ntsssnsS" },
};

social_store_status social_store_export(request_rec *r, social_export_kind kind,
                                        apr_int64_t from, apr_int64_t to,
                                        social_export_table *table)
{
    const export_shape *shape = &export_shapes[kind];
    ap_dbd_t *dbd = store_connection(r);
    const char *args[5];
    char *numeric;
    int nargs = 3, k;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    social_store_status st;

    memset(table, 0, sizeof(*table));
    table->ncols = shape->ncols;
    table->names = shape->names;
    table->rows = apr_array_make(r->pool, 64, sizeof(const char **));
    numeric = apr_pstrdup(r->pool, shape->types);
    for (k = 0; k < shape->ncols; k++) {
        numeric[k] = shape->types[k] == 'n' ? 'n' : 's';
    }
    table->numeric = numeric;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = social_store_site(r);
    if (kind == SOCIAL_EXPORT_POLLS) {
        args[1] = int_arg(r, to);
        args[2] = args[3] = int_arg(r, from);
        args[4] = args[1];
        nargs = 5;
    }
    else {
        args[1] = int_arg(r, from);
        args[2] = int_arg(r, to);
    }
    st = run_select(r, dbd, shape->label, &res, nargs, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        const char **cells;
        if (table->rows->nelts >= SOCIAL_EXPORT_MAX_ROWS) {
            table->truncated = 1;
            continue;   /* drain */
        }
        cells = apr_palloc(r->pool, shape->ncols * sizeof(*cells));
        for (k = 0; k < shape->ncols; k++) {
            const char *v = column(dbd, row, k);
            if (shape->types[k] == 't') {
                apr_time_t t = time_from_seconds(v);
                cells[k] = t > 0 ? social_text_time_iso(r->pool, t) : "";
            }
            else {
                cells[k] = apr_pstrdup(r->pool, v);
            }
        }
        APR_ARRAY_PUSH(table->rows, const char **) = cells;
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_schema_version(request_rec *r, int *version)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_int64_t v = 0;
    social_store_status st;

    *version = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = select_int(r, dbd, "social_schema_version", 0, NULL, &v);
    if (st == SOCIAL_STORE_FAILED) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0104: reading the schema version failed (see above): "
                      "has `social-db upgrade` created the tables?");
    }
    *version = (int)v;
    return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
}

/* ---- activity stream and notifications (migration 007) ---- */

static social_store_status notify_comment(request_rec *r, ap_dbd_t *dbd,
                                          const social_comment *c, apr_int64_t page_id)
{
    apr_array_header_t *names;
    const char *args[6];
    social_store_status st = SOCIAL_STORE_OK;
    int k;

    if (c->author == NULL || *c->author == '\0') {
        return SOCIAL_STORE_OK;   /* anonymous comments notify nobody */
    }
    if (c->parent != 0) {
        args[0] = int_arg(r, c->id);
        args[1] = c->author;
        args[2] = c->author_name;
        args[3] = int_arg(r, c->parent);
        args[4] = c->author;
        st = run_query(r, dbd, "social_notify_reply", NULL, 5, args);
    }
    names = social_mention_names(r->pool, c->body);
    for (k = 0; st == SOCIAL_STORE_OK && k < names->nelts; k++) {
        args[0] = int_arg(r, c->id);
        args[1] = int_arg(r, page_id);
        args[2] = c->author;
        args[3] = c->author_name;
        args[4] = APR_ARRAY_IDX(names, k, const char *);
        args[5] = c->author;
        st = run_query(r, dbd, "social_notify_mention", NULL, 6, args);
    }
    return st;
}

static social_store_status notify_share(request_rec *r, ap_dbd_t *dbd,
                                        const social_share *sh, apr_int64_t page_id,
                                        const char *recipient)
{
    const char *args[7];

    args[0] = recipient;
    args[1] = int_arg(r, sh->id);
    args[2] = int_arg(r, page_id);
    args[3] = sh->user;
    args[4] = sh->user_name;
    args[5] = recipient;
    args[6] = sh->user;
    return run_query(r, dbd, "social_notify_share", NULL, 7, args);
}

static social_store_status notify_like(request_rec *r, ap_dbd_t *dbd,
                                       apr_int64_t comment, const char *user)
{
    const char *args[5];

    args[0] = user;
    args[1] = user;
    args[2] = user;
    args[3] = int_arg(r, comment);
    args[4] = user;
    return run_query(r, dbd, "social_notify_like", NULL, 5, args);
}

/* prefix with LIKE's wildcards and escape character escaped, then '%'. */
static const char *like_prefix(apr_pool_t *p, const char *prefix)
{
    size_t n = strlen(prefix), k, o = 0;
    char *out = apr_palloc(p, 2 * n + 2);

    for (k = 0; k < n; k++) {
        if (prefix[k] == '%' || prefix[k] == '_' || prefix[k] == '\\') {
            out[o++] = '\\';
        }
        out[o++] = prefix[k];
    }
    out[o++] = '%';
    out[o] = '\0';
    return out;
}

/* Seconds with microseconds, as FROM_UNIXTIME reads them. */
static const char *seconds_arg(request_rec *r, apr_time_t t)
{
    return apr_psprintf(r->pool, "%" APR_INT64_T_FMT ".%06d",
                        (apr_int64_t)apr_time_sec(t), (int)apr_time_usec(t));
}

social_store_status social_store_activity(request_rec *r, apr_time_t before,
                                          const char *user, const char *section,
                                          apr_array_header_t **items)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[20];
    const char *when = seconds_arg(r, before);
    const char *prefix = like_prefix(r->pool, section ? section : "/");
    social_store_status st;
    int b, n = 0;

    *items = apr_array_make(r->pool, SOCIAL_ACTIVITY_BATCH, sizeof(social_activity));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    /* comments, shares, page likes, comment likes (and polls for anyone) */
    for (b = 0; b < (user ? 4 : 5); b++) {
        args[n++] = social_store_site(r);
        args[n++] = when;
        if (user) {
            args[n++] = user;
        }
        args[n++] = prefix;
    }
    st = run_select(r, dbd, user ? "social_activity_by" : "social_activity", &res, n, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        social_activity *a = apr_array_push(*items);
        a->kind = column(dbd, row, 0)[0];
        a->id = apr_atoi64(column(dbd, row, 1));
        a->page = apr_pstrdup(r->pool, column(dbd, row, 2));
        a->user = apr_pstrdup(r->pool, column(dbd, row, 3));
        a->name = apr_pstrdup(r->pool, column(dbd, row, 4));
        a->text = apr_pstrdup(r->pool, column(dbd, row, 5));
        a->created = time_from_seconds(column(dbd, row, 6));
        a->number = apr_atoi64(column(dbd, row, 7));
        a->subject = apr_pstrdup(r->pool, column(dbd, row, 8));
    }
    return SOCIAL_STORE_OK;
}

static void notification_from_row(request_rec *r, ap_dbd_t *dbd, apr_dbd_row_t *row,
                                  social_notification *n)
{
    n->id = apr_atoi64(column(dbd, row, 0));
    n->kind = apr_pstrdup(r->pool, column(dbd, row, 1));
    n->target = apr_atoi64(column(dbd, row, 2));
    n->page = apr_pstrdup(r->pool, column(dbd, row, 3));
    n->actor = apr_pstrdup(r->pool, column(dbd, row, 4));
    n->actor_name = apr_pstrdup(r->pool, column(dbd, row, 5));
    n->created = time_from_seconds(column(dbd, row, 6));
    n->read = atoi(column(dbd, row, 7));
    n->text = apr_pstrdup(r->pool, column(dbd, row, 8));
    n->likes = atoi(column(dbd, row, 9));
}

social_store_status social_store_notifications(request_rec *r, const char *user,
                                               const char *mode,
                                               apr_array_header_t **list)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[5];
    social_store_status st;

    *list = apr_array_make(r->pool, 16, sizeof(social_notification));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = user;
    args[1] = social_store_site(r);
    args[2] = args[3] = args[4] = mode;
    st = run_select(r, dbd, "social_notifications_list", &res, 5, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        social_notification *n = apr_array_push(*list);
        notification_from_row(r, dbd, row, n);
        if (strcmp(n->kind, "like") == 0 && n->likes == 0) {
            (*list)->nelts--;   /* every like was taken back */
        }
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_notification_get(request_rec *r, const char *user,
                                                  apr_int64_t id, social_notification *n)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[3];
    social_store_status st;
    int found = 0;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = int_arg(r, id);
    args[1] = user;
    args[2] = social_store_site(r);
    st = run_select(r, dbd, "social_notification_get", &res, 3, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        if (!found) {
            notification_from_row(r, dbd, row, n);
            found = 1;
        }
    }
    return found ? SOCIAL_STORE_OK : SOCIAL_STORE_NOT_FOUND;
}

social_store_status social_store_notifications_unread(request_rec *r, const char *user,
                                                      int *count)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_int64_t v = 0;
    social_store_status st;

    *count = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = select_int(r, dbd, "social_notifications_unread", 1, &user, &v);
    *count = (int)v;
    return st;
}

social_store_status social_store_notifications_unread_pages(request_rec *r, const char *user,
                                                            apr_array_header_t **pages)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[2];
    social_store_status st;

    *pages = apr_array_make(r->pool, 8, sizeof(social_page_unread));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = user;
    args[1] = social_store_site(r);
    st = run_select(r, dbd, "social_notifications_unread_pages", &res, 2, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        social_page_unread *u = apr_array_push(*pages);
        u->page = apr_pstrdup(r->pool, column(dbd, row, 0));
        u->count = atoi(column(dbd, row, 1));
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_notification_read(request_rec *r, const char *user,
                                                   apr_int64_t id)
{
    ap_dbd_t *dbd = store_writer(r);
    const char *args[2];
    int rows = 0;
    social_store_status st;

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = int_arg(r, id);
    args[1] = user;
    st = run_query(r, dbd, "social_notification_read", &rows, 2, args);
    if (st == SOCIAL_STORE_OK && rows == 0) {
        /* Nothing changed: read before, or not the user's at all. */
        social_notification n;
        st = social_store_notification_get(r, user, id, &n);
    }
    return st;
}

social_store_status social_store_notifications_read_all(request_rec *r, const char *user,
                                                        int *changed)
{
    ap_dbd_t *dbd = store_writer(r);

    *changed = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    return run_query(r, dbd, "social_notifications_read_all", changed, 1, &user);
}

social_store_status social_store_people_search(request_rec *r, const char *prefix,
                                               apr_array_header_t **people)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[2];
    social_store_status st;

    *people = apr_array_make(r->pool, 10, sizeof(social_person));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = args[1] = like_prefix(r->pool, prefix);
    st = run_select(r, dbd, "social_people_search", &res, 2, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        social_person *pe = apr_array_push(*people);
        pe->user = apr_pstrdup(r->pool, column(dbd, row, 0));
        pe->name = apr_pstrdup(r->pool, column(dbd, row, 1));
    }
    return SOCIAL_STORE_OK;
}

social_store_status social_store_notify_email_off(request_rec *r, const char *user,
                                                  int *off)
{
    ap_dbd_t *dbd = store_connection(r);
    apr_int64_t v = 0;
    social_store_status st;

    *off = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = select_int(r, dbd, "social_notify_settings_get", 1, &user, &v);
    *off = v != 0;
    return st == SOCIAL_STORE_NOT_FOUND ? SOCIAL_STORE_OK : st;
}

social_store_status social_store_notify_set_email_off(request_rec *r, const char *user,
                                                      int off)
{
    ap_dbd_t *dbd = store_writer(r);
    const char *args[2];

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = user;
    args[1] = off ? "1" : "0";
    return run_query(r, dbd, "social_notify_settings_email", NULL, 2, args);
}

social_store_status social_store_mail_lock(request_rec *r, int lock, int *held)
{
    ap_dbd_t *dbd = store_writer(r);
    apr_int64_t v = 0;
    social_store_status st;

    *held = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = select_int(r, dbd, lock ? "social_mail_lock" : "social_mail_unlock", 0, NULL, &v);
    *held = v == 1;
    return st;
}

social_store_status social_store_mail_due(request_rec *r, int interval,
                                          apr_array_header_t **people)
{
    ap_dbd_t *dbd = store_writer(r);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *arg = apr_itoa(r->pool, interval);
    social_store_status st;

    *people = apr_array_make(r->pool, 4, sizeof(social_recipient));
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    st = run_select(r, dbd, "social_mail_due", &res, 1, &arg);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        social_recipient *to = apr_array_push(*people);
        to->user = apr_pstrdup(r->pool, column(dbd, row, 0));
        to->name = apr_pstrdup(r->pool, column(dbd, row, 1));
        to->email = apr_pstrdup(r->pool, column(dbd, row, 2));
    }
    return SOCIAL_STORE_OK;
}

typedef struct {
    const char *user;
    apr_time_t upto;
} mail_txn;

static social_store_status mail_write(request_rec *r, ap_dbd_t *dbd, void *data)
{
    mail_txn *t = data;
    const char *args[2];
    social_store_status st;

    args[0] = t->user;
    args[1] = seconds_arg(r, t->upto);
    st = run_query(r, dbd, "social_mail_done", NULL, 2, args);
    if (st == SOCIAL_STORE_OK) {
        st = run_query(r, dbd, "social_mail_stamp", NULL, 1, args);
    }
    return st;
}

social_store_status social_store_mail_done(request_rec *r, const char *user,
                                           apr_time_t upto)
{
    ap_dbd_t *dbd = store_writer(r);
    mail_txn t = { user, upto };

    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    return in_transaction(r, dbd, mail_write, &t);
}

social_store_status social_store_page_locked(request_rec *r, const char *page, int *locked)
{
    ap_dbd_t *dbd = store_connection(r);
    const char *args[2];
    apr_int64_t value = 0;
    social_store_status st;

    *locked = 0;
    if (dbd == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = social_store_site(r);
    args[1] = page;
    st = select_int(r, dbd, "social_page_locked", 2, args, &value);
    if (st == SOCIAL_STORE_NOT_FOUND) {
        return SOCIAL_STORE_OK;   /* no row yet: nobody locked it */
    }
    *locked = st == SOCIAL_STORE_OK && value != 0;
    return st;
}

/* ---- counts of many pages (filter markers) ---- */

/* The visible comments of up to SOCIAL_STORE_COUNTS_MANY_MAX pages in one
 * statement; arguments: the site, then that many paths (unused places
 * repeat the first). Rows: path, count, for the pages that have a row. */
#define COUNTS_MANY_10 "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s"
static const social_statement counts_many_statements[] = {
    { "social_counts_many",
      "SELECT p.path, (SELECT COUNT(*) FROM social_comments c WHERE c.page_id = p.id "
      "AND c.status = 'visible') FROM social_pages p WHERE p.site = %s AND p.path IN ("
      COUNTS_MANY_10 ", " COUNTS_MANY_10 ", " COUNTS_MANY_10 ", " COUNTS_MANY_10 ", "
      COUNTS_MANY_10 ")" },
};

static void counts_many_statements_add(apr_hash_t *sql)
{
    size_t k;
    for (k = 0; k < sizeof(counts_many_statements) / sizeof(counts_many_statements[0]); k++) {
        apr_hash_set(sql, counts_many_statements[k].label, APR_HASH_KEY_STRING,
                     counts_many_statements[k].sql);
    }
}

social_store_status social_store_counts_many(request_rec *r, int n, const char *const *pages,
                                             int *comments)
{
    ap_dbd_t *dbd;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    const char *args[1 + SOCIAL_STORE_COUNTS_MANY_MAX];
    social_store_status st;
    int k;

    for (k = 0; k < n; k++) {
        comments[k] = 0;
    }
    if (n <= 0) {
        return SOCIAL_STORE_OK;
    }
    if (n > SOCIAL_STORE_COUNTS_MANY_MAX) {
        return SOCIAL_STORE_FAILED;
    }
    if ((dbd = store_connection(r)) == NULL) {
        return SOCIAL_STORE_DOWN;
    }
    args[0] = social_store_site(r);
    for (k = 0; k < SOCIAL_STORE_COUNTS_MANY_MAX; k++) {
        args[1 + k] = pages[k < n ? k : 0];
    }
    st = run_select(r, dbd, "social_counts_many", &res, 1 + SOCIAL_STORE_COUNTS_MANY_MAX, args);
    if (st != SOCIAL_STORE_OK) {
        return st;
    }
    while (next_row(r, dbd, res, &row)) {
        const char *path = column(dbd, row, 0);
        int count = atoi(column(dbd, row, 1));
        for (k = 0; k < n; k++) {
            if (strcmp(pages[k], path) == 0) {
                comments[k] = count;
            }
        }
    }
    return SOCIAL_STORE_OK;
}
