-- 003: likes, shares and polls.

-- One like per person per target, by the primary key: racing requests
-- can never count twice, and liking again changes nothing.
CREATE TABLE IF NOT EXISTS social_likes (
    target_kind  ENUM('page', 'comment') NOT NULL,
    target_id    BIGINT UNSIGNED NOT NULL,
    user         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (target_kind, target_id, user),
    KEY social_likes_user (user, created_at),
    KEY social_likes_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS social_shares (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    page_id      BIGINT UNSIGNED NOT NULL,
    user         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    user_name    VARCHAR(255) NOT NULL,
    note         TEXT NULL,
    public       TINYINT(1) NOT NULL DEFAULT 1,
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY social_shares_page (page_id, id),
    KEY social_shares_user (user, created_at),
    KEY social_shares_created (created_at),
    CONSTRAINT social_shares_page_fk FOREIGN KEY (page_id) REFERENCES social_pages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS social_share_recipients (
    share_id     BIGINT UNSIGNED NOT NULL,
    user         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (share_id, user),
    KEY social_share_recipients_user (user, share_id),
    CONSTRAINT social_share_recipients_fk FOREIGN KEY (share_id) REFERENCES social_shares (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A poll is declared by a marker in a page and made the first time the
-- page is served; (page, name) is unique. definition is the marker's
-- text, so a changed marker is noticed without a write per page view.
CREATE TABLE IF NOT EXISTS social_polls (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    page_id      BIGINT UNSIGNED NOT NULL,
    name         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    question     VARCHAR(500) NOT NULL,
    multiple     TINYINT(1) NOT NULL DEFAULT 0,
    closes_at    BIGINT NULL DEFAULT NULL,          -- Unix time (UTC), NULL: no date
    results      ENUM('always', 'after-vote', 'after-close') NOT NULL DEFAULT 'always',
    closed       TINYINT(1) NOT NULL DEFAULT 0,
    definition   TEXT NOT NULL,
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY social_polls_page_name (page_id, name),
    KEY social_polls_created (created_at),
    CONSTRAINT social_polls_page_fk FOREIGN KEY (page_id) REFERENCES social_pages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Options keep their index for life: a renamed marker adds options, a
-- removed option is marked removed and its votes are kept out of sight.
CREATE TABLE IF NOT EXISTS social_poll_options (
    poll_id      BIGINT UNSIGNED NOT NULL,
    idx          INT UNSIGNED NOT NULL,
    label        VARCHAR(200) NOT NULL,
    removed      TINYINT(1) NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, idx),
    CONSTRAINT social_poll_options_fk FOREIGN KEY (poll_id) REFERENCES social_polls (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One ballot per person per poll (primary key); its choices below.
CREATE TABLE IF NOT EXISTS social_poll_ballots (
    poll_id      BIGINT UNSIGNED NOT NULL,
    user         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (poll_id, user),
    KEY social_poll_ballots_created (created_at),
    CONSTRAINT social_poll_ballots_fk FOREIGN KEY (poll_id) REFERENCES social_polls (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS social_poll_choices (
    poll_id      BIGINT UNSIGNED NOT NULL,
    user         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    idx          INT UNSIGNED NOT NULL,
    PRIMARY KEY (poll_id, user, idx),
    KEY social_poll_choices_option (poll_id, idx),
    CONSTRAINT social_poll_choices_ballot_fk FOREIGN KEY (poll_id, user)
        REFERENCES social_poll_ballots (poll_id, user) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
