/* config.c: directives, create and merge of the configurations. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_env.h>
#include <apr_file_io.h>
#include <apr_xlate.h>
#include <apr_hash.h>
#include <apr_thread_mutex.h>
#include <ap_listen.h>
#include <apr_uri.h>
#include <http_core.h>
#include <http_log.h>
#include <http_main.h>
#include <ap_provider.h>
#include <mod_auth.h>
#include <stdlib.h>

#include "config.h"
#include "background.h"
#include "render.h"
#include "store.h"

#ifndef SOCIAL_DATADIR
#define SOCIAL_DATADIR "/usr/local/share/mod_social"
#endif

#define SOCIAL_DEFAULT_ENDPOINT "/_social"

extern module AP_MODULE_DECLARE_DATA social_module;
APLOG_USE_MODULE(social);

void *social_config_create_srv(apr_pool_t *p, server_rec *s)
{
    social_srv_conf *conf = apr_pcalloc(p, sizeof(*conf));
    (void)s;
    return conf;   /* NULL members are "not set" */
}

void *social_config_merge_srv(apr_pool_t *p, void *base_, void *add_)
{
    const social_srv_conf *base = base_, *add = add_;
    social_srv_conf *conf = apr_pcalloc(p, sizeof(*conf));

    conf->endpoint = add->endpoint ? add->endpoint : base->endpoint;
    conf->template_dir = add->template_dir ? add->template_dir : base->template_dir;
    conf->secret = add->secret ? add->secret : base->secret;
    conf->rate_limit = add->rate_window ? add->rate_limit : base->rate_limit;
    conf->rate_window = add->rate_window ? add->rate_window : base->rate_window;
    conf->rate_cache = add->rate_cache ? add->rate_cache : base->rate_cache;
    conf->cache = add->cache ? add->cache : base->cache;
    conf->cache_ttl = add->cache_ttl ? add->cache_ttl : base->cache_ttl;
    conf->secret_len = add->secret ? add->secret_len : base->secret_len;
    conf->mail_command = add->mail_command ? add->mail_command : base->mail_command;
    conf->site_frame = add->site_frame ? add->site_frame : base->site_frame;
    conf->mail_interval = add->mail_interval ? add->mail_interval : base->mail_interval;
    conf->db_timeout = add->db_timeout ? add->db_timeout : base->db_timeout;
    conf->db_connect_timeout = add->db_connect_timeout ? add->db_connect_timeout
                                                       : base->db_connect_timeout;
    conf->frame_options = add->frame_ancestors ? add->frame_options : base->frame_options;
    conf->frame_ancestors = add->frame_ancestors ? add->frame_ancestors : base->frame_ancestors;
    conf->identity_charset = add->identity_charset ? add->identity_charset
                                                   : base->identity_charset;
    conf->base_url = add->base_url ? add->base_url : base->base_url;
    conf->messages_dir = add->messages_dir ? add->messages_dir : base->messages_dir;
    return conf;
}

void *social_config_create_dir(apr_pool_t *p, char *dir)
{
    social_dir_conf *conf = apr_pcalloc(p, sizeof(*conf));
    (void)dir;
    conf->enabled = SOCIAL_UNSET;
    conf->render = SOCIAL_UNSET;
    conf->anonymous = SOCIAL_UNSET;
    conf->edit_window = SOCIAL_UNSET;
    conf->max_comment_length = SOCIAL_UNSET;
    conf->live_interval = SOCIAL_UNSET;
    conf->moderation = SOCIAL_UNSET;
    conf->theme = SOCIAL_UNSET;
    return conf;
}

void *social_config_merge_dir(apr_pool_t *p, void *base_, void *add_)
{
    const social_dir_conf *base = base_, *add = add_;
    social_dir_conf *conf = apr_pcalloc(p, sizeof(*conf));

#define MERGE_INT(field) \
    conf->field = add->field != SOCIAL_UNSET ? add->field : base->field
#define MERGE_PTR(field) \
    conf->field = add->field != NULL ? add->field : base->field
    MERGE_INT(enabled);
    MERGE_INT(render);
    MERGE_INT(anonymous);
    MERGE_INT(edit_window);
    MERGE_INT(max_comment_length);
    MERGE_INT(live_interval);
    MERGE_INT(moderation);
    MERGE_INT(theme);
    MERGE_PTR(display_name_var);
    MERGE_PTR(time_zone);
    MERGE_PTR(email_var);
    MERGE_PTR(language);
    conf->moderator_set = add->moderator_set || base->moderator_set;
    conf->moderator = add->moderator_set ? add->moderator : base->moderator;
    if (add->moderator_require_set) {
        conf->moderator_require_set = 1;
        conf->moderator_require = add->moderator_require;
        conf->moderator_require_name = add->moderator_require_name;
        conf->moderator_require_line = add->moderator_require_line;
        conf->moderator_require_parsed = add->moderator_require_parsed;
    }
    else {
        conf->moderator_require_set = base->moderator_require_set;
        conf->moderator_require = base->moderator_require;
        conf->moderator_require_name = base->moderator_require_name;
        conf->moderator_require_line = base->moderator_require_line;
        conf->moderator_require_parsed = base->moderator_require_parsed;
    }
    conf->place_before_set = add->place_before_set || base->place_before_set;
    conf->place_before = add->place_before_set ? add->place_before : base->place_before;
    conf->document_links_set = add->document_links_set || base->document_links_set;
    conf->document_links = add->document_links_set ? add->document_links
                                                   : base->document_links;
#undef MERGE_INT
#undef MERGE_PTR
    return conf;
}

const social_srv_conf *social_config_srv(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &social_module);
}

/* A random secret kept in the process pool, so it survives graceful
 * restarts (forms already on screen stay valid) and is made before the
 * children fork (they all share it). */
static unsigned char *process_secret(server_rec *s)
{
    static const char key[] = "mod_social secret";
    apr_pool_t *pool = s->process->pool;
    void *data = NULL;

    apr_pool_userdata_get(&data, key, pool);
    if (data == NULL) {
        data = apr_palloc(pool, SOCIAL_SECRET_LEN);
        if (apr_generate_random_bytes(data, SOCIAL_SECRET_LEN) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                         "SOCIAL0001: no random bytes for the form-token secret");
            return NULL;
        }
        apr_pool_userdata_set(data, key, apr_pool_cleanup_null, pool);
    }
    return data;
}

/* ---- the database deadlines ---- */

/* Characters that end a value in DBDParams (apr_dbd_mysql's own). */
#define DBD_PARAM_DELIMS " \r\n\t;|,\""

