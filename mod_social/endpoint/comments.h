/* comments.h: the comment routes, as JSON API and as HTML forms. */
#ifndef SOCIAL_COMMENTS_H
#define SOCIAL_COMMENTS_H

#include <httpd.h>

/* {base}/api/v1/comments[/ID]; rest is what follows "comments". */
int social_comments_api(request_rec *r, const char *rest);

/* {base}/comments[/ID] posted by the HTML forms. */
int social_comments_form(request_rec *r, const char *rest);

/* {base}/fragment?page=PATH: the rendered discussion. */
int social_comments_fragment(request_rec *r);

/* GET {base}/report?comment=ID and {base}/reply?comment=ID: the pages
 * to report a comment from and to reply to it from, without JavaScript. */
int social_comments_report_page(request_rec *r);
int social_comments_reply_page(request_rec *r);

#endif /* SOCIAL_COMMENTS_H */
