-- Applies a shard writer's batch of edge events in one call, answering each event's outcome as apply_edge_event does
-- (4 for an unread write not applied, as apply_source_event). The common event of a busy shard, a new follow or fan
-- (directions 1 and 2, activating, no row yet, no block between the pair), is written by one INSERT for the whole batch
-- and counted by one upsert per owner; every other event (an existing row, a removal, a refusal, friend asks and blocks
-- with their views and cascades) is applied one by one afterwards, in the batch's order, by the per-event functions,
-- which see the batch's inserts. The set-based insert checks blocks as apply_edge_event's insert does, so a block racing
-- it still meets the inserted row under its lock. When the batch names one edge twice, only the earliest of its
-- activating events can be inserted; the others take the per-event path and are decided against it.
CREATE FUNCTION apply_edge_batch(
    p_owner bigint[], p_direction smallint[], p_other bigint[], p_state smallint[], p_event_at timestamptz[], p_unread boolean[])
RETURNS smallint[]
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    -- -1 marks an event not applied yet (not NULL: an array filled with NULLs keeps its null bitmap, and says so on the wire).
    outcomes smallint[] := array_fill((-1)::smallint, ARRAY[cardinality(p_owner)]);
    inserted integer[];
    i integer;
BEGIN
    WITH w AS (
        SELECT * FROM unnest(p_owner, p_direction, p_other, p_state, p_event_at) WITH ORDINALITY
            AS w(owner_id, direction, other_id, state, event_at, position)),
    added AS (
        INSERT INTO edges (owner_id, direction, other_id, state, event_at)
        SELECT owner_id, direction, other_id, state, event_at FROM w
        WHERE state = 1 AND direction IN (1, 2)
          AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.owner_id = w.owner_id AND b.other_id = w.other_id AND b.state = 1)
        ORDER BY position
        ON CONFLICT DO NOTHING
        RETURNING owner_id, direction, other_id),
    counted AS (
        INSERT INTO edge_counts AS c (owner_id, direction, count)
        SELECT owner_id, direction, count(*) FROM added GROUP BY owner_id, direction ORDER BY owner_id, direction
        ON CONFLICT (owner_id, direction) DO UPDATE SET count = c.count + excluded.count)
    SELECT array_agg(earliest) INTO inserted
    FROM (SELECT min(w.position)::integer AS earliest FROM w JOIN added USING (owner_id, direction, other_id)
          WHERE w.state = 1 AND w.direction IN (1, 2)
          GROUP BY owner_id, direction, other_id) AS firsts;

    FOREACH i IN ARRAY coalesce(inserted, '{}') LOOP
        outcomes[i] := 1;
    END LOOP;

    FOR i IN 1 .. cardinality(p_owner) LOOP
        IF outcomes[i] = -1 THEN
            outcomes[i] := CASE WHEN p_unread[i]
                THEN apply_source_event(p_owner[i], p_direction[i], p_other[i], p_state[i], p_event_at[i])
                ELSE apply_edge_event(p_owner[i], p_direction[i], p_other[i], p_state[i], p_event_at[i]) END;
        END IF;
    END LOOP;

    RETURN outcomes;
END
$$;