/* The value of group= in a DBDParams argument string, or NULL. */
static const char *dbd_params_group(apr_pool_t *p, const char *params)
{
    const char *at = params;

    while ((at = strstr(at, "group=")) != NULL) {
        if (at == params || strchr(DBD_PARAM_DELIMS, at[-1]) != NULL) {
            at += strlen("group=");
            return apr_pstrndup(p, at, strcspn(at, DBD_PARAM_DELIMS));
        }
        at++;
    }
    return NULL;
}

/* Every DBDParams of the configuration: the groups it names go into
 * groups; one without a group is logged (its connections have no
 * connect deadline). */
static void dbd_params_groups(apr_pool_t *p, server_rec *s, const ap_directive_t *d,
                              apr_array_header_t *groups)
{
    for (; d != NULL; d = d->next) {
        if (strcasecmp(d->directive, "DBDParams") == 0) {
            const char *group = dbd_params_group(p, d->args);
            if (group != NULL && *group != '\0') {
                APR_ARRAY_PUSH(groups, const char *) = group;
            }
            else {
                ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                             "SOCIAL0114: DBDParams at %s:%d names no client option "
                             "group: connecting to a database that does not answer "
                             "has no deadline and can hold httpd's processes; add "
                             "group=mod_social (SocialDBConnectTimeout then applies)",
                             d->filename, d->line_num);
            }
        }
        dbd_params_groups(p, s, d->first_child, groups);
    }
}

/* The connect deadline. apr_dbd_mysql connects with no timeout and has
 * no parameter for one, but MariaDB Connector/C reads `connect-timeout`
 * (TCP connect and the server's greeting) from the client option group
 * that DBDParams names with group=. The module writes those groups into
 * an option file of its own in httpd's runtime directory and points the
 * library at it with MARIADB_HOME, set here in the parent before any
 * child starts; the library reads $MARIADB_HOME/my.cnf after the
 * system's option files at every connect. */
static void db_connect_deadline(apr_pool_t *p, server_rec *s, apr_interval_time_t connect)
{
    apr_array_header_t *groups = apr_array_make(p, 2, sizeof(const char *));
    const char *dir, *path, *body = "# written by mod_social at every start "
                                    "(SocialDBConnectTimeout)\n";
    apr_file_t *f;
    apr_status_t rv;
    long seconds = (long)((connect + APR_USEC_PER_SEC - 1) / APR_USEC_PER_SEC);
    int k;

    dbd_params_groups(p, s, ap_conftree, groups);
    if (groups->nelts == 0) {
        return;
    }
    if (getenv("MARIADB_HOME") != NULL || getenv("MYSQL_HOME") != NULL) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "SOCIAL0115: MARIADB_HOME or MYSQL_HOME is set in httpd's "
                     "environment: the connect deadline is connect-timeout in that "
                     "directory's my.cnf, not SocialDBConnectTimeout");
        return;
    }
    for (k = 0; k < groups->nelts; k++) {
        body = apr_psprintf(p, "%s[%s]\nconnect-timeout = %ld\n", body,
                            APR_ARRAY_IDX(groups, k, const char *), seconds);
    }
    dir = ap_runtime_dir_relative(p, "mod_social-client");
    path = apr_pstrcat(p, dir, "/my.cnf", NULL);
    rv = apr_dir_make_recursive(dir, APR_FPROT_OS_DEFAULT, p);
    if (rv == APR_SUCCESS || APR_STATUS_IS_EEXIST(rv)) {
        rv = apr_file_open(&f, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                           APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD
                           | APR_FPROT_WREAD, p);
    }
    if (rv == APR_SUCCESS) {
        rv = apr_file_write_full(f, body, strlen(body), NULL);
        apr_file_close(f);
    }
    if (rv == APR_SUCCESS) {
        rv = apr_env_set("MARIADB_HOME", dir, p);
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     "SOCIAL0116: cannot write %s: connecting to the database has no "
                     "deadline", path);
    }
}

/* "3", "3s", "2500ms": ap_timeout_parameter_parse's forms, within bounds. */
static const char *set_db_timeout(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config, &social_module);
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    apr_interval_time_t t;
    int connect = cmd->info != NULL;
    apr_interval_time_t low = connect ? apr_time_from_sec(1) : apr_time_from_msec(100);
    apr_interval_time_t high = apr_time_from_sec(connect ? 60 : 300);

    if (err != NULL) {
        return err;
    }
    if (ap_timeout_parameter_parse(arg, &t, "s") != APR_SUCCESS || t < low || t > high) {
        return connect
            ? "SocialDBConnectTimeout takes whole seconds from 1 to 60, e.g. 2 or 2s"
            : "SocialDBTimeout takes a time from 100ms to 300s, e.g. 3, 3s or 1500ms";
    }
    if (connect) {
        conf->db_connect_timeout = t;
    }
    else {
        conf->db_timeout = t;
    }
    return NULL;
}

static int load_catalogues(apr_pool_t *pconf, server_rec *s);

static int social_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    server_rec *sp;
    unsigned char *secret = NULL;
    const social_srv_conf *main_conf;
    int background = 0;

    for (sp = s; sp; sp = sp->next) {
        social_srv_conf *conf = ap_get_module_config(sp->module_config,
                                                     &social_module);
        if (conf->endpoint == NULL) {
            conf->endpoint = SOCIAL_DEFAULT_ENDPOINT;
        }
        if (conf->template_dir == NULL) {
            conf->template_dir = SOCIAL_DATADIR "/templates";
        }
        if (conf->secret == NULL) {
            /* One random secret for every server of this configuration,
             * made before the children fork so they all share it. */
            if (secret == NULL && (secret = process_secret(s)) == NULL) {
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            conf->secret = secret;
            conf->secret_len = SOCIAL_SECRET_LEN;
        }
    }
    if (load_catalogues(pconf, s) != OK) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    social_store_prepare_statements(pconf, s);
    main_conf = ap_get_module_config(s->module_config, &social_module);
    social_render_i18n(main_conf->i18n);
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG) {
        /* Not in the first pass at start-up: its pool is thrown away. */
        background = social_background_start(pconf, s);
        db_connect_deadline(ptemp, s, main_conf->db_connect_timeout
                                      ? main_conf->db_connect_timeout
                                      : SOCIAL_STORE_CONNECT_DEFAULT);
    }
    social_store_configure(main_conf->db_timeout ? main_conf->db_timeout
                                                 : SOCIAL_STORE_ROUND_TRIP_DEFAULT,
                           background);
    return OK;
}

