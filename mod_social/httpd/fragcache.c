/* fragcache.c: SocialCache through mod_socache. */
#include "fragcache.h"

#include <stdlib.h>
#include <string.h>

#include <apr_atomic.h>
#include <apr_hash.h>
#include <apr_md5.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>

#include "config.h"
#include "memo.h"
#include "request.h"
#include "socache.h"
#include "store.h"

APLOG_USE_MODULE(social);

/* Bytes of shared memory for "SocialCache shmcb" without a size. */
#define SOCIAL_CACHE_SHMCB_SIZE 8388608

/* A version outlives the entries stored under it by far: when it is
 * evicted anyway, the next view simply starts a new one. */
#define VERSION_TTL apr_time_from_sec(86400)
#define VERSION_BYTES 8

/* One cache for the whole server; keys carry the site, so virtual hosts
 * never share entries. Locked only for providers not safe across
 * processes. */
static social_socache cache = {
    "social-cache", "mod_social-cache", "SocialCache", "the discussion cache", 0,
    NULL, NULL, NULL
};

/* Each server's key, "name:port", made once at start (read-only after). */
static apr_hash_t *vhost_keys;

static const char *vhost_key(apr_pool_t *p, const server_rec *s)
{
    return apr_psprintf(p, "%s:%u", s->server_hostname ? s->server_hostname : "",
                        (unsigned)s->port);
}

static void vhost_keys_make(server_rec *s, apr_pool_t *pconf)
{
    vhost_keys = apr_hash_make(pconf);
    for (; s != NULL; s = s->next) {
        apr_hash_set(vhost_keys, apr_pmemdup(pconf, &s, sizeof(s)), sizeof(s),
                     vhost_key(pconf, s));
    }
}

const char *social_fragcache_vhost(request_rec *r)
{
    const char *key = vhost_keys ? apr_hash_get(vhost_keys, &r->server, sizeof(r->server))
                                 : NULL;

    return key ? key : vhost_key(r->pool, r->server);
}

/* ---- versions without a lock ----
 * With the cache on this node alone (shmcb, the default), the page
 * versions and the notification epoch are not kept in the cache but in
 * a table of counters in shared memory, made before the children start.
 * A view reads its page's counter and the epoch's, a write adds one to
 * its page's: neither takes the cache's lock across processes, which
 * every view of a logged-in reader took three times, and for which the
 * threads of every process queued under load. A key's counter is found
 * by a hash keyed anew at each start (below): two pages that share one
 * only make each other render once more after a write. A version is the counter plus a word drawn at
 * each start, so no version of an earlier start comes back. With a cache
 * several nodes share (memcache, redis), the versions stay in that
 * cache, where every node sees what any node wrote. */
#define STAMP_SLOTS 65536

static volatile apr_uint64_t *stamps;     /* NULL: versions live in the cache */
static apr_uint64_t stamps_start;
/* Which pages share a counter is drawn at each start too: with a public
 * hash, someone could pick a page they may read whose counter is that of
 * a page they may not, and watch the first's version to learn when the
 * second is written. */
static unsigned char stamps_key[16];

static void stamps_make(const char *provider, server_rec *s, apr_pool_t *pconf)
{
    apr_shm_t *shm;
    apr_status_t rv;

    if (strcmp(provider, "shmcb") != 0) {
        return;
    }
    rv = apr_shm_create(&shm, STAMP_SLOTS * sizeof(apr_uint64_t), NULL, pconf);
    if (rv == APR_SUCCESS) {
        rv = apr_generate_random_bytes((unsigned char *)&stamps_start, sizeof(stamps_start));
    }
    if (rv == APR_SUCCESS) {
        rv = apr_generate_random_bytes(stamps_key, sizeof(stamps_key));
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     "SOCIAL1209: no shared memory for page versions; they are kept "
                     "in the discussion cache instead, under its lock");
        return;
    }
    stamps = apr_shm_baseaddr_get(shm);
    memset((void *)stamps, 0, STAMP_SLOTS * sizeof(apr_uint64_t));
}

