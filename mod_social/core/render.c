/* render.c: the page block, marker placeholders and ClearSilver glue. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <apr_thread_proc.h>
#include <ClearSilver.h>

#include "i18n.h"
#include "marker.h"
#include "render.h"
#include "text.h"

static const char *escape(apr_pool_t *p, const char *s, apr_size_t len)
{
    return social_text_html_escape(p, s, len);
}

void social_render_block_parts(apr_pool_t *p, const social_render_page *page,
                               social_render_parts *parts)
{
    const char *endpoint = escape(p, page->endpoint, strlen(page->endpoint));
    const char *version = escape(p, page->version, strlen(page->version));

    parts->head = apr_pstrcat(p,
        SOCIAL_BLOCK_OPEN,
        "<link rel=\"stylesheet\" href=\"", endpoint, "/assets/", version,
        "/social.css\" />",
        /* The block's own words are in its language: said so, so a
         * screen reader reads them with that language's voice, and in
         * that language's direction (whatever the page's); what people
         * wrote inside it carries dir="auto" of its own. */
        "<div id=\"social\" class=\"social\" lang=\"",
        escape(p, social_i18n_tag(page->lang), strlen(social_i18n_tag(page->lang))),
        "\" dir=\"", social_i18n_rtl(page->lang) ? "rtl" : "ltr", "\" data-social-theme=\"",
        page->theme ? page->theme : "auto", "\" data-social-page=\"",
        escape(p, page->page_key, strlen(page->page_key)),
        "\" data-social-endpoint=\"", endpoint,
        "\" data-social-tz=\"", escape(p, page->tz ? page->tz : "UTC",
                                      strlen(page->tz ? page->tz : "UTC")),
        page->live > 0 ? apr_psprintf(p, "\" data-social-live=\"%d", page->live) : "",
        "\" data-social-render=\"", page->inner ? "inline" : "deferred", "\">", NULL);
    parts->head_len = strlen(parts->head);
    parts->inner = page->inner ? page->inner : "";
    parts->inner_len = page->inner == NULL ? 0
                     : page->inner_len > 0 ? page->inner_len : strlen(page->inner);
    /* the widget's words first: deferred scripts run in their order */
    parts->tail = apr_pstrcat(p, "</div>",
        "<script src=\"", endpoint, "/assets/", version, "/messages-",
        escape(p, social_i18n_tag(page->lang), strlen(social_i18n_tag(page->lang))),
        ".js?v=", social_i18n_stamp(page->lang), "\" defer=\"defer\"></script>",
        "<script src=\"", endpoint, "/assets/", version,
        "/social.js\" defer=\"defer\"></script>",
        SOCIAL_BLOCK_CLOSE, NULL);
    parts->tail_len = strlen(parts->tail);
}

const char *social_render_block(apr_pool_t *p, const social_render_page *page,
                                apr_size_t *len)
{
    social_render_parts parts;
    char *block;

    social_render_block_parts(p, page, &parts);
    *len = parts.head_len + parts.inner_len + parts.tail_len;
    block = apr_palloc(p, *len + 1);
    memcpy(block, parts.head, parts.head_len);
    memcpy(block + parts.head_len, parts.inner, parts.inner_len);
    memcpy(block + parts.head_len + parts.inner_len, parts.tail, parts.tail_len);
    block[*len] = '\0';
    return block;
}

static const char *attr_value(apr_pool_t *p, const social_marker *m,
                              const char *name)
{
    const social_marker_attr *a = social_marker_attr_get(m, name);
    if (a == NULL || a->value == NULL) {
        return NULL;
    }
    return apr_pstrmemdup(p, a->value, a->value_len);
}

const char *social_render_marker_page(apr_pool_t *p, const social_marker *m)
{
    const char *error, *page = attr_value(p, m, "page");
    return page ? social_text_page_key(p, page, &error) : NULL;
}

