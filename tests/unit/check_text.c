/* check_text.c: unit tests for the text helpers (text.h): UTF-8
 * validation, page-key normalisation, HTML escaping and media-type
 * checks. Every test runs with a fresh APR pool.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "text.h"

static apr_pool_t *pool;

static void pool_setup(void)
{
    ck_assert_int_eq(apr_initialize(), APR_SUCCESS);
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

/* Inputs are copied so that their last byte sits right before a page
 * that cannot be read: a function that reads past the end of its input
 * crashes the test instead of reading whatever follows. One such copy
 * is alive at a time. */
static char *guard_map;
static size_t guard_map_len;

static void guard_release(void)
{
    if (guard_map != NULL) {
        munmap(guard_map, guard_map_len);
        guard_map = NULL;
    }
}

static const char *guarded(const void *s, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t data_len = (len + page - 1) / page * page;
    char *at;

    if (data_len == 0) {
        data_len = page;
    }
    guard_release();
    guard_map_len = data_len + page;
    guard_map = mmap(NULL, guard_map_len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(guard_map != MAP_FAILED);
    ck_assert_int_eq(mprotect(guard_map + data_len, page, PROT_NONE), 0);
    at = guard_map + data_len - len;
    memcpy(at, s, len);
    return at;
}

/* A NUL-terminated copy whose NUL is the last readable byte. */
static const char *guarded_string(const char *s)
{
    return guarded(s, strlen(s) + 1);
}

static void pool_teardown(void)
{
    guard_release();
    apr_pool_destroy(pool);
    pool = NULL;
    apr_terminate();
}

/* A fixed pseudo-random sequence, so failures repeat. */
static uint32_t test_random_state;

static uint32_t test_random(void)
{
    test_random_state = test_random_state * 1103515245u + 12345u;
    return (test_random_state >> 16) & 0x7fff;
}

/* A strict UTF-8 decoder used as the reference: returns the length of
 * the well-formed sequence at s[0..len) and its code point, or 0. */
static size_t reference_utf8_decode(const unsigned char *s, size_t len,
                                    uint32_t *cp)
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

static int reference_utf8_valid(const unsigned char *s, size_t len)
{
    size_t pos = 0;
    uint32_t cp;

    while (pos < len) {
        size_t n = reference_utf8_decode(s + pos, len - pos, &cp);
        if (n == 0) {
            return 0;
        }
        pos += n;
    }
    return 1;
}

static int xml_char(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
           || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

static size_t put_utf8(uint32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Checks that out is escaped output as text.h promises (pure ASCII, no
 * raw markup or quote characters, every '&' opening a known entity or a
 * character reference to an XML character, no raw control characters but
 * tab, LF and CR) and decodes it into decoded (at least strlen(out) + 1
 * bytes). Fails the test with a message otherwise. */
static size_t check_escaped_and_decode(const char *out, char *decoded)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
        { "&quot;", '"' }, { "&apos;", '\'' },
    };
    size_t i = 0, n = 0;

    while (out[i] != '\0') {
        unsigned char c = (unsigned char)out[i];

        ck_assert_msg(c < 0x80, "escaped output has byte 0x%02X at %zu", c, i);
        ck_assert_msg(c != '<' && c != '>' && c != '"' && c != '\'',
                      "escaped output has a raw '%c' at %zu", c, i);
        ck_assert_msg(c >= 0x20 || c == '\t' || c == '\n' || c == '\r',
                      "escaped output has control byte 0x%02X at %zu", c, i);
        if (c == '&') {
            size_t k;
            int found = 0;

            for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
                size_t l = strlen(named[k].name);
                if (strncmp(out + i, named[k].name, l) == 0) {
                    decoded[n++] = named[k].c;
                    i += l;
                    found = 1;
                    break;
                }
            }
            if (!found) {
                uint32_t cp = 0;
                size_t j = i + 2;
                int hex, digits = 0;

                ck_assert_msg(out[i + 1] == '#', "unknown entity at %zu in "
                              "\"%s\"", i, out);
                hex = out[j] == 'x' || out[j] == 'X';
                if (hex) {
                    j++;
                }
                for (;; j++, digits++) {
                    char d = out[j];
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
                    ck_assert_msg(digits < 8, "character reference too long");
                    cp = cp * (hex ? 16 : 10) + v;
                }
                ck_assert_msg(digits > 0 && out[j] == ';',
                              "malformed character reference at %zu in "
                              "\"%s\"", i, out);
                ck_assert_msg(xml_char(cp), "character reference &#x%X; is "
                              "not an XML character", (unsigned)cp);
                n += put_utf8(cp, decoded + n);
                i = j + 1;
            }
            continue;
        }
        decoded[n++] = (char)c;
        i++;
    }
    decoded[n] = '\0';
    return n;
}

static const char *escape(const char *s, size_t len)
{
    const char *out = social_text_html_escape(pool, guarded(s, len), len);

    ck_assert_ptr_nonnull(out);
    return out;
}

static void assert_escape(const char *s, size_t len, const char *want)
{
    const char *out = escape(s, len);

    ck_assert_msg(strcmp(out, want) == 0, "escape of %zu bytes: got \"%s\", "
                  "expected \"%s\"", len, out, want);
}

/* The escape of s[0..len) must be one or more "&#xFFFD;" (one per
 * invalid sequence or one per invalid byte) followed by exactly tail. */
static void assert_replacement_then(const char *s, size_t len,
                                    const char *tail)
{
    const char *out = escape(s, len);
    size_t out_len = strlen(out);
    size_t tail_len = strlen(tail);
    size_t i;

    ck_assert_msg(out_len > tail_len
                  && strcmp(out + out_len - tail_len, tail) == 0
                  && (out_len - tail_len) % 8 == 0,
                  "escape of %zu bytes: got \"%s\", expected &#xFFFD; "
                  "(one or more) then \"%s\"", len, out, tail);
    for (i = 0; i < out_len - tail_len; i += 8) {
        ck_assert_msg(strncmp(out + i, "&#xFFFD;", 8) == 0,
                      "escape of %zu bytes: got \"%s\", expected &#xFFFD; "
                      "(one or more) then \"%s\"", len, out, tail);
    }
}

static void assert_only_replacement(const char *s, size_t len)
{
    assert_replacement_then(s, len, "");
}

/* ---------------------------------------------------------------- */
/* social_text_utf8_valid                                            */

#define VALID(lit) \
    social_text_utf8_valid(guarded(lit, sizeof(lit) - 1), sizeof(lit) - 1)

START_TEST(test_hash_is_fnv1a)
{
    /* the published FNV-1a 32-bit test vectors */
    ck_assert_uint_eq(social_text_hash(""), 0x811c9dc5u);
    ck_assert_uint_eq(social_text_hash("a"), 0xe40c292cu);
    ck_assert_uint_eq(social_text_hash("foobar"), 0xbf9cf968u);
}
END_TEST

