/* poll_view.h: what a viewer sees of a poll, as JSON or HTML; shared by
 * the filter (a poll marker on a page) and the poll endpoints. */
#ifndef SOCIAL_POLL_VIEW_H
#define SOCIAL_POLL_VIEW_H

#include <httpd.h>
#include <jansson.h>

#include "config.h"
#include "identity.h"
#include "marker.h"
#include "request.h"
#include "store.h"

/* What a viewer sees of a poll and may do with it. */
typedef struct {
    social_poll poll;
    social_page page;
    int open;            /* not closed by a moderator nor past its date */
    int show_results;
    int can_vote;
    int can_moderate;
} social_poll_view;

/* Works out open, show_results, can_vote and can_moderate of v from its
 * poll and page. */
void social_poll_view_fill(social_poll_view *v);

/* Poll results' visibility rule (SocialPoll results=...), the one place
 * that decides whether the viewer of p (p->voted is theirs) may see its
 * counts and ballots: every output that shows them asks this. */
int social_polls_results_shown(const social_poll *p, int moderator);

/* The poll as the API answers it (in r's pool). */
json_t *social_poll_view_json(request_rec *r, const social_poll_view *v);

/* The poll rendered with poll.cs, status a message shown above it (or
 * NULL); NULL when rendering failed (logged). */
char *social_poll_view_render(request_rec *r, const social_poll_view *v, const char *status,
                              apr_size_t *len);

/* For the filter: makes the marker's poll exist as declared and, if
 * render is set, returns it rendered for the viewer of r (else NULL,
 * and the widget fetches it). NULL as well when the store fails: the
 * page is never held up by a poll. */
const char *social_polls_marker(request_rec *r, const char *page,
                                const social_poll_def *def, int render,
                                apr_size_t *len);

#endif /* SOCIAL_POLL_VIEW_H */
