-- The statements inside the edge write functions name the partitioned `edges` table with parameters. PostgreSQL's plan
-- cache estimates a generic plan over every partition as dearer than a custom plan pruned to one, so it planned each
-- statement again on every call: about 7 % of the database's CPU in the write benchmark (perf). A generic plan prunes the
-- partitions when it starts instead, and is planned once per connection.
ALTER FUNCTION apply_edge_event(bigint, smallint, bigint, smallint, timestamptz) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION apply_source_event(bigint, smallint, bigint, smallint, timestamptz) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION set_friend_view(bigint, smallint, bigint, smallint, timestamptz) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION refresh_friend_views(bigint, bigint) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION log_edge_change() SET plan_cache_mode = force_generic_plan;
