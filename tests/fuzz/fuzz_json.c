/* fuzz_json.c: libFuzzer target for the JSON request mapping (jsonmap.c).
 *
 * The input is a request body as a client might send it. Whatever
 * Jansson accepts goes through every mapper; invariants: no crash, no
 * read outside the input; on success every string has no NUL inside,
 * parent ids are positive, choices are 0..1000000 and at most
 * SOCIAL_JSON_CHOICES_MAX, recipients are non-empty strings; on failure
 * a code and a message are set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "jsonmap.h"

static apr_pool_t *pool;

static void check(int ok)
{
    if (!ok) {
        __builtin_trap();
    }
}

static void check_refused(int rv, const social_json_error *e)
{
    if (rv != 0) {
        check(e->code != NULL && e->code[0] != '\0' && e->message != NULL);
    }
}

static void check_text(const char *s)
{
    /* strlen must agree with what Jansson holds: no NUL was let in. */
    if (s != NULL) {
        check(memchr(s, '\0', strlen(s) + 1) == s + strlen(s));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *req;
    social_json_error e;
    const char *page, *body, *status, *note;
    apr_int64_t parent;
    apr_array_header_t *to;
    int public, *choices, n, closed, rv, k;

    if (pool == NULL) {
        apr_initialize();
        apr_pool_create(&pool, NULL);
    }
    req = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (req == NULL) {
        return 0;
    }
    if (json_is_object(req)) {
        memset(&e, 0, sizeof(e));
        rv = social_json_comment_new(req, &page, &body, &parent, &e);
        check_refused(rv, &e);
        if (rv == 0) {
            check(page != NULL && parent >= 0);
            check_text(page);
            check_text(body);
            check((size_t)strlen(page) == json_string_length(json_object_get(req, "page")));
        }
        {
            const char *exact, *prefix, *suffix;
            apr_int64_t position;
            memset(&e, 0, sizeof(e));
            rv = social_json_anchor(req, &exact, &prefix, &suffix, &position, &e);
            check_refused(rv, &e);
            if (rv != 0) {
                check(e.field != NULL && strncmp(e.field, "anchor", 6) == 0);
            }
            else if (exact != NULL) {
                check(prefix != NULL && suffix != NULL);
                check(position >= 0 && position <= SOCIAL_JSON_ANCHOR_POSITION_MAX);
                check_text(exact);
                check_text(prefix);
                check_text(suffix);
            }
        }
        memset(&e, 0, sizeof(e));
        rv = social_json_comment_change(req, &body, &status, &e);
        check_refused(rv, &e);
        if (rv == 0) {
            check((body == NULL) != (status == NULL));
            check(status == NULL || strcmp(status, "hidden") == 0 || strcmp(status, "visible") == 0);
            check_text(body);
        }
        memset(&e, 0, sizeof(e));
        rv = social_json_share(pool, req, &page, &note, &to, &public, &e);
        check_refused(rv, &e);
        if (rv == 0) {
            check(page != NULL && public >= -1 && public <= 1);
            check(to->nelts <= SOCIAL_JSON_RECIPIENTS_MAX);
            for (k = 0; k < to->nelts; k++) {
                const char *name = APR_ARRAY_IDX(to, k, const char *);
                check(name[0] != '\0');
                check_text(name);
            }
        }
        memset(&e, 0, sizeof(e));
        rv = social_json_vote(pool, req, &choices, &n, &e);
        check_refused(rv, &e);
        if (rv == 0) {
            check(n >= 0 && n <= SOCIAL_JSON_CHOICES_MAX);
            for (k = 0; k < n; k++) {
                check(choices[k] >= 0 && choices[k] <= 1000000);
            }
        }
        memset(&e, 0, sizeof(e));
        rv = social_json_poll_closed(req, &closed, &e);
        check_refused(rv, &e);
        if (rv == 0) {
            check(closed == 0 || closed == 1);
        }
    }
    json_decref(req);
    apr_pool_clear(pool);
    return 0;
}