/* A key's counter: the first two bytes of MD5(start's key, key). */
static volatile apr_uint64_t *stamp_of(const char *key)
{
    unsigned char digest[APR_MD5_DIGESTSIZE];
    apr_md5_ctx_t md5;

    apr_md5_init(&md5);
    apr_md5_update(&md5, stamps_key, sizeof(stamps_key));
    apr_md5_update(&md5, key, strlen(key));
    apr_md5_final(digest, &md5);
    return &stamps[((unsigned)digest[0] << 8 | digest[1]) % STAMP_SLOTS];
}

/* A version: word in 16 hex digits. */
static const char *hex_word(request_rec *r, apr_uint64_t word)
{
    static const char digits[] = "0123456789abcdef";
    char *hex = apr_palloc(r->pool, 2 * VERSION_BYTES + 1);
    int k;

    for (k = 2 * VERSION_BYTES - 1; k >= 0; k--) {
        hex[k] = digits[word & 15];
        word >>= 4;
    }
    hex[2 * VERSION_BYTES] = '\0';
    return hex;
}

static int fragcache_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    stamps = NULL;   /* (the last generation's tables went with its pool) */
    vhost_keys = NULL;
    return social_socache_pre_config(&cache, pconf);
}

static int fragcache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                 apr_pool_t *ptemp, server_rec *s)
{
    const social_srv_conf *sc = social_config_srv(s);
    const char *name, *args;
    struct ap_socache_hints hints = { 256, 32768, 30 };

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;   /* the first, dry reading of the configuration */
    }
    vhost_keys_make(s, pconf);
    if (sc->cache != NULL && strcasecmp(sc->cache, "off") == 0) {
        return OK;
    }
    social_socache_lookup(&cache, sc->cache ? sc->cache : "shmcb", ptemp, &name, &args);
    if (args == NULL && strcmp(name, "shmcb") == 0) {
        /* shmcb's own default (512 KB in 32 parts) cannot hold a long
         * discussion: give it room, in the server's runtime directory. */
        args = apr_pstrcat(ptemp, ap_runtime_dir_relative(ptemp, "mod_social-cache"),
                           "(" APR_STRINGIFY(SOCIAL_CACHE_SHMCB_SIZE) ")", NULL);
    }
    if (cache.provider == NULL) {
        if (sc->cache == NULL) {
            /* Only the default: pages work, each view renders. */
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                         "SOCIAL1201: mod_socache_shmcb is not loaded: discussions are "
                         "rendered for every view (load it, or say SocialCache off)");
            return OK;
        }
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "SOCIAL1202: SocialCache needs the socache provider \"%s\": "
                     "load mod_socache_%s", name, name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (social_socache_open(&cache, name, args, &hints, s, pconf, ptemp) != OK) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    stamps_make(name, s, pconf);
    return OK;
}

/* ---- discussions kept in the process, too ----
 *
 * An entry stored under a page version never changes (a new version is a
 * new key), so each process keeps the discussions it serves most in its
 * own memory as well: a view then reads no shared memory, takes no
 * cross-process lock and copies nothing before personalising. In the
 * shared cache such an entry starts with its expiry (8 bytes, network
 * order), so a copy in a process lives exactly as long as the shared one.
 * Entries are reference-counted: one dropped from the process's table
 * while a request reads it is freed when that request ends. */

#define KEPT_BUDGET (8 * 1024 * 1024)     /* bytes of entries per process */
#define KEPT_HEADER 8

typedef struct social_fragcache_kept kept_entry;
struct social_fragcache_kept {
    kept_entry *newer, *older;   /* the table's order of use */
    char *key;
    apr_size_t key_len;
    char *data;
    apr_size_t len;
    apr_time_t expiry;
    unsigned int refs;           /* requests reading it, +1 while in the table */
    void *note;                  /* what a reader made of it once (see .h) */
    void (*note_free)(void *);
};

