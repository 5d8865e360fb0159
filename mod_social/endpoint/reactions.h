/* reactions.h: likes and shares of pages. */
#ifndef SOCIAL_REACTIONS_H
#define SOCIAL_REACTIONS_H

#include <httpd.h>

/* {base}/api/v1/like?page=PATH (PUT, DELETE) and likes?page=PATH (GET). */
int social_reactions_like_api(request_rec *r);
int social_reactions_likers_api(request_rec *r);

/* {base}/api/v1/shares: POST a share, GET the ones shared with me. */
int social_reactions_shares_api(request_rec *r);

/* The HTML forms: {base}/like, {base}/shares and {base}/sort (the
 * reader's order of threads). */
int social_reactions_like_form(request_rec *r);
int social_reactions_share_form(request_rec *r);
int social_reactions_sort_form(request_rec *r);

/* Following a page or a thread: {base}/api/v1/follow, {base}/follow and
 * {base}/follow/ID (thread ID; rest is "ID"). */
int social_reactions_follow_api(request_rec *r);
int social_reactions_follow_form(request_rec *r);
int social_reactions_follow_thread_form(request_rec *r, const char *rest);

#endif /* SOCIAL_REACTIONS_H */
