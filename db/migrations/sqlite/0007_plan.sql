-- A learner's plan: the next steps they committed to, each with a status,
-- an evidence note and the time it was done. The step's title and the
-- questions it addresses are copied in when it is added, so the plan reads
-- the same, and "what moved" measures the same answers, after the catalog
-- changes. step is a catalog step id or "rec-<id>" for a counselor's
-- recommendation; a learner has each step at most once.
CREATE TABLE plan_items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step       TEXT NOT NULL,
    title      TEXT NOT NULL,
    addresses  TEXT NOT NULL DEFAULT '[]',
    status     TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in-progress', 'done')),
    evidence   TEXT NOT NULL DEFAULT '',
    done_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, step),
    CHECK ((status = 'done') = (done_at IS NOT NULL))
);
