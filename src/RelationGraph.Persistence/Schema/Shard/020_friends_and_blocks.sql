-- Friends and blocks, stored like follows: one row per (owner, direction, other) on the owner's shard, last-writer-wins
-- registers with tombstones, counts in the same transaction.
--   3 friend_asks:   owner asks (or accepts) other to be friends; the source of truth, on the asker's shard;
--   4 friend_asked:  other asks owner; derived from the asker's row through the redundancy mode;
--   5 blocking:      owner blocks other; the source;
--   6 blocked_by:    other blocks owner; written with the source before a block is acknowledged;
--   7 friends, 8 requests_out, 9 requests_in: views of the pair's 3 and 4 rows on the owner's shard, kept in the
--     transaction that changes them, so lists page on one index and `edge_counts` has a friend count.
-- A friendship is the pair of weak relations the design brief describes: each side's ask, both active.
CREATE TABLE friend_asks PARTITION OF edges FOR VALUES IN (3);
CREATE TABLE friend_asked PARTITION OF edges FOR VALUES IN (4);
CREATE TABLE blocks PARTITION OF edges FOR VALUES IN (5, 6);
CREATE TABLE friend_views PARTITION OF edges FOR VALUES IN (7, 8, 9);

-- In Cdc mode, asks reach the asked user's shard from the log, like follows.
ALTER PUBLICATION relationgraph_following ADD TABLE friend_asks;

-- Sets a view row (7, 8, 9) to what the pair's asks say; counts it when its state flips.
CREATE FUNCTION set_friend_view(p_owner bigint, p_direction smallint, p_other bigint, p_state smallint, p_event_at timestamptz)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    previous smallint;
BEGIN
    SELECT state INTO previous FROM edges WHERE owner_id = p_owner AND direction = p_direction AND other_id = p_other FOR UPDATE;
    IF previous IS NULL THEN
        IF p_state = 0 THEN
            RETURN;
        END IF;
        INSERT INTO edges (owner_id, direction, other_id, state, event_at) VALUES (p_owner, p_direction, p_other, p_state, p_event_at);
    ELSE
        UPDATE edges SET state = p_state, event_at = p_event_at, updated_at = now()
        WHERE owner_id = p_owner AND direction = p_direction AND other_id = p_other;
    END IF;

    IF coalesce(previous, 0) <> p_state THEN
        INSERT INTO edge_counts AS c (owner_id, direction, count)
        VALUES (p_owner, p_direction, CASE WHEN p_state = 1 THEN 1 ELSE 0 END)
        ON CONFLICT (owner_id, direction) DO UPDATE SET count = c.count + CASE WHEN p_state = 1 THEN 1 ELSE -1 END;
    END IF;
END
$$;

-- Sets the pair's views (7, 8, 9) on the owner's shard from its two asks (3 and 4), after one of them changed. Two
-- transactions changing the pair's two asks at once each hold only their own ask's row lock: without more, each would
-- read the other's ask as it was before, and both could write views that neither ask supports (both asked and no
-- friendship; a withdrawn ask still a friendship). So the views are computed under a lock on the pair, taken after the
-- ask's own row is written: the later transaction waits for the earlier to commit, then reads both asks as they are.
-- Taking it after the row lock keeps the order every other writer uses (row locks first: a block locks the pair's
-- follow and ask rows, then retires asks through apply_edge_event), so the pair lock adds no deadlock.
CREATE FUNCTION refresh_friend_views(p_owner bigint, p_other bigint)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    ask_out edges%ROWTYPE;
    ask_in  edges%ROWTYPE;
BEGIN
    PERFORM pg_advisory_xact_lock(hashint8(p_owner), hashint8(p_other));
    SELECT * INTO ask_out FROM edges WHERE owner_id = p_owner AND direction = 3 AND other_id = p_other;
    SELECT * INTO ask_in FROM edges WHERE owner_id = p_owner AND direction = 4 AND other_id = p_other;
    PERFORM set_friend_view(p_owner, 7::smallint, p_other,
        CASE WHEN ask_out.state = 1 AND ask_in.state = 1 THEN 1 ELSE 0 END::smallint,
        greatest(ask_out.event_at, ask_in.event_at));
    PERFORM set_friend_view(p_owner, 8::smallint, p_other,
        CASE WHEN ask_out.state = 1 AND coalesce(ask_in.state, 0) = 0 THEN 1 ELSE 0 END::smallint,
        coalesce(ask_out.event_at, ask_in.event_at));
    PERFORM set_friend_view(p_owner, 9::smallint, p_other,
        CASE WHEN ask_in.state = 1 AND coalesce(ask_out.state, 0) = 0 THEN 1 ELSE 0 END::smallint,
        coalesce(ask_in.event_at, ask_out.event_at));
END
$$;