/* Loads the catalogues of every server (template_dir/i18n, then
 * SocialMessages), sharing one load between servers that name the same
 * folders. A bad catalogue refuses the start. */
static int load_catalogues(apr_pool_t *pconf, server_rec *s)
{
    server_rec *sp;

    for (sp = s; sp; sp = sp->next) {
        social_srv_conf *conf = ap_get_module_config(sp->module_config, &social_module);
        server_rec *prev;
        const char *dir = apr_pstrcat(pconf, conf->template_dir, "/i18n", NULL);
        const char *error = NULL;
        const apr_array_header_t *warnings;
        int i;

        for (prev = s; prev != sp; prev = prev->next) {
            const social_srv_conf *pc = ap_get_module_config(prev->module_config,
                                                             &social_module);
            if (pc->i18n != NULL && strcmp(pc->template_dir, conf->template_dir) == 0
                && ((pc->messages_dir == NULL && conf->messages_dir == NULL)
                    || (pc->messages_dir && conf->messages_dir
                        && strcmp(pc->messages_dir, conf->messages_dir) == 0))) {
                conf->i18n = pc->i18n;
                break;
            }
        }
        if (conf->i18n != NULL) {
            continue;
        }
        if ((conf->i18n = social_i18n_load(pconf, dir, conf->messages_dir, &error)) == NULL) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, sp,
                         "SOCIAL2300: cannot load the message catalogues: %s", error);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        warnings = social_i18n_warnings(conf->i18n);
        for (i = 0; i < warnings->nelts; i++) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, sp, "SOCIAL2301: SocialMessages: %s",
                         APR_ARRAY_IDX(warnings, i, const char *));
        }
    }
    return OK;
}

/* Each child keeps its parsed templates per thread (SocialTemplateDir). */
static void social_config_child_init(apr_pool_t *p, server_rec *s)
{
    (void)s;
    social_render_init(p);
    social_background_child_init(p);
}

static int social_config_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);

void social_config_register_hooks(apr_pool_t *p)
{
    /* Statements must reach mod_dbd before its post_config reads them. */
    static const char *const before[] = { "mod_dbd.c", NULL };
    ap_hook_pre_config(social_config_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(social_post_config, NULL, before, APR_HOOK_MIDDLE);
    ap_hook_child_init(social_config_child_init, NULL, NULL, APR_HOOK_MIDDLE);
}

const social_dir_conf *social_config_dir(const request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &social_module);
}

int social_config_render(const social_dir_conf *dc)
{
    return dc->render != SOCIAL_UNSET ? dc->render : SOCIAL_RENDER_INLINE;
}

int social_config_anonymous(const social_dir_conf *dc)
{
    return dc->anonymous != SOCIAL_UNSET ? dc->anonymous : SOCIAL_ANON_READ;
}

int social_config_edit_window(const social_dir_conf *dc)
{
    return dc->edit_window != SOCIAL_UNSET ? dc->edit_window : 15 * 60;
}

int social_config_live_interval(const social_dir_conf *dc)
{
    return dc->live_interval != SOCIAL_UNSET ? dc->live_interval : 30;
}

int social_config_max_comment_length(const social_dir_conf *dc)
{
    return dc->max_comment_length != SOCIAL_UNSET ? dc->max_comment_length : 5000;
}

int social_config_moderation(const social_dir_conf *dc)
{
    return dc->moderation != SOCIAL_UNSET ? dc->moderation : SOCIAL_MODERATION_POST;
}

const char *social_config_theme(const social_dir_conf *dc)
{
    switch (dc->theme) {
    case SOCIAL_THEME_LIGHT: return "light";
    case SOCIAL_THEME_DARK:  return "dark";
    default:                 return "auto";
    }
}

void social_config_rate_limit(const social_srv_conf *sc, int *limit, int *window)
{
    if (sc->rate_window == 0) {   /* not said */
        *limit = SOCIAL_RATE_LIMIT_DEFAULT;
        *window = SOCIAL_RATE_WINDOW_DEFAULT;
    }
    else {
        *limit = sc->rate_limit;
        *window = sc->rate_window;
    }
}

const char *social_config_base_url(apr_pool_t *p, server_rec *s)
{
    const social_srv_conf *sc = social_config_srv(s);
    const char *scheme, *host;
    apr_port_t port = s->port;

    if (sc->base_url != NULL) {
        return sc->base_url;
    }
    if (port == 0 && ap_listeners != NULL && ap_listeners->bind_addr != NULL) {
        /* ServerName without a port on a server without one of its own
         * (the main server): where httpd listens. */
        port = ap_listeners->bind_addr->port;
    }
    scheme = s->server_scheme != NULL ? s->server_scheme : port == 443 ? "https" : "http";
    host = s->server_hostname != NULL ? s->server_hostname : "localhost";
    if (strchr(host, ':') != NULL && host[0] != '[') {
        host = apr_pstrcat(p, "[", host, "]", NULL);   /* an IPv6 address */
    }
    if (port == 0 || port == apr_uri_port_of_scheme(scheme)) {
        return apr_pstrcat(p, scheme, "://", host, NULL);
    }
    return apr_psprintf(p, "%s://%s:%u", scheme, host, (unsigned)port);
}

const char *social_config_absolute_url(apr_pool_t *p, server_rec *s, const char *path)
{
    return apr_pstrcat(p, social_config_base_url(p, s), path, NULL);
}

int social_config_enabled(const request_rec *r)
{
    const social_dir_conf *dc = social_config_dir(r);
    return dc != NULL && dc->enabled == 1;
}

int social_config_is_endpoint(const request_rec *r)
{
    const char *base = social_config_srv(r->server)->endpoint;
    size_t n = strlen(base);

    return r->uri != NULL && strncmp(r->uri, base, n) == 0
        && (r->uri[n] == '\0' || r->uri[n] == '/');
}

/* ---- directive handlers ---- */

static const char *set_endpoint(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config,
                                                 &social_module);
    size_t n = strlen(arg);
    const char *p;

    if (arg[0] != '/' || n < 2 || arg[n - 1] == '/') {
        return "SocialEndpoint must be an absolute URL path such as /_social, "
               "without a trailing slash";
    }
    for (p = arg; *p; p++) {
        if (!apr_isalnum(*p) && !strchr("/_-.~", *p)) {
            return "SocialEndpoint may hold only letters, digits and / _ - . ~";
        }
    }
    if (strstr(arg, "//") || strstr(arg, "/./") || strstr(arg, "/../")) {
        return "SocialEndpoint must be a plain path (no //, . or .. segments)";
    }
    conf->endpoint = arg;
    return NULL;
}

