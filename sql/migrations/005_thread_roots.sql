-- 005: every comment knows the top-level comment of its thread, so a page
-- view reads only the threads it shows (the newest ones), however long
-- the discussion has grown; and whether a reader has written on a page is
-- one index look-up (the cached discussion is for readers who have not).

ALTER TABLE social_comments
    ADD COLUMN root_id BIGINT UNSIGNED NULL AFTER parent_id,
    ADD KEY social_comments_roots (page_id, parent_id, id),
    ADD KEY social_comments_thread (page_id, root_id, status),
    ADD KEY social_comments_page_author (page_id, author);

-- Existing replies: walk down from the top-level comments.
UPDATE social_comments c
JOIN (
    WITH RECURSIVE t (id, root) AS (
        SELECT id, id FROM social_comments WHERE parent_id IS NULL
        UNION ALL
        SELECT r.id, t.root FROM social_comments r JOIN t ON r.parent_id = t.id
    )
    SELECT id, root FROM t
) walk ON walk.id = c.id
SET c.root_id = walk.root;
