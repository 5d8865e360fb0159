/* frame.h: the module's own pages (messages, confirmations, "for you",
 * the activity stream) set inside a page of the site (SocialSiteFrame),
 * as plain text work with no httpd types (tests/unit/check_frame.c).
 */
#ifndef SOCIAL_FRAME_H
#define SOCIAL_FRAME_H

#include <apr_pools.h>

/* The module page page[0..page_len) (a whole document the module
 * rendered: its stylesheet links in <head>, its <title>, one <main>) set
 * in the site's frame[0..frame_len): the frame's <title> text becomes the
 * page's, the page's stylesheet links go before the frame's </head>, and
 * the page's <main>...</main> goes where the frame has the marker
 * <!--social:discussion-->, else before its last </body>, else at its
 * end. Tag names in any case. NULL (then the page goes out as it is) if
 * the page has no <main> or the frame holds a NUL byte. */
char *social_frame_compose(apr_pool_t *p, const char *frame, apr_size_t frame_len,
                           const char *page, apr_size_t page_len, apr_size_t *out_len);

#endif /* SOCIAL_FRAME_H */
