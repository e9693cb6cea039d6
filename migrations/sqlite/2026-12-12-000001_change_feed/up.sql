-- The change feed the in-memory copies of profiles and vacancies follow
-- (issue #18 item 3). Every insert or update of a row stamps it with the
-- next number of one counter. SQLite has one writer at a time, so the
-- numbers are committed in the order they are given: a reader that has
-- seen every number below N has seen every change below N, whatever the
-- clock said. A check costs one indexed read that finds nothing when
-- nothing changed.
CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO change_counter (id, seq) VALUES (1, 0);

ALTER TABLE vacancies ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE profiles ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX vacancies_change_seq ON vacancies (change_seq);
CREATE INDEX profiles_change_seq ON profiles (change_seq);

-- The stamp is written by an inner UPDATE, which does not fire these
-- triggers again (SQLite's recursive triggers are off, the default).
CREATE TRIGGER vacancies_stamp_insert AFTER INSERT ON vacancies BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    UPDATE vacancies SET change_seq = (SELECT seq FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER vacancies_stamp_update AFTER UPDATE ON vacancies BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    UPDATE vacancies SET change_seq = (SELECT seq FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER profiles_stamp_insert AFTER INSERT ON profiles BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    UPDATE profiles SET change_seq = (SELECT seq FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER profiles_stamp_update AFTER UPDATE ON profiles BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    UPDATE profiles SET change_seq = (SELECT seq FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
