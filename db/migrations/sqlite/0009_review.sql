-- Counselor review that reaches the learner: feedback on a result,
-- verified levels, and private notes that can be edited.

-- Feedback a counselor gave a learner on one of their results. The learner
-- keeps it after they stop sharing and after the counselor's account is
-- deleted (counselor_name is the name at the time). read_at is when the
-- learner last opened the result since it was written or edited.
CREATE TABLE feedback (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id  INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    learner_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    counselor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    counselor_name TEXT NOT NULL,
    text           TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    edited_at      TIMESTAMP,
    read_at        TIMESTAMP
);
CREATE INDEX feedback_assessment_created ON feedback (assessment_id, created_at);
-- "New feedback" on /progress: a learner's unread rows.
CREATE INDEX feedback_learner_read ON feedback (learner_id, read_at);
CREATE INDEX feedback_counselor ON feedback (counselor_id);

-- A result's verified levels: the answers a counselor checked (a
-- certificate, a portfolio) and the result the same scorer gives the self
-- answers with those in their place. The self result in assessments is
-- never changed. One row per result: recording again replaces it.
CREATE TABLE verified_results (
    assessment_id  INTEGER PRIMARY KEY REFERENCES assessments (id) ON DELETE CASCADE,
    learner_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    counselor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    counselor_name TEXT NOT NULL,
    answers        TEXT NOT NULL,
    result         TEXT NOT NULL,
    overall        REAL NOT NULL,
    band           TEXT NOT NULL,
    verified_at    TIMESTAMP NOT NULL
);
CREATE INDEX verified_results_learner ON verified_results (learner_id);
CREATE INDEX verified_results_counselor ON verified_results (counselor_id);

-- A note its author changed, and when.
ALTER TABLE notes ADD COLUMN edited_at TIMESTAMP;