const char *social_render_poll(apr_pool_t *p, const char *name, const char *inner,
                               apr_size_t *len)
{
    const char *n = escape(p, name, strlen(name));
    char *out = apr_pstrcat(p, SOCIAL_BLOCK_OPEN,
                            "<div class=\"social-marker social-marker-poll\" "
                            "data-social-kind=\"poll\" id=\"poll-", n,
                            "\" data-social-name=\"", n, "\">", inner ? inner : "",
                            "</div>", SOCIAL_BLOCK_CLOSE, NULL);
    *len = strlen(out);
    return out;
}

const char *social_render_ideas(apr_pool_t *p, const char *name, const char *inner,
                                apr_size_t *len)
{
    const char *n = escape(p, name, strlen(name));
    char *out = apr_pstrcat(p, SOCIAL_BLOCK_OPEN,
                            "<div class=\"social-marker social-marker-ideas\" "
                            "data-social-kind=\"ideas\" id=\"ideas-", n,
                            "\" data-social-name=\"", n, "\">", inner ? inner : "",
                            "</div>", SOCIAL_BLOCK_CLOSE, NULL);
    *len = strlen(out);
    return out;
}

const char *social_render_survey(apr_pool_t *p, const char *name, const char *inner,
                                 apr_size_t *len)
{
    const char *n = escape(p, name, strlen(name));
    char *out = apr_pstrcat(p, SOCIAL_BLOCK_OPEN,
                            "<div class=\"social-marker social-marker-survey\" "
                            "data-social-kind=\"survey\" id=\"survey-", n,
                            "\" data-social-name=\"", n, "\">", inner ? inner : "",
                            "</div>", SOCIAL_BLOCK_CLOSE, NULL);
    *len = strlen(out);
    return out;
}

const char *social_render_listing_entry(apr_pool_t *p, const social_i18n_lang *l,
                                        const char *href, int count, apr_size_t *len)
{
    const char *h = escape(p, href, strlen(href));
    const char *comments = count < 0 ? NULL
                           : social_i18n_format(p, l, "documents.comments", count, NULL);
    const char *discuss = social_i18n_text(l, "documents.discuss");
    const char *out = apr_pstrcat(p, SOCIAL_BLOCK_OPEN, " <span class=\"social-entry\">",
        comments == NULL ? "" : apr_pstrcat(p, "<a class=\"social-entry-count\" href=\"", h,
                                            "#social\">", escape(p, comments, strlen(comments)),
                                            "</a> ", NULL),
        "<a class=\"social-entry-discuss\" href=\"", h, "\">",
        escape(p, discuss, strlen(discuss)), "</a></span>", SOCIAL_BLOCK_CLOSE, NULL);
    *len = strlen(out);
    return out;
}

const char *social_render_document_link(apr_pool_t *p, const social_i18n_lang *l,
                                        const char *href, apr_size_t *len)
{
    const char *discuss = social_i18n_text(l, "documents.discuss");
    const char *out = apr_pstrcat(p, SOCIAL_BLOCK_OPEN,
        " <a class=\"social-doc-link\" href=\"", escape(p, href, strlen(href)),
        "\">", escape(p, discuss, strlen(discuss)), "</a>", SOCIAL_BLOCK_CLOSE, NULL);
    *len = strlen(out);
    return out;
}

const char *social_render_count_link(apr_pool_t *p, const char *page_key, int count)
{
    return apr_psprintf(p, "<a class=\"social-count-link\" href=\"%s#social\">"
                        "%d comment%s</a>", escape(p, page_key, strlen(page_key)),
                        count, count == 1 ? "" : "s");
}

