/* handler.h: the endpoint (default /_social): assets and API v1. */
#ifndef SOCIAL_HANDLER_H
#define SOCIAL_HANDLER_H

#include <apr_pools.h>

void social_handler_register_hooks(apr_pool_t *p);

#endif /* SOCIAL_HANDLER_H */
