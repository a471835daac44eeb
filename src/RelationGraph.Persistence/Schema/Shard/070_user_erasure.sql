-- Account deletion. Every shard keeps a marker per deleted user, set before the erasure walks the user's rows and kept
-- for good: from its commit on, no event naming the user as owner or other is written on that shard (apply_edge_event
-- answers 5 when the owner is deleted, 6 when the other is), so nothing new appears behind the walk.
CREATE TABLE erased_users (
    user_id   bigint      PRIMARY KEY,
    marked_at timestamptz NOT NULL DEFAULT now());

-- The checked function keeps the name every caller uses; the body it guards is the one from 020, renamed.
ALTER FUNCTION apply_edge_event(bigint, smallint, bigint, smallint, timestamptz) RENAME TO apply_edge_event_unchecked;

CREATE FUNCTION erased_outcome(p_owner bigint, p_other bigint)
RETURNS smallint
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN bool_or(user_id = p_owner) THEN 5::smallint ELSE 6::smallint END
    FROM erased_users WHERE user_id IN (p_owner, p_other) HAVING count(*) > 0
$$;

CREATE FUNCTION apply_edge_event(p_owner bigint, p_direction smallint, p_other bigint, p_state smallint, p_event_at timestamptz)
RETURNS smallint
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    refused smallint := erased_outcome(p_owner, p_other);
BEGIN
    IF refused IS NOT NULL THEN
        RETURN refused;
    END IF;
    RETURN apply_edge_event_unchecked(p_owner, p_direction, p_other, p_state, p_event_at);
END
$$;

-- As in 060, the deleted-user check first: an unread write for a deleted user answers 5 or 6, not 4.
CREATE OR REPLACE FUNCTION apply_source_event(p_owner bigint, p_direction smallint, p_other bigint, p_state smallint, p_event_at timestamptz)
RETURNS smallint
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    refused          smallint := erased_outcome(p_owner, p_other);
    current_state    smallint;
    current_event_at timestamptz;
BEGIN
    IF refused IS NOT NULL THEN
        RETURN refused;
    END IF;
    SELECT state, event_at INTO current_state, current_event_at
    FROM edges WHERE owner_id = p_owner AND direction = p_direction AND other_id = p_other;
    IF coalesce(current_state, 0) = p_state OR current_event_at >= p_event_at THEN
        RETURN 4;
    END IF;
    RETURN apply_edge_event_unchecked(p_owner, p_direction, p_other, p_state, p_event_at);
END
$$;

-- As in 062, with deleted users kept out of the set-based insert (their events take the per-event path and are refused).
CREATE OR REPLACE FUNCTION apply_edge_batch(
    p_owner bigint[], p_direction smallint[], p_other bigint[], p_state smallint[], p_event_at timestamptz[], p_unread boolean[])
RETURNS smallint[]
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
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
          AND NOT EXISTS (SELECT 1 FROM erased_users e WHERE e.user_id IN (w.owner_id, w.other_id))
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

-- Deletes every row, in every direction, that the given owners hold about p_user on this shard (the other users' copies
-- of their relations with a deleted user), and takes the active ones out of the owners' counts. Idempotent. The change
-- log's rows for these deletes are dropped in the same transaction: they would keep whom the user related to.
CREATE FUNCTION erase_rows_about(p_user bigint, p_owners bigint[])
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    erased integer;
BEGIN
    WITH gone AS (
        DELETE FROM edges e
        USING unnest(p_owners) AS o(id), generate_series(1, 9) AS d(direction)
        WHERE e.owner_id = o.id AND e.direction = d.direction AND e.other_id = p_user
        RETURNING e.owner_id, e.direction, e.state),
    counted AS (
        UPDATE edge_counts c SET count = c.count - g.n
        FROM (SELECT owner_id, direction, count(*) AS n FROM gone WHERE state = 1 GROUP BY owner_id, direction) g
        WHERE c.owner_id = g.owner_id AND c.direction = g.direction)
    SELECT count(*) INTO erased FROM gone;
    DELETE FROM edge_changes WHERE xid = pg_current_xact_id();
    RETURN erased;
END
$$;

-- Deletes p_user's own rows, every direction, about the given others, without a trace in the change log. Its counts go at
-- the end of the erasure.
CREATE FUNCTION erase_own_rows(p_user bigint, p_others bigint[])
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    erased integer;
BEGIN
    DELETE FROM edges e
    USING unnest(p_others) AS o(id), generate_series(1, 9) AS d(direction)
    WHERE e.owner_id = p_user AND e.direction = d.direction AND e.other_id = o.id;
    GET DIAGNOSTICS erased = ROW_COUNT;
    DELETE FROM edge_changes WHERE xid = pg_current_xact_id();
    RETURN erased;
END
$$;
