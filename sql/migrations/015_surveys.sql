-- 015: surveys declared by page markers (a survey marker and one
-- question marker per question). Independent of 014.
--
-- Anonymous means anonymous: who has responded (social_survey_respondents:
-- one row per person, for "one response per person", with only the UTC
-- date) is kept apart from what was answered (social_survey_responses
-- and social_survey_answers). Nothing joins them: a response's id is 128
-- random bits made by the module (no AUTO_INCREMENT, so no order), the
-- response rows carry no time at all, and for an anonymous survey the
-- user column of a response is NULL. Rows of both tables are stored in
-- primary-key order, which is random for responses.
CREATE TABLE IF NOT EXISTS social_surveys (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    page_id        BIGINT UNSIGNED NOT NULL,
    name           VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    title          VARCHAR(500) NOT NULL,
    anonymous      TINYINT(1) NOT NULL DEFAULT 0,
    closes_at      BIGINT NULL DEFAULT NULL,          -- Unix time (UTC), NULL: no date
    results        ENUM('always', 'after-response', 'after-close') NOT NULL DEFAULT 'always',
    min_responses  INT UNSIGNED NOT NULL DEFAULT 1,
    closed         TINYINT(1) NOT NULL DEFAULT 0,     -- closed by a moderator
    definition     MEDIUMTEXT NOT NULL,
    created_at     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY social_surveys_page_name (page_id, name),
    CONSTRAINT social_surveys_page_fk FOREIGN KEY (page_id) REFERENCES social_pages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Questions are matched by name when the marker changes: a question no
-- longer in the page is marked removed and its answers kept out of sight.
CREATE TABLE IF NOT EXISTS social_survey_questions (
    survey_id      BIGINT UNSIGNED NOT NULL,
    name           VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    position       INT UNSIGNED NOT NULL,
    type           ENUM('choice', 'multiple', 'scale', 'text') NOT NULL,
    label          VARCHAR(500) NOT NULL,
    options        TEXT NOT NULL,                     -- '|' between options
    scale_min      INT NOT NULL DEFAULT 0,
    scale_max      INT NOT NULL DEFAULT 0,
    required       TINYINT(1) NOT NULL DEFAULT 0,
    removed        TINYINT(1) NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, name),
    CONSTRAINT social_survey_questions_fk FOREIGN KEY (survey_id) REFERENCES social_surveys (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who has responded: one row per person (primary key), the date only.
CREATE TABLE IF NOT EXISTS social_survey_respondents (
    survey_id      BIGINT UNSIGNED NOT NULL,
    user           VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    responded_on   DATE NOT NULL,
    PRIMARY KEY (survey_id, user),
    CONSTRAINT social_survey_respondents_fk FOREIGN KEY (survey_id) REFERENCES social_surveys (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What was answered: a random id; user only for surveys that are not
-- anonymous (so their responses can be edited); no time.
CREATE TABLE IF NOT EXISTS social_survey_responses (
    id             CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    survey_id      BIGINT UNSIGNED NOT NULL,
    user           VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL DEFAULT NULL,
    UNIQUE KEY social_survey_responses_user (survey_id, user),
    CONSTRAINT social_survey_responses_fk FOREIGN KEY (survey_id) REFERENCES social_surveys (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per answer value (a multiple-choice answer has one per option).
CREATE TABLE IF NOT EXISTS social_survey_answers (
    response_id    CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    question       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    seq            SMALLINT UNSIGNED NOT NULL,
    value          TEXT NOT NULL,
    PRIMARY KEY (response_id, question, seq),
    CONSTRAINT social_survey_answers_fk FOREIGN KEY (response_id)
        REFERENCES social_survey_responses (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
