/* pagetitle.h: a page's title as httpd serves it, read after an action on
 * the page and kept on the page's row, so lists that name the page
 * (activity, notifications, the console) can show its title.
 *
 * The title is read from what httpd serves for the page (a subrequest as
 * the person who acted, who may read the page: the action was allowed),
 * through a filter that keeps the text of the first <title> and discards
 * the rest; never from anything a client sends. */
#ifndef SOCIAL_PAGETITLE_H
#define SOCIAL_PAGETITLE_H

#include <httpd.h>


/* The title of the page at path (a page key), as UTF-8 ready to show, or
 * NULL if it has none. Returns 0 if the page was served, else nonzero
 * (not served as a static file, or failed): the title is then unknown. */
int social_pagetitle_read(request_rec *r, const char *path, const char **title);

/* After an action on the page at key (its row exists): reads the title
 * and stores it on the page's row when it differs. Failures are logged
 * and otherwise ignored: the action stands, lists show the path. */
void social_pagetitle_note(request_rec *r, const char *key);

#endif /* SOCIAL_PAGETITLE_H */
