-- 004: Idempotency-Key: a client's retried POST gets the first answer.
-- (user, key) is the primary key, so racing retries wait for the first
-- and then find its result; request_hash tells a retry from a reuse.

CREATE TABLE IF NOT EXISTS social_idempotency (
    user          VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    idem_key      VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    kind          ENUM('comment', 'share') NOT NULL,
    request_hash  CHAR(40) CHARACTER SET ascii NOT NULL,
    target_id     BIGINT UNSIGNED NOT NULL DEFAULT 0,
    created_at    TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user, idem_key),
    KEY social_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
