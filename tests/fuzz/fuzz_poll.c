/* fuzz_poll.c: libFuzzer target for poll and ideas markers (scan.c's
 * marker parser and marker.c's definition parsers).
 *
 * The input is the text of a marker after "<!--" (with or without a
 * "social:poll " prefix added). Invariants: parsing never reads outside
 * the input; a parsed definition has 2..20 distinct, non-empty options, a
 * valid name, valid UTF-8 everywhere, and parsing the same marker twice
 * gives the same definition string. An ideas board has a valid name, a
 * title, 2..12 distinct non-empty statuses, each found at its index.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "marker.h"
#include "scan.h"
#include "text.h"

static apr_pool_t *pool;

static void check(int ok)
{
    if (!ok) {
        __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    size_t len;
    social_marker m;
    social_poll_def def, again;
    const char *why;
    int k, j;

    if (pool == NULL) {
        apr_initialize();
        apr_pool_create(&pool, NULL);
    }
    /* The first byte chooses whether to prefix "social:poll ". */
    if (size > 0 && (data[0] & 1)) {
        len = 12 + size - 1;
        text = malloc(len + 1);
        memcpy(text, "social:poll ", 12);
        memcpy(text + 12, data + 1, size - 1);
    }
    else {
        len = size;
        text = malloc(len + 1);
        memcpy(text, data, size);
    }
    text[len] = '\0';
    if (social_marker_parse(text, len, &m) == 0 && social_marker_is(&m, "poll")) {
        why = social_poll_def_parse(pool, &m, &def);
        if (why == NULL) {
            check(def.noptions >= 2 && def.noptions <= SOCIAL_POLL_OPTIONS_MAX);
            check(def.name[0] != '\0' && strlen(def.name) <= SOCIAL_POLL_NAME_MAX);
            check(social_text_utf8_valid(def.question, strlen(def.question)));
            for (k = 0; k < def.noptions; k++) {
                check(def.options[k][0] != '\0');
                check(social_text_utf8_valid(def.options[k], strlen(def.options[k])));
                for (j = 0; j < k; j++) {
                    check(strcmp(def.options[j], def.options[k]) != 0);
                }
            }
            check(social_poll_def_parse(pool, &m, &again) == NULL);
            check(strcmp(def.definition, again.definition) == 0);
        }
    }
    if (social_marker_parse(text, len, &m) == 0 && social_marker_is(&m, "ideas")) {
        social_ideas_def board, board_again;
        if (social_ideas_def_parse(pool, &m, &board) == NULL) {
            check(board.name[0] != '\0' && strlen(board.name) <= SOCIAL_POLL_NAME_MAX);
            check(social_text_utf8_valid(board.title, strlen(board.title)));
            check(board.nstatuses >= 2 && board.nstatuses <= SOCIAL_IDEAS_STATUSES_MAX);
            for (k = 0; k < board.nstatuses; k++) {
                check(board.statuses[k][0] != '\0');
                check(social_ideas_status_index(board.status_list, board.statuses[k]) == k);
            }
            check(social_ideas_def_parse(pool, &m, &board_again) == NULL);
            check(strcmp(board.definition, board_again.definition) == 0);
        }
    }
    free(text);
    apr_pool_clear(pool);
    return 0;
}
