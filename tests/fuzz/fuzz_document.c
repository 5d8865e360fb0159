/* fuzz_document.c: libFuzzer target for core/listing.c and
 * core/document.c.
 *
 * Every input is fed to the listing scanner whole and again one byte at
 * a time: both must report the same links at the same offsets with the
 * same hrefs, and every entry path must be the folder plus one name (no
 * query, fragment, scheme or further '/'). The input is also read as a
 * typed position for each kind of document (an accepted one is in range
 * and of the kind the document takes) and as a link from a page
 * (SocialDocumentLinks: the path is local, without query or fragment),
 * and as a PDF whose title is looked for, whole and as a head and a tail
 * (a title found is no longer than the bytes it came from, and has a
 * charset). The APR pool is cleared after every input.
 *
 * Build (from the top of the tree): scripts/fuzz --build DIR.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "document.h"
#include "listing.h"

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            __builtin_trap();                                              \
        }                                                                  \
    } while (0)

static apr_pool_t *pool;
static social_listing whole, bytes;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    apr_initialize();
    apr_pool_create(&pool, NULL);
    return 0;
}

/* The links found feeding data in pieces of step bytes, as text. */
static const char *links(social_listing *l, const char *data, size_t size, size_t step)
{
    const char *out = "";
    size_t pos = 0;

    social_listing_init(l);
    while (pos < size) {
        size_t piece = size - pos < step ? size - pos : step, done = 0;
        while (done < piece) {
            int found = 0;
            size_t n = social_listing_feed(l, data + pos + done, piece - done, &found);
            CHECK(n <= piece - done);
            CHECK(found || n == piece - done);
            done += n;
            if (found) {
                size_t len;
                const char *href = social_listing_href(l, &len);
                const char *path = social_listing_entry(pool, "/f/", href, len);
                CHECK(strlen(href) == len);
                if (path != NULL) {
                    const char *name = path + 3;
                    CHECK(strncmp(path, "/f/", 3) == 0 && *name != '\0');
                    CHECK(strpbrk(name, "?#:&") == NULL);
                    CHECK(strchr(name, '/') == NULL || strchr(name, '/') == name + strlen(name) - 1);
                }
                out = apr_psprintf(pool, "%s%lu:%s\n", out,
                                   (unsigned long)social_listing_offset(l), href);
            }
        }
        pos += piece;
    }
    CHECK(social_listing_offset(l) == size);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = apr_pstrmemdup(pool, (const char *)data, size);
    apr_array_header_t *ext = apr_array_make(pool, 2, sizeof(const char *));
    const char *path;
    int kind;

    CHECK(strcmp(links(&whole, (const char *)data, size, size ? size : 1),
                 links(&bytes, (const char *)data, size, 1)) == 0);
    for (kind = SOCIAL_DOCUMENT_HTML; kind <= SOCIAL_DOCUMENT_OTHER; kind++) {
        social_position pos;
        if (social_position_parse_text(text, (social_document_kind)kind, &pos) == NULL
            && pos.kind != SOCIAL_POSITION_NONE) {
            CHECK(pos.kind == social_document_position_kind((social_document_kind)kind));
            CHECK(pos.value >= 0 && pos.value <= SOCIAL_POSITION_TIME_MAX);
            CHECK(pos.kind != SOCIAL_POSITION_PAGE || pos.value >= 1);
            CHECK(social_position_fragment(pool, &pos) != NULL);
        }
    }
    APR_ARRAY_PUSH(ext, const char *) = "pdf";
    path = social_document_link_path(pool, "/a/page.html", text, strlen(text), ext);
    if (path != NULL) {
        CHECK(path[0] == '/' && path[1] != '/');
        CHECK(strpbrk(path, "?#\"'<>& ") == NULL);
    }
    (void)social_document_kind_of(text);
    {
        size_t len = 0, half = size / 2;
        const char *charset = NULL;
        const char *title = social_document_pdf_title(pool, (const char *)data, size,
                                                      (const char *)data, size, &len, &charset);
        if (title != NULL) {
            CHECK(charset != NULL && len <= size * 2);
        }
        title = social_document_pdf_title(pool, (const char *)data, half,
                                          (const char *)data + half, size - half, &len, &charset);
        if (title != NULL) {
            CHECK(charset != NULL && len <= size * 2);
        }
    }
    apr_pool_clear(pool);
    return 0;
}