START_TEST(test_utf8_valid_accepts_ascii)
{
    ck_assert_int_ne(social_text_utf8_valid("", 0), 0);
    ck_assert_int_ne(VALID("hello, world\r\n\t~"), 0);
    ck_assert_int_ne(VALID("a\0b"), 0);
}
END_TEST

START_TEST(test_utf8_valid_accepts_multibyte_sequences)
{
    ck_assert_int_ne(VALID("\xC2\x80"), 0);
    ck_assert_int_ne(VALID("caf\xC3\xA9"), 0);
    ck_assert_int_ne(VALID("\xDF\xBF"), 0);
    ck_assert_int_ne(VALID("\xE0\xA0\x80"), 0);
    ck_assert_int_ne(VALID("\xE2\x82\xAC"), 0);
    ck_assert_int_ne(VALID("\xED\x9F\xBF"), 0);
    ck_assert_int_ne(VALID("\xEE\x80\x80"), 0);
    ck_assert_int_ne(VALID("\xEF\xBF\xBF"), 0);
    ck_assert_int_ne(VALID("\xF0\x90\x80\x80"), 0);
    ck_assert_int_ne(VALID("\xF0\x9F\x98\x80"), 0);
    ck_assert_int_ne(VALID("\xF4\x8F\xBF\xBF"), 0);
    ck_assert_int_ne(VALID("a\xC3\xA9" "b\xE2\x82\xAC" "c\xF0\x9F\x98\x80" "d"),
                     0);
}
END_TEST

START_TEST(test_utf8_valid_rejects_overlongs)
{
    ck_assert_int_eq(VALID("\xC0\x80"), 0);
    ck_assert_int_eq(VALID("\xC0\xAF"), 0);
    ck_assert_int_eq(VALID("\xC1\xBF"), 0);
    ck_assert_int_eq(VALID("\xE0\x80\x80"), 0);
    ck_assert_int_eq(VALID("\xE0\x9F\xBF"), 0);
    ck_assert_int_eq(VALID("\xF0\x80\x80\x80"), 0);
    ck_assert_int_eq(VALID("\xF0\x8F\xBF\xBF"), 0);
    ck_assert_int_eq(VALID("ok\xC0\x80"), 0);
}
END_TEST

START_TEST(test_utf8_valid_rejects_surrogates)
{
    ck_assert_int_eq(VALID("\xED\xA0\x80"), 0);
    ck_assert_int_eq(VALID("\xED\xAF\xBF"), 0);
    ck_assert_int_eq(VALID("\xED\xB0\x80"), 0);
    ck_assert_int_eq(VALID("\xED\xBF\xBF"), 0);
    ck_assert_int_eq(VALID("\xED\xA0\xBD\xED\xB8\x80"), 0);
}
END_TEST

START_TEST(test_utf8_valid_rejects_above_max_code_point)
{
    ck_assert_int_eq(VALID("\xF4\x90\x80\x80"), 0);
    ck_assert_int_eq(VALID("\xF5\x80\x80\x80"), 0);
    ck_assert_int_eq(VALID("\xF7\xBF\xBF\xBF"), 0);
    ck_assert_int_eq(VALID("\xF8\x88\x80\x80\x80"), 0);
    ck_assert_int_eq(VALID("\xFC\x84\x80\x80\x80\x80"), 0);
    ck_assert_int_eq(VALID("\xFE"), 0);
    ck_assert_int_eq(VALID("\xFF"), 0);
}
END_TEST

START_TEST(test_utf8_valid_rejects_truncated_sequences)
{
    ck_assert_int_eq(VALID("\xC3"), 0);
    ck_assert_int_eq(VALID("\xE2\x82"), 0);
    ck_assert_int_eq(VALID("\xF0\x9F\x98"), 0);
    ck_assert_int_eq(VALID("abc\xC3"), 0);
    ck_assert_int_eq(VALID("\xC3" "a"), 0);
    ck_assert_int_eq(VALID("\xE2\x82" "a"), 0);
    ck_assert_int_eq(VALID("\xF0\x9F\x98" "a"), 0);
    ck_assert_int_eq(VALID("\xE2\xC3\xA9"), 0);
}
END_TEST

START_TEST(test_utf8_valid_rejects_lone_continuation_bytes)
{
    ck_assert_int_eq(VALID("\x80"), 0);
    ck_assert_int_eq(VALID("\xBF"), 0);
    ck_assert_int_eq(VALID("a\x80" "b"), 0);
    ck_assert_int_eq(VALID("\xC3\xA9\xA9"), 0);
    ck_assert_int_eq(VALID("\xF0\x9F\x98\x80\x80"), 0);
}
END_TEST

START_TEST(test_utf8_valid_respects_len)
{
    ck_assert_int_eq(social_text_utf8_valid("\xC3\xA9", 1), 0);
    ck_assert_int_ne(social_text_utf8_valid("a\xFF", 1), 0);
    ck_assert_int_ne(social_text_utf8_valid("\xC3\xA9\xFF", 2), 0);
}
END_TEST

START_TEST(test_utf8_valid_agrees_with_reference_on_random_input)
{
    unsigned char buf[16];
    int round;

    test_random_state = 77u;
    for (round = 0; round < 200000; round++) {
        size_t len = test_random() % sizeof(buf);
        size_t i;
        int want, got;

        for (i = 0; i < len; i++) {
            uint32_t r = test_random();
            /* mostly bytes that matter to UTF-8 */
            buf[i] = (unsigned char)((r & 3) == 0 ? (r >> 2)
                                     : 0x80 | ((r >> 2) & 0x7F));
        }
        want = reference_utf8_valid(buf, len);
        got = social_text_utf8_valid((const char *)buf, len) != 0;
        if (want != got) {
            char hex[3 * sizeof(buf) + 1];
            for (i = 0; i < len; i++) {
                sprintf(hex + 3 * i, "%02X ", buf[i]);
            }
            hex[3 * len] = '\0';
            ck_abort_msg("utf8_valid(%s) = %d, expected %d", hex, got, want);
        }
    }
}
END_TEST

/* ---------------------------------------------------------------- */
/* social_text_page_key                                              */

static void assert_key(const char *path, const char *want)
{
    const char *error = NULL;
    const char *key = social_text_page_key(pool, guarded_string(path),
                                           &error);

    ck_assert_msg(key != NULL, "page key of \"%s\": refused (%s), expected "
                  "\"%s\"", path, error ? error : "no error set", want);
    ck_assert_msg(strcmp(key, want) == 0, "page key of \"%s\": got \"%s\", "
                  "expected \"%s\"", path, key, want);
}

static void assert_key_refused(const char *path)
{
    const char *error = NULL;
    const char *key = social_text_page_key(pool, guarded_string(path),
                                           &error);

    ck_assert_msg(key == NULL, "page key of \"%.80s\": got \"%.80s\", "
                  "expected a refusal", path, key);
    ck_assert_msg(error != NULL && error[0] != '\0',
                  "page key of \"%.80s\" refused without an error", path);
}