static const char *set_template_dir(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config,
                                                 &social_module);
    apr_finfo_t finfo;
    const char *dir = ap_server_root_relative(cmd->pool, arg);

    if (dir == NULL) {
        return apr_pstrcat(cmd->pool, "SocialTemplateDir: invalid path ", arg, NULL);
    }
    if (apr_stat(&finfo, dir, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS
        || finfo.filetype != APR_DIR) {
        return apr_pstrcat(cmd->pool, "SocialTemplateDir: ", dir,
                           " is not a readable directory", NULL);
    }
    conf->template_dir = dir;
    return NULL;
}

static const char *set_language(cmd_parms *cmd, void *dconf, const char *arg)
{
    social_dir_conf *conf = dconf;
    const char *p;

    (void)cmd;
    for (p = arg; *p; p++) {
        if (!apr_isalnum(*p) && *p != '-') {
            break;
        }
    }
    if (*p || p == arg || strlen(arg) > 35) {
        return "SocialLanguage takes auto or a language tag such as de, pt or zh-Hans";
    }
    conf->language = arg;
    return NULL;
}

static const char *set_messages(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config,
                                                 &social_module);
    const char *dir = ap_server_root_relative(cmd->pool, arg);
    const char *error;
    apr_finfo_t finfo;

    (void)dummy;
    if (dir == NULL) {
        return apr_pstrcat(cmd->pool, "SocialMessages: invalid path ", arg, NULL);
    }
    if (apr_stat(&finfo, dir, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS
        || finfo.filetype != APR_DIR) {
        return apr_pstrcat(cmd->pool, "SocialMessages: ", dir,
                           " is not a readable directory", NULL);
    }
    /* Its files are read now too, so "httpd -t" finds bad JSON; how they
     * fit the module's messages is checked when those are loaded. */
    if ((error = social_i18n_check(cmd->temp_pool, dir)) != NULL) {
        return apr_pstrcat(cmd->pool, "SocialMessages: ", error, NULL);
    }
    conf->messages_dir = dir;
    return NULL;
}

const char *social_config_language(const social_dir_conf *dc)
{
    return dc->language == NULL || strcasecmp(dc->language, "auto") == 0 ? NULL : dc->language;
}

const social_i18n *social_config_i18n(const social_srv_conf *sc)
{
    return sc->i18n;
}

static const char *set_enabled(cmd_parms *cmd, void *dconf, int on)
{
    social_dir_conf *conf = dconf;
    conf->enabled = on ? 1 : 0;
    return NULL;
}

/* A per-directory directive that names one of a few words (case does
 * not matter); each word sets its value in the int at offset. */
typedef struct {
    apr_size_t offset;              /* of the int in social_dir_conf */
    const char *words[4];           /* NULL-terminated */
    int values[4];
    const char *error;              /* the answer to any other word */
} choice;

static const choice render_choice = {
    APR_OFFSETOF(social_dir_conf, render),
    { "inline", "deferred", NULL },
    { SOCIAL_RENDER_INLINE, SOCIAL_RENDER_DEFERRED },
    "SocialRender must be Inline or Deferred"
};

static const choice anonymous_choice = {
    APR_OFFSETOF(social_dir_conf, anonymous),
    { "off", "read", "write", NULL },
    { SOCIAL_ANON_OFF, SOCIAL_ANON_READ, SOCIAL_ANON_WRITE },
    "SocialAnonymous must be Off, Read or Write"
};

static const choice moderation_choice = {
    APR_OFFSETOF(social_dir_conf, moderation),
    { "pre", "post", NULL },
    { SOCIAL_MODERATION_PRE, SOCIAL_MODERATION_POST },
    "SocialModeration must be Pre (new comments wait for approval) or Post"
};

static const choice theme_choice = {
    APR_OFFSETOF(social_dir_conf, theme),
    { "auto", "light", "dark", NULL },
    { SOCIAL_THEME_AUTO, SOCIAL_THEME_LIGHT, SOCIAL_THEME_DARK },
    "SocialTheme must be Auto (dark only on a dark page), Light or Dark"
};

static const char *set_choice(cmd_parms *cmd, void *dconf, const char *arg)
{
    const choice *c = cmd->info;
    int k;

    for (k = 0; c->words[k] != NULL; k++) {
        if (strcasecmp(arg, c->words[k]) == 0) {
            *(int *)((char *)dconf + c->offset) = c->values[k];
            return NULL;
        }
    }
    return c->error;
}

static const char *set_moderator(cmd_parms *cmd, void *dconf, const char *arg)
{
    social_dir_conf *conf = dconf;
    const char *error = NULL;

    conf->moderator_set = 1;
    if (strcasecmp(arg, "none") == 0) {
        conf->moderator = NULL;
        return NULL;
    }
    conf->moderator = ap_expr_parse_cmd(cmd, arg, AP_EXPR_FLAG_DONT_VARY,
                                        &error, NULL);
    if (error != NULL) {
        return apr_pstrcat(cmd->pool, "SocialModerator: cannot parse ", arg,
                           ": ", error, NULL);
    }
    return NULL;
}

/* "SocialModeratorRequire ldap-group cn=moderators,ou=groups,dc=example,dc=com":
 * what a "Require" line of that provider would grant makes a moderator.
 * The provider must be loaded before (LoadModule comes first, as for
 * Require); its own parser checks the arguments now, so a bad line stops
 * httpd at start-up with the provider's message. */
