/* polls.h: polls declared by page markers. */
#ifndef SOCIAL_POLLS_H
#define SOCIAL_POLLS_H

#include <httpd.h>

#include "poll.h"
#include "store.h"

/* {base}/api/v1/polls[?page=PATH], polls/ID, polls/ID/vote. */
int social_polls_api(request_rec *r, const char *rest);

/* {base}/polls/ID posted by the HTML forms. */
int social_polls_form(request_rec *r, const char *rest);

/* {base}/poll?page=PATH&name=NAME: the rendered poll. */
int social_polls_fragment(request_rec *r);

/* Poll results' visibility rule (SocialPoll results=...), the one place
 * that decides whether the viewer of p (p->voted is theirs) may see its
 * counts and ballots: every output that shows them asks this. */
int social_polls_results_shown(const social_poll *p, int moderator);

/* For the filter: makes the marker's poll exist as declared and, if
 * render is set, returns it rendered for the viewer of r (else NULL,
 * and the widget fetches it). NULL as well when the store fails: the
 * page is never held up by a poll. */
const char *social_polls_marker(request_rec *r, const char *page,
                                const social_poll_def *def, int render,
                                apr_size_t *len);

#endif /* SOCIAL_POLLS_H */
