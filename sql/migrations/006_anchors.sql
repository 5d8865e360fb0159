-- 006: passage comments. A top-level comment may be anchored to a
-- passage of its page, described the way the W3C Web Annotation model's
-- TextQuoteSelector does: the exact quote with some text before and
-- after it, plus a TextPositionSelector-like hint (character offset of
-- the quote in the page's whitespace-collapsed text). All NULL for an
-- ordinary comment; replies belong to their thread's passage.
-- The widget re-anchors in the browser, so nothing here is queried by
-- anchor: no index is needed beyond the existing (page_id, id).

ALTER TABLE social_comments
    ADD COLUMN anchor_exact     VARCHAR(1000) NULL DEFAULT NULL,
    ADD COLUMN anchor_prefix    VARCHAR(64) NULL DEFAULT NULL,
    ADD COLUMN anchor_suffix    VARCHAR(64) NULL DEFAULT NULL,
    ADD COLUMN anchor_position  INT UNSIGNED NULL DEFAULT NULL;
