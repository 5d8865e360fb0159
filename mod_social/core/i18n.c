/* i18n.c: message catalogues, language choice and plural forms. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_info.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <jansson.h>

#include "i18n.h"

/* CLDR plural categories, in the order a chain tests them. */
enum { CAT_ZERO, CAT_ONE, CAT_TWO, CAT_FEW, CAT_MANY, CAT_OTHER, CAT_COUNT };
static const char *const cat_names[CAT_COUNT] = {
    "zero", "one", "two", "few", "many", "other"
};

typedef struct {
    const char *text;                 /* a plain message; NULL if plural */
    const char *forms[CAT_COUNT];     /* a plural message's forms */
    const char *file;                 /* where it was read */
} i18n_msg;

struct social_i18n_lang {
    const char *tag;
    int rtl;
    apr_hash_t *msgs;                 /* key -> i18n_msg */
    const social_i18n_lang *en;       /* the fallback; NULL for en itself */
    const char *stamp;                /* the widget's messages, hashed */
};

struct social_i18n {
    apr_pool_t *pool;
    apr_hash_t *langs;                /* lower-case tag -> social_i18n_lang */
    social_i18n_lang *en;
    apr_array_header_t *warnings;
};

/* ---- plural rules ---- */

typedef enum { RULE_ONE, RULE_ZERO_ONE, RULE_AR, RULE_OTHER } plural_rule;

static plural_rule rule_of(const char *tag)
{
    char primary[8];
    apr_size_t i;

    for (i = 0; tag[i] && tag[i] != '-' && tag[i] != '_' && i + 1 < sizeof(primary); i++) {
        primary[i] = (char)apr_tolower(tag[i]);
    }
    primary[i] = '\0';
    if (strcmp(primary, "fr") == 0 || strcmp(primary, "hi") == 0
        || strcmp(primary, "pt") == 0) {
        return RULE_ZERO_ONE;
    }
    if (strcmp(primary, "ar") == 0) {
        return RULE_AR;
    }
    if (strcmp(primary, "ja") == 0 || strcmp(primary, "ko") == 0
        || strcmp(primary, "zh") == 0) {
        return RULE_OTHER;
    }
    return RULE_ONE;
}

static int plural_cat(plural_rule rule, apr_int64_t n)
{
    apr_int64_t m;

    if (n < 0) {
        n = -n;
    }
    switch (rule) {
    case RULE_ONE:
        return n == 1 ? CAT_ONE : CAT_OTHER;
    case RULE_ZERO_ONE:
        return n == 0 || n == 1 ? CAT_ONE : CAT_OTHER;
    case RULE_AR:
        m = n % 100;
        return n == 0 ? CAT_ZERO : n == 1 ? CAT_ONE : n == 2 ? CAT_TWO
             : (m >= 3 && m <= 10) ? CAT_FEW : (m >= 11 && m <= 99) ? CAT_MANY
             : CAT_OTHER;
    case RULE_OTHER:
    default:
        return CAT_OTHER;
    }
}

/* Whether the rule uses category cat. */
static int rule_uses(plural_rule rule, int cat)
{
    switch (rule) {
    case RULE_ONE:
    case RULE_ZERO_ONE:
        return cat == CAT_ONE || cat == CAT_OTHER;
    case RULE_AR:
        return 1;
    default:
        return cat == CAT_OTHER;
    }
}

const char *social_i18n_plural(const char *tag, apr_int64_t n)
{
    return cat_names[plural_cat(rule_of(tag ? tag : "en"), n)];
}

/* ---- loading ---- */

static int valid_key(const char *k)
{
    int dot = 0;
    if (!apr_islower(*k)) {
        return 0;
    }
    for (; *k; k++) {
        if (*k == '.') {
            dot = 1;
        }
        else if (!apr_islower(*k) && !apr_isdigit(*k) && *k != '_') {
            return 0;
        }
    }
    return dot;
}

static int valid_tag(const char *t)
{
    apr_size_t n = strlen(t), i;
    if (n == 0 || n > 35) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!apr_isalnum(t[i]) && t[i] != '-') {
            return 0;
        }
    }
    return 1;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted names in dir that pass want (dirs: 1 for directories,
 * 0 for *.json files). */
static apr_array_header_t *list_dir(apr_pool_t *p, const char *dir, int dirs,
                                    const char **error)
{
    apr_array_header_t *names = apr_array_make(p, 16, sizeof(const char *));
    apr_dir_t *d;
    apr_finfo_t fi;
    apr_status_t rv;
    char buf[120];

    if ((rv = apr_dir_open(&d, dir, p)) != APR_SUCCESS) {
        *error = apr_psprintf(p, "%s: cannot open the folder: %s", dir,
                              apr_strerror(rv, buf, sizeof(buf)));
        return NULL;
    }
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        apr_size_t n;
        if (fi.name == NULL || fi.name[0] == '.') {
            continue;
        }
        n = strlen(fi.name);
        if (dirs ? fi.filetype == APR_DIR
                 : (fi.filetype == APR_REG && n > 5 && strcmp(fi.name + n - 5, ".json") == 0)) {
            APR_ARRAY_PUSH(names, const char *) = apr_pstrdup(p, fi.name);
        }
    }
    apr_dir_close(d);
    qsort(names->elts, (size_t)names->nelts, sizeof(const char *), cmp_names);
    return names;
}

