-- An employer's vacancy list (the API's GET /api/v1/vacancies and the
-- employer's pages) in its order, with the listed columns in the index: the
-- page and its window count are read from the index alone, without a visit
-- to each row's heap page (the rows of one employer lie scattered through
-- the table).
CREATE INDEX vacancies_employer_listing ON vacancies (employer_id, updated_at DESC, id DESC)
    INCLUDE (title, status, place_name, closing_date);
