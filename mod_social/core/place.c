/* place.c: the SocialPlaceBefore selector (see place.h). */
#include <string.h>

#include "place.h"

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int is_name_char(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || c == '-';
}

static int is_word_char(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '_';
}

static int same_ignoring_case(const char *a, const char *b, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++) {
        if (lower((unsigned char)a[k]) != lower((unsigned char)b[k])) {
            return 0;
        }
    }
    return 1;
}

static const char usage[] =
    "takes a tag name, optionally with #id or .class (footer, div#footer, "
    "#footer, .site-footer), a comment such as <!--footer-->, or none";

/* <!--TEXT-->: printable ASCII, white space around it dropped. */
static const char *comment_parse(const char *spec, social_place *p)
{
    size_t n = strlen(spec), k;
    const char *text, *end;

    if (n < 7 || memcmp(spec + n - 3, "-->", 3) != 0) {
        return usage;
    }
    text = spec + 4;
    end = spec + n - 3;
    while (text < end && is_space((unsigned char)*text)) {
        text++;
    }
    while (end > text && is_space((unsigned char)end[-1])) {
        end--;
    }
    if (text == end) {
        return "the comment of a placement selector must hold some text, "
               "e.g. <!--footer-->";
    }
    if ((size_t)(end - text) > SOCIAL_PLACE_WORD_MAX) {
        return "the comment of a placement selector is longer than 64 characters";
    }
    for (k = 0; text + k < end; k++) {
        unsigned char c = (unsigned char)text[k];
        if (c < 0x20 || c > 0x7e || c == '>' || c == '<'
            || (c == '-' && text + k + 1 < end && text[k + 1] == '-')) {
            return "the comment of a placement selector may hold printable "
                   "ASCII without '<', '>' or \"--\"";
        }
    }
    if ((size_t)(end - text) >= 7 && same_ignoring_case(text, "social:", 7)) {
        return "a <!--social:...--> marker is a page author's own placement, "
               "not a selector";
    }
    p->kind = SOCIAL_PLACE_COMMENT;
    p->value_len = (size_t)(end - text);
    memcpy(p->value, text, p->value_len);
    p->value[p->value_len] = '\0';
    return NULL;
}

const char *social_place_parse(const char *spec, social_place *p)
{
    const char *s = spec, *word;

    memset(p, 0, sizeof(*p));
    if (strncmp(s, "<!--", 4) == 0) {
        return comment_parse(s, p);
    }
    p->kind = SOCIAL_PLACE_TAG;
    if (is_alpha((unsigned char)*s)) {
        while (is_name_char((unsigned char)*s)) {
            if (p->name_len == SOCIAL_PLACE_WORD_MAX) {
                return "the tag name of a placement selector is longer than "
                       "64 characters";
            }
            p->name[p->name_len++] = (char)lower((unsigned char)*s);
            s++;
        }
    }
    if (*s == '#' || *s == '.') {
        p->attr = *s == '#' ? SOCIAL_PLACE_ID : SOCIAL_PLACE_CLASS;
        word = ++s;
        while (is_word_char((unsigned char)*s)) {
            s++;
        }
        if (s == word) {
            return usage;
        }
        if ((size_t)(s - word) > SOCIAL_PLACE_WORD_MAX) {
            return "the id or class of a placement selector is longer than "
                   "64 characters";
        }
        p->value_len = (size_t)(s - word);
        memcpy(p->value, word, p->value_len);
        p->value[p->value_len] = '\0';
    }
    if (*s != '\0' || (p->name_len == 0 && p->attr == SOCIAL_PLACE_ANY)) {
        return usage;
    }
    return NULL;
}

int social_place_name_may_match(const social_place *p, const char *name, size_t len)
{
    if (p->kind != SOCIAL_PLACE_TAG) {
        return 0;
    }
    if (p->name_len == 0) {
        return 1;
    }
    return len <= p->name_len && memcmp(p->name, name, len) == 0;
}

/* One attribute of a tag, as the tokenizer splits them. */
typedef struct {
    const char *name, *value;
    size_t name_len, value_len;
} tag_attr;

