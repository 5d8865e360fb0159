/* identity.h: who is asking, what they may do, and proof that a form
 * post came from our own page. */
#ifndef SOCIAL_IDENTITY_H
#define SOCIAL_IDENTITY_H

#include <httpd.h>

#include "config.h"

/* Every string here is UTF-8: values that are not are converted from
 * SocialIdentityCharset (ISO-8859-1 by default), or repaired. */
typedef struct {
    const char *user;      /* REMOTE_USER, or NULL for an anonymous visitor */
    const char *name;      /* display name: SocialDisplayNameVar, else user */
    const char *email;     /* SocialEmailVar, or NULL */
    int moderator;         /* SocialModerator is true */
    int anonymous;         /* the page's SocialAnonymous policy */
    int banned;            /* a moderator stopped them writing (known once a
                              page view read the viewer's state) */
    apr_time_t banned_until;   /* when that ends; 0: no end set */
} social_identity;

/* Registers the fixup that makes REMOTE_USER UTF-8 on the endpoint. */
void social_identity_register_hooks(apr_pool_t *p);

/* Fills *id for request r under the page configuration dc (the page's
 * per-directory config, which may differ from r's). Display name and
 * e-mail come from environment variables only, never from headers. */
void social_identity_get(request_rec *r, const social_dir_conf *dc,
                         social_identity *id);

int social_identity_can_read(const social_identity *id);
int social_identity_can_write(const social_identity *id);

/* A signed token for the user's HTML forms, valid for 12 hours. */
const char *social_identity_form_token(request_rec *r, const social_identity *id);

/* Nonzero if token was made by social_identity_form_token for this user
 * (by this server's secret) and has not expired. */
int social_identity_form_token_valid(request_rec *r, const social_identity *id,
                                     const char *token);

/* Nonzero unless the browser says the request came from another site:
 * Origin present and not ours (or "null"), or Sec-Fetch-Site present and
 * neither same-origin nor none. */
int social_identity_same_origin(request_rec *r);

#endif /* SOCIAL_IDENTITY_H */
