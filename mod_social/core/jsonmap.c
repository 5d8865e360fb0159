/* jsonmap.c: client JSON request bodies -> plain C values (jsonmap.h). */
#include <string.h>

#include "jsonmap.h"

static int refuse(social_json_error *e, const char *code, const char *message)
{
    e->code = code;
    e->message = message;
    e->field = NULL;
    return -1;
}

static int refuse_anchor(social_json_error *e, const char *field, const char *message)
{
    refuse(e, "invalid_anchor", message);
    e->field = field;
    return -1;
}

int social_json_string(const json_t *obj, const char *name, const char **value)
{
    json_t *v = json_object_get(obj, name);

    *value = NULL;
    if (v == NULL || json_is_null(v)) {
        return 0;
    }
    if (!json_is_string(v)) {
        return -1;
    }
    *value = json_string_value(v);
    return strlen(*value) == json_string_length(v) ? 0 : -2;
}

int social_json_comment_new(const json_t *req, const char **page, const char **body,
                            apr_int64_t *parent, social_json_error *e)
{
    json_t *parent_v;

    *parent = 0;
    if (social_json_string(req, "page", page) != 0) {
        return refuse(e, "invalid_page", "page must be a string");
    }
    switch (social_json_string(req, "body", body)) {
    case -1:
        return refuse(e, "invalid_body", "body must be a string");
    case -2:
        return refuse(e, "invalid_body", "the text holds control characters");
    default:
        break;
    }
    parent_v = json_object_get(req, "parent");
    if (parent_v != NULL && !json_is_null(parent_v)) {
        if (!json_is_integer(parent_v) || json_integer_value(parent_v) <= 0) {
            return refuse(e, "invalid_parent", "parent must be a comment id");
        }
        *parent = json_integer_value(parent_v);
    }
    if (*page == NULL) {
        return refuse(e, "invalid_page", "page is missing");
    }
    return 0;
}

/* The string members of an anchor, with the messages that name them. */
typedef struct {
    const char *name;
    const char *field;
    const char *not_string;
    const char *has_nul;
} anchor_member;

static const anchor_member anchor_members[] = {
    { "exact", "anchor.exact", "anchor.exact must be a string",
      "anchor.exact: the text holds control characters" },
    { "prefix", "anchor.prefix", "anchor.prefix must be a string",
      "anchor.prefix: the text holds control characters" },
    { "suffix", "anchor.suffix", "anchor.suffix must be a string",
      "anchor.suffix: the text holds control characters" },
};

/* A string member of the anchor: "" when absent or null. */
static int anchor_string(const json_t *anchor, const anchor_member *m,
                         const char **value, social_json_error *e)
{
    switch (social_json_string(anchor, m->name, value)) {
    case -1:
        return refuse_anchor(e, m->field, m->not_string);
    case -2:
        return refuse_anchor(e, m->field, m->has_nul);
    default:
        break;
    }
    if (*value == NULL) {
        *value = "";
    }
    return 0;
}

int social_json_anchor(const json_t *req, const char **exact, const char **prefix,
                       const char **suffix, apr_int64_t *position,
                       social_json_error *e)
{
    json_t *anchor = json_object_get(req, "anchor");
    json_t *pos;

    *exact = *prefix = *suffix = NULL;
    *position = 0;
    if (anchor == NULL || json_is_null(anchor)) {
        return 0;
    }
    if (!json_is_object(anchor)) {
        return refuse_anchor(e, "anchor",
                             "anchor must be an object {exact, prefix, suffix, position}");
    }
    if (json_object_get(anchor, "exact") == NULL
        || json_is_null(json_object_get(anchor, "exact"))) {
        return refuse_anchor(e, "anchor.exact", "anchor.exact (the quoted passage) is missing");
    }
    if (anchor_string(anchor, &anchor_members[0], exact, e) != 0
        || anchor_string(anchor, &anchor_members[1], prefix, e) != 0
        || anchor_string(anchor, &anchor_members[2], suffix, e) != 0) {
        return -1;
    }
    pos = json_object_get(anchor, "position");
    if (pos != NULL && !json_is_null(pos)) {
        if (!json_is_integer(pos) || json_integer_value(pos) < 0
            || json_integer_value(pos) > SOCIAL_JSON_ANCHOR_POSITION_MAX) {
            return refuse_anchor(e, "anchor.position",
                                 "anchor.position must be a whole number from 0 to 100000000");
        }
        *position = json_integer_value(pos);
    }
    return 0;
}

