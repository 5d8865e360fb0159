-- 007: notifications ("for you") and each person's notification settings.
-- The activity stream itself needs no table: it reads comments, shares,
-- likes and polls through their existing *_created indexes.

-- One row per thing a person should hear about. kind says what
-- target_id is: reply and mention -> the new comment; like -> the liked
-- comment (one row per comment, however many like it: the count is read
-- from social_likes, and a new like makes the row unread again); share
-- -> the share. (user, kind, target_id) is unique, so racing writers
-- never notify twice.
CREATE TABLE IF NOT EXISTS social_notifications (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    kind         ENUM('reply', 'mention', 'share', 'like') NOT NULL,
    target_id    BIGINT UNSIGNED NOT NULL,
    page_id      BIGINT UNSIGNED NOT NULL,
    actor        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    actor_name   VARCHAR(255) NOT NULL,
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    read_at      TIMESTAMP(3) NULL DEFAULT NULL,
    mailed_at    TIMESTAMP(3) NULL DEFAULT NULL,
    UNIQUE KEY social_notifications_target (user, kind, target_id),
    KEY social_notifications_user (user, created_at),
    KEY social_notifications_unread (user, read_at),
    KEY social_notifications_mail (mailed_at, user),
    CONSTRAINT social_notifications_page_fk FOREIGN KEY (page_id) REFERENCES social_pages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A person's choices: e-mail off, and when the last digest went out
-- (a digest at most every SocialMailInterval).
CREATE TABLE IF NOT EXISTS social_notify_settings (
    user            VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    email_off       TINYINT(1) NOT NULL DEFAULT 0,
    last_mailed_at  TIMESTAMP(3) NULL DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
