-- 017: a moderator closing or reopening a survey is audited like polls:
-- target kind 'survey', actions 'close' and 'reopen'.
ALTER TABLE social_audit
    MODIFY target_kind ENUM('comment', 'page', 'poll', 'person', 'idea', 'survey') NOT NULL;
