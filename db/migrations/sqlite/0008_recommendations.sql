-- A counselor's recommendations to a learner: a catalog step (step is its
-- id) or their own suggestion (step NULL), with a title, a text and an
-- optional link. The learner keeps them after they stop sharing, and after
-- the counselor's account is deleted: counselor_name is the name at the time.
CREATE TABLE recommendations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    learner_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    counselor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    counselor_name TEXT NOT NULL,
    step           TEXT,
    title          TEXT NOT NULL,
    text           TEXT NOT NULL,
    url            TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX recommendations_learner_created ON recommendations (learner_id, created_at);
-- Lets deleting a counselor set their rows' counselor_id without a table scan.
CREATE INDEX recommendations_counselor ON recommendations (counselor_id);
