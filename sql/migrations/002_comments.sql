-- 002: comments and the people the module has seen.

CREATE TABLE IF NOT EXISTS social_people (
    user          VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    display_name  VARCHAR(255) NOT NULL,
    email         VARCHAR(320) NULL,
    first_seen    TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    last_seen     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY social_people_name (display_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- status: visible, hidden (by a moderator), deleted (text gone; the row
-- stays as a tombstone so replies keep their place and the audit trail
-- keeps its subject).
CREATE TABLE IF NOT EXISTS social_comments (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    page_id      BIGINT UNSIGNED NOT NULL,
    parent_id    BIGINT UNSIGNED NULL,
    author       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    author_name  VARCHAR(255) NOT NULL,
    body         TEXT NOT NULL,
    status       ENUM('visible', 'hidden', 'deleted') NOT NULL DEFAULT 'visible',
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    edited_at    TIMESTAMP(3) NULL DEFAULT NULL,
    KEY social_comments_page (page_id, id),
    KEY social_comments_parent (parent_id),
    KEY social_comments_author (author, created_at),
    KEY social_comments_created (created_at),
    CONSTRAINT social_comments_page_fk FOREIGN KEY (page_id) REFERENCES social_pages (id),
    CONSTRAINT social_comments_parent_fk FOREIGN KEY (parent_id) REFERENCES social_comments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
