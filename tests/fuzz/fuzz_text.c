/* fuzz_text.c: libFuzzer target for the text helpers (text.c).
 *
 * Every input goes through social_text_page_key (as a NUL-terminated
 * path), social_text_html_escape, social_text_utf8_valid, social_text_utf8_repair
 * and the comment helpers (as bytes), and the media-type checks. Each result is checked against what text.h
 * promises; the APR pool is cleared after every input.
 *
 * Build (from the top of the tree):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *         -fno-sanitize-recover=all -I mod_social \
 *         $(apr-1-config --includes --cppflags) \
 *         tests/fuzz/fuzz_text.c mod_social/core/text.c mod_social/core/tz.c \
 *         $(apr-1-config --link-ld) -o fuzz_text
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "text.h"

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            __builtin_trap();                                              \
        }                                                                  \
    } while (0)

static apr_pool_t *pool;

/* Strict UTF-8 decoding as the reference: the length of the well-formed
 * sequence at s[0..len) (code point in *cp), or 0. */
static size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
    size_t need, i;
    uint32_t c;

    if (len == 0) {
        return 0;
    }
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        need = 2;
        c = s[0] & 0x1F;
    }
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        need = 3;
        c = s[0] & 0x0F;
    }
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        need = 4;
        c = s[0] & 0x07;
    }
    else {
        return 0;
    }
    if (len < need) {
        return 0;
    }
    for (i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((need == 3 && c < 0x800) || (need == 4 && c < 0x10000)
        || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        return 0;
    }
    *cp = c;
    return need;
}

static int xml_char(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
           || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

static size_t put_utf8(uint32_t c, uint8_t *out)
{
    if (c < 0x80) {
        out[0] = (uint8_t)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (uint8_t)(0xC0 | (c >> 6));
        out[1] = (uint8_t)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (c >> 12));
        out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (c >> 18));
    out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (c & 0x3F));
    return 4;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;   /* lower-case hex is not canonical in a page key */
}

static int key_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9')
           || (c != 0 && strchr("/._~!$&'()*+,;=:@-", c) != NULL);
}

/* A canonical page key: "/", segments of allowed bytes or %XX escapes of
 * other bytes, no empty, "." or ".." segments, no index file at the end. */
static void check_page_key(const char *key)
{
    size_t len = strlen(key);
    size_t i, seg = 1;

    CHECK(len >= 1 && len <= SOCIAL_PAGE_KEY_MAX);
    CHECK(key[0] == '/');
    for (i = 1; i <= len; i++) {
        unsigned char c = (unsigned char)key[i];

        if (c == '/' || c == '\0') {
            size_t n = i - seg;

            CHECK(c == '\0' || n > 0);   /* no "//" */
            CHECK(!(n == 1 && key[seg] == '.'));
            CHECK(!(n == 2 && key[seg] == '.' && key[seg + 1] == '.'));
            if (c == '\0') {
                CHECK(!(n == 10 && memcmp(key + seg, "index.html", 10) == 0));
                CHECK(!(n == 9 && memcmp(key + seg, "index.htm", 9) == 0));
            }
            seg = i + 1;
            continue;
        }
        if (c == '%') {
            int hi = hex_value(key[i + 1]);
            int lo = hi < 0 ? -1 : hex_value(key[i + 2]);
            unsigned char b;

            CHECK(hi >= 0 && lo >= 0);
            b = (unsigned char)(hi * 16 + lo);
            CHECK(b != 0 && b != '/');
            CHECK(!key_char(b));   /* allowed bytes are never escaped */
            i += 2;
            continue;
        }
        CHECK(key_char(c));
    }
}

/* Escaped output: ASCII, no raw markup or quotes, no raw control bytes
 * but tab, LF, CR; every '&' opens a known entity or a reference to an
 * XML character. Decodes into out (strlen(s) + 1 bytes) and returns its
 * length. */
