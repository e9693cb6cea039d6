DROP INDEX vacancies_updated_at;
DROP INDEX profiles_updated_at;
