/* admin.h: the moderation console ({base}/admin) and the read-only ban
 * every write passes through. */
#ifndef SOCIAL_ADMIN_H
#define SOCIAL_ADMIN_H

#include <httpd.h>

/* Serves {base}/admin and below (rest: what follows "/admin"), to
 * SocialModerator only: everyone else gets 403. */
int social_admin_handle(request_rec *r, const char *rest);

/* For a write (any method but GET, HEAD, OPTIONS) by a banned person:
 * answers 403 with the ban's reason and expiry (JSON under /api/, else
 * an HTML page) and returns the handler's result. DECLINED if the
 * request may go on. */
int social_admin_refuse_banned(request_rec *r, const char *rest);

/* The same, as an HTML page, for a page that holds a write's form (a
 * comment's reply or report page), whatever its method: a banned person
 * is told before typing. */
int social_admin_refuse_banned_page(request_rec *r);

#endif /* SOCIAL_ADMIN_H */
