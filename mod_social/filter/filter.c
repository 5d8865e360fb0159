/* filter.c: the SOCIAL output filter.
 *
 * Streams the page through the scanner, passing every byte on at once
 * except those that may still be the insertion point: from a candidate
 * </body> (or </html>) to the next one, and the few bytes of an end tag
 * still being read. Marker placeholders follow their markers; the main
 * block goes where a <!--social:discussion--> marker stands, else before
 * the first element SocialPlaceBefore names, else before the last
 * </body>, else the last </html>, else at the end. A candidate is held
 * from its first byte on, as a </body> is, so a marker further down the
 * page still wins.
 */
#include <stddef.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_xlate.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include "config.h"
#include "filter.h"
#include "markers.h"
#include "poll_view.h"
#include "identity.h"
#include "listing.h"
#include "render.h"
#include "request.h"
#include "scan.h"
#include "store.h"
#include "text.h"
#include "discussion.h"

APLOG_USE_MODULE(social);

#define SOCIAL_FILTER_NAME "SOCIAL"

/* The environment variable that turns the filter off for a request. */
#define SOCIAL_OPT_OUT_ENV "no-social"

/* Pass what is ready downstream once this much has gathered, so memory
 * stays flat however large the page. */
#define SOCIAL_PASS_BYTES (64 * 1024)

/* Most bytes held after a candidate </body> before the block is placed
 * there for good (a page with megabytes after its </body>). */
#define SOCIAL_HOLD_MAX (256 * 1024)

/* The suffix that marks a page's ETag as the social variant of the file. */
#define SOCIAL_ETAG_SUFFIX "-social"

typedef struct {
    apr_bucket_brigade *out;    /* ready to pass on */
    apr_bucket_brigade *held;   /* bytes from held_at on, not passed yet */
    apr_bucket_brigade *tmp;
    uint64_t held_at;           /* stream offset of the first held byte */
    apr_size_t held_extra;      /* placeholder bytes inside held */
    apr_size_t out_bytes;       /* data bytes in out */
    uint64_t candidate;         /* insertion point, or SOCIAL_SCAN_NO_OFFSET */
    int candidate_kind;         /* what stands there: SOCIAL_SCAN_BODY_END, _HTML_END, _PLACE */
    int placed;                 /* the main block is out */
    int passthrough;            /* scan no more: opted out or not ASCII */
    int seen_data;
    int bad_marker_logged;
    int inline_mode;            /* SocialRender Inline: counts and thread rendered here */
    social_markers *markers;    /* what each marker becomes */
    apr_array_header_t *slots;  /* apr_bucket *: pending counts' places */
    const char *page_key;
    social_listing *listing;    /* a directory listing's entries, or the
                                   links of a page (SocialDocumentLinks) */
    const apr_array_header_t *document_links;   /* SocialDocumentLinks, or NULL */
    int document_links_seen;
    int entry_pending;          /* the listing scanner found a link's end ... */
    uint64_t entry_at;          /* ... at this stream offset */
    social_render_parts block;  /* the block, in pieces */
    apr_size_t block_len;
    social_scan scan;           /* last: its buffers are not cleared */
} social_filter_ctx;

/* ---- ETag ---- */

/* Our suffix for the block's language: "-social" for English, and
 * "-social-de" for German, so a variant in one language never validates
 * a copy in another. */
static const char *etag_suffix(request_rec *r)
{
    const char *tag = social_i18n_tag(social_request_lang(r));

    return strcmp(tag, "en") == 0 ? SOCIAL_ETAG_SUFFIX
                                  : apr_pstrcat(r->pool, SOCIAL_ETAG_SUFFIX "-", tag, NULL);
}

/* Where our suffix starts in an entity tag (its closing quote at n - 1),
 * or NULL: "-social" then nothing or "-" and a language tag. */
static const char *etag_suffix_at(const char *tag, size_t n)
{
    size_t sn = sizeof(SOCIAL_ETAG_SUFFIX) - 1;
    const char *at, *found = NULL;

    if (n < sn + 2 || tag[n - 1] != '"') {
        return NULL;
    }
    for (at = tag; (at = strstr(at, SOCIAL_ETAG_SUFFIX)) != NULL && at < tag + n; at++) {
        found = at;
    }
    if (found == NULL) {
        return NULL;
    }
    for (at = found + sn; at < tag + n - 1; at++) {
        if (!(apr_isalnum(*at) || *at == '-') || (at == found + sn && *at != '-')) {
            return NULL;
        }
    }
    return found;
}

/* The file's ETag with our suffix inside the quotes; idempotent. */
static const char *etag_social(request_rec *r, const char *etag)
{
    size_t n = strlen(etag);

    if (n < 2 || etag[n - 1] != '"') {
        return NULL;
    }
    if (etag_suffix_at(etag, n) != NULL) {
        return etag;
    }
    return apr_pstrcat(r->pool, apr_pstrmemdup(r->pool, etag, n - 1), etag_suffix(r),
                       "\"", NULL);
}