const char *social_render_marker(apr_pool_t *p, const social_marker *m,
                                 const char *inner, apr_size_t *len)
{
    const char *kind = escape(p, m->kind, m->kind_len);
    const char *extra = "";
    char *out;

    if (social_marker_is(m, "count")) {
        const char *key = social_render_marker_page(p, m);
        if (key == NULL) {
            return NULL;
        }
        extra = apr_pstrcat(p, " data-social-page=\"", escape(p, key, strlen(key)), "\"", NULL);
    }
    else if (social_marker_is(m, "poll")) {
        social_poll_def def;
        if (social_poll_def_parse(p, m, &def) != NULL) {
            return NULL;
        }
        return social_render_poll(p, def.name, inner, len);
    }
    else if (social_marker_is(m, "ideas")) {
        social_ideas_def def;
        if (social_ideas_def_parse(p, m, &def) != NULL) {
            return NULL;
        }
        return social_render_ideas(p, def.name, inner, len);
    }
    out = apr_pstrcat(p, SOCIAL_BLOCK_OPEN, "<span class=\"social-marker social-marker-", kind,
                      "\" data-social-kind=\"", kind, "\"", extra, ">", inner ? inner : "",
                      "</span>", SOCIAL_BLOCK_CLOSE, NULL);
    *len = strlen(out);
    return out;
}

/* ---- ClearSilver ---- */

typedef struct {
    apr_pool_t *pool;
    char *buf;
    apr_size_t len;
    apr_size_t cap;
} render_output;

static NEOERR *output_append(void *ctx, char *s)
{
    render_output *out = ctx;
    apr_size_t n = strlen(s);

    if (out->len + n + 1 > out->cap) {
        apr_size_t cap = out->cap ? out->cap : 1024;
        char *grown;
        while (cap < out->len + n + 1) {
            cap *= 2;
        }
        grown = apr_palloc(out->pool, cap);
        if (out->len) {
            memcpy(grown, out->buf, out->len);
        }
        out->buf = grown;
        out->cap = cap;
    }
    memcpy(out->buf + out->len, s, n);
    out->len += n;
    out->buf[out->len] = '\0';
    return STATUS_OK;
}

/* The message of a NEOERR, freed. */
static const char *neo_message(apr_pool_t *p, NEOERR *err)
{
    STRING str;
    const char *msg;

    string_init(&str);
    nerr_error_string(err, &str);
    msg = apr_pstrdup(p, str.buf ? str.buf : "unknown ClearSilver error");
    string_clear(&str);
    nerr_ignore(&err);
    return msg;
}

/* ---- template data ---- */

struct social_render_data {
    HDF *hdf;
    apr_pool_t *pool;
    const char **error;     /* the tree's first error */
};

static void data_failed(social_render_data *d, NEOERR *err, const char *name)
{
    if (*d->error == NULL) {
        *d->error = apr_pstrcat(d->pool, "setting template data ", name, ": ",
                                neo_message(d->pool, err), NULL);
    }
    else {
        nerr_ignore(&err);
    }
}

void social_render_set(social_render_data *d, const char *name, const char *value)
{
    NEOERR *err;

    if (*d->error != NULL) {
        return;
    }
    err = hdf_set_value(d->hdf, name, value ? value : "");
    if (err != STATUS_OK) {
        data_failed(d, err, name);
    }
}

void social_render_setf(social_render_data *d, const char *name, const char *format, ...)
{
    va_list ap;
    const char *value;

    va_start(ap, format);
    value = apr_pvsprintf(d->pool, format, ap);
    va_end(ap);
    social_render_set(d, name, value);
}

void social_render_set_int(social_render_data *d, const char *name, apr_int64_t value)
{
    char digits[24];
    apr_snprintf(digits, sizeof(digits), "%" APR_INT64_T_FMT, value);
    social_render_set(d, name, digits);
}

void social_render_set_bool(social_render_data *d, const char *name, int value)
{
    social_render_set(d, name, value ? "1" : "0");
}

