-- 010: the order a person reads discussions in (oldest first, newest
-- first or most liked first), remembered across pages and devices.
ALTER TABLE social_notify_settings
    ADD COLUMN thread_order ENUM('oldest', 'newest', 'liked') NOT NULL DEFAULT 'oldest';