static void etag_mark(request_rec *r)
{
    const char *etag = apr_table_get(r->headers_out, "ETag");
    if (etag != NULL) {
        const char *marked = etag_social(r, etag);
        if (marked != NULL) {
            apr_table_setn(r->headers_out, "ETag", marked);
        }
        else {
            apr_table_unset(r->headers_out, "ETag");
        }
    }
}

/* How far into a page its <html lang> is looked for. */
#define SOCIAL_HTML_LANG_SNIFF 4096

/* Before a conditional request is answered: the block's language as the
 * filter will choose it, the page's own lang read from the head of the
 * file (only revalidations pay for this read, and only where no
 * SocialLanguage decides). */
static void conditional_lang(request_rec *r)
{
    char head[SOCIAL_HTML_LANG_SNIFF];
    apr_size_t have = sizeof(head);
    apr_file_t *file;
    const char *lang = NULL;
    const char *said = social_config_language(social_config_dir(r));

    if (said != NULL && social_i18n_find(social_config_i18n(social_config_srv(r->server)),
                                         said) != NULL) {
        return;   /* SocialLanguage decides: the page's own lang does not count */
    }
    if (r->filename != NULL && r->finfo.filetype == APR_REG
        && apr_file_open(&file, r->filename, APR_FOPEN_READ, APR_OS_DEFAULT, r->pool)
           == APR_SUCCESS) {
        if (apr_file_read_full(file, head, sizeof(head), &have) == APR_SUCCESS
            || have > 0) {
            lang = social_i18n_html_lang(r->pool, head, have);
        }
        apr_file_close(file);
    }
    social_request_set_page_lang(r, lang);
}

/* Rewrites If-None-Match / If-Match so httpd's own conditional checks
 * compare the file's ETag: our variant's tags lose the suffix (when it
 * names the language the page is in for this reader), and plain tags
 * (the file as it is on disk, which we never send) are dropped so they
 * can never match. */
static void conditional_rewrite(request_rec *r, const char *header)
{
    const char *value = apr_table_get(r->headers_in, header);
    const char *ours;
    char *copy, *tok, *last;
    const char *result = NULL;

    if (value == NULL) {
        return;
    }
    ours = etag_suffix(r);
    copy = apr_pstrdup(r->pool, value);
    for (tok = apr_strtok(copy, ",", &last); tok; tok = apr_strtok(NULL, ",", &last)) {
        size_t n;
        const char *at;
        while (apr_isspace(*tok)) {
            tok++;
        }
        n = strlen(tok);
        while (n > 0 && apr_isspace(tok[n - 1])) {
            tok[--n] = '\0';
        }
        if (strcmp(tok, "*") == 0) {
            result = "*";
            break;
        }
        if ((at = etag_suffix_at(tok, n)) != NULL
            && (size_t)(tok + n - 1 - at) == strlen(ours)
            && memcmp(at, ours, strlen(ours)) == 0) {
            char *plain = apr_pstrcat(r->pool, apr_pstrmemdup(r->pool, tok, at - tok),
                                      "\"", NULL);
            result = result ? apr_pstrcat(r->pool, result, ", ", plain, NULL)
                            : plain;
        }
    }
    if (result != NULL) {
        apr_table_setn(r->headers_in, header, result);
    }
    else if (strcmp(header, "If-None-Match") == 0) {
        /* No tag of ours: the client holds something else, so the page
         * must be sent; If-None-Match outranks If-Modified-Since, which
         * must not turn this into a 304. */
        apr_table_unset(r->headers_in, header);
        apr_table_unset(r->headers_in, "If-Modified-Since");
    }
    else {
        /* If-Match with only foreign tags must still fail. */
        apr_table_setn(r->headers_in, header, "\"social-never-matches\"");
    }
}

/* ---- decisions ---- */

static int request_wanted(request_rec *r)
{
    return r->main == NULL
        && social_config_enabled(r)
        && !social_config_is_endpoint(r)
        && apr_table_get(r->subprocess_env, SOCIAL_OPT_OUT_ENV) == NULL;
}

static int response_wanted(request_rec *r, int *xhtml)
{
    if (r->status != HTTP_OK) {
        return 0;
    }
    if (!social_text_is_html_type(r->content_type, xhtml)
        || social_text_charset_is_wide(r->content_type)) {
        return 0;
    }
    if (r->content_encoding != NULL
        || apr_table_get(r->headers_out, "Content-Encoding") != NULL
        || apr_table_get(r->err_headers_out, "Content-Encoding") != NULL
        || apr_table_get(r->headers_out, "Content-Range") != NULL) {
        return 0;
    }
    return 1;
}

/* ---- moving bytes ---- */

static int is_count_slot(const social_filter_ctx *ctx, const apr_bucket *e);

