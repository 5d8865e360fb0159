/* store_internal.h: what store.c gives the store_<domain>.c files, and
 * what those share among themselves. Not for callers outside store/.
 *
 * A domain file holds its own statement table, with named parameters
 * (":page", ":viewer"; ":site" is the request's site unless given), and
 * reads rows through the helpers below: each takes the connection the
 * caller holds (NULL, as from a failed acquisition, answers DOWN), runs
 * one statement with named arguments, and reads every row. */
#ifndef SOCIAL_STORE_INTERNAL_H
#define SOCIAL_STORE_INTERNAL_H

#include "store.h"

#include <stddef.h>

#include <apr_dbd.h>
#include <mod_dbd.h>

/* ---- statements ---- */

typedef struct {
    const char *label;         /* social_<what> */
    const char *sql;           /* with :named parameters */
} social_statement;

typedef struct {
    const social_statement *statements;
    size_t count;
} social_statement_table;

#define SOCIAL_STATEMENT_TABLE(name, array) \
    const social_statement_table name = { array, sizeof(array) / sizeof(array[0]) }

/* Each domain's table (store.c learns them all at post_config). */
extern const social_statement_table social_store_pages_statements;
extern const social_statement_table social_store_comments_statements;
extern const social_statement_table social_store_reactions_statements;
extern const social_statement_table social_store_polls_statements;
extern const social_statement_table social_store_ideas_statements;
extern const social_statement_table social_store_surveys_statements;
extern const social_statement_table social_store_activity_statements;
extern const social_statement_table social_store_moderation_statements;
extern const social_statement_table social_store_stats_statements;

/* One named argument of a statement. */
typedef struct {
    const char *name;
    const char *value;
} social_store_arg;

/* The arguments of one call, as the helpers take them:
 * STORE_ARGS({ "page", page }, { "viewer", viewer }). */
#define STORE_ARGS(...) \
    ((const social_store_arg[]){ __VA_ARGS__ }), \
    (int)(sizeof((const social_store_arg[]){ __VA_ARGS__ }) / sizeof(social_store_arg))
#define STORE_NO_ARGS NULL, 0

/* ---- connections ---- */

/* A connection for reading, or NULL (the database is down). */
ap_dbd_t *social_store_reader(request_rec *r);

/* A connection for writing (only against the schema this build knows),
 * or NULL. */
ap_dbd_t *social_store_writer(request_rec *r);

/* ---- rows ---- */

typedef struct {
    request_rec *r;
    ap_dbd_t *dbd;
    apr_dbd_row_t *row;
} social_store_row;

/* Column n: as read (valid until the next row; "" for NULL), copied into
 * the request pool, as numbers, as a time (UNIX_TIMESTAMP with
 * fractions). */
const char *social_store_row_raw(const social_store_row *row, int n);
const char *social_store_row_text(const social_store_row *row, int n);
int social_store_row_int(const social_store_row *row, int n);
apr_int64_t social_store_row_int64(const social_store_row *row, int n);
apr_time_t social_store_row_time(const social_store_row *row, int n);

/* Columns read straight into the fields of a struct: which column, as
 * what, into which field. */
typedef enum {
    SOCIAL_COLUMN_TEXT = 0,    /* const char *, copied into the request pool */
    SOCIAL_COLUMN_INT,         /* int */
    SOCIAL_COLUMN_FLAG,        /* int: 1 if the number is above 0 */
    SOCIAL_COLUMN_INT64,       /* apr_int64_t */
    SOCIAL_COLUMN_TIME,        /* apr_time_t from UNIX_TIMESTAMP (with fractions) */
    SOCIAL_COLUMN_SECONDS,     /* apr_time_t from whole seconds */
    SOCIAL_COLUMN_CHAR         /* char: the first byte */
} social_column_kind;

typedef struct {
    int column;
    social_column_kind kind;
    size_t offset;
} social_store_column;

