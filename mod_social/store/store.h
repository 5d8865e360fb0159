/* store.h: mod_social's data in MySQL/MariaDB, reached through mod_dbd.
 * Only store/ knows SQL (store.c and store_<domain>.c); callers get plain
 * C values back. */
#ifndef SOCIAL_STORE_H
#define SOCIAL_STORE_H

#include <apr_hash.h>
#include <httpd.h>

#include "document.h"

/* The schema this build reads and writes (sql/migrations). */
#define SOCIAL_SCHEMA_VERSION 18

typedef enum {
    SOCIAL_STORE_OK = 0,
    SOCIAL_STORE_DOWN,         /* the database cannot answer now: no connection (mod_dbd
                                * missing, DB unreachable), connection lost, a lock or
                                * statement timed out, deadlocks past the retries (503) */
    SOCIAL_STORE_FAILED,       /* the database refused a statement (data, constraint,
                                * schema): trying again will not help (500) */
    SOCIAL_STORE_NOT_FOUND,    /* no such row */
    SOCIAL_STORE_REPLAYED,     /* an Idempotency-Key seen before: the first result */
    SOCIAL_STORE_MISMATCH,     /* an Idempotency-Key reused for another request */
    SOCIAL_STORE_RETRY,        /* a deadlock: the transaction may run again (store.c only) */
    SOCIAL_STORE_LOCKED        /* the page's discussion is locked (comment_add) */
} social_store_status;

/* A client's Idempotency-Key for one write. */
typedef struct {
    const char *user;          /* whose key (REMOTE_USER or "anon:" + address) */
    const char *key;
    const char *request_hash;  /* hex SHA-1 of what was asked */
} social_idempotency;

typedef enum {
    SOCIAL_COMMENT_VISIBLE = 0,
    SOCIAL_COMMENT_HIDDEN,
    SOCIAL_COMMENT_DELETED,
    SOCIAL_COMMENT_PENDING     /* awaiting a moderator (SocialModeration Pre) */
} social_comment_status;

/* The passage of the page a top-level comment is about: a text-quote
 * selector (exact, with up to 64 characters of context either side)
 * and the quote's character offset in the page's text as a hint. */
typedef struct {
    const char *exact;         /* NULL: not a passage comment */
    const char *prefix;        /* may be "" */
    const char *suffix;        /* may be "" */
    apr_int64_t position;
} social_anchor;

typedef struct {
    apr_int64_t id;
    apr_int64_t parent;        /* 0: a top-level comment */
    const char *page;          /* page key */
    const char *page_title;    /* the console only: the page's title, "" if unknown */
    const char *author;        /* REMOTE_USER of the author */
    const char *author_name;   /* display name: the current one when read */
    const char *body;          /* plain text; "" once deleted */
    const char *removed;       /* the console only: the text a moderator
                                  deleted, or NULL */
    int reports;               /* the console only: readers' reports */
    const char *report_reasons;    /* the console only: their reasons, newest
                                      first, one a line */
    social_comment_status status;
    apr_time_t created;
    apr_time_t edited;         /* 0: never edited */
    int likes;                 /* likes of the comment */
    int liked;                 /* liked by the viewer */
    social_anchor anchor;      /* anchor.exact NULL: about the whole page */
    social_position position;  /* a time or page of a document; kind NONE: none */
} social_comment;

/* A page's own counters, and the viewer's like. */
typedef struct {
    int likes;
    int liked;
    int shares;
    int comments;       /* visible comments on the page */
    int earlier;        /* threads with visible comments older than those read */
    int locked;                /* the discussion is locked by a moderator */
} social_page_stats;

typedef enum { SOCIAL_LIKE_PAGE = 0, SOCIAL_LIKE_COMMENT } social_like_kind;

/* Someone the module has seen: user name and display name. */
typedef struct {
    const char *user;
    const char *name;
} social_person;

/* A page one person shared with others (and perhaps with the stream). */
typedef struct {
    apr_int64_t id;
    const char *page;          /* page key */
    const char *user;          /* who shared it */
    const char *user_name;
    const char *note;          /* may be "" */
    int public;                /* shown in the activity stream */
    apr_time_t created;
} social_share;