/* The next attribute of tag text from *at to end, or 0 at the end. The
 * tokenizer's attribute states: '/' and white space separate; a name
 * runs to white space, '/', '=' (not first) or the end; a value is
 * quoted by its first byte or runs to white space. */
static int attr_next(const char **at, const char *end, tag_attr *a)
{
    const char *p = *at;

    while (p < end && (is_space((unsigned char)*p) || *p == '/')) {
        p++;
    }
    if (p == end) {
        *at = p;
        return 0;
    }
    a->name = p++;   /* the first byte belongs to the name, even '=' */
    while (p < end && !is_space((unsigned char)*p) && *p != '/' && *p != '=') {
        p++;
    }
    a->name_len = (size_t)(p - a->name);
    a->value = p;
    a->value_len = 0;
    {
        const char *q = p;
        while (q < end && is_space((unsigned char)*q)) {
            q++;
        }
        if (q < end && *q == '=') {
            p = q + 1;
            while (p < end && is_space((unsigned char)*p)) {
                p++;
            }
            if (p < end && (*p == '"' || *p == '\'')) {
                const char *close = memchr(p + 1, *p, (size_t)(end - p - 1));
                if (close == NULL) {
                    *at = end;   /* the tag never ended: nothing in it counts */
                    return 0;
                }
                a->value = p + 1;
                a->value_len = (size_t)(close - p - 1);
                p = close + 1;
            }
            else {
                a->value = p;
                while (p < end && !is_space((unsigned char)*p)) {
                    p++;
                }
                a->value_len = (size_t)(p - a->value);
            }
        }
    }
    *at = p;
    return 1;
}

/* Nonzero if word is one of the white-space separated words of list. */
static int has_word(const char *list, size_t len, const char *word, size_t n)
{
    const char *p = list, *end = list + len;

    while (p < end) {
        const char *start;
        while (p < end && is_space((unsigned char)*p)) {
            p++;
        }
        start = p;
        while (p < end && !is_space((unsigned char)*p)) {
            p++;
        }
        if ((size_t)(p - start) == n && n > 0 && memcmp(start, word, n) == 0) {
            return 1;
        }
    }
    return 0;
}

int social_place_tag_matches(const social_place *p, const char *tag, size_t len)
{
    const char *at = tag, *end = tag + len, *name = tag;
    const char *wanted = p->attr == SOCIAL_PLACE_ID ? "id" : "class";
    size_t name_len, wanted_len = strlen(wanted);
    tag_attr a;

    if (p->kind != SOCIAL_PLACE_TAG || len == 0 || !is_alpha((unsigned char)*tag)) {
        return 0;
    }
    while (at < end && !is_space((unsigned char)*at) && *at != '/') {
        at++;
    }
    name_len = (size_t)(at - name);
    if (p->name_len != 0
        && (name_len != p->name_len || !same_ignoring_case(name, p->name, name_len))) {
        return 0;
    }
    if (p->attr == SOCIAL_PLACE_ANY) {
        return 1;
    }
    while (attr_next(&at, end, &a)) {
        if (a.name_len == wanted_len && same_ignoring_case(a.name, wanted, wanted_len)) {
            /* The tokenizer drops a second attribute of the same name. */
            if (p->attr == SOCIAL_PLACE_ID) {
                return a.value_len == p->value_len
                    && memcmp(a.value, p->value, p->value_len) == 0;
            }
            return has_word(a.value, a.value_len, p->value, p->value_len);
        }
    }
    return 0;
}

int social_place_comment_matches(const social_place *p, const char *text, size_t len)
{
    const char *end = text + len;

    if (p->kind != SOCIAL_PLACE_COMMENT) {
        return 0;
    }
    while (text < end && is_space((unsigned char)*text)) {
        text++;
    }
    while (end > text && is_space((unsigned char)end[-1])) {
        end--;
    }
    return (size_t)(end - text) == p->value_len
        && same_ignoring_case(text, p->value, p->value_len);
}