#define STORE_COLUMN(n, kind, type, field) \
    { n, SOCIAL_COLUMN_##kind, offsetof(type, field) }
#define STORE_COLUMNS(table) table, (int)(sizeof(table) / sizeof(table[0]))

/* Reads the columns of row into element. */
void social_store_columns(const social_store_row *row, const social_store_column *columns,
                          int ncolumns, void *element);

/* Runs a SELECT and reads every row, by columns, into a new element of
 * array. */
social_store_status social_store_list(request_rec *r, ap_dbd_t *dbd, const char *label,
                                      const social_store_arg *args, int nargs,
                                      const social_store_column *columns, int ncolumns,
                                      apr_array_header_t *array);

/* Runs a SELECT and reads its first row, by columns, into element;
 * NOT_FOUND if there is none. */
social_store_status social_store_record(request_rec *r, ap_dbd_t *dbd, const char *label,
                                        const social_store_arg *args, int nargs,
                                        const social_store_column *columns, int ncolumns,
                                        void *element);

/* Called for each row with the caller's target. */
typedef void (*social_store_row_fn)(const social_store_row *row, void *target);

/* Runs an INSERT, UPDATE or DELETE; *affected (may be NULL): rows changed. */
social_store_status social_store_run(request_rec *r, ap_dbd_t *dbd, const char *label,
                                     const social_store_arg *args, int nargs,
                                     int *affected);

/* Runs a SELECT and calls fn(row, target) for every row. */
social_store_status social_store_rows(request_rec *r, ap_dbd_t *dbd, const char *label,
                                      const social_store_arg *args, int nargs,
                                      social_store_row_fn fn, void *target);

/* Runs a SELECT and calls fn(row, element) with a new element of array
 * (zeroed) for every row. */
social_store_status social_store_array(request_rec *r, ap_dbd_t *dbd, const char *label,
                                       const social_store_arg *args, int nargs,
                                       apr_array_header_t *array, social_store_row_fn fn);

/* Runs a SELECT and calls fn(row, target) for its first row only;
 * NOT_FOUND if there is none. */
social_store_status social_store_one(request_rec *r, ap_dbd_t *dbd, const char *label,
                                     const social_store_arg *args, int nargs,
                                     social_store_row_fn fn, void *target);

/* The first column of the first row as a number; NOT_FOUND if no row. */
social_store_status social_store_int(request_rec *r, ap_dbd_t *dbd, const char *label,
                                     const social_store_arg *args, int nargs,
                                     apr_int64_t *value);

/* The first column of every row, pushed as strings onto array. */
social_store_status social_store_strings(request_rec *r, ap_dbd_t *dbd, const char *label,
                                         const social_store_arg *args, int nargs,
                                         apr_array_header_t *array);

/* The id of the row the last INSERT made (or found, with LAST_INSERT_ID(id)). */
social_store_status social_store_last_id(request_rec *r, ap_dbd_t *dbd, apr_int64_t *id);

/* Argument values. */
const char *social_store_int_arg(request_rec *r, apr_int64_t v);
/* Seconds with microseconds, as FROM_UNIXTIME reads them. */
const char *social_store_seconds_arg(request_rec *r, apr_time_t t);

/* ---- transactions and idempotency ---- */

typedef social_store_status (*social_store_txn_fn)(request_rec *r, ap_dbd_t *dbd,
                                                   void *data);

/* Runs fn in a transaction that commits only if fn succeeds; a deadlock
 * runs it again (a few times, with a random wait). */
social_store_status social_store_transaction(request_rec *r, ap_dbd_t *dbd,
                                             social_store_txn_fn fn, void *data);

/* Inside the write's transaction: claims idem for kind (REPLAYED if taken). */
social_store_status social_store_idempotency_claim(request_rec *r, ap_dbd_t *dbd,
                                                   const social_idempotency *idem,
                                                   const char *kind);

/* Inside the write's transaction: records the id the write made. */
social_store_status social_store_idempotency_settle(request_rec *r, ap_dbd_t *dbd,
                                                    const social_idempotency *idem,
                                                    apr_int64_t id);

/* Runs an idempotent write: the transaction, and if its key was taken,
 * the first result in *id (or one more try once an expired key is freed). */
social_store_status social_store_idempotent_write(request_rec *r, ap_dbd_t *dbd,
                                                  const social_idempotency *idem,
                                                  const char *kind, apr_int64_t *id,
                                                  social_store_txn_fn fn, void *data);

/* ---- shared between domains ---- */

/* store_pages.c: the id of a page row, made if make is set; NOT_FOUND otherwise. */
social_store_status social_store_page_id(request_rec *r, ap_dbd_t *dbd, const char *page,
                                         int make, apr_int64_t *id);

/* The name a person shows under now: the people table's (the directory,
 * or their latest login, see social_person_seen) when it holds a name
 * other than the user name, else the name written with the row. A
 * rename in the directory so shows on everything they wrote. */
#define SOCIAL_CURRENT_NAME(user, written) \
    "COALESCE((SELECT NULLIF(pe_now.display_name, pe_now.user) FROM social_people pe_now " \
    "WHERE pe_now.user = " user "), " written ")"

/* store_comments.c: the columns of a comment row (c: the comment, p: its
 * page), read by social_store_comment_from_row; counters may follow. */
#define SOCIAL_COMMENT_COLUMNS \
    "c.id, COALESCE(c.parent_id, 0), p.path, c.author, " \
    SOCIAL_CURRENT_NAME("c.author", "c.author_name") ", c.body, " \
    "c.status, UNIX_TIMESTAMP(c.created_at), COALESCE(UNIX_TIMESTAMP(c.edited_at), 0), " \
    "COALESCE(c.anchor_exact, ''), COALESCE(c.anchor_prefix, ''), " \
    "COALESCE(c.anchor_suffix, ''), COALESCE(c.anchor_position, 0), " \
    "COALESCE(c.position_time, -1), COALESCE(c.position_page, 0)"

/* Where the counters follow SOCIAL_COMMENT_COLUMNS in a row. */
#define SOCIAL_COMMENT_EXTRA 15

void social_store_comment_from_row(const social_store_row *row, social_comment *c);

/* store_activity.c: notifications, written in the transaction of what
 * caused them. mentions: the user names the comment mentions. */
social_store_status social_store_notify_comment(request_rec *r, ap_dbd_t *dbd,
                                                const social_comment *c,
                                                const apr_array_header_t *mentions);
social_store_status social_store_notify_share(request_rec *r, ap_dbd_t *dbd,
                                              const social_share *sh, apr_int64_t page_id,
                                              const char *recipient);
social_store_status social_store_notify_like(request_rec *r, ap_dbd_t *dbd,
                                             apr_int64_t comment, const char *user);

/* store_activity.c: a social_person from (user, display name). */
extern const social_store_column social_store_person_columns[2];

/* A person's unread notifications (of comments still visible); :user. */
/* A notification's comment (c): the reply, mention or liked comment, the
 * followed thread's top-level comment; none for shares and followed
 * pages. Only notifications whose comment is visible are anybody's. */
#define SOCIAL_NOTE_COMMENT_JOIN \
    "LEFT JOIN social_comments c ON n.kind NOT IN ('share', 'follow', 'idea') AND c.id = n.target_id "
#define SOCIAL_NOTE_SHOWN "(n.kind IN ('share', 'follow', 'idea') OR c.status = 'visible')"

#define SOCIAL_UNREAD_COUNT \
    "SELECT COUNT(*) FROM social_notifications n " \
    SOCIAL_NOTE_COMMENT_JOIN \
    "WHERE n.user = :user AND n.read_at IS NULL AND " SOCIAL_NOTE_SHOWN

/* store_moderation.c: one audit entry, inside the caller's transaction. */
social_store_status social_store_audit_write(request_rec *r, ap_dbd_t *dbd,
                                             const social_audit_entry *a,
                                             apr_int64_t target_id, const char *target);

#endif /* SOCIAL_STORE_INTERNAL_H */
