-- The matcher's check for changed rows reads these ranges before each use.
CREATE INDEX profiles_updated_at ON profiles (updated_at);
CREATE INDEX vacancies_updated_at ON vacancies (updated_at);
