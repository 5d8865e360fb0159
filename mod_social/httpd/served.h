/* served.h: a page of the site as httpd serves it, read from inside a
 * request (the page's title, the site's frame).
 */
#ifndef SOCIAL_SERVED_H
#define SOCIAL_SERVED_H

#include <httpd.h>

/* What the page's bytes go to, piece by piece: nonzero when nothing
 * more is wanted (the rest is read and dropped), or when a read failed
 * (data NULL). */
typedef int (*social_served_take)(void *ctx, const char *data, apr_size_t len);

void social_served_register_hooks(apr_pool_t *p);

/* Serves path to r's user and hands its bytes (after the resource filters
 * such as SSI) to take with ctx; nothing else sees them. Only a file the
 * default handler serves: a page made by a program is not run again. The
 * client's Host and forwarded headers are not passed on (a page that
 * echoes them, e.g. through SSI, never sees them), nor anything that
 * makes it partial or conditional. 0 when it was served (200), with its
 * Content-Type in *content_type (NULL if none); -1 if path is no such
 * file, -2 if serving it failed; *status says with what. */
int social_served_read(request_rec *r, const char *path, social_served_take take, void *ctx,
                       const char **content_type, int *status);

#endif /* SOCIAL_SERVED_H */
