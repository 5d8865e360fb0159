/* text.h: byte-level text helpers with no httpd types.
 *
 * UTF-8 validation, page-key normalisation, HTML escaping into pure
 * ASCII, and media-type checks. Everything here is pure and unit-tested
 * alone; it uses APR pools for results and nothing else from httpd.
 */
#ifndef SOCIAL_TEXT_H
#define SOCIAL_TEXT_H

#include <stddef.h>
#include <apr_pools.h>
#include <apr_time.h>

#include "tz.h"

/* Longest page key accepted, in bytes of its canonical (ASCII) form. */
#define SOCIAL_PAGE_KEY_MAX 1024

/* Nonzero if s[0..len) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
int social_text_utf8_valid(const char *s, size_t len);

/* The canonical page key of a URL path as it appears in a request line
 * (may hold %XX escapes; a query or fragment is cut off):
 *   - percent escapes are decoded; "%00", "%2F" inside a segment and a
 *     path not starting with '/' are refused;
 *   - "//" collapses to "/", "." segments go, ".." removes the segment
 *     before it (refused if it would climb above the root);
 *   - a last segment "index.html" or "index.htm" becomes the directory
 *     ("/news/index.html" -> "/news/");
 *   - bytes outside [A-Za-z0-9/._~!$&'()*+,;=:@-] are written back as
 *     %XX (upper-case hex), so the key is pure ASCII and one spelling
 *     of a page always gives the same key.
 * Returns the key, or NULL with *error set to a short English reason.
 */
const char *social_text_page_key(apr_pool_t *p, const char *path,
                                 const char **error);

/* Like social_text_page_key but without the index step: the canonical
 * spelling of the URL path itself ("/news/index.html" stays). Whether
 * an index file is its directory's page is for httpd to say (its
 * DirectoryIndex); see social_request_page_access. */
const char *social_text_page_path(apr_pool_t *p, const char *path,
                                  const char **error);

/* s[0..len) escaped for HTML text and double- or single-quoted
 * attribute values, as pure ASCII: & < > " ' become entities, every
 * non-ASCII UTF-8 character becomes &#xHHHH;, and invalid UTF-8 bytes
 * and control characters other than tab, newline and carriage return
 * become &#xFFFD;. The result is also well-formed XML text. */
char *social_text_html_escape(apr_pool_t *p, const char *s, size_t len);

/* Nonzero if the Content-Type value names text/html or
 * application/xhtml+xml (any letter case, any parameters). *xhtml is set
 * for the latter when xhtml is not NULL. */
int social_text_is_html_type(const char *content_type, int *xhtml);

/* Nonzero if the Content-Type value declares a charset the block cannot
 * be written into as ASCII: UTF-16 or UTF-32 in any spelling
 * (utf-16, UTF-16LE, utf-32be, ucs-2, ucs-4, ...). */
int social_text_charset_is_wide(const char *content_type);

/* Nonzero if the buffer starts with a UTF-16 or UTF-32 byte order mark.
 * Needs up to 4 bytes; with fewer, answers from what is there. */
int social_text_has_wide_bom(const unsigned char *buf, size_t len);

/* Like social_text_html_escape but for markup already safe: only
 * non-ASCII characters become &#xHHHH; (invalid bytes &#xFFFD;), so a
 * rendered fragment is pure ASCII. Use on template output. */
char *social_text_ascii_refs(apr_pool_t *p, const char *s, size_t len);

/* FNV-1a (32 bits) of the string s: for spreading keys over the slots of
 * a small table, not for anything an attacker may aim at. */
apr_uint32_t social_text_hash(const char *s);

/* Longest comment text, in characters (code points). */
#define SOCIAL_COMMENT_MAX_DEFAULT 5000

/* The reasons social_text_comment_check gives (compare with strcmp). */
#define SOCIAL_TEXT_NOT_UTF8 "the text is not valid UTF-8"
#define SOCIAL_TEXT_CONTROL "the text holds control characters"
#define SOCIAL_TEXT_EMPTY "the text is empty"
#define SOCIAL_TEXT_TOO_LONG "the text is too long"