social_render_data *social_render_child(social_render_data *d, const char *format, ...)
{
    social_render_data *child = apr_palloc(d->pool, sizeof(*child));
    const char *name;
    va_list ap;
    NEOERR *err;

    va_start(ap, format);
    name = apr_pvsprintf(d->pool, format, ap);
    va_end(ap);
    *child = *d;
    if (*d->error == NULL && (err = hdf_get_node(d->hdf, name, &child->hdf)) != STATUS_OK) {
        data_failed(d, err, name);
    }
    if (*d->error != NULL) {
        child->hdf = d->hdf;    /* every later set is a no-op */
    }
    return child;
}

apr_pool_t *social_render_pool(const social_render_data *d)
{
    return d->pool;
}

/* ---- parsed templates, kept per thread ----
 *
 * Parsing (cs_init, cs_parse_file) reads the file and touches
 * ClearSilver's process-wide state, so it runs under one lock; rendering
 * a parsed template only reads the tree and the request's own HDF, so a
 * thread renders its own copy without a lock. The parse-time HDF holds
 * only Config.VarEscapeMode: escaping is decided while parsing, and the
 * tree stays bound to that HDF between renders. */

typedef struct template_entry {
    struct template_entry *next;
    char *path;
    const social_i18n_lang *lang;   /* what its forms were expanded for */
    apr_time_t mtime;
    apr_off_t size;
    apr_ino_t inode;
    HDF *hdf;
    CSPARSE *cs;
} template_entry;

/* A thread keeps at most this many parsed templates (a few per template
 * directory and language); beyond it, it starts over. */
#define TEMPLATE_CACHE_MAX 160

typedef struct {
    template_entry *first;
    int count;
} template_cache;

static const social_i18n *default_catalogue;

void social_render_i18n(const social_i18n *catalogue)
{
    default_catalogue = catalogue;
}

#if APR_HAS_THREADS
static apr_threadkey_t *cache_key;
static apr_thread_mutex_t *parse_lock;
#endif

static void entry_destroy(template_entry *e)
{
    if (e->cs != NULL) {
        cs_destroy(&e->cs);
    }
    if (e->hdf != NULL) {
        hdf_destroy(&e->hdf);
    }
    free(e->path);
    free(e);
}

static void cache_clear(template_cache *c)
{
    while (c->first != NULL) {
        template_entry *e = c->first;
        c->first = e->next;
        entry_destroy(e);
    }
    c->count = 0;
}

#if APR_HAS_THREADS
static void cache_destroy(void *data)
{
    template_cache *c = data;
    cache_clear(c);
    free(c);
}

static apr_status_t cache_shutdown(void *data)
{
    template_cache *c = NULL;
    (void)data;
    /* The calling thread's own cache; other threads free theirs on exit. */
    if (apr_threadkey_private_get((void **)&c, cache_key) == APR_SUCCESS && c != NULL) {
        apr_threadkey_private_set(NULL, cache_key);
        cache_destroy(c);
    }
    apr_threadkey_private_delete(cache_key);
    cache_key = NULL;
    parse_lock = NULL;
    return APR_SUCCESS;
}
#endif

