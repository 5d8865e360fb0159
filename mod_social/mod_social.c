/* mod_social.c: the module record and hook registration, nothing else. */
#include <httpd.h>
#include <http_config.h>

#include "config.h"
#include "filter.h"
#include "handler.h"
#include "fragcache.h"
#include "identity.h"
#include "notify.h"
#include "served.h"
#include "ratelimit.h"
#include "request.h"
#include "store.h"

static void social_register_hooks(apr_pool_t *p)
{
    social_config_register_hooks(p);
    social_filter_register_hooks(p);
    social_handler_register_hooks(p);
    social_identity_register_hooks(p);
    social_ratelimit_register_hooks(p);
    social_request_register_hooks(p);
    social_fragcache_register_hooks(p);
    social_store_register_hooks(p);
    social_notify_register_hooks(p);
    social_served_register_hooks(p);
}

AP_DECLARE_MODULE(social) = {
    STANDARD20_MODULE_STUFF,
    social_config_create_dir,
    social_config_merge_dir,
    social_config_create_srv,
    social_config_merge_srv,
    social_config_cmds,
    social_register_hooks
};
