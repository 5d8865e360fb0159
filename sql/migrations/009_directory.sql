-- 009: people loaded from the company directory, deleted text kept for
-- moderators, the reasons of locks in the console, and reports of
-- comments to moderators.
--
-- People loaded from the company directory (`social-db people`).
-- A name the directory gave stays until the directory changes it or a
-- login gives a display name of its own (a login that gives none, where
-- the user name stands in, keeps it).
ALTER TABLE social_people ADD COLUMN from_directory TINYINT(1) NOT NULL DEFAULT 0;

-- What a moderator deleted (or rejected) stays readable to moderators in
-- the console (for appeals); what authors delete themselves is gone.
ALTER TABLE social_comments ADD COLUMN removed_body TEXT NULL;

-- The console shows why each locked discussion was locked: the newest
-- lock entry of the page's audit.
ALTER TABLE social_audit ADD KEY social_audit_target (site, target_kind, action, target(191), id);

-- A reader reports a comment to the moderators, with a reason; one report
-- per person and comment (reporting again updates the reason). The
-- console counts them; nobody but moderators sees them.
CREATE TABLE IF NOT EXISTS social_flags (
    comment_id  BIGINT UNSIGNED NOT NULL,
    user        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    reason      VARCHAR(1000) NOT NULL DEFAULT '',
    created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (comment_id, user)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
