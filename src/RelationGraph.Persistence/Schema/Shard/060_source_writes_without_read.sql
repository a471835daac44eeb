-- The owner's grain writes its own source rows (follows) without reading them first: the common write flips the edge
-- with an event newer than any stored one, and then this is apply_edge_event with one index probe before it, in the
-- write's own statement instead of a round trip of its own. Anything else (the state is already stored, no edge to
-- remove, or a newer event stored by a block's retirement or a repair) writes nothing and answers 4: the grain then
-- reads the edge and decides as it did before. The probe takes no lock: apply_edge_event still decides under the row
-- lock, so a write racing the probe is as safe as one racing the grain's own read.
CREATE FUNCTION apply_source_event(p_owner bigint, p_direction smallint, p_other bigint, p_state smallint, p_event_at timestamptz)
RETURNS smallint
LANGUAGE plpgsql AS $$
DECLARE
    current_state    smallint;
    current_event_at timestamptz;
BEGIN
    SELECT state, event_at INTO current_state, current_event_at
    FROM edges WHERE owner_id = p_owner AND direction = p_direction AND other_id = p_other;
    IF coalesce(current_state, 0) = p_state OR current_event_at >= p_event_at THEN
        RETURN 4;
    END IF;
    RETURN apply_edge_event(p_owner, p_direction, p_other, p_state, p_event_at);
END
$$;