static social_i18n_lang *lang_make(social_i18n *c, const char *tag)
{
    social_i18n_lang *l = apr_pcalloc(c->pool, sizeof(*l));
    char *lower = apr_pstrdup(c->pool, tag);
    char *s;

    for (s = lower; *s; s++) {
        *s = (char)apr_tolower(*s);
    }
    l->tag = apr_pstrdup(c->pool, tag);
    l->rtl = strcmp(lower, "ar") == 0 || strcmp(lower, "he") == 0
          || strcmp(lower, "fa") == 0 || strcmp(lower, "ur") == 0;
    l->msgs = apr_hash_make(c->pool);
    apr_hash_set(c->langs, lower, APR_HASH_KEY_STRING, l);
    return l;
}

/* Reads one catalogue file into l. seen (key -> file) finds keys given
 * twice in one pass; replace allows replacing what l already has. */
static const char *load_file(social_i18n *c, social_i18n_lang *l, const char *path,
                             apr_hash_t *seen)
{
    apr_pool_t *p = c->pool;
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    const char *key, *error = NULL;
    json_t *value;

    if (root == NULL) {
        return apr_psprintf(p, "%s: line %d: %s", path, jerr.line, jerr.text);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        return apr_psprintf(p, "%s: not a JSON object", path);
    }
    json_object_foreach(root, key, value) {
        i18n_msg *m = apr_pcalloc(p, sizeof(*m));
        const char *other_file;

        if (!valid_key(key)) {
            error = apr_psprintf(p, "%s: bad key \"%s\" (want area.snake_case)", path, key);
            break;
        }
        if ((other_file = apr_hash_get(seen, key, APR_HASH_KEY_STRING)) != NULL) {
            error = apr_psprintf(p, "%s: key \"%s\" is also in %s", path, key, other_file);
            break;
        }
        m->file = apr_pstrdup(p, path);
        if (json_is_string(value)) {
            m->text = apr_pstrdup(p, json_string_value(value));
        }
        else if (json_is_object(value)) {
            const char *cat;
            json_t *form;
            json_object_foreach(value, cat, form) {
                int i;
                for (i = 0; i < CAT_COUNT && strcmp(cat, cat_names[i]) != 0; i++) {
                }
                if (i == CAT_COUNT || !json_is_string(form)) {
                    error = apr_psprintf(p, "%s: key \"%s\": \"%s\" is not a plural "
                                         "category with a string", path, key, cat);
                    break;
                }
                m->forms[i] = apr_pstrdup(p, json_string_value(form));
            }
            if (error == NULL && m->forms[CAT_OTHER] == NULL) {
                error = apr_psprintf(p, "%s: key \"%s\": a plural message needs \"other\"",
                                     path, key);
            }
            if (error != NULL) {
                break;
            }
        }
        else {
            error = apr_psprintf(p, "%s: key \"%s\": want a string or an object of "
                                 "plural forms", path, key);
            break;
        }
        {
            /* a copy: Jansson's iteration needs key to stay its own */
            const char *own = apr_pstrdup(p, key);
            apr_hash_set(seen, own, APR_HASH_KEY_STRING, m->file);
            apr_hash_set(l->msgs, own, APR_HASH_KEY_STRING, m);
        }
    }
    json_decref(root);
    return error;
}

/* Loads every *.json of dir into l; keys given twice are an error. */
static const char *load_lang_dir(social_i18n *c, social_i18n_lang *l, const char *dir)
{
    apr_hash_t *seen = apr_hash_make(c->pool);
    const char *error = NULL;
    apr_array_header_t *files = list_dir(c->pool, dir, 0, &error);
    int i;

    if (files == NULL) {
        return error;
    }
    for (i = 0; i < files->nelts && error == NULL; i++) {
        error = load_file(c, l, apr_pstrcat(c->pool, dir, "/",
                                            APR_ARRAY_IDX(files, i, const char *), NULL),
                          seen);
    }
    return error;
}

