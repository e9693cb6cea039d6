-- SQLite has no TRUNCATE (DELETE without WHERE fires the row triggers that
-- already refuse it); this migration exists to keep both folders in step.
SELECT 1;