/* Moves held bytes before stream offset limit to out. */
static apr_status_t held_release(social_filter_ctx *ctx, uint64_t limit)
{
    apr_bucket *after;
    apr_off_t length;
    apr_status_t rv;

    if (limit <= ctx->held_at) {
        return APR_SUCCESS;
    }
    if (limit == SOCIAL_SCAN_NO_OFFSET) {
        limit = social_scan_offset(&ctx->scan);
    }
    rv = apr_brigade_partition(ctx->held,
                               (apr_off_t)(limit - ctx->held_at + ctx->held_extra),
                               &after);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    /* A pending count's (empty) place belongs to the marker before it. */
    while (after != APR_BRIGADE_SENTINEL(ctx->held) && is_count_slot(ctx, after)) {
        after = APR_BUCKET_NEXT(after);
    }
    ctx->tmp = apr_brigade_split_ex(ctx->held, after, ctx->tmp);
    apr_brigade_length(ctx->held, 0, &length);
    ctx->out_bytes += (apr_size_t)length;
    APR_BRIGADE_CONCAT(ctx->out, ctx->held);
    APR_BRIGADE_CONCAT(ctx->held, ctx->tmp);
    ctx->held_at = limit;
    ctx->held_extra = 0;
    return APR_SUCCESS;
}

static void append_text(apr_bucket_brigade *bb, const char *s, apr_size_t len)
{
    apr_bucket *e = apr_bucket_immortal_create(s, len, bb->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(bb, e);
}

/* The block, as its pieces (the discussion is not copied into one). */
static void append_block(apr_bucket_brigade *bb, const social_render_parts *block)
{
    append_text(bb, block->head, block->head_len);
    if (block->inner_len > 0) {
        append_text(bb, block->inner, block->inner_len);
    }
    append_text(bb, block->tail, block->tail_len);
}

/* Everything held goes out, the block first if it belongs at the held
 * candidate. */
static apr_status_t block_place(social_filter_ctx *ctx)
{
    apr_status_t rv;

    if (ctx->placed || ctx->passthrough) {
        return held_release(ctx, SOCIAL_SCAN_NO_OFFSET);
    }
    if (ctx->candidate != SOCIAL_SCAN_NO_OFFSET) {
        rv = held_release(ctx, ctx->candidate);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        append_block(ctx->out, &ctx->block);
    }
    ctx->placed = 1;
    rv = held_release(ctx, SOCIAL_SCAN_NO_OFFSET);
    if (rv == APR_SUCCESS && ctx->candidate == SOCIAL_SCAN_NO_OFFSET) {
        append_block(ctx->out, &ctx->block);
    }
    ctx->out_bytes += ctx->block_len;
    ctx->candidate = SOCIAL_SCAN_NO_OFFSET;
    return rv;
}

/* Releases whatever can no longer be an insertion point. */
static apr_status_t held_settle(ap_filter_t *f, social_filter_ctx *ctx)
{
    uint64_t limit;

    if (ctx->placed || ctx->passthrough) {
        return held_release(ctx, SOCIAL_SCAN_NO_OFFSET);
    }
    limit = social_scan_hold_from(&ctx->scan);
    if (ctx->candidate != SOCIAL_SCAN_NO_OFFSET) {
        if (social_scan_offset(&ctx->scan) - ctx->candidate > SOCIAL_HOLD_MAX) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, f->r,
                          "SOCIAL0202: more than %d bytes after </body> (or the "
                          "SocialPlaceBefore element): "
                          "placing the block there", SOCIAL_HOLD_MAX);
            return block_place(ctx);
        }
        if (ctx->candidate < limit) {
            limit = ctx->candidate;
        }
    }
    return held_release(ctx, limit);
}

/* A placeholder goes right after its marker: into held if bytes before
 * it are still held, else straight out. */
static void marker_out(social_filter_ctx *ctx, const char *placeholder, apr_size_t len)
{
    if (APR_BRIGADE_EMPTY(ctx->held)) {
        append_text(ctx->out, placeholder, len);
        ctx->out_bytes += len;
    }
    else {
        append_text(ctx->held, placeholder, len);
        ctx->held_extra += len;
    }
}

static void marker_bad(ap_filter_t *f, social_filter_ctx *ctx,
                       const social_scan_event *ev)
{
    if (!ctx->bad_marker_logged) {
        ctx->bad_marker_logged = 1;
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, f->r,
                      "SOCIAL0201: malformed social marker at byte %"
                      APR_UINT64_T_FMT " of %s left as it is",
                      ev->start, f->r->uri);
    }
}

/* A marker's text as UTF-8: pages in other charsets (declared in the
 * Content-Type, else taken as ISO-8859-1) are converted first. */
static const char *marker_utf8(request_rec *r, const social_scan_event *ev,
                               size_t *len)
{
    const char *charset;
    apr_xlate_t *x = NULL;
    char *out;
    apr_size_t in_left = ev->text_len, out_left;

    *len = ev->text_len;
    if (social_text_utf8_valid(ev->text, ev->text_len)) {
        return ev->text;
    }
    charset = social_text_charset(r->pool, r->content_type);
    if (charset != NULL && strcmp(charset, "utf-8") != 0
        && apr_xlate_open(&x, "UTF-8", charset, r->pool) == APR_SUCCESS) {
        out_left = ev->text_len * 4 + 1;
        out = apr_palloc(r->pool, out_left);
        if (apr_xlate_conv_buffer(x, ev->text, &in_left, out, &out_left) == APR_SUCCESS
            && in_left == 0) {
            *len = ev->text_len * 4 + 1 - out_left;
            out[*len] = '\0';
            apr_xlate_close(x);
            return out;
        }
        apr_xlate_close(x);
    }
    out = social_text_latin1_to_utf8(r->pool, ev->text, ev->text_len);
    *len = strlen(out);
    return out;
}

