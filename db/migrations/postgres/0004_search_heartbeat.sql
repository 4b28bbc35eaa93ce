-- PostgreSQL twin of sqlite/0004_search_heartbeat.sql.
ALTER TABLE users ADD COLUMN search_key TEXT NOT NULL DEFAULT '';

CREATE TABLE heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TIMESTAMPTZ NOT NULL
);
