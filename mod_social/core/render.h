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

#include "scan.h"

/* Delimiters of everything mod_social adds to a page. */
#define SOCIAL_BLOCK_OPEN "<!-- mod_social -->"
#define SOCIAL_BLOCK_CLOSE "<!-- /mod_social -->"

typedef struct {
    const char *endpoint;   /* "/_social" */
    const char *version;    /* asset version in URLs */
    const char *page_key;   /* canonical page key (ASCII) */
    const char *inner;      /* rendered discussion (ASCII markup), or NULL */
} social_render_page;

/* The main block: stylesheet, container carrying the page key and the
 * rendered discussion if there is one (inline, else deferred: the widget
 * fetches it), deferred script. Well-formed XML as well as HTML. */
const char *social_render_block(apr_pool_t *p, const social_render_page *page,
                                apr_size_t *len);

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
const char *social_render_poll(apr_pool_t *p, const char *name, const char *inner,
                               apr_size_t *len);

/* "N comments" linking to the page's discussion, for a count marker. */
const char *social_render_count_link(apr_pool_t *p, const char *page_key, int count);

/* ---- ClearSilver ---- */

#ifndef __NEO_HDF_H_
typedef struct _hdf HDF;
#endif

/* Fills the template's data; returns 0 or a message. */
typedef const char *(*social_render_fill)(HDF *hdf, void *data);

/* Renders dir/name with an HDF made by fill, auto-escaping every var: as
 * HTML (Config.VarEscapeMode = html). On success returns the output
 * (allocated from p) and sets *len; on failure returns NULL and sets
 * *error. One HDF and one CSPARSE per call, never shared: safe from any
 * thread. */
char *social_render_template(apr_pool_t *p, const char *dir, const char *name,
                             social_render_fill fill, void *data,
                             apr_size_t *len, const char **error);

/* Sets name to value in the HDF; returns 0 or a message. For fill
 * functions, so they need not include ClearSilver's headers. */
const char *social_render_set(HDF *hdf, const char *name, const char *value);

#endif /* SOCIAL_RENDER_H */
