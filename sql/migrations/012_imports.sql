-- 012: comments brought in from another comment system (`social-db
-- import`): where each one came from, so importing the same file again
-- changes nothing. (source, source_id) is the primary key: a comment of a
-- source is imported once, however often or however concurrently the
-- import runs (a second writer fails on the key and rolls back).
-- source: disqus, wordpress, isso, remark42, or mod_social for a
-- comment written here and moved by `social-db export`; source_id: the
-- source's own id of the comment (for mod_social "SITE/ID").
-- likes: the like count the source gave (Isso likes, Remark42 up-votes
-- or score). A row of social_likes needs a person, which these counts
-- do not name; so they are kept here and carried by the export, and the
-- discussion shows only likes made in mod_social.
CREATE TABLE IF NOT EXISTS social_imports (
    source       VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    source_id    VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    comment_id   BIGINT UNSIGNED NOT NULL,
    likes        INT UNSIGNED NOT NULL DEFAULT 0,
    imported_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (source, source_id),
    UNIQUE KEY social_imports_comment (comment_id),
    CONSTRAINT social_imports_comment_fk FOREIGN KEY (comment_id) REFERENCES social_comments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
