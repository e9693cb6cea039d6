-- Retention: when the daily pass anonymised a person, and when it deleted
-- their offence, licence and barred-list data at the end of their licence.
ALTER TABLE profiles ADD COLUMN anonymised_at TIMESTAMP;
ALTER TABLE profiles ADD COLUMN restricted_deleted_at TIMESTAMP;
CREATE INDEX profiles_retention ON profiles (anonymised_at, release_date);

-- The audit log stays append-only, with one exception: the retention pass
-- may replace an entry's detail (and nothing else) with a redacted one,
-- which starts with {"redacted_by":"retention", so that no entry keeps the
-- name or prison number of a person who has been anonymised. Deletes are
-- still refused by the same trigger, TRUNCATE by its statement trigger.
CREATE FUNCTION audit_log_only_redaction() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.id = OLD.id
        AND NEW.at IS NOT DISTINCT FROM OLD.at
        AND NEW.actor_kind IS NOT DISTINCT FROM OLD.actor_kind
        AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
        AND NEW.actor_seeker_id IS NOT DISTINCT FROM OLD.actor_seeker_id
        AND NEW.actor_label IS NOT DISTINCT FROM OLD.actor_label
        AND NEW.action IS NOT DISTINCT FROM OLD.action
        AND NEW.subject_kind IS NOT DISTINCT FROM OLD.subject_kind
        AND NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id
        AND NEW.ip IS NOT DISTINCT FROM OLD.ip
        AND left(NEW.detail, 26) = '{"redacted_by":"retention"' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_only_redaction();