typedef struct {
    int idx;                   /* stable for the life of the poll */
    const char *label;
    int removed;               /* gone from the marker: votes kept, not shown */
    int votes;
    int mine;                  /* chosen by the viewer */
} social_poll_option;

/* A poll a page declares, with its results and the viewer's ballot. */
typedef struct {
    apr_int64_t id;
    const char *page;          /* the page key of the page declaring it */
    const char *page_title;    /* the console's list only: the page's title, "" if unknown */
    const char *name;          /* unique on its page */
    const char *question;
    int multiple;
    apr_time_t closes;         /* 0: no closing date */
    int results;               /* social_poll_results */
    int closed;                /* closed by a moderator */
    int ballots;
    int voted;                 /* the viewer has a ballot */
    int locked;                /* its page's discussion is locked by a moderator */
    apr_array_header_t *options;   /* social_poll_option, by idx */
} social_poll;

/* An ideas board a page declares (migration 014). */
typedef struct {
    apr_int64_t id;
    const char *page;          /* the page key of the page declaring it */
    const char *name;          /* unique on its page */
    const char *title;
    apr_time_t closes;         /* 0: no closing date */
    const char *statuses;      /* '|'-separated; the first is a new idea's */
    int locked;                /* its page's discussion is locked by a moderator */
} social_idea_board;

/* One idea with its board, its votes and the viewer's vote. */
typedef struct {
    apr_int64_t id;
    social_idea_board board;
    const char *author;
    const char *author_name;
    const char *title;
    const char *body;
    const char *status;
    const char *response;      /* a moderator's public response, "" if none */
    const char *responder;     /* who set the status last, "" if nobody */
    apr_int64_t merged_into;   /* 0: not merged */
    int deleted;
    int votes;
    int voted;                 /* the viewer voted for it */
    int comments;              /* visible comments in its own thread */
    apr_time_t created;
    apr_time_t edited;         /* 0: never edited */
    apr_time_t status_at;      /* 0: status never changed */
} social_idea;

/* Which site (virtual host) a request belongs to, for page rows. */
const char *social_store_site(request_rec *r);

const char *social_comment_status_name(social_comment_status status);

/* Hooks mod_dbd's post_connect: every connection gets the round-trip
 * deadline on its socket and server-side lock and statement limits. */
void social_store_register_hooks(apr_pool_t *p);

/* Finds mod_dbd and learns every statement's SQL (post_config); the
 * statements are prepared on each connection when first used. */
void social_store_prepare_statements(apr_pool_t *p, server_rec *s);

/* Deadlines: SocialDBTimeout (each round trip: a statement, its rows, a
 * commit) and SocialDBConnectTimeout (TCP and handshake) defaults. */
#define SOCIAL_STORE_ROUND_TRIP_DEFAULT apr_time_from_sec(3)
#define SOCIAL_STORE_CONNECT_DEFAULT apr_time_from_sec(2)

/* The breaker's back-off after a failure: doubled at every failed probe
 * between these. */
#define SOCIAL_STORE_BACKOFF_MIN apr_time_from_msec(500)
#define SOCIAL_STORE_BACKOFF_MAX apr_time_from_sec(4)

/* Sets the round-trip deadline and resets the breaker (post_config, in
 * the parent). background_probe: a watchdog thread probes the database
 * while it is away, so requests never do. */
void social_store_configure(apr_interval_time_t round_trip, int background_probe);

/* While the breaker is open and a probe is due: one probe (mod_watchdog). */
void social_store_probe(server_rec *s, apr_pool_t *p);

/* A request note set when a result was cut off by a database failure:
 * what the request read must not be cached. */
#define SOCIAL_STORE_BROKEN_NOTE "social-store-broken"

/* Seconds until the database is worth asking again (Retry-After), >= 1. */
int social_store_retry_after(void);

/* Reads the schema version into *version. */
social_store_status social_store_schema_version(request_rec *r, int *version);

