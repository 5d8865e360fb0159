/* request.h: what every endpoint route needs: reading the request
 * (query, JSON and form bodies, the page it is about) and answering
 * (JSON, errors, redirects, HTML fragments). */
#ifndef SOCIAL_REQUEST_H
#define SOCIAL_REQUEST_H

#include <httpd.h>
#include <jansson.h>

#include "config.h"
#include "document.h"
#include "identity.h"
#include "render.h"
#include "store.h"

/* Largest request body accepted (413 beyond). */
#define SOCIAL_BODY_MAX (64 * 1024)

/* The page a request is about, as the viewer sees it. */
typedef struct {
    const char *key;             /* canonical page key */
    const social_dir_conf *dc;   /* the page's own configuration */
    social_identity who;         /* the viewer, under the page's rules */
} social_page;

/* What an endpoint answers when it refuses or fails, whichever way it
 * answers (JSON, the HTML message page, the moderation console), as
 * mod_md's md_result_t carries status, problem and detail: built where
 * the refusal is found, sent once by social_result_send. */
typedef struct {
    int status;             /* HTTP status; 0 while nothing is refused */
    const char *code;       /* the JSON error code ("not_found", "unavailable") */
    const char *message;    /* what the person reads */
    const char *field;      /* the request member refused (error.field), or NULL */
    const char *log_id;     /* the id the refusal is logged with; NULL: SOCIAL0300 */
} social_result;

/* Sets *res; returns status (for "return social_result_set(...)"). */
int social_result_set(social_result *res, int status, const char *code,
                      const char *message);

/* A refused page access (social_request_page's status and message):
 * 400 invalid_page, 401 login_required, 403 forbidden, 404 not_found. */
int social_result_page(social_result *res, int status, const char *message);

/* A store failure: 503 "unavailable" (SOCIAL_STORE_DOWN: no connection,
 * lost, or timed out: Retry-After is sent with it) or 500 "store_failed"
 * (the database refused a statement: retrying will not help; the error
 * log has the database's message). */
int social_result_store(request_rec *r, social_result *res, social_store_status st);

/* Sends res: as {"error": {"code", "message"[, "field"]}} (html 0), or
 * as the HTML message page with a link back to the page back (html 1;
 * JSON "form_refused" for the widget's fetch). A 503 carries
 * Retry-After. Logged at info level. Returns the handler's result. */
int social_result_send(request_rec *r, const social_result *res, int html,
                       const char *back);

/* Ties a Jansson value to the request pool; returns it. */
json_t *social_request_json_pool(request_rec *r, json_t *value);

/* ---- language (README "Languages") ----
 *
 * The language of what the module writes for r, the first that applies:
 * SocialLanguage TAG -> the page's own <html lang> (pages: what the
 * filter saw, when it names a language there is a catalogue for; the
 * endpoint: its lang= query parameter, which the widget fills from the
 * block's lang when it fetches a discussion) ->
 * Accept-Language -> English. Never NULL once the server has started. */
const social_i18n_lang *social_request_lang(request_rec *r);

/* The language the reader asks for (Accept-Language, if a catalogue
 * has it), else the one the answer is in: what their mail is written in. */
const char *social_request_reader_lang(request_rec *r);

/* The message key in the request's language. */
#define SOCIAL_MSG(r, key) social_i18n_text(social_request_lang(r), key)

/* The message key with placeholders and (n >= 0) the plural form, in the
 * request's language: social_i18n_format's name, value pairs follow n. */
#define SOCIAL_MSGF(r, key, ...) \
    social_i18n_format((r)->pool, social_request_lang(r), key, __VA_ARGS__)

/* Why a text (what social_text_comment_check said of it, its length in
 * chars and the limit) is refused, in the request's language; prefix
 * names a catalogue family ("block.msg_text", "ideas.err_title",
 * "block.msg_note", "block.msg_reason") whose keys _empty, _not_utf8,
 * _control and _too_long ({chars}, {max}) say it. */
const char *social_request_text_refusal(request_rec *r, const char *prefix, const char *why,
                                        apr_size_t chars, apr_size_t max);

/* A success notice (the English text an action says it did, as
 * social_request_back_location takes it) in the request's language;
 * other text as it is. */
const char *social_request_notice_say(request_rec *r, const char *text);

/* Tells social_request_lang the page's own lang attribute (the filter,
 * when it sees <html lang>; NULL or "" for none). */
