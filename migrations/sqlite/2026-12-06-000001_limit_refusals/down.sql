ALTER TABLE sign_in_limits DROP COLUMN refused;