/* The comments of a page's newest max_roots threads (every thread if
 * max_roots is 0) whose top-level comment is older than before (if
 * before > 0), in id order (parents before replies), into an array of
 * social_comment, with like counts, the viewer's likes and the page's
 * own counters in *stats. One round trip; the rows read are those of the
 * threads returned, however many the page has. */
social_store_status social_store_comments_list(request_rec *r, const char *page,
                                               const char *viewer, int max_roots,
                                               apr_int64_t before, int most_liked,
                                               apr_array_header_t **comments,
                                               social_page_stats *stats);

/* What a page view needs of viewer (a user): *involved if they liked the
 * page or one of its comments or wrote a comment on it, *unread, the
 * count of their unread notifications, *banned: 0 if they may write,
 * -1 if banned with no end, else the end of the ban in seconds since the
 * epoch, *order, the order they read threads in (social_tree_order:
 * 0 oldest first, 1 newest first, 2 most liked), and *follows if they
 * follow the page or one of its threads. One round trip. */
social_store_status social_store_viewer_state(request_rec *r, const char *page,
                                              const char *viewer, int *involved,
                                              int *unread, apr_int64_t *banned,
                                              int *order, int *follows);

/* One mark of a reader's part in a page: kind 'p' (they like the page),
 * 'l' (they like comment id), 'o' (they wrote comment id, visible) or 'x'
 * (they wrote comment id, hidden or pending). */
typedef struct {
    char kind;
    apr_int64_t id;
    apr_int64_t created;    /* 'o': when it was written, seconds since the epoch */
} social_viewer_mark;

/* viewer's part in page: at most limit marks (social_viewer_mark), in
 * *marks. One round trip. */
social_store_status social_store_viewer_part(request_rec *r, const char *page,
                                             const char *viewer, int limit,
                                             apr_array_header_t **marks);

/* One comment by id, with the number of its replies not deleted. */
social_store_status social_store_comment_get(request_rec *r, apr_int64_t id,
                                             social_comment *c, int *replies);

/* Adds c (page, parent, author, author_name, body, anchor, status:
 * VISIBLE or PENDING) and sets c->id and
 * c->created. The page row is made on first use. With idem (may be
 * NULL): SOCIAL_STORE_REPLAYED and c->id of the first request if the key
 * was used for the same request before; SOCIAL_STORE_MISMATCH if for
 * another. SOCIAL_STORE_LOCKED (nothing written) if a moderator has
 * locked the page's discussion. */
social_store_status social_store_comment_add(request_rec *r, social_comment *c,
                                             const social_idempotency *idem);

social_store_status social_store_comment_edit(request_rec *r, apr_int64_t id,
                                              const char *body);

/* Sets the status; SOCIAL_COMMENT_DELETED also erases the text. */
social_store_status social_store_comment_set_status(request_rec *r, apr_int64_t id,
                                                    social_comment_status status);

/* Visible comments, likes and shares of a page (all 0 for a page
 * nobody has touched). */
social_store_status social_store_page_counts(request_rec *r, const char *page,
                                             int *comments, social_page_stats *stats);

/* Records that a person was seen (for name look-ups and mentions), and
 * the language they read in (lang NULL or "": the one recorded stays). */
social_store_status social_store_person_seen(request_rec *r, const char *user,
                                             const char *name, const char *email,
                                             const char *lang);

/* Likes (on) or unlikes (off) a page or a comment for user; idempotent.
 * Sets the count after the change and whether user likes it now. */
social_store_status social_store_like(request_rec *r, social_like_kind kind,
                                      const char *page, apr_int64_t comment,
                                      const char *user, int on, int *count,
                                      int *liked);

/* Who likes a page or comment (at most 200, oldest first). */
social_store_status social_store_likers(request_rec *r, social_like_kind kind,
                                        const char *page, apr_int64_t comment,
                                        apr_array_header_t **people);

/* The display name of a person the module has seen, or NOT_FOUND. */
social_store_status social_store_person_get(request_rec *r, const char *user,
                                            const char **name);

/* Stores a share (sets id) and its recipients (user names, checked by
 * the caller), in one transaction. */
