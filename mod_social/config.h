/* config.h: mod_social's directives and their per-server and
 * per-directory configuration. */
#ifndef SOCIAL_CONFIG_H
#define SOCIAL_CONFIG_H

#include <httpd.h>
#include <http_config.h>

/* A flag or choice not set in this scope; merge takes the parent's. */
#define SOCIAL_UNSET -1

/* Per server (RSRC_CONF). */
typedef struct {
    const char *endpoint;       /* base path of the handler, "/_social" */
    const char *template_dir;   /* ClearSilver templates and assets/ */
} social_srv_conf;

/* Per directory, location or .htaccess. */
typedef struct {
    int enabled;                /* Social On|Off */
} social_dir_conf;

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

/* Nonzero if the request's directory has Social On. */
int social_config_enabled(const request_rec *r);

/* Nonzero if r->uri is the endpoint or below it. */
int social_config_is_endpoint(const request_rec *r);

#endif /* SOCIAL_CONFIG_H */
