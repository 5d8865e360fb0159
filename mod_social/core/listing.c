/* listing.c: the entries of a directory listing, as it streams. */
#include <string.h>

#include <apr_strings.h>

#include "listing.h"

void social_listing_init(social_listing *l)
{
    l->offset = 0;
    l->in_tag = 0;
    l->quote = 0;
    l->overflow = 0;
    l->tag_len = 0;
    l->tag[0] = '\0';
    l->in_link = 0;
    l->href_len = 0;
    l->href[0] = '\0';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The href attribute of the start tag text t[0..n) ("a href=..."), into
 * l->href; 0 if it has one. */
static int href_read(social_listing *l, const char *t, size_t n)
{
    size_t i = 1;

    while (i < n) {
        size_t name, name_len;

        while (i < n && (is_space(t[i]) || t[i] == '/')) {
            i++;
        }
        name = i;
        while (i < n && !is_space(t[i]) && t[i] != '=' && t[i] != '/') {
            i++;
        }
        name_len = i - name;
        while (i < n && is_space(t[i])) {
            i++;
        }
        if (i < n && t[i] == '=') {
            size_t value, value_len;
            i++;
            while (i < n && is_space(t[i])) {
                i++;
            }
            if (i < n && (t[i] == '"' || t[i] == '\'')) {
                char q = t[i++];
                value = i;
                while (i < n && t[i] != q) {
                    i++;
                }
                value_len = i - value;
                i++;
            }
            else {
                value = i;
                while (i < n && !is_space(t[i])) {
                    i++;
                }
                value_len = i - value;
            }
            if (name_len == 4 && lower(t[name]) == 'h' && lower(t[name + 1]) == 'r'
                && lower(t[name + 2]) == 'e' && lower(t[name + 3]) == 'f') {
                if (memchr(t + value, '\0', value_len) != NULL) {
                    return -1;   /* no name of a file holds a NUL */
                }
                memcpy(l->href, t + value, value_len);
                l->href[value_len] = '\0';
                l->href_len = value_len;
                return 0;
            }
        }
        else if (name_len == 0) {
            i++;
        }
    }
    return -1;
}

/* At a tag's '>': does it open or close a link? 1 if a link ended. */
static int tag_end(social_listing *l)
{
    const char *t = l->tag;
    size_t n = l->tag_len;

    if (l->overflow) {
        return 0;
    }
    if (n >= 1 && lower(t[0]) == 'a' && (n == 1 || is_space(t[1]))) {
        l->in_link = href_read(l, t, n) == 0;
        return 0;
    }
    if (n >= 2 && t[0] == '/' && lower(t[1]) == 'a' && (n == 2 || is_space(t[2]))) {
        int ended = l->in_link;
        l->in_link = 0;
        return ended;
    }
    return 0;
}

size_t social_listing_feed(social_listing *l, const char *buf, size_t len, int *found)
{
    size_t i = 0;

    *found = 0;
    while (i < len) {
        char c = buf[i++];

        if (!l->in_tag) {
            const char *lt;
            if (c != '<') {
                /* text: skip to the next '<' at once */
                lt = memchr(buf + i, '<', len - i);
                i = lt ? (size_t)(lt - buf) : len;
                continue;
            }
            l->in_tag = 1;
            l->quote = 0;
            l->overflow = 0;
            l->tag_len = 0;
            continue;
        }
        if (l->quote != 0) {
            if (c == l->quote) {
                l->quote = 0;
            }
        }
        else if (c == '"' || c == '\'') {
            l->quote = c;
        }
        else if (c == '>') {
            l->in_tag = 0;
            l->tag[l->tag_len] = '\0';
            if (tag_end(l)) {
                *found = 1;
                break;
            }
            continue;
        }
        if (l->tag_len < SOCIAL_LISTING_TAG_MAX) {
            l->tag[l->tag_len++] = c;
        }
        else {
            l->overflow = 1;
        }
    }
    l->offset += i;
    return i;
}

const char *social_listing_href(const social_listing *l, size_t *len)
{
    *len = l->href_len;
    return l->href;
}

uint64_t social_listing_offset(const social_listing *l)
{
    return l->offset;
}

const char *social_listing_entry(apr_pool_t *p, const char *folder, const char *href,
                                 size_t len)
{
    size_t k, folder_len = strlen(folder);

    if (len == 0 || href[0] == '.' || href[0] == '/' || folder_len == 0
        || folder[folder_len - 1] != '/') {
        return NULL;
    }
    for (k = 0; k < len; k++) {
        char c = href[k];
        if (c == '?' || c == '#' || c == ':' || c == '&' || c == '\\'
            || (unsigned char)c < 0x21 || (unsigned char)c > 0x7e
            || (c == '/' && k != len - 1)) {
            return NULL;
        }
    }
    return apr_pstrcat(p, folder, apr_pstrmemdup(p, href, len), NULL);
}