/* A pending count's place: an empty bucket, filled when the counts are
 * read (all at once, before out is passed on). */
static void count_slot(social_filter_ctx *ctx, int k)
{
    apr_bucket_brigade *bb = APR_BRIGADE_EMPTY(ctx->held) ? ctx->out : ctx->held;
    apr_bucket *slot = apr_bucket_immortal_create("", 0, bb->bucket_alloc);

    APR_BRIGADE_INSERT_TAIL(bb, slot);
    if (ctx->slots == NULL) {
        ctx->slots = apr_array_make(ctx->out->p, 4, sizeof(apr_bucket *));
    }
    while (ctx->slots->nelts <= k) {
        APR_ARRAY_PUSH(ctx->slots, apr_bucket *) = NULL;
    }
    APR_ARRAY_IDX(ctx->slots, k, apr_bucket *) = slot;
}

static int is_count_slot(const social_filter_ctx *ctx, const apr_bucket *e)
{
    int k;
    for (k = 0; ctx->slots != NULL && k < ctx->slots->nelts; k++) {
        if (APR_ARRAY_IDX(ctx->slots, k, apr_bucket *) == e) {
            return 1;
        }
    }
    return 0;
}

/* Reads the pending counts in one statement and puts each placeholder in
 * its slot, wherever the slot is now (out or held). */
static void counts_place(social_filter_ctx *ctx)
{
    int k;

    if (ctx->slots == NULL || ctx->slots->nelts == 0) {
        return;
    }
    social_markers_counts_resolve(ctx->markers);
    for (k = 0; k < ctx->slots->nelts; k++) {
        apr_bucket *slot = APR_ARRAY_IDX(ctx->slots, k, apr_bucket *), *e;
        apr_size_t len = 0;
        const char *text = social_markers_count_placeholder(ctx->markers, k, &len);
        int in_held = 0;

        for (e = APR_BRIGADE_FIRST(ctx->held); e != APR_BRIGADE_SENTINEL(ctx->held);
             e = APR_BUCKET_NEXT(e)) {
            if (e == slot) {
                in_held = 1;
                break;
            }
        }
        if (len > 0) {
            APR_BUCKET_INSERT_BEFORE(slot, apr_bucket_immortal_create(text, len,
                                                                      slot->list));
        }
        if (in_held) {
            ctx->held_extra += len;
        }
        else {
            ctx->out_bytes += len;
        }
        apr_bucket_delete(slot);
    }
    ctx->slots->nelts = 0;
    social_markers_counts_clear(ctx->markers);
}

static void marker_handle(ap_filter_t *f, social_filter_ctx *ctx,
                          const social_scan_event *ev)
{
    size_t text_len = 0;
    const char *text, *placeholder;
    apr_size_t len = 0;
    int pending = -1;

    if (ev->type == SOCIAL_SCAN_MARKER_BAD
        || (text = marker_utf8(f->r, ev, &text_len)) == NULL) {
        marker_bad(f, ctx, ev);
        return;
    }
    switch (social_markers_handle(ctx->markers, text, text_len, &placeholder, &len, &pending)) {
    case SOCIAL_MARKERS_BLOCK_HERE:
        if (!ctx->placed) {
            /* The block goes here; earlier candidates no longer count. */
            ctx->candidate = SOCIAL_SCAN_NO_OFFSET;
            ctx->placed = 1;
            held_release(ctx, SOCIAL_SCAN_NO_OFFSET);
            append_block(ctx->out, &ctx->block);
            ctx->out_bytes += ctx->block_len;
        }
        break;
    case SOCIAL_MARKERS_PLACEHOLDER:
        marker_out(ctx, placeholder, len);
        break;
    case SOCIAL_MARKERS_PENDING:
        count_slot(ctx, pending);
        break;
    case SOCIAL_MARKERS_BAD:
        marker_bad(f, ctx, ev);
        break;
    case SOCIAL_MARKERS_IGNORED:
        break;
    }
}

/* Links to documents given a "Discuss" link on one page, at most (each
 * asks the access question: a subrequest). */
#define SOCIAL_DOCUMENT_LINKS_MAX 100

/* SocialDocumentLinks: a link of the page ended at the current offset;
 * if it names a document of a listed kind that the reader may open, a
 * small "Discuss" link follows it. Only after a real </a> in the page's
 * content (not in a comment, a script or another raw text element). */
