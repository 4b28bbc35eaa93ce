-- Core schema. Times are stored as UTC TIMESTAMPs written by the application
-- clock; no SQL-side defaults for time so tests stay deterministic.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('learner', 'counselor', 'admin')),
    share_code    TEXT UNIQUE,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- id is the SHA-256 hex of the cookie token; user_id NULL is a visitor.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    session_id TEXT UNIQUE REFERENCES sessions (id) ON DELETE CASCADE,
    profile_id TEXT NOT NULL,
    answers    TEXT NOT NULL,
    section    INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((user_id IS NULL) <> (session_id IS NULL))
);

-- Rows are never updated: a result keeps displaying as it was scored.
CREATE TABLE assessments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    profile_id      TEXT NOT NULL,
    profile_version TEXT NOT NULL,
    answers         TEXT NOT NULL,
    result          TEXT NOT NULL,
    overall         REAL NOT NULL,
    band            TEXT NOT NULL,
    bachelor_met    BOOLEAN NOT NULL,
    top_step        TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX assessments_user_created ON assessments (user_id, created_at DESC, id DESC);

-- A visitor's unsaved results, claimed into assessments when they register.
CREATE TABLE visitor_results (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    profile_id      TEXT NOT NULL,
    profile_version TEXT NOT NULL,
    answers         TEXT NOT NULL,
    result          TEXT NOT NULL,
    overall         REAL NOT NULL,
    band            TEXT NOT NULL,
    bachelor_met    BOOLEAN NOT NULL,
    top_step        TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX visitor_results_session ON visitor_results (session_id);

CREATE TABLE counselor_links (
    counselor_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    learner_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    flagged      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (counselor_id, learner_id)
);
CREATE INDEX counselor_links_learner ON counselor_links (learner_id);

CREATE TABLE notes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    counselor_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    learner_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX notes_learner_created ON notes (learner_id, created_at);
-- Lets deleting a counselor cascade without a table scan.
CREATE INDEX notes_counselor ON notes (counselor_id);

-- throttle_key is e.g. "email:x@example.org" or "ip:192.0.2.1".
CREATE TABLE login_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    throttle_key TEXT NOT NULL,
    at           TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_key_at ON login_attempts (throttle_key, at);