START_TEST(test_page_key_plain_path_is_unchanged)
{
    assert_key("/news/a.html", "/news/a.html");
    assert_key("/", "/");
    assert_key("/news/", "/news/");
    assert_key("/a/b/c.htm", "/a/b/c.htm");
    assert_key("/A-Z_a~z.0/9!$&'()*+,;=:@.html",
               "/A-Z_a~z.0/9!$&'()*+,;=:@.html");
}
END_TEST

START_TEST(test_page_key_dot_dot_removes_previous_segment)
{
    assert_key("/a/../b", "/b");
    assert_key("/a/b/../c", "/a/c");
    assert_key("/a/b/../../c.html", "/c.html");
}
END_TEST

START_TEST(test_page_key_dot_segments_go)
{
    assert_key("/a/./b", "/a/b");
    assert_key("/./a", "/a");
    assert_key("/a/././b.html", "/a/b.html");
}
END_TEST

START_TEST(test_page_key_repeated_slashes_collapse)
{
    assert_key("//a///b", "/a/b");
    assert_key("//", "/");
    assert_key("/news//", "/news/");
}
END_TEST

START_TEST(test_page_key_escaped_dot_dot_removes_previous_segment)
{
    assert_key("/a/%2e%2e/b", "/b");
    assert_key("/a/%2E%2e/b", "/b");
    assert_key("/a/.%2e/b", "/b");
    assert_key("/a/%2e/b", "/a/b");
}
END_TEST

START_TEST(test_page_key_climbing_above_root_is_refused)
{
    assert_key_refused("/..");
    assert_key_refused("/../x");
    assert_key_refused("/%2e%2e/x");
    assert_key_refused("/%2E%2E/x");
    assert_key_refused("/a/../../b");
    assert_key_refused("/a/%2e%2e/%2e%2e/b");
}
END_TEST

START_TEST(test_page_key_index_file_becomes_directory)
{
    assert_key("/news/index.html", "/news/");
    assert_key("/news/index.htm", "/news/");
    assert_key("/index.html", "/");
    assert_key("/news/%69ndex.html", "/news/");
    assert_key("/news/index.html?x=1", "/news/");
}
END_TEST

START_TEST(test_page_key_other_files_named_like_index_stay)
{
    assert_key("/news/myindex.html", "/news/myindex.html");
    assert_key("/news/index.html.bak", "/news/index.html.bak");
    assert_key("/news/index.php", "/news/index.php");
    assert_key("/news/index", "/news/index");
}
END_TEST

START_TEST(test_page_key_query_and_fragment_are_cut)
{
    assert_key("/a.html?x=1#y", "/a.html");
    assert_key("/a.html#y?z", "/a.html");
    assert_key("/a.html?", "/a.html");
    assert_key("/?q=1", "/");
    assert_key("/a.html?x=%zz", "/a.html");
}
END_TEST

START_TEST(test_page_key_utf8_spellings_give_same_key)
{
    assert_key("/caf%C3%A9.html", "/caf%C3%A9.html");
    assert_key("/caf\xC3\xA9.html", "/caf%C3%A9.html");
    assert_key("/caf%c3%a9.html", "/caf%C3%A9.html");
    assert_key("/caf%C3\xA9.html", "/caf%C3%A9.html");
}
END_TEST

START_TEST(test_page_key_unreserved_escapes_are_decoded)
{
    assert_key("/%41", "/A");
    assert_key("/%61%62%63.html", "/abc.html");
    assert_key("/%7Euser/", "/~user/");
    assert_key("/a%2Db%2ec", "/a-b.c");
}
END_TEST

START_TEST(test_page_key_reserved_bytes_stay_escaped)
{
    assert_key("/a%3Fb", "/a%3Fb");
    assert_key("/a%3fb", "/a%3Fb");
    assert_key("/a%23b", "/a%23b");
    assert_key("/a%25b", "/a%25b");
    assert_key("/a%20b.html", "/a%20b.html");
}
END_TEST

START_TEST(test_page_key_spaces_and_unsafe_bytes_are_escaped)
{
    assert_key("/a b.html", "/a%20b.html");
    assert_key("/a<b>\"c", "/a%3Cb%3E%22c");
    assert_key("/a\\b", "/a%5Cb");
    assert_key("/{a}|^`", "/%7Ba%7D%7C%5E%60");
    assert_key("/\xFF", "/%FF");
}
END_TEST

START_TEST(test_page_key_nul_is_refused)
{
    assert_key_refused("/a%00b");
    assert_key_refused("/%00");
}
END_TEST

START_TEST(test_page_key_encoded_slash_is_refused)
{
    assert_key_refused("/a%2Fb");
    assert_key_refused("/a%2fb");
}
END_TEST

START_TEST(test_page_key_path_not_starting_with_slash_is_refused)
{
    assert_key_refused("a.html");
    assert_key_refused("");
    assert_key_refused("?x=1");
    assert_key_refused("%2Fa.html");
    assert_key_refused("http://intranet/a.html");
}
END_TEST

START_TEST(test_page_key_invalid_escape_is_refused)
{
    assert_key_refused("/%zz");
    assert_key_refused("/%4");
    assert_key_refused("/a%");
    assert_key_refused("/%g1");
    assert_key_refused("/%1g.html");
}
END_TEST

START_TEST(test_page_key_length_limit)
{
    char path[SOCIAL_PAGE_KEY_MAX * 3 + 8];
    char want[SOCIAL_PAGE_KEY_MAX + 8];
    size_t i;

    path[0] = '/';
    memset(path + 1, 'a', SOCIAL_PAGE_KEY_MAX - 1);
    path[SOCIAL_PAGE_KEY_MAX] = '\0';
    assert_key(path, path);

    memset(path + 1, 'a', SOCIAL_PAGE_KEY_MAX);
    path[SOCIAL_PAGE_KEY_MAX + 1] = '\0';
    assert_key_refused(path);

    /* the limit is on the canonical form: escapes that decode shorter
     * may be longer on input */
    for (i = 0; i < SOCIAL_PAGE_KEY_MAX - 1; i++) {
        memcpy(path + 1 + 3 * i, "%41", 3);
    }
    path[1 + 3 * i] = '\0';
    want[0] = '/';
    memset(want + 1, 'A', SOCIAL_PAGE_KEY_MAX - 1);
    want[SOCIAL_PAGE_KEY_MAX] = '\0';
    assert_key(path, want);
}
END_TEST

START_TEST(test_page_key_length_limit_counts_escaped_bytes)
{
    char path[2 * 400 + 8];
    size_t i;

    /* 801 bytes in, "/" + 400 * "%C3%A9" = 2401 bytes canonical */
    path[0] = '/';
    for (i = 0; i < 400; i++) {
        memcpy(path + 1 + 2 * i, "\xC3\xA9", 2);
    }
    path[1 + 2 * i] = '\0';
    assert_key_refused(path);
}
END_TEST

