-- mod_social: the bootstrap every database starts from.
-- scripts/social-db runs this, then every migration in sql/migrations/
-- newer than the highest version recorded here, in order.
-- MySQL 5.7+ / MariaDB 10.3+, InnoDB, utf8mb4.

CREATE TABLE IF NOT EXISTS social_schema_version (
    version     INT UNSIGNED NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    applied_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
