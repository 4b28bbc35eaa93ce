-- A caseload export records every learner in it as opened. One audit row
-- per learner made a 10,000-learner export write 10,000 wide rows (names,
-- emails, times) before it could be sent; now the export is one audit row
-- and each learner in it one narrow row here. A learner's record of access
-- reads both; the rows go with the learner's account, like their other
-- access rows.
CREATE TABLE audit_subjects (
    learner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    audit_id   INTEGER NOT NULL REFERENCES audit_log (id) ON DELETE CASCADE,
    PRIMARY KEY (learner_id, audit_id)
) WITHOUT ROWID;
CREATE INDEX audit_subjects_audit ON audit_subjects (audit_id);