/* The placeholders of s, as a sorted, comma-separated list. */
static const char *placeholders(apr_pool_t *p, const char *s)
{
    apr_array_header_t *names = apr_array_make(p, 4, sizeof(const char *));
    const char *at;
    int i;
    char *out = "";

    for (at = s; (at = strchr(at, '{')) != NULL; at++) {
        const char *end = at + 1;
        while (apr_isalnum(*end) || *end == '_') {
            end++;
        }
        if (*end == '}' && end > at + 1) {
            const char *name = apr_pstrmemdup(p, at + 1, (apr_size_t)(end - at - 1));
            int dup = 0;
            for (i = 0; i < names->nelts; i++) {
                dup |= strcmp(APR_ARRAY_IDX(names, i, const char *), name) == 0;
            }
            if (!dup) {
                APR_ARRAY_PUSH(names, const char *) = name;
            }
        }
    }
    qsort(names->elts, (size_t)names->nelts, sizeof(const char *), cmp_names);
    for (i = 0; i < names->nelts; i++) {
        out = apr_pstrcat(p, out, i ? "," : "", APR_ARRAY_IDX(names, i, const char *), NULL);
    }
    return out;
}

/* The placeholders of a message (of all its forms together, {n} left
 * out: a form may say its number in words, as Arabic's "two"). */
static const char *msg_placeholders(apr_pool_t *p, const i18n_msg *m)
{
    const char *all = "";
    char *out = "", *last, *name;
    int i;

    if (m->text != NULL) {
        return placeholders(p, m->text);
    }
    for (i = 0; i < CAT_COUNT; i++) {
        if (m->forms[i] != NULL) {
            all = apr_pstrcat(p, all, m->forms[i], NULL);
        }
    }
    for (name = apr_strtok(apr_pstrdup(p, placeholders(p, all)), ",", &last); name;
         name = apr_strtok(NULL, ",", &last)) {
        if (strcmp(name, "n") != 0) {
            out = apr_pstrcat(p, out, *out ? "," : "", name, NULL);
        }
    }
    return out;
}

/* Checks an override language's messages against English: a key
 * English lacks is a warning (the message is kept, never used by the
 * module); a different kind (plain, plural) or different placeholders
 * would break a template: an error. */
static const char *check_override(social_i18n *c, const social_i18n_lang *l,
                                  apr_hash_t *seen)
{
    apr_hash_index_t *hi;

    for (hi = apr_hash_first(c->pool, seen); hi; hi = apr_hash_next(hi)) {
        const char *key = apr_hash_this_key(hi);
        const i18n_msg *m = apr_hash_get(l->msgs, key, APR_HASH_KEY_STRING);
        const i18n_msg *e = apr_hash_get(c->en->msgs, key, APR_HASH_KEY_STRING);
        const char *want, *have;

        if (e == NULL) {
            APR_ARRAY_PUSH(c->warnings, const char *) =
                apr_psprintf(c->pool, "%s: key \"%s\" is not one of the module's "
                             "messages: ignored", m->file, key);
            continue;
        }
        if ((e->text == NULL) != (m->text == NULL)) {
            return apr_psprintf(c->pool, "%s: key \"%s\" must be %s", m->file, key,
                                e->text ? "a string" : "an object of plural forms");
        }
        want = msg_placeholders(c->pool, e);
        have = msg_placeholders(c->pool, m);
        if (strcmp(want, have) != 0) {
            return apr_psprintf(c->pool, "%s: key \"%s\" has placeholders {%s}, "
                                "the module's have {%s}", m->file, key, have, want);
        }
    }
    return NULL;
}

/* FNV-1a, 64 bits, in hex: what changes when any word changes. */
static const char *stamp_of(apr_pool_t *p, const char *text)
{
    apr_uint64_t h = APR_UINT64_C(14695981039346656037);
    const unsigned char *at;

    for (at = (const unsigned char *)(text ? text : ""); *at; at++) {
        h = (h ^ *at) * APR_UINT64_C(1099511628211);
    }
    return apr_psprintf(p, "%016" APR_UINT64_T_HEX_FMT, h);
}

