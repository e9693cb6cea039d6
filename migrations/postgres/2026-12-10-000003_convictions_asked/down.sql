ALTER TABLE vacancies DROP COLUMN convictions_asked;
