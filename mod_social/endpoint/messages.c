/* messages.c: the widget's messages script, cached like the other assets
 * (the URL carries the module's version) and with an ETag of its bytes. */
#include <string.h>

#include <apr_strings.h>
#include <httpd.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_md5.h>

#include "config.h"
#include "i18n_widget.h"
#include "messages.h"
#include "request.h"

APLOG_USE_MODULE(social);

int social_messages_asset(request_rec *r, const char *name)
{
    apr_size_t n = strlen(name), len = 0;
    const char *tag, *tz, *error = NULL, *dir;
    char *script;
    int status;

    if (n <= sizeof("messages-.js") - 1 || strcmp(name + n - 3, ".js") != 0) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", "no such asset");
    }
    tag = apr_pstrmemdup(r->pool, name + 9, n - 9 - 3);
    if (!social_i18n_widget_known(tag)) {
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", "no such language");
    }
    if (r->method_number != M_GET) {
        return social_request_method_not_allowed(r, "GET, HEAD");
    }
    dir = apr_pstrcat(r->pool, social_config_srv(r->server)->template_dir, "/i18n", NULL);
    tz = social_tz_name(social_config_time_zone(social_config_dir(r)));
    script = social_i18n_widget_script(r->pool, dir, tag, tz, &len, &error);
    if (script == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL2341: cannot make the widget's messages for %s: %s "
                      "(check SocialTemplateDir)", tag, error);
        return social_request_json_error(r, HTTP_NOT_FOUND, "not_found", "no such asset");
    }
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
