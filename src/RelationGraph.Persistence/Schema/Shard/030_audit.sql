-- The auditor's change log: one row per edge row written, in the transaction that wrote it, whatever function wrote
-- it (a trigger, so it composes with any edge write function). Rows are ordered by their transaction id (xid8, which
-- never wraps): every transaction below the oldest one still running (pg_snapshot_xmin) has committed or aborted for
-- good, so a scan that stops there and later resumes from there never skips a change whose transaction committed late.
CREATE TABLE edge_changes (
    position    bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid         xid8     NOT NULL DEFAULT pg_current_xact_id(),
    follower_id bigint   NOT NULL,
    followee_id bigint   NOT NULL,
    direction   smallint NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX edge_changes_xid ON edge_changes (xid, position);

CREATE FUNCTION log_edge_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    r edges%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    IF r.direction = 1 THEN
        INSERT INTO edge_changes (follower_id, followee_id, direction) VALUES (r.owner_id, r.other_id, 1);
    ELSE
        INSERT INTO edge_changes (follower_id, followee_id, direction) VALUES (r.other_id, r.owner_id, r.direction);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER edges_log_change AFTER INSERT OR UPDATE OR DELETE ON edges
    FOR EACH ROW EXECUTE FUNCTION log_edge_change();

-- The full scan merges `following` on one shard with `fans` on another in (follower, followee) order; `fans` is keyed
-- by followee, so it gets this index in the follower's order, carrying what the comparison reads.
CREATE INDEX fans_by_follower ON fans (other_id, owner_id) INCLUDE (state, event_at);
