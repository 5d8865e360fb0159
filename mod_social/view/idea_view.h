/* idea_view.h: what a viewer sees of an ideas board and its ideas, as
 * JSON or HTML; shared by the filter (an ideas marker on a page) and the
 * ideas endpoints. */
#ifndef SOCIAL_IDEA_VIEW_H
#define SOCIAL_IDEA_VIEW_H

#include <httpd.h>
#include <jansson.h>

#include "config.h"
#include "identity.h"
#include "marker.h"
#include "request.h"
#include "store.h"

/* The longest idea title (characters); the text follows comments' rules. */
#define SOCIAL_IDEA_TITLE_MAX 200

/* A board as a viewer sees it, with its ideas (social_idea), sorted and
 * filtered. */
typedef struct {
    social_idea_board board;
    social_page page;
    apr_array_header_t *ideas;
    const char *sort;          /* votes, newest or status */
    const char *status;        /* the filter, NULL: every status */
    int open;                  /* not past its closing date */
    int can_submit;
    int can_moderate;
} social_ideas_view;

/* Is the board still taking ideas and votes? */
int social_ideas_open(const social_idea_board *b);

/* Works out open, can_submit and can_moderate. */
void social_ideas_view_fill(social_ideas_view *v);

/* Sorts ideas (social_idea) by sort: "votes" (most first), "newest" or
 * "status" (in the board's order, then votes). Unknown: -1. */
int social_ideas_sort(apr_array_header_t *ideas, const char *sort, const char *statuses);

/* An idea as the API answers it, for the viewer of pg. */
json_t *social_idea_json(request_rec *r, const social_idea *i, const social_page *pg);

/* The board rendered with ideas.cs, status a message shown above it
 * (or NULL); NULL when rendering failed (logged). */
char *social_ideas_view_render(request_rec *r, const social_ideas_view *v, const char *status,
                               apr_size_t *len);

/* One idea on a page of its own with its discussion (idea.cs). */
char *social_idea_page_render(request_rec *r, const social_idea *i, const social_page *pg,
                              const char *status, apr_size_t *len);

/* The page key of an idea's own discussion. */
const char *social_idea_thread_key(apr_pool_t *p, const char *page, apr_int64_t id);

/* For the filter: makes the marker's board exist as declared and, if
 * render is set, returns it rendered for the viewer of r (sorted and
 * filtered by the page's ideas_sort and ideas_status query parameters),
 * else NULL. NULL as well when the store fails. */
const char *social_ideas_marker(request_rec *r, const char *page,
                                const social_ideas_def *def, int render, apr_size_t *len);

#endif /* SOCIAL_IDEA_VIEW_H */