static const char *set_moderator_require(cmd_parms *cmd, void *dconf, const char *args)
{
    social_dir_conf *conf = dconf;
    const char *name = ap_getword_conf(cmd->pool, &args);
    const authz_provider *provider;
    const void *parsed = NULL;

    conf->moderator_require_set = 1;
    conf->moderator_require = NULL;
    if (*name == '\0') {
        return "SocialModeratorRequire takes an authorization provider and its "
               "arguments, as after Require (e.g. ldap-group cn=moderators,...), or none";
    }
    if (strcasecmp(name, "none") == 0 && *args == '\0') {
        return NULL;
    }
    if (strcasecmp(name, "all") == 0 || strcasecmp(name, "env") == 0
        || strcasecmp(name, "expr") == 0 || strcasecmp(name, "method") == 0
        || strcasecmp(name, "ip") == 0 || strcasecmp(name, "host") == 0
        || strcasecmp(name, "local") == 0) {
        return apr_pstrcat(cmd->pool, "SocialModeratorRequire ", name,
                           ": that provider does not say who a person is; use a "
                           "group or user provider (ldap-group, group, user ...) "
                           "or SocialModerator", NULL);
    }
    if (*args == '\0') {
        return apr_pstrcat(cmd->pool, "SocialModeratorRequire ", name, " needs the "
                           "group (or users) it grants, e.g. SocialModeratorRequire "
                           "ldap-group cn=moderators,ou=groups,dc=example,dc=com", NULL);
    }
    provider = ap_lookup_provider(AUTHZ_PROVIDER_GROUP, name, AUTHZ_PROVIDER_VERSION);
    if (provider == NULL || provider->check_authorization == NULL) {
        return apr_pstrcat(cmd->pool, "SocialModeratorRequire: no authorization provider ",
                           "named '", name, "' is loaded (for ldap-group: LoadModule "
                           "ldap_module and authnz_ldap_module before this line)", NULL);
    }
    if (provider->parse_require_line != NULL) {
        const char *error = provider->parse_require_line(cmd, args, &parsed);
        if (error != NULL) {
            return apr_pstrcat(cmd->pool, "SocialModeratorRequire ", name, ": ", error, NULL);
        }
    }
    conf->moderator_require = provider;
    conf->moderator_require_name = name;
    conf->moderator_require_line = args;
    conf->moderator_require_parsed = parsed;
    return NULL;
}

static const char *set_var_name(cmd_parms *cmd, void *dconf, const char *arg)
{
    social_dir_conf *conf = dconf;
    const char *p;

    for (p = arg; *p; p++) {
        if (!apr_isalnum(*p) && *p != '_' && *p != '-') {
            return apr_pstrcat(cmd->pool, cmd->cmd->name,
                               " takes the name of an environment variable", NULL);
        }
    }
    if (cmd->info == (void *)0) {
        conf->display_name_var = arg;
    }
    else {
        conf->email_var = arg;
    }
    return NULL;
}

/* "900", "900s", "15m", "2h" -> seconds. */
static const char *set_edit_window(cmd_parms *cmd, void *dconf, const char *arg)
{
    social_dir_conf *conf = dconf;
    char *end;
    long v = strtol(arg, &end, 10);
    long unit = 1;

    if (end == arg || v < 0) {
        return "SocialEditWindow takes a duration such as 900, 15m or 2h (0: no editing)";
    }
    if (*end == 'm' || *end == 'M') {
        unit = 60;
        end++;
    }
    else if (*end == 'h' || *end == 'H') {
        unit = 3600;
        end++;
    }
    else if (*end == 's' || *end == 'S') {
        end++;
    }
    if (*end != '\0' || v > 7L * 24 * 3600 / unit) {
        return "SocialEditWindow takes a duration such as 900, 15m or 2h, at most 7 days";
    }
    conf->edit_window = (int)(v * unit);
    return NULL;
}

static const char *set_max_comment_length(cmd_parms *cmd, void *dconf, const char *arg)
{
    social_dir_conf *conf = dconf;
    char *end;
    long v = strtol(arg, &end, 10);

    if (end == arg || *end != '\0' || v < 1 || v > 60000) {
        return "SocialMaxCommentLength takes a number of characters from 1 to 60000";
    }
    conf->max_comment_length = (int)v;
    return NULL;
}

static const char *set_live_updates(cmd_parms *cmd, void *dconf, const char *arg)
{
    social_dir_conf *conf = dconf;
    char *end;
    long v;

    if (strcasecmp(arg, "off") == 0) {
        conf->live_interval = 0;
        return NULL;
    }
    v = strtol(arg, &end, 10);
    if (end == arg || (*end != '\0' && strcmp(end, "s") != 0) || v < 1 || v > 3600) {
        return "SocialLiveUpdates takes off or the seconds between checks, 1 to 3600 "
               "(e.g. 30s)";
    }
    conf->live_interval = (int)v;
    return NULL;
}

/* SocialPlaceBefore div#footer | .site-footer | "<!--footer-->" | none */
static const char *set_place_before(cmd_parms *cmd, void *dir_, const char *arg)
{
    social_dir_conf *conf = dir_;
    social_place *place;
    const char *error;

    conf->place_before_set = 1;
    if (strcasecmp(arg, "none") == 0) {
        conf->place_before = NULL;
        return NULL;
    }
    place = apr_pcalloc(cmd->pool, sizeof(*place));
    error = social_place_parse(arg, place);
    if (error != NULL) {
        return apr_psprintf(cmd->pool, "SocialPlaceBefore \"%s\": %s", arg, error);
    }
    conf->place_before = place;
    return NULL;
}

const social_place *social_config_place_before(const social_dir_conf *dc)
{
    return dc->place_before;
}

/* SocialTimeZone: each zone is read from its TZif file once per
 * configuration and shared by every scope that names it, also by
 * .htaccess files read later in requests (threads: under a lock). */
static apr_pool_t *zone_pool;
static apr_hash_t *zone_cache;
#if APR_HAS_THREADS
static apr_thread_mutex_t *zone_lock;
#endif

static apr_status_t zone_cache_forget(void *unused)
{
    (void)unused;
    zone_pool = NULL;
    zone_cache = NULL;
#if APR_HAS_THREADS
    zone_lock = NULL;
#endif
    return APR_SUCCESS;
}

static int social_config_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    if (apr_pool_create(&zone_pool, pconf) != APR_SUCCESS) {
        zone_pool = NULL;
        return OK;
    }
    zone_cache = apr_hash_make(zone_pool);
#if APR_HAS_THREADS
    if (apr_thread_mutex_create(&zone_lock, APR_THREAD_MUTEX_DEFAULT, zone_pool)
        != APR_SUCCESS) {
        zone_lock = NULL;
    }
#endif
    apr_pool_cleanup_register(pconf, NULL, zone_cache_forget, apr_pool_cleanup_null);
    return OK;
}

static const social_tz *zone_get(apr_pool_t *p, const char *name, const char **error)
{
    const social_tz *zone;

#if APR_HAS_THREADS
    if (zone_pool == NULL || zone_lock == NULL) {
        return social_tz_load(p, NULL, name, error);
    }
    apr_thread_mutex_lock(zone_lock);
#else
    if (zone_pool == NULL) {
        return social_tz_load(p, NULL, name, error);
    }
#endif
    zone = apr_hash_get(zone_cache, name, APR_HASH_KEY_STRING);
    if (zone == NULL) {
        zone = social_tz_load(zone_pool, NULL, name, error);
        if (zone != NULL) {
            apr_hash_set(zone_cache, social_tz_name(zone), APR_HASH_KEY_STRING, zone);
        }
        else {
            *error = apr_pstrdup(p, *error);
        }
    }
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(zone_lock);
#endif
    return zone;
}

