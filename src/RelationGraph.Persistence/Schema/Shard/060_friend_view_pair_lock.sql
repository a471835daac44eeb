-- Friend views read both asks of a pair (3 and 4) after changing one. Two transactions changing the pair's two asks at
-- once each hold only their own ask's row lock, so each read the other's ask as it was before and both could write a
-- view that neither ask supports (both asked, no friendship; or a withdrawn ask still a friendship). Every event that
-- computes the pair's views (asks, and blocks, which retire asks) now first takes a lock on the pair, so the second
-- transaction computes its views after the first has committed and sees both asks.
ALTER FUNCTION apply_edge_event(bigint, smallint, bigint, smallint, timestamptz) RENAME TO apply_edge_event_in_pair_lock;

CREATE FUNCTION apply_edge_event(p_owner bigint, p_direction smallint, p_other bigint, p_state smallint, p_event_at timestamptz)
RETURNS smallint
LANGUAGE plpgsql AS $$
BEGIN
    -- Taken before any row lock, held to the end of the transaction; re-entered by a block's nested ask retirements.
    IF p_direction BETWEEN 3 AND 6 THEN
        PERFORM pg_advisory_xact_lock(hashint8(p_owner), hashint8(p_other));
    END IF;
    RETURN apply_edge_event_in_pair_lock(p_owner, p_direction, p_other, p_state, p_event_at);
END
$$;
