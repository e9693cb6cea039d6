-- The change feed the in-memory copies of profiles and vacancies follow
-- (issue #18 item 3). Every insert or update of a row stamps it with the
-- id of the transaction that wrote it. Transactions commit in any order,
-- so a reader does not trust the largest stamp it has seen: it keeps the
-- oldest transaction still running when it last looked (the xmin of its
-- snapshot; every transaction below it had ended by then) and next time
-- reads the rows stamped at or after it. No writer waits on another and
-- no clock is involved; a check finds nothing when nothing changed.
CREATE FUNCTION fairchance_stamp_change() RETURNS trigger AS $$
BEGIN
    NEW.change_seq := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

ALTER TABLE vacancies ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE profiles ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX vacancies_change_seq ON vacancies (change_seq);
CREATE INDEX profiles_change_seq ON profiles (change_seq);

CREATE TRIGGER vacancies_stamp BEFORE INSERT OR UPDATE ON vacancies
    FOR EACH ROW EXECUTE FUNCTION fairchance_stamp_change();
CREATE TRIGGER profiles_stamp BEFORE INSERT OR UPDATE ON profiles
    FOR EACH ROW EXECUTE FUNCTION fairchance_stamp_change();