/* SocialTimeZone Europe/Berlin | Asia/Kolkata | UTC ... */
static const char *set_time_zone(cmd_parms *cmd, void *dir_, const char *arg)
{
    social_dir_conf *conf = dir_;
    const char *error = "?";
    const social_tz *zone = zone_get(cmd->pool, arg, &error);

    if (zone == NULL) {
        return apr_psprintf(cmd->pool, "SOCIAL2340: SocialTimeZone %s: %s", arg, error);
    }
    conf->time_zone = zone;
    return NULL;
}

const social_tz *social_config_time_zone(const social_dir_conf *dc)
{
    return dc != NULL && dc->time_zone != NULL ? dc->time_zone : social_tz_utc();
}

/* SocialDocumentLinks pdf pptx docx ... | Off */
static const char *set_document_links(cmd_parms *cmd, void *dir_, const char *arg)
{
    social_dir_conf *conf = dir_;
    const char *p;
    char *ext;

    if (strcasecmp(arg, "off") == 0) {
        if (conf->document_links_set && conf->document_links != NULL) {
            return "SocialDocumentLinks: Off cannot be given with extensions";
        }
        conf->document_links_set = 1;
        conf->document_links = NULL;
        return NULL;
    }
    if (conf->document_links_set && conf->document_links == NULL) {
        return "SocialDocumentLinks: Off cannot be given with extensions";
    }
    if (*arg == '.') {
        arg++;
    }
    for (p = arg; *p; p++) {
        if (!apr_isalnum(*p)) {
            break;
        }
    }
    if (*arg == '\0' || *p != '\0' || p - arg > 16) {
        return apr_psprintf(cmd->pool, "SocialDocumentLinks: \"%s\" is not a file name "
                            "extension (letters and digits, e.g. pdf pptx docx xlsx mp4) "
                            "or Off", arg);
    }
    if (conf->document_links == NULL) {
        conf->document_links = apr_array_make(cmd->pool, 8, sizeof(const char *));
    }
    ext = apr_pstrdup(cmd->pool, arg);
    ap_str_tolower(ext);
    APR_ARRAY_PUSH(conf->document_links, const char *) = ext;
    conf->document_links_set = 1;
    return NULL;
}

const apr_array_header_t *social_config_document_links(const social_dir_conf *dc)
{
    return dc->document_links;
}

static const char *set_secret(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config,
                                                 &social_module);
    if (strlen(arg) < 16) {
        return "SocialSecret must be at least 16 characters (use a long random string)";
    }
    conf->secret = (unsigned char *)apr_pstrdup(cmd->pool, arg);
    conf->secret_len = strlen(arg);
    return NULL;
}

/* "20/60s", "100/1h", "off" or "0". */
static const char *set_rate_limit(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config,
                                                 &social_module);
    char *end;
    long n = strtol(arg, &end, 10), window, unit = 1;

    if (strcasecmp(arg, "off") != 0 && (end == arg || n < 0 || n > 1000000)) {
        return "SocialRateLimit takes WRITES/WINDOW such as 20/60s, 300/1h, or off";
    }
    if (strcasecmp(arg, "off") == 0 || (n == 0 && end != arg && *end == '\0')) {
        conf->rate_limit = 0;
        conf->rate_window = 1;
        return NULL;
    }
    if (*end != '/') {
        return "SocialRateLimit takes WRITES/WINDOW such as 20/60s, 300/1h, or off";
    }
    window = strtol(end + 1, &end, 10);
    if (*end == 'm') { unit = 60; end++; }
    else if (*end == 'h') { unit = 3600; end++; }
    else if (*end == 's') { end++; }
    if (window < 1 || *end != '\0' || window * unit > 86400) {
        return "SocialRateLimit: the window is 1 s to 24 h, e.g. 60s, 10m, 1h";
    }
    conf->rate_limit = (int)n;
    conf->rate_window = (int)(window * unit);
    return NULL;
}

static const char *set_mail_command(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config, &social_module);
    (void)dummy;
    if (*arg == '\0') {
        return "SocialMailCommand needs a command";
    }
    conf->mail_command = arg;
    return NULL;
}

static const char *set_site_frame(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config, &social_module);
    (void)dummy;
    if (strcasecmp(arg, "none") == 0) {
        conf->site_frame = NULL;
        return NULL;
    }
    if (arg[0] != '/' || arg[1] == '/' || strchr(arg, '?') != NULL || strchr(arg, '#') != NULL
        || strstr(arg, "/../") != NULL) {
        return "SocialSiteFrame takes the URL path of a page of this site, "
               "e.g. /intranet/frame.html (or none)";
    }
    conf->site_frame = arg;
    return NULL;
}

static const char *set_mail_interval(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config, &social_module);
    char *end;
    apr_int64_t n = apr_strtoi64(arg, &end, 10);
    (void)dummy;
    if (*arg == '\0' || *end != '\0' || n < 1 || n > 7 * 86400) {
        return "SocialMailInterval must be a number of seconds from 1 to 604800";
    }
    conf->mail_interval = (int)n;
    return NULL;
}

/* "https://intranet.example.com[:port]": scheme http or https, a host,
 * an optional port, nothing else (a trailing "/" is dropped). */
static const char *set_base_url(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config, &social_module);
    static const char usage[] = "SocialBaseURL takes http:// or https:// with a host and "
                                "an optional port, and no path, query or user, e.g. "
                                "https://intranet.example.com";
    apr_uri_t uri;
    const char *h;
    size_t n = strlen(arg);
    (void)dummy;

    if (n > 1 && arg[n - 1] == '/') {
        arg = apr_pstrmemdup(cmd->pool, arg, n - 1);
    }
    if (apr_uri_parse(cmd->temp_pool, arg, &uri) != APR_SUCCESS
        || uri.scheme == NULL || (strcasecmp(uri.scheme, "http") != 0
                                  && strcasecmp(uri.scheme, "https") != 0)
        || uri.hostname == NULL || *uri.hostname == '\0'
        || uri.user != NULL || uri.password != NULL
        || (uri.path != NULL && *uri.path != '\0') || uri.query != NULL
        || uri.fragment != NULL || strchr(arg, '?') || strchr(arg, '#')
        || (uri.port_str != NULL && (*uri.port_str == '\0' || uri.port == 0
                                     || strspn(uri.port_str, "0123456789")
                                        != strlen(uri.port_str)
                                     || strlen(uri.port_str) > 5
                                     || atoi(uri.port_str) > 65535))) {
        return usage;
    }
    for (h = uri.hostname; *h; h++) {
        if (!apr_isalnum(*h) && !strchr("-.:[]", *h)) {
            return usage;
        }
    }
    conf->base_url = apr_pstrcat(cmd->pool, apr_pstrdup(cmd->temp_pool, uri.scheme), "://",
                                 strchr(uri.hostname, ':') ? "[" : "", uri.hostname,
                                 strchr(uri.hostname, ':') ? "]" : "",
                                 uri.port_str ? ":" : "", uri.port_str ? uri.port_str : "",
                                 NULL);
    ap_str_tolower((char *)conf->base_url);
    return NULL;
}

