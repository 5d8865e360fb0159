/* config.c: directives, create and merge of the configurations. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <http_core.h>

#include "config.h"
#include "store.h"

#ifndef SOCIAL_DATADIR
#define SOCIAL_DATADIR "/usr/local/share/mod_social"
#endif

#define SOCIAL_DEFAULT_ENDPOINT "/_social"

extern module AP_MODULE_DECLARE_DATA social_module;

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
    return conf;
}

void *social_config_create_dir(apr_pool_t *p, char *dir)
{
    social_dir_conf *conf = apr_pcalloc(p, sizeof(*conf));
    (void)dir;
    conf->enabled = SOCIAL_UNSET;
    return conf;
}

void *social_config_merge_dir(apr_pool_t *p, void *base_, void *add_)
{
    const social_dir_conf *base = base_, *add = add_;
    social_dir_conf *conf = apr_pcalloc(p, sizeof(*conf));

    conf->enabled = add->enabled != SOCIAL_UNSET ? add->enabled : base->enabled;
    return conf;
}

const social_srv_conf *social_config_srv(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &social_module);
}

static int social_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    server_rec *sp;

    for (sp = s; sp; sp = sp->next) {
        social_srv_conf *conf = ap_get_module_config(sp->module_config,
                                                     &social_module);
        if (conf->endpoint == NULL) {
            conf->endpoint = SOCIAL_DEFAULT_ENDPOINT;
        }
        if (conf->template_dir == NULL) {
            conf->template_dir = SOCIAL_DATADIR "/templates";
        }
    }
    social_store_prepare_statements(pconf, s);
    return OK;
}

void social_config_register_hooks(apr_pool_t *p)
{
    /* Statements must reach mod_dbd before its post_config reads them. */
    static const char *const before[] = { "mod_dbd.c", NULL };
    ap_hook_post_config(social_post_config, NULL, before, APR_HOOK_MIDDLE);
}

const social_dir_conf *social_config_dir(const request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &social_module);
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

static const char *set_enabled(cmd_parms *cmd, void *dconf, int on)
{
    social_dir_conf *conf = dconf;
    conf->enabled = on ? 1 : 0;
    return NULL;
}

const command_rec social_config_cmds[] = {
    AP_INIT_FLAG("Social", set_enabled, NULL, OR_FILEINFO | ACCESS_CONF | RSRC_CONF,
                 "On to add comments, likes, shares and polls to HTML pages here"),
    AP_INIT_TAKE1("SocialEndpoint", set_endpoint, NULL, RSRC_CONF,
                  "Base URL path of mod_social's own endpoint (default /_social)"),
    AP_INIT_TAKE1("SocialTemplateDir", set_template_dir, NULL, RSRC_CONF,
                  "Directory of the ClearSilver templates and the assets/ folder"),
    { NULL }
};