social_store_status social_store_share_add(request_rec *r, social_share *share,
                                           apr_array_header_t *recipients,
                                           const social_idempotency *idem);

/* Pages shared with user, newest first (at most 50). */
social_store_status social_store_shares_inbox(request_rec *r, const char *user,
                                              apr_array_header_t **shares);

/* Makes the poll of a page marker exist as declared: created the first
 * time, updated when the marker changed (options matched by label;
 * removed ones kept out of sight). Sets *id. *changed tells whether a
 * write happened. */
struct social_poll_def;
social_store_status social_store_poll_sync(request_rec *r, const char *page,
                                           const struct social_poll_def *def,
                                           apr_int64_t *id, int *changed);

/* The polls of a page with results and viewer's choices (array of
 * social_poll), or one poll by id. */
social_store_status social_store_polls_list(request_rec *r, const char *page,
                                            const char *viewer,
                                            apr_array_header_t **polls);
social_store_status social_store_poll_get(request_rec *r, apr_int64_t id,
                                          const char *viewer, social_poll *poll);

/* Replaces user's ballot with choices[0..n) in one transaction. */
social_store_status social_store_poll_vote(request_rec *r, apr_int64_t id,
                                           const char *user, const int *choices,
                                           int n);

/* ---- ideas boards (store_ideas.c) ---- */

struct social_audit_entry;
/* Makes the board of a page marker exist as declared (as polls do). */
struct social_ideas_def;
social_store_status social_store_ideas_board_sync(request_rec *r, const char *page,
                                                  const struct social_ideas_def *def,
                                                  apr_int64_t *id);

/* The board name on page; NOT_FOUND if the page declares none such. */
social_store_status social_store_ideas_board_get(request_rec *r, const char *page,
                                                 const char *name, social_idea_board *board);

/* The live ideas of a board (not deleted, not merged), at most 500, with
 * ids below before (0: any), of status (NULL: any), newest first. */
social_store_status social_store_ideas_list(request_rec *r, apr_int64_t board,
                                            const char *viewer, const char *status,
                                            apr_int64_t before, apr_array_header_t **ideas);

/* One idea of this site (deleted or merged ones too). */
social_store_status social_store_idea_get(request_rec *r, apr_int64_t id, const char *viewer,
                                          social_idea *idea);

/* A new idea on board; its id in *id. With idem (may be NULL): REPLAYED
 * and the first request's id for a key seen before, MISMATCH for a key
 * used for another request. */
social_store_status social_store_idea_add(request_rec *r, const social_idea *idea,
                                          const social_idempotency *idem, apr_int64_t *id);

/* Changes title and body (edit), or marks the idea deleted. */
social_store_status social_store_idea_edit(request_rec *r, apr_int64_t id, const char *title,
                                           const char *body);
social_store_status social_store_idea_delete(request_rec *r, apr_int64_t id);

/* user's vote for the idea on or off (idempotent). */
social_store_status social_store_idea_vote(request_rec *r, apr_int64_t id, const char *user,
                                           int on);

/* Sets status and response, notifies the author and every voter (not
 * the actor) and writes the audit entry, in one transaction. */
social_store_status social_store_idea_status(request_rec *r, apr_int64_t id,
                                             const char *status, const char *response,
                                             const char *actor_name,
                                             const struct social_audit_entry *audit);

/* Merges idea id into idea into: id's voters vote for into too (a person
 * counted once), id keeps its votes and is out of the board's list. */
social_store_status social_store_idea_merge(request_rec *r, apr_int64_t id, apr_int64_t into,
                                            const struct social_audit_entry *audit);
/* ---- surveys ---- */

/* A question of a survey as stored. */
typedef struct {
    const char *name;
    int position;
    int type;                  /* social_question_type */
    const char *label;
    const char *options;       /* '|' between options; "" for scale and text */
    int min, max;              /* scale */
    int required;
    int removed;               /* gone from the page: answers kept, not shown */
} social_survey_question;

