/* i18n.h: message catalogues, language choice and plural forms.
 *
 * Catalogues are flat JSON objects, templates/i18n/<tag>/<area>.json
 * (README "Languages"): a value is a string or an object of CLDR plural
 * categories. Everything here is pure (no httpd headers) and
 * unit-tested alone; a loaded catalogue is read-only, so threads share
 * it without locks.
 */
#ifndef SOCIAL_I18N_H
#define SOCIAL_I18N_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct social_i18n social_i18n;            /* all languages */
typedef struct social_i18n_lang social_i18n_lang;  /* one */

/* Loads every .json file of dir/<tag> (a key in two files of one language is an
 * error), then those of override_dir/<tag> if override_dir is not NULL
 * (keys there replace the module's; a new <tag> adds a language whose
 * missing keys fall back to English; a key English lacks is a warning,
 * see social_i18n_warnings). dir must hold "en". On error returns NULL
 * and sets *error to a message naming the file (and the line for bad
 * JSON). */
social_i18n *social_i18n_load(apr_pool_t *p, const char *dir,
                              const char *override_dir, const char **error);

/* Checks the catalogue files of every dir/<tag> alone (JSON, keys,
 * values; not how they fit English): NULL if they are well-formed, else
 * the first fault, naming the file (and the line for bad JSON). */
const char *social_i18n_check(apr_pool_t *p, const char *dir);

/* What loading warned about (const char * each; none: an empty array). */
const apr_array_header_t *social_i18n_warnings(const social_i18n *c);

/* The language named exactly tag (ASCII case ignored), or NULL. */
const social_i18n_lang *social_i18n_find(const social_i18n *c, const char *tag);

/* The language the Accept-Language value asks for (q-values honoured;
 * "de-AT" -> de, "zh", "zh-CN", "zh-SG", "zh-Hans-*" -> zh-Hans,
 * "pt-BR" -> pt), or NULL when none matches (or no header). */
const social_i18n_lang *social_i18n_negotiate(const social_i18n *c,
                                              const char *accept_language);

/* The lang attribute of the <html> start tag at the head of a page's
 * first len bytes (after a BOM, white space, comments, the doctype and
 * processing instructions; xml:lang if there is no lang), or NULL when
 * there is none there (or the tag does not end within len). */
const char *social_i18n_html_lang(apr_pool_t *p, const char *data, apr_size_t len);

/* The tag shipped, also what lang= and Content-Language say. */
const char *social_i18n_tag(const social_i18n_lang *l);

/* A hash of the widget's messages in l (overrides included): the
 * messages script's URL carries it, so a changed word is a new URL. */
const char *social_i18n_stamp(const social_i18n_lang *l);

/* 1 if the language is written right to left. */
int social_i18n_rtl(const social_i18n_lang *l);

/* The message key in l, falling back to English, then to the key itself
 * (l NULL: English). A plural message gives its "other" form. */
const char *social_i18n_text(const social_i18n_lang *l, const char *key);

/* The message with "{name}" filled from the NULL-terminated name, value
 * pairs that follow n (const char * each); n >= 0 picks the plural form
 * and fills "{n}". Unknown placeholders stay as they are. */
const char *social_i18n_format(apr_pool_t *p, const social_i18n_lang *l, const char *key,
                               apr_int64_t n, ...);

/* The CLDR plural category ("zero" "one" "two" "few" "many" "other") of
 * the integer n in the language tag (unknown tags: English's rule). */
const char *social_i18n_plural(const char *tag, apr_int64_t n);

/* src (a ClearSilver template) with {{t:KEY name=HDF.path ...}} and
 * {{n:KEY HDF.count name=HDF.path ...}} expanded for l: the message
 * HTML-escaped (quotes too), placeholders as <?cs var:HDF.path ?>, plural
 * messages as an if/elif chain over #HDF.count; an argument written
 * name=bdi:HDF.path is isolated, <bdi><?cs var:HDF.path ?></bdi> (a
 * person's name in a sentence). NULL with *error set on
 * a malformed form or a placeholder without its argument. */
char *social_i18n_template(apr_pool_t *p, const social_i18n_lang *l,
                           const char *src, const char **error);

/* The messages of l whose keys start with prefix ("widget."), English's
 * for the keys l lacks, as compact JSON with sorted keys (the same bytes
 * in every process): {"key": "text", "key": {"one": ..., "other": ...}}.
 * NULL when l is NULL or memory runs out. */
char *social_i18n_json(apr_pool_t *p, const social_i18n_lang *l, const char *prefix);

#endif /* SOCIAL_I18N_H */
