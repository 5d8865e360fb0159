/* surveys.h: surveys declared by page markers. */
#ifndef SOCIAL_SURVEYS_H
#define SOCIAL_SURVEYS_H

#include <httpd.h>

#include "survey_view.h"

/* {base}/api/v1/surveys[?page=PATH&name=NAME], surveys/ID,
 * surveys/ID/response, surveys/ID/results, surveys/ID/export.csv|json. */
int social_surveys_api(request_rec *r, const char *rest);

/* {base}/surveys/ID posted by the HTML form. */
int social_surveys_form(request_rec *r, const char *rest);

/* {base}/survey?page=PATH&name=NAME: the rendered survey. */
int social_surveys_fragment(request_rec *r);

#endif /* SOCIAL_SURVEYS_H */
