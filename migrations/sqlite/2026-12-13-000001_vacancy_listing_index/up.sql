-- An employer's vacancy list (the API's GET /api/v1/vacancies and the
-- employer's pages) in its order, with the listed columns in the index (a
-- covering index: SQLite has no INCLUDE, so they follow the sort keys).
CREATE INDEX vacancies_employer_listing ON vacancies
    (employer_id, updated_at DESC, id DESC, title, status, place_name, closing_date);