static void document_link(ap_filter_t *f, social_filter_ctx *ctx, const char *href,
                          size_t href_len)
{
    request_rec *r = f->r;
    const char *path, *key, *message, *link;
    const social_dir_conf *dc;
    apr_size_t len = 0;

    int status;

    if (!social_scan_in_content(&ctx->scan)
        || ctx->document_links_seen >= SOCIAL_DOCUMENT_LINKS_MAX
        || (path = social_document_link_path(r->pool, ctx->page_key, href, href_len,
                                             ctx->document_links)) == NULL) {
        return;
    }
    /* A file that is there with Social on gets its link, whoever reads
     * (the discuss page asks for the login): the page stays the same for
     * every reader, as a Deferred page's validators promise. */
    status = social_request_page_access(r, path, NULL, &key, &dc, &message);
    if (status == HTTP_UNAUTHORIZED || status == HTTP_FORBIDDEN) {
        const char *error = NULL;
        key = social_text_page_path(r->pool, path, &error);
    }
    else if (status != 0) {
        return;
    }
    if (key == NULL) {
        return;
    }
    ctx->document_links_seen++;
    link = social_render_document_link(r->pool, social_request_lang(r),
                                       social_request_discuss_url(r, key), &len);
    marker_out(ctx, link, len);
}

/* A listing entry's link ended at the current offset: its count and
 * "Discuss" link follow it, as a count marker's placeholder does. */
static void entry_handle(ap_filter_t *f, social_filter_ctx *ctx)
{
    size_t href_len = 0;
    const char *href = social_listing_href(ctx->listing, &href_len);
    const char *path = ctx->document_links != NULL ? NULL
        : social_listing_entry(f->r->pool, ctx->page_key, href, href_len);
    const char *placeholder = NULL;
    apr_size_t len = 0;
    int pending = -1;

    ctx->entry_pending = 0;
    if (ctx->document_links != NULL) {
        document_link(f, ctx, href, href_len);
        return;
    }
    if (path == NULL) {
        return;
    }
    switch (social_markers_entry(ctx->markers, path, &placeholder, &len, &pending)) {
    case SOCIAL_MARKERS_PENDING:
        count_slot(ctx, pending);
        break;
    case SOCIAL_MARKERS_PLACEHOLDER:
        marker_out(ctx, placeholder, len);
        break;
    default:
        break;
    }
}

/* How many of the len bytes at the scanner's offset the page scanner may
 * take before a listing entry's end must be handled (all if none). */
static apr_size_t entry_room(social_filter_ctx *ctx, const char *data, apr_size_t len)
{
    uint64_t at = social_scan_offset(&ctx->scan);

    if (!ctx->entry_pending && social_listing_offset(ctx->listing) == at) {
        int found = 0;
        apr_size_t m = social_listing_feed(ctx->listing, data, len, &found);
        if (found) {
            ctx->entry_pending = 1;
            ctx->entry_at = at + m;
        }
    }
    return ctx->entry_pending ? (apr_size_t)(ctx->entry_at - at) : len;
}

/* Scans one data bucket, moving it (split at events) into held. */
static apr_status_t bucket_scan(ap_filter_t *f, social_filter_ctx *ctx,
                                apr_bucket *e, const char *data, apr_size_t len)
{
    apr_size_t pos = 0;

    if (len == 0) {
        apr_bucket_delete(e);   /* an empty file, or an empty piece */
        return APR_SUCCESS;
    }
    if (!ctx->seen_data) {
        ctx->seen_data = 1;
        if (social_text_has_wide_bom((const unsigned char *)data, len)) {
            ctx->passthrough = 1;
        }
    }
    if (ctx->passthrough) {
        APR_BUCKET_REMOVE(e);
        APR_BRIGADE_INSERT_TAIL(ctx->out, e);
        ctx->out_bytes += len;
        return APR_SUCCESS;
    }
    while (pos < len) {
        social_scan_event ev;
        apr_size_t room = ctx->listing ? entry_room(ctx, data + pos, len - pos) : len - pos;
        apr_size_t n = social_scan_feed(&ctx->scan, data + pos, room, &ev);

        if (pos + n < len) {
            apr_bucket_split(e, n);
        }
        {
            apr_bucket *piece = e;
            e = APR_BUCKET_NEXT(piece);
            APR_BUCKET_REMOVE(piece);
            APR_BRIGADE_INSERT_TAIL(ctx->held, piece);
        }
        pos += n;

        /* Past the hold limit, the block goes at the held candidate,
         * whatever the size of the pieces the page arrives in. */
        if ((ev.type == SOCIAL_SCAN_BODY_END || ev.type == SOCIAL_SCAN_HTML_END)
            && ctx->candidate != SOCIAL_SCAN_NO_OFFSET && !ctx->placed
            && ev.start - ctx->candidate > SOCIAL_HOLD_MAX) {
            block_place(ctx);
        }
        switch (ev.type) {
        case SOCIAL_SCAN_BODY_END:
            if (!ctx->placed && ctx->candidate_kind != SOCIAL_SCAN_PLACE) {
                ctx->candidate = ev.start;
                ctx->candidate_kind = SOCIAL_SCAN_BODY_END;
            }
            break;
        case SOCIAL_SCAN_HTML_END:
            if (!ctx->placed
                && (ctx->candidate == SOCIAL_SCAN_NO_OFFSET
                    || ctx->candidate_kind == SOCIAL_SCAN_HTML_END)) {
                ctx->candidate = ev.start;
                ctx->candidate_kind = SOCIAL_SCAN_HTML_END;
            }
            break;
        case SOCIAL_SCAN_PLACE:
            /* SocialPlaceBefore: the first match outranks any end tag
             * (the scanner reports only the first). */
            if (!ctx->placed) {
                ctx->candidate = ev.start;
                ctx->candidate_kind = SOCIAL_SCAN_PLACE;
            }
            break;
        case SOCIAL_SCAN_MARKER:
        case SOCIAL_SCAN_MARKER_BAD:
            marker_handle(f, ctx, &ev);
            break;
        case SOCIAL_SCAN_OPT_OUT:
            if (!ctx->placed) {
                ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, f->r,
                              "SOCIAL0203: %s opts out with <meta name=\"mod_social\">",
                              f->r->uri);
                ctx->passthrough = 1;
                ctx->candidate = SOCIAL_SCAN_NO_OFFSET;
            }
            break;
        case SOCIAL_SCAN_NONE:
            break;
        }
        if (ctx->entry_pending && !ctx->passthrough
            && social_scan_offset(&ctx->scan) == ctx->entry_at) {
            entry_handle(f, ctx);
        }
        if (ctx->placed || ctx->passthrough) {
            /* Nothing is held any more: the rest goes straight out. */
            held_release(ctx, SOCIAL_SCAN_NO_OFFSET);
            if (ctx->passthrough && pos < len) {
                APR_BUCKET_REMOVE(e);
                APR_BRIGADE_INSERT_TAIL(ctx->out, e);
                ctx->out_bytes += len - pos;
                return APR_SUCCESS;
            }
        }
    }
    return held_settle(f, ctx);
}

