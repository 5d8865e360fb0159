/* polls.h: polls declared by page markers. */
#ifndef SOCIAL_POLLS_H
#define SOCIAL_POLLS_H

#include <httpd.h>

#include "poll_view.h"

/* {base}/api/v1/polls[?page=PATH], polls/ID, polls/ID/vote. */
int social_polls_api(request_rec *r, const char *rest);

/* {base}/polls/ID posted by the HTML forms. */
int social_polls_form(request_rec *r, const char *rest);

/* {base}/poll?page=PATH&name=NAME: the rendered poll. */
int social_polls_fragment(request_rec *r);

#endif /* SOCIAL_POLLS_H */
