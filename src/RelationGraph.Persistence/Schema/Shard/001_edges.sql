-- One row per directed edge and direction, on the owner's shard:
--   direction 1 = following (owner follows other), the source of truth;
--   direction 2 = fans (other follows owner), derived from the follower's row.
-- Rows are last-writer-wins registers keyed by event_at; state 0 is a tombstone that stops an older follow
-- from resurrecting the edge. The partitions keep the article's two tables, `following` and `fans`.
CREATE TABLE edges (
    owner_id   bigint      NOT NULL,
    direction  smallint    NOT NULL,
    other_id   bigint      NOT NULL,
    state      smallint    NOT NULL,
    event_at   timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, direction, other_id)
) PARTITION BY LIST (direction);

CREATE TABLE following PARTITION OF edges FOR VALUES IN (1);
CREATE TABLE fans PARTITION OF edges FOR VALUES IN (2);

-- Newest-first keyset pages over active edges.
CREATE INDEX edges_page ON edges (owner_id, direction, event_at DESC, other_id DESC) WHERE state = 1;

-- Counts beside the edges, changed in the same transaction, only when an edge's state flips.
CREATE TABLE edge_counts (
    owner_id  bigint   NOT NULL,
    direction smallint NOT NULL,
    count     bigint   NOT NULL CHECK (count >= 0),
    PRIMARY KEY (owner_id, direction)
);

-- Applies one event to an edge; returns true when the edge's state flipped.
-- A newer event wins; on equal times a removal beats a follow; anything else changes nothing,
-- so applying a set of events in any order, any number of times, gives the same rows and counts.
CREATE FUNCTION apply_edge(p_owner bigint, p_direction smallint, p_other bigint, p_state smallint, p_event_at timestamptz)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    current_state    smallint;
    current_event_at timestamptz;
BEGIN
    INSERT INTO edges (owner_id, direction, other_id, state, event_at)
    VALUES (p_owner, p_direction, p_other, p_state, p_event_at)
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
        IF p_state = 1 THEN
            INSERT INTO edge_counts AS c (owner_id, direction, count) VALUES (p_owner, p_direction, 1)
            ON CONFLICT (owner_id, direction) DO UPDATE SET count = c.count + 1;
            RETURN true;
        END IF;
        RETURN false;
    END IF;

    SELECT state, event_at INTO current_state, current_event_at
    FROM edges WHERE owner_id = p_owner AND direction = p_direction AND other_id = p_other
    FOR UPDATE;

    IF p_event_at < current_event_at
       OR (p_event_at = current_event_at AND (p_state = current_state OR p_state = 1)) THEN
        RETURN false;
    END IF;

    UPDATE edges SET state = p_state, event_at = p_event_at, updated_at = now()
    WHERE owner_id = p_owner AND direction = p_direction AND other_id = p_other;

    IF p_state = current_state THEN
        RETURN false;
    END IF;

    INSERT INTO edge_counts AS c (owner_id, direction, count)
    VALUES (p_owner, p_direction, CASE WHEN p_state = 1 THEN 1 ELSE 0 END)
    ON CONFLICT (owner_id, direction) DO UPDATE SET count = c.count + CASE WHEN p_state = 1 THEN 1 ELSE -1 END;
    RETURN true;
END
$$;
