-- 018: the language a person reads in (their browser's choice at their
-- last recorded visit), so their e-mail digest is written in it.
ALTER TABLE social_people
    ADD COLUMN lang VARCHAR(35) CHARACTER SET ascii COLLATE ascii_bin NULL;
