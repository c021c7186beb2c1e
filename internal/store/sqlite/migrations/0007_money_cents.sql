-- 0007: nothing to change. PostgreSQL's 0007 moves its money columns to
-- integer cents named as here (price_cents, total_cents), the shape this
-- schema has had since 0001; the version keeps both drivers' numbers in step.
SELECT 1;
