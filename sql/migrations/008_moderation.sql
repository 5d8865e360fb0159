-- 008: moderation: pre-moderated comments, locked discussions, read-only
-- bans and the audit log of every moderator's action.

-- 'pending': written under SocialModeration Pre, shown only to its author
-- until a moderator approves it (visible) or rejects it (deleted).
ALTER TABLE social_comments
    MODIFY status ENUM('visible', 'hidden', 'deleted', 'pending') NOT NULL DEFAULT 'visible';
-- The console's queue: newest first, by status or by author.
ALTER TABLE social_comments ADD KEY social_comments_status (status, id);
ALTER TABLE social_comments ADD KEY social_comments_author_id (author, id);

-- A locked page takes no new comments or replies.
ALTER TABLE social_pages ADD COLUMN locked TINYINT(1) NOT NULL DEFAULT 0;
ALTER TABLE social_pages ADD KEY social_pages_locked (site, locked);

-- A banned person may read but not write; expires_at NULL: until unbanned.
CREATE TABLE IF NOT EXISTS social_bans (
    user        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    reason      VARCHAR(1000) NOT NULL,
    expires_at  BIGINT NULL DEFAULT NULL,          -- Unix time (UTC)
    banned_by   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who did what to which target, when and why. target is the page path,
-- the poll's page and name, or the person, as it was then.
CREATE TABLE IF NOT EXISTS social_audit (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    site         VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    actor        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    action       VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    target_kind  ENUM('comment', 'page', 'poll', 'person') NOT NULL,
    target_id    BIGINT UNSIGNED NOT NULL DEFAULT 0,
    target       VARCHAR(1024) NOT NULL DEFAULT '',
    reason       VARCHAR(1000) NOT NULL DEFAULT '',
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY social_audit_site (site, id),
    KEY social_audit_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
