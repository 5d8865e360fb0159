/* ideas.h: ideas boards declared by page markers. */
#ifndef SOCIAL_IDEAS_H
#define SOCIAL_IDEAS_H

#include <httpd.h>

#include "idea_view.h"

/* {base}/api/v1/ideas[?page=&board=&sort=&status=&before=], ideas/ID,
 * ideas/ID/vote, ideas/ID/status, ideas/ID/merge. */
int social_ideas_api(request_rec *r, const char *rest);

/* {base}/ideas (POST: a new idea from the board's form) and
 * {base}/ideas/ID (GET: the idea with its discussion; POST: vote,
 * unvote, status, merge, delete from the forms). */
int social_ideas_form(request_rec *r, const char *rest);

#endif /* SOCIAL_IDEAS_H */
