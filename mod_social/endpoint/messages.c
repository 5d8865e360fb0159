/* messages.c: the widget's messages script, cached like the other assets
 * (the URL carries the module's version) and with an ETag of its bytes:
 *
 *   window.SocialMessages = {"lang": "de", "dir": "ltr", "tz": "UTC",
 *                            "m": {"widget.link_copied": "Link kopiert", ...}};
 *
 * from the loaded catalogue (templates/i18n and SocialMessages), English
 * for every widget key the language lacks. */
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <httpd.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <jansson.h>
#include <util_md5.h>

#include "config.h"
#include "i18n.h"
#include "messages.h"
#include "request.h"

APLOG_USE_MODULE(social);

/* The script for language l, with zone tz; NULL when out of memory. */
static char *messages_script(request_rec *r, const social_i18n_lang *l, const char *tz)
{
    char *m = social_i18n_json(r->pool, l, "widget.");
    json_t *tz_json = json_string(tz);
    char *tz_text = tz_json ? json_dumps(tz_json, JSON_ENCODE_ANY) : NULL;
    char *script = NULL;

    if (m != NULL && tz_text != NULL) {
        script = apr_pstrcat(r->pool, "window.SocialMessages = {\"lang\":\"",
                             social_i18n_tag(l), "\",\"dir\":\"",
                             social_i18n_rtl(l) ? "rtl" : "ltr", "\",\"tz\":", tz_text,
                             ",\"m\":", m, "};\n", NULL);
    }
    free(tz_text);
    json_decref(tz_json);
    return script;
}

int social_messages_asset(request_rec *r, const char *name)
{
    apr_size_t n = strlen(name), len, k;
    const char *tag, *tz;
    const social_i18n_lang *l;
    char *script;
    int status;

    if (n <= sizeof("messages-.js") - 1 || strcmp(name + n - 3, ".js") != 0) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "block.msg_no_such_asset"));
    }
    tag = apr_pstrmemdup(r->pool, name + 9, n - 9 - 3);
    for (k = 0; tag[k]; k++) {
        if (!apr_isalnum(tag[k]) && tag[k] != '-') {
            return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                             SOCIAL_MSG(r, "block.msg_no_such_asset"));
        }
    }
    /* the catalogue's own spelling only: one URL per language */
    l = social_i18n_find(social_config_i18n(social_config_srv(r->server)), tag);
    if (l == NULL || strcmp(social_i18n_tag(l), tag) != 0) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found",
                                         SOCIAL_MSG(r, "block.msg_no_such_language"));
    }
    if (r->method_number != M_GET) {
        return social_request_method_not_allowed(r, "GET, HEAD");
    }
    tz = social_tz_name(social_config_time_zone(social_config_dir(r)));
    if ((script = messages_script(r, l, tz)) == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL2341: cannot make the widget's messages for %s "
                      "(out of memory)", tag);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    len = strlen(script);
    ap_set_content_type(r, "text/javascript; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=31536000, immutable");
    apr_table_setn(r->headers_out, "ETag",
                   apr_pstrcat(r->pool, "\"", ap_md5_binary(r->pool, (unsigned char *)script,
                                                            (int)len), "\"", NULL));
    if ((status = ap_meets_conditions(r)) != OK) {
        return status;
    }
    ap_set_content_length(r, len);
    if (r->header_only) {
        return OK;
    }
    ap_rwrite(script, (int)len, r);
    return OK;
}