/* One answer value: a multiple-choice answer is one per option. */
typedef struct {
    const char *response;      /* the response's random id */
    const char *question;      /* the question's name */
    const char *value;
    const char *user;          /* who answered: "" for anonymous surveys */
} social_survey_answer;

/* A survey a page declares, and the viewer's part in it. */
typedef struct {
    apr_int64_t id;
    const char *page;
    const char *name;
    const char *title;
    int anonymous;
    apr_time_t closes;         /* 0: no date */
    int results;               /* social_survey_results */
    int min_responses;
    int closed;                /* closed by a moderator */
    int locked;                /* its page's discussion is locked */
    int responses;             /* responses given */
    int responded;             /* the viewer has responded */
    apr_array_header_t *questions;  /* social_survey_question, by position */
    apr_array_header_t *mine;  /* social_survey_answer: the viewer's (never for anonymous) */
} social_survey;

/* Makes the survey of a page's markers exist as declared (questions
 * matched by name, removed ones kept out of sight). defs: array of
 * struct social_question_def, in page order. Sets *id. */
struct social_survey_def;
social_store_status social_store_survey_sync(request_rec *r, const char *page,
                                             const struct social_survey_def *def,
                                             const apr_array_header_t *questions,
                                             apr_int64_t *id);

/* The surveys of a page (array of social_survey), or one by id, with
 * the viewer's answers. */
social_store_status social_store_surveys_list(request_rec *r, const char *page,
                                              const char *viewer, apr_array_header_t **surveys);
social_store_status social_store_survey_get(request_rec *r, apr_int64_t id,
                                            const char *viewer, social_survey *survey);

/* How many responses gave a value (or answered a question: value ""). */
typedef struct {
    const char *question;
    const char *value;
    int count;
} social_survey_tally;

/* Text answers listed per question in the results, at most (the export
 * has them all). */
#define SOCIAL_SURVEY_TEXTS_SHOWN 200

/* The survey's results, counted by the database: *tally the count of each
 * value of the choice and scale questions, *answered the responses that
 * answer each question, *texts up to SOCIAL_SURVEY_TEXTS_SHOWN text
 * answers a question (count 1 each); arrays of social_survey_tally. */
social_store_status social_store_survey_results(request_rec *r, apr_int64_t id,
                                                apr_array_header_t **tally,
                                                apr_array_header_t **answered,
                                                apr_array_header_t **texts);

/* Closes or reopens a survey (a moderator's doing). */
/* Closes or reopens the survey and writes the audit entry (target: what
 * the console shows, e.g. "/page.html#survey-NAME"), in one transaction. */
struct social_audit_entry;
social_store_status social_store_survey_close(request_rec *r, apr_int64_t id, int closed,
                                              const char *target,
                                              const struct social_audit_entry *audit);

/* Every answer of the survey (array of social_survey_answer), grouped by
 * response (in the random order of the responses' ids): the export. */
social_store_status social_store_survey_answers(request_rec *r, apr_int64_t id,
                                                apr_array_header_t **answers);

/* Records user's response (answers: array of social_survey_answer, the
 * response member unused). Anonymous surveys: REPLAYED if user has
 * responded already (nothing written); otherwise an earlier response of
 * the user is replaced. */
social_store_status social_store_survey_respond(request_rec *r, apr_int64_t id, int anonymous,
                                                const char *user,
                                                const apr_array_header_t *answers);

/* ---- moderation (the console, admin.c) ---- */

/* One entry of the audit log: who did what to which target, and why. */
typedef struct social_audit_entry {
    apr_int64_t id;
    const char *actor;         /* REMOTE_USER of the moderator */
    const char *action;        /* hide, unhide, delete, approve, reject, lock,
                                  unlock, close, reopen, ban, unban */
    const char *target_kind;   /* comment, page, poll, person */
    apr_int64_t target_id;     /* comment or poll id; 0 for pages and people */
    const char *target;        /* page path, poll page#name, or person */
    const char *reason;        /* may be "" */
    apr_time_t created;
} social_audit_entry;

typedef struct {
    const char *user;
    const char *reason;
    apr_time_t expires;        /* 0: until lifted */
    const char *banned_by;
    apr_time_t created;
} social_ban;