-- Applies one event to an edge of any kind, as apply_edge does for follows (which it supersedes; apply_edge stays for
-- callers of older builds). Answers 0: nothing changed, 1: the edge's state flipped, 2 or 3: refused because the owner
-- blocks the other (2) or the other blocks the owner (3); a refused event writes nothing.
-- Blocks win races with follows and asks without a lock of their own: an activating event is checked against the
-- pair's block rows before it inserts and again once it holds the edge's row lock (a new snapshot), while a block locks
-- (inserting a tombstone where none exists) every follow and ask row of the pair in its own transaction and retires
-- them after the newest event they have.
CREATE FUNCTION apply_edge_event(p_owner bigint, p_direction smallint, p_other bigint, p_state smallint, p_event_at timestamptz)
RETURNS smallint
LANGUAGE plpgsql AS $$
DECLARE
    current_state    smallint;
    current_event_at timestamptz;
    guarded          boolean := p_state = 1 AND p_direction <= 4;
    blocked          smallint;
    flipped          boolean := false;
    final_state      smallint;
    retire_at        timestamptz;
BEGIN
    -- An activation checks for a block in its own insert (one statement, the blocks partition probed without
    -- pruning) and again below once it holds an existing row's lock; a removal needs no check.
    IF guarded THEN
        INSERT INTO edges (owner_id, direction, other_id, state, event_at)
        SELECT p_owner, p_direction, p_other, p_state, p_event_at
        WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE b.owner_id = p_owner AND b.other_id = p_other AND b.state = 1)
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO edges (owner_id, direction, other_id, state, event_at)
        VALUES (p_owner, p_direction, p_other, p_state, p_event_at)
        ON CONFLICT DO NOTHING;
    END IF;
    IF FOUND THEN
        flipped := p_state = 1;
        final_state := p_state;
    ELSE
        SELECT state, event_at INTO current_state, current_event_at
        FROM edges WHERE owner_id = p_owner AND direction = p_direction AND other_id = p_other
        FOR UPDATE;
        final_state := current_state;

        IF guarded THEN
            SELECT CASE WHEN b.direction = 5 THEN 2 ELSE 3 END INTO blocked
            FROM blocks b WHERE b.owner_id = p_owner AND b.other_id = p_other AND b.state = 1
            ORDER BY b.direction LIMIT 1;
            IF FOUND THEN
                RETURN blocked;
            ELSIF current_state IS NULL THEN
                -- No row, and the block that kept the insert out was lifted since: try again.
                RETURN apply_edge_event(p_owner, p_direction, p_other, p_state, p_event_at);
            END IF;
        END IF;

        -- A newer event wins; on equal times a removal beats an activation; anything else changes nothing.
        IF p_event_at > current_event_at OR (p_event_at = current_event_at AND p_state = 0 AND current_state = 1) THEN
            UPDATE edges SET state = p_state, event_at = p_event_at, updated_at = now()
            WHERE owner_id = p_owner AND direction = p_direction AND other_id = p_other;
            flipped := p_state <> current_state;
            final_state := p_state;
        END IF;
    END IF;

    IF flipped THEN
        INSERT INTO edge_counts AS c (owner_id, direction, count)
        VALUES (p_owner, p_direction, CASE WHEN p_state = 1 THEN 1 ELSE 0 END)
        ON CONFLICT (owner_id, direction) DO UPDATE SET count = c.count + CASE WHEN p_state = 1 THEN 1 ELSE -1 END;

        IF p_direction IN (3, 4) THEN
            PERFORM refresh_friend_views(p_owner, p_other);
        END IF;
    END IF;

    -- A standing block (either copy, applied or repeated) retires the pair's follows and asks, both directions and both
    -- copies on this shard, after the newest event any of them has: nothing accepted before it can outlive it.
    IF p_direction IN (5, 6) AND p_state = 1 AND final_state = 1 THEN
        INSERT INTO edges (owner_id, direction, other_id, state, event_at)
        SELECT p_owner, d, p_other, 0, p_event_at FROM unnest(ARRAY[1, 2, 3, 4]::smallint[]) AS d
        ORDER BY d
        ON CONFLICT DO NOTHING;
        PERFORM 1 FROM edges WHERE owner_id = p_owner AND direction IN (1, 2, 3, 4) AND other_id = p_other
        ORDER BY direction FOR UPDATE;
        SELECT greatest(p_event_at, max(event_at) + interval '1 microsecond') INTO retire_at
        FROM edges WHERE owner_id = p_owner AND direction IN (1, 2, 3, 4) AND other_id = p_other AND state = 1;
        IF retire_at IS NOT NULL THEN
            PERFORM apply_edge_event(p_owner, d, p_other, 0::smallint, retire_at)
            FROM unnest(ARRAY[1, 2, 3, 4]::smallint[]) AS d;
        END IF;
    END IF;

    RETURN CASE WHEN flipped THEN 1 ELSE 0 END;
END
$$;
