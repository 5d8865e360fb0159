-- 001: pages, the anchor of everything social.
-- A page is identified by its site (virtual host name) and its canonical
-- page key (see README: page keys). Rows are created on first use.

CREATE TABLE IF NOT EXISTS social_pages (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    site        VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    path        VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    title       VARCHAR(500) NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY social_pages_site_path (site, path(700))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