int social_json_comment_change(const json_t *req, const char **body, const char **status,
                               social_json_error *e)
{
    int b = social_json_string(req, "body", body);

    if (b == -2) {
        return refuse(e, "invalid_body", "the text holds control characters");
    }
    if (b != 0 || social_json_string(req, "status", status) != 0) {
        return refuse(e, "invalid_field", "body and status must be strings");
    }
    if ((*body == NULL) == (*status == NULL)) {
        return refuse(e, "invalid_field", "send either body (edit) or status (moderate)");
    }
    if (*status != NULL && strcmp(*status, "hidden") != 0 && strcmp(*status, "visible") != 0) {
        return refuse(e, "invalid_status", "status must be \"hidden\" or \"visible\"");
    }
    return 0;
}

int social_json_share(apr_pool_t *p, const json_t *req, const char **page,
                      const char **note, apr_array_header_t **to, int *public,
                      social_json_error *e)
{
    json_t *to_v, *pub_v;
    size_t k;

    *to = apr_array_make(p, 4, sizeof(const char *));
    *public = -1;
    if (social_json_string(req, "note", note) == -2) {
        return refuse(e, "invalid_note",
                      "the note is not valid: the text holds control characters");
    }
    if (social_json_string(req, "page", page) != 0
        || social_json_string(req, "note", note) != 0 || *page == NULL) {
        return refuse(e, "invalid_field",
                      "page (a string) is required; note must be a string");
    }
    to_v = json_object_get(req, "to");
    if (to_v != NULL && !json_is_null(to_v)) {
        if (!json_is_array(to_v) || json_array_size(to_v) > SOCIAL_JSON_RECIPIENTS_MAX) {
            return refuse(e, "invalid_recipients", "to must be a list of user names");
        }
        for (k = 0; k < json_array_size(to_v); k++) {
            json_t *v = json_array_get(to_v, k);
            if (!json_is_string(v) || json_string_length(v) == 0
                || strlen(json_string_value(v)) != json_string_length(v)) {
                return refuse(e, "invalid_recipients", "to must be a list of user names");
            }
            APR_ARRAY_PUSH(*to, const char *) = json_string_value(v);
        }
    }
    pub_v = json_object_get(req, "public");
    if (pub_v != NULL) {
        if (!json_is_boolean(pub_v)) {
            return refuse(e, "invalid_field", "public must be true or false");
        }
        *public = json_is_true(pub_v);
    }
    return 0;
}

int social_json_vote(apr_pool_t *p, const json_t *req, int **choices, int *n,
                     social_json_error *e)
{
    json_t *list = json_object_get(req, "choices");
    size_t k;

    *n = 0;
    *choices = NULL;
    if (!json_is_array(list) || json_array_size(list) > SOCIAL_JSON_CHOICES_MAX) {
        return refuse(e, "invalid_choices", "choices must be a list of option indexes");
    }
    *choices = apr_pcalloc(p, sizeof(int) * (json_array_size(list) + 1));
    for (k = 0; k < json_array_size(list); k++) {
        json_t *c = json_array_get(list, k);
        if (!json_is_integer(c) || json_integer_value(c) < 0
            || json_integer_value(c) > 1000000) {
            return refuse(e, "invalid_choices", "choices must be a list of option indexes");
        }
        (*choices)[(*n)++] = (int)json_integer_value(c);
    }
    return 0;
}

int social_json_poll_closed(const json_t *req, int *closed, social_json_error *e)
{
    json_t *v = json_object_get(req, "closed");

    if (!json_is_boolean(v)) {
        return refuse(e, "invalid_field", "send {\"closed\": true} or {\"closed\": false}");
    }
    *closed = json_is_true(v);
    return 0;
}

int social_json_position(const json_t *req, social_position *pos, social_json_error *e)
{
    json_t *v = json_object_get(req, "position"), *n;
    const char *name;

    pos->kind = SOCIAL_POSITION_NONE;
    pos->value = 0;
    if (v == NULL || json_is_null(v)) {
        return 0;
    }
    e->code = "invalid_position";
    e->field = "position";
    if (!json_is_object(v) || json_object_size(v) != 1) {
        e->message = "position must be {\"t\": SECONDS} (audio, video) or "
                     "{\"page\": N} (PDF)";
        return -1;
    }
    json_object_foreach(v, name, n) {
        if (strcmp(name, "t") == 0) {
            pos->kind = SOCIAL_POSITION_TIME;
        }
        else if (strcmp(name, "page") == 0) {
            pos->kind = SOCIAL_POSITION_PAGE;
        }
        else {
            e->message = "position takes one member: t (seconds) or page";
            return -1;
        }
        if (!json_is_integer(n) || json_integer_value(n) < 0
            || json_integer_value(n) > 1000000) {
            pos->kind = SOCIAL_POSITION_NONE;
            e->message = "the position must be a whole number (seconds, or a page number)";
            return -1;
        }
        pos->value = (long)json_integer_value(n);
    }
    return 0;
}
