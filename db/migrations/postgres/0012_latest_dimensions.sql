-- PostgreSQL twin of sqlite/0012_latest_dimensions.sql.
-- Each learner's latest dimension scores, kept in learner_stats beside the
-- other "latest" columns, so the cohort summary reads one row per learner
-- instead of joining and grouping every learner's dimension rows. The value
-- is packed by encodeDimensions (db/cohort.go); the migration's Go step
-- fills it from each learner's latest assessment_dimension_scores.
ALTER TABLE learner_stats ADD COLUMN latest_dimensions BYTEA NOT NULL DEFAULT '';