/* Filters of the moderation queue; NULL or "" means any. */
typedef struct {
    const char *page;
    const char *author;
    const char *status;        /* visible, hidden, deleted, pending */
    int reported;              /* only comments readers reported */
    apr_int64_t before;        /* only ids below this (paging), 0: newest */
    int limit;
} social_queue_filter;

/* Sets the status of comments ids[0..n) (each must exist on this site) and
 * writes one audit entry per comment (action, target_kind "comment"), all
 * in one transaction. Deleting erases the text. NOT_FOUND (nothing
 * written) if any id is missing. With pages, *pages holds the page paths
 * of the comments (as keys). */
social_store_status social_store_comments_moderate(request_rec *r,
                                                   const apr_int64_t *ids, int n,
                                                   social_comment_status status,
                                                   const social_audit_entry *audit,
                                                   apr_hash_t **pages);

/* user reports comment (which they may read) to the moderators; reporting
 * again replaces the reason. */
social_store_status social_store_comment_report(request_rec *r, apr_int64_t comment,
                                               const char *user, const char *reason);

/* Newest comments of this site matching f (at most f->limit), newest first. */
social_store_status social_store_queue(request_rec *r, const social_queue_filter *f,
                                       apr_array_header_t **comments);

/* Locks or unlocks a page (making its row if needed) with its audit entry,
 * and the discussions kept under its key (an idea's, PAGE#idea-ID): their
 * keys in *children (const char *), if children is not NULL. */
social_store_status social_store_page_lock(request_rec *r, const char *page, int locked,
                                           const social_audit_entry *audit,
                                           apr_array_header_t **children);

/* A locked page, and its newest lock in the audit log. */
typedef struct {
    const char *page;
    const char *title;         /* the page's title, "" if unknown */
    const char *reason;        /* "" if none was given */
    const char *by;            /* the moderator, "" if unknown */
    apr_time_t when;           /* 0 if unknown */
} social_lock;

/* Locked pages of this site (at most 200), as social_lock. */
social_store_status social_store_locked_pages(request_rec *r, apr_array_header_t **pages);

/* Closes or reopens a poll of this site with its audit entry. */
social_store_status social_store_poll_moderate(request_rec *r, apr_int64_t id, int closed,
                                               const social_audit_entry *audit);

/* Newest polls of this site (at most 100), without options. */
social_store_status social_store_polls_recent(request_rec *r, apr_array_header_t **polls);

/* The person's ban in force now, or NOT_FOUND. */
social_store_status social_store_ban_get(request_rec *r, const char *user, social_ban *ban);

/* Bans (ban != NULL) or lifts the ban of a person, with the audit entry. */
social_store_status social_store_ban_set(request_rec *r, const char *user,
                                         const social_ban *ban,
                                         const social_audit_entry *audit);

/* Bans in force (at most 200), newest first. */
social_store_status social_store_bans_list(request_rec *r, apr_array_header_t **bans);

/* The audit log of this site, newest first: before an id (0: newest), at
 * most limit entries. */
social_store_status social_store_audit_list(request_rec *r, apr_int64_t before, int limit,
                                            apr_array_header_t **entries);

/* ---- engagement figures and exports ---- */

/* Per UTC day (days since 1970) and kind: comments, likes, shares, ballots. */
typedef struct {
    apr_int64_t day;
    int kind;                  /* 0 comments, 1 likes, 2 shares, 3 ballots */
    int count;
} social_stat_day;

/* A ranked name (page, person or section) with its comment count and its
 * count of all actions (comments, likes, shares, ballots). */
typedef struct {
    const char *name;
    const char *label;         /* a person's display name, a page's title
                                  (if known); else name */
    int comments;
    int actions;
} social_stat_rank;

typedef enum {
    SOCIAL_RANK_PAGES = 0,     /* most discussed pages (by comments) */
    SOCIAL_RANK_PEOPLE,        /* most active people (by actions) */
    SOCIAL_RANK_SECTIONS       /* most active sections (first path segment) */
} social_rank_kind;

