-- Results and their answers are packed (db/pack.go): a row's answers and
-- result columns hold one format byte and a DEFLATE stream instead of JSON
-- text, so they become bytea; the migration's Go step packs every existing
-- row (until then each holds its JSON's UTF-8 bytes, which reads the same).
ALTER TABLE assessments ALTER COLUMN answers TYPE BYTEA USING convert_to(answers, 'UTF8');
ALTER TABLE assessments ALTER COLUMN result TYPE BYTEA USING convert_to(result, 'UTF8');
ALTER TABLE visitor_results ALTER COLUMN answers TYPE BYTEA USING convert_to(answers, 'UTF8');
ALTER TABLE visitor_results ALTER COLUMN result TYPE BYTEA USING convert_to(result, 'UTF8');
