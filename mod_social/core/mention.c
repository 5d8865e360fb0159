/* mention.c: finding @mentions in plain comment text. */
#include <string.h>

#include <apr_strings.h>

#include "mention.h"

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == '-';
}

size_t social_mention_at(const char *s, char prev)
{
    size_t n = 1;

    if (s[0] != '@' || name_char(prev) || prev == '@' || prev == '/' || prev == ':') {
        return 0;
    }
    while (name_char(s[n]) && n <= 255) {
        n++;
    }
    if (name_char(s[n])) {
        return 0;   /* longer than any user name: not a mention */
    }
    while (n > 1 && (s[n - 1] == '.' || s[n - 1] == '-')) {
        n--;
    }
    return n > 1 && n <= 256 ? n : 0;
}

apr_array_header_t *social_mention_names(apr_pool_t *p, const char *s)
{
    apr_array_header_t *names = apr_array_make(p, 2, sizeof(const char *));
    char prev = '\0';
    size_t k = 0;

    while (s[k] != '\0' && names->nelts < SOCIAL_MENTION_MAX) {
        size_t n = s[k] == '@' ? social_mention_at(s + k, prev) : 0;
        if (n > 0) {
            const char *name = apr_pstrmemdup(p, s + k + 1, n - 1);
            int j, seen = 0;
            for (j = 0; j < names->nelts; j++) {
                seen |= strcmp(APR_ARRAY_IDX(names, j, const char *), name) == 0;
            }
            if (!seen) {
                APR_ARRAY_PUSH(names, const char *) = name;
            }
            k += n;
            prev = s[k - 1];
            continue;
        }
        prev = s[k++];
    }
    return names;
}

char *social_mention_link_html(apr_pool_t *p, const char *html, const char *base)
{
    apr_array_header_t *out = apr_array_make(p, 16, sizeof(const char *));
    const char *start = html, *s = html;
    char prev = '\0';
    int in_tag = 0, in_link = 0;

    while (*s != '\0') {
        size_t n;
        if (in_tag) {
            in_tag = *s != '>';
            prev = *s++;
            continue;
        }
        if (*s == '<') {
            if (strncmp(s, "<a ", 3) == 0) {
                in_link = 1;
            }
            else if (strncmp(s, "</a>", 4) == 0) {
                in_link = 0;
            }
            in_tag = 1;
            prev = *s++;
            continue;
        }
        n = (!in_link && *s == '@') ? social_mention_at(s, prev) : 0;
        if (n == 0) {
            prev = *s++;
            continue;
        }
        APR_ARRAY_PUSH(out, const char *) = apr_pstrmemdup(p, start, (apr_size_t)(s - start));
        APR_ARRAY_PUSH(out, const char *) = apr_pstrcat(p,
            "<a class=\"social-mention\" href=\"", base, "?user=",
            apr_pstrmemdup(p, s + 1, n - 1), "\">", apr_pstrmemdup(p, s, n), "</a>", NULL);
        s += n;
        prev = s[-1];
        start = s;
    }
    APR_ARRAY_PUSH(out, const char *) = start;
    return apr_array_pstrcat(p, out, '\0');
}