START_TEST(test_page_key_is_stable_on_its_own_output)
{
    static const char *const paths[] = {
        "/news/index.html", "/caf\xC3\xA9.html", "/a%3fb", "/a b",
        "/x/%2e%2e/y/./z//", "/%7e%41", "/a%25b", "/q?x",
    };
    size_t i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        const char *error = NULL;
        const char *key = social_text_page_key(pool, paths[i], &error);

        ck_assert_ptr_nonnull(key);
        assert_key(key, key);
    }
}
END_TEST

/* ---------------------------------------------------------------- */
/* social_text_html_escape                                           */

START_TEST(test_html_escape_script_has_no_markup_left)
{
    const char *in = "<script>alert('x')</script>";
    const char *out = escape(in, strlen(in));
    char decoded[256];

    ck_assert_ptr_null(strchr(out, '<'));
    ck_assert_ptr_null(strchr(out, '>'));
    ck_assert_ptr_null(strchr(out, '\''));
    ck_assert_ptr_null(strchr(out, '"'));
    check_escaped_and_decode(out, decoded);
    ck_assert_str_eq(decoded, in);
}
END_TEST

START_TEST(test_html_escape_ampersand)
{
    assert_escape("&", 1, "&amp;");
    assert_escape("a&b", 3, "a&amp;b");
    assert_escape("&amp;", 5, "&amp;amp;");
}
END_TEST

START_TEST(test_html_escape_quotes_and_angle_brackets)
{
    const char *in = "\"a\" 'b' <c> a<b>c";
    const char *out = escape(in, strlen(in));
    char decoded[256];

    check_escaped_and_decode(out, decoded);
    ck_assert_str_eq(decoded, in);
}
END_TEST

START_TEST(test_html_escape_plain_ascii_is_unchanged)
{
    const char *in = "Hello, world. 1+1=2; (ok) [x] {y} ~/path?q=1#f %20 \\ |";

    assert_escape(in, strlen(in), in);
}
END_TEST

START_TEST(test_html_escape_non_ascii_becomes_hex_reference)
{
    assert_escape("\xC3\xA9", 2, "&#xE9;");
    assert_escape("caf\xC3\xA9!", 6, "caf&#xE9;!");
    assert_escape("\xE2\x82\xAC", 3, "&#x20AC;");
    assert_escape("\xF0\x9F\x98\x80", 4, "&#x1F600;");
    assert_escape("\xF4\x8F\xBF\xBD", 4, "&#x10FFFD;");
}
END_TEST

START_TEST(test_html_escape_invalid_byte_becomes_replacement)
{
    assert_escape("\xFF", 1, "&#xFFFD;");
    assert_escape("a\xFF" "b", 3, "a&#xFFFD;b");
    assert_escape("\x80", 1, "&#xFFFD;");
    assert_escape("\xC3", 1, "&#xFFFD;");
}
END_TEST

START_TEST(test_html_escape_truncated_sequence_keeps_next_character)
{
    assert_escape("\xC3" "a", 2, "&#xFFFD;a");
    assert_replacement_then("\xE2\x82" "<", 3, "&lt;");
    assert_replacement_then("\xF0\x9F\x98" "&", 4, "&amp;");
    assert_replacement_then("\xED\xA0\x80" "a", 4, "a");
    assert_escape("\xC3\xC3\xA9", 3, "&#xFFFD;&#xE9;");
}
END_TEST

START_TEST(test_html_escape_overlong_surrogate_and_too_large_are_replaced)
{
    assert_only_replacement("\xC0\x80", 2);
    assert_only_replacement("\xE0\x80\x80", 3);
    assert_only_replacement("\xED\xA0\x80", 3);
    assert_only_replacement("\xED\xBF\xBF", 3);
    assert_only_replacement("\xF4\x90\x80\x80", 4);
    assert_only_replacement("\xF8\x88\x80\x80\x80", 5);
}
END_TEST

START_TEST(test_html_escape_control_characters_become_replacement)
{
    assert_escape("\x01", 1, "&#xFFFD;");
    assert_escape("a\0b", 3, "a&#xFFFD;b");
    assert_escape("\x1B[0m", 4, "&#xFFFD;[0m");
    assert_escape("\x1F", 1, "&#xFFFD;");
}
END_TEST

START_TEST(test_html_escape_keeps_tab_newline_and_carriage_return)
{
    assert_escape("a\tb\nc\rd", 7, "a\tb\nc\rd");
}
END_TEST

/* Runs of ASCII are copied whole, the bytes between them each handled:
 * mixed input gives what handling byte by byte gives. */
START_TEST(test_html_escape_runs_and_single_characters_mixed)
{
    assert_escape("plain <b>&amp;\x7F \xC3\xA9t\xC3\xA9 'q' \"d\"", 29,
                  "plain &lt;b&gt;&amp;amp;&#xFFFD; &#xE9;t&#xE9; &#39;q&#39; &quot;d&quot;");
}
END_TEST

START_TEST(test_ascii_refs_keeps_markup_and_refers_to_the_rest)
{
    apr_pool_t *p;
    const char *in = "<p class=\"x\">caf\xC3\xA9 &amp; 'ok'\x7F</p>";

    apr_pool_create(&p, NULL);
    ck_assert_str_eq(social_text_ascii_refs(p, in, strlen(in)),
                     "<p class=\"x\">caf&#xE9; &amp; 'ok'&#xFFFD;</p>");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(test_html_escape_empty_input_gives_empty_string)
{
    assert_escape("", 0, "");
}
END_TEST

START_TEST(test_html_escape_respects_len)
{
    assert_escape("ab<cd", 2, "ab");
    assert_escape("\xC3\xA9", 1, "&#xFFFD;");
}
END_TEST

START_TEST(test_html_escape_noncharacters_keep_output_well_formed_xml)
{
    char decoded[64];

    /* U+FFFE and U+FFFF are well-formed UTF-8 but not XML characters */
    check_escaped_and_decode(escape("\xEF\xBF\xBF", 3), decoded);
    check_escaped_and_decode(escape("\xEF\xBF\xBE", 3), decoded);
}
END_TEST

static int round_trips(const unsigned char *s, size_t len)
{
    size_t pos = 0;
    uint32_t cp;

    while (pos < len) {
        size_t n = reference_utf8_decode(s + pos, len - pos, &cp);
        if (n == 0 || !xml_char(cp) || cp == 0x7F
            || (cp >= 0x80 && cp <= 0x9F)) {
            return 0;
        }
        pos += n;
    }
    return 1;
}

START_TEST(test_html_escape_random_input_is_pure_ascii)
{
    static const char *const pieces[] = {
        "<", ">", "&", "\"", "'", "\xC3\xA9", "\xE2\x82\xAC",
        "\xF0\x9F\x98\x80", "\xED\xA0\x80", "\xC0\x80", "\xF4\x90\x80\x80",
        "\t", "\n", "\r", "\x01", "a", " ", "&amp;",
    };
    unsigned char buf[96];
    int round;

    test_random_state = 4242u;
    for (round = 0; round < 5000; round++) {
        size_t len = 0;
        size_t target = test_random() % 64;
        const char *out;
        char *decoded;

        while (len < target) {
            uint32_t r = test_random();
            if (r % 3 == 0) {
                const char *p = pieces[(r / 3) % (sizeof(pieces)
                                                  / sizeof(pieces[0]))];
                size_t l = strlen(p);
                if (len + l > sizeof(buf)) {
                    break;
                }
                memcpy(buf + len, p, l);
                len += l;
            }
            else {
                buf[len++] = (unsigned char)(r >> 3);
            }
        }
        out = escape((const char *)buf, len);
        decoded = apr_palloc(pool, strlen(out) + 1);
        check_escaped_and_decode(out, decoded);
        if (round_trips(buf, len)) {
            ck_assert_msg(strlen(decoded) == len
                          && memcmp(decoded, buf, len) == 0,
                          "round %d: escaped text does not decode back to "
                          "the input", round);
        }
        if (round % 500 == 499) {
            apr_pool_clear(pool);
        }
    }
}
END_TEST

/* ---------------------------------------------------------------- */
/* Media types                                                       */

START_TEST(test_is_html_type_accepts_text_html)
{
    static const char *const types[] = {
        "text/html",
        "TEXT/HTML; charset=ISO-8859-1",
        "text/html;charset=utf-8",
        "Text/Html",
        "text/html ; charset=utf-8",
    };
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        int xhtml = 0;

        ck_assert_msg(social_text_is_html_type(guarded_string(types[i]),
                                               &xhtml) != 0,
                      "\"%s\" not taken for HTML", types[i]);
        ck_assert_msg(xhtml == 0, "\"%s\" taken for XHTML", types[i]);
        ck_assert_int_ne(social_text_is_html_type(types[i], NULL), 0);
    }
}
END_TEST

