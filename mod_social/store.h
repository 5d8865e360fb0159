/* store.h: mod_social's data in MySQL/MariaDB, reached through mod_dbd.
 * Only store.c knows SQL; callers get plain C values back. */
#ifndef SOCIAL_STORE_H
#define SOCIAL_STORE_H

#include <httpd.h>

/* The schema this build reads and writes (sql/migrations). */
#define SOCIAL_SCHEMA_VERSION 1

typedef enum {
    SOCIAL_STORE_OK = 0,
    SOCIAL_STORE_DOWN,         /* no connection: mod_dbd missing, or DB unreachable */
    SOCIAL_STORE_FAILED        /* a statement failed */
} social_store_status;

/* Registers every statement with ap_dbd_prepare for each server; runs
 * in post_config before mod_dbd's own. */
void social_store_prepare_statements(apr_pool_t *p, server_rec *s);

/* Reads the schema version into *version. */
social_store_status social_store_schema_version(request_rec *r, int *version);

#endif /* SOCIAL_STORE_H */
