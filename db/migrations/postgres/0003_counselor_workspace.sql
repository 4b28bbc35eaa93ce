-- PostgreSQL twin of sqlite/0003_counselor_workspace.sql (no WITHOUT ROWID:
-- PostgreSQL tables are heaps; the primary key index serves the lookup).

CREATE TABLE assessment_dimension_scores (
    assessment_id BIGINT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    dimension_id  TEXT NOT NULL,
    score         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (assessment_id, dimension_id)
);

-- Backfill from the stored result JSON with jsonb (SQLite uses JSON1). A
-- result that is not JSON has no scores, as json_valid skips it on SQLite.
CREATE FUNCTION pg_temp.readiness_try_jsonb(t TEXT) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    RETURN t::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;
INSERT INTO assessment_dimension_scores (assessment_id, dimension_id, score)
SELECT a.id, d.value ->> 'id', (d.value ->> 'score')::DOUBLE PRECISION
  FROM assessments a,
       jsonb_array_elements(CASE WHEN jsonb_typeof(pg_temp.readiness_try_jsonb(a.result) -> 'dimensions') = 'array'
                                 THEN pg_temp.readiness_try_jsonb(a.result) -> 'dimensions' ELSE '[]'::jsonb END) d
 WHERE d.value ->> 'id' IS NOT NULL
   AND d.value ->> 'score' IS NOT NULL;

ALTER TABLE learner_stats ADD COLUMN latest_top_step TEXT NOT NULL DEFAULT '';
UPDATE learner_stats
   SET latest_top_step = (SELECT a.top_step FROM assessments a WHERE a.id = learner_stats.latest_id);

CREATE INDEX notes_counselor_learner_created ON notes (counselor_id, learner_id, created_at);