void social_request_set_page_lang(request_rec *r, const char *lang);

/* Nonzero if Accept-Language decided social_request_lang's answer (its
 * answer would change with another header): a response that depends on
 * it says Vary: Accept-Language. */
int social_request_lang_negotiated(request_rec *r);

/* The headers of an answer written in the request's language (the
 * module's own responses): Content-Language, and Vary: Accept-Language
 * when the header decided. */
void social_request_lang_headers(request_rec *r);

/* Sets what every answer of the endpoint carries, error pages included:
 * X-Content-Type-Options nosniff, Referrer-Policy same-origin, and who
 * may frame it (CSP frame-ancestors from SocialFrameAncestors, with
 * X-Frame-Options for old browsers). */
void social_request_protect(request_rec *r);

/* Sends body as the JSON response with status. Returns OK (for the handler). */
int social_request_json_send(request_rec *r, int status, json_t *body);

/* body as compact ASCII JSON text in r->pool (its length in *len), or
 * NULL (logged) when there is no memory for it. */
char *social_request_json_text(request_rec *r, json_t *body, apr_size_t *len);

/* Sends JSON text already made (a line: a newline is added) with status
 * and the Cache-Control given. */
int social_request_json_text_send(request_rec *r, int status, const char *text,
                                  apr_size_t len, const char *cache_control);

/* Sends {"error": {"code", "message"}} with status; logs at info level
 * with id SOCIAL0300 so an admin can see why a client was refused. */
int social_request_json_error(request_rec *r, int status, const char *code,
                              const char *message);

/* 405 with Allow. */
int social_request_method_not_allowed(request_rec *r, const char *allow);

/* The answer to a store failure: 503 "unavailable" with Retry-After
 * when the database is down (SOCIAL_STORE_DOWN: no connection, lost, or
 * timed out); 500 "store_failed" when it refused a statement
 * (SOCIAL_STORE_FAILED: retrying will not help; the error log has the
 * database's message). */
int social_request_store_error(request_rec *r, social_store_status st);

/* Retry-After for a 503: when the database is worth asking again (the
 * breaker's remaining back-off, whole seconds, at least one). */
void social_request_retry_after(request_rec *r);
/* The status (503 or 500) and the words of that answer, for the callers
 * that answer in HTML or carry the refusal further. */
int social_request_store_status(social_store_status st);
const char *social_request_store_message(request_rec *r, social_store_status st);

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

/* 403 cross_origin: a write that came from another site. */
int social_request_cross_origin_refused(request_rec *r);

/* Reads an application/x-www-form-urlencoded body into a table. On
 * failure returns NULL and sets *code (413, 415, 400). */
apr_table_t *social_request_form_body(request_rec *r, int *code);

/* The one access question: may a person see the page at path? Every
 * path that tells anything about a page asks it (discussions, listings,
 * counts and count markers, notifications and their unread count,
 * shares, the activity stream, digests). path is normalised, then looked
 * up as a subrequest, so the intranet's own rules (Require in
 * <Location>, <Directory>, <Files>, DirectoryIndex) decide for the file
 * httpd would really serve. as: NULL for the requester (then also the
 * page's SocialAnonymous policy), or the user name of another person
 * (a digest's recipient): the subrequest then runs as that person.
 * Answers are kept for the request (and its subrequests).
 * Returns 0 with *key (the page key: an index file is its directory only
 * if httpd serves that file for the directory) and *dc (the page's
 * configuration), or an HTTP status with *message: 400 bad path, 401
 * login needed, 403 not allowed, 404 no such page (a missing file, path
 * info after a file, Social not on there). */
int social_request_page_access(request_rec *r, const char *path, const char *as,
                               const char **key, const social_dir_conf **dc,
                               const char **message);

/* The modification time and size of the file served for the page key,
 * if this request asked the access question of it already; 0 if not. */
int social_request_page_stamp(request_rec *r, const char *key, apr_time_t *mtime,
                              apr_off_t *size);

/* What the file served for the page key is (its kind, and its content
 * type in *content_type if not NULL), if this request asked the access
 * question of it already; else an HTML page (and NULL). */
social_document_kind social_request_page_kind(request_rec *r, const char *key,
                                              const char **content_type);

/* Where the page key's discussion is read: the page itself, or for a
 * document (as this request's access answer knows it) its discuss page. */
const char *social_request_page_href(request_rec *r, const char *key);

