-- Results and their answers are packed (db/pack.go): a row's answers and
-- result columns hold one format byte and a DEFLATE stream instead of JSON
-- text. SQLite keeps each value's own type, so the columns stay as they
-- are; the migration's Go step packs every existing row.
SELECT 1;