/* Counts per day of [from, to) (Unix seconds) into social_stat_day rows. */
social_store_status social_store_stats_daily(request_rec *r, apr_int64_t from,
                                             apr_int64_t to, apr_array_header_t **days);

/* The top 10 of kind in [from, to). */
social_store_status social_store_stats_rank(request_rec *r, social_rank_kind kind,
                                            apr_int64_t from, apr_int64_t to,
                                            apr_array_header_t **ranks);

typedef enum {
    SOCIAL_EXPORT_COMMENTS = 0,
    SOCIAL_EXPORT_LIKES,
    SOCIAL_EXPORT_SHARES,
    SOCIAL_EXPORT_POLLS,
    SOCIAL_EXPORT_AUDIT,
    SOCIAL_EXPORT_IDEAS        /* ideas made or answered in the period, with totals */
} social_export_kind;

/* A table for export: column names, which are numbers, and rows (arrays
 * of const char *, one per column). */
typedef struct {
    int ncols;
    const char *const *names;
    const char *numeric;       /* one char per column: 'n' number, 's' string */
    apr_array_header_t *rows;  /* const char ** */
    int truncated;             /* more than SOCIAL_EXPORT_MAX_ROWS rows */
} social_export_table;

#define SOCIAL_EXPORT_MAX_ROWS 100000

/* The rows of kind made in [from, to) (polls: created before to with
 * ballots or creation in the period, with all-time totals). */
social_store_status social_store_export(request_rec *r, social_export_kind kind,
                                        apr_int64_t from, apr_int64_t to,
                                        social_export_table *table);
/* ---- activity stream and notifications (migration 007) ---- */

/* Rows the stream reads per round trip. */
#define SOCIAL_ACTIVITY_BATCH 100

typedef struct {
    char kind;                 /* 'c' comment, 's' share, 'p' page like,
                                  'l' comment like, 'v' new poll */
    apr_int64_t id;            /* the comment, share, page, liked comment or poll */
    const char *page;          /* page key */
    const char *page_title;    /* the page's title, "" if unknown */
    const char *user;          /* who did it ("" for a poll: pages declare them) */
    const char *name;          /* their display name */
    const char *text;          /* comment body, share note, poll question, or "" */
    const char *subject;       /* comment like: the comment author's name */
    apr_int64_t number;        /* comment: parent id (0: top level); poll: ballots */
    apr_time_t created;
} social_activity;

/* At most SOCIAL_ACTIVITY_BATCH items of the site's stream made at or
 * before `before`, newest first (ties: kind, then id, descending); only
 * visible comments and public shares; user (may be NULL) filters by who
 * did it (polls then never match), section (may be NULL) by page-key
 * prefix. Access to each page is the caller's to check. */
social_store_status social_store_activity(request_rec *r, apr_time_t before,
                                          const char *user, const char *section,
                                          apr_array_header_t **items);

typedef struct {
    apr_int64_t id;
    const char *kind;          /* "reply", "mention", "share", "like", "follow", "thread" */
    apr_int64_t target;        /* the comment (reply, mention, like), share, followed
                                  page's id or thread's top-level comment */
    const char *page;
    const char *page_title;    /* the page's title, "" if unknown */
    const char *actor;         /* who (for likes: the latest liker) */
    const char *actor_name;
    const char *text;          /* the comment's text or the share's note */
    int likes;                 /* like: people who like the comment (not its author);
                                  follow, thread: the new comments */
    apr_int64_t since;         /* follow, thread: the first new comment */
    int read;
    apr_time_t created;        /* for likes: the latest like */
} social_notification;

/* user's notifications on this site, newest first, at most 100; mode
 * "all", "unread" or "unmailed". */
social_store_status social_store_notifications(request_rec *r, const char *user,
                                               const char *mode,
                                               apr_array_header_t **list);

/* One of user's notifications; NOT_FOUND if there is none with that id
 * for that user (whoever else it belongs to), or if it is of a comment
 * that is not visible (hidden, pending, deleted). */
social_store_status social_store_notification_get(request_rec *r, const char *user,
                                                  apr_int64_t id, social_notification *n);
