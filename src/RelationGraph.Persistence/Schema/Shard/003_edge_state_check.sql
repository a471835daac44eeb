-- An edge is either active (1) or a tombstone (0); anything else is a caller's bug and must not commit.
ALTER TABLE edges ADD CONSTRAINT edges_state CHECK (state IN (0, 1));
