/* mention.h: @mentions in comment text. Pure C over APR pools, no
 * httpd: the store uses it to notify, the renderers to link. */
#ifndef SOCIAL_MENTION_H
#define SOCIAL_MENTION_H

#include <apr_pools.h>
#include <apr_tables.h>

/* At most this many people are notified from one comment. */
#define SOCIAL_MENTION_MAX 10

/* The user names mentioned in s (as "@name"), each once, in order of
 * first mention, at most SOCIAL_MENTION_MAX. A mention starts with '@'
 * at the start of the text or after a character that cannot be part of
 * an address (so "alice@example.org" mentions nobody) and runs over
 * letters, digits, '.', '_' and '-', without a trailing '.' or '-'
 * (the end of a sentence). */
apr_array_header_t *social_mention_names(apr_pool_t *p, const char *s);

/* The length of the mention starting at s[0] == '@' (including the
 * '@'), or 0 if there is none there; prev is the character before it
 * ('\0' at the start of the text). */
size_t social_mention_at(const char *s, char prev);

/* html (safe HTML from social_text_format_comment) with every mention
 * in its text, outside tags and links, made a link to base + "?user=" +
 * name (base must be safe in an attribute; names are [A-Za-z0-9._-]). */
char *social_mention_link_html(apr_pool_t *p, const char *html, const char *base);

#endif /* SOCIAL_MENTION_H */
