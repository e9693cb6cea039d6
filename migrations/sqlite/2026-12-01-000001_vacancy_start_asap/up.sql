-- A vacancy may start as soon as possible (rolling recruitment): it then
-- has no start date, and NULL says so. SQLite cannot drop NOT NULL in
-- place, and rebuilding the table would cascade-delete its child rows, so
-- the column is replaced by a nullable copy.
ALTER TABLE vacancies ADD COLUMN start_date_nullable DATE;
UPDATE vacancies SET start_date_nullable = start_date;
ALTER TABLE vacancies DROP COLUMN start_date;
ALTER TABLE vacancies RENAME COLUMN start_date_nullable TO start_date;
