/* notify.h: notifications ("for you"): replies to my comments,
 * @mentions of me, pages shared with me and likes of my comments; the
 * people look-up for mentions; e-mail digests. */
#ifndef SOCIAL_NOTIFY_H
#define SOCIAL_NOTIFY_H

#include <httpd.h>

#include "store.h"

/* GET {base}/notifications: the "for you" page. */
int social_notify_page(request_rec *r);

/* POST {base}/notifications/ID/read, /read-all, /settings (forms). */
int social_notify_form(request_rec *r, const char *rest);

/* {base}/api/v1/notifications...; rest follows "notifications". */
int social_notify_api(request_rec *r, const char *rest);

/* GET {base}/api/v1/people?q=PREFIX */
int social_notify_people_api(request_rec *r);

/* Adds the e-mail digests to the background thread's tasks. */
void social_notify_register_hooks(apr_pool_t *p);

#endif /* SOCIAL_NOTIFY_H */
