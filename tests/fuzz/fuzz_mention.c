/* fuzz_mention.c: libFuzzer target for @mentions (mention.c).
 *
 * Every input is read as comment text: the names it mentions must be
 * 1 to 255 name characters, each once, at most SOCIAL_MENTION_MAX; and
 * the text, formatted by text.c and given mention links, must give back
 * the formatted text exactly once the links are taken out again. The
 * APR pool is cleared after every input.
 *
 * Build (from the top of the tree): scripts/fuzz --build DIR, or
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *         -fno-sanitize-recover=all -I mod_social \
 *         $(apr-1-config --includes --cppflags) \
 *         tests/fuzz/fuzz_mention.c mod_social/core/mention.c mod_social/core/text.c mod_social/core/tz.c \
 *         $(apr-1-config --link-ld) -o fuzz_mention
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "mention.h"
#include "text.h"

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            __builtin_trap();                                              \
        }                                                                  \
    } while (0)

#define BASE "/_social/activity"
#define OPEN "<a class=\"social-mention\" href=\"" BASE "?user="

static apr_pool_t *pool;

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == '-';
}

/* linked with every mention link replaced by its text "@name". */
static char *unlink_mentions(const char *linked)
{
    size_t n = strlen(linked);
    char *out = apr_palloc(pool, n + 1), *o = out;
    const char *s = linked;

    while (*s) {
        if (strncmp(s, OPEN, sizeof(OPEN) - 1) == 0) {
            const char *name = s + sizeof(OPEN) - 1;
            const char *end = strchr(name, '"');
            size_t len;
            CHECK(end != NULL);
            len = (size_t)(end - name);
            CHECK(strncmp(end, "\">@", 3) == 0);
            CHECK(strncmp(end + 3, name, len) == 0);
            CHECK(strncmp(end + 3 + len, "</a>", 4) == 0);
            *o++ = '@';
            memcpy(o, name, len);
            o += len;
            s = end + 3 + len + 4;
            continue;
        }
        *o++ = *s++;
    }
    *o = '\0';
    return out;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    apr_initialize();
    apr_pool_create(&pool, NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = apr_pstrmemdup(pool, (const char *)data, size);
    apr_array_header_t *names = social_mention_names(pool, text);
    int k, j;

    CHECK(names->nelts <= SOCIAL_MENTION_MAX);
    for (k = 0; k < names->nelts; k++) {
        const char *name = APR_ARRAY_IDX(names, k, const char *), *c;
        CHECK(strlen(name) >= 1 && strlen(name) <= 255);
        for (c = name; *c; c++) {
            CHECK(name_char(*c));
        }
        for (j = 0; j < k; j++) {
            CHECK(strcmp(name, APR_ARRAY_IDX(names, j, const char *)) != 0);
        }
    }
    if (social_text_utf8_valid(text, strlen(text))) {
        char *html = social_text_format_comment(pool, text, strlen(text));
        char *linked = social_mention_link_html(pool, html, BASE);
        CHECK(strcmp(unlink_mentions(linked), html) == 0);
    }
    apr_pool_clear(pool);
    return 0;
}
