-- A folded search key per user (Unicode case folding done in Go, so "élodie"
-- finds "Élodie" on both engines; the migration's Go step fills it for
-- existing rows), and a one-row table that the write check commits to.
ALTER TABLE users ADD COLUMN search_key TEXT NOT NULL DEFAULT '';

CREATE TABLE heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TIMESTAMP NOT NULL
);
