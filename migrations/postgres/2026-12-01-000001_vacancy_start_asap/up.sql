-- A vacancy may start as soon as possible (rolling recruitment): it then
-- has no start date, and NULL says so.
ALTER TABLE vacancies ALTER COLUMN start_date DROP NOT NULL;
