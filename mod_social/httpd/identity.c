/* identity.c: user, display name, moderator role, form tokens, origin. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_xlate.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "identity.h"
#include "memo.h"
#include "text.h"

APLOG_USE_MODULE(social);

/* Form tokens are accepted for this long after they were made. */
#define SOCIAL_TOKEN_LIFETIME (12 * 3600)

/* value as UTF-8: itself if it is; else converted from
 * SocialIdentityCharset; else (a byte that charset does not know) with
 * every bad byte replaced by U+FFFD. Never NULL for a value. */
static const char *identity_utf8(request_rec *r, const char *what, const char *value)
{
    const char *charset = social_config_identity_charset(social_config_srv(r->server));
    apr_size_t len, in_left, out_left, out_size;
    apr_xlate_t *xlate = NULL;
    apr_status_t rv;
    char *out;

    if (value == NULL || social_text_utf8_valid(value, strlen(value))) {
        return value;
    }
    len = strlen(value);
    in_left = len;
    out_size = out_left = len * 4 + 1;
    out = apr_palloc(r->pool, out_size);
    rv = apr_xlate_open(&xlate, "UTF-8", charset, r->pool);
    if (rv == APR_SUCCESS) {
        rv = apr_xlate_conv_buffer(xlate, value, &in_left, out, &out_left);
        if (rv == APR_SUCCESS && in_left == 0) {
            rv = apr_xlate_conv_buffer(xlate, NULL, NULL, out + (out_size - out_left),
                                       &out_left);
        }
        apr_xlate_close(xlate);
    }
    if (rv == APR_SUCCESS && in_left == 0 && out_left > 0) {
        apr_size_t made = out_size - out_left;
        out[made] = '\0';
        if (strlen(out) == made && social_text_utf8_valid(out, made)) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                          "SOCIAL1312: %s converted from %s to UTF-8", what, charset);
            return out;
        }
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r,
                  "SOCIAL1313: %s is neither UTF-8 nor %s (SocialIdentityCharset): "
                  "its bad bytes are replaced by U+FFFD", what, charset);
    return social_text_utf8_repair(r->pool, value, len);
}

/* The endpoint sees REMOTE_USER as UTF-8 (SocialIdentityCharset), so
 * every store call, log line and JSON answer names the same person. */
static int identity_fixups(request_rec *r)
{
    if (r->user != NULL && social_config_is_endpoint(r)) {
        r->user = (char *)identity_utf8(r, "the user name (REMOTE_USER)", r->user);
    }
    return DECLINED;
}

/* SocialModeratorRequire asks its authorization provider in the
 * authorization phase, where the provider's own Require lines run: a
 * provider may keep per-request state of that phase only (mod_authnz_ldap
 * 2.4.71 keeps a pool of its connections that is gone by the handler), so
 * asking it later is not safe. This hook runs before mod_authz_core's,
 * decides nothing (DECLINED) and leaves the answer in a note. */
#define MODERATOR_NOTE "social-moderator-require"

static int identity_moderator_check(request_rec *r)
{
    const social_dir_conf *dc = social_config_dir(r);
    authz_status status;

    if (dc == NULL || dc->moderator_require == NULL || r->user == NULL || r->user[0] == '\0') {
        return DECLINED;
    }
    status = dc->moderator_require->check_authorization(
        r, dc->moderator_require_line, dc->moderator_require_parsed);
    if (status == AUTHZ_GENERAL_ERROR) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL1941: SocialModeratorRequire %s %s could not decide for "
                      "%s (see the provider's lines above, e.g. the directory "
                      "unreachable): not a moderator for this request",
                      dc->moderator_require_name, dc->moderator_require_line, r->user);
    }
    else {
        ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                      "SOCIAL1942: SocialModeratorRequire %s: %s %s a moderator",
                      dc->moderator_require_name, r->user,
                      status == AUTHZ_GRANTED ? "is" : "is not");
    }
    apr_table_setn(r->notes, MODERATOR_NOTE, status == AUTHZ_GRANTED ? "1" : "0");
    return DECLINED;
}

/* The note of the request whose authorization decided: r's, or (httpd
 * skips the check when the configuration is the same) that of the request
 * r was redirected from or is a subrequest of. */
static int identity_moderator_granted(request_rec *r)
{
    while (r != NULL) {
        const char *note = apr_table_get(r->notes, MODERATOR_NOTE);
        if (note != NULL) {
            return note[0] == '1';
        }
        r = r->prev != NULL ? r->prev : r->main;
    }
    return 0;
}

static void identity_child_init(apr_pool_t *p, server_rec *s);

