-- 0019: cheaper event writes on SQLite (issue 19); see the SQLite
-- migration of the same number. PostgreSQL's statement triggers already
-- write one event per change, whatever its nights: nothing to do here.
SELECT 1;
