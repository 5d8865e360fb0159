/* fuzz_tz.c: libFuzzer target for the TZif reader (tz.c).
 *
 * Each input is read as a whole TZif file and, when its first byte is
 * odd, its rest as the TZ rule of a footer-only version 2 file. Whatever
 * parses is asked for local times over four centuries around the epoch
 * and around its own transitions; every answer must be a real date with
 * an offset within a day and an abbreviation. The APR pool is cleared
 * after every input.
 *
 * Build (from the top of the tree):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *         -fno-sanitize-recover=all -I mod_social/core \
 *         $(apr-1-config --includes --cppflags) \
 *         tests/fuzz/fuzz_tz.c mod_social/core/tz.c \
 *         $(apr-1-config --link-ld) -o fuzz_tz
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "tz.h"

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            __builtin_trap();                                              \
        }                                                                  \
    } while (0)

static apr_pool_t *pool;

static void check_at(const social_tz *zone, apr_int64_t seconds)
{
    social_tz_local l;

    social_tz_convert(zone, apr_time_from_sec(seconds), &l);
    CHECK(l.abbr != NULL);
    CHECK(l.offset > -26 * 3600 && l.offset < 27 * 3600);
    CHECK(l.tm.tm_gmtoff == l.offset);
    CHECK(l.tm.tm_mon >= 0 && l.tm.tm_mon <= 11);
    CHECK(l.tm.tm_mday >= 1 && l.tm.tm_mday <= 31);
    CHECK(l.tm.tm_hour >= 0 && l.tm.tm_hour <= 23);
    CHECK(l.tm.tm_min >= 0 && l.tm.tm_min <= 59);
}

static void check_zone(const social_tz *zone, const uint8_t *data, size_t size)
{
    apr_int64_t s;
    size_t k;

    for (s = -200LL * 365 * 86400; s <= 200LL * 365 * 86400; s += 86400LL * 97 + 3601) {
        check_at(zone, s);
    }
    /* times the input itself names */
    for (k = 0; k + 4 <= size && k < 256; k += 4) {
        apr_int64_t t = (apr_int32_t)(((uint32_t)data[k] << 24) | ((uint32_t)data[k + 1] << 16)
                                      | ((uint32_t)data[k + 2] << 8) | data[k + 3]);
        check_at(zone, t);
        check_at(zone, t * 3);
    }
}

/* A version 2 file with no transitions and rule as its footer. */
static size_t footer_only(unsigned char *buf, size_t cap, const uint8_t *rule, size_t n)
{
    unsigned char *b = buf;
    int pass;

    if (n + 2 + 2 * 54 > cap || memchr(rule, '\n', n) != NULL) {
        return 0;
    }
    for (pass = 0; pass < 2; pass++) {
        memset(b, 0, 54);
        memcpy(b, "TZif2", 5);
        b[39] = 1;
        b[43] = 4;
        memcpy(b + 50, "UTC", 4);
        b += 54;
    }
    *b++ = '\n';
    memcpy(b, rule, n);
    b += n;
    *b++ = '\n';
    return (size_t)(b - buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned char buf[4096];
    const char *error = NULL;
    social_tz *zone;
    size_t n;

    if (pool == NULL) {
        apr_initialize();
        apr_pool_create(&pool, NULL);
    }
    zone = social_tz_parse(pool, "fuzz", data, size, &error);
    CHECK(zone != NULL || error != NULL);
    if (zone != NULL) {
        check_zone(zone, data, size);
    }
    if (size > 1 && (data[0] & 1) && (n = footer_only(buf, sizeof(buf), data + 1, size - 1)) > 0) {
        error = NULL;
        zone = social_tz_parse(pool, "fuzz-rule", buf, n, &error);
        CHECK(zone != NULL || error != NULL);
        if (zone != NULL) {
            check_zone(zone, data, size);
        }
    }
    apr_pool_clear(pool);
    return 0;
}
