DROP TRIGGER profiles_stamp_update;
DROP TRIGGER profiles_stamp_insert;
DROP TRIGGER vacancies_stamp_update;
DROP TRIGGER vacancies_stamp_insert;
DROP INDEX profiles_change_seq;
DROP INDEX vacancies_change_seq;
ALTER TABLE profiles DROP COLUMN change_seq;
ALTER TABLE vacancies DROP COLUMN change_seq;
DROP TABLE change_counter;
