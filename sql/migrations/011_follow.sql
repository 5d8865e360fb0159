-- 011: following a page or one thread of it. A follower hears of new
-- comments there in one notification per page (or thread) while it is
-- unread, however many comments arrive: kind 'follow' (target_id: the
-- page) and 'thread' (target_id: the thread's top-level comment), with
-- since_id the first comment they have not seen.
CREATE TABLE IF NOT EXISTS social_follows (
    user        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    page_id     BIGINT UNSIGNED NOT NULL,
    root_id     BIGINT UNSIGNED NOT NULL DEFAULT 0,   -- 0: the whole page
    created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user, page_id, root_id),
    KEY social_follows_page (page_id, root_id),
    CONSTRAINT social_follows_page_fk FOREIGN KEY (page_id) REFERENCES social_pages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE social_notifications
    MODIFY kind ENUM('reply', 'mention', 'share', 'like', 'follow', 'thread') NOT NULL,
    ADD COLUMN since_id BIGINT UNSIGNED NULL;