/* At the end of a page on which SocialPlaceBefore found nothing: says
 * so at debug level (a template changed, or the selector is wrong). */
static void place_missed_log(ap_filter_t *f, const social_filter_ctx *ctx)
{
    if (!ctx->placed && !ctx->passthrough
        && ctx->candidate_kind != SOCIAL_SCAN_PLACE
        && social_config_place_before(social_config_dir(f->r)) != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, f->r,
                      "SOCIAL0208: no element on %s matches SocialPlaceBefore: "
                      "the block goes before the last </body>", f->r->uri);
    }
}

static apr_status_t out_pass(ap_filter_t *f, social_filter_ctx *ctx)
{
    apr_status_t rv;

    counts_place(ctx);
    rv = ap_pass_brigade(f->next, ctx->out);
    apr_brigade_cleanup(ctx->out);
    ctx->out_bytes = 0;
    return rv;
}

/* Sets aside what stays held across calls (transient buckets from an
 * earlier filter point into memory that will be reused). */
static apr_status_t held_setaside(request_rec *r, social_filter_ctx *ctx)
{
    apr_bucket *e;
    for (e = APR_BRIGADE_FIRST(ctx->held); e != APR_BRIGADE_SENTINEL(ctx->held);
         e = APR_BUCKET_NEXT(e)) {
        apr_status_t rv = apr_bucket_setaside(e, r->pool);
        if (rv != APR_SUCCESS && rv != APR_ENOTIMPL) {
            return rv;
        }
    }
    return APR_SUCCESS;
}

/* The discussion rendered for this viewer, or NULL (then the widget
 * fetches it: the page is never held up by a failed render). */
static const char *inline_discussion(request_rec *r, const char *key, apr_size_t *len)
{
    const social_dir_conf *dc = social_config_dir(r);
    social_identity who;
    const char *error = NULL;
    const char *html;

    social_identity_get(r, dc, &who);
    /* After a plain form, the page says what was done (a fixed text). */
    html = social_thread_html(r, dc, &who, key, SOCIAL_THREAD_RENDER_ROOTS,
                              social_request_notice(r), len, &error);
    if (html == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL0206: rendering the discussion of %s failed (%s); "
                      "the widget will load it instead", key, error);
    }
    return html;
}

/* The page's own <html lang>, from the head of the first brigade (the
 * tag is near the top of every page; one past this is not looked for),
 * or NULL. Reading morphs a file bucket into memory as passing it would. */
static const char *page_lang(request_rec *r, apr_bucket_brigade *bb)
{
    char head[SOCIAL_HTML_LANG_SNIFF];
    apr_size_t have = 0;
    apr_bucket *e;

    for (e = APR_BRIGADE_FIRST(bb); e != APR_BRIGADE_SENTINEL(bb) && have < sizeof(head);
         e = APR_BUCKET_NEXT(e)) {
        const char *data;
        apr_size_t n;

        if (APR_BUCKET_IS_METADATA(e)) {
            if (APR_BUCKET_IS_EOS(e) || APR_BUCKET_IS_FLUSH(e)) {
                break;
            }
            continue;
        }
#if APR_HAS_MMAP
        /* Read into the heap, as the filter reads it (not mapped whole):
         * the page then goes on in the same pieces. */
        if (APR_BUCKET_IS_FILE(e)) {
            apr_bucket_file_enable_mmap(e, 0);
        }
#endif
        if (apr_bucket_read(e, &data, &n, APR_NONBLOCK_READ) != APR_SUCCESS) {
            break;
        }
        if (n > sizeof(head) - have) {
            n = sizeof(head) - have;
        }
        memcpy(head + have, data, n);
        have += n;
    }
    return social_i18n_html_lang(r->pool, head, have);
}

