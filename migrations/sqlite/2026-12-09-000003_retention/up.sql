-- Retention: when the daily pass anonymised a person, and when it deleted
-- their offence, licence and barred-list data at the end of their licence.
ALTER TABLE profiles ADD COLUMN anonymised_at TIMESTAMP;
ALTER TABLE profiles ADD COLUMN restricted_deleted_at TIMESTAMP;
CREATE INDEX profiles_retention ON profiles (anonymised_at, release_date);

-- The audit log stays append-only, with one exception: the retention pass
-- may replace an entry's detail (and nothing else) with a redacted one,
-- which starts with {"redacted_by":"retention", so that no entry keeps the
-- name or prison number of a person who has been anonymised.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    NEW.id = OLD.id
    AND NEW.at IS OLD.at
    AND NEW.actor_kind IS OLD.actor_kind
    AND NEW.actor_user_id IS OLD.actor_user_id
    AND NEW.actor_seeker_id IS OLD.actor_seeker_id
    AND NEW.actor_label IS OLD.actor_label
    AND NEW.action IS OLD.action
    AND NEW.subject_kind IS OLD.subject_kind
    AND NEW.subject_id IS OLD.subject_id
    AND NEW.ip IS OLD.ip
    AND substr(NEW.detail, 1, 26) = '{"redacted_by":"retention"'
)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
