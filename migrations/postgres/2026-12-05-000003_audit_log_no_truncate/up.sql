-- Row triggers do not fire on TRUNCATE: a statement trigger refuses it, so
-- even the table's owner cannot empty the audit log in one statement.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
