-- The auditor's change log (030) written once per statement instead of once per row: a batch's set-based insert of new
-- follows (apply_edge_batch) logged every row through its own trigger call and single-row INSERT, about 6 % of the
-- machine in the write benchmark (perf, issue 10). Statement triggers see the statement's rows as transition tables and
-- log them with one INSERT. The rows logged are the same: one per edge row inserted, updated or deleted, in the
-- transaction that wrote it, once the statement that wrote it ends.
--
-- A statement that names the partitioned `edges` fires only the triggers on `edges`, and one that names a partition
-- (`following`, `fans`: the tombstone purge, a bulk load's COPY) only those on the partition, so each table has its own.
DROP TRIGGER edges_log_change ON edges;
DROP FUNCTION log_edge_change();

CREATE FUNCTION log_edge_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO edge_changes (follower_id, followee_id, direction)
        SELECT CASE WHEN direction = 1 THEN owner_id ELSE other_id END,
               CASE WHEN direction = 1 THEN other_id ELSE owner_id END, direction
        FROM old_rows;
    ELSE
        INSERT INTO edge_changes (follower_id, followee_id, direction)
        SELECT CASE WHEN direction = 1 THEN owner_id ELSE other_id END,
               CASE WHEN direction = 1 THEN other_id ELSE owner_id END, direction
        FROM new_rows;
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['edges', 'following', 'fans'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_edge_changes()', t || '_log_inserts', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_edge_changes()', t || '_log_updates', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_edge_changes()', t || '_log_deletes', t);
    END LOOP;
END
$$;
