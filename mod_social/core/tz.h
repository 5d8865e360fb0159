/* tz.h: time zones from the system's zoneinfo (TZif files, RFC 8536).
 *
 * A zone is read once (at configuration time) into a table of
 * transitions and the POSIX TZ rule of its footer ("CET-1CEST,M3.5.0,
 * M10.5.0/3"), which covers every time after the last transition. Turning
 * a time into local time then only reads that table: no TZ variable, no
 * localtime(), nothing shared between threads that is ever written.
 * Pure C and APR; no httpd headers.
 */
#ifndef SOCIAL_TZ_H
#define SOCIAL_TZ_H

#include <apr_pools.h>
#include <apr_time.h>

/* Where Debian's tzdata puts the zones. */
#define SOCIAL_TZ_DIR "/usr/share/zoneinfo"

typedef struct social_tz social_tz;

/* A moment as the wall clock of a zone shows it. */
typedef struct {
    apr_time_exp_t tm;   /* local date and time; tm_gmtoff, tm_isdst set */
    int offset;          /* seconds east of UTC */
    int dst;             /* nonzero: daylight saving time */
    const char *abbr;    /* "CEST", "IST", "-03" (the zone's own words) */
} social_tz_local;

/* Nonzero if name can be an IANA zone name ("Europe/Berlin", "UTC",
 * "America/Argentina/Buenos_Aires", "Etc/GMT+5"): letters, digits and
 * "/_+-", no empty or dot parts, at most 255 bytes. */
int social_tz_name_valid(const char *name);

/* Reads the zone name from dir (SOCIAL_TZ_DIR when NULL). NULL and
 * *error (a sentence naming the file) when the name is not a zone name,
 * the file cannot be read or is not a valid TZif file. "UTC" is known
 * even without the file. */
social_tz *social_tz_load(apr_pool_t *p, const char *dir, const char *name,
                          const char **error);

/* The zone of TZif data (a whole file), called name. */
social_tz *social_tz_parse(apr_pool_t *p, const char *name, const unsigned char *data,
                           apr_size_t len, const char **error);

/* UTC itself (static: never freed). */
const social_tz *social_tz_utc(void);

const char *social_tz_name(const social_tz *zone);

/* t as zone shows it; zone NULL: UTC. */
void social_tz_convert(const social_tz *zone, apr_time_t t, social_tz_local *out);

#endif /* SOCIAL_TZ_H */
