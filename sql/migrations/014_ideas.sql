-- 014: ideas boards, declared by a page marker like polls
-- (<!--social:ideas name="..." title="..." [closes] [statuses]-->).
-- A board is a row per (page, name); its ideas carry a status out of the
-- board's list and a moderator's public response. One vote per person
-- per idea is the primary key of social_idea_votes, so votes are exact
-- and idempotent. A duplicate merged into another idea keeps its row
-- (merged_into) and its votes; its voters are added to the other idea's
-- votes (a person who voted for both counts once).
-- An idea's own discussion is ordinary comments on the page key
-- "PAGE#idea-ID" (a social_pages row of its own).
CREATE TABLE IF NOT EXISTS social_idea_boards (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    page_id      BIGINT UNSIGNED NOT NULL,
    name         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    title        VARCHAR(500) NOT NULL,
    closes_at    BIGINT NULL DEFAULT NULL,          -- Unix time (UTC), NULL: no date
    statuses     VARCHAR(2000) NOT NULL,            -- '|'-separated, the first is a new idea's
    definition   TEXT NOT NULL,
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY social_idea_boards_page_name (page_id, name),
    CONSTRAINT social_idea_boards_page_fk FOREIGN KEY (page_id) REFERENCES social_pages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS social_ideas (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    board_id     BIGINT UNSIGNED NOT NULL,
    author       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    author_name  VARCHAR(255) NOT NULL,
    title        VARCHAR(200) NOT NULL,
    body         TEXT NOT NULL,
    status       VARCHAR(100) NOT NULL,
    response     TEXT NOT NULL,
    responder    VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    merged_into  BIGINT UNSIGNED NULL DEFAULT NULL,
    deleted      TINYINT(1) NOT NULL DEFAULT 0,
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    edited_at    TIMESTAMP(3) NULL DEFAULT NULL,
    status_at    TIMESTAMP(3) NULL DEFAULT NULL,
    KEY social_ideas_board (board_id, id),
    KEY social_ideas_created (created_at),
    KEY social_ideas_status_at (status_at),
    CONSTRAINT social_ideas_board_fk FOREIGN KEY (board_id) REFERENCES social_idea_boards (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS social_idea_votes (
    idea_id      BIGINT UNSIGNED NOT NULL,
    user         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (idea_id, user),
    KEY social_idea_votes_user (user),
    CONSTRAINT social_idea_votes_fk FOREIGN KEY (idea_id) REFERENCES social_ideas (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The author and the voters hear of a status change: kind 'idea',
-- target_id the idea (one row per person and idea, made unread again by
-- each change).
ALTER TABLE social_notifications
    MODIFY kind ENUM('reply', 'mention', 'share', 'like', 'follow', 'thread', 'idea') NOT NULL;

-- Moderators' status changes and merges are audited like the rest.
ALTER TABLE social_audit
    MODIFY target_kind ENUM('comment', 'page', 'poll', 'person', 'idea') NOT NULL;

-- POST ideas takes an Idempotency-Key like comments and shares.
ALTER TABLE social_idempotency
    MODIFY kind ENUM('comment', 'share', 'idea') NOT NULL;
