/* activity.h: the activity stream, as an HTML page, an Atom feed and
 * JSON, each showing only what the viewer may read. */
#ifndef SOCIAL_ACTIVITY_H
#define SOCIAL_ACTIVITY_H

#include <httpd.h>

/* GET {base}/activity[?user=&section=&before=&limit=] */
int social_activity_page(request_rec *r);

/* How long ago t was, in the stream's short words ("3 min ago") in the
 * request's language; the notifications page words its times alike. */
const char *social_activity_time(request_rec *r, apr_time_t t);

/* GET {base}/activity.atom[?user=&section=&before=&limit=] */
int social_activity_atom(request_rec *r);

/* GET {base}/api/v1/activity?user=&section=&before=&limit= */
int social_activity_api(request_rec *r);

#endif /* SOCIAL_ACTIVITY_H */