void social_identity_register_hooks(apr_pool_t *p)
{
    ap_hook_child_init(identity_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_fixups(identity_fixups, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_check_authz(identity_moderator_check, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
}

void social_identity_get(request_rec *r, const social_dir_conf *dc,
                         social_identity *id)
{
    const char *name = NULL, *email = NULL;

    memset(id, 0, sizeof(*id));
    id->anonymous = social_config_anonymous(dc);
    id->user = (r->user != NULL && r->user[0] != '\0')
               ? identity_utf8(r, "the user name (REMOTE_USER)", r->user) : NULL;
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
    id->name = (name != NULL && *name != '\0')
               ? identity_utf8(r, dc->display_name_var, name) : id->user;
    id->email = (email != NULL && *email != '\0')
                ? identity_utf8(r, dc->email_var, email) : NULL;
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
    if (!id->moderator && dc->moderator_require != NULL) {
        id->moderator = identity_moderator_granted(r);
    }
}

int social_identity_can_read(const social_identity *id)
{
    return id->user != NULL || id->anonymous != SOCIAL_ANON_OFF;
}

int social_identity_can_write(const social_identity *id)
{
    return !id->banned && (id->user != NULL || id->anonymous == SOCIAL_ANON_WRITE);
}

/* HMAC-SHA256 (RFC 2104) under a server's secret. Its two padded keys
 * are hashed once per process, at its start: a token then costs two
 * SHA-256 blocks from copies of those states, where OpenSSL's HMAC()
 * fetched and keyed the MAC again on every call (about 20,000
 * instructions, a fifth of a cached page view). */
#define MAC_BLOCK 64

typedef struct {
    const unsigned char *secret;     /* the configuration's, by address */
    EVP_MD_CTX *inner, *outer;       /* SHA-256 of key^ipad, of key^opad */
} mac_keys;

static apr_array_header_t *process_macs;   /* mac_keys, set at child start */

static apr_status_t mac_keys_free(void *data)
{
    apr_array_header_t *macs = data;
    int k;

    for (k = 0; k < macs->nelts; k++) {
        EVP_MD_CTX_free(APR_ARRAY_IDX(macs, k, mac_keys).inner);
        EVP_MD_CTX_free(APR_ARRAY_IDX(macs, k, mac_keys).outer);
    }
    process_macs = NULL;
    return APR_SUCCESS;
}

/* The padded key's state, or NULL if libcrypto fails. */
static EVP_MD_CTX *pad_state(const unsigned char *secret, apr_size_t len, unsigned char pad)
{
    unsigned char block[MAC_BLOCK], digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    apr_size_t k;

    if (len > MAC_BLOCK) {
        /* a longer key is hashed first */
        if (EVP_Digest(secret, len, digest, &digest_len, EVP_sha256(), NULL) != 1) {
            EVP_MD_CTX_free(ctx);
            return NULL;
        }
        secret = digest;
        len = digest_len;
    }
    memset(block, pad, sizeof(block));
    for (k = 0; k < len; k++) {
        block[k] ^= secret[k];
    }
    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1
        || EVP_DigestUpdate(ctx, block, sizeof(block)) != 1) {
        EVP_MD_CTX_free(ctx);
        ctx = NULL;
    }
    OPENSSL_cleanse(block, sizeof(block));
    OPENSSL_cleanse(digest, sizeof(digest));
    return ctx;
}

/* The tokens this process made last: a person's views within one minute
 * make one HMAC, whatever connections they come on. */
#define TOKEN_SLOTS 256

static social_memo *tokens;

static void identity_child_init(apr_pool_t *p, server_rec *s)
{
    apr_array_header_t *macs = apr_array_make(p, 2, sizeof(mac_keys));
    server_rec *sp;
    int k;

    tokens = social_memo_make(p, TOKEN_SLOTS);   /* made anew with each generation */
    apr_pool_cleanup_register(p, macs, mac_keys_free, apr_pool_cleanup_null);
    for (sp = s; sp != NULL; sp = sp->next) {
        const social_srv_conf *sc = social_config_srv(sp);
        mac_keys *m;

        for (k = 0; k < macs->nelts; k++) {
            if (APR_ARRAY_IDX(macs, k, mac_keys).secret == sc->secret) {
                break;
            }
        }
        if (k < macs->nelts || sc->secret == NULL) {
            continue;
        }
        m = apr_array_push(macs);
        m->secret = sc->secret;
        m->inner = pad_state(sc->secret, sc->secret_len, 0x36);
        m->outer = pad_state(sc->secret, sc->secret_len, 0x5c);
    }
    process_macs = macs;
}

/* HMAC-SHA256 of message from the process's padded-key states; 0 if
 * there are none (the caller then asks HMAC()). */
static int hmac_from_states(request_rec *r, const char *message, unsigned char *mac,
                            unsigned int *mac_len)
{
    const social_srv_conf *sc = social_config_srv(r->server);
    const mac_keys *m = NULL;
    unsigned char inner[EVP_MAX_MD_SIZE];
    unsigned int inner_len = 0;
    EVP_MD_CTX *ctx;
    int k, ok;

    for (k = 0; process_macs != NULL && k < process_macs->nelts; k++) {
        if (APR_ARRAY_IDX(process_macs, k, mac_keys).secret == sc->secret) {
            m = &APR_ARRAY_IDX(process_macs, k, mac_keys);
        }
    }
    if (m == NULL || m->inner == NULL || m->outer == NULL || (ctx = EVP_MD_CTX_new()) == NULL) {
        return 0;
    }
    ok = EVP_MD_CTX_copy_ex(ctx, m->inner) == 1
         && EVP_DigestUpdate(ctx, message, strlen(message)) == 1
         && EVP_DigestFinal_ex(ctx, inner, &inner_len) == 1
         && EVP_MD_CTX_copy_ex(ctx, m->outer) == 1
         && EVP_DigestUpdate(ctx, inner, inner_len) == 1
         && EVP_DigestFinal_ex(ctx, mac, mac_len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

/* HMAC-SHA256 of message under the server's secret, as hex (libcrypto). */
static const char *hmac_hex(request_rec *r, const char *message)
{
    const social_srv_conf *sc = social_config_srv(r->server);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0, k;
    char *hex;

    if (!hmac_from_states(r, message, mac, &mac_len)
        && HMAC(EVP_sha256(), sc->secret, (int)sc->secret_len,
                (const unsigned char *)message, strlen(message), mac, &mac_len) == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL1310: HMAC-SHA256 of a form token failed (libcrypto)");
        return NULL;
    }
    hex = apr_palloc(r->pool, mac_len * 2 + 1);
    for (k = 0; k < mac_len; k++) {
        hex[2 * k] = "0123456789abcdef"[mac[k] >> 4];
        hex[2 * k + 1] = "0123456789abcdef"[mac[k] & 15];
    }
    hex[2 * mac_len] = '\0';
    return hex;
}

static const char *token_for(request_rec *r, const social_identity *id,
                             apr_int64_t stamp)
{
    const char *user = id->user ? id->user : "";
    /* the secret by address: each server's tokens are its own */
    const char *key = apr_psprintf(r->pool, "%pp %" APR_INT64_T_FMT " %s",
                                   (const void *)social_config_srv(r->server)->secret,
                                   stamp, user);
    const char *message, *mac, *token = social_memo_get(tokens, r->pool, key);

    if (token != NULL) {
        return token;
    }
    message = apr_psprintf(r->pool, "form\n%" APR_INT64_T_FMT "\n%s", stamp, user);
    mac = hmac_hex(r, message);
    /* Without a MAC no token is made, and none is accepted. */
    if (mac == NULL) {
        return NULL;
    }
    token = apr_psprintf(r->pool, "%" APR_INT64_T_FMT ".%s", stamp, mac);
    social_memo_put(tokens, key, token);
    return token;
}

/* A token is stamped with the minute it was made (it is good for
 * SOCIAL_TOKEN_LIFETIME from then). */
const char *social_identity_form_token(request_rec *r, const social_identity *id)
{
    apr_int64_t now = (apr_int64_t)apr_time_sec(apr_time_now());
    const char *token = token_for(r, id, now - now % 60);

    return token != NULL ? token : "";
}

int social_identity_form_token_valid(request_rec *r, const social_identity *id,
                                     const char *token)
{
    apr_int64_t stamp, now = (apr_int64_t)apr_time_sec(apr_time_now());
    const char *expected;
    char *end;
    size_t n;

    if (token == NULL || !apr_isdigit(token[0])) {
        return 0;
    }
    stamp = apr_strtoi64(token, &end, 10);
    if (*end != '.' || stamp > now + 300 || now - stamp > SOCIAL_TOKEN_LIFETIME) {
        return 0;
    }
    expected = token_for(r, id, stamp);
    if (expected == NULL) {
        return 0;
    }
    n = strlen(expected);
    return strlen(token) == n && CRYPTO_memcmp(token, expected, n) == 0;
}

/* host[:port] of an origin such as "https://intranet.example:8443", if
 * its scheme is the one this request came by (ap_http_scheme: "https"
 * under mod_ssl or a ServerName https://...); NULL otherwise. */
static const char *origin_authority(request_rec *r, const char *origin)
{
    const char *scheme = ap_http_scheme(r);
    size_t n = strlen(scheme);

    if (strncasecmp(origin, scheme, n) != 0 || strncmp(origin + n, "://", 3) != 0) {
        return NULL;
    }
    return origin + n + 3;
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
        const char *authority = origin_authority(r, origin);
        if (strcmp(origin, "null") == 0 || authority == NULL || host == NULL) {
            if (strcmp(origin, "null") != 0 && authority == NULL) {
                ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                              "SOCIAL1311: Origin %s has another scheme than this "
                              "site's (%s): refused as cross-origin", origin,
                              ap_http_scheme(r));
            }
            return 0;
        }
        /* Host may omit a default port the Origin names, and vice versa. */
        if (strcasecmp(authority, host) != 0) {
            const char *scheme_port = ap_default_port(r) == 443 ? ":443" : ":80";
            if (strcasecmp(apr_pstrcat(r->pool, host, scheme_port, NULL), authority) != 0
                && strcasecmp(apr_pstrcat(r->pool, authority, scheme_port, NULL), host) != 0) {
                return 0;
            }
        }
    }
    return 1;
}
