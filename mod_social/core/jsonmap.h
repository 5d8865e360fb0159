/* jsonmap.h: client JSON request bodies -> plain C values.
 *
 * Pure C over Jansson and APR (no httpd types), so the mapping of every
 * hostile body is unit-tested and fuzzed alone. Each function returns 0
 * and fills its outputs, or -1 with *code and *message describing the
 * invalid field (the API answers 422 with them). Strings point into the
 * JSON value; a string holding a NUL character is refused (it would be
 * cut short unseen).
 */
#ifndef SOCIAL_JSONMAP_H
#define SOCIAL_JSONMAP_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>

#include "document.h"

/* Most poll choices and share recipients one request may name. */
#define SOCIAL_JSON_CHOICES_MAX 20
#define SOCIAL_JSON_RECIPIENTS_MAX 1000

/* Largest anchor position (a character offset in a page's text). */
#define SOCIAL_JSON_ANCHOR_POSITION_MAX 100000000

typedef struct {
    const char *code;
    const char *message;
    const char *field;       /* the offending member, when one is named */
} social_json_error;

/* The string member name: 0 (absent or null: *value NULL), -1 if it is
 * not a string, -2 if it holds a NUL character. */
int social_json_string(const json_t *obj, const char *name, const char **value);

/* POST comments {page, body, parent?}: page required; body may be
 * absent (*body NULL: the caller's text check refuses it); parent a
 * positive integer or absent/null (*parent 0). */
int social_json_comment_new(const json_t *req, const char **page, const char **body,
                            apr_int64_t *parent, social_json_error *e);

/* The anchor member of POST comments: absent or null (*exact NULL), or
 * {exact, prefix?, suffix?, position?}: exact a string, prefix and
 * suffix strings ("" when absent), position an integer from 0 to
 * SOCIAL_JSON_ANCHOR_POSITION_MAX (0 when absent). Sizes and text rules
 * are for the caller; e->field names the member refused. */
int social_json_anchor(const json_t *req, const char **exact, const char **prefix,
                       const char **suffix, apr_int64_t *position,
                       social_json_error *e);

/* PATCH comments/ID: exactly one of {body} (edit) or
 * {status: "hidden"|"visible"} (moderate). */
int social_json_comment_change(const json_t *req, const char **body, const char **status,
                               social_json_error *e);

/* POST shares {page, note?, to?: [user...], public?}: *to gets the
 * names (non-empty strings); *public is -1 when absent. */
int social_json_share(apr_pool_t *p, const json_t *req, const char **page,
                      const char **note, apr_array_header_t **to, int *public,
                      social_json_error *e);

/* PUT polls/ID/vote {choices: [index...]}: indexes 0..1000000, at most
 * SOCIAL_JSON_CHOICES_MAX of them (duplicates are for the caller). */
int social_json_vote(apr_pool_t *p, const json_t *req, int **choices, int *n,
                     social_json_error *e);

/* A new comment's place in a document: "position" absent or null (kind
 * NONE), {"t": SECONDS} or {"page": N}, a whole number, one member only.
 * Refuses (code invalid_position, field position) any other shape; the
 * range and whether the document takes it are the caller's
 * (social_position_check). */
int social_json_position(const json_t *req, social_position *pos, social_json_error *e);

/* PATCH polls/ID {closed: true|false}. */
int social_json_poll_closed(const json_t *req, int *closed, social_json_error *e);

#endif /* SOCIAL_JSONMAP_H */