social_i18n *social_i18n_load(apr_pool_t *p, const char *dir,
                              const char *override_dir, const char **error)
{
    social_i18n *c = apr_pcalloc(p, sizeof(*c));
    apr_array_header_t *tags;
    apr_hash_index_t *hi;
    int i;

    *error = NULL;
    c->pool = p;
    c->langs = apr_hash_make(p);
    c->warnings = apr_array_make(p, 2, sizeof(const char *));
    if ((tags = list_dir(p, dir, 1, error)) == NULL) {
        return NULL;
    }
    for (i = 0; i < tags->nelts; i++) {
        const char *tag = APR_ARRAY_IDX(tags, i, const char *);
        social_i18n_lang *l;
        if (!valid_tag(tag)) {
            continue;   /* not a language folder */
        }
        l = lang_make(c, tag);
        if ((*error = load_lang_dir(c, l, apr_pstrcat(p, dir, "/", tag, NULL))) != NULL) {
            return NULL;
        }
    }
    c->en = apr_hash_get(c->langs, "en", APR_HASH_KEY_STRING);
    if (c->en == NULL) {
        *error = apr_psprintf(p, "%s/en: missing: English is every message's fallback", dir);
        return NULL;
    }
    if (override_dir != NULL) {
        if ((tags = list_dir(p, override_dir, 1, error)) == NULL) {
            return NULL;
        }
        for (i = 0; i < tags->nelts; i++) {
            const char *tag = APR_ARRAY_IDX(tags, i, const char *);
            const char *sub = apr_pstrcat(p, override_dir, "/", tag, NULL);
            social_i18n_lang *l = (social_i18n_lang *)social_i18n_find(c, tag);
            apr_hash_t *seen = apr_hash_make(p);
            apr_array_header_t *files;
            int j;

            if (!valid_tag(tag)) {
                *error = apr_psprintf(p, "%s: not a language tag (letters, digits, '-')", sub);
                return NULL;
            }
            if (l == NULL) {
                l = lang_make(c, tag);
            }
            if ((files = list_dir(p, sub, 0, error)) == NULL) {
                return NULL;
            }
            for (j = 0; j < files->nelts; j++) {
                *error = load_file(c, l, apr_pstrcat(p, sub, "/",
                                                     APR_ARRAY_IDX(files, j, const char *),
                                                     NULL), seen);
                if (*error != NULL) {
                    return NULL;
                }
            }
            if ((*error = check_override(c, l, seen)) != NULL) {
                return NULL;
            }
        }
    }
    for (hi = apr_hash_first(p, c->langs); hi; hi = apr_hash_next(hi)) {
        social_i18n_lang *l = apr_hash_this_val(hi);
        l->en = l == c->en ? NULL : c->en;
    }
    for (hi = apr_hash_first(p, c->langs); hi; hi = apr_hash_next(hi)) {
        social_i18n_lang *l = apr_hash_this_val(hi);
        l->stamp = stamp_of(p, social_i18n_json(p, l, "widget."));
    }
    return c;
}

const char *social_i18n_check(apr_pool_t *p, const char *dir)
{
    social_i18n c;
    apr_array_header_t *tags;
    const char *error = NULL;
    int i;

    memset(&c, 0, sizeof(c));
    c.pool = p;
    c.langs = apr_hash_make(p);
    c.warnings = apr_array_make(p, 1, sizeof(const char *));
    if ((tags = list_dir(p, dir, 1, &error)) == NULL) {
        return error;
    }
    for (i = 0; i < tags->nelts && error == NULL; i++) {
        const char *tag = APR_ARRAY_IDX(tags, i, const char *);
        const char *sub = apr_pstrcat(p, dir, "/", tag, NULL);
        if (!valid_tag(tag)) {
            return apr_psprintf(p, "%s: not a language tag (letters, digits, '-')", sub);
        }
        error = load_lang_dir(&c, lang_make(&c, tag), sub);
    }
    return error;
}

const apr_array_header_t *social_i18n_warnings(const social_i18n *c)
{
    return c->warnings;
}

/* ---- lookup ---- */

static const social_i18n_lang *find_n(const social_i18n *c, const char *tag, apr_size_t n)
{
    char lower[40];
    apr_size_t i;

    if (c == NULL || n == 0 || n >= sizeof(lower)) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        lower[i] = (char)apr_tolower(tag[i]);
    }
    lower[n] = '\0';
    return apr_hash_get(c->langs, lower, APR_HASH_KEY_STRING);
}

const social_i18n_lang *social_i18n_find(const social_i18n *c, const char *tag)
{
    return tag ? find_n(c, tag, strlen(tag)) : NULL;
}

/* The language one Accept-Language range (tag, n bytes) maps to. */
static const social_i18n_lang *map_range(const social_i18n *c, const char *tag, apr_size_t n)
{
    const social_i18n_lang *l;
    apr_size_t primary;

    if ((l = find_n(c, tag, n)) != NULL) {
        return l;
    }
    for (primary = 0; primary < n && tag[primary] != '-' && tag[primary] != '_'; primary++) {
    }
    if (primary == 2 && strncasecmp(tag, "zh", 2) == 0) {
        /* Simplified: zh, zh-CN, zh-SG, zh-Hans-*; not zh-TW, zh-HK,
         * zh-Hant (Traditional readers get the next choice). */
        const char *rest = tag + 2;
        apr_size_t rn = n - 2;
        if (rn == 0 || (rn >= 3 && strncasecmp(rest, "-CN", 3) == 0 && (rn == 3 || rest[3] == '-'))
            || (rn >= 3 && strncasecmp(rest, "-SG", 3) == 0 && (rn == 3 || rest[3] == '-'))
            || (rn >= 5 && strncasecmp(rest, "-Hans", 5) == 0 && (rn == 5 || rest[5] == '-'))) {
            return social_i18n_find(c, "zh-Hans");
        }
        return NULL;
    }
    /* A language with a region or script: its primary language. */
    while (n > 0) {
        while (n > 0 && tag[n - 1] != '-' && tag[n - 1] != '_') {
            n--;
        }
        if (n == 0) {
            break;
        }
        n--;
        if ((l = find_n(c, tag, n)) != NULL) {
            return l;
        }
    }
    return NULL;
}

