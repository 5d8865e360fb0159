/* frame.c: a module page inside the site's frame (see frame.h). */
#include "frame.h"

#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#define MARKER "<!--social:discussion-->"

/* The first place of needle (ASCII, lower case) in s[0..n) whatever the
 * case of s, from the end if last; -1 if none. */
static apr_ssize_t find_nocase(const char *s, apr_size_t n, const char *needle, int last)
{
    apr_size_t m = strlen(needle), k, j;
    apr_ssize_t found = -1;

    if (m == 0 || n < m) {
        return -1;
    }
    for (k = 0; k + m <= n; k++) {
        for (j = 0; j < m && apr_tolower((unsigned char)s[k + j]) == needle[j]; j++) {
        }
        if (j == m) {
            found = (apr_ssize_t)k;
            if (!last) {
                break;
            }
        }
    }
    return found;
}

/* One cut of the frame: bytes [from, to) are replaced by text. */
typedef struct {
    apr_size_t from, to;
    const char *text;
    apr_size_t len;
} cut;

char *social_frame_compose(apr_pool_t *p, const char *frame, apr_size_t frame_len,
                           const char *page, apr_size_t page_len, apr_size_t *out_len)
{
    apr_ssize_t main_at, main_end, head_end, links_at, at, title_at, title_end;
    apr_ssize_t page_title, page_title_end, page_head_end;
    cut cuts[3];
    int ncuts = 0, k, j;
    char *out, *o;
    apr_size_t total, pos;
    const char *links = "";

    if (memchr(frame, '\0', frame_len) != NULL) {
        return NULL;
    }
    main_at = find_nocase(page, page_len, "<main", 0);
    main_end = find_nocase(page, page_len, "</main>", 1);
    if (main_at < 0 || main_end < main_at) {
        return NULL;
    }
    main_end += (apr_ssize_t)strlen("</main>");

    /* the page's stylesheet links: every <link ...> line of its <head> */
    page_head_end = find_nocase(page, page_len, "</head>", 0);
    if (page_head_end > 0) {
        apr_size_t from = 0;
        apr_ssize_t l;

        while ((l = find_nocase(page + from, (apr_size_t)page_head_end - from, "<link", 0)) >= 0) {
            const char *start = page + from + l;
            const char *end = memchr(start, '>', (apr_size_t)(page + page_head_end - start));

            if (end == NULL) {
                break;
            }
            links = apr_pstrcat(p, links, apr_pstrmemdup(p, start, (apr_size_t)(end - start + 1)),
                                "\n", NULL);
            from = (apr_size_t)(end + 1 - page);
        }
    }

    /* the frame's <title> text takes the page's */
    title_at = find_nocase(frame, frame_len, "<title", 0);
    if (title_at >= 0) {
        const char *gt = memchr(frame + title_at, '>', frame_len - (apr_size_t)title_at);
        title_at = gt ? gt + 1 - frame : -1;
    }
    title_end = title_at >= 0 ? find_nocase(frame + title_at, frame_len - (apr_size_t)title_at,
                                            "</title", 0) : -1;
    page_title = find_nocase(page, page_len, "<title>", 0);
    page_title_end = page_title >= 0 ? find_nocase(page, page_len, "</title>", 0) : -1;
    if (title_at >= 0 && title_end >= 0 && page_title >= 0 && page_title_end > page_title) {
        page_title += (apr_ssize_t)strlen("<title>");
        cuts[ncuts].from = (apr_size_t)title_at;
        cuts[ncuts].to = (apr_size_t)(title_at + title_end);
        cuts[ncuts].text = page + page_title;
        cuts[ncuts].len = (apr_size_t)(page_title_end - page_title);
        ncuts++;
    }

    /* the links before the frame's </head> (else just before the page) */
    head_end = find_nocase(frame, frame_len, "</head>", 0);
    links_at = head_end;

    /* the page where the frame says, else before its last </body> */
    at = find_nocase(frame, frame_len, MARKER, 0);
    if (at >= 0) {
        cuts[ncuts].from = (apr_size_t)at;
        cuts[ncuts].to = (apr_size_t)at + strlen(MARKER);
    }
    else {
        at = find_nocase(frame, frame_len, "</body", 1);
        if (at < 0) {
            at = (apr_ssize_t)frame_len;
        }
        cuts[ncuts].from = cuts[ncuts].to = (apr_size_t)at;
    }
    if (links_at < 0 || links_at > at) {
        /* no head before the place: the links go in with the page */
        cuts[ncuts].text = apr_pstrcat(p, links, apr_pstrmemdup(p, page + main_at,
                                       (apr_size_t)(main_end - main_at)), NULL);
        cuts[ncuts].len = strlen(cuts[ncuts].text);
        links_at = -1;
    }
    else {
        cuts[ncuts].text = page + main_at;
        cuts[ncuts].len = (apr_size_t)(main_end - main_at);
    }
    ncuts++;
    if (links_at >= 0 && *links != '\0') {
        cuts[ncuts].from = cuts[ncuts].to = (apr_size_t)links_at;
        cuts[ncuts].text = links;
        cuts[ncuts].len = strlen(links);
        ncuts++;
    }
    /* in the frame's order (insertion sort of at most three) */
    for (k = 1; k < ncuts; k++) {
        for (j = k; j > 0 && cuts[j].from < cuts[j - 1].from; j--) {
            cut t = cuts[j];
            cuts[j] = cuts[j - 1];
            cuts[j - 1] = t;
        }
    }
    total = frame_len;
    for (k = 0; k < ncuts; k++) {
        if (k > 0 && cuts[k].from < cuts[k - 1].to) {
            return NULL;   /* overlapping places: a frame too odd to use */
        }
        total += cuts[k].len - (cuts[k].to - cuts[k].from);
    }
    out = o = apr_palloc(p, total + 1);
    pos = 0;
    for (k = 0; k < ncuts; k++) {
        memcpy(o, frame + pos, cuts[k].from - pos);
        o += cuts[k].from - pos;
        memcpy(o, cuts[k].text, cuts[k].len);
        o += cuts[k].len;
        pos = cuts[k].to;
    }
    memcpy(o, frame + pos, frame_len - pos);
    o += frame_len - pos;
    *o = '\0';
    *out_len = total;
    return out;
}
