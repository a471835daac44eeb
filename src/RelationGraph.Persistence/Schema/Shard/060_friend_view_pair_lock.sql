-- Friend views read both asks of a pair (3 and 4) after changing one. Two transactions changing the pair's two asks at
-- once each held only their own ask's row lock, so each read the other's ask as it was before and both could write
-- views that neither ask supports (both asked and no friendship; a withdrawn ask still a friendship or a request). The
-- views are now computed under a lock on the pair, taken after the ask's own row is written: the later of two such
-- transactions waits for the earlier to commit, then reads both asks as they are. Taking it that late, after the row
-- lock, keeps the order every other writer uses (row locks first: a block locks the pair's follow and ask rows, then
-- retires asks through this function), so the pair lock adds no deadlock.
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

-- As in 020_friends_and_blocks, but with the views computed by refresh_friend_views.
CREATE OR REPLACE FUNCTION apply_edge_event(p_owner bigint, p_direction smallint, p_other bigint, p_state smallint, p_event_at timestamptz)
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