typedef struct {
    const char *tag;
    apr_size_t len;
    int q;          /* thousandths */
    int order;
} lang_range;

static int cmp_ranges(const void *a, const void *b)
{
    const lang_range *x = a, *y = b;
    if (x->q != y->q) {
        return y->q - x->q;
    }
    return x->order - y->order;
}

/* The q-value at s ("1", "0.8", "0.125"), thousandths; -1 if malformed. */
static int parse_q(const char *s, apr_size_t n)
{
    int q = 0, scale = 1000;
    apr_size_t i = 0;

    if (n == 0 || (s[0] != '0' && s[0] != '1')) {
        return -1;
    }
    q = (s[0] - '0') * 1000;
    i = 1;
    if (i < n && s[i] == '.') {
        for (i++; i < n && apr_isdigit(s[i]); i++) {
            scale /= 10;
            if (scale == 0) {
                return -1;
            }
            q += (s[i] - '0') * scale;
        }
    }
    return i == n && q <= 1000 ? q : -1;
}

const social_i18n_lang *social_i18n_negotiate(const social_i18n *c,
                                              const char *accept_language)
{
    lang_range ranges[32];
    int count = 0, i;
    const char *s = accept_language;

    if (c == NULL || s == NULL) {
        return NULL;
    }
    while (*s && count < (int)(sizeof(ranges) / sizeof(ranges[0]))) {
        const char *end = s + strcspn(s, ",");
        const char *tag = s, *tag_end;
        int q = 1000;

        while (tag < end && (*tag == ' ' || *tag == '\t')) {
            tag++;
        }
        tag_end = tag;
        while (tag_end < end && *tag_end != ';' && *tag_end != ' ' && *tag_end != '\t') {
            tag_end++;
        }
        /* parameters: only q counts */
        {
            const char *param = tag_end;
            while (param < end && (param = memchr(param, ';', (size_t)(end - param))) != NULL) {
                const char *v = param + 1, *vend;
                while (v < end && (*v == ' ' || *v == '\t')) {
                    v++;
                }
                vend = v;
                while (vend < end && *vend != ';' && *vend != ' ' && *vend != '\t') {
                    vend++;
                }
                if (vend - v >= 2 && (v[0] == 'q' || v[0] == 'Q') && v[1] == '=') {
                    q = parse_q(v + 2, (apr_size_t)(vend - v - 2));
                }
                param = vend;
            }
        }
        if (tag_end > tag && q > 0) {
            ranges[count].tag = tag;
            ranges[count].len = (apr_size_t)(tag_end - tag);
            ranges[count].q = q;
            ranges[count].order = count;
            count++;
        }
        s = *end ? end + 1 : end;
    }
    qsort(ranges, (size_t)count, sizeof(ranges[0]), cmp_ranges);
    for (i = 0; i < count; i++) {
        const social_i18n_lang *l;
        if (ranges[i].len == 1 && ranges[i].tag[0] == '*') {
            continue;   /* anything: no preference of its own */
        }
        if ((l = map_range(c, ranges[i].tag, ranges[i].len)) != NULL) {
            return l;
        }
    }
    return NULL;
}

const char *social_i18n_html_lang(apr_pool_t *p, const char *data, apr_size_t len)
{
    const char *at = data, *end = data + len, *lang = NULL, *xml_lang = NULL;

    if (len >= 3 && memcmp(at, "\xef\xbb\xbf", 3) == 0) {
        at += 3;
    }
    for (;;) {
        while (at < end && apr_isspace(*at)) {
            at++;
        }
        if (end - at >= 4 && memcmp(at, "<!--", 4) == 0) {
            const char *close = NULL, *s;
            for (s = at + 4; s + 3 <= end; s++) {
                if (memcmp(s, "-->", 3) == 0) {
                    close = s + 3;
                    break;
                }
            }
            if (close == NULL) {
                return NULL;
            }
            at = close;
        }
        else if (end - at >= 2 && at[0] == '<' && (at[1] == '!' || at[1] == '?')) {
            const char *close = memchr(at, '>', (size_t)(end - at));
            if (close == NULL) {
                return NULL;
            }
            at = close + 1;
        }
        else {
            break;
        }
    }
    if (end - at < 6 || at[0] != '<' || strncasecmp(at + 1, "html", 4) != 0
        || !(apr_isspace(at[5]) || at[5] == '>' || at[5] == '/')) {
        return NULL;
    }
    at += 5;
    while (at < end && *at != '>') {
        const char *name, *value = NULL;
        apr_size_t name_len, value_len = 0;

        while (at < end && (apr_isspace(*at) || *at == '/')) {
            at++;
        }
        name = at;
        while (at < end && !apr_isspace(*at) && *at != '=' && *at != '>' && *at != '/') {
            at++;
        }
        name_len = (apr_size_t)(at - name);
        while (at < end && apr_isspace(*at)) {
            at++;
        }
        if (at < end && *at == '=') {
            at++;
            while (at < end && apr_isspace(*at)) {
                at++;
            }
            if (at < end && (*at == '"' || *at == '\'')) {
                const char *q = memchr(at + 1, *at, (size_t)(end - at - 1));
                if (q == NULL) {
                    return NULL;
                }
                value = at + 1;
                value_len = (apr_size_t)(q - value);
                at = q + 1;
            }
            else {
                value = at;
                while (at < end && !apr_isspace(*at) && *at != '>') {
                    at++;
                }
                value_len = (apr_size_t)(at - value);
            }
        }
        if (value != NULL && name_len == 4 && strncasecmp(name, "lang", 4) == 0 && !lang) {
            lang = apr_pstrmemdup(p, value, value_len);
        }
        else if (value != NULL && name_len == 8 && strncasecmp(name, "xml:lang", 8) == 0
                 && !xml_lang) {
            xml_lang = apr_pstrmemdup(p, value, value_len);
        }
        if (name_len == 0 && at < end && *at != '>') {
            at++;    /* a stray character: go on */
        }
    }
    if (at >= end) {
        return NULL;    /* the tag does not end here */
    }
    if (lang == NULL) {
        lang = xml_lang;
    }
    if (lang != NULL) {
        char *trimmed = apr_pstrdup(p, lang), *e;
        while (apr_isspace(*trimmed)) {
            trimmed++;
        }
        for (e = trimmed + strlen(trimmed); e > trimmed && apr_isspace(e[-1]); e--) {
        }
        *e = '\0';
        lang = trimmed;
    }
    return lang;
}

