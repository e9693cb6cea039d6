-- Attempts refused while a key is over its limit, in the current window.
-- They are counted here rather than written to the audit log one by one:
-- the log gets one row when the block starts and one summary row when the
-- window ends.
ALTER TABLE sign_in_limits ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
