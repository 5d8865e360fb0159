/* config.h: mod_social's directives and their per-server and
 * per-directory configuration. */
#ifndef SOCIAL_CONFIG_H
#define SOCIAL_CONFIG_H

#include <httpd.h>
#include <http_config.h>

/* A flag or choice not set in this scope; merge takes the parent's. */
#define SOCIAL_UNSET -1

#include <ap_expr.h>
#include <mod_auth.h>

#include "i18n.h"
#include "place.h"
#include "tz.h"

/* SocialRender */
enum { SOCIAL_RENDER_INLINE = 1, SOCIAL_RENDER_DEFERRED = 2 };
/* SocialAnonymous */
enum { SOCIAL_ANON_OFF = 1, SOCIAL_ANON_READ = 2, SOCIAL_ANON_WRITE = 3 };

/* SocialModeration */
enum { SOCIAL_MODERATION_POST = 1, SOCIAL_MODERATION_PRE = 2 };
/* SocialTheme: the block's colours */
enum { SOCIAL_THEME_AUTO = 1, SOCIAL_THEME_LIGHT = 2, SOCIAL_THEME_DARK = 3 };

/* Bytes of the form-token secret. */
#define SOCIAL_SECRET_LEN 32

/* Per server (RSRC_CONF). */
typedef struct {
    const char *endpoint;       /* base path of the handler, "/_social" */
    const char *template_dir;   /* ClearSilver templates and assets/ */
    unsigned char *secret;      /* signs form tokens; SocialSecret or random */
    apr_size_t secret_len;
    int rate_limit;             /* SocialRateLimit: writes per window (0: off) */
    int rate_window;            /* seconds */
    const char *rate_cache;     /* SocialRateLimitCache provider[:args] */
    const char *cache;          /* SocialCache provider[:args] or "off" (main server) */
    int cache_ttl;              /* SocialCacheTTL, seconds (0: not set) */
    const char *mail_command;   /* SocialMailCommand (shell command), or NULL: no mail */
    int mail_interval;          /* SocialMailInterval seconds (0: not set, 600) */
    apr_interval_time_t db_timeout;          /* SocialDBTimeout (main server; 0: not set) */
    apr_interval_time_t db_connect_timeout;  /* SocialDBConnectTimeout (0: not set) */
    const char *frame_ancestors;   /* SocialFrameAncestors sources, or NULL: 'self' */
    const char *site_frame;     /* SocialSiteFrame: URL path of the site's page the
                                   module's own pages are set in, or NULL */
    const char *frame_options;     /* X-Frame-Options that matches them, or NULL: none */
    const char *identity_charset;  /* SocialIdentityCharset, or NULL: ISO-8859-1 */
    const char *base_url;       /* SocialBaseURL "scheme://host[:port]", or NULL */
    const char *messages_dir;   /* SocialMessages: the site's catalogues, or NULL */
    social_i18n *i18n;          /* the catalogues (template_dir/i18n and
                                   SocialMessages), loaded at post_config */
} social_srv_conf;

/* The charset identities that are not UTF-8 are read in by default. */
#define SOCIAL_IDENTITY_CHARSET_DEFAULT "ISO-8859-1"

/* Writes per person per minute when SocialRateLimit is not said. */
#define SOCIAL_RATE_LIMIT_DEFAULT 30
#define SOCIAL_RATE_WINDOW_DEFAULT 60

/* How long a rendered discussion is kept by default: its relative times
 * ("5 minutes ago") are at most this old. */
#define SOCIAL_CACHE_TTL_DEFAULT 30

/* Per directory, location or .htaccess. */
typedef struct {
    int enabled;                /* Social On|Off */
    int render;                 /* SocialRender Inline|Deferred */
    int anonymous;              /* SocialAnonymous Off|Read|Write */
    ap_expr_info_t *moderator;  /* SocialModerator expression, or NULL */
    int moderator_set;          /* "SocialModerator none" clears a parent's */
    /* SocialModeratorRequire: an authorization provider (mod_authz_core's
     * "authz" providers: ldap-group, group, dbd-group ...) and its Require
     * line; moderators are who it grants. NULL provider: none. */
    const authz_provider *moderator_require;
    const char *moderator_require_name;    /* the provider's name, for logs */
    const char *moderator_require_line;
    const void *moderator_require_parsed;
    int moderator_require_set;  /* "SocialModeratorRequire none" clears a parent's */
    const char *display_name_var;  /* SocialDisplayNameVar */
    const char *email_var;      /* SocialEmailVar */
    int edit_window;            /* SocialEditWindow, seconds */
    int max_comment_length;     /* SocialMaxCommentLength, characters */
    int live_interval;          /* SocialLiveUpdates: seconds between checks, 0 off */
    int moderation;             /* SocialModeration Pre|Post */
    int theme;                  /* SocialTheme Auto|Light|Dark */
    const social_place *place_before;  /* SocialPlaceBefore, or NULL: the last </body> */
    int place_before_set;       /* "SocialPlaceBefore none" clears a parent's */
    apr_array_header_t *document_links;   /* SocialDocumentLinks: file name
                                             extensions (lower case), or NULL: off */
    int document_links_set;     /* "SocialDocumentLinks Off" clears a parent's */
    const social_tz *time_zone; /* SocialTimeZone, read at configuration
                                   time; NULL: not said (UTC) */
    const char *language;       /* SocialLanguage tag, "auto", or NULL: not set */
} social_dir_conf;

