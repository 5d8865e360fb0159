/* listing.h: the entries of a directory listing (mod_autoindex), found
 * as the listing streams through the output filter.
 *
 * Pure code, no httpd. mod_autoindex writes each entry as a link whose
 * href is the entry's name, URI-escaped, relative to the folder
 * (<a href="safety-2026.pdf">, <a href="videos/">), beside links that
 * are not entries (the parent folder, "?C=N;O=D" sorting). The scanner
 * reads the listing in pieces of any size (a tag may be split anywhere)
 * and reports the end of every link (just past the '>' of its </a>)
 * with the href of the <a> that opened it; social_listing_entry tells
 * which of those are entries. It keeps no bytes but the tag in progress
 * (bounded). It is a scanner for listings, whose markup the server
 * writes itself, not for pages in general (core/scan.c is that). */
#ifndef SOCIAL_LISTING_H
#define SOCIAL_LISTING_H

#include <stddef.h>
#include <stdint.h>

#include <apr_pools.h>

/* Longest tag examined (a longer one is not a link the scanner reports). */
#define SOCIAL_LISTING_TAG_MAX 2048

typedef struct {
    uint64_t offset;        /* bytes consumed so far */
    int in_tag;             /* after a '<', before its '>' */
    int quote;              /* the quote character open inside the tag, or 0 */
    int overflow;           /* the tag in progress is too long to examine */
    size_t tag_len;
    char tag[SOCIAL_LISTING_TAG_MAX + 1];   /* the tag's text after '<' */
    int in_link;            /* an <a href> is open */
    size_t href_len;
    char href[SOCIAL_LISTING_TAG_MAX + 1];
} social_listing;

void social_listing_init(social_listing *l);

/* Scans buf[0..len) until the end of a link or of the buffer; returns
 * the bytes consumed. *found is 1 if a link ended (the bytes consumed
 * end just past its '>'; social_listing_href gives its href), else 0
 * (all len bytes were consumed). */
size_t social_listing_feed(social_listing *l, const char *buf, size_t len, int *found);

/* The href of the link that just ended (raw, as written), NUL-terminated. */
const char *social_listing_href(const social_listing *l, size_t *len);

/* Bytes consumed so far. */
uint64_t social_listing_offset(const social_listing *l);

/* The path of the entry href names in the folder (a path ending in '/'),
 * or NULL if href is not an entry: empty, a query or fragment, absolute,
 * with a scheme, an entity, or more than one segment ("../", "a/b"). A
 * subfolder ("videos/") is an entry. */
const char *social_listing_entry(apr_pool_t *p, const char *folder, const char *href,
                                 size_t len);

#endif /* SOCIAL_LISTING_H */
