-- One row per learner with at least one assessment, kept current in the same
-- transaction as every new assessment, so a counselor's caseload is one
-- indexed join instead of a query per learner.
CREATE TABLE learner_stats (
    user_id          BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    attempts         INTEGER NOT NULL,
    latest_id        BIGINT NOT NULL,
    latest_overall   DOUBLE PRECISION NOT NULL,
    latest_band      TEXT NOT NULL,
    previous_overall DOUBLE PRECISION,
    bachelor_met     BOOLEAN NOT NULL,
    last_activity_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX learner_stats_latest_band ON learner_stats (latest_band);
CREATE INDEX learner_stats_latest_overall ON learner_stats (latest_overall);
CREATE INDEX learner_stats_last_activity ON learner_stats (last_activity_at);

CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Backfill from existing assessments: the newest row per learner (by
-- created_at, then id) is "latest"; the one just before it is "previous".
INSERT INTO learner_stats (user_id, attempts, latest_id, latest_overall, latest_band,
                           previous_overall, bachelor_met, last_activity_at)
SELECT a.user_id,
       (SELECT COUNT(*) FROM assessments c WHERE c.user_id = a.user_id),
       a.id, a.overall, a.band,
       (SELECT p.overall FROM assessments p
         WHERE p.user_id = a.user_id
           AND (p.created_at < a.created_at OR (p.created_at = a.created_at AND p.id < a.id))
         ORDER BY p.created_at DESC, p.id DESC
         LIMIT 1),
       a.bachelor_met, a.created_at
  FROM assessments a
 WHERE NOT EXISTS (SELECT 1 FROM assessments b
                    WHERE b.user_id = a.user_id
                      AND (b.created_at > a.created_at OR (b.created_at = a.created_at AND b.id > a.id)));
