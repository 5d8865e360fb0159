/* fragcache.h: rendered discussions kept in a mod_socache provider
 * (SocialCache), so a page view need not query and render the thread
 * again while nothing changed.
 *
 * Every page has a version: a counter in shared memory read without a
 * lock when the cache is this node's alone (shmcb), a random word kept in
 * the cache under the page's key otherwise; entries are stored under
 * (page, version, ...), and a write that changes what a discussion shows
 * gives the page a new version after it commits. With a cache shared by
 * several nodes (memcache, redis), a write through one node is seen by
 * the next view on every node. */
#ifndef SOCIAL_FRAGCACHE_H
#define SOCIAL_FRAGCACHE_H

#include <httpd.h>

void social_fragcache_register_hooks(apr_pool_t *p);

/* The virtual host a cache key belongs to: the server's name and port
 * (from configuration, never the request's Host), so two virtual hosts
 * never share an entry, even where they serve the same paths. */
const char *social_fragcache_vhost(request_rec *r);

/* Is a cache configured and ready in this process? */
int social_fragcache_enabled(void);

/* The page's current version; a new one if it has none (set before the
 * caller reads the database, so a write that lands meanwhile still makes
 * what the caller stores unreachable). NULL if the cache fails. */
const char *social_fragcache_version(request_rec *r, const char *page);

/* Gives the page a new version: every entry stored for it is left behind.
 * The write may have notified people: a new notification epoch too. */
void social_fragcache_touch(request_rec *r, const char *page);

/* The notification epoch: one word for every person's unread count, so a
 * viewer's count can be kept until anyone's notifications change (a new
 * one, or one marked read); a new one if there is none. NULL if the cache
 * fails. */
const char *social_fragcache_epoch(request_rec *r);

/* Starts a new notification epoch (after a notification is marked read). */
void social_fragcache_notified(request_rec *r);

/* Entries larger than this are not kept (a discussion of 50 long threads
 * is far below it; memcached refuses more than 1 MB). */
#define SOCIAL_FRAGCACHE_ENTRY_MAX (256 * 1024)

/* Entries never change under their key (a discussion, a listing or a
 * viewer's state under a page version): a new version is a new key.
 * put stores one for SocialCacheTTL in the shared cache, with its
 * expiry, and in this process's memory until the same expiry (at most
 * 8 MB of entries per process, the least recently used dropped first);
 * a refusal (too large for the cache) is only logged at debug level: the
 * caller has what it rendered anyway. get answers the entry under key if
 * it is at most max bytes, or NULL, from this process or else from the
 * shared cache (which this process then keeps too), copied into r's
 * pool: for small entries, it takes no lock across processes once the
 * process has it. */
const char *social_fragcache_get(request_rec *r, const char *key, apr_size_t max,
                                 apr_size_t *len);
void social_fragcache_put(request_rec *r, const char *key, const char *data,
                          apr_size_t len);

/* The same for large entries, not copied: what get_kept answers stays
 * readable until r ends. *kept is the process's entry (NULL when it
 * answered from the shared cache alone), to which a reader may attach a
 * note once: what it made of the entry (e.g. the entry parsed), in
 * malloc'd memory, freed with note_free when the entry goes.
 * kept_note_set answers the note kept, which is another thread's if it
 * came first. */
typedef struct social_fragcache_kept social_fragcache_kept;
const char *social_fragcache_get_kept(request_rec *r, const char *key, apr_size_t *len,
                                      social_fragcache_kept **kept);
void *social_fragcache_kept_note(social_fragcache_kept *kept);
void *social_fragcache_kept_note_set(social_fragcache_kept *kept, void *note,
                                     void (*note_free)(void *));

/* Has key been remembered within its lifetime? If not, remembers it for
 * ttl and answers 0. -1 if there is no cache (the caller cannot know). */
int social_fragcache_remembered(request_rec *r, const char *key, apr_interval_time_t ttl);

/* Forgets key (what was remembered under it did not happen after all). */
void social_fragcache_forget(request_rec *r, const char *key);

/* Makes a logged-in person known (for shares and @mentions) with their
 * name and e-mail: one write per person a day (or when their name or
 * e-mail changes), one cache look-up otherwise. Without a cache every
 * call writes. */
void social_fragcache_person_seen(request_rec *r, const char *user, const char *name,
                                  const char *email);

#endif /* SOCIAL_FRAGCACHE_H */
