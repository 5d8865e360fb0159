/* activity.h: the activity stream, as an HTML page, an Atom feed and
 * JSON, each showing only what the viewer may read. */
#ifndef SOCIAL_ACTIVITY_H
#define SOCIAL_ACTIVITY_H

#include <httpd.h>

/* GET {base}/activity[?user=&section=&before=&limit=] */
int social_activity_page(request_rec *r);

/* GET {base}/activity.atom[?user=&section=&before=&limit=] */
int social_activity_atom(request_rec *r);

/* GET {base}/api/v1/activity?user=&section=&before=&limit= */
int social_activity_api(request_rec *r);

#endif /* SOCIAL_ACTIVITY_H */