static social_filter_ctx *ctx_create(ap_filter_t *f, apr_bucket_brigade *bb, int xhtml)
{
    request_rec *r = f->r;
    social_filter_ctx *ctx;
    social_render_page page;
    const char *key = social_request_served_key(r);

    if (key == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "SOCIAL0204: no page key for %s: page passed untouched", r->uri);
        return NULL;
    }
    /* Zeroed up to the scanner, whose kilobytes of buffers need not be. */
    ctx = apr_palloc(r->pool, sizeof(*ctx));
    memset(ctx, 0, offsetof(social_filter_ctx, scan));
    social_scan_init(&ctx->scan);
    social_scan_xml(&ctx->scan, xhtml);
    ctx->out = apr_brigade_create(r->pool, f->c->bucket_alloc);
    ctx->held = apr_brigade_create(r->pool, f->c->bucket_alloc);
    ctx->tmp = apr_brigade_create(r->pool, f->c->bucket_alloc);
    ctx->candidate = SOCIAL_SCAN_NO_OFFSET;
    social_scan_place(&ctx->scan, social_config_place_before(social_config_dir(r)));
    ctx->inline_mode = social_config_render(social_config_dir(r)) == SOCIAL_RENDER_INLINE;
    memset(&page, 0, sizeof(page));
    /* The block's language: the page's own lang counts (SocialLanguage
     * first); Vary only when the reader's Accept-Language decided, and
     * the page's own Content-Language stays. */
    social_request_set_page_lang(r, page_lang(r, bb));
    page.lang = social_request_lang(r);
    if (social_request_lang_negotiated(r)) {
        apr_table_mergen(r->headers_out, "Vary", "Accept-Language");
    }
    page.endpoint = social_config_srv(r->server)->endpoint;
    page.version = SOCIAL_VERSION;
    page.live = social_config_live_interval(social_config_dir(r));
    page.theme = social_config_theme(social_config_dir(r));
    page.tz = social_tz_name(social_config_time_zone(social_config_dir(r)));
    page.page_key = key;
    ctx->page_key = key;
    page.inner = ctx->inline_mode ? inline_discussion(r, key, &page.inner_len) : NULL;
    ctx->markers = social_markers_make(r, key, ctx->inline_mode);
    /* A listing mod_autoindex makes of a folder: each entry gets its
     * count and a "Discuss" link. */
    if (r->handler != NULL && strcmp(r->handler, DIR_MAGIC_TYPE) == 0
        && r->finfo.filetype == APR_DIR && key[strlen(key) - 1] == '/') {
        ctx->listing = apr_palloc(r->pool, sizeof(*ctx->listing));
        social_listing_init(ctx->listing);
    }
    else if ((ctx->document_links = social_config_document_links(social_config_dir(r)))
             != NULL) {
        ctx->listing = apr_palloc(r->pool, sizeof(*ctx->listing));
        social_listing_init(ctx->listing);
    }
    social_render_block_parts(r->pool, &page, &ctx->block);
    ctx->block_len = ctx->block.head_len + ctx->block.inner_len + ctx->block.tail_len;
    return ctx;
}

/* Response headers of a page we change. Deferred: the page depends only
 * on the file, so its validators stay (the ETag marked as ours). Inline:
 * it depends on the discussion and the viewer, so it is not cached. */
static void headers_adjust(request_rec *r, social_filter_ctx *ctx)
{
    apr_table_unset(r->headers_out, "Content-Length");
    apr_table_unset(r->headers_out, "Content-MD5");
    apr_table_unset(r->err_headers_out, "Content-MD5");
    apr_table_unset(r->headers_in, "Range");   /* no ranges of a changed page */
    if (ctx->inline_mode) {
        apr_table_unset(r->headers_out, "ETag");
        apr_table_unset(r->headers_out, "Last-Modified");
        apr_table_setn(r->headers_out, "Cache-Control", "private, no-cache");
    }
    else {
        etag_mark(r);
    }
}

