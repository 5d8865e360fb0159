/* render.h: what mod_social writes into pages and its own HTML.
 *
 * The loader block and marker placeholders are small fixed shapes built
 * here directly; threads and pages are ClearSilver templates. Nothing in
 * this unit needs httpd: it is unit-tested alone. Every byte it produces
 * for a page is ASCII, so it reads right in any ASCII-compatible charset.
 */
#ifndef SOCIAL_RENDER_H
#define SOCIAL_RENDER_H

#include <apr_pools.h>

#include "i18n.h"
#include "scan.h"

/* Delimiters of everything mod_social adds to a page. */
#define SOCIAL_BLOCK_OPEN "<!-- mod_social -->"
#define SOCIAL_BLOCK_CLOSE "<!-- /mod_social -->"

typedef struct {
    const char *endpoint;   /* "/_social" */
    const char *version;    /* asset version in URLs */
    const char *page_key;   /* canonical page key (ASCII) */
    const char *inner;      /* rendered discussion (ASCII markup), or NULL */
    int live;               /* seconds between the widget's checks for new
                               comments; 0: none */
    apr_size_t inner_len;   /* the discussion's length; 0: up to its NUL */
    const char *theme;      /* "auto", "light" or "dark"; NULL: auto */
    const char *tz;         /* SocialTimeZone's name, for the widget's
                               absolute times; NULL: UTC */
    const social_i18n_lang *lang; /* the block's language; NULL: English */
} social_render_page;

/* The main block: stylesheet, container carrying the page key and the
 * rendered discussion if there is one (inline, else deferred: the widget
 * fetches it), deferred script. Well-formed XML as well as HTML. */
const char *social_render_block(apr_pool_t *p, const social_render_page *page,
                                apr_size_t *len);

/* The same block in three pieces, the discussion not copied: what comes
 * before it, the discussion itself, what comes after. */
typedef struct {
    const char *head, *inner, *tail;
    apr_size_t head_len, inner_len, tail_len;
} social_render_parts;

void social_render_block_parts(apr_pool_t *p, const social_render_page *page,
                               social_render_parts *parts);

/* The page a count marker names, as a canonical key, or NULL. */
const char *social_render_marker_page(apr_pool_t *p, const social_marker *m);

/* The placeholder that follows a well-formed marker: a span (a div for
 * polls) carrying the marker's kind and what names it (count: the page
 * key; poll: the name), holding inner (ASCII markup) if not NULL. NULL if
 * the marker lacks what its kind needs (it is then left alone). */
const char *social_render_marker(apr_pool_t *p, const social_marker *m,
                                 const char *inner, apr_size_t *len);

/* The placeholder of a poll marker: a div id="poll-NAME" holding inner
 * (the rendered poll) if not NULL. name is the poll's parsed name. */
/* The placeholder of an ideas marker: a div id="ideas-NAME" holding
 * inner (the rendered board) if not NULL. */
const char *social_render_ideas(apr_pool_t *p, const char *name, const char *inner,
                                apr_size_t *len);

const char *social_render_poll(apr_pool_t *p, const char *name, const char *inner,
                               apr_size_t *len);

/* The placeholder of a survey marker: a div id="survey-NAME" holding
 * inner (the rendered survey) if not NULL. */
const char *social_render_survey(apr_pool_t *p, const char *name, const char *inner,
                                 apr_size_t *len);

/* "N comments" linking to the page's discussion, for a count marker. */
const char *social_render_count_link(apr_pool_t *p, const char *page_key, int count);

/* What follows an entry of a directory listing: "N comments" (count < 0:
 * not known, left out) and "Discuss" in the language l, both linking to
 * href (the entry's discussion), between the module's delimiters. */
const char *social_render_listing_entry(apr_pool_t *p, const social_i18n_lang *l,
                                        const char *href, int count, apr_size_t *len);

/* The small "Discuss" link (in the language l) SocialDocumentLinks puts
 * after a link to a document, linking to href (its discussion), between
 * the delimiters. */
const char *social_render_document_link(apr_pool_t *p, const social_i18n_lang *l,
                                        const char *href, apr_size_t *len);

/* ---- ClearSilver ---- */

/* The data a template is rendered with: a node of an HDF tree (the root,
 * or a child such as "Comments.3"). Setters never fail loudly: the first
 * error is kept (for the whole tree) and social_render_template reports
 * it, so a fill callback need not test every call. */
typedef struct social_render_data social_render_data;

/* Fills the template's data. Called once, before the template is
 * rendered; it must only copy what the caller loaded beforehand. */
typedef void (*social_render_fill)(social_render_data *data, void *ctx);

/* name = value (NULL is the empty string). */
void social_render_set(social_render_data *d, const char *name, const char *value);

/* name = the printf-style formatted text. */
void social_render_setf(social_render_data *d, const char *name, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* name = the decimal number. */
void social_render_set_int(social_render_data *d, const char *name, apr_int64_t value);

/* name = "1" or "0". */
void social_render_set_bool(social_render_data *d, const char *name, int value);

/* The node under d named by the printf-style path (e.g. "Comments.%d"),
 * made if needed; its setters write below it and share d's error. */
social_render_data *social_render_child(social_render_data *d, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* The pool the data lives as long as (the caller's). */
apr_pool_t *social_render_pool(const social_render_data *d);

/* Renders dir/name with the data made by fill, auto-escaping every var:
 * as HTML (Config.VarEscapeMode = html). On success returns the output
 * (allocated from p) and sets *len; on failure returns NULL and sets
 * *error. The data is one HDF per call; the parsed template is kept per
 * thread (once social_render_init has run) and parsed again when the
 * file changes, so no ClearSilver object is ever used by two threads. */
char *social_render_template(apr_pool_t *p, const char *dir, const char *name,
                             social_render_fill fill, void *ctx,
                             apr_size_t *len, const char **error);

/* The same in the language lang: the template's {{t:..}} and {{n:..}}
 * forms (i18n.h) are expanded for lang when it is parsed (the parsed
 * copy is kept per template AND language), and the data holds
 * Social.lang (the tag) and Social.dir ("ltr" or "rtl"). lang NULL: the
 * catalogue given to social_render_i18n in English, or, with none, the
 * template as it is (forms left unexpanded). social_render_template is
 * this with lang NULL. */
char *social_render_template_lang(apr_pool_t *p, const char *dir, const char *name,
                                  const social_i18n_lang *lang,
                                  social_render_fill fill, void *ctx,
                                  apr_size_t *len, const char **error);

/* The catalogue whose English a render without a language uses (set
 * once at start-up, before threads render; NULL: none). */
void social_render_i18n(const social_i18n *catalogue);

/* Sets up the per-thread template cache for the life of p (a child
 * process's pool; a unit test's). Without it every render parses. Call
 * it before threads render. */
void social_render_init(apr_pool_t *p);

#endif /* SOCIAL_RENDER_H */