/* The file on disk httpd serves for the page key, as this request's
 * access answer knows it (a reader was allowed it); NULL if none. */
const char *social_request_page_file(request_rec *r, const char *key);

/* {base}/discuss?page=KEY: where a document's discussion is. */
const char *social_request_discuss_url(request_rec *r, const char *key);

/* Nonzero if social_request_page_access answers 0. */
int social_request_page_readable(request_rec *r, const char *path, const char *as);

/* The page key of the page r itself serves (for the output filter), by
 * the same rule as social_request_page_access; NULL if there is none. */
const char *social_request_served_key(request_rec *r);

/* After social_request_page_access (for the requester) answered 401
 * for path: puts the page's own challenge (the WWW-Authenticate lines its
 * auth module noted on the subrequest, e.g. Basic realm="...") on r's
 * err_headers_out, so a browser asks for the password the page asks for.
 * Returns 1 if it did, 0 if there is none (e.g. the 401 is the module's
 * own: the page is public but its discussion needs a login). */
int social_request_page_challenge(request_rec *r, const char *path);

/* social_request_page_access for the requester, with the viewer's
 * identity under the page's rules in page->who. Returns 0 and fills
 * *page, or the HTTP status with *message set. */
int social_request_page(request_rec *r, const char *path, social_page *page,
                        const char **message);

/* Registers the check_authn hook that lets a subrequest run as another
 * person (social_request_page_access with as). */
void social_request_register_hooks(apr_pool_t *p);
/* What a refused change of a locked discussion says. */
#define SOCIAL_LOCKED_MESSAGE "this discussion is locked by a moderator: no new comments, " \
    "replies, edits, likes or votes (you may still delete your own comments)"

/* May the viewer change the page's discussion (edit, like, vote)? 0 if it
 * is not locked or the viewer moderates; HTTP_LOCKED (423) if a moderator
 * locked it; HTTP_SERVICE_UNAVAILABLE if the store cannot tell. */
int social_request_unlocked(request_rec *r, const social_page *pg);

/* A strictly decimal positive id, or 0. */
apr_int64_t social_request_id(const char *s, size_t len);

/* Sends one of the module's own whole pages: set in the site's frame
 * (SocialSiteFrame) when there is one, else as it is. */
int social_request_page_send(request_rec *r, const char *html, apr_size_t len);

/* Nonzero if the client asked for an HTML fragment (the widget's fetch). */
int social_request_wants_fragment(request_rec *r);

/* Where a plain (no-JS) form goes back to after it succeeded: page (a
 * page key, so never an open redirect) with ?social=KEY naming status, if
 * status is one of the module's own success messages, so the page says
 * what was done; then #fragment. */
const char *social_request_back_location(request_rec *r, const char *page,
                                         const char *status, const char *fragment);

/* The success message a page view shows for its ?social=KEY, or NULL:
 * only ever one of the module's own fixed texts, whatever was sent. */
const char *social_request_notice(request_rec *r);

/* {"count": N, "people": [{"user", "name"}]} for a list of social_person. */
json_t *social_request_people_json(request_rec *r, apr_array_header_t *people);

/* Sends a rendered HTML fragment (private, not cached). */
int social_request_html_send(request_rec *r, const char *html, apr_size_t len);

/* Renders the template name (in SocialTemplateDir) with fill and sends it
 * as the HTML page (characters beyond ASCII as references); 500, logged
 * (SOCIAL0306), if it cannot be rendered. */
int social_request_template_send(request_rec *r, const char *name,
                                 social_render_fill fill, void *data);

/* A form post for people: from this site, with a form body. Returns the
 * form, or NULL with the refusal sent (403, 413, 415, 400) and the
 * handler's result in *result. */
apr_table_t *social_request_form_read(request_rec *r, int *result);

/* A refused form post: an HTML page with the status, the message and a
 * link back to the page (back), or a JSON error for the widget. */
int social_request_form_error(request_rec *r, int status, const char *message,
                              const char *back);

/* The text a person wrote in the form being handled: if the post is
 * refused, the page shows it again, so nothing typed is lost. */
void social_request_form_keep(request_rec *r, const char *text);

/* user's unread notifications on pages the requester (user) may read:
 * the "for you" badge everywhere. */
social_store_status social_request_unread(request_rec *r, const char *user, int *count);

#endif /* SOCIAL_REQUEST_H */
