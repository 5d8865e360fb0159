/* messages.h: {base}/assets/VERSION/messages-TAG.js, the widget's words
 * in one language (core/i18n.h, social_i18n_json), loaded by the block before
 * social.js. */
#ifndef SOCIAL_MESSAGES_H
#define SOCIAL_MESSAGES_H

#include <httpd.h>

/* name: "messages-TAG.js" (the version was checked). 404 for a language
 * the module does not ship. */
int social_messages_asset(request_rec *r, const char *name);

#endif /* SOCIAL_MESSAGES_H */
