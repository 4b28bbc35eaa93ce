-- PostgreSQL twin of sqlite/0010_bulk_access.sql (no WITHOUT ROWID).
CREATE TABLE audit_subjects (
    learner_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    audit_id   BIGINT NOT NULL REFERENCES audit_log (id) ON DELETE CASCADE,
    PRIMARY KEY (learner_id, audit_id)
);
CREATE INDEX audit_subjects_audit ON audit_subjects (audit_id);