static apr_hash_t *kept_table;
static kept_entry *kept_newest, *kept_oldest;
static apr_size_t kept_bytes;
#if APR_HAS_THREADS
static apr_thread_mutex_t *kept_lock;
/* (made with the table: no table, no entry, nothing locked) */
#define KEPT_LOCK() apr_thread_mutex_lock(kept_lock)
#define KEPT_UNLOCK() apr_thread_mutex_unlock(kept_lock)
#else
#define KEPT_LOCK() APR_SUCCESS
#define KEPT_UNLOCK() APR_SUCCESS
#endif

static void kept_unref(kept_entry *e)
{
    if (--e->refs == 0) {
        if (e->note != NULL) {
            e->note_free(e->note);
        }
        free(e->key);
        free(e->data);
        free(e);
    }
}

/* Out of the order of use (under the lock). */
static void kept_unlink(kept_entry *e)
{
    if (e->newer != NULL) {
        e->newer->older = e->older;
    }
    else {
        kept_newest = e->older;
    }
    if (e->older != NULL) {
        e->older->newer = e->newer;
    }
    else {
        kept_oldest = e->newer;
    }
    e->newer = e->older = NULL;
}

/* First in the order of use (under the lock). */
static void kept_to_front(kept_entry *e)
{
    e->older = kept_newest;
    e->newer = NULL;
    if (kept_newest != NULL) {
        kept_newest->newer = e;
    }
    kept_newest = e;
    if (kept_oldest == NULL) {
        kept_oldest = e;
    }
}

/* Out of the table (under the lock); freed once no request reads it. */
static void kept_drop(kept_entry *e)
{
    apr_hash_set(kept_table, e->key, (apr_ssize_t)e->key_len, NULL);
    kept_unlink(e);
    kept_bytes -= e->len + e->key_len;
    kept_unref(e);
}

static apr_status_t kept_release(void *data)
{
    KEPT_LOCK();
    kept_unref(data);
    KEPT_UNLOCK();
    return APR_SUCCESS;
}

/* The entry under key in this process, held for r; NULL if none. With
 * copy, nothing is held: *copy is the entry's data in r's pool instead
 * (for small entries, read once per request). */
static kept_entry *kept_find(request_rec *r, const char *key, apr_size_t key_len,
                             const char **copy, apr_size_t *copy_len)
{
    kept_entry *e;

    if (kept_table == NULL) {
        return NULL;
    }
    KEPT_LOCK();
    e = apr_hash_get(kept_table, key, (apr_ssize_t)key_len);
    if (e != NULL && e->expiry <= apr_time_now()) {
        kept_drop(e);
        e = NULL;
    }
    if (e != NULL) {
        if (e != kept_newest) {
            kept_unlink(e);
            kept_to_front(e);
        }
        if (copy != NULL) {
            *copy = apr_pstrmemdup(r->pool, e->data, e->len);
            *copy_len = e->len;
        }
        else {
            e->refs++;
        }
    }
    KEPT_UNLOCK();
    if (e != NULL && copy == NULL) {
        apr_pool_cleanup_register(r->pool, e, kept_release, apr_pool_cleanup_null);
    }
    return e;
}

/* Keeps a copy of data under key until expiry, held for r as well
 * (unless hold is 0); NULL if there is no room or no memory (the caller
 * has its own copy). */