void social_render_init(apr_pool_t *p)
{
    HDF *hdf = NULL;
    CSPARSE *cs = NULL;

    /* ClearSilver registers its error kinds on first use: do it here,
     * before any thread renders. */
    if (hdf_init(&hdf) == STATUS_OK && cs_init(&cs, hdf) == STATUS_OK) {
        cs_destroy(&cs);
    }
    if (hdf != NULL) {
        hdf_destroy(&hdf);
    }
#if APR_HAS_THREADS
    if (cache_key != NULL) {
        return;
    }
    if (apr_thread_mutex_create(&parse_lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS) {
        parse_lock = NULL;
        return;
    }
    if (apr_threadkey_private_create(&cache_key, cache_destroy, p) != APR_SUCCESS) {
        cache_key = NULL;
        return;
    }
    apr_pool_cleanup_register(p, NULL, cache_shutdown, apr_pool_cleanup_null);
#else
    (void)p;
#endif
}

/* Parses path into a new entry; NULL with *error set. */
/* The template at path with its forms expanded for lang, in memory
 * from malloc (ClearSilver takes it); NULL with *error set. */
static char *template_source(apr_pool_t *p, const char *path,
                             const social_i18n_lang *lang, const char **error)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;
    apr_size_t got = 0;
    char *raw, *expanded, *copy, buf[120];

    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, APR_OS_DEFAULT,
                            p)) != APR_SUCCESS
        || (rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f)) != APR_SUCCESS) {
        *error = apr_pstrcat(p, path, ": ", apr_strerror(rv, buf, sizeof(buf)), NULL);
        return NULL;
    }
    raw = apr_palloc(p, (apr_size_t)fi.size + 1);
    rv = apr_file_read_full(f, raw, (apr_size_t)fi.size, &got);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        *error = apr_pstrcat(p, path, ": ", apr_strerror(rv, buf, sizeof(buf)), NULL);
        return NULL;
    }
    raw[got] = '\0';
    if ((expanded = social_i18n_template(p, lang, raw, error)) == NULL) {
        *error = apr_pstrcat(p, path, ": ", *error, NULL);
        return NULL;
    }
    if ((copy = strdup(expanded)) == NULL) {
        *error = "out of memory parsing a template";
    }
    return copy;
}

static template_entry *template_parse(apr_pool_t *p, const char *path,
                                      const social_i18n_lang *lang,
                                      const apr_finfo_t *info, const char **error)
{
    template_entry *e = calloc(1, sizeof(*e));
    char *source = NULL;
    NEOERR *err;

    if (e == NULL || (e->path = strdup(path)) == NULL) {
        free(e);
        *error = "out of memory parsing a template";
        return NULL;
    }
    e->lang = lang;
    if (lang != NULL && (source = template_source(p, path, lang, error)) == NULL) {
        entry_destroy(e);
        return NULL;
    }
    if (info != NULL) {
        e->mtime = info->mtime;
        e->size = info->size;
        e->inode = info->inode;
    }
#if APR_HAS_THREADS
    if (parse_lock != NULL) {
        apr_thread_mutex_lock(parse_lock);
    }
#endif
    err = hdf_init(&e->hdf);
    if (err == STATUS_OK) {
        err = hdf_set_value(e->hdf, "Config.VarEscapeMode", "html");
    }
    if (err == STATUS_OK) {
        err = cs_init(&e->cs, e->hdf);
    }
    if (err == STATUS_OK && source != NULL) {
        err = cs_parse_string(e->cs, source, strlen(source));
        source = NULL;      /* ClearSilver's now, even on failure */
    }
    else if (err == STATUS_OK) {
        err = cs_parse_file(e->cs, path);
    }
    free(source);
#if APR_HAS_THREADS
    if (parse_lock != NULL) {
        apr_thread_mutex_unlock(parse_lock);
    }
#endif
    if (err != STATUS_OK) {
        *error = apr_pstrcat(p, path, ": ", neo_message(p, err), NULL);
        entry_destroy(e);
        return NULL;
    }
    return e;
}

/* This thread's cache, or NULL if there is none. */
static template_cache *thread_cache(void)
{
#if APR_HAS_THREADS
    template_cache *c = NULL;

    if (cache_key == NULL || apr_threadkey_private_get((void **)&c, cache_key) != APR_SUCCESS) {
        return NULL;
    }
    if (c == NULL) {
        if ((c = calloc(1, sizeof(*c))) == NULL) {
            return NULL;
        }
        if (apr_threadkey_private_set(c, cache_key) != APR_SUCCESS) {
            free(c);
            return NULL;
        }
    }
    return c;
#else
    return NULL;
#endif
}

/* The parsed template at path: this thread's copy if the file is
 * unchanged, else parsed now (and kept, if *kept is set on return). */