START_TEST(test_is_html_type_sets_xhtml)
{
    int xhtml = 0;

    ck_assert_int_ne(social_text_is_html_type("application/xhtml+xml",
                                              &xhtml), 0);
    ck_assert_int_ne(xhtml, 0);
    xhtml = 0;
    ck_assert_int_ne(social_text_is_html_type(
                         "Application/XHTML+XML; charset=utf-8", &xhtml), 0);
    ck_assert_int_ne(xhtml, 0);
    ck_assert_int_ne(social_text_is_html_type("application/xhtml+xml",
                                              NULL), 0);
}
END_TEST

START_TEST(test_is_html_type_rejects_other_types)
{
    static const char *const types[] = {
        "text/plain", "text/htmlx", "text/html5", "text/html-x",
        "application/json", "", "text/", "text", "html", "xtext/html",
        "text/xml", "application/xml", "application/xhtml+xmlx",
        "image/svg+xml", "text/plain; charset=text/html",
    };
    size_t i;

    ck_assert_int_eq(social_text_is_html_type(NULL, NULL), 0);
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        int xhtml = 0;

        ck_assert_msg(social_text_is_html_type(guarded_string(types[i]),
                                               &xhtml) == 0,
                      "\"%s\" taken for HTML", types[i]);
    }
}
END_TEST

START_TEST(test_charset_is_wide_for_utf16_and_utf32)
{
    static const char *const types[] = {
        "text/html; charset=UTF-16",
        "text/html;charset=\"utf-16le\"",
        "charset=utf-32BE",
        "text/html; charset=ucs-2",
        "text/html; charset=UCS-4",
        "text/html; charset=utf-16be",
        "text/html; charset=UTF-32",
        "text/html; foo=bar; charset=utf-16",
        "text/html; CHARSET=Utf-16",
    };
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        ck_assert_msg(social_text_charset_is_wide(guarded_string(types[i]))
                      != 0,
                      "\"%s\" not taken for a wide charset", types[i]);
    }
}
END_TEST

START_TEST(test_charset_is_not_wide_for_byte_charsets)
{
    static const char *const types[] = {
        "text/html; charset=utf-8",
        "text/html; charset=\"UTF-8\"",
        "text/html; charset=iso-8859-1",
        "text/html; charset=shift_jis",
        "text/html; charset=us-ascii",
        "text/html; charset=windows-1252",
        "text/html",
        "",
    };
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        ck_assert_msg(social_text_charset_is_wide(guarded_string(types[i]))
                      == 0,
                      "\"%s\" taken for a wide charset", types[i]);
    }
}
END_TEST

START_TEST(test_charset_is_wide_looks_only_at_charset_parameter)
{
    ck_assert_int_eq(social_text_charset_is_wide(
                         "text/html; name=utf-16; charset=utf-8"), 0);
    ck_assert_int_eq(social_text_charset_is_wide(
                         "text/html; xcharset=utf-16"), 0);
}
END_TEST

START_TEST(test_charset_is_wide_stops_at_end_of_value)
{
    static const char *const types[] = {
        "text/html; charset", "text/html; charset  ", "text/html; charset=",
        "text/html; charset=\"", "text/html; charset=utf-1", "charset",
        "text/html;",
    };
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        ck_assert_msg(social_text_charset_is_wide(guarded_string(types[i]))
                      == 0, "\"%s\" taken for a wide charset", types[i]);
    }
}
END_TEST

START_TEST(test_is_html_type_stops_at_end_of_value)
{
    static const char *const types[] = {
        "text/html;", "text/html ", "text/htm", "text/", "t", "",
        "application/xhtml+xm", "text/html; charset",
    };
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        int xhtml = 0;
        (void)social_text_is_html_type(guarded_string(types[i]), &xhtml);
    }
}
END_TEST

static int bom(const char *s, size_t len)
{
    return social_text_has_wide_bom((const unsigned char *)guarded(s, len),
                                    len);
}

START_TEST(test_has_wide_bom_for_utf16_and_utf32_marks)
{
    ck_assert_int_ne(bom("\xFF\xFE", 2), 0);
    ck_assert_int_ne(bom("\xFE\xFF", 2), 0);
    ck_assert_int_ne(bom("\x00\x00\xFE\xFF", 4), 0);
    ck_assert_int_ne(bom("\xFF\xFE\x00\x00", 4), 0);
    ck_assert_int_ne(bom("\xFF\xFE<\x00", 4), 0);
    ck_assert_int_ne(bom("\xFE\xFF\x00<", 4), 0);
}
END_TEST

START_TEST(test_has_wide_bom_not_for_utf8_mark_or_text)
{
    ck_assert_int_eq(bom("\xEF\xBB\xBF<", 4), 0);
    ck_assert_int_eq(bom("\xEF\xBB\xBF", 3), 0);
    ck_assert_int_eq(bom("<!DO", 4), 0);
    ck_assert_int_eq(bom("\x00<\x00!", 4), 0);
    ck_assert_int_eq(bom("", 0), 0);
}
END_TEST

/* ---- comment text: check and format ---- */

static const char *format(const char *s)
{
    return social_text_format_comment(pool, guarded(s, strlen(s)), strlen(s));
}

START_TEST(test_format_plain_line_is_one_paragraph)
{
    ck_assert_str_eq(format("hello world"), "<p>hello world</p>");
}
END_TEST