extern module AP_MODULE_DECLARE_DATA social_module;
extern const command_rec social_config_cmds[];

void *social_config_create_srv(apr_pool_t *p, server_rec *s);
void *social_config_merge_srv(apr_pool_t *p, void *base, void *add);
void *social_config_create_dir(apr_pool_t *p, char *dir);
void *social_config_merge_dir(apr_pool_t *p, void *base, void *add);

/* Fills in defaults after configuration and registers the statements
 * with mod_dbd (post_config, before mod_dbd's own). */
void social_config_register_hooks(apr_pool_t *p);

const social_srv_conf *social_config_srv(const server_rec *s);
const social_dir_conf *social_config_dir(const request_rec *r);

/* Effective values with defaults applied. */
int social_config_render(const social_dir_conf *dc);
int social_config_anonymous(const social_dir_conf *dc);
int social_config_edit_window(const social_dir_conf *dc);
int social_config_max_comment_length(const social_dir_conf *dc);

/* Seconds between the widget's checks for new comments (0: it does not
 * check). */
int social_config_live_interval(const social_dir_conf *dc);
int social_config_moderation(const social_dir_conf *dc);

/* The block's theme: "auto" (dark only where the page itself is dark,
 * decided by the widget), "light" or "dark". */
const char *social_config_theme(const social_dir_conf *dc);

/* The zone absolute times are shown in (SocialTimeZone; UTC when not
 * said). Never NULL. */
const social_tz *social_config_time_zone(const social_dir_conf *dc);

/* Where SocialPlaceBefore puts the block: the selector, or NULL (the
 * last </body>, as without the directive). */
const social_place *social_config_place_before(const social_dir_conf *dc);

/* SocialDocumentLinks: the file name extensions (lower case, without the
 * dot) after whose links a page gets a "Discuss" link; NULL when off. */
const apr_array_header_t *social_config_document_links(const social_dir_conf *dc);

/* SocialLanguage: the tag said (as written), or NULL for auto (the
 * page's lang, then Accept-Language, then English). */
const char *social_config_language(const social_dir_conf *dc);

/* The server's catalogues (never NULL once post_config has run). */
const social_i18n *social_config_i18n(const social_srv_conf *sc);

/* CSP frame-ancestors sources of the endpoint's answers ("'self'" unless
 * SocialFrameAncestors says otherwise), and the X-Frame-Options header
 * for old browsers that says the same (NULL when it cannot: a portal on
 * another origin). */
const char *social_config_frame_ancestors(const social_srv_conf *sc);
const char *social_config_frame_options(const social_srv_conf *sc);

/* The charset of identity values that are not UTF-8 (SocialIdentityCharset). */
const char *social_config_identity_charset(const social_srv_conf *sc);
/* The effective SocialRateLimit of sc: *limit writes (0: off) per
 * *window seconds; the default when it is not said. */
void social_config_rate_limit(const social_srv_conf *sc, int *limit, int *window);

/* The canonical "scheme://host[:port]" (no trailing slash) of server s,
 * from configuration only, never from a request: SocialBaseURL, or the
 * server's ServerName with its scheme and port (the port of its address,
 * or the first Listen port, when ServerName names none), as httpd's
 * UseCanonicalName On would. Needs no request, so background work can
 * use it. */
const char *social_config_base_url(apr_pool_t *p, server_rec *s);

/* The absolute URL of a local path (starting with '/') on server s. */
const char *social_config_absolute_url(apr_pool_t *p, server_rec *s, const char *path);

/* Nonzero if the request's directory has Social On. */
int social_config_enabled(const request_rec *r);

/* Nonzero if r->uri is the endpoint or below it. */
int social_config_is_endpoint(const request_rec *r);

#endif /* SOCIAL_CONFIG_H */
