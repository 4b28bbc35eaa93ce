-- Counselor workspace: per-dimension scores for the cohort summary, and
-- indexes for the caseload, notes and cohort queries.

-- One row per dimension of every assessment, written in the same transaction
-- as the assessment, so the cohort's mean per dimension is one indexed
-- aggregate over the learners' latest results instead of decoding each
-- result's JSON.
-- WITHOUT ROWID keeps each score in its primary-key b-tree, so the lookup
-- by assessment_id reads no second structure (a PostgreSQL port drops it).
CREATE TABLE assessment_dimension_scores (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    dimension_id  TEXT NOT NULL,
    score         REAL NOT NULL,
    PRIMARY KEY (assessment_id, dimension_id)
) WITHOUT ROWID;

-- Backfill from the stored result JSON (SQLite's JSON1 functions; a
-- PostgreSQL port backfills with jsonb_array_elements instead).
INSERT INTO assessment_dimension_scores (assessment_id, dimension_id, score)
SELECT a.id, json_extract(d.value, '$.id'), json_extract(d.value, '$.score')
  FROM assessments a,
       json_each(CASE WHEN json_valid(a.result) THEN a.result ELSE '{}' END, '$.dimensions') d
 WHERE json_extract(d.value, '$.id') IS NOT NULL
   AND json_extract(d.value, '$.score') IS NOT NULL;

-- The cohort counts the top step of each learner's latest result. Kept in
-- learner_stats beside the other "latest" columns, so counting it never
-- reads an assessment row, whose result JSON spills onto overflow pages.
ALTER TABLE learner_stats ADD COLUMN latest_top_step TEXT NOT NULL DEFAULT '';
UPDATE learner_stats
   SET latest_top_step = (SELECT a.top_step FROM assessments a WHERE a.id = learner_stats.latest_id);

-- A counselor's notes about one learner, newest first.
CREATE INDEX notes_counselor_learner_created ON notes (counselor_id, learner_id, created_at);