const char *social_i18n_tag(const social_i18n_lang *l)
{
    return l ? l->tag : "en";
}

const char *social_i18n_stamp(const social_i18n_lang *l)
{
    return l != NULL && l->stamp != NULL ? l->stamp : "0";
}

int social_i18n_rtl(const social_i18n_lang *l)
{
    return l ? l->rtl : 0;
}

/* The message key: l's own, else English's; *owner is whose it is. */
static const i18n_msg *lookup(const social_i18n_lang *l, const char *key,
                              const social_i18n_lang **owner)
{
    const i18n_msg *m = NULL;

    *owner = l;
    if (l == NULL || key == NULL) {
        return NULL;
    }
    if ((m = apr_hash_get(l->msgs, key, APR_HASH_KEY_STRING)) == NULL && l->en != NULL) {
        *owner = l->en;
        m = apr_hash_get(l->en->msgs, key, APR_HASH_KEY_STRING);
    }
    return m;
}

/* The form of m for n in owner's rule (n < 0: "other"). */
static const char *form_for(const i18n_msg *m, const social_i18n_lang *owner, apr_int64_t n)
{
    const char *f;
    if (m->text != NULL) {
        return m->text;
    }
    if (n < 0) {
        return m->forms[CAT_OTHER];
    }
    f = m->forms[plural_cat(rule_of(owner->tag), n)];
    return f ? f : m->forms[CAT_OTHER];
}

const char *social_i18n_text(const social_i18n_lang *l, const char *key)
{
    const social_i18n_lang *owner;
    const i18n_msg *m = lookup(l, key, &owner);
    return m ? form_for(m, owner, -1) : key;
}

const char *social_i18n_format(apr_pool_t *p, const social_i18n_lang *l, const char *key,
                               apr_int64_t n, ...)
{
    const social_i18n_lang *owner;
    const i18n_msg *m = lookup(l, key, &owner);
    const char *src = m ? form_for(m, owner, n) : key;
    const char *names[16], *values[16];
    int count = 0, i;
    char *out = "";
    const char *at, *brace;
    va_list ap;

    va_start(ap, n);
    while (count < 16 && (names[count] = va_arg(ap, const char *)) != NULL) {
        values[count] = va_arg(ap, const char *);
        count++;
    }
    va_end(ap);
    for (at = src; (brace = strchr(at, '{')) != NULL; ) {
        const char *end = brace + 1, *value = NULL;
        apr_size_t len;
        while (apr_isalnum(*end) || *end == '_') {
            end++;
        }
        len = (apr_size_t)(end - brace - 1);
        if (*end == '}' && len > 0) {
            if (n >= 0 && len == 1 && brace[1] == 'n') {
                value = apr_psprintf(p, "%" APR_INT64_T_FMT, n);
            }
            for (i = 0; value == NULL && i < count; i++) {
                if (strlen(names[i]) == len && strncmp(names[i], brace + 1, len) == 0) {
                    value = values[i] ? values[i] : "";
                }
            }
        }
        if (value != NULL) {
            out = apr_pstrcat(p, out, apr_pstrmemdup(p, at, (apr_size_t)(brace - at)),
                              value, NULL);
            at = end + 1;
        }
        else {
            out = apr_pstrcat(p, out, apr_pstrmemdup(p, at, (apr_size_t)(brace + 1 - at)),
                              NULL);
            at = brace + 1;
        }
    }
    return apr_pstrcat(p, out, at, NULL);
}

