/* filter.h: the output filter that adds mod_social to HTML pages. */
#ifndef SOCIAL_FILTER_H
#define SOCIAL_FILTER_H

#include <apr_pools.h>

void social_filter_register_hooks(apr_pool_t *p);

#endif /* SOCIAL_FILTER_H */