static size_t check_escaped(const char *s, uint8_t *out)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
        { "&quot;", '"' }, { "&apos;", '\'' },
    };
    size_t i = 0, n = 0, k;

    while (s[i] != '\0') {
        unsigned char c = (unsigned char)s[i];
        int found = 0;

        CHECK(c < 0x80);
        CHECK(c != '<' && c != '>' && c != '"' && c != '\'');
        CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
        if (c != '&') {
            out[n++] = c;
            i++;
            continue;
        }
        for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
            size_t l = strlen(named[k].name);
            if (strncmp(s + i, named[k].name, l) == 0) {
                out[n++] = (uint8_t)named[k].c;
                i += l;
                found = 1;
                break;
            }
        }
        if (!found) {
            uint32_t cp = 0;
            size_t j = i + 2;
            int hex, digits = 0;

            CHECK(s[i + 1] == '#');
            hex = s[j] == 'x' || s[j] == 'X';
            if (hex) {
                j++;
            }
            for (;; j++, digits++) {
                char d = s[j];
                uint32_t v;

                if (d >= '0' && d <= '9') {
                    v = (uint32_t)(d - '0');
                }
                else if (hex && d >= 'a' && d <= 'f') {
                    v = (uint32_t)(d - 'a' + 10);
                }
                else if (hex && d >= 'A' && d <= 'F') {
                    v = (uint32_t)(d - 'A' + 10);
                }
                else {
                    break;
                }
                CHECK(digits < 8);
                cp = cp * (hex ? 16 : 10) + v;
            }
            CHECK(digits > 0 && s[j] == ';');
            CHECK(xml_char(cp));
            n += put_utf8(cp, out + n);
            i = j + 1;
        }
    }
    return n;
}

static void check_ascii(const char *s)
{
    CHECK(s != NULL);
    for (; *s != '\0'; s++) {
        CHECK((unsigned char)*s < 0x80);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialised;
    char *path;
    const char *key, *error, *reason;
    char *escaped;
    uint8_t *decoded;
    size_t pos, n, chars;
    int valid = 1, round_trips = 1, xhtml, rooted;
    uint32_t cp;

    if (!initialised) {
        CHECK(apr_initialize() == APR_SUCCESS);
        CHECK(apr_pool_create(&pool, NULL) == APR_SUCCESS);
        initialised = 1;
    }

    /* UTF-8 validation against the reference decoder */
    for (pos = 0; pos < size; pos += n) {
        n = utf8_decode(data + pos, size - pos, &cp);
        if (n == 0) {
            valid = 0;
            round_trips = 0;
            break;
        }
        if (!xml_char(cp) || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            round_trips = 0;
        }
    }
    CHECK((social_text_utf8_valid((const char *)data, size) != 0) == valid);

    /* Repair: always valid UTF-8, the input itself when it was valid */
    {
        const char *fixed = social_text_utf8_repair(pool, (const char *)data, size);
        CHECK(social_text_utf8_valid(fixed, strlen(fixed)));
        if (valid && memchr(data, 0, size) == NULL) {
            CHECK(strlen(fixed) == size && memcmp(fixed, data, size) == 0);
        }
    }

    /* HTML escaping: safe ASCII, and lossless for plain valid text */
    escaped = social_text_html_escape(pool, (const char *)data, size);
    CHECK(escaped != NULL);
    decoded = malloc(strlen(escaped) + 1);
    CHECK(decoded != NULL);
    n = check_escaped(escaped, decoded);
    if (round_trips) {
        CHECK(n == size && memcmp(decoded, data, size) == 0);
    }
    free(decoded);

    /* the other outputs meant for pages are pure ASCII too */
    check_ascii(social_text_ascii_refs(pool, (const char *)data, size));
    check_ascii(social_text_format_comment(pool, (const char *)data, size));
    reason = social_text_comment_check((const char *)data, size,
                                       SOCIAL_COMMENT_MAX_DEFAULT, &chars);
    CHECK(reason == NULL || reason[0] != '\0');
    if (reason == NULL) {
        CHECK(valid && chars >= 1 && chars <= SOCIAL_COMMENT_MAX_DEFAULT);
    }

    /* page key of the input as a C string (up to its first NUL), as it
     * is and behind a '/' so that most inputs reach the normalisation */
    path = malloc(size + 2);
    CHECK(path != NULL);
    path[0] = '/';
    memcpy(path + 1, data, size);
    path[size + 1] = '\0';
    for (rooted = 0; rooted < 2; rooted++) {
        error = NULL;
        key = social_text_page_key(pool, path + 1 - rooted, &error);
        if (key == NULL) {
            CHECK(error != NULL && error[0] != '\0');
        }
        else {
            const char *again;

            check_page_key(key);
            error = NULL;
            again = social_text_page_key(pool, key, &error);
            CHECK(again != NULL && strcmp(again, key) == 0);
        }
    }

    /* media types: no crash, and xhtml only for an HTML type */
    xhtml = 0;
    if (!social_text_is_html_type(path + 1, &xhtml)) {
        CHECK(xhtml == 0);
    }
    (void)social_text_charset_is_wide(path + 1);
    (void)social_text_has_wide_bom(data, size < 4 ? size : 4);
    free(path);

    apr_pool_clear(pool);
    return 0;
}