static template_entry *template_get(apr_pool_t *p, const char *path,
                                    const social_i18n_lang *lang, int *kept,
                                    const char **error)
{
    template_cache *c = thread_cache();
    template_entry *e, **at;
    apr_finfo_t info;

    *kept = 0;
    if (c == NULL || apr_stat(&info, path, APR_FINFO_MTIME | APR_FINFO_SIZE
                                           | APR_FINFO_INODE, p) != APR_SUCCESS) {
        /* No cache, or no file: parsing says what is wrong. */
        return template_parse(p, path, lang, NULL, error);
    }
    for (at = &c->first; (e = *at) != NULL; at = &e->next) {
        if (e->lang == lang && strcmp(e->path, path) == 0) {
            if (e->mtime == info.mtime && e->size == info.size && e->inode == info.inode) {
                *kept = 1;
                return e;
            }
            *at = e->next;      /* changed on disk: parse it again */
            entry_destroy(e);
            c->count--;
            break;
        }
    }
    if ((e = template_parse(p, path, lang, &info, error)) == NULL) {
        return NULL;
    }
    if (c->count >= TEMPLATE_CACHE_MAX) {
        cache_clear(c);
    }
    e->next = c->first;
    c->first = e;
    c->count++;
    *kept = 1;
    return e;
}

/* Forgets a kept entry (its render failed: its state is unknown). */
static void template_forget(template_entry *gone)
{
    template_cache *c = thread_cache();
    template_entry *e, **at;

    for (at = c ? &c->first : NULL; at != NULL && (e = *at) != NULL; at = &e->next) {
        if (e == gone) {
            *at = e->next;
            c->count--;
            break;
        }
    }
    entry_destroy(gone);
}

char *social_render_template(apr_pool_t *p, const char *dir, const char *name,
                             social_render_fill fill, void *ctx,
                             apr_size_t *len, const char **error)
{
    return social_render_template_lang(p, dir, name, NULL, fill, ctx, len, error);
}

char *social_render_template_lang(apr_pool_t *p, const char *dir, const char *name,
                                  const social_i18n_lang *lang,
                                  social_render_fill fill, void *ctx,
                                  apr_size_t *len, const char **error)
{
    social_render_data data;
    template_entry *t = NULL;
    NEOERR *err;
    render_output out = { p, NULL, 0, 0 };
    const char *path = apr_pstrcat(p, dir, "/", name, NULL);
    char *result = NULL;
    int kept = 0;

    *error = NULL;
    data.hdf = NULL;
    data.pool = p;
    data.error = error;
    err = hdf_init(&data.hdf);
    if (err == STATUS_OK) {
        err = hdf_set_value(data.hdf, "Config.VarEscapeMode", "html");
    }
    if (err != STATUS_OK) {
        *error = neo_message(p, err);
        goto leave;
    }
    if (lang == NULL && default_catalogue != NULL) {
        lang = social_i18n_find(default_catalogue, "en");
    }
    social_render_set(&data, "Social.lang", social_i18n_tag(lang));
    social_render_set(&data, "Social.messages_stamp", social_i18n_stamp(lang));
    social_render_set(&data, "Social.dir", social_i18n_rtl(lang) ? "rtl" : "ltr");
    if (fill != NULL) {
        fill(&data, ctx);
        if (*error != NULL) {
            goto leave;
        }
    }
    if ((t = template_get(p, path, lang, &kept, error)) == NULL) {
        goto leave;
    }
    t->cs->hdf = data.hdf;
    err = cs_render(t->cs, &out, output_append);
    t->cs->hdf = t->hdf;
    if (err != STATUS_OK) {
        *error = apr_pstrcat(p, path, ": ", neo_message(p, err), NULL);
        if (kept) {
            template_forget(t);
            t = NULL;
        }
        goto leave;
    }
    result = out.buf ? out.buf : apr_pstrdup(p, "");
    *len = out.len;

leave:
    if (t != NULL && !kept) {
        entry_destroy(t);
    }
    if (data.hdf != NULL) {
        hdf_destroy(&data.hdf);
    }
    return result;
}
