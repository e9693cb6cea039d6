DROP TRIGGER profiles_stamp ON profiles;
DROP TRIGGER vacancies_stamp ON vacancies;
DROP INDEX profiles_change_seq;
DROP INDEX vacancies_change_seq;
ALTER TABLE profiles DROP COLUMN change_seq;
ALTER TABLE vacancies DROP COLUMN change_seq;
DROP FUNCTION fairchance_stamp_change();