social_store_status social_store_notifications_unread(request_rec *r, const char *user,
                                                      int *count);

/* user's unread notifications on this site by page (array of
 * social_page_unread), the 100 pages most recently notified; the
 * caller counts those of pages the person may read. */
typedef struct {
    const char *page;
    int count;
} social_page_unread;
social_store_status social_store_notifications_unread_pages(request_rec *r, const char *user,
                                                            apr_array_header_t **pages);

/* Marks one of user's notifications read (NOT_FOUND if not theirs), or
 * all of them (*changed: how many were unread). */
social_store_status social_store_notification_read(request_rec *r, const char *user,
                                                   apr_int64_t id);
social_store_status social_store_notifications_read_all(request_rec *r, const char *user,
                                                        int *changed);

/* People whose user name or display name starts with prefix (at most 10). */
social_store_status social_store_people_search(request_rec *r, const char *prefix,
                                               apr_array_header_t **people);

/* A person's e-mail opt-out (default: mail on). */
social_store_status social_store_notify_email_off(request_rec *r, const char *user,
                                                  int *off);
social_store_status social_store_notify_set_email_off(request_rec *r, const char *user,
                                                      int off);

/* user follows page (root 0) or one of its threads (root: its top-level
 * comment), or stops (follow 0; nothing to stop is fine). NOT_FOUND if
 * root is no top-level comment of page. */
social_store_status social_store_follow(request_rec *r, const char *user, const char *page,
                                        apr_int64_t root, int follow);

/* What user follows on page: 0 for the page itself, else threads' ids. */
social_store_status social_store_follows(request_rec *r, const char *user, const char *page,
                                         apr_array_header_t **roots);

/* The order user reads threads in: as a social_tree_order (0 oldest
 * first, the default; 1 newest first; 2 most liked), and set by name
 * ("oldest", "newest" or "liked"). */
social_store_status social_store_thread_order(request_rec *r, const char *user, int *order);
social_store_status social_store_thread_order_set(request_rec *r, const char *user,
                                                  const char *order);

typedef struct {
    const char *user;
    const char *name;
    const char *email;
    const char *lang;       /* the tag they last read in; "" if unknown */
} social_recipient;

/* Claims the lease `name` (a row of social_leases) for holder, a string
 * unique to the caller, for `seconds`: *held is 1 when it is the holder's
 * now (it was free, expired, or the holder's already). Works alike on one
 * server and on a Galera cluster (which refuses GET_LOCK). */
social_store_status social_store_lease_claim(request_rec *r, const char *name,
                                             const char *holder, int seconds, int *held);

/* Lets go of the lease if holder holds it. */
social_store_status social_store_lease_release(request_rec *r, const char *name,
                                               const char *holder);

/* People with unread notifications not mailed yet, an address, mail on,
 * and no digest in the last interval seconds (at most 20). */
social_store_status social_store_mail_due(request_rec *r, int interval,
                                          apr_array_header_t **people);

/* Marks user's notifications up to upto as mailed and stamps the digest
 * time, in one transaction. */
social_store_status social_store_mail_done(request_rec *r, const char *user,
                                           apr_time_t upto);

/* Sets the title of the page's row (NULL or "": none), if the row exists
 * and its title differs. */
social_store_status social_store_page_title_set(request_rec *r, const char *page,
                                                const char *title);

/* *locked if a moderator locked the page's discussion (0 for a page the
 * store has no row for). */
social_store_status social_store_page_locked(request_rec *r, const char *page, int *locked);

/* ---- counts of many pages (filter markers) ---- */

/* Most pages social_store_counts_many reads at once. */
#define SOCIAL_STORE_COUNTS_MANY_MAX 50

/* comments[k] = the visible comments of pages[k] (0 for a page the store
 * has no row for), for n <= SOCIAL_STORE_COUNTS_MANY_MAX pages, in one
 * statement. The caller checks that the viewer may read each page. */
social_store_status social_store_counts_many(request_rec *r, int n, const char *const *pages,
                                             int *comments);

#endif /* SOCIAL_STORE_H */