/* Checks a comment body: well-formed UTF-8, no control characters but
 * tab and newline (a CR LF or lone CR counts as a newline), not empty
 * once white space is trimmed, at most max characters. Returns NULL if
 * fine, else a short English reason; *chars gets the length in
 * characters. */
const char *social_text_comment_check(const char *s, size_t len, size_t max,
                                      size_t *chars);

/* Comment text -> safe HTML, pure ASCII, with a small Markdown subset:
 * paragraphs (<p>) split at blank lines, single newlines as <br />;
 * lines starting "- " or "* " (<ul>), "1. " or "1) " (<ol>), "> "
 * (<blockquote>); `code`, **strong**, *emphasis* and _emphasis_ (not
 * inside words), [text](url); http://, https:// and mailto: URLs (bare
 * or in [text](url)) as links with rel="nofollow noopener". No other
 * markup is ever produced: everything else is shown literally (escaped),
 * and markers that do not pair up stay as written. */
char *social_text_format_comment(apr_pool_t *p, const char *s, size_t len);

/* s percent-encoded for a URL component: everything but the RFC 3986
 * unreserved characters as %XX (a space is %20, never '+'). */
char *social_text_percent_encode(apr_pool_t *p, const char *s);

/* s[0..len) read as ISO-8859-1 (every byte one character), as UTF-8. */
char *social_text_latin1_to_utf8(apr_pool_t *p, const char *s, size_t len);

/* s[0..len) with every byte that does not belong to a well-formed UTF-8
 * sequence replaced by U+FFFD: always valid UTF-8. */
char *social_text_utf8_repair(apr_pool_t *p, const char *s, size_t len);

/* The charset parameter of a Content-Type value (lower case, unquoted),
 * or NULL. */
const char *social_text_charset(apr_pool_t *p, const char *content_type);

/* t as ISO 8601 in UTC, "2026-11-28T09:30:00Z". */
const char *social_text_time_iso(apr_pool_t *p, apr_time_t t);

/* t as "YYYY-MM-DD HH:MM UTC", as pages show a moment. */
const char *social_text_time_utc(apr_pool_t *p, apr_time_t t);

/* t on zone's clock (SocialTimeZone), "YYYY-MM-DD HH:MM ABBR" with the
 * zone's abbreviation ("2026-07-01 14:00 CEST", "... +0530" when the zone
 * has no letters of its own); zone NULL: UTC, as social_text_time_utc. */
const char *social_text_time_abs(apr_pool_t *p, apr_time_t t, const social_tz *zone);

/* How social_text_time_relative words an age. */
typedef enum {
    SOCIAL_TIME_LONG,   /* the discussion: "just now" (under 45 s), "a minute ago",
                         * "3 minutes ago", "an hour ago", "yesterday",
                         * "2 days ago", "a week ago", ..., "3 years ago" */
    SOCIAL_TIME_SHORT   /* the activity stream: "just now" (under 60 s),
                         * "3 min ago", "2 h ago", "4 days ago" */
} social_time_style;

/* How long before now t was, in words of the given style (a moment in
 * the future reads as "just now"). */
const char *social_text_time_relative(apr_pool_t *p, apr_time_t t, apr_time_t now,
                                      social_time_style style);

/* Words for an age in another language: the caller's catalogue lookup.
 * unit is "just_now" (n is then -1), "minutes", "hours", "days",
 * "weeks", "months" or "years" (the count n, >= 1; the short style uses
 * only minutes, hours and days); returns the words (with the number, in
 * the plural form n needs), or NULL to keep the English ones. */
typedef const char *(*social_text_time_say)(void *ctx, social_time_style style,
                                            const char *unit, apr_int64_t n);

/* social_text_time_relative in the words say gives (say NULL: English).
 * Which unit, and its count, are decided as for English. */
const char *social_text_time_relative_say(apr_pool_t *p, apr_time_t t, apr_time_t now,
                                          social_time_style style,
                                          social_text_time_say say, void *ctx);

#endif /* SOCIAL_TEXT_H */
