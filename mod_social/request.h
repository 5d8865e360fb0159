/* request.h: what every endpoint route needs: reading the request
 * (query, JSON and form bodies, the page it is about) and answering
 * (JSON, errors, redirects, HTML fragments). */
#ifndef SOCIAL_REQUEST_H
#define SOCIAL_REQUEST_H

#include <httpd.h>
#include <jansson.h>

#include "config.h"
#include "identity.h"
#include "store.h"

/* Largest request body accepted (413 beyond). */
#define SOCIAL_BODY_MAX (64 * 1024)

/* The page a request is about, as the viewer sees it. */
typedef struct {
    const char *key;             /* canonical page key */
    const social_dir_conf *dc;   /* the page's own configuration */
    social_identity who;         /* the viewer, under the page's rules */
} social_page;

/* Ties a Jansson value to the request pool; returns it. */
json_t *social_request_json_pool(request_rec *r, json_t *value);

/* Sends body as the JSON response with status. Returns OK (for the handler). */
int social_request_json_send(request_rec *r, int status, json_t *body);

/* Sends {"error": {"code", "message"}} with status; logs at info level
 * with id SOCIAL0300 so an admin can see why a client was refused. */
int social_request_json_error(request_rec *r, int status, const char *code,
                              const char *message);

/* 405 with Allow. */
int social_request_method_not_allowed(request_rec *r, const char *allow);

/* 503 with Retry-After for a store failure (DOWN or FAILED). */
int social_request_store_error(request_rec *r, social_store_status st);

/* Values of a query-string parameter, decoded, in order (maybe none). */
apr_array_header_t *social_request_query_values(request_rec *r, const char *name);
const char *social_request_query_value(request_rec *r, const char *name);

/* Reads a JSON object body. On failure sends the error response (400,
 * 413, 415) and returns NULL with *status set to the handler's result. */
json_t *social_request_json_body(request_rec *r, int *status);

/* The request's Idempotency-Key as a social_idempotency for its JSON
 * body req, in *idem (NULL without the header). Returns 0, or -1 for a
 * key that is not 1 to 200 printable ASCII characters (the caller
 * answers 400). */
int social_request_idempotency(request_rec *r, json_t *req,
                               social_idempotency **idem);

/* The 400 answer for an invalid Idempotency-Key. */
int social_request_idempotency_refused(request_rec *r);

/* Reads an application/x-www-form-urlencoded body into a table. On
 * failure returns NULL and sets *code (413, 415, 400). */
apr_table_t *social_request_form_body(request_rec *r, int *code);

/* Resolves a page path from a client to a page the viewer may read:
 * normalised, looked up as a subrequest (so the intranet's own access
 * rules decide), with Social On there. Returns 0 and fills *page, or an
 * HTTP status (400 bad path, 401 login needed, 403 not allowed, 404 no
 * such page or no discussion there) with *message set. */
int social_request_page(request_rec *r, const char *path, social_page *page,
                        const char **message);

/* What a refused change of a locked discussion says. */
#define SOCIAL_LOCKED_MESSAGE "this discussion is locked by a moderator: no new comments, " \
    "replies, edits, likes or votes (you may still delete your own comments)"

/* May the viewer change the page's discussion (edit, like, vote)? 0 if it
 * is not locked or the viewer moderates; HTTP_LOCKED (423) if a moderator
 * locked it; HTTP_SERVICE_UNAVAILABLE if the store cannot tell. */
int social_request_unlocked(request_rec *r, const social_page *pg);

/* A strictly decimal positive id, or 0. */
apr_int64_t social_request_id(const char *s, size_t len);

/* Nonzero if the client asked for an HTML fragment (the widget's fetch). */
int social_request_wants_fragment(request_rec *r);

/* {"count": N, "people": [{"user", "name"}]} for a list of social_person. */
json_t *social_request_people_json(request_rec *r, apr_array_header_t *people);

/* Sends the page's discussion as rendered for the viewer (the widget's
 * fragment); status is announced to screen readers. */
int social_request_fragment_send(request_rec *r, const social_page *pg,
                                 const char *status);

/* Sends a rendered HTML fragment (private, not cached). */
int social_request_html_send(request_rec *r, const char *html, apr_size_t len);

/* A refused form post: an HTML page with the status, the message and a
 * link back to the page (back), or a JSON error for the widget. */
int social_request_form_error(request_rec *r, int status, const char *message,
                              const char *back);

#endif /* SOCIAL_REQUEST_H */