/* ---- templates ---- */

typedef struct {
    const char *name, *path;
} tmpl_arg;

static const char *html_escape(apr_pool_t *p, const char *s, apr_size_t n)
{
    char *out = apr_palloc(p, n * 6 + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: *o++ = s[i]; continue;
        }
        memcpy(o, rep, strlen(rep));
        o += strlen(rep);
    }
    *o = '\0';
    return out;
}

/* An HDF path, optionally "bdi:" before it (a name, isolated). */
static int valid_path(const char *s)
{
    if (strncmp(s, "bdi:", 4) == 0) {
        s += 4;
    }
    if (!*s) {
        return 0;
    }
    for (; *s; s++) {
        if (!apr_isalnum(*s) && *s != '.' && *s != '_' && *s != '-') {
            return 0;
        }
    }
    return 1;
}

/* The message text with literal parts escaped and placeholders as vars;
 * NULL with *error if a placeholder has no argument. */
static const char *expand_text(apr_pool_t *p, const char *key, const char *text,
                               const tmpl_arg *args, int nargs, const char *count_path,
                               const char **error)
{
    const char *at = text, *brace;
    char *out = "";
    int i;

    while ((brace = strchr(at, '{')) != NULL) {
        const char *end = brace + 1, *path = NULL;
        apr_size_t len;
        while (apr_isalnum(*end) || *end == '_') {
            end++;
        }
        len = (apr_size_t)(end - brace - 1);
        if (*end != '}' || len == 0) {
            out = apr_pstrcat(p, out, html_escape(p, at, (apr_size_t)(brace + 1 - at)), NULL);
            at = brace + 1;
            continue;
        }
        if (count_path != NULL && len == 1 && brace[1] == 'n') {
            path = count_path;
        }
        for (i = 0; path == NULL && i < nargs; i++) {
            if (strlen(args[i].name) == len && strncmp(args[i].name, brace + 1, len) == 0) {
                path = args[i].path;
            }
        }
        if (path == NULL) {
            *error = apr_psprintf(p, "%s: placeholder {%.*s} has no argument", key,
                                  (int)len, brace + 1);
            return NULL;
        }
        out = apr_pstrcat(p, out, html_escape(p, at, (apr_size_t)(brace - at)),
                          strncmp(path, "bdi:", 4) == 0
                          ? apr_pstrcat(p, "<bdi><?cs var:", path + 4, " ?></bdi>", NULL)
                          : apr_pstrcat(p, "<?cs var:", path, " ?>", NULL), NULL);
        at = end + 1;
    }
    return apr_pstrcat(p, out, html_escape(p, at, strlen(at)), NULL);
}

/* The ClearSilver condition for category cat of rule over #path. */
static const char *cat_condition(apr_pool_t *p, plural_rule rule, int cat, const char *path)
{
    switch (cat) {
    case CAT_ZERO:
        return apr_psprintf(p, "#%s == 0", path);
    case CAT_ONE:
        return rule == RULE_ZERO_ONE ? apr_psprintf(p, "#%s == 0 || #%s == 1", path, path)
                                     : apr_psprintf(p, "#%s == 1", path);
    case CAT_TWO:
        return apr_psprintf(p, "#%s == 2", path);
    case CAT_FEW:
        return apr_psprintf(p, "#%s %% 100 >= 3 && #%s %% 100 <= 10", path, path);
    case CAT_MANY:
        return apr_psprintf(p, "#%s %% 100 >= 11 && #%s %% 100 <= 99", path, path);
    default:
        return "1";
    }
}

