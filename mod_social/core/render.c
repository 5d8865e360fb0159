/* render.c: the page block, marker placeholders and ClearSilver glue. */
#include <string.h>

#include <apr_strings.h>
#include <ClearSilver.h>

#include "marker.h"
#include "render.h"
#include "text.h"

static const char *escape(apr_pool_t *p, const char *s, apr_size_t len)
{
    return social_text_html_escape(p, s, len);
}

const char *social_render_block(apr_pool_t *p, const social_render_page *page,
                                apr_size_t *len)
{
    const char *endpoint = escape(p, page->endpoint, strlen(page->endpoint));
    const char *version = escape(p, page->version, strlen(page->version));
    char *block = apr_pstrcat(p,
        SOCIAL_BLOCK_OPEN,
        "<link rel=\"stylesheet\" href=\"", endpoint, "/assets/", version,
        "/social.css\" />",
        "<div id=\"social\" class=\"social\" data-social-page=\"",
        escape(p, page->page_key, strlen(page->page_key)),
        "\" data-social-endpoint=\"", endpoint,
        "\" data-social-render=\"", page->inner ? "inline" : "deferred", "\">",
        page->inner ? page->inner : "", "</div>",
        "<script src=\"", endpoint, "/assets/", version,
        "/social.js\" defer=\"defer\"></script>",
        SOCIAL_BLOCK_CLOSE, NULL);

    *len = strlen(block);
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

const char *social_render_set(HDF *hdf, const char *name, const char *value)
{
    NEOERR *err = hdf_set_value(hdf, name, value);
    if (err != STATUS_OK) {
        nerr_ignore(&err);
        return "out of memory setting template data";
    }
    return NULL;
}

char *social_render_template(apr_pool_t *p, const char *dir, const char *name,
                             social_render_fill fill, void *data,
                             apr_size_t *len, const char **error)
{
    HDF *hdf = NULL;
    CSPARSE *cs = NULL;
    NEOERR *err;
    render_output out = { p, NULL, 0, 0 };
    const char *path = apr_pstrcat(p, dir, "/", name, NULL);
    char *result = NULL;

    *error = NULL;
    err = hdf_init(&hdf);
    if (err == STATUS_OK) {
        err = hdf_set_value(hdf, "Config.VarEscapeMode", "html");
    }
    if (err != STATUS_OK) {
        *error = neo_message(p, err);
        goto leave;
    }
    if (fill != NULL && (*error = fill(hdf, data)) != NULL) {
        goto leave;
    }
    err = cs_init(&cs, hdf);
    if (err == STATUS_OK) {
        err = cs_parse_file(cs, path);
    }
    if (err == STATUS_OK) {
        err = cs_render(cs, &out, output_append);
    }
    if (err != STATUS_OK) {
        *error = apr_pstrcat(p, path, ": ", neo_message(p, err), NULL);
        goto leave;
    }
    result = out.buf ? out.buf : apr_pstrdup(p, "");
    *len = out.len;

leave:
    if (cs != NULL) {
        cs_destroy(&cs);
    }
    if (hdf != NULL) {
        hdf_destroy(&hdf);
    }
    return result;
}
