/* background.h: work nobody is waiting for, on mod_watchdog's thread in
 * every child process (as mod_md renews certificates): probing the
 * database while it is away, and sending the e-mail digests. No reader's
 * request ever does either. */
#ifndef SOCIAL_BACKGROUND_H
#define SOCIAL_BACKGROUND_H

#include <httpd.h>

/* Registers the watchdog callback (post_config, second pass). Returns
 * nonzero if background work will run; zero if mod_watchdog is missing
 * (logged: then requests probe the database themselves and no digests
 * are sent). */
int social_background_start(apr_pool_t *pconf, server_rec *s);

#endif /* SOCIAL_BACKGROUND_H */
