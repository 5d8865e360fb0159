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

/* Background work (background.c): is it time to look for due digests
 * (at most every tenth of SocialMailInterval, between 1 and 60 seconds)?
 * Each call that answers yes starts the next period. */
int social_notify_mail_is_due(server_rec *s);

/* Sends the digests that are due through SocialMailCommand; r is the
 * background's own request. */
void social_notify_mail_digests(request_rec *r);

/* user's unread notifications on pages the requester (user) may read:
 * the "for you" badge everywhere. */
social_store_status social_notify_unread(request_rec *r, const char *user, int *count);

#endif /* SOCIAL_NOTIFY_H */
