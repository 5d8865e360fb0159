/* identity.c: user, display name, moderator role, form tokens, origin. */
#include <string.h>

#include <apr_lib.h>
#include <apr_sha1.h>
#include <apr_strings.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>

#include "identity.h"

APLOG_USE_MODULE(social);

/* Form tokens are accepted for this long after they were made. */
#define SOCIAL_TOKEN_LIFETIME (12 * 3600)

void social_identity_get(request_rec *r, const social_dir_conf *dc,
                         social_identity *id)
{
    const char *name = NULL, *email = NULL;

    memset(id, 0, sizeof(*id));
    id->anonymous = social_config_anonymous(dc);
    id->user = (r->user != NULL && r->user[0] != '\0') ? r->user : NULL;
    if (id->user == NULL) {
        id->name = "Anonymous";
        return;
    }
    if (dc->display_name_var != NULL) {
        name = apr_table_get(r->subprocess_env, dc->display_name_var);
    }
    if (dc->email_var != NULL) {
        email = apr_table_get(r->subprocess_env, dc->email_var);
    }
    id->name = (name != NULL && *name != '\0') ? name : id->user;
    id->email = (email != NULL && *email != '\0') ? email : NULL;
    if (dc->moderator != NULL) {
        const char *error = NULL;
        int rc = ap_expr_exec(r, dc->moderator, &error);
        if (rc < 0) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "SOCIAL0401: SocialModerator could not be evaluated "
                          "for %s: %s", id->user, error);
        }
        id->moderator = rc > 0;
    }
}

int social_identity_can_read(const social_identity *id)
{
    return id->user != NULL || id->anonymous != SOCIAL_ANON_OFF;
}

int social_identity_can_write(const social_identity *id)
{
    return id->user != NULL || id->anonymous == SOCIAL_ANON_WRITE;
}

/* HMAC-SHA1 (RFC 2104) of message under the server's secret, as hex. */
static const char *hmac_hex(request_rec *r, const char *message)
{
    const social_srv_conf *sc = social_config_srv(r->server);
    unsigned char key[APR_SHA1_DIGESTSIZE > 64 ? APR_SHA1_DIGESTSIZE : 64];
    unsigned char pad[64], inner[APR_SHA1_DIGESTSIZE], outer[APR_SHA1_DIGESTSIZE];
    apr_sha1_ctx_t ctx;
    apr_size_t key_len = sc->secret_len;
    char *hex = apr_palloc(r->pool, APR_SHA1_DIGESTSIZE * 2 + 1);
    int k;

    memset(key, 0, sizeof(key));
    if (key_len > 64) {
        apr_sha1_init(&ctx);
        apr_sha1_update_binary(&ctx, sc->secret, (unsigned int)key_len);
        apr_sha1_final(key, &ctx);
    }
    else {
        memcpy(key, sc->secret, key_len);
    }
    for (k = 0; k < 64; k++) {
        pad[k] = key[k] ^ 0x36;
    }
    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, pad, 64);
    apr_sha1_update_binary(&ctx, (const unsigned char *)message,
                           (unsigned int)strlen(message));
    apr_sha1_final(inner, &ctx);
    for (k = 0; k < 64; k++) {
        pad[k] = key[k] ^ 0x5c;
    }
    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, pad, 64);
    apr_sha1_update_binary(&ctx, inner, APR_SHA1_DIGESTSIZE);
    apr_sha1_final(outer, &ctx);
    for (k = 0; k < APR_SHA1_DIGESTSIZE; k++) {
        apr_snprintf(hex + 2 * k, 3, "%02x", outer[k]);
    }
    return hex;
}

static const char *token_for(request_rec *r, const social_identity *id,
                             apr_int64_t stamp)
{
    const char *message = apr_psprintf(r->pool, "form\n%" APR_INT64_T_FMT "\n%s",
                                       stamp, id->user ? id->user : "");
    return apr_psprintf(r->pool, "%" APR_INT64_T_FMT ".%s", stamp,
                        hmac_hex(r, message));
}

const char *social_identity_form_token(request_rec *r, const social_identity *id)
{
    return token_for(r, id, (apr_int64_t)apr_time_sec(apr_time_now()));
}

int social_identity_form_token_valid(request_rec *r, const social_identity *id,
                                     const char *token)
{
    apr_int64_t stamp, now = (apr_int64_t)apr_time_sec(apr_time_now());
    const char *expected;
    char *end;
    size_t k, n;
    unsigned char diff = 0;

    if (token == NULL || !apr_isdigit(token[0])) {
        return 0;
    }
    stamp = apr_strtoi64(token, &end, 10);
    if (*end != '.' || stamp > now + 300 || now - stamp > SOCIAL_TOKEN_LIFETIME) {
        return 0;
    }
    expected = token_for(r, id, stamp);
    n = strlen(expected);
    if (strlen(token) != n) {
        return 0;
    }
    for (k = 0; k < n; k++) {   /* constant time */
        diff |= (unsigned char)(token[k] ^ expected[k]);
    }
    return diff == 0;
}

/* host[:port] of an origin such as "https://intranet.example:8443". */
static const char *origin_authority(const char *origin)
{
    const char *p = strstr(origin, "://");
    return p ? p + 3 : NULL;
}

int social_identity_same_origin(request_rec *r)
{
    const char *origin = apr_table_get(r->headers_in, "Origin");
    const char *site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    const char *host = apr_table_get(r->headers_in, "Host");

    if (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
        return 0;
    }
    if (origin != NULL) {
        const char *authority = origin_authority(origin);
        if (strcmp(origin, "null") == 0 || authority == NULL || host == NULL) {
            return 0;
        }
        /* Host may omit a default port the Origin names, and vice versa. */
        if (strcasecmp(authority, host) != 0) {
            const char *scheme_port = strncmp(origin, "https:", 6) == 0 ? ":443" : ":80";
            if (strcasecmp(apr_pstrcat(r->pool, host, scheme_port, NULL), authority) != 0
                && strcasecmp(apr_pstrcat(r->pool, authority, scheme_port, NULL), host) != 0) {
                return 0;
            }
        }
    }
    return 1;
}
