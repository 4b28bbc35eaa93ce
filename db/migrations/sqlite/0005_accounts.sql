-- Accounts an institution can run: groups, who made a counselor link,
-- reset and invitation links, and the audit log.

-- A learner's group ("Class of 2027"), as typed, and its folded key
-- (account.GroupKey), which filters compare; '' is no group.
ALTER TABLE users ADD COLUMN group_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN group_key TEXT NOT NULL DEFAULT '';
CREATE INDEX users_group_key ON users (group_key);

-- Links an admin made (one by one or by import) say so, and whom, so the
-- learner sees where each came from. linked_by goes when that admin's
-- account does; by_admin stays.
ALTER TABLE counselor_links ADD COLUMN by_admin BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE counselor_links ADD COLUMN linked_by INTEGER REFERENCES users (id) ON DELETE SET NULL;

-- One-time links to set a password: an invitation for a new account, or a
-- reset. The token's selector finds the row; only the SHA-256 of its
-- verifier is kept. A link ends when used, when a newer one replaces it,
-- or at expires_at.
CREATE TABLE reset_links (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    selector      TEXT NOT NULL UNIQUE,
    verifier_hash TEXT NOT NULL,
    purpose       TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    used_at       TIMESTAMP,
    replaced_at   TIMESTAMP
);
CREATE INDEX reset_links_user ON reset_links (user_id);
CREATE INDEX reset_links_expires_at ON reset_links (expires_at);

-- Every admin action and every time a counselor or admin opens a learner's
-- results. Names and emails are copied in when the row is written, so the
-- log still reads after an account changes or goes; the ids go with the
-- account (SET NULL). The app has no way to change or delete a row, except
-- that a learner's access rows go with their account and its records.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TIMESTAMP NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('admin', 'access')),
    action        TEXT NOT NULL,
    actor_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_name    TEXT NOT NULL,
    actor_email   TEXT NOT NULL,
    subject_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    subject_name  TEXT NOT NULL,
    subject_email TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_subject ON audit_log (subject_id, kind, id);
CREATE INDEX audit_log_actor_email ON audit_log (actor_email, id);
CREATE INDEX audit_log_subject_email ON audit_log (subject_email, id);
