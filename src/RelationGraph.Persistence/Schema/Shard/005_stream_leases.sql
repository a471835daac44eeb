-- Stream queues under Orleans' pulling agents: a receiver leases rows (a visibility timeout) when it reads them and
-- deletes them only once Orleans reports them delivered. A lease that lapses (its silo died) makes the rows readable
-- again, so delivery is at least once; a receiver that stops releases its leases at once.
ALTER TABLE stream_events
    ADD COLUMN IF NOT EXISTS leased_until timestamptz,  -- null or past: free to read
    ADD COLUMN IF NOT EXISTS lease_owner  uuid,         -- the receiver instance holding the lease
    ADD COLUMN IF NOT EXISTS deliveries   integer NOT NULL DEFAULT 0,  -- times the row was leased to a receiver
    ADD COLUMN IF NOT EXISTS failures     integer NOT NULL DEFAULT 0;  -- failed delivery rounds; > 0: delivered alone

-- Leasing updates each row once in place; free room on every page lets those updates stay HOT (no index writes).
ALTER TABLE stream_events SET (fillfactor = 80);

COMMENT ON COLUMN stream_dead_letters.attempts IS
    'Times the row was leased to a pulling agent before it was dead-lettered. In each of those rounds Orleans retried the delivery up to MaxDeliveryAttempts times.';
