-- PostgreSQL twin of sqlite/0006_hardening.sql. What the hardening round keeps: a user's time zone, where a visitor's
-- result went when they saved it, and follow-up flags kept across a pause
-- in sharing.

-- The IANA zone times are shown in ('Europe/Madrid'); '' is UTC.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

-- A visitor's result saved to an account: its old address (/results/vN)
-- leads to the saved one (/results/M) for that account.
CREATE TABLE claimed_results (
    visitor_result_id BIGINT PRIMARY KEY,
    user_id           BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assessment_id     BIGINT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE
);
CREATE INDEX claimed_results_user ON claimed_results (user_id);
CREATE INDEX claimed_results_assessment ON claimed_results (assessment_id);

-- A counselor's follow-up flag on a learner who stopped sharing, so it is
-- there again if they share again (like the counselor's notes, which stay).
-- The counselor sees nothing of it while the learner does not share.
CREATE TABLE kept_flags (
    counselor_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    learner_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (counselor_id, learner_id)
);
CREATE INDEX kept_flags_learner ON kept_flags (learner_id);