START_TEST(test_format_blank_line_splits_paragraphs_and_newline_breaks)
{
    ck_assert_str_eq(format("one\ntwo\n\nthree"), "<p>one<br />two</p><p>three</p>");
    ck_assert_str_eq(format("one\r\ntwo\r\n \t\r\nthree\n\n\n"), "<p>one<br />two</p><p>three</p>");
    ck_assert_str_eq(format("\n\n  \n"), "");
}
END_TEST

START_TEST(test_format_escapes_markup_literally)
{
    ck_assert_str_eq(format("<script>alert('x')</script> & \"q\""),
                     "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
    ck_assert_str_eq(format("<?cs var:Social.token ?> <!--social:thread-->"),
                     "<p>&lt;?cs var:Social.token ?&gt; &lt;!--social:thread--&gt;</p>");
}
END_TEST

START_TEST(test_format_links_http_https_and_mailto)
{
    ck_assert_str_eq(format("see https://intranet.example/a?b=1&c=2."),
                     "<p>see <a href=\"https://intranet.example/a?b=1&amp;c=2\" rel=\"nofollow noopener\">"
                     "https://intranet.example/a?b=1&amp;c=2</a>.</p>");
    ck_assert_str_eq(format("(http://x.example/wiki/A_(b)) mail mailto:hr@x.example!"),
                     "<p>(<a href=\"http://x.example/wiki/A_(b)\" rel=\"nofollow noopener\">"
                     "http://x.example/wiki/A_(b)</a>) mail <a href=\"mailto:hr@x.example\" "
                     "rel=\"nofollow noopener\">mailto:hr@x.example</a>!</p>");
}
END_TEST

START_TEST(test_format_never_links_other_schemes_or_mid_word)
{
    ck_assert_str_eq(format("javascript:alert(1) data:text/html,x vbscript:y"),
                     "<p>javascript:alert(1) data:text/html,x vbscript:y</p>");
    ck_assert_str_eq(format("xhttp://a.example https://"),
                     "<p>xhttp://a.example https://</p>");
}
END_TEST

START_TEST(test_format_link_stops_at_quote_and_angle)
{
    const char *out = format("https://a.example/\"onmouseover=\"alert(1)");
    ck_assert_ptr_nonnull(strstr(out, "href=\"https://a.example/\""));
    ck_assert_ptr_null(strstr(out, "\" onmouseover"));
    out = format("https://a.example/<img>");
    ck_assert_ptr_null(strstr(out, "<img"));
}
END_TEST

START_TEST(test_format_markdown_inline)
{
    ck_assert_str_eq(format("a *b* _c_ **d** `e`"),
                     "<p>a <em>b</em> <em>c</em> <strong>d</strong> <code>e</code></p>");
    ck_assert_str_eq(format("`<b>x</b> *y*`"), "<p><code>&lt;b&gt;x&lt;/b&gt; *y*</code></p>");
    ck_assert_str_eq(format("**bold with https://a.example/x_y**"),
                     "<p><strong>bold with <a href=\"https://a.example/x_y\" "
                     "rel=\"nofollow noopener\">https://a.example/x_y</a></strong></p>");
    ck_assert_str_eq(format("see [the policy](https://intranet.example/p?a=1&b=2)!"),
                     "<p>see <a href=\"https://intranet.example/p?a=1&amp;b=2\" "
                     "rel=\"nofollow noopener\">the policy</a>!</p>");
}
END_TEST

START_TEST(test_format_markdown_leaves_what_does_not_pair_up)
{
    ck_assert_str_eq(format("2 * 3 * 4 and snake_case_name and *open"),
                     "<p>2 * 3 * 4 and snake_case_name and *open</p>");
    ck_assert_str_eq(format("** x** `` [a](b) [x](javascript:alert(1))"),
                     "<p>** x** `` [a](b) [x](javascript:alert(1))</p>");
    ck_assert_str_eq(format("http://x.example/wiki/A_b_c_(d)"),
                     "<p><a href=\"http://x.example/wiki/A_b_c_(d)\" rel=\"nofollow noopener\">"
                     "http://x.example/wiki/A_b_c_(d)</a></p>");
}
END_TEST

START_TEST(test_format_markdown_blocks)
{
    ck_assert_str_eq(format("Steps:\n- one\n* two\n\n1. first\n2) second\nafter"),
                     "<p>Steps:</p><ul><li>one</li><li>two</li></ul>"
                     "<ol><li>first</li><li>second</li></ol><p>after</p>");
    ck_assert_str_eq(format("> quoted *line*\n> more\nreply"),
                     "<blockquote><p>quoted <em>line</em><br />more</p></blockquote>"
                     "<p>reply</p>");
    ck_assert_str_eq(format("-not a list\n>"), "<p>-not a list</p><blockquote><p></p></blockquote>");
    /* found by fuzz_text: a link cut off right after "](" */
    ck_assert_str_eq(format("[R]("), "<p>[R](</p>");
}
END_TEST

START_TEST(test_format_markdown_never_makes_markup_from_text)
{
    const char *out = format("**<img src=x onerror=alert(1)>** [<b>](https://a.example/\"x) "
                             "_<script>_ > <i>");
    ck_assert_ptr_null(strstr(out, "<img"));
    ck_assert_ptr_null(strstr(out, "<script"));
    ck_assert_ptr_null(strstr(out, "<b>"));
    ck_assert_ptr_null(strstr(out, "<i>"));
    ck_assert_ptr_null(strstr(out, "\"x"));
}
END_TEST

START_TEST(test_format_output_is_ascii)
{
    const char *out = format("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xff");
    ck_assert_str_eq(out, "<p>caf&#xE9; &#x20AC; &#x1F600; &#xFFFD;</p>");
}
END_TEST

static const char *check(const char *s, size_t max, size_t *chars)
{
    return social_text_comment_check(guarded(s, strlen(s)), strlen(s), max, chars);
}

START_TEST(test_comment_check_accepts_text_and_counts_characters)
{
    size_t chars = 0;
    ck_assert_ptr_null(check("caf\xc3\xa9\n\tok", 100, &chars));
    ck_assert_uint_eq(chars, 8);
}
END_TEST

START_TEST(test_comment_check_refuses_empty_and_blank)
{
    size_t chars;
    ck_assert_ptr_nonnull(check("", 100, &chars));
    ck_assert_ptr_nonnull(check(" \n\t\r\n", 100, &chars));
}
END_TEST

START_TEST(test_comment_check_limit_is_in_characters)
{
    size_t chars;
    ck_assert_ptr_null(check("\xc3\xa9\xc3\xa9\xc3\xa9", 3, &chars));
    ck_assert_ptr_nonnull(check("abcd", 3, &chars));
    ck_assert_uint_eq(chars, 4);
}
END_TEST

START_TEST(test_comment_check_refuses_controls_and_bad_utf8)
{
    size_t chars;
    ck_assert_ptr_nonnull(check("a\x01" "b", 100, &chars));
    ck_assert_ptr_nonnull(check("a\x7f", 100, &chars));
    ck_assert_ptr_nonnull(check("a\xc2\x85", 100, &chars));   /* C1 control */
    ck_assert_ptr_nonnull(check("a\xc3", 100, &chars));
    ck_assert_ptr_nonnull(check("a\xed\xa0\x80", 100, &chars));
}
END_TEST

START_TEST(test_ascii_refs_keeps_markup_and_encodes_the_rest)
{
    const char *in = "<p class=\"x\">Gr\xc3\xbc\xc3\x9f & co</p>\xff";
    ck_assert_str_eq(social_text_ascii_refs(pool, guarded(in, strlen(in)), strlen(in)),
                     "<p class=\"x\">Gr&#xFC;&#xDF; & co</p>&#xFFFD;");
    ck_assert_str_eq(social_text_ascii_refs(pool, guarded("", 0), 0), "");
}
END_TEST

/* Long runs go eight bytes at a time: a byte that needs care is found at
 * every offset of a word, and what is around it goes out unchanged. */
START_TEST(test_ascii_refs_finds_every_byte_in_a_word)
{
    static const struct { const char *in; const char *out; } cases[] = {
        { "\xc3\xbc", "&#xFC;" }, { "\x01", "&#xFFFD;" }, { "\x7f", "&#xFFFD;" },
        { "\xff", "&#xFFFD;" }, { "\n", "\n" }, { "\t", "\t" }, { "~", "~" },
        { " ", " " }, { "\x1f", "&#xFFFD;" }
    };
    const char *text = "abcdefghijklmnopqrstuvwxyz0123456789<p class=\"x\">&amp;";
    size_t c, at, n = strlen(text);

    for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        for (at = 0; at <= n; at++) {
            char *in = apr_pstrcat(pool, apr_pstrndup(pool, text, at), cases[c].in,
                                   text + at, NULL);
            char *want = apr_pstrcat(pool, apr_pstrndup(pool, text, at), cases[c].out,
                                     text + at, NULL);
            ck_assert_str_eq(social_text_ascii_refs(pool, guarded(in, strlen(in)), strlen(in)),
                             want);
        }
    }
}
END_TEST