static apr_status_t social_output_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    social_filter_ctx *ctx = f->ctx;
    apr_status_t rv = APR_SUCCESS;

    if (ctx == NULL) {
        int xhtml = 0;

        if ((r->status == HTTP_NOT_MODIFIED || r->status == HTTP_PRECONDITION_FAILED)
            && request_wanted(r)
            && social_text_is_html_type(r->content_type, NULL)
            && social_config_render(social_config_dir(r)) == SOCIAL_RENDER_DEFERRED) {
            etag_mark(r);   /* the 304 names the variant the client holds */
            if (social_request_lang_negotiated(r)) {
                apr_table_mergen(r->headers_out, "Vary", "Accept-Language");
            }
        }
        if (!request_wanted(r) || !response_wanted(r, &xhtml)
            || (ctx = ctx_create(f, bb, xhtml)) == NULL) {
            ap_remove_output_filter(f);
            return ap_pass_brigade(f->next, bb);
        }
        f->ctx = ctx;
        headers_adjust(r, ctx);
    }

    while (!APR_BRIGADE_EMPTY(bb)) {
        apr_bucket *e = APR_BRIGADE_FIRST(bb);

        if (APR_BUCKET_IS_EOS(e)) {
            place_missed_log(f, ctx);
            rv = block_place(ctx);
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(ctx->out, e);
            if (rv == APR_SUCCESS) {
                rv = out_pass(f, ctx);
            }
            ap_remove_output_filter(f);
            apr_brigade_cleanup(bb);
            return rv;
        }
        if (APR_BUCKET_IS_FLUSH(e)) {
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(ctx->out, e);
            rv = out_pass(f, ctx);
        }
        else if (APR_BUCKET_IS_METADATA(e)) {
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(APR_BRIGADE_EMPTY(ctx->held) ? ctx->out
                                                                 : ctx->held, e);
        }
        else {
            const char *data;
            apr_size_t len;

#if APR_HAS_MMAP
            /* A file is read into the heap, not mapped: mapping a page
             * for the few microseconds the scan takes, then unmapping it,
             * costs every CPU a TLB flush, more than the read itself. */
            if (APR_BUCKET_IS_FILE(e)) {
                apr_bucket_file_enable_mmap(e, 0);
            }
#endif
            /* A slow producer (CGI, proxy): pass on what is ready before
             * waiting for more. */
            rv = apr_bucket_read(e, &data, &len, APR_NONBLOCK_READ);
            if (APR_STATUS_IS_EAGAIN(rv)) {
                APR_BRIGADE_INSERT_TAIL(ctx->out, apr_bucket_flush_create(f->c->bucket_alloc));
                rv = out_pass(f, ctx);
                if (rv == APR_SUCCESS) {
                    rv = apr_bucket_read(e, &data, &len, APR_BLOCK_READ);
                }
            }
            if (rv == APR_SUCCESS) {
                rv = bucket_scan(f, ctx, e, data, len);
            }
            if (rv == APR_SUCCESS && ctx->out_bytes >= SOCIAL_PASS_BYTES) {
                rv = out_pass(f, ctx);
            }
        }
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                          "SOCIAL0205: reading or passing the page %s failed",
                          r->uri);
            apr_brigade_cleanup(bb);
            return rv;
        }
    }
    rv = held_setaside(r, ctx);
    if (rv == APR_SUCCESS && !APR_BRIGADE_EMPTY(ctx->out)) {
        rv = out_pass(f, ctx);
    }
    return rv;
}

static void social_insert_filter(request_rec *r)
{
    if (request_wanted(r)) {
        ap_add_output_filter(SOCIAL_FILTER_NAME, NULL, r, r->connection);
    }
}

/* A 304 from httpd's own checks goes out through the error path with a
 * fresh filter chain: the filter is added again there to mark its ETag. */
static void social_insert_error_filter(request_rec *r)
{
    if ((r->status == HTTP_NOT_MODIFIED || r->status == HTTP_PRECONDITION_FAILED)
        && request_wanted(r)) {
        ap_add_output_filter(SOCIAL_FILTER_NAME, NULL, r, r->connection);
    }
}

static int social_fixups(request_rec *r)
{
    /* Only for pages whose type is known now (static files): their
     * response is the filtered one. */
    if (request_wanted(r) && social_text_is_html_type(r->content_type, NULL)) {
        if (social_config_render(social_config_dir(r)) == SOCIAL_RENDER_INLINE) {
            /* The discussion changes without the file: always answer 200. */
            apr_table_unset(r->headers_in, "If-None-Match");
            apr_table_unset(r->headers_in, "If-Modified-Since");
        }
        else if (apr_table_get(r->headers_in, "If-None-Match") != NULL
                 || apr_table_get(r->headers_in, "If-Match") != NULL
                 || apr_table_get(r->headers_in, "If-Modified-Since") != NULL) {
            /* A date alone is the copy a cache keeps under this
             * Accept-Language (Vary); a tag names its language. */
            conditional_lang(r);
            conditional_rewrite(r, "If-None-Match");
            conditional_rewrite(r, "If-Match");
        }
        apr_table_unset(r->headers_in, "If-Range");
    }
    return DECLINED;
}

void social_filter_register_hooks(apr_pool_t *p)
{
    /* After SSI and other resource filters, before DEFLATE. */
    ap_register_output_filter(SOCIAL_FILTER_NAME, social_output_filter, NULL,
                              (ap_filter_type)(AP_FTYPE_CONTENT_SET - 5));
    ap_hook_insert_filter(social_insert_filter, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(social_insert_error_filter, NULL, NULL,
                                APR_HOOK_MIDDLE);
    ap_hook_fixups(social_fixups, NULL, NULL, APR_HOOK_MIDDLE);
}
