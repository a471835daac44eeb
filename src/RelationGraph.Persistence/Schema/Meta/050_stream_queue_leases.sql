-- Which silo pulls each stream queue: Orleans' lease-based queue balancer gives every silo its share of the queues and
-- takes each through a lease here (PostgresLeaseProvider). A lease names its holder (a silo address) and a token that
-- changes with every holder; it is renewed well within its duration, and a silo that died loses its leases when they
-- run out, or at once when it starts again at the same address.
CREATE TABLE stream_queue_leases (
    category     text        NOT NULL,  -- the stream provider
    resource_key text        NOT NULL,  -- the queue
    owner        text        NOT NULL,  -- the holder's silo address (host:port@generation)
    token        uuid        NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (category, resource_key)
);