/* ---------------------------------------------------------------- */
/* social_text_utf8_repair                                           */

#define REPAIR(lit) \
    social_text_utf8_repair(pool, guarded(lit, sizeof(lit) - 1), sizeof(lit) - 1)

START_TEST(test_utf8_repair_keeps_valid_text)
{
    ck_assert_str_eq(REPAIR(""), "");
    ck_assert_str_eq(REPAIR("Jos\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
                     "Jos\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
}
END_TEST

START_TEST(test_utf8_repair_replaces_each_bad_byte)
{
    /* Latin-1 e-acute, a lone continuation byte, an overlong, a surrogate,
     * a truncated sequence at the end. */
    ck_assert_str_eq(REPAIR("Jos\xE9"), "Jos\xEF\xBF\xBD");
    ck_assert_str_eq(REPAIR("a\x80" "b"), "a\xEF\xBF\xBD" "b");
    ck_assert_str_eq(REPAIR("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
    ck_assert_str_eq(REPAIR("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    ck_assert_str_eq(REPAIR("ok\xE2\x82"), "ok\xEF\xBF\xBD\xEF\xBF\xBD");
}
END_TEST

START_TEST(test_utf8_repair_output_is_always_valid)
{
    unsigned char buf[16];
    int round;

    test_random_state = 1310u;
    for (round = 0; round < 50000; round++) {
        size_t len = test_random() % sizeof(buf), i;
        const char *out;

        for (i = 0; i < len; i++) {
            uint32_t r = test_random();
            buf[i] = (unsigned char)((r & 3) == 0 ? (r >> 2) : 0x80 | ((r >> 2) & 0x7F));
        }
        out = social_text_utf8_repair(pool, (const char *)buf, len);
        ck_assert_int_ne(social_text_utf8_valid(out, strlen(out)), 0);
        if (reference_utf8_valid(buf, len) && memchr(buf, 0, len) == NULL) {
            ck_assert_int_eq(memcmp(out, buf, len), 0);
        }
    }
}
END_TEST


/* ---- relative time: one function, two styles, the words each page wrote ---- */

#define REL(secs, style) social_text_time_relative(pool, NOW - apr_time_from_sec(secs), NOW, style)
#define NOW ((apr_time_t)1700000000 * APR_USEC_PER_SEC)

START_TEST(test_time_relative_long_words)
{
    ck_assert_str_eq(REL(0, SOCIAL_TIME_LONG), "just now");
    ck_assert_str_eq(REL(44, SOCIAL_TIME_LONG), "just now");
    ck_assert_str_eq(REL(45, SOCIAL_TIME_LONG), "a minute ago");
    ck_assert_str_eq(REL(119, SOCIAL_TIME_LONG), "a minute ago");
    ck_assert_str_eq(REL(180, SOCIAL_TIME_LONG), "3 minutes ago");
    ck_assert_str_eq(REL(3600, SOCIAL_TIME_LONG), "an hour ago");
    ck_assert_str_eq(REL(5 * 3600 + 59, SOCIAL_TIME_LONG), "5 hours ago");
    ck_assert_str_eq(REL(86400, SOCIAL_TIME_LONG), "yesterday");
    ck_assert_str_eq(REL(3 * 86400, SOCIAL_TIME_LONG), "3 days ago");
    ck_assert_str_eq(REL(7 * 86400, SOCIAL_TIME_LONG), "a week ago");
    ck_assert_str_eq(REL(15 * 86400, SOCIAL_TIME_LONG), "2 weeks ago");
    ck_assert_str_eq(REL(30 * 86400, SOCIAL_TIME_LONG), "a month ago");
    ck_assert_str_eq(REL(100 * 86400, SOCIAL_TIME_LONG), "3 months ago");
    ck_assert_str_eq(REL(365 * 86400, SOCIAL_TIME_LONG), "a year ago");
    ck_assert_str_eq(REL(3 * 365 * 86400, SOCIAL_TIME_LONG), "3 years ago");
}
END_TEST

START_TEST(test_time_relative_short_words)
{
    ck_assert_str_eq(REL(0, SOCIAL_TIME_SHORT), "just now");
    ck_assert_str_eq(REL(59, SOCIAL_TIME_SHORT), "just now");
    ck_assert_str_eq(REL(60, SOCIAL_TIME_SHORT), "1 min ago");
    ck_assert_str_eq(REL(180, SOCIAL_TIME_SHORT), "3 min ago");
    ck_assert_str_eq(REL(3599, SOCIAL_TIME_SHORT), "59 min ago");
    ck_assert_str_eq(REL(3600, SOCIAL_TIME_SHORT), "1 h ago");
    ck_assert_str_eq(REL(86399, SOCIAL_TIME_SHORT), "23 h ago");
    ck_assert_str_eq(REL(86400, SOCIAL_TIME_SHORT), "1 days ago");
    ck_assert_str_eq(REL(400 * 86400, SOCIAL_TIME_SHORT), "400 days ago");
}
END_TEST

START_TEST(test_time_relative_future_is_just_now)
{
    ck_assert_str_eq(REL(-600, SOCIAL_TIME_LONG), "just now");
    ck_assert_str_eq(REL(-600, SOCIAL_TIME_SHORT), "just now");
}
END_TEST

#undef NOW
#undef REL

static Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc;

    tc = tcase_create("utf8_valid");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_utf8_valid_accepts_ascii);
    tcase_add_test(tc, test_utf8_valid_accepts_multibyte_sequences);
    tcase_add_test(tc, test_utf8_valid_rejects_overlongs);
    tcase_add_test(tc, test_utf8_valid_rejects_surrogates);
    tcase_add_test(tc, test_utf8_valid_rejects_above_max_code_point);
    tcase_add_test(tc, test_utf8_valid_rejects_truncated_sequences);
    tcase_add_test(tc, test_utf8_valid_rejects_lone_continuation_bytes);
    tcase_add_test(tc, test_utf8_valid_respects_len);
    tcase_add_test(tc, test_utf8_valid_agrees_with_reference_on_random_input);
    tcase_add_test(tc, test_utf8_repair_keeps_valid_text);
    tcase_add_test(tc, test_utf8_repair_replaces_each_bad_byte);
    tcase_add_test(tc, test_utf8_repair_output_is_always_valid);
    suite_add_tcase(s, tc);

    tc = tcase_create("page_key");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_page_key_plain_path_is_unchanged);
    tcase_add_test(tc, test_page_key_dot_dot_removes_previous_segment);
    tcase_add_test(tc, test_page_key_dot_segments_go);
    tcase_add_test(tc, test_page_key_repeated_slashes_collapse);
    tcase_add_test(tc, test_page_key_escaped_dot_dot_removes_previous_segment);
    tcase_add_test(tc, test_page_key_climbing_above_root_is_refused);
    tcase_add_test(tc, test_page_key_index_file_becomes_directory);
    tcase_add_test(tc, test_page_key_other_files_named_like_index_stay);
    tcase_add_test(tc, test_page_key_query_and_fragment_are_cut);
    tcase_add_test(tc, test_page_key_utf8_spellings_give_same_key);
    tcase_add_test(tc, test_page_key_unreserved_escapes_are_decoded);
    tcase_add_test(tc, test_page_key_reserved_bytes_stay_escaped);
    tcase_add_test(tc, test_page_key_spaces_and_unsafe_bytes_are_escaped);
    tcase_add_test(tc, test_page_key_nul_is_refused);
    tcase_add_test(tc, test_page_key_encoded_slash_is_refused);
    tcase_add_test(tc, test_page_key_path_not_starting_with_slash_is_refused);
    tcase_add_test(tc, test_page_key_invalid_escape_is_refused);
    tcase_add_test(tc, test_page_key_length_limit);
    tcase_add_test(tc, test_page_key_length_limit_counts_escaped_bytes);
    tcase_add_test(tc, test_page_key_is_stable_on_its_own_output);
    suite_add_tcase(s, tc);

    tc = tcase_create("html_escape");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_html_escape_script_has_no_markup_left);
    tcase_add_test(tc, test_html_escape_ampersand);
    tcase_add_test(tc, test_html_escape_quotes_and_angle_brackets);
    tcase_add_test(tc, test_html_escape_plain_ascii_is_unchanged);
    tcase_add_test(tc, test_html_escape_non_ascii_becomes_hex_reference);
    tcase_add_test(tc, test_html_escape_invalid_byte_becomes_replacement);
    tcase_add_test(tc,
        test_html_escape_truncated_sequence_keeps_next_character);
    tcase_add_test(tc,
        test_html_escape_overlong_surrogate_and_too_large_are_replaced);
    tcase_add_test(tc,
        test_html_escape_control_characters_become_replacement);
    tcase_add_test(tc, test_html_escape_keeps_tab_newline_and_carriage_return);
    tcase_add_test(tc, test_html_escape_runs_and_single_characters_mixed);
    tcase_add_test(tc, test_ascii_refs_keeps_markup_and_refers_to_the_rest);
    tcase_add_test(tc, test_html_escape_empty_input_gives_empty_string);
    tcase_add_test(tc, test_html_escape_respects_len);
    tcase_add_test(tc,
        test_html_escape_noncharacters_keep_output_well_formed_xml);
    tcase_add_test(tc, test_html_escape_random_input_is_pure_ascii);
    suite_add_tcase(s, tc);

    tc = tcase_create("media_type");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_is_html_type_accepts_text_html);
    tcase_add_test(tc, test_is_html_type_sets_xhtml);
    tcase_add_test(tc, test_is_html_type_rejects_other_types);
    tcase_add_test(tc, test_charset_is_wide_for_utf16_and_utf32);
    tcase_add_test(tc, test_charset_is_not_wide_for_byte_charsets);
    tcase_add_test(tc, test_charset_is_wide_looks_only_at_charset_parameter);
    tcase_add_test(tc, test_charset_is_wide_stops_at_end_of_value);
    tcase_add_test(tc, test_is_html_type_stops_at_end_of_value);
    tcase_add_test(tc, test_has_wide_bom_for_utf16_and_utf32_marks);
    tcase_add_test(tc, test_has_wide_bom_not_for_utf8_mark_or_text);
    suite_add_tcase(s, tc);

    tc = tcase_create("comment_text");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_format_plain_line_is_one_paragraph);
    tcase_add_test(tc, test_format_blank_line_splits_paragraphs_and_newline_breaks);
    tcase_add_test(tc, test_format_escapes_markup_literally);
    tcase_add_test(tc, test_format_links_http_https_and_mailto);
    tcase_add_test(tc, test_format_never_links_other_schemes_or_mid_word);
    tcase_add_test(tc, test_format_link_stops_at_quote_and_angle);
    tcase_add_test(tc, test_format_output_is_ascii);
    tcase_add_test(tc, test_format_markdown_inline);
    tcase_add_test(tc, test_format_markdown_leaves_what_does_not_pair_up);
    tcase_add_test(tc, test_format_markdown_blocks);
    tcase_add_test(tc, test_format_markdown_never_makes_markup_from_text);
    tcase_add_test(tc, test_comment_check_accepts_text_and_counts_characters);
    tcase_add_test(tc, test_comment_check_refuses_empty_and_blank);
    tcase_add_test(tc, test_comment_check_limit_is_in_characters);
    tcase_add_test(tc, test_comment_check_refuses_controls_and_bad_utf8);
    tcase_add_test(tc, test_ascii_refs_keeps_markup_and_encodes_the_rest);
    suite_add_tcase(s, tc);

    tc = tcase_create("relative_time");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_time_relative_long_words);
    tcase_add_test(tc, test_time_relative_short_words);
    tcase_add_test(tc, test_time_relative_future_is_just_now);
    tcase_add_test(tc, test_hash_is_fnv1a);
    tcase_add_test(tc, test_ascii_refs_finds_every_byte_in_a_word);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(text_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