/* One {{t:...}} or {{n:...}} form (body: between "{{" and "}}"). */
static const char *expand_form(apr_pool_t *p, const social_i18n_lang *l,
                               const char *body, const char **error)
{
    int plural = body[0] == 'n';
    char *copy = apr_pstrdup(p, body + 2), *last, *word;
    const char *key = NULL, *count_path = NULL;
    tmpl_arg args[16];
    int nargs = 0;
    const social_i18n_lang *owner;
    const i18n_msg *m;

    for (word = apr_strtok(copy, " \t\r\n", &last); word;
         word = apr_strtok(NULL, " \t\r\n", &last)) {
        char *eq = strchr(word, '=');
        if (key == NULL) {
            key = word;
        }
        else if (eq == NULL && plural && count_path == NULL && nargs == 0) {
            if (!valid_path(word)) {
                *error = apr_psprintf(p, "{{%s}}: bad count \"%s\"", body, word);
                return NULL;
            }
            count_path = word;
        }
        else if (eq != NULL && eq > word && nargs < 16) {
            *eq = '\0';
            if (!valid_path(eq + 1)) {
                *error = apr_psprintf(p, "{{%s}}: bad argument \"%s\"", body, eq + 1);
                return NULL;
            }
            args[nargs].name = word;
            args[nargs].path = eq + 1;
            nargs++;
        }
        else {
            *error = apr_psprintf(p, "{{%s}}: unexpected \"%s\"", body, word);
            return NULL;
        }
    }
    if (key == NULL || !valid_key(key)) {
        *error = apr_psprintf(p, "{{%s}}: want a message key", body);
        return NULL;
    }
    if (plural && count_path == NULL) {
        *error = apr_psprintf(p, "{{%s}}: a plural form needs the count's HDF path", body);
        return NULL;
    }
    if ((m = lookup(l, key, &owner)) == NULL) {
        *error = apr_psprintf(p, "{{%s}}: no message \"%s\" in the catalogue", body, key);
        return NULL;
    }
    if (!plural) {
        if (m->text == NULL) {
            *error = apr_psprintf(p, "{{%s}}: \"%s\" is a plural message: use {{n:...}}",
                                  body, key);
            return NULL;
        }
        return expand_text(p, key, m->text, args, nargs, NULL, error);
    }
    if (m->text != NULL) {
        /* A plain message where a plural is asked for: one form. */
        return expand_text(p, key, m->text, args, nargs, count_path, error);
    }
    {
        plural_rule rule = rule_of(owner->tag);
        char *out = "";
        int cat, first = 1;
        for (cat = 0; cat < CAT_OTHER; cat++) {
            const char *text;
            if (m->forms[cat] == NULL || !rule_uses(rule, cat)) {
                continue;
            }
            if ((text = expand_text(p, key, m->forms[cat], args, nargs, count_path,
                                    error)) == NULL) {
                return NULL;
            }
            out = apr_pstrcat(p, out, first ? "<?cs if:" : "<?cs elif:",
                              cat_condition(p, rule, cat, count_path), " ?>", text, NULL);
            first = 0;
        }
        {
            const char *text = expand_text(p, key, m->forms[CAT_OTHER], args, nargs,
                                           count_path, error);
            if (text == NULL) {
                return NULL;
            }
            return first ? text : apr_pstrcat(p, out, "<?cs else ?>", text, "<?cs /if ?>", NULL);
        }
    }
}

char *social_i18n_template(apr_pool_t *p, const social_i18n_lang *l,
                           const char *src, const char **error)
{
    const char *at = src, *open;
    char *out = "";

    *error = NULL;
    while ((open = strstr(at, "{{")) != NULL) {
        const char *close, *text;
        if ((open[2] != 't' && open[2] != 'n') || open[3] != ':') {
            out = apr_pstrcat(p, out, apr_pstrmemdup(p, at, (apr_size_t)(open + 2 - at)), NULL);
            at = open + 2;
            continue;
        }
        if ((close = strstr(open, "}}")) == NULL) {
            *error = apr_psprintf(p, "unclosed {{%.20s", open + 2);
            return NULL;
        }
        if ((text = expand_form(p, l, apr_pstrmemdup(p, open + 2, (apr_size_t)(close - open - 2)),
                                error)) == NULL) {
            return NULL;
        }
        out = apr_pstrcat(p, out, apr_pstrmemdup(p, at, (apr_size_t)(open - at)), text, NULL);
        at = close + 2;
    }
    return apr_pstrcat(p, out, at, NULL);
}

/* ---- the widget's share (messages-TAG.js) ---- */

static void json_add_messages(json_t *out, const social_i18n_lang *l, const char *prefix)
{
    apr_size_t n = strlen(prefix);
    apr_hash_index_t *hi;

    for (hi = apr_hash_first(NULL, l->msgs); hi != NULL; hi = apr_hash_next(hi)) {
        const void *key;
        void *value;
        const i18n_msg *m;
        json_t *v;
        int cat;

        apr_hash_this(hi, &key, NULL, &value);
        m = value;
        if (strncmp(key, prefix, n) != 0) {
            continue;
        }
        if (m->text != NULL) {
            v = json_string(m->text);
        }
        else {
            v = json_object();
            for (cat = 0; v != NULL && cat < CAT_COUNT; cat++) {
                if (m->forms[cat] != NULL) {
                    json_object_set_new(v, cat_names[cat], json_string(m->forms[cat]));
                }
            }
        }
        if (v != NULL) {
            json_object_set_new(out, key, v);
        }
    }
}

char *social_i18n_json(apr_pool_t *p, const social_i18n_lang *l, const char *prefix)
{
    json_t *out = json_object();
    char *text, *copy;

    if (out == NULL || l == NULL) {
        json_decref(out);
        return NULL;
    }
    if (l->en != NULL) {
        json_add_messages(out, l->en, prefix);
    }
    json_add_messages(out, l, prefix);
    text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(out);
    if (text == NULL) {
        return NULL;
    }
    copy = apr_pstrdup(p, text);
    free(text);
    return copy;
}