static kept_entry *kept_add(request_rec *r, const char *key, apr_size_t key_len,
                            const char *data, apr_size_t len, apr_time_t expiry, int hold)
{
    kept_entry *e, *old;

    if (kept_table == NULL || len + key_len > KEPT_BUDGET / 8) {
        return NULL;
    }
    e = calloc(1, sizeof(*e));
    if (e == NULL || (e->key = malloc(key_len + 1)) == NULL
        || (e->data = malloc(len + 1)) == NULL) {
        if (e != NULL) {
            free(e->key);
        }
        free(e);
        return NULL;
    }
    memcpy(e->key, key, key_len);
    e->key[key_len] = '\0';
    e->key_len = key_len;
    memcpy(e->data, data, len);
    e->data[len] = '\0';
    e->len = len;
    e->expiry = expiry;
    e->refs = hold ? 2 : 1;      /* the table's and r's */
    KEPT_LOCK();
    if ((old = apr_hash_get(kept_table, key, (apr_ssize_t)key_len)) != NULL) {
        kept_drop(old);          /* the same discussion, stored again */
    }
    while (kept_oldest != NULL && kept_bytes + len + key_len > KEPT_BUDGET) {
        kept_drop(kept_oldest);
    }
    apr_hash_set(kept_table, e->key, (apr_ssize_t)key_len, e);
    kept_to_front(e);
    kept_bytes += len + key_len;
    KEPT_UNLOCK();
    if (hold) {
        apr_pool_cleanup_register(r->pool, e, kept_release, apr_pool_cleanup_null);
    }
    return e;
}

/* The people this process knows were recorded today: a view by someone
 * it has seen today asks the shared cache nothing about it. */
#define SEEN_SLOTS 512

static social_memo *seen_here;

/* The process ends: every entry goes (no request reads one any more). */
static apr_status_t kept_clear(void *data)
{
    (void)data;
    while (kept_oldest != NULL) {
        kept_drop(kept_oldest);
    }
    kept_table = NULL;
    return APR_SUCCESS;
}

static void fragcache_child_init(apr_pool_t *p, server_rec *s)
{
    social_socache_child_init(&cache, p, s);
    if (cache.instance == NULL) {
        return;
    }
    seen_here = social_memo_make(p, SEEN_SLOTS);
#if APR_HAS_THREADS
    if (apr_thread_mutex_create(&kept_lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS) {
        return;   /* (then nothing is kept in the process) */
    }
#endif
    kept_table = apr_hash_make(p);
    apr_pool_cleanup_register(p, NULL, kept_clear, apr_pool_cleanup_null);
}

/* The entry under key if it is at most max bytes, in r's pool. */
static const char *retrieve(request_rec *r, const char *key, apr_size_t max, apr_size_t *len)
{
    unsigned char *buf;
    unsigned int n = (unsigned int)max;

    buf = apr_palloc(r->pool, max + 1);
    if (social_socache_retrieve(&cache, r, key, buf, &n) != APR_SUCCESS) {
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return (const char *)buf;
}

static apr_time_t ttl_of(request_rec *r)
{
    const social_srv_conf *sc = social_config_srv(r->server);

    return apr_time_from_sec(sc->cache_ttl ? sc->cache_ttl : SOCIAL_CACHE_TTL_DEFAULT);
}

/* Stores data under key until expiry; 1 if the cache kept it. (The
 * callers keep entries within SOCIAL_FRAGCACHE_ENTRY_MAX.) */
static int store_until(request_rec *r, const char *key, const char *data, apr_size_t len,
                       apr_time_t expiry)
{
    apr_status_t rv;

    if (cache.instance == NULL || apr_table_get(r->notes, SOCIAL_STORE_BROKEN_NOTE) != NULL) {
        return 0;   /* (what a cut-off result gave is never kept) */
    }
    rv = social_socache_store(&cache, r, key, expiry, data, (unsigned int)len);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, r,
                      "SOCIAL1206: the discussion cache did not keep %" APR_SIZE_T_FMT
                      " bytes (too large for it?)", len);
        return 0;
    }
    return 1;
}

/* An entry stored with its expiry (put below), from this process or else
 * from the shared cache, which this process then keeps too: held for r
 * in *kept, or with kept NULL copied into r's pool. NULL if there is none
 * of at most max bytes. */
