/* siteframe.h: the module's own pages inside a page of the site
 * (SocialSiteFrame): the frame is read through httpd as any page is, and
 * core/frame.c sets the module's page in it.
 */
#ifndef SOCIAL_SITEFRAME_H
#define SOCIAL_SITEFRAME_H

#include <httpd.h>

/* The frame is read whole up to this size; a larger one is not used. */
#define SOCIAL_SITEFRAME_MAX (512 * 1024)

/* The module page html[0..len) set in the server's SocialSiteFrame, with
 * the frame's Content-Type in *content_type; NULL (the page goes out as
 * it is, a log line says why) without a frame or when it cannot be read. */
char *social_siteframe_wrap(request_rec *r, const char *html, apr_size_t len,
                            apr_size_t *out_len, const char **content_type);

#endif /* SOCIAL_SITEFRAME_H */
