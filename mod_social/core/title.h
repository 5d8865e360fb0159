/* title.h: a page's title as a browser would show it: the text of the
 * page's first <title> element (outside comments and raw-text elements
 * such as <script> and <style>), read from the bytes httpd serves, then
 * cleaned (charset to UTF-8, character references decoded, white space
 * collapsed, length capped). Pure C + APR: unit-tested alone.
 */
#ifndef SOCIAL_TITLE_H
#define SOCIAL_TITLE_H

#include <stddef.h>

#include <apr_pools.h>

/* Most characters (code points) a cleaned title keeps. */
#define SOCIAL_TITLE_MAX_CHARS 300

/* Most raw bytes of a title the scanner keeps (the rest is cut). */
#define SOCIAL_TITLE_MAX_RAW 4096

/* Most bytes of a page the scanner reads looking for a title. */
#define SOCIAL_TITLE_MAX_SCAN (512 * 1024)

typedef struct social_title_scan social_title_scan;

/* A scanner at the start of a page. */
social_title_scan *social_title_scan_make(apr_pool_t *p);

/* Feeds the next len bytes of the page. Returns nonzero once the scanner
 * needs no more (the title ended, or SOCIAL_TITLE_MAX_SCAN bytes went by
 * without one); feeding more is then harmless. */
int social_title_scan_feed(social_title_scan *s, const char *data, size_t len);

/* The raw text of the first <title> element so far (in the page's own
 * charset, references not decoded), or NULL if none began. A title still
 * open at the end of the page runs to the end, as in a browser. */
const char *social_title_scan_raw(const social_title_scan *s, size_t *len);

/* raw[0..len) as a title to show: converted to UTF-8 from charset
 * ("utf-8"; "iso-8859-1", "us-ascii" and "windows-1252" read as
 * windows-1252, as browsers do; NULL: UTF-8 if the bytes are well-formed
 * UTF-8, else windows-1252; anything else must be converted by the caller
 * first and given as "utf-8"), character references decoded, control
 * characters and runs of ASCII white space made one space, trimmed, and
 * cut to SOCIAL_TITLE_MAX_CHARS characters (the last one then "…").
 * NULL if nothing is left. */
const char *social_title_clean(apr_pool_t *p, const char *raw, size_t len,
                               const char *charset);

#endif /* SOCIAL_TITLE_H */
