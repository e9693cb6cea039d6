DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
DROP FUNCTION audit_log_only_redaction();
DROP INDEX profiles_retention;
ALTER TABLE profiles DROP COLUMN restricted_deleted_at;
ALTER TABLE profiles DROP COLUMN anonymised_at;