static const char *kept_get(request_rec *r, const char *key, apr_size_t max,
                            apr_size_t *len, social_fragcache_kept **kept)
{
    apr_size_t key_len = strlen(key), raw_len = 0;
    const char *copy = NULL;
    kept_entry *e = kept_find(r, key, key_len, kept ? NULL : &copy, len);
    const unsigned char *raw;
    apr_time_t expiry = 0;
    int k;

    if (e != NULL && kept == NULL) {
        return *len <= max ? copy : NULL;
    }
    if (e == NULL) {
        if (cache.instance == NULL
            || (raw = (const unsigned char *)retrieve(r, key, max + KEPT_HEADER,
                                                      &raw_len)) == NULL
            || raw_len < KEPT_HEADER) {
            return NULL;
        }
        for (k = 0; k < KEPT_HEADER; k++) {
            expiry = (expiry << 8) | raw[k];
        }
        if (expiry <= apr_time_now()) {
            return NULL;
        }
        *len = raw_len - KEPT_HEADER;
        e = kept_add(r, key, key_len, (const char *)raw + KEPT_HEADER, *len, expiry,
                     kept != NULL);
        if (e == NULL || kept == NULL) {
            if (kept != NULL) {
                *kept = NULL;
            }
            return (const char *)raw + KEPT_HEADER;
        }
    }
    *len = e->len;
    *kept = e;
    return e->data;
}

const char *social_fragcache_get(request_rec *r, const char *key, apr_size_t max,
                                 apr_size_t *len)
{
    if (max > SOCIAL_FRAGCACHE_ENTRY_MAX) {
        return NULL;
    }
    return kept_get(r, key, max, len, NULL);
}

const char *social_fragcache_get_kept(request_rec *r, const char *key, apr_size_t *len,
                                      social_fragcache_kept **kept)
{
    return kept_get(r, key, SOCIAL_FRAGCACHE_ENTRY_MAX, len, kept);
}

void social_fragcache_put(request_rec *r, const char *key, const char *data,
                          apr_size_t len)
{
    apr_time_t expiry = apr_time_now() + ttl_of(r);
    apr_uint64_t word = (apr_uint64_t)expiry;
    unsigned char *raw;
    int k;

    if (len > SOCIAL_FRAGCACHE_ENTRY_MAX) {
        return;
    }
    raw = apr_palloc(r->pool, len + KEPT_HEADER);
    for (k = KEPT_HEADER - 1; k >= 0; k--) {
        raw[k] = (unsigned char)(word & 0xff);
        word >>= 8;
    }
    memcpy(raw + KEPT_HEADER, data, len);
    if (store_until(r, key, (const char *)raw, len + KEPT_HEADER, expiry)) {
        kept_add(r, key, strlen(key), data, len, expiry, 0);
    }
}

void *social_fragcache_kept_note(social_fragcache_kept *kept)
{
    kept_entry *e = kept;
    void *note;

    KEPT_LOCK();
    note = e->note;
    KEPT_UNLOCK();
    return note;
}

void *social_fragcache_kept_note_set(social_fragcache_kept *kept, void *note,
                                     void (*note_free)(void *))
{
    kept_entry *e = kept;
    void *kept_note;

    KEPT_LOCK();
    if (e->note == NULL) {
        e->note = note;
        e->note_free = note_free;
    }
    kept_note = e->note;
    KEPT_UNLOCK();
    if (kept_note != note) {
        note_free(note);          /* another request made it first */
    }
    return kept_note;
}

int social_fragcache_enabled(void)
{
    return cache.instance != NULL;
}

int social_fragcache_remembered(request_rec *r, const char *key, apr_interval_time_t ttl)
{
    unsigned char buf[2];
    unsigned int n = sizeof(buf);

    if (cache.instance == NULL) {
        return -1;
    }
    if (social_socache_retrieve(&cache, r, key, buf, &n) == APR_SUCCESS) {
        return 1;
    }
    social_socache_store(&cache, r, key, apr_time_now() + ttl, "1", 1);
    return 0;
}

void social_fragcache_forget(request_rec *r, const char *key)
{
    if (cache.instance != NULL) {
        social_socache_remove(&cache, r, key);
    }
}

static const char *version_key(request_rec *r, const char *page)
{
    return apr_pstrcat(r->pool, "v\n", social_fragcache_vhost(r), "\n", page, NULL);
}

