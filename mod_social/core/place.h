/* place.h: where the discussion block goes on a page whose template
 * says so (SocialPlaceBefore).
 *
 * Pure C over byte buffers, like scan.h: a small selector grammar an
 * admin writes in the configuration, and the test of one start tag or
 * one comment against it. The scanner (scan.c) finds the tags and
 * comments as a browser's tokenizer does and keeps each candidate's
 * text, bounded by SOCIAL_PLACE_TAG_MAX; this file only says whether
 * that text matches.
 *
 * Grammar, one of:
 *   NAME          a start tag:            footer
 *   NAME#ID       a start tag with an id:  div#footer
 *   #ID           any start tag with an id
 *   NAME.CLASS    a start tag with a class among its classes: div.site-footer
 *   .CLASS        any start tag with that class
 *   <!--TEXT-->   a comment whose text, white space around it trimmed, is
 *                 TEXT (any letter case): <!--footer--> matches <!-- Footer -->
 * NAME is [A-Za-z][A-Za-z0-9-]* (any case on the page); ID and CLASS are
 * [A-Za-z0-9_-]+ and compared exactly, as browsers do in standards mode,
 * with the attribute's value as written (no character references).
 */
#ifndef SOCIAL_PLACE_H
#define SOCIAL_PLACE_H

#include <stddef.h>

/* Longest tag (name and attributes) or comment text examined; a longer
 * one is never a match. */
#define SOCIAL_PLACE_TAG_MAX 4096
/* Longest NAME, ID, CLASS or comment TEXT of a selector. */
#define SOCIAL_PLACE_WORD_MAX 64

typedef enum {
    SOCIAL_PLACE_TAG = 1,     /* a start tag, maybe with an id or a class */
    SOCIAL_PLACE_COMMENT      /* a comment <!--TEXT--> */
} social_place_kind;

typedef enum {
    SOCIAL_PLACE_ANY = 0,     /* the tag name alone decides */
    SOCIAL_PLACE_ID,          /* id="value" */
    SOCIAL_PLACE_CLASS        /* value among the words of class="..." */
} social_place_attr;

typedef struct {
    social_place_kind kind;
    social_place_attr attr;
    size_t name_len;          /* 0: any tag name */
    char name[SOCIAL_PLACE_WORD_MAX + 1];   /* lower case */
    size_t value_len;         /* ID, CLASS, or the comment's TEXT */
    char value[SOCIAL_PLACE_WORD_MAX + 1];
} social_place;

/* Parses spec into *p. Returns NULL, or a sentence saying what is wrong
 * (a static string). */
const char *social_place_parse(const char *spec, social_place *p);

/* Nonzero if the start tag whose text (after '<', before '>') is
 * tag[0..len) matches. The text is read as the HTML tokenizer reads a
 * tag: the name up to white space, '/' or the end; attributes with
 * values quoted by '"' or '\'', or unquoted; names in any case; the
 * first of two attributes of one name counts. */
int social_place_tag_matches(const social_place *p, const char *tag, size_t len);

/* Nonzero if the comment whose text (between "<!--" and "-->") is
 * text[0..len) matches. */
int social_place_comment_matches(const social_place *p, const char *text, size_t len);

/* Nonzero while a start tag name read so far, name[0..len) in lower
 * case, may still match (the scanner's early test, so it holds back and
 * keeps only the tags that may matter). */
int social_place_name_may_match(const social_place *p, const char *name, size_t len);

#endif /* SOCIAL_PLACE_H */
