-- 016: a comment's place in a document. A comment on an audio or video
-- file may name a time (whole seconds from the start), one on a PDF a
-- page (from 1); the discussion links it to FILE#t=SECONDS or
-- FILE#page=N. Both NULL for a comment on the whole document or page;
-- at most one is set (the module checks it, by the file's type). Nothing
-- is queried by position: no index.
ALTER TABLE social_comments
    ADD COLUMN position_time  INT UNSIGNED NULL DEFAULT NULL,
    ADD COLUMN position_page  INT UNSIGNED NULL DEFAULT NULL;