static const char *set_rate_cache(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config,
                                                 &social_module);
    conf->rate_cache = arg;
    return NULL;
}

static const char *set_cache(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config,
                                                 &social_module);
    const char *error = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (error != NULL) {
        return error;
    }
    if (*arg == '\0' || *arg == ':') {
        return "SocialCache takes a socache provider such as shmcb, "
               "memcache:HOST:PORT or redis:HOST:PORT, or off";
    }
    conf->cache = arg;
    return NULL;
}

/* Seconds, or with a unit: 30s, 2m. */
static const char *set_cache_ttl(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config,
                                                 &social_module);
    char *end;
    long n = strtol(arg, &end, 10), unit = 1;

    if (*end == 'h') { unit = 3600; end++; }
    else if (*end == 'm') { unit = 60; end++; }
    else if (*end == 's') { end++; }
    if (end == arg || *end != '\0' || n < 1 || n > 3600 || n * unit > 3600) {
        return "SocialCacheTTL takes 1 s to 1 h, e.g. 30s, 5m or 1h";
    }
    conf->cache_ttl = (int)(n * unit);
    return NULL;
}

const char *social_config_frame_ancestors(const social_srv_conf *sc)
{
    return sc->frame_ancestors ? sc->frame_ancestors : "'self'";
}

const char *social_config_frame_options(const social_srv_conf *sc)
{
    return sc->frame_ancestors ? sc->frame_options : "SAMEORIGIN";
}

const char *social_config_identity_charset(const social_srv_conf *sc)
{
    return sc->identity_charset ? sc->identity_charset : SOCIAL_IDENTITY_CHARSET_DEFAULT;
}

/* One host-source of CSP: [http[s]://]host[:port][/path], where host may
 * start with "*." and port may be "*". Nothing that could end the
 * directive or the header (";", ",", quotes, spaces, controls). */
static int frame_source_valid(const char *s)
{
    const char *p = s, *colon;
    size_t n;

    if (strcasecmp(s, "http:") == 0 || strcasecmp(s, "https:") == 0) {
        return 1;   /* a scheme-source */
    }
    if (strncasecmp(p, "https://", 8) == 0) {
        p += 8;
    }
    else if (strncasecmp(p, "http://", 7) == 0) {
        p += 7;
    }
    else if (strstr(p, "://") != NULL) {
        return 0;
    }
    if (strncmp(p, "*.", 2) == 0) {
        p += 2;
    }
    n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
    if (n == 0 || p[0] == '.' || p[0] == '-') {
        return 0;
    }
    p += n;
    colon = p;
    if (*colon == ':') {
        p++;
        if (*p == '*') {
            p++;
        }
        else {
            n = strspn(p, "0123456789");
            if (n == 0 || n > 5) {
                return 0;
            }
            p += n;
        }
    }
    if (*p == '/') {
        p += strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._~%!$&()*+=:@-");
    }
    return *p == '\0';
}

/* SocialFrameAncestors "'self' https://portal.example.com": the sources
 * of CSP frame-ancestors, checked here so a typo cannot open or break
 * the header. */
static const char *set_frame_ancestors(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config, &social_module);
    const char *usage = "SocialFrameAncestors takes 'self', 'none' (alone), http: or "
                        "https:, or origins such as https://portal.example.com, "
                        "separated by spaces";
    char *copy = apr_pstrdup(cmd->temp_pool, arg), *word, *last;
    const char *sources = NULL;
    int count = 0, self = 0, none = 0;

    (void)dummy;
    for (word = apr_strtok(copy, " \t", &last); word; word = apr_strtok(NULL, " \t", &last)) {
        if (strcasecmp(word, "'self'") == 0) {
            self = 1;
            word = "'self'";
        }
        else if (strcasecmp(word, "'none'") == 0) {
            none = 1;
            word = "'none'";
        }
        else if (!frame_source_valid(word)) {
            return apr_psprintf(cmd->pool, "%s; not a source: %s", usage, word);
        }
        sources = sources ? apr_pstrcat(cmd->pool, sources, " ", word, NULL)
                          : apr_pstrdup(cmd->pool, word);
        count++;
    }
    if (count == 0 || (none && count > 1)) {
        return usage;
    }
    conf->frame_ancestors = sources;
    conf->frame_options = none ? "DENY" : (self && count == 1) ? "SAMEORIGIN" : NULL;
    return NULL;
}

/* SocialIdentityCharset ISO-8859-1: what identity values that are not
 * UTF-8 are converted from; apr_xlate (iconv) must know it. */
static const char *set_identity_charset(cmd_parms *cmd, void *dummy, const char *arg)
{
    social_srv_conf *conf = ap_get_module_config(cmd->server->module_config, &social_module);
    apr_xlate_t *xlate = NULL;
    apr_status_t rv;

    (void)dummy;
    rv = apr_xlate_open(&xlate, "UTF-8", arg, cmd->temp_pool);
    if (*arg == '\0' || rv != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "SocialIdentityCharset: unknown charset %s "
                            "(name one iconv knows, e.g. ISO-8859-1 or WINDOWS-1252)", arg);
    }
    apr_xlate_close(xlate);
    conf->identity_charset = arg;
    return NULL;
}

