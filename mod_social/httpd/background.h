/* background.h: work nobody is waiting for, on mod_watchdog's thread in
 * every child process (as mod_md renews certificates): probing the
 * database while it is away, and sending the e-mail digests. No reader's
 * request ever does either. */
#ifndef SOCIAL_BACKGROUND_H
#define SOCIAL_BACKGROUND_H

#include <httpd.h>

/* A task of the background thread. server() answers, from the main
 * server, the server the task works for (NULL: not configured); at every
 * tick due() is asked with that server and, if it says so, run() gets a
 * request of that server of its own (what httpd gives every request, no
 * client). */
typedef struct {
    const char *what;     /* for the log: "e-mail digests" */
    server_rec *(*server)(server_rec *s);
    int (*due)(server_rec *s);
    void (*run)(request_rec *r);
} social_background_task;

/* Adds task (kept by reference, static) to every child's background
 * thread; called from register_hooks, before any configuration. */
void social_background_add(const social_background_task *task);

/* Registers the watchdog callback (post_config, second pass). Returns
 * nonzero if background work will run; zero if mod_watchdog is missing
 * (logged: then requests probe the database themselves and no digests
 * are sent). */
int social_background_start(apr_pool_t *pconf, server_rec *s);

/* Child init: the child's pool waits for a tick under way, and stops
 * further ticks, before anything of the child is destroyed. */
void social_background_child_init(apr_pool_t *pchild);

#endif /* SOCIAL_BACKGROUND_H */
