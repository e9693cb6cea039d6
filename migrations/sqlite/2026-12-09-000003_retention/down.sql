DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
DROP INDEX profiles_retention;
ALTER TABLE profiles DROP COLUMN restricted_deleted_at;
ALTER TABLE profiles DROP COLUMN anonymised_at;
