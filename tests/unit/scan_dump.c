/* scan_dump.c: prints what the streaming scanner (scan.h) reports for
 * files, for the differential test against html5lib
 * (tests/integration/test_scan_differential.py) and for measuring the
 * scanner's cost.
 *
 *   scan_dump [--pieces N,N,...] [--repeat N] [--place SELECTOR] FILE...
 *
 * Each file is fed in pieces of the given sizes, used in turn over and
 * over (default: the whole file at once), and its events are printed as
 *
 *   FILE path
 *   BODY_END start end
 *   HTML_END start end
 *   MARKER start end hex-of-text
 *   MARKER_BAD start end
 *   OPT_OUT start end
 *   PLACE start end      (the first match of --place, place.h's grammar)
 *
 * with stream byte offsets [start, end). --repeat N scans every file N
 * times and prints only the first pass (for callgrind or a timer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define PIECES_MAX 64

static const char *event_name(social_scan_event_type type)
{
    switch (type) {
    case SOCIAL_SCAN_BODY_END:   return "BODY_END";
    case SOCIAL_SCAN_HTML_END:   return "HTML_END";
    case SOCIAL_SCAN_MARKER:     return "MARKER";
    case SOCIAL_SCAN_MARKER_BAD: return "MARKER_BAD";
    case SOCIAL_SCAN_OPT_OUT:    return "OPT_OUT";
    case SOCIAL_SCAN_PLACE:      return "PLACE";
    default:                     return "NONE";
    }
}

static char *file_read(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *data = NULL;
    size_t size = 0, used = 0;

    if (fp == NULL) {
        return NULL;
    }
    for (;;) {
        size_t n;
        if (used == size) {
            char *bigger;
            size = size ? size * 2 : 65536;
            bigger = realloc(data, size);
            if (bigger == NULL) {
                free(data);
                fclose(fp);
                return NULL;
            }
            data = bigger;
        }
        n = fread(data + used, 1, size - used, fp);
        used += n;
        if (n == 0) {
            break;
        }
    }
    fclose(fp);
    *len = used;
    return data;
}

/* Scans data[0..len) in the pieces given; prints the events if print. */
static social_place place;
static int place_set;

static unsigned long scan_file(const char *data, size_t len,
                               const size_t *pieces, int npieces, int print)
{
    static social_scan s;
    unsigned long events = 0;
    size_t pos = 0;
    int k = 0;

    social_scan_init(&s);
    social_scan_place(&s, place_set ? &place : NULL);
    while (pos < len) {
        size_t stop = len;
        if (npieces > 0) {
            stop = pos + pieces[k];
            k = (k + 1) % npieces;
            if (stop > len) {
                stop = len;
            }
        }
        while (pos < stop) {
            social_scan_event ev;
            size_t n = social_scan_feed(&s, data + pos, stop - pos, &ev);
            size_t i;

            pos += n;
            if (ev.type == SOCIAL_SCAN_NONE) {
                continue;
            }
            events++;
            if (!print) {
                continue;
            }
            printf("%s %llu %llu", event_name(ev.type),
                   (unsigned long long)ev.start, (unsigned long long)ev.end);
            if (ev.type == SOCIAL_SCAN_MARKER) {
                putchar(' ');
                for (i = 0; i < ev.text_len; i++) {
                    printf("%02x", (unsigned char)ev.text[i]);
                }
            }
            putchar('\n');
        }
    }
    return events;
}

int main(int argc, char **argv)
{
    size_t pieces[PIECES_MAX];
    int npieces = 0;
    long repeat = 1;
    int i;

    for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--pieces") == 0 && i + 1 < argc) {
            char *p = argv[++i];
            while (*p != '\0' && npieces < PIECES_MAX) {
                char *end;
                unsigned long n = strtoul(p, &end, 10);
                if (end == p || n == 0) {
                    fprintf(stderr, "scan_dump: bad --pieces\n");
                    return 2;
                }
                pieces[npieces++] = n;
                p = (*end == ',') ? end + 1 : end;
            }
        }
        else if (strcmp(argv[i], "--place") == 0 && i + 1 < argc) {
            const char *error = social_place_parse(argv[++i], &place);
            if (error != NULL) {
                fprintf(stderr, "scan_dump: --place: %s\n", error);
                return 2;
            }
            place_set = 1;
        }
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = strtol(argv[++i], NULL, 10);
        }
        else {
            fprintf(stderr, "usage: scan_dump [--pieces N,N,...] "
                    "[--repeat N] [--place SELECTOR] FILE...\n");
            return 2;
        }
    }
    for (; i < argc; i++) {
        size_t len = 0;
        char *data = file_read(argv[i], &len);
        long r;

        if (data == NULL) {
            fprintf(stderr, "scan_dump: cannot read %s\n", argv[i]);
            return 1;
        }
        printf("FILE %s\n", argv[i]);
        scan_file(data, len, pieces, npieces, 1);
        for (r = 1; r < repeat; r++) {
            scan_file(data, len, pieces, npieces, 0);
        }
        free(data);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