const command_rec social_config_cmds[] = {
    AP_INIT_TAKE1("SocialLanguage", set_language, NULL, OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                  "The discussion block's language: auto (the page's lang, then the "
                  "reader's Accept-Language, then English) or a tag such as de"),
    AP_INIT_TAKE1("SocialMessages", set_messages, NULL, RSRC_CONF,
                  "A folder of the site's own message catalogues (TAG/NAME.json) that "
                  "replace or add to the module's"),
    AP_INIT_TAKE1("SocialDBTimeout", set_db_timeout, NULL, RSRC_CONF,
                  "Deadline of each database round trip (statement, rows, commit), "
                  "e.g. 3s or 1500ms; default 3s"),
    AP_INIT_TAKE1("SocialDBConnectTimeout", set_db_timeout, (void *)1, RSRC_CONF,
                  "Deadline of connecting to the database (TCP and handshake), whole "
                  "seconds; default 2s; needs group= in DBDParams"),
    AP_INIT_TAKE1("SocialFrameAncestors", set_frame_ancestors, NULL, RSRC_CONF,
                  "Who may frame the module's own pages: CSP frame-ancestors sources "
                  "(default 'self'), e.g. \"'self' https://portal.example.com\""),
    AP_INIT_TAKE1("SocialIdentityCharset", set_identity_charset, NULL, RSRC_CONF,
                  "Charset of user names, display names and e-mail addresses that "
                  "are not UTF-8 (default ISO-8859-1)"),
    AP_INIT_TAKE1("SocialMailCommand", set_mail_command, NULL, RSRC_CONF,
                  "command that sends a notification digest (a message on its "
                  "standard input, e.g. \"/usr/sbin/sendmail -t\"); unset: no mail"),
    AP_INIT_TAKE1("SocialSiteFrame", set_site_frame, NULL, RSRC_CONF,
                  "URL path of a page of the site (header, navigation, footer) that "
                  "the module's own pages are set in, at <!--social:discussion--> or "
                  "before </body>; none: the module's plain pages"),
    AP_INIT_TAKE1("SocialMailInterval", set_mail_interval, NULL, RSRC_CONF,
                  "at most one digest per person per this many seconds (default 600)"),
    AP_INIT_FLAG("Social", set_enabled, NULL, OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                 "On to add comments, likes, shares and polls to HTML pages here"),
    AP_INIT_TAKE1("SocialBaseURL", set_base_url, NULL, RSRC_CONF,
                  "scheme://host[:port] of every absolute link the module writes "
                  "(default: ServerName and port, never the request's Host)"),
    AP_INIT_TAKE1("SocialEndpoint", set_endpoint, NULL, RSRC_CONF,
                  "Base URL path of mod_social's own endpoint (default /_social)"),
    AP_INIT_TAKE1("SocialTemplateDir", set_template_dir, NULL, RSRC_CONF,
                  "Directory of the ClearSilver templates and the assets/ folder"),
    AP_INIT_TAKE1("SocialRateLimit", set_rate_limit, NULL, RSRC_CONF,
                  "Writes allowed per person per window, e.g. 20/60s, or off (default 30/60s)"),
    AP_INIT_TAKE1("SocialRateLimitCache", set_rate_cache, NULL, RSRC_CONF,
                  "mod_socache provider for the rate-limit counters, e.g. shmcb or "
                  "memcache:host:11211 (default shmcb)"),
    AP_INIT_TAKE1("SocialCache", set_cache, NULL, RSRC_CONF,
                  "The socache provider[:args] keeping rendered discussions "
                  "(default shmcb; memcache or redis for several nodes), or off"),
    AP_INIT_TAKE1("SocialCacheTTL", set_cache_ttl, NULL, RSRC_CONF,
                  "How long a rendered discussion is kept (default 30s)"),
    AP_INIT_TAKE1("SocialSecret", set_secret, NULL, RSRC_CONF,
                  "Secret that signs form tokens; the same on every node"),
    AP_INIT_TAKE1("SocialRender", set_choice, (void *)&render_choice, OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                  "Inline (thread rendered into the page) or Deferred (fetched by the widget)"),
    AP_INIT_TAKE1("SocialAnonymous", set_choice, (void *)&anonymous_choice, OR_AUTHCFG | ACCESS_CONF | RSRC_CONF,
                  "What visitors without REMOTE_USER may do: Off, Read or Write"),
    AP_INIT_TAKE1("SocialModerator", set_moderator, NULL, OR_AUTHCFG | ACCESS_CONF | RSRC_CONF,
                  "ap_expr that is true for moderators, e.g. \"%{REMOTE_USER} in {'carol'}\""),
    AP_INIT_RAW_ARGS("SocialModeratorRequire", set_moderator_require, NULL,
                     OR_AUTHCFG | ACCESS_CONF | RSRC_CONF,
                     "an authorization provider and its arguments, as after Require: "
                     "who it grants moderates, e.g. ldap-group cn=moderators,ou=groups,"
                     "dc=example,dc=com; none"),
    AP_INIT_TAKE1("SocialDisplayNameVar", set_var_name, (void *)0, OR_AUTHCFG | ACCESS_CONF | RSRC_CONF,
                  "Environment variable holding the user's display name"),
    AP_INIT_TAKE1("SocialEmailVar", set_var_name, (void *)1, OR_AUTHCFG | ACCESS_CONF | RSRC_CONF,
                  "Environment variable holding the user's e-mail address"),
    AP_INIT_TAKE1("SocialEditWindow", set_edit_window, NULL, OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                  "How long authors may edit their comments (default 15m)"),
    AP_INIT_TAKE1("SocialLiveUpdates", set_live_updates, NULL,
                  OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                  "Seconds between the widget's checks for new comments, or off "
                  "(default 30s)"),
    AP_INIT_TAKE1("SocialMaxCommentLength", set_max_comment_length, NULL,
                  OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                  "Longest comment in characters (default 5000)"),
    AP_INIT_TAKE1("SocialPlaceBefore", set_place_before, NULL,
                  OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                  "Put the discussion before the first element of the page that "
                  "matches: footer, div#footer, #footer, .site-footer, "
                  "\"<!--footer-->\", or none (before the last </body>)"),
    AP_INIT_ITERATE("SocialDocumentLinks", set_document_links, NULL,
                    OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                    "Add a small \"Discuss\" link after links to files with these "
                    "extensions (e.g. pdf pptx docx xlsx mp4), or Off (default)"),
    AP_INIT_TAKE1("SocialModeration", set_choice, (void *)&moderation_choice, OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                  "Pre (new comments wait for a moderator's approval) or Post (default)"),
    AP_INIT_TAKE1("SocialTheme", set_choice, (void *)&theme_choice, OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                  "Auto (default: dark only where the page itself is dark), Light or Dark"),
    AP_INIT_TAKE1("SocialTimeZone", set_time_zone, NULL, OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                  "The time zone absolute times are shown in: an IANA name such as "
                  "Europe/Berlin or Asia/Kolkata (default UTC)"),
    { NULL }
};
