/* markers.h: what each <!--social:KIND ...--> marker of a page becomes.
 *
 * One table from marker kind to its handler. Handlers make the
 * placeholder that follows the marker; count markers are gathered and
 * read together (one statement for up to SOCIAL_STORE_COUNTS_MANY_MAX
 * pages), so their placeholders are made later, by
 * social_markers_counts_resolve.
 */
#ifndef SOCIAL_MARKERS_H
#define SOCIAL_MARKERS_H

#include <httpd.h>

#include "marker.h"

typedef struct social_markers social_markers;

typedef enum {
    SOCIAL_MARKERS_PLACEHOLDER,   /* *placeholder follows the marker */
    SOCIAL_MARKERS_PENDING,       /* a count whose placeholder comes later (*pending) */
    SOCIAL_MARKERS_BLOCK_HERE,    /* the main block goes here */
    SOCIAL_MARKERS_IGNORED,       /* left alone, nothing added */
    SOCIAL_MARKERS_BAD            /* malformed for its kind: left as it is */
} social_markers_result;

/* The markers of the page page_key in r; inline_mode: counts and polls
 * are rendered into the page. */
social_markers *social_markers_make(request_rec *r, const char *page_key, int inline_mode);

/* Handles the marker text (UTF-8, valid for the call only). */
social_markers_result social_markers_handle(social_markers *ms, const char *text,
                                            apr_size_t text_len, const char **placeholder,
                                            apr_size_t *len, int *pending);

/* An entry of a directory listing (path: the folder's key and the
 * entry's href): like a count marker, its placeholder ("N comments" and
 * "Discuss", social_render_listing_entry) follows the entry's link.
 * Returns SOCIAL_MARKERS_PENDING with *pending (its count is read with
 * the others), SOCIAL_MARKERS_PLACEHOLDER (past the counted entries: a
 * "Discuss" link alone) or SOCIAL_MARKERS_IGNORED (the viewer may not
 * read the entry, or it has no discussion). */
social_markers_result social_markers_entry(social_markers *ms, const char *path,
                                           const char **placeholder, apr_size_t *len,
                                           int *pending);

/* Count markers waiting for their numbers. */
int social_markers_pending(const social_markers *ms);

/* Reads the counts of every pending marker in one statement and makes
 * their placeholders; then social_markers_count_placeholder(ms, k)
 * gives each. The pending list starts again empty after the next call. */
void social_markers_counts_resolve(social_markers *ms);

/* The placeholder of pending count k (after resolving). */
const char *social_markers_count_placeholder(const social_markers *ms, int k,
                                             apr_size_t *len);

/* Forgets the resolved counts: the next pending count is number 0. */
void social_markers_counts_clear(social_markers *ms);

#endif /* SOCIAL_MARKERS_H */
