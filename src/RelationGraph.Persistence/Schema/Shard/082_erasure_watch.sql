-- Silos keep their list caches honest about deletions (ErasedUsers in the grains): every second or so they read the
-- erasures not settled yet, those whose walk has not finished or finished lately. `walked_at` is set when the walk has
-- removed every row of the user; the index serves exactly that question, and stays as small as the unsettled erasures.
ALTER TABLE erased_users ADD COLUMN walked_at timestamptz;
CREATE INDEX erased_users_unsettled ON erased_users ((coalesce(walked_at, 'infinity'::timestamptz)));