/* Stores a new random version for the page; NULL if the cache fails. */
static const char *version_new(request_rec *r, const char *key)
{
    apr_uint64_t word;
    const char *hex;
    apr_status_t rv;

    if (stamps != NULL) {
        return hex_word(r, stamps_start + apr_atomic_inc64(stamp_of(key)) + 1);
    }
    if (apr_generate_random_bytes((unsigned char *)&word, sizeof(word)) != APR_SUCCESS) {
        return NULL;
    }
    hex = hex_word(r, word);
    rv = social_socache_store(&cache, r, key, apr_time_now() + VERSION_TTL,
                              hex, 2 * VERSION_BYTES);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r,
                      "SOCIAL1207: the discussion cache refused a page version; "
                      "this view is rendered without it");
        return NULL;
    }
    return hex;
}

/* The version stored under key; a new one if there is none. */
static const char *version_get(request_rec *r, const char *key)
{
    unsigned char buf[2 * VERSION_BYTES + 1];
    unsigned int n = 2 * VERSION_BYTES;
    apr_status_t rv;

    if (stamps != NULL) {
        return hex_word(r, stamps_start + apr_atomic_read64(stamp_of(key)));
    }
    rv = social_socache_retrieve(&cache, r, key, buf, &n);
    if (rv == APR_SUCCESS && n == 2 * VERSION_BYTES) {
        return apr_pstrmemdup(r->pool, (const char *)buf, n);
    }
    return version_new(r, key);
}

const char *social_fragcache_version(request_rec *r, const char *page)
{
    return cache.instance == NULL ? NULL : version_get(r, version_key(r, page));
}

/* Notifications are counted across sites: one epoch for all. */
#define EPOCH_KEY "e\nnotifications"

const char *social_fragcache_epoch(request_rec *r)
{
    return cache.instance == NULL ? NULL : version_get(r, EPOCH_KEY);
}

void social_fragcache_notified(request_rec *r)
{
    if (cache.instance != NULL && version_new(r, EPOCH_KEY) == NULL) {
        social_socache_remove(&cache, r, EPOCH_KEY);
    }
}

void social_fragcache_touch(request_rec *r, const char *page)
{
    const char *key;

    if (cache.instance == NULL || page == NULL) {
        return;
    }
    social_fragcache_notified(r);   /* the write may have notified someone */
    key = version_key(r, page);
    if (version_new(r, key) == NULL) {
        /* The old version may live on: remove it, so nothing stored
         * under it is found again. */
        social_socache_remove(&cache, r, key);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SOCIAL1208: could not give %s a new version in the discussion "
                      "cache; views may show the discussion before this change for up "
                      "to SocialCacheTTL", page);
    }
}

void social_fragcache_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(fragcache_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(fragcache_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(fragcache_child_init, NULL, NULL, APR_HOOK_MIDDLE);
}

/* How long a person's visit counts as their visit of the day. */
#define PERSON_SEEN_TTL apr_time_from_sec(86400)

void social_fragcache_person_seen(request_rec *r, const char *user, const char *name,
                                  const char *email)
{
    const char *key, *lang;

    if (user == NULL) {
        return;
    }
    /* The language is part of what is remembered: a reader whose browser
     * now asks for another one is recorded again at once. */
    lang = social_request_reader_lang(r);
    key = apr_psprintf(r->pool, "u\n%" APR_TIME_T_FMT "\n%s\n%s\n%s\n%s",
                       apr_time_sec(apr_time_now()) / 86400, user,
                       name ? name : "", email ? email : "", lang);
    if (social_memo_get(seen_here, r->pool, key) != NULL) {
        return;
    }
    if (social_fragcache_remembered(r, key, PERSON_SEEN_TTL) != 1
        && social_store_person_seen(r, user, name, email, lang) != SOCIAL_STORE_OK) {
        social_fragcache_forget(r, key);   /* the next visit tries again */
        return;
    }
    social_memo_put(seen_here, key, "");
}
