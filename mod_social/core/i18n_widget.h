/* i18n_widget.h: the widget's messages (templates/i18n/<tag>/widget.json)
 * as the script {endpoint}/assets/VERSION/messages-TAG.js, loaded by the
 * block before social.js:
 *
 *   window.SocialMessages = {"lang": "de", "dir": "ltr", "tz": "UTC",
 *                            "m": {"widget.link_copied": "Link kopiert", ...}};
 *
 * English fills in every key the language lacks, so the widget never
 * shows a key. Pure C over APR and Jansson; no httpd headers.
 */
#ifndef SOCIAL_I18N_WIDGET_H
#define SOCIAL_I18N_WIDGET_H

#include <apr_pools.h>

/* Nonzero if tag is a language the module ships ("en", "de", ...,
 * "zh-Hans"); only these have a messages script. */
int social_i18n_widget_known(const char *tag);

/* Nonzero if the language is written right to left. */
int social_i18n_widget_rtl(const char *tag);

/* The shipped language an Accept-Language header asks for first
 * (q-values honoured; "de-AT" -> "de", "zh", "zh-CN", "zh-SG",
 * "zh-Hans-*" -> "zh-Hans", "pt-BR" -> "pt"), or NULL if none. */
const char *social_i18n_widget_negotiate(apr_pool_t *p, const char *accept_language);

/* The script for tag from dir (the i18n folder: dir/<tag>/widget.json
 * and dir/en/widget.json), with zone tz (an IANA name) in it; NULL and
 * *error (naming the file, and the line for bad JSON) when it cannot be
 * made. *len is its length. */
char *social_i18n_widget_script(apr_pool_t *p, const char *dir, const char *tag,
                                const char *tz, apr_size_t *len, const char **error);

#endif /* SOCIAL_I18N_WIDGET_H */
