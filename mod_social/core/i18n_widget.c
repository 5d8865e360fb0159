/* i18n_widget.c: the widget's messages script. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <jansson.h>

#include "i18n_widget.h"

static const char *const shipped[] = {
    "en", "de", "fr", "es", "pt", "ar", "hi", "ja", "ko", "zh-Hans", NULL
};

int social_i18n_widget_known(const char *tag)
{
    int k;
    for (k = 0; tag != NULL && shipped[k] != NULL; k++) {
        if (strcmp(shipped[k], tag) == 0) {
            return 1;
        }
    }
    return 0;
}

int social_i18n_widget_rtl(const char *tag)
{
    return tag != NULL && strcmp(tag, "ar") == 0;
}

/* The shipped tag a language range names, or NULL. */
static const char *shipped_of(const char *range)
{
    char base[4];
    apr_size_t k;
    int j;

    if (strncasecmp(range, "zh", 2) == 0 && (range[2] == '\0' || range[2] == '-')) {
        /* Simplified Chinese unless the range says traditional */
        if (strncasecmp(range, "zh-Hant", 7) == 0 || strncasecmp(range, "zh-TW", 5) == 0
            || strncasecmp(range, "zh-HK", 5) == 0 || strncasecmp(range, "zh-MO", 5) == 0) {
            return NULL;
        }
        return "zh-Hans";
    }
    for (k = 0; k < sizeof(base) - 1 && apr_isalpha(range[k]); k++) {
        base[k] = (char)apr_tolower(range[k]);
    }
    if (k < 2 || (range[k] != '\0' && range[k] != '-')) {
        return NULL;
    }
    base[k] = '\0';
    for (j = 0; shipped[j] != NULL; j++) {
        if (strcmp(shipped[j], base) == 0) {
            return shipped[j];
        }
    }
    return NULL;
}

const char *social_i18n_widget_negotiate(apr_pool_t *p, const char *accept_language)
{
    char *list, *item, *state = NULL;
    const char *best = NULL;
    double best_q = 0.0;

    if (accept_language == NULL) {
        return NULL;
    }
    list = apr_pstrdup(p, accept_language);
    for (item = apr_strtok(list, ",", &state); item != NULL;
         item = apr_strtok(NULL, ",", &state)) {
        char *semi = strchr(item, ';'), *q;
        const char *tag;
        double weight = 1.0;

        if (semi != NULL) {
            *semi = '\0';
            if ((q = strstr(semi + 1, "q=")) != NULL) {
                weight = strtod(q + 2, NULL);
            }
        }
        apr_collapse_spaces(item, item);   /* returns the end, not item */
        tag = shipped_of(item);
        if (tag != NULL && weight > best_q) {
            best = tag;
            best_q = weight;
        }
    }
    return best;
}

static apr_status_t json_release(void *value)
{
    json_decref(value);
    return APR_SUCCESS;
}

/* A value is a string or an object of plural forms, each a string. */
static int value_valid(const json_t *v)
{
    const char *category;
    json_t *form;

    if (json_is_string(v)) {
        return 1;
    }
    if (!json_is_object(v) || !json_is_string(json_object_get(v, "other"))) {
        return 0;
    }
    json_object_foreach((json_t *)v, category, form) {
        if (!json_is_string(form)) {
            return 0;
        }
    }
    return 1;
}

static json_t *catalogue_read(apr_pool_t *p, const char *dir, const char *tag,
                              const char **error)
{
    const char *path = apr_pstrcat(p, dir, "/", tag, "/widget.json", NULL);
    json_error_t jerr;
    json_t *c = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    const char *key;
    json_t *v;

    if (c == NULL) {
        *error = apr_psprintf(p, "%s line %d: %s", path, jerr.line, jerr.text);
        return NULL;
    }
    apr_pool_cleanup_register(p, c, json_release, apr_pool_cleanup_null);
    if (!json_is_object(c)) {
        *error = apr_psprintf(p, "%s: not a JSON object", path);
        return NULL;
    }
    json_object_foreach(c, key, v) {
        if (strncmp(key, "widget.", 7) != 0 || !value_valid(v)) {
            *error = apr_psprintf(p, "%s: \"%s\" is not a widget message (a \"widget.\" "
                                  "key, a string or an object of plural forms)", path, key);
            return NULL;
        }
    }
    return c;
}

char *social_i18n_widget_script(apr_pool_t *p, const char *dir, const char *tag,
                                const char *tz, apr_size_t *len, const char **error)
{
    json_t *en, *lang, *m, *all, *v;
    const char *key;
    char *text, *script;

    if (!social_i18n_widget_known(tag)) {
        *error = apr_psprintf(p, "no language \"%s\"", tag ? tag : "");
        return NULL;
    }
    if ((en = catalogue_read(p, dir, "en", error)) == NULL) {
        return NULL;
    }
    lang = strcmp(tag, "en") == 0 ? en : catalogue_read(p, dir, tag, error);
    if (lang == NULL) {
        return NULL;
    }
    all = json_object();
    m = json_object();
    if (all == NULL || m == NULL) {
        json_decref(all);
        json_decref(m);
        *error = "out of memory";
        return NULL;
    }
    apr_pool_cleanup_register(p, all, json_release, apr_pool_cleanup_null);
    json_object_foreach(en, key, v) {
        json_t *own = json_object_get(lang, key);
        json_object_set(m, key, own != NULL ? own : v);
    }
    json_object_set_new(all, "lang", json_string(tag));
    json_object_set_new(all, "dir", json_string(social_i18n_widget_rtl(tag) ? "rtl" : "ltr"));
    json_object_set_new(all, "tz", json_string(tz ? tz : "UTC"));
    json_object_set_new(all, "m", m);
    text = json_dumps(all, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text == NULL) {
        *error = "cannot write the messages as JSON";
        return NULL;
    }
    script = apr_pstrcat(p, "window.SocialMessages = ", text, ";\n", NULL);
    free(text);
    *len = strlen(script);
    return script;
}
